//! The scheduling study (the DaphneSched paper's experiment shape): each study workload under
//! every partitioning scheme × queue layout at 1 and 2 threads, with `--vec`. Repetitions go
//! round-robin over the configurations so that drift in the machine's load spreads evenly.

use std::time::Instant;

use crate::measure::Stats;
use crate::suite::{Runner, Side};
use crate::workloads::Workload;

/// DaphneSched's partitioning schemes, in the paper's order, AUTO last.
pub const SCHEMES: [&str; 15] = [
    "STATIC", "SS", "GSS", "TSS", "FAC2", "TFSS", "FISS", "VISS", "PLS", "PSS", "MSTATIC", "MFSC",
    "CST", "AF", "AUTO",
];
/// The queue layouts.
pub const LAYOUTS: [&str; 3] = ["CENTRALIZED", "PERGROUP", "PERCPU"];
/// The chunk size (rows) given to CST, which has no default.
pub const CST_CHUNK: usize = 1000;

/// One configuration of the study.
#[derive(Clone, Debug)]
pub struct Config {
    /// Partitioning scheme.
    pub scheme: &'static str,
    /// Queue layout.
    pub layout: &'static str,
    /// Worker threads (OpenBLAS gets the same number).
    pub threads: usize,
}

impl Config {
    /// The `daphne` options of this configuration.
    pub fn options(&self) -> Vec<String> {
        let mut options = vec![
            "--vec".to_string(),
            format!("--partitioning={}", self.scheme),
            format!("--queue_layout={}", self.layout),
            format!("--num-threads={}", self.threads),
        ];
        if self.scheme == "CST" {
            options.push(format!("--cst-chunk={CST_CHUNK}"));
        }
        options
    }
}

/// The study of one workload: one side per configuration.
pub struct Study {
    /// The workload at the study's size.
    pub workload: Workload,
    /// Every configuration with its runs.
    pub points: Vec<(Config, Side)>,
}

impl Study {
    /// The fastest configuration other than AUTO (by median time).
    pub fn best_static(&self) -> Option<(&Config, Stats)> {
        self.points
            .iter()
            .filter(|(c, _)| c.scheme != "AUTO")
            .filter_map(|(c, side)| side.kernel().map(|s| (c, s)))
            .min_by(|a, b| a.1.median.total_cmp(&b.1.median))
    }
}

/// Every configuration: threads, then layout, then scheme.
pub fn configs(thread_counts: &[usize]) -> Vec<Config> {
    let mut out = Vec::new();
    for &threads in thread_counts {
        for layout in LAYOUTS {
            for scheme in SCHEMES {
                out.push(Config {
                    scheme,
                    layout,
                    threads,
                });
            }
        }
    }
    out
}

/// Runs the study of `workload` with `reps` repetitions per configuration (after one warm-up
/// run of the workload); a configuration that fails is not run again.
pub fn run(runner: &Runner, workload: &Workload, thread_counts: &[usize], reps: usize) -> Study {
    let started = Instant::now();
    let mut points: Vec<(Config, Side)> = configs(thread_counts)
        .into_iter()
        .map(|c| (c, Side::default()))
        .collect();
    let _ = crate::measure::run(
        &mut runner.daphne_command(workload, &[], runner.threads),
        runner.timeout,
    );
    for rep in 1..=reps {
        for (config, side) in points.iter_mut() {
            runner.step(side, rep, || {
                runner.daphne_command(workload, &config.options(), config.threads)
            });
        }
        eprintln!(
            "  study {}: repetition {rep}/{reps} done ({:.0} s)",
            workload.name,
            started.elapsed().as_secs_f64()
        );
    }
    Study {
        workload: workload.clone(),
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scheme_layout_and_thread_count_once() {
        let all = configs(&[1, 2]);
        assert_eq!(all.len(), SCHEMES.len() * LAYOUTS.len() * 2);
        let cst = all.iter().find(|c| c.scheme == "CST").unwrap();
        assert!(cst.options().contains(&format!("--cst-chunk={CST_CHUNK}")));
    }
}
