//! The machine's limits, measured in the same run as the workloads: STREAM-like memory
//! bandwidth loops (a read-only sum and the triad) on all benchmark threads, and the BLAS
//! peak from a large OpenBLAS dgemm. The suite measures them in a child process (this tool with
//! `--limits-json`), so that the STREAM arrays never raise the suite's own peak RSS, which
//! children started with posix_spawn inherit as the floor of theirs.

use std::ffi::{c_char, c_int};
use std::hint::black_box;
use std::time::Instant;

/// Cells of each STREAM array (160 MB of doubles, far beyond the caches).
const STREAM_CELLS: usize = 20_000_000;
/// Order of the dgemm that measures the BLAS peak.
const GEMM_N: usize = 3000;

/// The measured limits.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Read bandwidth of a summing loop in GB/s (8 bytes per cell).
    pub read_gbs: f64,
    /// STREAM triad `a = b + s * c` in GB/s (24 bytes per cell, STREAM's counting).
    pub triad_gbs: f64,
    /// dgemm of order [`GEMM_N`] in GFLOP/s.
    pub gemm_gflops: f64,
    /// The dgemm order.
    pub gemm_n: usize,
    /// The STREAM array length.
    pub stream_cells: usize,
}

#[link(name = "openblas")]
unsafe extern "C" {
    fn cblas_dgemm(
        layout: c_int,
        trans_a: c_int,
        trans_b: c_int,
        m: c_int,
        n: c_int,
        k: c_int,
        alpha: f64,
        a: *const f64,
        lda: c_int,
        b: *const f64,
        ldb: c_int,
        beta: f64,
        c: *mut f64,
        ldc: c_int,
    );
    fn openblas_set_num_threads(threads: c_int);
    fn openblas_get_config() -> *const c_char;
}

impl Limits {
    /// The limits as one JSON object (the `--limits-json` output).
    pub fn to_json(self) -> String {
        serde_json::json!({
            "read_gbs": self.read_gbs,
            "triad_gbs": self.triad_gbs,
            "gemm_gflops": self.gemm_gflops,
            "gemm_n": self.gemm_n,
            "stream_cells": self.stream_cells,
        })
        .to_string()
    }

    /// Limits from [`Limits::to_json`]'s output.
    pub fn from_json(text: &str) -> Option<Limits> {
        let v: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
        let f = |k: &str| v.get(k).and_then(serde_json::Value::as_f64);
        Some(Limits {
            read_gbs: f("read_gbs")?,
            triad_gbs: f("triad_gbs")?,
            gemm_gflops: f("gemm_gflops")?,
            gemm_n: f("gemm_n")? as usize,
            stream_cells: f("stream_cells")? as usize,
        })
    }

    /// The better of two measurements, figure by figure (a limit is what the machine can do;
    /// a lower figure means other work ran alongside).
    pub fn best(self, other: Limits) -> Limits {
        Limits {
            read_gbs: self.read_gbs.max(other.read_gbs),
            triad_gbs: self.triad_gbs.max(other.triad_gbs),
            gemm_gflops: self.gemm_gflops.max(other.gemm_gflops),
            ..self
        }
    }
}

/// OpenBLAS's build string (version, target, threading) of the library this tool links, the
/// one `daphne` links too.
pub fn openblas_config() -> String {
    // SAFETY: OpenBLAS returns a pointer to a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(openblas_get_config()) }
        .to_string_lossy()
        .into_owned()
}

