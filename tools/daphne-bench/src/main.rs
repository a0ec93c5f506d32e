//! `daphne-bench`: the benchmark suite behind `make bench`. It measures the machine's limits
//! (STREAM-like bandwidth, dgemm peak), runs every workload of `benches/workloads/` with
//! `daphne --timing` and its NumPy twin of `benches/numpy/`, runs the scheduling study, and
//! writes `benches/report.md` with SVG charts next to it.

mod charts;
mod limits;
mod machine;
mod measure;
mod report;
mod study;
mod suite;
mod workloads;

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use clap::Parser;

/// Command-line options.
#[derive(Parser, Debug)]
#[command(
    version,
    about = "Benchmark DaphneDSL (daphne-rs) against NumPy and the machine's limits"
)]
pub struct Options {
    /// The `daphne` CLI to measure.
    #[arg(long, default_value = "target/release/daphne")]
    pub daphne: PathBuf,
    /// The Python interpreter of the NumPy side (Debian's, with python3-numpy and python3-scipy).
    #[arg(long, default_value = "/usr/bin/python3")]
    pub python: PathBuf,
    /// The suite's directory: workloads/ and numpy/ are read from it, report.md and the charts
    /// are written to it.
    #[arg(long, default_value = "benches")]
    pub dir: PathBuf,
    /// Measured repetitions per workload and side (after one warm-up run).
    #[arg(long, default_value_t = 5)]
    pub reps: usize,
    /// Measured repetitions per configuration of the scheduling study.
    #[arg(long, default_value_t = 3)]
    pub study_reps: usize,
    /// Threads of both sides (OpenBLAS included) in the main table.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Divide the problem sizes by this factor (quick trials; the report says so).
    #[arg(long, default_value_t = 1)]
    pub shrink: usize,
    /// Skip the scheduling study.
    #[arg(long)]
    pub no_study: bool,
    /// Only measure the machine's limits and print them as JSON (the suite runs itself so).
    #[arg(long, hide = true)]
    pub limits_json: bool,
    /// Seconds after which one run is killed and counted as failed.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
}

fn main() -> ExitCode {
    let options = Options::parse();
    if options.limits_json {
        println!("{}", limits::measure(options.threads, 10).to_json());
        return ExitCode::SUCCESS;
    }
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("daphne-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    let started = Instant::now();
    if !options.daphne.exists() {
        return Err(format!(
            "{} does not exist (build it: cargo build --release -p daphne)",
            options.daphne.display()
        ));
    }
    let log = |what: &str| eprintln!("[{:6.1} s] {what}", started.elapsed().as_secs_f64());
    let load_before = machine::load_average();
    let python_env = python_env(options)?;

    log("measuring the machine's limits");
    let before = measure_limits(options)?;
    log(&format!(
        "limits: read {:.1} GB/s, triad {:.1} GB/s, dgemm {:.1} GFLOP/s",
        before.read_gbs, before.triad_gbs, before.gemm_gflops
    ));
    let cache_dir = std::env::temp_dir().join(format!("daphne-bench-cache-{}", std::process::id()));
    std::fs::create_dir_all(&cache_dir)
        .map_err(|e| format!("cannot create {}: {e}", cache_dir.display()))?;
    let runner = suite::Runner {
        daphne: options.daphne.clone(),
        python: options.python.clone(),
        dir: options.dir.clone(),
        threads: options.threads,
        timeout: Duration::from_secs(options.timeout),
        cache_dir: cache_dir.clone(),
    };
    let mut outcomes = Vec::new();
    for workload in workloads::main_table(options.shrink) {
        log(&format!("workload {}: {}", workload.name, workload.title));
        let mut outcome = runner.run_workload(&workload, options.reps);
        if outcome
            .speedup()
            .is_some_and(|s| s < report::GEOMEAN_TARGET)
        {
            outcome.profile = runner.profile(&workload);
        }
        let show = |side: &suite::Side| match (side.kernel(), &side.error) {
            (Some(s), _) => format!("{:.4} s", s.median),
            (None, Some(e)) => format!("failed ({e})"),
            (None, None) => "no runs".into(),
        };
        log(&format!(
            "  DaphneDSL {}, NumPy {}",
            show(&outcome.daphne),
            show(&outcome.numpy)
        ));
        outcomes.push(outcome);
    }

    let mut studies = Vec::new();
    if !options.no_study {
        for workload in workloads::study(options.shrink) {
            log(&format!("scheduling study: {}", workload.title));
            studies.push(study::run(&runner, &workload, &[1, 2], options.study_reps));
        }
    }

    log("measuring the machine's limits again");
    let after = measure_limits(options)?;
    log(&format!(
        "limits: read {:.1} GB/s, triad {:.1} GB/s, dgemm {:.1} GFLOP/s",
        after.read_gbs, after.triad_gbs, after.gemm_gflops
    ));
    let limits = before.best(after);

    log("writing the report and the charts");
    let machine = machine::Machine::collect(
        &options.daphne,
        Some(&python_env),
        &limits::openblas_config(),
    );
    let context = report::Context {
        options,
        machine: &machine,
        limits: &limits,
        limit_runs: [before, after],
        runner: &runner,
        load_before,
        load_after: machine::load_average(),
        wall: started.elapsed(),
    };
    let written = report::write(&context, &outcomes, &studies);
    let _ = std::fs::remove_dir_all(&cache_dir);
    written?;
    log(&format!(
        "done: {}",
        options.dir.join("report.md").display()
    ));
    Ok(())
}

/// The limits, measured by a child process (see [`limits`]).
fn measure_limits(options: &Options) -> Result<limits::Limits, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let out = Command::new(exe)
        .args(["--limits-json", "--threads", &options.threads.to_string()])
        .output()
        .map_err(|e| format!("cannot measure the limits: {e}"))?;
    limits::Limits::from_json(&String::from_utf8_lossy(&out.stdout))
        .ok_or_else(|| "measuring the limits failed".to_string())
}

/// Versions of the NumPy side (`numpy/env.py`); fails with the fix when NumPy is missing.
fn python_env(options: &Options) -> Result<serde_json::Value, String> {
    let script = options.dir.join("numpy").join("env.py");
    let out = Command::new(&options.python)
        .arg(&script)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", options.python.display()))?;
    if !out.status.success() {
        return Err(format!(
            "the NumPy side is not ready ({}); install it with tools/setup.sh --bench",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ));
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{}: bad output: {e}", script.display()))
}
