//! The pass tests (one test binary, so that LLVM/MLIR is linked into only one).
//!
//! - `filecheck`: every `tests/passes/*.mlir` starts with `// RUN: <pass>,<pass>,...` (or
//!   `// RUN: pipeline` for the compiler's default order); `@TESTDIR@` in the file stands for
//!   the directory of the test file (for data files); the harness parses the file, runs
//!   those passes (verifying after each), prints the module and checks the printout against
//!   the file's `// CHECK` lines with LLVM's FileCheck (`$FILECHECK`, else
//!   `/usr/lib/llvm-22/bin/FileCheck` from Debian's `llvm-22-tools`, which `llvm-22-dev`
//!   depends on).
//! - `scripts_with_each_pass_disabled`: every script test of `tests/scripts` (JIT) prints
//!   the same with each pass switched off in turn (`DAPHNE_DISABLE_PASSES=<pass>`), so no
//!   optional pass changes what a program computes. It needs `target/release/daphne`
//!   (`make build`) or `$DAPHNE_BIN`.

use daphne_passes::pipeline::{PassOptions, optimize};
use daphne_passes::registry::{PASSES, run_named};
use melior::ir::{Module, operation::OperationLike};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn filecheck_bin() -> PathBuf {
    std::env::var_os("FILECHECK").map_or_else(|| PathBuf::from("/usr/lib/llvm-22/bin/FileCheck"), PathBuf::from)
}

/// Runs the file's passes and returns the printed module.
fn run_file(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let dir = path.parent().unwrap_or(Path::new(".")).display().to_string();
    let text = text.replace("@TESTDIR@", &dir);
    let run = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("// RUN:"))
        .ok_or("the first line must be `// RUN: <passes>`")?
        .trim()
        .to_string();
    let context = daphne_dialect::new_context()?;
    let mut module = Module::parse(&context, &text).ok_or_else(|| format!("does not parse: {}", daphne_dialect::take_diagnostics().join("\n")))?;
    if !module.as_operation().verify() {
        return Err(format!("does not verify: {}", daphne_dialect::take_diagnostics().join("\n")));
    }
    if run == "pipeline" {
        optimize(&context, &mut module, &PassOptions::default(), &mut |_, _| {})?;
    } else {
        let names: Vec<&str> = run.split(',').map(str::trim).collect();
        run_named(&module, &names).map_err(|e| e.to_string())?;
    }
    if !module.as_operation().verify() {
        return Err(format!("the result does not verify: {}", daphne_dialect::take_diagnostics().join("\n")));
    }
    Ok(module.as_operation().to_string())
}

