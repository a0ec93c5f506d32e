//! AUTO: choosing the partitioning scheme per pipeline from measured run times.
//!
//! A pipeline that runs many times (the body of a `while` loop, an iterative algorithm) is
//! identified by its [`super::PipelineDesc::id`]. For each id AUTO keeps, per candidate scheme,
//! the last [`WINDOW`] measured wall times divided by the pipeline's row count (so that a
//! pipeline whose row count changes stays comparable); a candidate's score is the minimum of
//! those, the usual estimate of a noisy run time's floor.
//!
//! 1. **Explore**: the first `ROUNDS × candidates` invocations run every candidate in turn,
//!    [`ROUNDS`] times each.
//! 2. **Exploit**: afterwards every invocation runs the candidate with the lowest score.
//! 3. **Track**: every [`REVISIT`]-th invocation runs the next other candidate once instead,
//!    refreshing its score. Because scores are minima over the recent window only, a drifting
//!    workload changes the winner within a few revisits.
//!
//! For a stationary workload this converges to the fastest candidate after the exploration
//! phase, and the cost of tracking is one run in [`REVISIT`] on a possibly slower scheme. The
//! candidates cover the range of trade-offs: STATIC (no overhead), FAC2 and GSS (decreasing
//! chunks), TSS (linear decrease), AF (measured), and MFSC (fixed mid-size chunks).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use super::config::Scheme;

/// The schemes AUTO chooses from, in exploration order.
pub const CANDIDATES: [Scheme; 6] = [
    Scheme::STATIC,
    Scheme::FAC2,
    Scheme::GSS,
    Scheme::TSS,
    Scheme::AF,
    Scheme::MFSC,
];
/// How many times each candidate runs during exploration.
pub const ROUNDS: usize = 2;
/// How many recent samples per candidate count for its score.
pub const WINDOW: usize = 3;
/// After exploration, one invocation in this many revisits another candidate.
pub const REVISIT: u64 = 20;

/// What AUTO knows about one pipeline.
#[derive(Debug, Default, Clone)]
struct History {
    invocations: u64,
    /// Per candidate, recent seconds per row, newest last.
    samples: [Vec<f64>; CANDIDATES.len()],
    /// The candidate revisited next.
    revisit: usize,
}

impl History {
    fn score(&self, candidate: usize) -> f64 {
        self.samples[candidate]
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
    }

    fn best(&self) -> usize {
        (0..CANDIDATES.len())
            .min_by(|&a, &b| self.score(a).total_cmp(&self.score(b)))
            .unwrap_or(0)
    }

    fn choose(&mut self) -> usize {
        let exploring = (self.invocations as usize) < ROUNDS * CANDIDATES.len();
        let pick = if exploring {
            self.invocations as usize % CANDIDATES.len()
        } else if self.invocations.is_multiple_of(REVISIT) {
            let best = self.best();
            self.revisit = (self.revisit + 1) % CANDIDATES.len();
            if self.revisit == best {
                self.revisit = (self.revisit + 1) % CANDIDATES.len();
            }
            self.revisit
        } else {
            self.best()
        };
        self.invocations += 1;
        pick
    }

    fn record(&mut self, candidate: usize, seconds_per_row: f64) {
        let window = &mut self.samples[candidate];
        if window.len() == WINDOW {
            window.remove(0);
        }
        window.push(seconds_per_row);
    }
}

fn histories() -> &'static Mutex<HashMap<u64, History>> {
    static HISTORIES: OnceLock<Mutex<HashMap<u64, History>>> = OnceLock::new();
    HISTORIES.get_or_init(Default::default)
}

/// The scheme AUTO runs for the next invocation of pipeline `id`.
pub fn choose(id: u64) -> Scheme {
    let mut histories = histories()
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    CANDIDATES[histories.entry(id).or_default().choose()]
}

/// Records that pipeline `id` ran `rows` rows with `scheme` in `elapsed`.
pub fn record(id: u64, scheme: Scheme, rows: usize, elapsed: Duration) {
    let Some(candidate) = CANDIDATES.iter().position(|&known| known == scheme) else {
        return;
    };
    let mut histories = histories()
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    histories
        .entry(id)
        .or_default()
        .record(candidate, elapsed.as_secs_f64() / rows.max(1) as f64);
}

/// The scheme AUTO currently considers best for pipeline `id` (`None` before any run).
pub fn best(id: u64) -> Option<Scheme> {
    let histories = histories()
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    histories.get(&id).map(|history| CANDIDATES[history.best()])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Simulates a pipeline whose run time per scheme is `cost(candidate index)`.
    fn simulate(invocations: usize, cost: impl Fn(usize) -> f64) -> (History, Vec<usize>) {
        let mut history = History::default();
        let picks = (0..invocations)
            .map(|_| {
                let pick = history.choose();
                history.record(pick, cost(pick));
                pick
            })
            .collect();
        (history, picks)
    }

    #[test]
    fn explores_then_exploits_the_fastest() {
        let (history, picks) = simulate(60, |candidate| [5.0, 3.0, 1.0, 4.0, 2.0, 6.0][candidate]);
        assert_eq!(history.best(), 2);
        let explored = ROUNDS * CANDIDATES.len();
        assert_eq!(picks[..CANDIDATES.len()], [0, 1, 2, 3, 4, 5]);
        let exploiting = picks[explored..].iter().filter(|&&pick| pick == 2).count();
        assert!(exploiting >= picks.len() - explored - 3, "{picks:?}");
    }

    #[test]
    fn follows_a_drifting_workload() {
        let mut history = History::default();
        for step in 0..400 {
            let pick = history.choose();
            let fast = if step < 100 { 0 } else { 3 };
            history.record(pick, if pick == fast { 1.0 } else { 2.0 });
        }
        assert_eq!(history.best(), 3);
    }
}
