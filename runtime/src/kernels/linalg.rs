//! Linear algebra: `@` (matmul), `syrk`, `gemv`, `solve` and `eigen`.
//!
//! f64 and f32 products run on OpenBLAS (`cblas_?gemm`, `cblas_dsyrk`; chosen over pure-Rust
//! `gemm`/`faer` by the benchmark in `benches/kernels.rs`, see `runtime/README.md`), `solve`
//! on LAPACK `dgesv` and `eigen` on LAPACK `dsyev`. Integer products use a cache-friendly
//! i-k-j loop with C++ wrapping arithmetic. Operands are first converted to the result value
//! type chosen by the compiler.

use std::ffi::c_int;

use crate::dense::{DenseMatrix, alloc_cells};
use crate::error::RtResult;
use crate::kernels::blas;
use crate::kernels::reorganization::transpose;
use crate::matrix::Matrix;
use crate::numeric::Numeric;
use crate::value_type::ValueType;

/// A value type that `@` supports, with its product routine.
pub trait Gemm: Numeric {
    /// `op(a) @ op(b)` where `op` transposes when `trans_a` (`trans_b`); the shapes are
    /// already checked.
    fn gemm(
        a: &DenseMatrix<Self>,
        trans_a: bool,
        b: &DenseMatrix<Self>,
        trans_b: bool,
    ) -> RtResult<DenseMatrix<Self>>;
}

/// The shape of `op(a)`.
fn op_shape<T>(a: &DenseMatrix<T>, trans_a: bool) -> (usize, usize) {
    if trans_a {
        (a.cols(), a.rows())
    } else {
        (a.rows(), a.cols())
    }
}

/// A dimension or leading dimension as a BLAS `int`.
fn blas_int(value: usize) -> RtResult<c_int> {
    c_int::try_from(value).map_err(|_| {
        crate::RuntimeError::new(format!("matrix dimension {value} is too large for BLAS"))
    })
}

/// Implements [`Gemm`] on a CBLAS `?gemm`.
macro_rules! blas_gemm {
    ($t:ty, $routine:ident) => {
        impl Gemm for $t {
            fn gemm(
                a: &DenseMatrix<$t>,
                trans_a: bool,
                b: &DenseMatrix<$t>,
                trans_b: bool,
            ) -> RtResult<DenseMatrix<$t>> {
                let (m, k) = op_shape(a, trans_a);
                let n = op_shape(b, trans_b).1;
                if let Some(product) = matrix_vector(a, trans_a, b, n)? {
                    return Ok(product);
                }
                let mut out = alloc_cells(m, n)?;
                out.resize(m * n, 0.0);
                if m > 0 && n > 0 && k > 0 {
                    let (bm, bn, bk) = (blas_int(m)?, blas_int(n)?, blas_int(k)?);
                    let lda = blas_int(a.row_stride().max(a.cols()).max(1))?;
                    let ldb = blas_int(b.row_stride().max(b.cols()).max(1))?;
                    let flag = |t: bool| if t { blas::TRANS } else { blas::NO_TRANS };
                    // SAFETY: `a` and `b` point to views with the given shapes and row strides
                    // (every row of `a` and `b` is in bounds), `out` holds m*n cells.
                    unsafe {
                        blas::$routine(
                            blas::ROW_MAJOR,
                            flag(trans_a),
                            flag(trans_b),
                            bm,
                            bn,
                            bk,
                            1.0,
                            a.data_ptr(),
                            lda,
                            b.data_ptr(),
                            ldb,
                            0.0,
                            out.as_mut_ptr(),
                            bn,
                        );
                    }
                }
                DenseMatrix::from_vec(m, n, out)
            }
        }
    };
}

