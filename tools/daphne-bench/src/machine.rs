//! The reproducibility header: the machine, the operating system, the versions of everything
//! measured (compiler, LLVM, NumPy, SciPy, OpenBLAS) and the git commit.

use std::path::Path;
use std::process::Command;

/// The recorded environment, as `(key, value)` rows for the report.
pub struct Machine {
    /// Rows in report order.
    pub rows: Vec<(String, String)>,
}

/// The trimmed stdout of a command, or `None` when it cannot run or fails.
fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The value of the first `key: value` / `key=value` line of a file starting with `key`.
fn file_field(path: &str, key: &str, separator: char) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .find_map(|line| {
            let (k, v) = line.split_once(separator)?;
            (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
        })
}

/// The 1-minute load average (how busy the machine was).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

impl Machine {
    /// Collects the environment; `python_env` is the JSON that `benches/numpy/env.py` printed.
    pub fn collect(daphne: &Path, python_env: Option<&serde_json::Value>, blas: &str) -> Machine {
        let unknown = || "unknown".to_string();
        let mut rows = Vec::new();
        let mut row = |k: &str, v: String| rows.push((k.to_string(), v));
        let cpu = |key: &str| file_field("/proc/cpuinfo", key, ':').unwrap_or_else(unknown);
        row(
            "CPU",
            format!(
                "{} (family {}, model {}{})",
                cpu("model name"),
                cpu("cpu family"),
                cpu("model"),
                if cpu("flags").split(' ').any(|f| f == "avx512f") {
                    ", AVX-512"
                } else {
                    ""
                }
            ),
        );
        row(
            "cores (available to the process)",
            std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .to_string(),
        );
        let mem = file_field("/proc/meminfo", "MemTotal", ':')
            .and_then(|v| v.trim_end_matches(" kB").trim().parse::<f64>().ok())
            .map_or_else(unknown, |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0));
        row("memory", mem);
        let os = file_field("/etc/os-release", "PRETTY_NAME", '=').unwrap_or_else(unknown);
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map_or_else(|_| unknown(), |s| s.trim().to_string());
        row("OS", format!("{os}, Linux {kernel}"));
        let rustc = output("rustc", &["-vV"]).unwrap_or_default();
        let rustc_field = |key: &str| {
            rustc
                .lines()
                .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
                .unwrap_or_else(unknown)
        };
        row("rustc", rustc_field("release:"));
        row("rustc's LLVM", rustc_field("LLVM version:"));
        row(
            "LLVM/MLIR of the DaphneDSL compiler",
            output("llvm-config-22", &["--version"]).unwrap_or_else(unknown),
        );
        row(
            "daphne",
            output(&daphne.to_string_lossy(), &["--version"]).unwrap_or_else(unknown),
        );
        row("OpenBLAS (daphne, limits)", blas.to_string());
        let py = |key: &str| {
            python_env
                .and_then(|env| env.get(key))
                .and_then(serde_json::Value::as_str)
                .map_or_else(unknown, str::to_string)
        };
        row("Python", py("python"));
        row("NumPy", py("numpy"));
        row("SciPy", py("scipy"));
        row(
            "BLAS loaded by NumPy",
            format!("{} ({})", py("blas_config"), py("blas_library")),
        );
        let commit = output("git", &["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(unknown);
        let dirty = output("git", &["status", "--porcelain", "--untracked-files=no"])
            .is_some_and(|s| !s.is_empty());
        row(
            "git commit",
            if dirty {
                format!("{commit} (with uncommitted changes in the tree)")
            } else {
                commit
            },
        );
        Machine { rows }
    }
}
