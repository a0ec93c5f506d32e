//! Kernel benchmark (issue 4's acceptance figures), one table in one run:
//! `cargo bench -p daphne-runtime --bench kernels`.
//!
//! Rows: elementwise add and full sum against STREAM-like loops (bandwidth share), per-row and
//! per-column sums on 5,000,000×10 and 2000×2000 f64 matmul against NumPy (run in the same
//! process tree through `python3 -c`; skipped with a message if NumPy is missing), and numeric
//! CSV reading (MB/s). Every figure is a median (seven or nine runs; the machine may be shared);
//! the add and sum loops and their references run round-robin.
//!
//! The STREAM references: "classic" loops reuse one output buffer (STREAM itself), "alloc"
//! loops allocate a fresh output per run with `Vec::with_capacity` (page faults included, no
//! huge-page hint), and once more with a fresh huge-page allocation. All use the same thread
//! count as the kernel. The kernels allocate through the runtime's buffer pool, so a result
//! of the size of a freed one reuses its warm pages. The full sum is compared with a one-thread
//! and an all-core read (eight accumulators per thread).

use std::hint::black_box;
use std::mem::MaybeUninit;
use std::process::Command;
use std::time::Instant;

use daphne_rt::io;
use daphne_rt::kernels::aggregation::{self, Axis};
use daphne_rt::kernels::{ew_binary, linalg};
use daphne_rt::{AggOp, BinaryOp, DenseMatrix, Matrix, Object, ValueType, bulk};

