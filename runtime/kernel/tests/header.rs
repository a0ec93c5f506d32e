//! `include/daphne_kernel.h` and this crate describe the same ABI: the C compiler's offsets and
//! sizes equal Rust's, and the value-type codes are the same.

use daphne_kernel::{ABI_VERSION, Context, DenseMatrix, value_type};
use std::mem::{offset_of, size_of};
use std::path::Path;
use std::process::Command;

const PROBE: &str = r#"
#include <stddef.h>
#include <stdio.h>
#include "daphne_kernel.h"
int main(void) {
    printf("%d %zu %zu %zu %zu %zu %zu %zu\n", DAPHNE_KERNEL_ABI_VERSION, sizeof(DaphneDenseMatrix),
        offsetof(DaphneDenseMatrix, value_type), offsetof(DaphneDenseMatrix, num_rows), offsetof(DaphneDenseMatrix, num_cols),
        offsetof(DaphneDenseMatrix, row_skip), offsetof(DaphneDenseMatrix, values), offsetof(DaphneDenseMatrix, handle));
    printf("%zu %zu %zu %zu\n", sizeof(DaphneContext), offsetof(DaphneContext, abi_version),
        offsetof(DaphneContext, alloc_dense), offsetof(DaphneContext, set_error));
    printf("%d %d %d %d %d %d %d %d %d\n", DAPHNE_F64, DAPHNE_F32, DAPHNE_SI64, DAPHNE_SI32, DAPHNE_SI8,
        DAPHNE_UI64, DAPHNE_UI32, DAPHNE_UI8, DAPHNE_BOOL);
    return 0;
}
"#;

#[test]
fn c_header_matches_rust_layout() {
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("../include");
    let dir = tempfile::tempdir().expect("temporary directory");
    let (src, exe) = (dir.path().join("probe.c"), dir.path().join("probe"));
    std::fs::write(&src, PROBE).expect("write probe");
    let status = Command::new("cc").arg("-I").arg(&include).arg(&src).arg("-o").arg(&exe).status().expect("cc runs");
    assert!(status.success(), "the header does not compile");
    let out = Command::new(&exe).output().expect("probe runs");
    let expected = format!(
        "{ABI_VERSION} {} {} {} {} {} {} {}\n{} {} {} {}\n{} {} {} {} {} {} {} {} {}\n",
        size_of::<DenseMatrix>(),
        offset_of!(DenseMatrix, value_type),
        offset_of!(DenseMatrix, num_rows),
        offset_of!(DenseMatrix, num_cols),
        offset_of!(DenseMatrix, row_skip),
        offset_of!(DenseMatrix, values),
        offset_of!(DenseMatrix, handle),
        size_of::<Context>(),
        offset_of!(Context, abi_version),
        offset_of!(Context, alloc_dense),
        offset_of!(Context, set_error),
        value_type::F64,
        value_type::F32,
        value_type::SI64,
        value_type::SI32,
        value_type::SI8,
        value_type::UI64,
        value_type::UI32,
        value_type::UI8,
        value_type::BOOL,
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}
