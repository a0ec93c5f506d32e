//! An example kernel extension: `sumAll` over `DenseMatrix<double>` and an element-wise
//! `ewAbs`, both announcing themselves with a marker line. Build it with
//! `cargo build --release -p daphne-example-kernels` (it becomes `librust_kernels.so`);
//! `kernels.json` is its catalog and `demo.daphne` uses it (see ../README.md).

use daphne_kernel::{Context, DenseMatrix};
use std::io::Write;

/// Prints the marker line (flushed, so it is ordered with the program's own output).
fn marker(kernel: &str) {
    let mut out = std::io::stdout().lock();
    // A lost marker line is not worth failing the kernel for.
    let _ = writeln!(out, "hello from the Rust kernel {kernel}");
    let _ = out.flush();
}

/// `sumAll`: `double sum(DenseMatrix<double>)`.
///
/// # Safety
/// Called by DAPHNE with the ABI's arguments (docs/kernel-abi.md).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rust_sum_all(res: *mut f64, arg: *const DenseMatrix, ctx: *mut Context) {
    marker("rust_sum_all");
    // SAFETY: DAPHNE passes a valid matrix, a writable result and a live context.
    let (res, arg, ctx) = unsafe { (&mut *res, &*arg, &mut *ctx) };
    let mut sum = 0.0;
    for r in 0..arg.rows() {
        let Some(row) = arg.row::<f64>(r) else {
            ctx.fail("rust_sum_all expects a DenseMatrix<double>");
            return;
        };
        sum += row.iter().sum::<f64>();
    }
    *res = sum;
}

/// One cell of `rust_abs`: fused pipelines call it per cell (the catalog declares
/// `"fusion": "elementwise"` and `"cellFuncName": "rust_abs_cell"`).
#[unsafe(no_mangle)]
pub extern "C" fn rust_abs_cell(x: f64) -> f64 {
    x.abs()
}

/// `ewAbs`: `DenseMatrix<double> abs(DenseMatrix<double>)`, element-wise.
///
/// # Safety
/// Called by DAPHNE with the ABI's arguments (docs/kernel-abi.md).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rust_abs(res: *mut *mut DenseMatrix, arg: *const DenseMatrix, ctx: *mut Context) {
    marker("rust_abs");
    // SAFETY: DAPHNE passes a valid matrix, a writable result slot and a live context.
    let (res, arg, ctx) = unsafe { (&mut *res, &*arg, &mut *ctx) };
    let Some(out) = ctx.alloc_dense::<f64>(arg.rows(), arg.cols()) else { return };
    for r in 0..arg.rows() {
        let (Some(src), Some(dst)) = (arg.row::<f64>(r), out.row_mut::<f64>(r)) else {
            ctx.fail("rust_abs expects a DenseMatrix<double>");
            return;
        };
        for (d, s) in dst.iter_mut().zip(src) {
            *d = rust_abs_cell(*s);
        }
    }
    *res = out;
}
