//! Harness for the script tests under `tests/scripts/<category>/`.
//!
//! Each `<name>.daphne` has an expectation next to it:
//! - `<name>.txt`: the exact stdout of a successful run (exit code 0, empty stderr);
//! - or `<name>.fail`: the first line is the expected exit code, every further line a text the
//!   combined stdout+stderr must contain (e.g. `file:line:col` of a diagnostic).
//!
//! A first line `// args: a=1 b=2` passes script arguments. Every script runs through the JIT
//! (`daphne run`) and through a native executable (`daphne build`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `daphne` binary under test: `$DAPHNE_BIN`, else `target/release/daphne`.
pub fn daphne_bin() -> PathBuf {
    if let Ok(p) = std::env::var("DAPHNE_BIN") {
        return PathBuf::from(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = root.join("target/release/daphne");
    assert!(bin.exists(), "{} is missing: run `make build` (or set DAPHNE_BIN)", bin.display());
    bin
}

/// The compile cache of test runs, `target/tmp/daphne-test-cache` (tests never write to the
/// user's home).
pub fn test_cache_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/tmp/daphne-test-cache")
}

/// A `daphne` command using the tests' compile cache ([`test_cache_dir`]); start every run here.
pub fn daphne() -> Command {
    let mut command = Command::new(daphne_bin());
    command.env("DAPHNE_CACHE_DIR", test_cache_dir());
    command
}

/// One script test case.
#[derive(Debug, Clone)]
pub struct Case {
    /// The `.daphne` file.
    pub script: PathBuf,
    /// What the run must produce.
    pub expect: Expect,
    /// Script arguments from the `// args:` line.
    pub args: Vec<String>,
}

/// The expected outcome of a script.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Exit code 0 with exactly this stdout and an empty stderr.
    Stdout(String),
    /// This exit code, with each text somewhere in stdout or stderr.
    Fail {
        /// Expected exit code.
        code: i32,
        /// Texts the output must contain.
        contains: Vec<String>,
    },
}

/// All cases under `dir` (recursively), sorted by path.
pub fn collect(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable test directory").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "daphne") {
                cases.push(load(&p));
            }
        }
    }
    cases.sort_by(|a, b| a.script.cmp(&b.script));
    cases
}

fn load(script: &Path) -> Case {
    let txt = script.with_extension("txt");
    let fail = script.with_extension("fail");
    let expect = if let Ok(s) = std::fs::read_to_string(&txt) {
        Expect::Stdout(s)
    } else if let Ok(s) = std::fs::read_to_string(&fail) {
        let mut lines = s.lines();
        let code = lines.next().and_then(|l| l.trim().parse().ok()).expect("first line of .fail is the exit code");
        Expect::Fail { code, contains: lines.filter(|l| !l.is_empty()).map(String::from).collect() }
    } else {
        panic!("{} has neither a .txt nor a .fail expectation", script.display());
    };
    let source = std::fs::read_to_string(script).expect("readable script");
    let args = source
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("// args:"))
        .map(|a| a.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    Case { script: script.to_path_buf(), expect, args }
}

/// Checks one run's output against the expectation; `Err` describes the mismatch.
pub fn check(expect: &Expect, out: &Output) -> Result<(), String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or(-1);
    match expect {
        Expect::Stdout(want) => {
            if code != 0 || !stderr.is_empty() || stdout != *want {
                return Err(format!("exit {code}\n--- stdout\n{stdout}--- expected\n{want}--- stderr\n{stderr}"));
            }
        }
        Expect::Fail { code: want, contains } => {
            let all = format!("{stdout}{stderr}");
            if code != *want || !contains.iter().all(|c| all.contains(c.as_str())) {
                return Err(format!("exit {code} (expected {want}, output containing {contains:?})\n--- output\n{all}"));
            }
        }
    }
    Ok(())
}

/// Runs `case` through the JIT.
pub fn run_jit(case: &Case) -> Output {
    run_jit_with(case, &[])
}

/// The scheduler modes every script also runs in (`--vec` with DaphneSched's schemes and
/// layouts); results must be the same as without `--vec`.
pub const VEC_MODES: [&[&str]; 4] = [
    &["--vec", "--partitioning=STATIC"],
    &["--vec", "--partitioning=GSS"],
    &["--vec", "--queue_layout=PERCPU", "--victim_selection=RANDOM"],
    &["--vec", "--partitioning=AUTO"],
];

/// Runs `case` through the JIT with extra command-line `flags`.
pub fn run_jit_with(case: &Case, flags: &[&str]) -> Output {
    daphne().arg("run").args(flags).arg(&case.script).args(&case.args).output().expect("daphne runs")
}

/// Builds `case` into a native executable in `dir` and runs it. A build failure is returned
/// as the output (so `.fail` cases can expect compile errors in both modes).
pub fn run_native(case: &Case, dir: &Path) -> Output {
    let exe = dir.join(case.script.file_stem().expect("file name"));
    let build = daphne()
        .arg("build")
        .arg(&case.script)
        .args(&case.args)
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("daphne build runs");
    if !build.status.success() {
        return build;
    }
    Command::new(&exe).output().expect("the built executable runs")
}