/// `op(a) @ x` for a column vector `x` (`n` = 1) in tight loops split over the cores, or
/// `None` for other shapes. BLAS `?gemm` with one result column runs these memory-bound
/// products far below the memory bandwidth (and `?gemv` threads a tall `t(A) @ x` poorly):
/// `A @ x` is one dot product per row of `A`; `t(A) @ x` streams `A` once, each core
/// accumulating `x[r] * A[r, :]` over its own rows, and the per-core partial sums are added
/// in core order (so a result depends only on the core count).
fn matrix_vector<T: Numeric>(
    a: &DenseMatrix<T>,
    trans_a: bool,
    b: &DenseMatrix<T>,
    n: usize,
) -> RtResult<Option<DenseMatrix<T>>> {
    let Some(x) = b.contiguous_values() else {
        return Ok(None);
    };
    if n != 1 || a.rows() == 0 || a.cols() == 0 {
        return Ok(None);
    }
    if !trans_a {
        let dots = crate::bulk::tabulate(a.rows(), |r| {
            a.row(r)
                .iter()
                .zip(x)
                .fold(T::ZERO, |acc, (&v, &w)| acc.add(v.mul(w)))
        })?;
        return DenseMatrix::from_vec(a.rows(), 1, dots).map(Some);
    }
    let (rows, cols) = (a.rows(), a.cols());
    let threads = if rows * cols >= crate::bulk::PARALLEL_MIN_CELLS {
        crate::bulk::threads()
    } else {
        1
    };
    let chunk = rows.div_ceil(threads);
    let partial = |begin: usize, end: usize| {
        let mut acc = vec![T::ZERO; cols];
        for (r, &w) in x.iter().enumerate().take(end).skip(begin) {
            for (slot, &v) in acc.iter_mut().zip(a.row(r)) {
                *slot = slot.add(v.mul(w));
            }
        }
        acc
    };
    let partials: Vec<Vec<T>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (begin, end) = ((t * chunk).min(rows), ((t + 1) * chunk).min(rows));
                let partial = &partial;
                scope.spawn(move || partial(begin, end))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut out = vec![T::ZERO; cols];
    for part in &partials {
        if part.len() != cols {
            bail!("matmul: a worker thread of t(A) @ x failed");
        }
        for (slot, &v) in out.iter_mut().zip(part) {
            *slot = slot.add(v);
        }
    }
    DenseMatrix::from_vec(cols, 1, out).map(Some)
}

blas_gemm!(f64, cblas_dgemm);
blas_gemm!(f32, cblas_sgemm);

/// Implements [`Gemm`] with the naive i-k-j product (integers and bool).
macro_rules! naive_gemm {
    ($($t:ty),*) => {$(
        impl Gemm for $t {
            fn gemm(a: &DenseMatrix<$t>, trans_a: bool, b: &DenseMatrix<$t>, trans_b: bool) -> RtResult<DenseMatrix<$t>> {
                naive_product(a, trans_a, b, trans_b)
            }
        }
    )*};
}

naive_gemm!(i64, i32, i8, u64, u32, u8, bool);

/// `op(a) @ op(b)` with C++ arithmetic in `T`, row by row of the result (i-k-j order; a
/// transposed `b` is read column-wise, as the sum over `p` runs in the same order).
pub fn naive_product<T: Numeric>(
    a: &DenseMatrix<T>,
    trans_a: bool,
    b: &DenseMatrix<T>,
    trans_b: bool,
) -> RtResult<DenseMatrix<T>> {
    let (m, k) = op_shape(a, trans_a);
    let n = op_shape(b, trans_b).1;
    let mut out = alloc_cells(m, n)?;
    out.resize(m * n, T::ZERO);
    for (i, out_row) in out.chunks_mut(n.max(1)).take(m).enumerate() {
        for p in 0..k {
            let a_ip = if trans_a { a.row(p)[i] } else { a.row(i)[p] };
            if trans_b {
                for (j, cell) in out_row.iter_mut().enumerate() {
                    *cell = cell.add(a_ip.mul(b.row(j)[p]));
                }
            } else {
                for (cell, &b_pj) in out_row.iter_mut().zip(b.row(p)) {
                    *cell = cell.add(a_ip.mul(b_pj));
                }
            }
        }
    }
    DenseMatrix::from_vec(m, n, out)
}

/// `op(lhs) @ op(rhs)` computed in `res_vt`, where `op` transposes its operand when
/// `trans_lhs` (`trans_rhs`) is set: `t(A) @ B` without materializing `t(A)` (dense f64/f32
/// pass the flags to BLAS `?gemm` as `CblasTrans`; other value types and CSR operands read
/// the operand transposed in place after the conversion to dense `res_vt`).
pub fn matmul(
    lhs: &Matrix,
    trans_lhs: bool,
    rhs: &Matrix,
    trans_rhs: bool,
    res_vt: ValueType,
) -> RtResult<Matrix> {
    product("matmul", lhs, trans_lhs, rhs, trans_rhs, res_vt)
}

/// `gemv(A, x)` = `t(A) @ x`.
pub fn gemv(a: &Matrix, x: &Matrix, res_vt: ValueType) -> RtResult<Matrix> {
    product("gemv", a, true, x, false, res_vt)
}

