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