/// The median of `runs` timings of `f`, in seconds.
fn median(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

/// The medians of `runs` timings of each of `fs`, run round-robin so that a change in the
/// machine's load hits all of them alike.
fn medians<const K: usize>(runs: usize, mut fs: [&mut dyn FnMut(); K]) -> [f64; K] {
    let mut times = [(); K].map(|_| Vec::with_capacity(runs));
    for _ in 0..runs {
        for (f, t) in fs.iter_mut().zip(&mut times) {
            let start = Instant::now();
            f();
            t.push(start.elapsed().as_secs_f64());
        }
    }
    times.map(|mut t| {
        t.sort_by(f64::total_cmp);
        t[runs / 2]
    })
}

fn matrix(rows: usize, cols: usize) -> Matrix {
    let values = (0..rows * cols)
        .map(|i| (i % 1000) as f64 * 0.001)
        .collect();
    Matrix::from(DenseMatrix::from_vec(rows, cols, values).unwrap())
}

/// STREAM add `out = a + b` on `threads` threads, one contiguous chunk each.
fn stream_add(out: &mut [MaybeUninit<f64>], a: &[f64], b: &[f64], threads: usize) {
    let chunk = a.len().div_ceil(threads);
    std::thread::scope(|scope| {
        for ((o, x), y) in out
            .chunks_mut(chunk)
            .zip(a.chunks(chunk))
            .zip(b.chunks(chunk))
        {
            scope.spawn(move || {
                for ((o, x), y) in o.iter_mut().zip(x).zip(y) {
                    o.write(x + y);
                }
            });
        }
    });
}

/// A read-only pass over `a` on `threads` threads, eight independent accumulators each.
fn stream_read(a: &[f64], threads: usize) -> f64 {
    let chunk = a.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = a
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut acc = [0.0; 8];
                    for c in part.chunks_exact(8) {
                        for (s, v) in acc.iter_mut().zip(c) {
                            *s += v;
                        }
                    }
                    acc.iter().sum::<f64>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

/// NumPy's median times in ms for `rows`, `cols` and `matmul` on the same data, or why not.
fn numpy_times() -> Result<Vec<(String, f64)>, String> {
    const SCRIPT: &str = r#"
import time
try:
    import numpy as np
except ImportError:
    print("missing"); raise SystemExit
def median(f, n):
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[n // 2] * 1e3
m = (np.arange(50_000_000) % 1000 * 0.001).reshape(5_000_000, 10)
print("rows", median(lambda: m.sum(axis=1), 7))
print("cols", median(lambda: m.sum(axis=0), 7))
del m
a = (np.arange(4_000_000) % 1000 * 0.001).reshape(2000, 2000)
print("matmul", median(lambda: a @ a, 7))
"#;
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .output()
        .map_err(|e| format!("python3 not runnable: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim() == "missing" || !out.status.success() {
        return Err("NumPy is not installed (pip install numpy)".into());
    }
    Ok(text
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            Some((k.to_owned(), v.parse().unwrap_or(f64::NAN)))
        })
        .collect())
}

fn main() {
    let threads = bulk::threads();
    let numpy = numpy_times();
    let np = |key: &str| {
        numpy
            .as_ref()
            .ok()
            .and_then(|t| t.iter().find(|(k, _)| k == key).map(|(_, v)| *v))
    };

    let n = 20_000_000;
    let a = matrix(n, 1);
    let b = matrix(n, 1);
    let (xa, xb) = (
        a.dense::<f64>().unwrap().contiguous_values().unwrap(),
        b.dense::<f64>().unwrap().contiguous_values().unwrap(),
    );
    let gb = |bytes: f64, s: f64| bytes / s / 1e9;
    let add_bytes = 24.0 * n as f64;
    let mut reused: Vec<f64> = Vec::with_capacity(n);
    let [classic_add, alloc_add, huge_add, add] = medians(
        9,
        [
            &mut || {
                stream_add(&mut reused.spare_capacity_mut()[..n], xa, xb, threads);
                black_box(&reused);
            },
            &mut || {
                let mut fresh: Vec<f64> = Vec::with_capacity(n);
                stream_add(&mut fresh.spare_capacity_mut()[..n], xa, xb, threads);
                // SAFETY: `stream_add` wrote all `n` cells.
                unsafe { fresh.set_len(n) };
                black_box(fresh);
            },
            &mut || {
                // A fresh (not pooled) buffer with the kernels' huge-page hint.
                let mut fresh: Vec<f64> = Vec::with_capacity(n);
                bulk::advise_huge_pages(&fresh);
                stream_add(&mut fresh.spare_capacity_mut()[..n], xa, xb, threads);
                // SAFETY: `stream_add` wrote all `n` cells.
                unsafe { fresh.set_len(n) };
                black_box(fresh);
            },
            &mut || {
                black_box(ew_binary::ew_binary(BinaryOp::ADD, ValueType::F64, &a, &b).unwrap());
            },
        ],
    );
    let [read_all, read_one, sum] = medians(
        9,
        [
            &mut || {
                black_box(stream_read(xa, threads));
            },
            &mut || {
                black_box(stream_read(xa, 1));
            },
            &mut || {
                black_box(aggregation::agg_all::<f64>(AggOp::SUM, &a).unwrap());
            },
        ],
    );

    let tall = matrix(5_000_000, 10);
    let row_sums = median(7, || {
        black_box(aggregation::agg_axis(AggOp::SUM, Axis::Rows, ValueType::F64, &tall).unwrap());
    });
    let col_sums = median(7, || {
        black_box(aggregation::agg_axis(AggOp::SUM, Axis::Cols, ValueType::F64, &tall).unwrap());
    });
    drop(tall);

    let square = matrix(2000, 2000);
    let matmul = median(7, || {
        black_box(linalg::matmul(&square, false, &square, false, ValueType::F64).unwrap());
    });
    let flops = 2.0 * 2000f64.powi(3);

    let dir = std::env::temp_dir().join(format!("daphne_rt_bench_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.csv").to_string_lossy().into_owned();
    io::write(&Object::from(matrix(1_000_000, 10)), &path).unwrap();
    let size = std::fs::metadata(&path).unwrap().len() as f64;
    let read = median(7, || {
        black_box(io::read_matrix(&path).unwrap());
    });
    std::fs::remove_dir_all(dir).unwrap();

    println!("{threads} threads for the parallel kernels and STREAM loops");
    match &numpy {
        Ok(_) => println!("NumPy (python3 -c) measured in the same run"),
        Err(why) => println!("NumPy columns skipped: {why}"),
    }
    println!("| benchmark | ours | reference | ours / reference |");
    println!("|---|---|---|---|");
    let ratio = |ours: f64, reference: f64| format!("{:.0}%", 100.0 * ours / reference);
    let bw_add = gb(add_bytes, add);
    for (name, time) in [
        ("STREAM add, fresh output (alloc)", alloc_add),
        ("STREAM add, fresh huge-page output", huge_add),
        ("STREAM add, reused output (classic)", classic_add),
    ] {
        println!(
            "| ew add 20M f64 (GB/s) | {bw_add:.1} | {:.1} ({name}) | {} |",
            gb(add_bytes, time),
            ratio(bw_add, gb(add_bytes, time)),
        );
    }
    let bw_sum = gb(8.0 * n as f64, sum);
    for (name, time) in [
        ("STREAM read, 1 thread".to_owned(), read_one),
        (format!("STREAM read, {threads} threads"), read_all),
    ] {
        println!(
            "| full sum 20M f64 (GB/s) | {bw_sum:.1} | {:.1} ({name}) | {} |",
            gb(8.0 * n as f64, time),
            ratio(time, sum),
        );
    }
    for (name, ours, key) in [
        ("row sums 5Mx10 (ms)", row_sums, "rows"),
        ("col sums 5Mx10 (ms)", col_sums, "cols"),
    ] {
        match np(key) {
            Some(t) => println!(
                "| {name} | {:.1} | {t:.1} (NumPy) | {:.1}x faster |",
                ours * 1e3,
                t / (ours * 1e3)
            ),
            None => println!("| {name} | {:.1} | (no NumPy) | |", ours * 1e3),
        }
    }
    match np("matmul") {
        Some(t) => println!(
            "| matmul 2000x2000 f64 (GFLOP/s) | {:.1} (OpenBLAS) | {:.1} (NumPy) | {:.2}x |",
            flops / matmul / 1e9,
            flops / (t / 1e3) / 1e9,
            (t / 1e3) / matmul
        ),
        None => println!(
            "| matmul 2000x2000 f64 (GFLOP/s) | {:.1} (OpenBLAS) | (no NumPy) | |",
            flops / matmul / 1e9
        ),
    }
    println!(
        "| CSV read 1Mx10 f64 (MB/s) | {:.0} | 200 (target) | {:.0} MB file |",
        size / read / 1e6,
        size / 1e6
    );
}
