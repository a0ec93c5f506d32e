//! Runs every script under `tests/scripts/` through the JIT and as a native executable.

use daphne_tests::{check, collect, run_jit, run_native};
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

#[test]
fn statistics_table_lists_kernel_call_sites() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let script = dir.path().join("stats.daphne");
    std::fs::write(&script, "X = fill(2.0, 3, 3);\nprint(sum(X * X));\n").expect("write script");
    let out = daphne_tests::daphne().arg("--statistics").arg(&script).output().expect("daphne runs");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "36\n");
    let table = String::from_utf8_lossy(&out.stderr);
    assert!(table.contains("Operator Name"), "{table}");
    let row = table.lines().find(|l| l.contains("ew_binary_mm")).expect("a row for the multiplication");
    assert!(row.contains("stats.daphne:2:11"), "{row}");
}
