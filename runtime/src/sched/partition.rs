//! Partitioning schemes: the sequence of chunk sizes that cuts `n` rows for `p` workers.
//!
//! Notation: `n` rows, `p` workers, `R` rows not yet handed out, `s` the 0-based index of the
//! chunk being cut, `b = s / p` (integer division) its batch, `/` real division unless noted.
//! Every formula's result is raised to the grain size and cut to `R`:
//! `chunk = min(max(formula, grain), R)`. Since the result is at least one row, every sequence
//! ends, and the chunks tile `0..n` exactly.
//!
//! | scheme | chunk |
//! |---|---|
//! | STATIC | `ceil(n/p)` for the first `n mod p` chunks, `floor(n/p)` after: exactly `min(n, p)` chunks |
//! | SS | `1` |
//! | GSS | `ceil(R/p)` (Polychronopoulos & Kuck) |
//! | TSS | `F - s*D` with `F = ceil(n/2p)`, `N = ceil(2n/(F+1))`, `D = floor((F-1)/(N-1))`, never below 1 (Tzen & Ni) |
//! | FAC2 | `ceil(0.5^(b+1) * n/p)` (Flynn Hummel et al., factor 2) |
//! | TFSS | `ceil(R/2p)` (DAPHNE's variant) |
//! | FISS | `K0 + b*ceil(2n(1 - B/(B+2)) / (p*B*(B-1)))`, `K0 = ceil(n/((B+2)p))`, `B` stages (Philip & Das) |
//! | VISS | `ceil(K0 * (2 - 0.5^b))`, the same `K0` |
//! | PLS | `ceil(n/2p)` while `R > n/2` (static workload ratio 0.5), then `ceil(R/p)` |
//! | PSS | `ceil(R/1.5p)` (expected idle workers approximated by `p`) |
//! | MSTATIC | `ceil(n/4p)` |
//! | MFSC | `ceil(t*ln 2 / ln t)` with `t = (n+p-1)/p`; `1` when `t <= 1` |
//! | CST | the configured constant |
//!
//! `B`, the number of FISS stages, is the number of FAC2 batches that cover `n` rows (DAPHNE's
//! `getStages`). AF and AUTO have no fixed sequence: `af` computes AF chunks from
//! measurements and [`super::auto`] picks a scheme per pipeline before partitioning. When a
//! fixed sequence is needed for them anyway (AF in push mode, which deals all chunks before
//! anything is measured), AF uses FAC2's sequence, and AUTO uses MSTATIC's as DAPHNE does.
//!
//! # Deviations from DAPHNE's `LoadPartitioning`
//!
//! - **STATIC** computes `ceil(n / p)` on integers, i.e. `floor(n/p)`, which gives `p + 1`
//!   chunks (the last a remainder) whenever `p` does not divide `n`: n=1001, p=4 yields
//!   250,250,250,250,1. Here STATIC cuts exactly `min(n, p)` chunks that differ by at most one
//!   row (251,250,250,250), the textbook static schedule.
//! - **MSTATIC** and **FAC2** divide `n / p` on integers first; here the division is real.
//!   Both agree with DAPHNE whenever `p` divides `n`.
//! - **FISS** computes `B / (B + 2)` on integers (always 0), so its increment is far too large
//!   (n=1000, p=4: 12 per chunk instead of 3 per batch), increments per chunk instead of per
//!   batch of `p`, and divides by zero when `B = 1`. Here the ratio is real, the increment
//!   applies per batch as published, and `B = 1` means no increment.
//! - **VISS** multiplies `K0` by `ceil((1 - 0.5^b) / 0.5)`, which is 0 for the first batch
//!   (chunks fall back to the grain size), then `K0`, then `2*K0` for ever. The published
//!   scheme grows each batch by half the previous increase, `K0 * (1 + 1/2 + … + 1/2^b)`,
//!   which is `K0 * (2 - 0.5^b)`; here that is what is computed, rounded up once.
//! - **TSS** subtracts on unsigned integers, so a long sequence wraps around to a huge chunk
//!   that is then cut to `R` (one chunk with all the rest). Here the size stops at 1, the
//!   published last chunk size.
//! - **MFSC** divides by `ln t = 0` when `t = 1`; here that case gives 1.
//! - **AUTO** is never reached in DAPHNE (the constructor assigns a local variable), so AUTO
//!   runs MSTATIC there; see [`super::auto`] for the real selection.

use super::config::Scheme;

/// An iterator over chunk sizes of one scheme for `n` rows and `p` workers.
#[derive(Debug, Clone)]
pub struct Partitioner {
    scheme: Scheme,
    rows: usize,
    workers: usize,
    grain: usize,
    remaining: usize,
    step: usize,
    /// Per-scheme constants: TSS first chunk, FISS/VISS `K0`, MFSC or CST chunk.
    base: usize,
    /// TSS decrement or FISS increment.
    delta: usize,
}