#[test]
fn filecheck() {
    let dir = root().join("tests/passes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).expect("tests/passes").flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "mlir")).collect();
    files.sort();
    assert!(!files.is_empty(), "no pass tests in {}", dir.display());
    let filecheck = filecheck_bin();
    assert!(filecheck.exists(), "FileCheck not found at {} (install llvm-22-tools or set FILECHECK)", filecheck.display());
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap_or_default().to_string_lossy().to_string();
        let output = match run_file(file) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut child = Command::new(&filecheck)
            .arg(file)
            .arg("--dump-input=fail")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("FileCheck runs");
        child.stdin.take().expect("stdin").write_all(output.as_bytes()).expect("write to FileCheck");
        let out = child.wait_with_output().expect("FileCheck finishes");
        if !out.status.success() {
            failures.push(format!("{name}:\n{}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    assert!(failures.is_empty(), "{} of {} pass tests failed:\n\n{}", failures.len(), files.len(), failures.join("\n\n"));
}

#[test]
fn scripts_with_each_pass_disabled() {
    use daphne_tests::{Expect, check, collect, daphne_bin};
    let cases: Vec<_> = collect(&root().join("tests/scripts"))
        .into_iter()
        // Scripts rejected by the frontend never reach the passes.
        .filter(|c| !matches!(c.expect, Expect::Fail { code: 1, .. }))
        .collect();
    assert!(!cases.is_empty());
    let bin = daphne_bin();
    let jobs: Vec<(&str, &daphne_tests::Case)> = PASSES.iter().flat_map(|p| cases.iter().map(move |c| (p.name, c))).collect();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((pass, case)) = jobs.get(i) else { break };
                    // Scripts name their data files relative to `tests/`, as the script tests run them.
                    let out = Command::new(&bin)
                        .current_dir(root().join("tests"))
                        .arg("run")
                        .arg(&case.script)
                        .args(&case.args)
                        .env("DAPHNE_DISABLE_PASSES", pass)
                        .output()
                        .expect("daphne runs");
                    if let Err(e) = check(&case.expect, &out) {
                        failures.lock().unwrap_or_else(|e| e.into_inner()).push(format!("[without {pass}] {}: {e}", case.script.display()));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    assert!(failures.is_empty(), "{} of {} runs failed:\n\n{}", failures.len(), jobs.len(), failures.join("\n\n"));
}

#[test]
fn unknown_disabled_pass_is_an_error() {
    let context = daphne_dialect::new_context().expect("context");
    let mut module = Module::parse(&context, "module {}").expect("parses");
    let opts = PassOptions { disabled: vec!["no-such-pass".into()], ..PassOptions::default() };
    let err = optimize(&context, &mut module, &opts, &mut |_, _| {}).expect_err("unknown pass");
    assert!(err.contains("no-such-pass"), "{err}");
}

/// Peak resident memory (kB) of a running process, from `/proc/<pid>/status` (`VmHWM`).
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Reference counting frees each iteration's matrix: 20 iterations of a 100 MB matrix stay far
/// below 20 × 100 MB (`benches/refcount-memory.sh` runs the full 1,000 iterations).
#[test]
fn loop_allocations_stay_bounded() {
    let script = std::env::temp_dir().join(format!("daphne-refcount-{}.daphne", std::process::id()));
    std::fs::write(
        &script,
        "s = 0.0;\nfor (i in 1:20) {\n    X = fill(as.f64(i), 3536, 3536);\n    s = s + as.scalar(X[0, 0]);\n}\nprint(s);\n",
    )
    .expect("write the script");
    let mut child = Command::new(daphne_tests::daphne_bin()).arg("run").arg(&script).env_remove("DAPHNE_DISABLE_PASSES").stdout(Stdio::piped()).spawn().expect("daphne runs");
    let mut peak = 0;
    while child.try_wait().expect("wait").is_none() {
        peak = peak.max(peak_rss_kb(child.id()).unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    let _ = std::fs::remove_file(&script);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "210\n");
    assert!(peak < 500 * 1024, "peak RSS {} MB", peak / 1024);
}

/// `--explain=property_inference` shows the shape a `.meta` file gives a `readMatrix`, and how
/// it flows into a UDF's parameter and out of its result.
#[test]
fn explain_property_inference_shows_meta_shapes() {
    let data = root().join("tests/passes/data/m.csv");
    let script = std::env::temp_dir().join(format!("daphne-explain-{}.daphne", std::process::id()));
    std::fs::write(
        &script,
        format!("def colTotals(M) {{\n  return sum(M, 1);\n}}\nX = readMatrix(\"{}\");\nprint(colTotals(X));\n", data.display()),
    )
    .expect("write the script");
    let out = Command::new(daphne_tests::daphne_bin())
        .arg("run")
        .arg("--explain=property_inference")
        .arg(&script)
        .env_remove("DAPHNE_DISABLE_PASSES")
        .output()
        .expect("daphne runs");
    let _ = std::fs::remove_file(&script);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "DenseMatrix(1x3, double)\n5 7 9\n");
    let line = |needle: &str| stderr.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no `{needle}` in:\n{stderr}")).to_string();
    assert!(line("\"daphne.read\"").contains("{daphne.cols = 3 : i64, daphne.rows = 2 : i64"), "{stderr}");
    assert!(line("func.func @udf.colTotals").contains("{daphne.cols = 3 : i64, daphne.rows = 2 : i64"), "{stderr}");
    assert!(line("call @udf.colTotals").contains("{daphne.cols = 3 : i64, daphne.rows = 1 : i64}"), "{stderr}");
}