/// `syrk(A)` = `t(A) @ A`, or `A @ t(A)` when `outer` (symmetric; f64 runs on
/// `cblas_dsyrk` with `CblasTrans` or `CblasNoTrans`).
pub fn syrk(a: &Matrix, outer: bool, res_vt: ValueType) -> RtResult<Matrix> {
    if res_vt == ValueType::F64 {
        let a = a.to_dense::<f64>()?;
        let (n, k) = if outer {
            (a.rows(), a.cols())
        } else {
            (a.cols(), a.rows())
        };
        let mut out = alloc_cells(n, n)?;
        out.resize(n * n, 0.0);
        if n > 0 && k > 0 {
            let lda = blas_int(a.row_stride().max(a.cols()).max(1))?;
            let trans = if outer { blas::NO_TRANS } else { blas::TRANS };
            // SAFETY: `a` is a view with its shape and row stride `lda`; `out` holds n*n cells.
            unsafe {
                blas::cblas_dsyrk(
                    blas::ROW_MAJOR,
                    blas::UPPER,
                    trans,
                    blas_int(n)?,
                    blas_int(k)?,
                    1.0,
                    a.data_ptr(),
                    lda,
                    0.0,
                    out.as_mut_ptr(),
                    blas_int(n)?,
                );
            }
            for r in 1..n {
                for c in 0..r {
                    out[r * n + c] = out[c * n + r];
                }
            }
        }
        return Ok(Matrix::from(DenseMatrix::from_vec(n, n, out)?));
    }
    product("syrk", a, !outer, a, outer, res_vt)
}

fn product(
    op: &str,
    lhs: &Matrix,
    trans_lhs: bool,
    rhs: &Matrix,
    trans_rhs: bool,
    res_vt: ValueType,
) -> RtResult<Matrix> {
    let (m, k) = if trans_lhs {
        (lhs.cols(), lhs.rows())
    } else {
        (lhs.rows(), lhs.cols())
    };
    let (k2, n) = if trans_rhs {
        (rhs.cols(), rhs.rows())
    } else {
        (rhs.rows(), rhs.cols())
    };
    if k != k2 {
        bail!(
            "{op}: cannot multiply a {m}x{k} matrix by a {k2}x{n} matrix: the inner dimensions differ"
        );
    }
    with_numeric_type!(res_vt, T => {
        let (a, b) = (lhs.to_dense::<T>()?, rhs.to_dense::<T>()?);
        Ok(Matrix::from(T::gemm(&a, trans_lhs, &b, trans_rhs)?))
    }, STR => bail!("{op} is not supported on strings"))
}

/// `solve(A, b)`: `x` with `A x = b` by LU with partial pivoting (LAPACK `dgesv`), in f64.
/// `A` must be square, `b` a column with as many rows; a singular `A` is an error.
pub fn solve(a: &Matrix, b: &Matrix) -> RtResult<Matrix> {
    let n = a.rows();
    if a.cols() != n {
        bail!("solve: the matrix A must be square, not {}x{}", n, a.cols());
    }
    if b.rows() != n || b.cols() != 1 {
        bail!(
            "solve: b must be a {n}x1 column vector, not {}x{}",
            b.rows(),
            b.cols()
        );
    }
    // dgesv works column-major: A's transpose in row-major order is A in column-major order.
    let mut lu = transpose(&a.cast(ValueType::F64)?)?
        .dense::<f64>()
        .map(DenseMatrix::to_vec)
        .unwrap_or_default();
    let mut x = b.to_dense::<f64>()?.to_vec();
    if n > 0 {
        let (order, nrhs) = (blas_int(n)?, 1);
        let mut pivots = vec![0 as c_int; n];
        let mut info: c_int = 0;
        // SAFETY: `lu` holds n*n doubles, `x` n, `pivots` n; all dimensions are `n` or 1.
        unsafe {
            blas::dgesv_(
                &order,
                &nrhs,
                lu.as_mut_ptr(),
                &order,
                pivots.as_mut_ptr(),
                x.as_mut_ptr(),
                &order,
                &mut info,
            );
        }
        if info > 0 {
            bail!("solve: the matrix A is singular (U({info},{info}) is exactly zero)");
        }
        if info < 0 {
            bail!("solve: LAPACK dgesv rejected argument {}", -info);
        }
    }
    Ok(Matrix::from(DenseMatrix::from_vec(n, 1, x)?))
}