impl Partitioner {
    /// The chunk sequence of `scheme` for `rows` rows and `workers` workers.
    ///
    /// `grain` is the minimum chunk (0 counts as 1); `cst_chunk` is CST's chunk (1 if absent).
    pub fn new(
        scheme: Scheme,
        rows: usize,
        workers: usize,
        grain: usize,
        cst_chunk: Option<usize>,
    ) -> Self {
        let workers = workers.max(1);
        let n = rows as f64;
        let p = workers as f64;
        let (base, delta) = match scheme {
            Scheme::TSS => {
                let first = (n / (2.0 * p)).ceil();
                let count = (2.0 * n / (first + 1.0)).ceil();
                let delta = if count > 1.0 {
                    ((first - 1.0) / (count - 1.0)).floor()
                } else {
                    0.0
                };
                (first as usize, delta as usize)
            }
            Scheme::FISS | Scheme::VISS => {
                let stages = fiss_stages(rows, workers) as f64;
                let first = (n / ((2.0 + stages) * p)).ceil();
                let increment = if stages > 1.0 {
                    (2.0 * n * (1.0 - stages / (stages + 2.0)) / (p * stages * (stages - 1.0)))
                        .ceil()
                } else {
                    0.0
                };
                (first as usize, increment as usize)
            }
            Scheme::MFSC => {
                let t = (n + p - 1.0) / p;
                let chunk = if t <= 1.0 {
                    1.0
                } else {
                    (t * std::f64::consts::LN_2 / t.ln()).ceil()
                };
                (chunk as usize, 0)
            }
            Scheme::CST => (cst_chunk.unwrap_or(1), 0),
            _ => (0, 0),
        };
        Self {
            scheme,
            rows,
            workers,
            grain: grain.max(1),
            remaining: rows,
            step: 0,
            base,
            delta,
        }
    }

    /// The formula's chunk for the current step, before grain and remainder.
    fn formula(&self) -> usize {
        let n = self.rows as f64;
        let p = self.workers as f64;
        let r = self.remaining as f64;
        let batch = self.step / self.workers;
        let ceil = |value: f64| value.ceil() as usize;
        match self.scheme {
            Scheme::STATIC => {
                self.rows / self.workers + usize::from(self.step < self.rows % self.workers)
            }
            Scheme::SS => 1,
            Scheme::GSS => ceil(r / p),
            Scheme::TSS => self
                .base
                .saturating_sub(self.delta.saturating_mul(self.step))
                .max(1),
            Scheme::FAC2 | Scheme::AF => ceil(0.5f64.powi(batch as i32 + 1) * n / p),
            Scheme::TFSS => ceil(r / (2.0 * p)),
            Scheme::FISS => self.base + batch * self.delta,
            Scheme::VISS => ceil(self.base as f64 * (2.0 - 0.5f64.powi(batch as i32))),
            Scheme::PLS => {
                if r > n * 0.5 {
                    ceil(n * 0.5 / p)
                } else {
                    ceil(r / p)
                }
            }
            Scheme::PSS => ceil(r / (1.5 * p)),
            Scheme::MSTATIC | Scheme::AUTO => ceil(n / (4.0 * p)),
            Scheme::MFSC | Scheme::CST => self.base,
        }
    }
}

impl Iterator for Partitioner {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.remaining == 0 {
            return None;
        }
        let chunk = self.formula().max(self.grain).min(self.remaining);
        self.remaining -= chunk;
        self.step += 1;
        Some(chunk)
    }
}

