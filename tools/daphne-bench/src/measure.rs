//! Running one benchmark process: a timeout, the `BENCH_*` lines both sides print (the timed
//! region in nanoseconds, iterations, a result check), `daphne --timing`'s JSON phase times, and
//! the statistics over repetitions.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// `daphne --timing`'s phase times in seconds (one JSON object on stderr at the end of a run).
#[derive(Clone, Debug, Default)]
pub struct Timing {
    /// Process start-up until the compiler starts.
    pub startup: f64,
    /// Parsing and semantic analysis.
    pub parsing: f64,
    /// MLIR passes, lowering and JIT compilation.
    pub compilation: f64,
    /// Running the compiled program (data generation included).
    pub execution: f64,
    /// The whole process.
    pub total: f64,
    /// The compile cache's verdict (`hit`, `miss`, `off`), where the CLI reports one.
    pub cache: Option<String>,
}

/// What one successful run reported.
#[derive(Clone, Debug)]
pub struct Run {
    /// The timed region (`BENCH_NS`) in seconds.
    pub kernel: f64,
    /// Iterations of an iterative workload (`BENCH_ITERS`).
    pub iters: Option<f64>,
    /// The result check (`BENCH_CHECK`), as printed.
    pub check: Option<String>,
    /// Phase times, for `daphne --timing` runs.
    pub timing: Option<Timing>,
    /// Peak resident memory of the process in bytes.
    pub peak_rss: f64,
}

/// Runs `cmd` to completion (killing it after `timeout`) and reads its report; the error says
/// why a run gave no time (exit status, signal, first error line, timeout).
pub fn run(cmd: &mut Command, timeout: Duration) -> Result<Run, String> {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let out = thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let mut raw_status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // The child is reaped with wait4 (not `Child::wait`) to read its own peak RSS.
    let finished = loop {
        // SAFETY: `pid` is our unreaped child; the pointers are to live locals.
        let reaped = unsafe { libc::wait4(pid, &mut raw_status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break true;
        }
        if reaped < 0 {
            return Err(format!(
                "waiting for the process: {}",
                std::io::Error::last_os_error()
            ));
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break false;
        }
        thread::sleep(Duration::from_millis(5));
    };
    let (stdout, stderr) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    if !finished {
        return Err(format!("timed out after {} s", timeout.as_secs()));
    }
    let status = ExitStatus::from_raw(raw_status);
    if !status.success() {
        return Err(failure(status, &stdout, &stderr));
    }
    let field = |key: &str| {
        stdout
            .lines()
            .find_map(|line| line.strip_prefix(key).map(|rest| rest.trim().to_string()))
    };
    let kernel = field("BENCH_NS ")
        .and_then(|ns| ns.parse::<f64>().ok())
        .ok_or_else(|| format!("no BENCH_NS line in the output: {}", first_line(&stdout)))?;
    Ok(Run {
        kernel: kernel * 1e-9,
        iters: field("BENCH_ITERS ").and_then(|v| v.parse().ok()),
        check: field("BENCH_CHECK "),
        timing: parse_timing(&stderr),
        // ru_maxrss is in KiB on Linux.
        peak_rss: usage.ru_maxrss as f64 * 1024.0,
    })
}

/// A one-line reason for a failed run.
fn failure(status: ExitStatus, stdout: &str, stderr: &str) -> String {
    let message = stdout
        .lines()
        .chain(stderr.lines())
        .find(|line| line.contains("[error]") || line.contains("rror"))
        .map(str::trim)
        .unwrap_or_else(|| first_line(stderr));
    let how = match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(11)) => "segmentation fault".to_string(),
        (None, Some(9)) => "killed (out of memory?)".to_string(),
        (None, Some(signal)) => format!("signal {signal}"),
        (None, None) => "abnormal exit".to_string(),
    };
    if message.is_empty() {
        how
    } else {
        format!("{how}: {}", truncate(message, 160))
    }
}

fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// The last `--timing` object on stderr.
pub fn parse_timing(stderr: &str) -> Option<Timing> {
    let start = stderr.rfind("{\"startup_seconds\"")?;
    let end = stderr[start..].find('}')? + start + 1;
    let json: serde_json::Value = serde_json::from_str(&stderr[start..end]).ok()?;
    let get = |key: &str| json.get(key).and_then(serde_json::Value::as_f64);
    Some(Timing {
        startup: get("startup_seconds")?,
        parsing: get("parsing_seconds").unwrap_or(0.0),
        compilation: get("compilation_seconds")?,
        execution: get("execution_seconds")?,
        total: get("total_seconds")?,
        cache: json
            .get("cache")
            .and_then(serde_json::Value::as_str)
            .map(str::to_string),
    })
}

/// Median, minimum and maximum of a sample.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    /// The median (the mean of the middle two for an even count).
    pub median: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
}

impl Stats {
    /// The statistics of `values`; `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Stats> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let mid = v.len() / 2;
        let median = if v.len() % 2 == 1 {
            v[mid]
        } else {
            (v[mid - 1] + v[mid]) / 2.0
        };
        Some(Stats {
            median,
            min: v[0],
            max: v[v.len() - 1],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_min_max() {
        let s = Stats::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        let s = Stats::of(&[4.0, 1.0, 2.0, 3.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (2.5, 1.0, 4.0));
        assert!(Stats::of(&[]).is_none());
    }

    #[test]
    fn timing_json_is_read_after_other_stderr_output() {
        let stderr = "warning: x\n{\"startup_seconds\": 0.01, \"parsing_seconds\": 0.002, \
            \"compilation_seconds\": 0.02, \"execution_seconds\": 1.5, \"total_seconds\": 1.6, \
            \"cache\": \"hit\"}\n";
        let t = parse_timing(stderr).unwrap();
        assert_eq!((t.compilation, t.execution, t.total), (0.02, 1.5, 1.6));
        assert_eq!(t.cache.as_deref(), Some("hit"));
        assert!(parse_timing("no json").is_none());
    }

    #[test]
    fn a_run_reports_its_bench_lines() {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "echo BENCH_ITERS 7; echo 'BENCH_CHECK 1.5'; echo BENCH_NS 2000000000",
        ]);
        let run = run(&mut cmd, Duration::from_secs(10)).unwrap();
        assert_eq!(run.kernel, 2.0);
        assert_eq!(run.iters, Some(7.0));
        assert_eq!(run.check.as_deref(), Some("1.5"));
        assert!(run.peak_rss > 0.0);
    }

    #[test]
    fn failures_and_timeouts_are_reported() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo '[error]: Execution error: boom'; exit 3"]);
        let err = run(&mut cmd, Duration::from_secs(10)).unwrap_err();
        assert_eq!(err, "exit code 3: [error]: Execution error: boom");
        let mut cmd = Command::new("sleep");
        cmd.arg("5");
        let err = run(&mut cmd, Duration::from_millis(100)).unwrap_err();
        assert!(err.starts_with("timed out"), "{err}");
    }
}
