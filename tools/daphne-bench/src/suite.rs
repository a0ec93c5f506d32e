//! Running the main table: every workload on both sides, one discarded warm-up run each, then
//! the repetitions alternating between DaphneDSL and NumPy so that drift in the machine's load
//! hits both alike.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::measure::{self, Run, Stats};
use crate::workloads::{Work, Workload};

/// How the two sides are started.
pub struct Runner {
    /// The `daphne` CLI.
    pub daphne: PathBuf,
    /// The Python interpreter of the NumPy side.
    pub python: PathBuf,
    /// The `benches/` directory (workloads/, numpy/).
    pub dir: PathBuf,
    /// Threads for both sides (OpenBLAS included).
    pub threads: usize,
    /// Limit of one run.
    pub timeout: Duration,
    /// The compile cache of the DaphneDSL runs (`DAPHNE_CACHE_DIR`), empty at the start.
    pub cache_dir: PathBuf,
}

/// The runs of one side of one workload, or why it has none.
#[derive(Default)]
pub struct Side {
    /// The warm-up run: for DaphneDSL the cold compile (an empty compile cache).
    pub warmup: Option<Run>,
    /// The measured runs (warm-up excluded).
    pub runs: Vec<Run>,
    /// The first failure; a failing side is not run again.
    pub error: Option<String>,
}

impl Side {
    /// Statistics of the timed region in seconds.
    pub fn kernel(&self) -> Option<Stats> {
        Stats::of(&self.runs.iter().map(|r| r.kernel).collect::<Vec<_>>())
    }

    /// Statistics of the timed region per iteration (the same as [`Side::kernel`] for
    /// workloads that do not print `BENCH_ITERS`).
    pub fn per_iter(&self) -> Option<Stats> {
        Stats::of(
            &self
                .runs
                .iter()
                .map(|r| r.kernel / r.iters.unwrap_or(1.0))
                .collect::<Vec<_>>(),
        )
    }

    /// Statistics of one `--timing` phase.
    pub fn phase(&self, pick: impl Fn(&measure::Timing) -> f64) -> Option<Stats> {
        Stats::of(
            &self
                .runs
                .iter()
                .filter_map(|r| r.timing.as_ref().map(&pick))
                .collect::<Vec<_>>(),
        )
    }

    /// The median iteration count, for iterative workloads.
    pub fn iters(&self) -> Option<f64> {
        Stats::of(&self.runs.iter().filter_map(|r| r.iters).collect::<Vec<_>>()).map(|s| s.median)
    }

    /// The achieved rate (GB/s or GFLOP/s) at the median time per iteration.
    pub fn rate(&self, work: Work) -> Option<f64> {
        let per_iter = self.per_iter()?.median;
        Some(match work {
            Work::Bytes(b) | Work::Flops(b) => b / per_iter / 1e9,
        })
    }

    /// The median peak resident memory in bytes.
    pub fn peak_rss(&self) -> Option<f64> {
        Stats::of(&self.runs.iter().map(|r| r.peak_rss).collect::<Vec<_>>()).map(|s| s.median)
    }

    /// The result check of the last run.
    pub fn check(&self) -> Option<&str> {
        self.runs.last().and_then(|r| r.check.as_deref())
    }
}

/// Both sides of one workload.
pub struct Outcome {
    /// The workload.
    pub workload: Workload,
    /// `daphne --timing`.
    pub daphne: Side,
    /// NumPy / SciPy.
    pub numpy: Side,
    /// For workloads below target: the timed region's kernels from `--statistics`.
    pub profile: Option<Profile>,
}

/// The kernels of a timed region, `(kernel, call-site line, calls, seconds)` by time, and the
/// region's seconds in the profiled run.
pub type Profile = (Vec<(String, usize, u64, f64)>, f64);

impl Outcome {
    /// NumPy's median time per iteration over ours (above 1: DaphneDSL is faster).
    pub fn speedup(&self) -> Option<f64> {
        Some(self.numpy.per_iter()?.median / self.daphne.per_iter()?.median)
    }
}

impl Runner {
    /// The DaphneDSL command of `workload` with extra options (the scheduling study's).
    pub fn daphne_command(&self, workload: &Workload, extra: &[String], threads: usize) -> Command {
        let mut cmd = Command::new(&self.daphne);
        cmd.arg("--timing")
            .args(&workload.flags)
            .args(extra)
            .arg(self.script(workload))
            .args(workload.arg_strings())
            .env("DAPHNE_CACHE_DIR", &self.cache_dir);
        thread_env(&mut cmd, threads);
        cmd
    }

