//! Adaptive factoring (AF, Banicescu & Liu; Cariño & Banicescu): chunk sizes computed at claim
//! time from each worker's measured per-row time.
//!
//! Every finished chunk gives one sample, its time divided by its rows, of the worker that ran
//! it; each worker keeps the running mean `μ_i` and standard deviation `σ_i` of its samples
//! (Welford's update). When worker `w` claims a chunk with `R` rows left in the queue:
//!
//! ```text
//! D = Σ_i σ_i² / μ_i        T = 1 / Σ_i (1 / μ_i)
//! chunk = ceil((D + 2·T·R − sqrt(D² + 4·D·T·R)) / (2·μ_w))
//! ```
//!
//! With no variance (`D = 0`) this is `T·R/μ_w`, the worker's speed-weighted share of the rest
//! (GSS on equal workers); variance shrinks the chunks so that late, small chunks can even out
//! the spread. Workers without samples yet count with the mean `μ` and `σ` of those that have
//! some; while nobody has any, chunks are `ceil(R / 4p)`, small enough to measure before much
//! work is committed. The result is raised to the grain size and cut to `R`.
//!
//! Rows are split into one contiguous block per queue (as with `--pre-partition`), each block
//! cut on demand under one small lock: AF pipelines have few chunks, so the lock is not a
//! bottleneck. Push mode deals all chunks before anything is measured and therefore uses
//! FAC2's sequence for AF instead (see [`super::partition`]).

use std::ops::Range;
use std::sync::Mutex;

/// Running mean and variance of one worker's per-row times.
#[derive(Debug, Clone, Copy, Default)]
struct Welford {
    samples: u64,
    mean: f64,
    m2: f64,
}

impl Welford {
    fn add(&mut self, value: f64) {
        self.samples += 1;
        let delta = value - self.mean;
        self.mean += delta / self.samples as f64;
        self.m2 += delta * (value - self.mean);
    }

    fn variance(&self) -> f64 {
        if self.samples > 1 {
            self.m2 / (self.samples - 1) as f64
        } else {
            0.0
        }
    }
}

/// The shared state of an AF pipeline.
#[derive(Debug)]
struct AfState {
    /// Per queue, the rows not yet handed out.
    blocks: Vec<Range<usize>>,
    /// Per worker, its per-row time statistics.
    stats: Vec<Welford>,
    grain: usize,
}

/// The chunk source of an AF pipeline in pull mode.
#[derive(Debug)]
pub(crate) struct AfSource {
    state: Mutex<AfState>,
}

/// The smallest per-row time used in the formula, so a chunk too fast for the clock cannot
/// divide by zero.
const MIN_ROW_SECONDS: f64 = 1e-12;

impl AfSource {
    /// A source for `rows` rows, `workers` workers and `queues` queues.
    pub(crate) fn new(rows: usize, workers: usize, queues: usize, grain: usize) -> Self {
        let queues = queues.max(1);
        let mut start = 0;
        let blocks = (0..queues)
            .map(|queue| {
                let size = rows / queues + usize::from(queue < rows % queues);
                start += size;
                start - size..start
            })
            .collect();
        Self {
            state: Mutex::new(AfState {
                blocks,
                stats: vec![Welford::default(); workers.max(1)],
                grain: grain.max(1),
            }),
        }
    }

    /// Cuts the next chunk of `queue` for `worker`.
    pub(crate) fn claim(&self, queue: usize, worker: usize) -> Option<Range<usize>> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let block = &state.blocks[queue];
        let remaining = block.len();
        if remaining == 0 {
            return None;
        }
        let chunk = chunk_size(&state.stats, worker, remaining)
            .max(state.grain)
            .min(remaining);
        let block = &mut state.blocks[queue];
        let claimed = block.start..block.start + chunk;
        block.start += chunk;
        Some(claimed)
    }

    /// Records that `worker` ran `rows` rows in `seconds`.
    pub(crate) fn report(&self, worker: usize, rows: usize, seconds: f64) {
        if rows == 0 {
            return;
        }
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        state.stats[worker].add(seconds / rows as f64);
    }
}

/// AF's chunk size for `worker` with `remaining` rows left (see the module docs).
fn chunk_size(stats: &[Welford], worker: usize, remaining: usize) -> usize {
    let r = remaining as f64;
    let measured: Vec<&Welford> = stats.iter().filter(|stat| stat.samples > 0).collect();
    if measured.is_empty() {
        return (r / (4.0 * stats.len() as f64)).ceil() as usize;
    }
    let count = measured.len() as f64;
    let fallback_mean = measured.iter().map(|stat| stat.mean).sum::<f64>() / count;
    let fallback_variance = measured.iter().map(|stat| stat.variance()).sum::<f64>() / count;
    let moments = |stat: &Welford| {
        if stat.samples > 0 {
            (stat.mean.max(MIN_ROW_SECONDS), stat.variance())
        } else {
            (fallback_mean.max(MIN_ROW_SECONDS), fallback_variance)
        }
    };
    let (mut d, mut inverse_sum) = (0.0, 0.0);
    for stat in stats {
        let (mean, variance) = moments(stat);
        d += variance / mean;
        inverse_sum += 1.0 / mean;
    }
    let t = 1.0 / inverse_sum;
    let (own_mean, _) = moments(&stats[worker]);
    let size = (d + 2.0 * t * r - (d * d + 4.0 * d * t * r).sqrt()) / (2.0 * own_mean);
    size.ceil().max(1.0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(samples: &[f64]) -> Welford {
        let mut stat = Welford::default();
        samples.iter().for_each(|&value| stat.add(value));
        stat
    }

    #[test]
    fn without_variance_af_is_a_speed_weighted_share() {
        let equal = [stat(&[1.0, 1.0]), stat(&[1.0, 1.0])];
        assert_eq!(chunk_size(&equal, 0, 1000), 500);
        // A worker twice as fast gets twice the share: T = 1/(1/1 + 1/2) = 2/3.
        let uneven = [stat(&[1.0, 1.0]), stat(&[2.0, 2.0])];
        assert_eq!(chunk_size(&uneven, 0, 900), 600);
        assert_eq!(chunk_size(&uneven, 1, 900), 300);
    }

    #[test]
    fn variance_shrinks_chunks() {
        let noisy = [stat(&[0.5, 1.5]), stat(&[0.5, 1.5])];
        assert!(chunk_size(&noisy, 0, 1000) < 500);
    }

    #[test]
    fn cold_start_and_partial_measurements() {
        let cold = [Welford::default(), Welford::default()];
        assert_eq!(chunk_size(&cold, 0, 1000), 125);
        let half = [stat(&[1.0, 1.0]), Welford::default()];
        assert_eq!(chunk_size(&half, 1, 1000), 500);
    }

    #[test]
    fn source_hands_out_every_row_once() {
        let source = AfSource::new(1000, 2, 2, 1);
        let mut covered = vec![0u8; 1000];
        for queue in 0..2 {
            while let Some(chunk) = source.claim(queue, queue) {
                source.report(queue, chunk.len(), chunk.len() as f64 * 1e-6);
                chunk.for_each(|row| covered[row] += 1);
            }
        }
        assert!(covered.iter().all(|&count| count == 1));
    }
}
