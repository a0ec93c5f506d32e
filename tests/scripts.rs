//! Runs every script under `tests/scripts/` through the JIT, as a native executable, and through
//! the JIT under `--vec` with several scheduler configurations.

use daphne_tests::{VEC_MODES, check, collect, run_jit, run_jit_with, run_native};
use std::path::Path;

#[test]
fn scripts_jit_and_native() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts");
    let cases = collect(&dir);
    assert!(!cases.is_empty(), "no script tests found in {}", dir.display());
    let tmp = tempfile::tempdir().expect("temporary directory");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.script.strip_prefix(&dir).unwrap_or(&case.script).display().to_string();
        if let Err(e) = check(&case.expect, &run_jit(case)) {
            failures.push(format!("[jit] {name}: {e}"));
        }
        if let Err(e) = check(&case.expect, &run_native(case, tmp.path())) {
            failures.push(format!("[native] {name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} script runs failed:\n\n{}", failures.len(), 2 * cases.len(), failures.join("\n\n"));
}

/// Every script again under `--vec` with each of [`VEC_MODES`] (a separate test, so that it
/// runs next to the JIT/native one).
#[test]
fn scripts_vectorized_modes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts");
    let cases = collect(&dir);
    let mut failures = Vec::new();
    let mut runs = 0;
    // Scripts that choose their own scheduler options (`// args: --vec ...`) keep them.
    for case in cases.iter().filter(|c| !c.args.iter().any(|a| a == "--vec")) {
        let name = case.script.strip_prefix(&dir).unwrap_or(&case.script).display().to_string();
        for flags in VEC_MODES {
            runs += 1;
            if let Err(e) = check(&case.expect, &run_jit_with(case, flags)) {
                failures.push(format!("[{}] {name}: {e}", flags.join(" ")));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {runs} script runs failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn statistics_table_lists_kernel_call_sites() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let script = dir.path().join("stats.daphne");
    // 10x10: above the compile-time folding bound for small matrices, so the kernels run (a
    // product: element-wise ops may be fused into a pipeline).
    std::fs::write(&script, "X = fill(2.0, 10, 10);\nprint(sum(X @ X));\n").expect("write script");
    let out = daphne_tests::daphne().arg("--statistics").arg(&script).output().expect("daphne runs");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "4000\n");
    let table = String::from_utf8_lossy(&out.stderr);
    assert!(table.contains("Operator Name"), "{table}");
    let row = table.lines().find(|l| l.contains("matmul")).expect("a row for the multiplication");
    assert!(row.contains("stats.daphne:2:11"), "{row}");
}