    /// The NumPy command of `workload`.
    pub fn numpy_command(&self, workload: &Workload) -> Command {
        let mut cmd = Command::new(&self.python);
        cmd.arg(self.dir.join("numpy").join(format!("{}.py", workload.name)))
            .args(workload.arg_strings())
            .env("PYTHONDONTWRITEBYTECODE", "1");
        thread_env(&mut cmd, self.threads);
        cmd
    }

    /// The DaphneDSL script of `workload`.
    pub fn script(&self, workload: &Workload) -> PathBuf {
        self.dir
            .join("workloads")
            .join(format!("{}.daphne", workload.name))
    }

    /// Runs one workload: a warm-up per side, then `reps` alternating repetitions.
    pub fn run_workload(&self, workload: &Workload, reps: usize) -> Outcome {
        let mut daphne = Side::default();
        let mut numpy = Side::default();
        for rep in 0..=reps {
            self.step(&mut daphne, rep, || {
                self.daphne_command(workload, &[], self.threads)
            });
            self.step(&mut numpy, rep, || self.numpy_command(workload));
        }
        Outcome {
            workload: workload.clone(),
            daphne,
            numpy,
            profile: None,
        }
    }

    /// The kernels of the timed region by time, from one `daphne --statistics` run: `(kernel,
    /// call site line, calls, seconds)` and the timed region's seconds in that run.
    pub fn profile(&self, workload: &Workload) -> Option<Profile> {
        let script = std::fs::read_to_string(self.script(workload)).ok()?;
        let line_of = |marker: &str| {
            script
                .lines()
                .position(|l| l.contains(marker))
                .map(|i| i + 1)
        };
        let (begin, end) = (line_of("t0 = now()")?, line_of("t1 = now()")?);
        let mut cmd = self.daphne_command(workload, &["--statistics".to_string()], self.threads);
        let out = cmd.output().ok()?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let kernel_ns: f64 = stdout
            .lines()
            .find_map(|l| l.strip_prefix("BENCH_NS "))?
            .trim()
            .parse()
            .ok()?;
        let rows = statistics_rows(&String::from_utf8_lossy(&out.stderr), begin, end);
        Some((rows, kernel_ns * 1e-9))
    }

    /// Runs repetition `rep` of one side (0 is the warm-up), unless the side has failed.
    pub fn step(&self, side: &mut Side, rep: usize, command: impl Fn() -> Command) {
        if side.error.is_some() {
            return;
        }
        match measure::run(&mut command(), self.timeout) {
            Ok(run) if rep > 0 => side.runs.push(run),
            Ok(run) => side.warmup = Some(run),
            Err(e) => side.error = Some(e),
        }
    }
}

/// The rows of `daphne --statistics` output whose call site lies strictly between lines `begin`
/// and `end`, as `(kernel, line, calls, seconds)`, slowest first.
fn statistics_rows(stats: &str, begin: usize, end: usize) -> Vec<(String, usize, u64, f64)> {
    let mut rows: Vec<(String, usize, u64, f64)> = stats
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [_, name, time, count, _, site] = f.as_slice() else {
                return None;
            };
            let line_no: usize = site.rsplit(':').nth(1)?.parse().ok()?;
            (begin < line_no && line_no < end).then(|| {
                Some((
                    name.to_string(),
                    line_no,
                    count.parse().ok()?,
                    time.parse().ok()?,
                ))
            })?
        })
        .collect();
    rows.sort_by(|a, b| b.3.total_cmp(&a.3));
    rows
}

/// Pins the thread pools of BLAS and OpenMP to `threads`.
fn thread_env(cmd: &mut Command, threads: usize) {
    for var in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] {
        cmd.env(var, threads.to_string());
    }
}

/// A path relative to the current directory when it lies below it (for the report).
pub fn relative(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn statistics_rows_of_the_timed_region_slowest_first() {
        let stats = "   #  Operator Name   Time(s)    Count       Avg(s)  File:Line:Column
   1  rand_f64   0.222390        1     0.222390  w.daphne:3:5
   2  matmul     0.100000       20     0.005000  w.daphne:9:9
   3  ew_binary  0.300000       40     0.007500  w.daphne:8:9
   4  print_str  0.000010        1     0.000010  w.daphne:12:1";
        let rows = super::statistics_rows(stats, 5, 11);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].0.as_str(), rows[0].1, rows[0].2, rows[0].3),
            ("ew_binary", 8, 40, 0.3)
        );
        assert_eq!(rows[1].0, "matmul");
    }
}
