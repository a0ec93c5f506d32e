//! Kernel benchmark (issue 4's acceptance figures), one table in one run:
//! `cargo bench -p daphne-runtime --bench kernels`.
//!
//! Rows: elementwise add and full sum against a STREAM-like loop (bandwidth share), per-row and
//! per-column sums on 5,000,000×10, 2000×2000 f64 matmul (GFLOP/s) and numeric CSV reading
//! (MB/s).

use std::hint::black_box;
use std::time::Instant;

use daphne_rt::io;
use daphne_rt::kernels::aggregation::{self, Axis};
use daphne_rt::kernels::{ew_binary, linalg};
use daphne_rt::{AggOp, BinaryOp, DenseMatrix, Matrix, Object, ValueType};

/// The best of `runs` timings of `f`, in seconds.
fn best(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn matrix(rows: usize, cols: usize) -> Matrix {
    let values = (0..rows * cols)
        .map(|i| (i % 1000) as f64 * 0.001)
        .collect();
    Matrix::from(DenseMatrix::from_vec(rows, cols, values).unwrap())
}

fn main() {
    let n = 20_000_000;
    let a = matrix(n, 1);
    let b = matrix(n, 1);
    let (xa, xb) = (
        a.dense::<f64>().unwrap().to_vec(),
        b.dense::<f64>().unwrap().to_vec(),
    );
    let mut out = vec![0.0; n];
    let gb = |bytes: f64, s: f64| bytes / s / 1e9;
    // STREAM "add": c = a + b (24 bytes per element), and a read-only sum (8 bytes).
    let stream_add = best(5, || {
        for ((o, x), y) in out.iter_mut().zip(&xa).zip(&xb) {
            *o = x + y;
        }
        black_box(&out);
    });
    let stream_sum = best(5, || {
        black_box(xa.iter().sum::<f64>());
    });
    let add = best(5, || {
        black_box(ew_binary::ew_binary(BinaryOp::ADD, ValueType::F64, &a, &b).unwrap());
    });
    let sum = best(5, || {
        black_box(aggregation::agg_all::<f64>(AggOp::SUM, &a).unwrap());
    });
    println!("| benchmark | ours | reference | ratio |");
    println!("|---|---|---|---|");
    let bw_add = (gb(24.0 * n as f64, add), gb(24.0 * n as f64, stream_add));
    println!(
        "| ew add 20M f64 (GB/s) | {:.1} | {:.1} (STREAM-like add) | {:.0}% |",
        bw_add.0,
        bw_add.1,
        100.0 * bw_add.0 / bw_add.1
    );
    let bw_sum = (gb(8.0 * n as f64, sum), gb(8.0 * n as f64, stream_sum));
    println!(
        "| full sum 20M f64 (GB/s) | {:.1} | {:.1} (STREAM-like read) | {:.0}% |",
        bw_sum.0,
        bw_sum.1,
        100.0 * bw_sum.0 / bw_sum.1
    );

    let tall = matrix(5_000_000, 10);
    let row_sums = best(3, || {
        black_box(aggregation::agg_axis(AggOp::SUM, Axis::Rows, ValueType::F64, &tall).unwrap());
    });
    let col_sums = best(3, || {
        black_box(aggregation::agg_axis(AggOp::SUM, Axis::Cols, ValueType::F64, &tall).unwrap());
    });
    println!(
        "| row sums 5Mx10 (ms) | {:.1} | | {:.1} GB/s |",
        row_sums * 1e3,
        gb(4e8, row_sums)
    );
    println!(
        "| col sums 5Mx10 (ms) | {:.1} | | {:.1} GB/s |",
        col_sums * 1e3,
        gb(4e8, col_sums)
    );

    let square = matrix(2000, 2000);
    let matmul = best(3, || {
        black_box(linalg::matmul(&square, &square, ValueType::F64).unwrap());
    });
    let naive = best(1, || {
        let d = square.dense::<f64>().unwrap();
        black_box(linalg::naive_product(d, false, d).unwrap());
    });
    let flops = 2.0 * 2000f64.powi(3);
    println!(
        "| matmul 2000x2000 f64 (GFLOP/s) | {:.1} (OpenBLAS) | {:.1} (naive i-k-j Rust) | {:.1}x |",
        flops / matmul / 1e9,
        flops / naive / 1e9,
        naive / matmul
    );

    let dir = std::env::temp_dir().join(format!("daphne_rt_bench_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("m.csv").to_string_lossy().into_owned();
    let csv_matrix = matrix(1_000_000, 10);
    io::write(&Object::from(csv_matrix), &path).unwrap();
    let size = std::fs::metadata(&path).unwrap().len() as f64;
    let read = best(3, || {
        black_box(io::read_matrix(&path).unwrap());
    });
    println!(
        "| CSV read 1Mx10 f64 (MB/s) | {:.0} | | {:.0} MB file |",
        size / read / 1e6,
        size / 1e6
    );
    std::fs::remove_dir_all(dir).unwrap();
}