/// The number of FAC2 batches needed to cover `rows` rows with `workers` workers (FISS's `B`).
fn fiss_stages(rows: usize, workers: usize) -> usize {
    let n = rows as f64;
    let p = workers as f64;
    let mut scheduled = 0usize;
    let mut step = 0usize;
    let mut batch = 0usize;
    while scheduled < rows {
        batch = step / workers;
        scheduled += (0.5f64.powi(batch as i32 + 1) * n / p).ceil().max(1.0) as usize;
        step += 1;
    }
    batch + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(scheme: Scheme, rows: usize, workers: usize) -> Vec<usize> {
        Partitioner::new(scheme, rows, workers, 1, Some(100)).collect()
    }

    /// Expands `(size, count)` pairs.
    fn runs(pairs: &[(usize, usize)]) -> Vec<usize> {
        pairs
            .iter()
            .flat_map(|&(size, count)| std::iter::repeat_n(size, count))
            .collect()
    }

    // The sequences for n = 1000, p = 4 (DAPHNE reference §5.3, with this module's corrections).

    #[test]
    fn static_1000_4() {
        assert_eq!(chunks(Scheme::STATIC, 1000, 4), runs(&[(250, 4)]));
        // Deviation: DAPHNE cuts 250,250,250,250,1.
        assert_eq!(chunks(Scheme::STATIC, 1001, 4), vec![251, 250, 250, 250]);
        assert_eq!(chunks(Scheme::STATIC, 3, 8), vec![1, 1, 1]);
    }

    #[test]
    fn ss_1000_4() {
        assert_eq!(chunks(Scheme::SS, 1000, 4), runs(&[(1, 1000)]));
    }

    #[test]
    fn gss_1000_4() {
        assert_eq!(
            chunks(Scheme::GSS, 1000, 4),
            vec![
                250, 188, 141, 106, 79, 59, 45, 33, 25, 19, 14, 11, 8, 6, 4, 3, 3, 2, 1, 1, 1, 1
            ]
        );
    }

    #[test]
    fn tss_1000_4() {
        let expected: Vec<usize> = (0..12).map(|s| 125 - 8 * s).chain([28]).collect();
        assert_eq!(chunks(Scheme::TSS, 1000, 4), expected);
    }

    #[test]
    fn fac2_1000_4() {
        assert_eq!(
            chunks(Scheme::FAC2, 1000, 4),
            runs(&[(125, 4), (63, 4), (32, 4), (16, 4), (8, 4), (4, 4), (2, 4)])
        );
    }

    #[test]
    fn tfss_1000_4() {
        let sequence = chunks(Scheme::TFSS, 1000, 4);
        assert_eq!(sequence.len(), 41);
        assert_eq!(sequence[..4], [125, 110, 96, 84]);
    }

    #[test]
    fn fiss_1000_4() {
        // B = 7 stages, K0 = 28, increment ceil(2*1000*(2/9) / (4*7*6)) = 3 per batch.
        // Deviation: DAPHNE cuts 28,40,52,…,148,32 (increment 12 per chunk).
        assert_eq!(fiss_stages(1000, 4), 7);
        assert_eq!(
            chunks(Scheme::FISS, 1000, 4),
            runs(&[
                (28, 4),
                (31, 4),
                (34, 4),
                (37, 4),
                (40, 4),
                (43, 4),
                (46, 3),
                (10, 1)
            ])
        );
    }

    #[test]
    fn viss_1000_4() {
        // K0 = 28 grown by 1, 1.5, 1.75, 1.875, … per batch.
        // Deviation: DAPHNE cuts 1×4 (grain), 28×4, 56×15, 44.
        assert_eq!(
            chunks(Scheme::VISS, 1000, 4),
            runs(&[
                (28, 4),
                (42, 4),
                (49, 4),
                (53, 4),
                (55, 4),
                (56, 1),
                (36, 1)
            ])
        );
    }

    #[test]
    fn pls_1000_4() {
        let sequence = chunks(Scheme::PLS, 1000, 4);
        assert_eq!(sequence[..8], [125, 125, 125, 125, 125, 94, 71, 53]);
        assert_eq!(sequence.len(), 24);
    }

    #[test]
    fn pss_1000_4() {
        let sequence = chunks(Scheme::PSS, 1000, 4);
        assert_eq!(sequence[..3], [167, 139, 116]);
        assert_eq!(sequence.len(), 32);
    }

    #[test]
    fn mstatic_1000_4() {
        assert_eq!(chunks(Scheme::MSTATIC, 1000, 4), runs(&[(63, 15), (55, 1)]));
    }

    #[test]
    fn mfsc_1000_4() {
        assert_eq!(chunks(Scheme::MFSC, 1000, 4), runs(&[(32, 31), (8, 1)]));
    }

    #[test]
    fn cst_1000_4() {
        assert_eq!(chunks(Scheme::CST, 1000, 4), runs(&[(100, 10)]));
    }

    #[test]
    fn auto_and_af_fallbacks() {
        // AUTO's fixed sequence is DAPHNE's (MSTATIC); AF's is FAC2's.
        assert_eq!(
            chunks(Scheme::AUTO, 1000, 4),
            chunks(Scheme::MSTATIC, 1000, 4)
        );
        assert_eq!(chunks(Scheme::AF, 1000, 4), chunks(Scheme::FAC2, 1000, 4));
    }

    #[test]
    fn grain_is_the_minimum_chunk() {
        let sequence: Vec<usize> = Partitioner::new(Scheme::GSS, 1000, 4, 100, None).collect();
        assert_eq!(sequence, vec![250, 188, 141, 106, 100, 100, 100, 15]);
    }

    #[test]
    fn every_scheme_tiles_the_rows() {
        for &scheme in Scheme::ALL {
            for rows in [0, 1, 2, 3, 7, 64, 997, 1000, 100_003] {
                for workers in 1..=9 {
                    for grain in [1, 3] {
                        let sequence: Vec<usize> =
                            Partitioner::new(scheme, rows, workers, grain, Some(5)).collect();
                        assert_eq!(
                            sequence.iter().sum::<usize>(),
                            rows,
                            "{scheme} {rows} {workers}"
                        );
                        assert!(sequence.iter().all(|&chunk| chunk > 0));
                    }
                }
            }
        }
    }
}