/// `eigen(A)` for a symmetric f64 matrix: the eigenvalues (n×1, ascending) and the
/// eigenvectors (n×n, one per column, in the same order).
pub fn eigen(a: &Matrix) -> RtResult<(Matrix, Matrix)> {
    let n = a.rows();
    if !crate::kernels::metadata::is_symmetric(a)? {
        bail!("eigen: the input matrix must be symmetric");
    }
    let mut vectors = a.to_dense::<f64>()?.to_vec();
    let mut values = vec![0.0; n];
    if n > 0 {
        let order = blas_int(n)?;
        let mut info: c_int = 0;
        let mut work_size = 0.0;
        let query: c_int = -1;
        // SAFETY: a workspace-size query; every buffer has the documented size.
        unsafe {
            blas::dsyev_(
                &b'V',
                &b'U',
                &order,
                vectors.as_mut_ptr(),
                &order,
                values.as_mut_ptr(),
                &mut work_size,
                &query,
                &mut info,
            );
        }
        let lwork = (work_size as usize).max(3 * n);
        let mut work = vec![0.0; lwork];
        let lwork = blas_int(lwork)?;
        // SAFETY: `vectors` holds n*n doubles (symmetric, so row- and column-major agree),
        // `values` n and `work` lwork.
        unsafe {
            blas::dsyev_(
                &b'V',
                &b'U',
                &order,
                vectors.as_mut_ptr(),
                &order,
                values.as_mut_ptr(),
                work.as_mut_ptr(),
                &lwork,
                &mut info,
            );
        }
        if info != 0 {
            bail!("eigen: LAPACK dsyev failed (info {info})");
        }
    }
    // dsyev returns the eigenvectors column-major: row-major, they are the rows; transpose.
    let vectors = Matrix::from(DenseMatrix::from_vec(n, n, vectors)?);
    Ok((
        Matrix::from(DenseMatrix::from_vec(n, 1, values)?),
        transpose(&vectors)?,
    ))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn dense<T: crate::Element>(rows: usize, cols: usize, values: Vec<T>) -> Matrix {
        Matrix::from(DenseMatrix::from_vec(rows, cols, values).unwrap())
    }

    /// The textbook triple loop in f64.
    fn reference(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
        let mut out = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                out[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        out
    }

    proptest! {
        #[test]
        fn products_match_the_reference(m in 0usize..7, k in 0usize..7, n in 0usize..7, seed in 0i64..100) {
            let a: Vec<f64> = (0..m * k).map(|i| ((i as i64 * 7 + seed) % 11 - 5) as f64).collect();
            let b: Vec<f64> = (0..k * n).map(|i| ((i as i64 * 3 + seed) % 13 - 6) as f64).collect();
            let expected = reference(&a, &b, m, k, n);
            let (am, bm) = (dense(m, k, a.clone()), dense(k, n, b.clone()));
            let (at, bt) = (transpose(&am).unwrap(), transpose(&bm).unwrap());
            for vt in [ValueType::F64, ValueType::F32, ValueType::SI64, ValueType::SI32] {
                // Every combination of transpose flags, each operand stored so that the flag
                // undoes it.
                for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                    let lhs = if ta { &at } else { &am };
                    let rhs = if tb { &bt } else { &bm };
                    let out = matmul(lhs, ta, rhs, tb, vt).unwrap();
                    prop_assert_eq!((out.rows(), out.cols()), (m, n));
                    prop_assert_eq!(out.to_dense::<f64>().unwrap().to_vec(), expected.clone());
                }
            }
            let at = transpose(&dense(m, k, a.clone())).unwrap();
            let g = gemv(&at, &dense(k, n, b.clone()), ValueType::F64).unwrap();
            prop_assert_eq!(g.to_dense::<f64>().unwrap().to_vec(), expected);
        }
    }

    #[test]
    fn views_and_errors() {
        let base = DenseMatrix::from_vec(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        let view = Matrix::from(base.slice(0..2, 1..3).unwrap());
        let out = matmul(
            &view,
            false,
            &dense(2, 1, vec![1.0, 1.0]),
            false,
            ValueType::F64,
        )
        .unwrap();
        assert_eq!(out.dense::<f64>().unwrap().to_vec(), [5.0, 11.0]);
        assert!(matmul(&view, false, &view.clone(), false, ValueType::F64).is_ok());
        // A transposed view: t(view) @ view reads the strided view through BLAS's lda.
        let tv = matmul(&view, true, &view, false, ValueType::F64).unwrap();
        assert_eq!(
            tv.dense::<f64>().unwrap().to_vec(),
            [29.0, 36.0, 36.0, 45.0]
        );
        let error = matmul(
            &dense(2, 3, vec![0i64; 6]),
            false,
            &dense(2, 3, vec![0i64; 6]),
            false,
            ValueType::SI64,
        );
        assert!(error.unwrap_err().message().contains("2x3"));
        // With the flag, the 2x3 operand is read as 3x2: t(A) @ A is 3x3 and fine.
        let flagged = matmul(
            &dense(2, 3, vec![0i64; 6]),
            true,
            &dense(2, 3, vec![0i64; 6]),
            false,
            ValueType::SI64,
        );
        assert_eq!(
            (flagged.as_ref().unwrap().rows(), flagged.unwrap().cols()),
            (3, 3)
        );
        let x = dense(3, 2, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let s = syrk(&x, false, ValueType::F64).unwrap();
        assert_eq!(s.dense::<f64>().unwrap().to_vec(), [35.0, 44.0, 44.0, 56.0]);
        let si = syrk(
            &dense(3, 2, vec![1i64, 2, 3, 4, 5, 6]),
            false,
            ValueType::SI64,
        )
        .unwrap();
        assert_eq!(si.dense::<i64>().unwrap().to_vec(), [35, 44, 44, 56]);
        // The outer form X @ t(X): 3x3, in BLAS and in the integer loop.
        let outer = [5.0, 11.0, 17.0, 11.0, 25.0, 39.0, 17.0, 39.0, 61.0];
        assert_eq!(
            syrk(&x, true, ValueType::F64)
                .unwrap()
                .dense::<f64>()
                .unwrap()
                .to_vec(),
            outer
        );
        assert_eq!(
            syrk(&x, true, ValueType::SI32)
                .unwrap()
                .to_dense::<f64>()
                .unwrap()
                .to_vec(),
            outer
        );
    }

    #[test]
    fn solve_and_eigen() {
        let a = dense(2, 2, vec![2.0, 1.0, 1.0, 3.0]);
        let x = solve(&a, &dense(2, 1, vec![3.0, 5.0])).unwrap();
        let x = x.dense::<f64>().unwrap().to_vec();
        assert!((x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12);
        assert!(
            solve(
                &dense(2, 2, vec![1.0, 2.0, 2.0, 4.0]),
                &dense(2, 1, vec![1.0, 1.0])
            )
            .is_err()
        );
        assert!(solve(&dense(2, 3, vec![0.0; 6]), &dense(2, 1, vec![1.0, 1.0])).is_err());
        let ints = solve(&dense(1, 1, vec![4i64]), &dense(1, 1, vec![2i64])).unwrap();
        assert_eq!(ints.dense::<f64>().unwrap().to_vec(), [0.5]);
        let (values, vectors) = eigen(&a).unwrap();
        let values = values.dense::<f64>().unwrap().to_vec();
        let s5 = 5f64.sqrt();
        assert!((values[0] - (5.0 - s5) / 2.0).abs() < 1e-12);
        assert!((values[1] - (5.0 + s5) / 2.0).abs() < 1e-12);
        let v = vectors.dense::<f64>().unwrap();
        // A v = lambda v for the first column.
        let (v0, v1) = (v.row(0)[0], v.row(1)[0]);
        assert!((2.0 * v0 + v1 - values[0] * v0).abs() < 1e-12);
        assert!(eigen(&dense(2, 2, vec![1.0, 2.0, 3.0, 4.0])).is_err());
    }

    #[test]
    fn tall_matrix_vector_products_split_over_cores_match_the_reference() {
        // Large enough for the parallel path; small integers keep every sum exact.
        let (k, m) = (40_000, 9);
        let a: Vec<f64> = (0..k * m).map(|i| (i % 7) as f64 - 3.0).collect();
        let x: Vec<f64> = (0..k).map(|i| (i % 5) as f64).collect();
        let at_x = matmul(
            &dense(k, m, a.clone()),
            true,
            &dense(k, 1, x.clone()),
            false,
            ValueType::F64,
        )
        .unwrap();
        let at: Vec<f64> = (0..m * k).map(|i| a[(i % k) * m + i / k]).collect();
        assert_eq!(
            at_x.dense::<f64>().unwrap().to_vec(),
            reference(&at, &x, m, k, 1)
        );
        let y: Vec<f64> = (0..m).map(|i| i as f64).collect();
        let a_y = matmul(
            &dense(k, m, a.clone()),
            false,
            &dense(m, 1, y.clone()),
            false,
            ValueType::F64,
        )
        .unwrap();
        assert_eq!(
            a_y.dense::<f64>().unwrap().to_vec(),
            reference(&a, &y, k, m, 1)
        );
    }
}