/// Measures the limits with `threads` threads; each figure is the best of `runs` runs.
pub fn measure(threads: usize, runs: usize) -> Limits {
    let threads = threads.max(1);
    let chunk = STREAM_CELLS.div_ceil(threads);
    let mut a = vec![0.0f64; STREAM_CELLS];
    let mut b = vec![0.0f64; STREAM_CELLS];
    let mut c = vec![0.0f64; STREAM_CELLS];
    // First touch on the threads that later use each chunk.
    std::thread::scope(|s| {
        for ((a, b), c) in a
            .chunks_mut(chunk)
            .zip(b.chunks_mut(chunk))
            .zip(c.chunks_mut(chunk))
        {
            s.spawn(move || {
                for (i, ((a, b), c)) in a.iter_mut().zip(b.iter_mut()).zip(c.iter_mut()).enumerate()
                {
                    *a = 1.0;
                    *b = (i % 7) as f64;
                    *c = 0.5;
                }
            });
        }
    });
    let read = best(runs, || {
        let total: f64 = std::thread::scope(|s| {
            let parts: Vec<_> = b.chunks(chunk).map(|b| s.spawn(move || sum(b))).collect();
            parts.into_iter().map(|p| p.join().unwrap_or(0.0)).sum()
        });
        black_box(total);
    });
    let triad = best(runs, || {
        std::thread::scope(|s| {
            for ((a, b), c) in a
                .chunks_mut(chunk)
                .zip(b.chunks(chunk))
                .zip(c.chunks(chunk))
            {
                s.spawn(move || {
                    for ((a, b), c) in a.iter_mut().zip(b).zip(c) {
                        *a = b + 3.0 * c;
                    }
                });
            }
        });
        black_box(&mut a);
    });
    let cells = STREAM_CELLS as f64;
    Limits {
        read_gbs: 8.0 * cells / read / 1e9,
        triad_gbs: 24.0 * cells / triad / 1e9,
        gemm_gflops: gemm_peak(threads, runs.min(3)),
        gemm_n: GEMM_N,
        stream_cells: STREAM_CELLS,
    }
}

/// A sum with eight independent accumulators, so that the loop is bound by memory, not by the
/// latency of one dependent chain of additions.
fn sum(values: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = values.chunks_exact(8);
    let rest: f64 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for (acc, v) in acc.iter_mut().zip(chunk) {
            *acc += v;
        }
    }
    acc.iter().sum::<f64>() + rest
}

/// dgemm GFLOP/s of order [`GEMM_N`] on `threads` OpenBLAS threads, the best of `runs`.
fn gemm_peak(threads: usize, runs: usize) -> f64 {
    let n = GEMM_N;
    let a: Vec<f64> = (0..n * n).map(|i| (i % 13) as f64 * 0.1).collect();
    let b: Vec<f64> = (0..n * n).map(|i| (i % 7) as f64 * 0.2).collect();
    let mut c = vec![0.0f64; n * n];
    let order = n as c_int;
    // SAFETY: plain OpenBLAS calls on buffers of n*n cells with leading dimension n.
    unsafe { openblas_set_num_threads(threads as c_int) };
    let seconds = best(runs, || unsafe {
        cblas_dgemm(
            101,
            111,
            111,
            order,
            order,
            order,
            1.0,
            a.as_ptr(),
            order,
            b.as_ptr(),
            order,
            0.0,
            c.as_mut_ptr(),
            order,
        );
    });
    black_box(&c);
    2.0 * (n as f64).powi(3) / seconds / 1e9
}

/// The shortest of `runs` timings of `f` in seconds.
fn best(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sum_loop_adds_every_cell() {
        let values: Vec<f64> = (1..=21).map(f64::from).collect();
        assert_eq!(super::sum(&values), 231.0);
    }

    #[test]
    fn limits_round_trip_through_json_and_keep_the_best() {
        let a = super::Limits {
            read_gbs: 20.0,
            triad_gbs: 5.0,
            gemm_gflops: 50.0,
            gemm_n: 3000,
            stream_cells: 10,
        };
        let b = super::Limits::from_json(&a.to_json()).unwrap();
        assert_eq!((b.read_gbs, b.gemm_n, b.stream_cells), (20.0, 3000, 10));
        let c = super::Limits {
            triad_gbs: 7.0,
            read_gbs: 4.0,
            ..a
        }
        .best(a);
        assert_eq!((c.read_gbs, c.triad_gbs, c.gemm_gflops), (20.0, 7.0, 50.0));
    }

    #[test]
    fn openblas_reports_its_version() {
        assert!(super::openblas_config().contains("OpenBLAS"));
    }
}
