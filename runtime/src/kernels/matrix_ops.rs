//! Matrix-level ops: `cbind`/`rbind`, `reverse`, `order`, `diagMatrix`, `diagVector`,
//! `lowerTri`/`upperTri`, `replace`, the elementwise ternary `c ? t : e`, outer products
//! (`outer<Op>`), cumulative aggregations and `quantize`.

use std::cmp::Ordering;

use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::{Element, ScalarRef};
use crate::error::RtResult;
use crate::kernels::aggregation::AggOp;
use crate::kernels::ew_binary::{self, BinaryOp};
use crate::matrix::Matrix;
use crate::numeric::Numeric;
use crate::value_type::ValueType;

/// `cbind(a, b)`: the columns of `b` right of `a`'s (same number of rows), in `res_vt`.
pub fn cbind(a: &Matrix, b: &Matrix, res_vt: ValueType) -> RtResult<Matrix> {
    if a.rows() != b.rows() {
        bail!(
            "cbind: the matrices must have the same number of rows, but have {} and {}",
            a.rows(),
            b.rows()
        );
    }
    with_element_type!(res_vt, T => {
        let (a, b) = (a.to_dense::<T>()?, b.to_dense::<T>()?);
        let mut out = alloc_cells(a.rows(), a.cols() + b.cols())?;
        for (left, right) in a.row_iter().zip(b.row_iter()) {
            out.extend_from_slice(left);
            out.extend_from_slice(right);
        }
        Ok(Matrix::from(DenseMatrix::from_vec(a.rows(), a.cols() + b.cols(), out)?))
    })
}

/// `rbind(a, b)`: the rows of `b` below `a`'s (same number of columns), in `res_vt`.
pub fn rbind(a: &Matrix, b: &Matrix, res_vt: ValueType) -> RtResult<Matrix> {
    if a.cols() != b.cols() {
        bail!(
            "rbind: the matrices must have the same number of columns, but have {} and {}",
            a.cols(),
            b.cols()
        );
    }
    with_element_type!(res_vt, T => {
        let (a, b) = (a.to_dense::<T>()?, b.to_dense::<T>()?);
        let mut out = alloc_cells(a.rows() + b.rows(), a.cols())?;
        a.row_iter().chain(b.row_iter()).for_each(|row| out.extend_from_slice(row));
        Ok(Matrix::from(DenseMatrix::from_vec(a.rows() + b.rows(), a.cols(), out)?))
    })
}

/// `reverse(X)`: the rows in reverse order.
pub fn reverse(arg: &Matrix) -> RtResult<Matrix> {
    dispatch_matrix!(arg, dense => {
        let mut out = alloc_cells(dense.rows(), dense.cols())?;
        (0..dense.rows()).rev().for_each(|r| out.extend_from_slice(dense.row(r)));
        Ok(Matrix::from(DenseMatrix::from_vec(dense.rows(), dense.cols(), out)?))
    })
}

/// `order(X, cols…, ascending…, returnIndexes)`: the rows sorted stably by the columns
/// `sort_cols` (the first is the primary key), each ascending or descending; with
/// `return_indexes` the n×1 ui64 permutation instead of the rows.
pub fn order(
    arg: &Matrix,
    sort_cols: &[usize],
    ascending: &[bool],
    return_indexes: bool,
) -> RtResult<Matrix> {
    if sort_cols.is_empty() || sort_cols.len() != ascending.len() {
        bail!(
            "order: needs at least one column and one direction per column (got {} columns, {} directions)",
            sort_cols.len(),
            ascending.len()
        );
    }
    if let Some(&c) = sort_cols.iter().find(|&&c| c >= arg.cols()) {
        bail!(
            "order: column {c} is out of bounds for {} columns",
            arg.cols()
        );
    }
    fn permutation<T: Element>(
        dense: &DenseMatrix<T>,
        sort_cols: &[usize],
        ascending: &[bool],
    ) -> Vec<usize> {
        let mut positions: Vec<usize> = (0..dense.rows()).collect();
        positions.sort_by(|&i, &j| {
            for (&c, &asc) in sort_cols.iter().zip(ascending) {
                let (x, y) = (&dense.row(i)[c], &dense.row(j)[c]);
                // C++ `<` / `>`: incomparable values (NaN) are equivalent.
                let ordering = if asc {
                    less_first(x, y)
                } else {
                    less_first(y, x)
                };
                if ordering != Ordering::Equal {
                    return ordering;
                }
            }
            Ordering::Equal
        });
        positions
    }
    let positions = dispatch_matrix!(arg, dense => permutation(dense, sort_cols, ascending));
    if return_indexes {
        let n = positions.len();
        let positions = positions.into_iter().map(|p| p as u64).collect();
        return Ok(Matrix::from(DenseMatrix::from_vec(n, 1, positions)?));
    }
    dispatch_matrix!(arg, dense => {
        let mut out = alloc_cells(dense.rows(), dense.cols())?;
        positions.iter().for_each(|&r| out.extend_from_slice(dense.row(r)));
        Ok(Matrix::from(DenseMatrix::from_vec(dense.rows(), dense.cols(), out)?))
    })
}

/// `Less` if `x < y`, `Greater` if `y < x`, else `Equal` (C++ strict weak ordering by `<`).
fn less_first<T: PartialOrd>(x: &T, y: &T) -> Ordering {
    if x < y {
        Ordering::Less
    } else if y < x {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// `diagMatrix(v)`: the n×n matrix with the column vector `v` on its diagonal.
pub fn diag_matrix(arg: &Matrix) -> RtResult<Matrix> {
    if arg.cols() != 1 {
        bail!(
            "diagMatrix: the argument must be a column vector, not {}x{}",
            arg.rows(),
            arg.cols()
        );
    }
    fn typed<T: Element>(dense: &DenseMatrix<T>) -> RtResult<Matrix> {
        let n = dense.rows();
        let mut out = alloc_cells(n, n)?;
        out.resize(n * n, T::default());
        for i in 0..n {
            out[i * n + i] = dense.row(i)[0].clone();
        }
        Ok(Matrix::from(DenseMatrix::from_vec(n, n, out)?))
    }
    dispatch_matrix!(arg, dense => typed(dense))
}

/// `diagVector(X)`: the diagonal of a non-empty square matrix as an n×1 column.
pub fn diag_vector(arg: &Matrix) -> RtResult<Matrix> {
    if arg.rows() != arg.cols() || arg.rows() == 0 {
        bail!(
            "diagVector: the argument must be a non-empty square matrix, not {}x{}",
            arg.rows(),
            arg.cols()
        );
    }
    fn typed<T: Element>(dense: &DenseMatrix<T>) -> RtResult<Matrix> {
        let n = dense.rows();
        let out = (0..n).map(|i| dense.row(i)[i].clone()).collect();
        Ok(Matrix::from(DenseMatrix::from_vec(n, 1, out)?))
    }
    dispatch_matrix!(arg, dense => typed(dense))
}

/// `upperTri(X, diag, values)` (`upper`) or `lowerTri(X, diag, values)`: a square matrix
/// keeping the cells strictly above (below) the diagonal, plus the diagonal if `diag`; kept
/// non-zero cells become 1 unless `values`; everything else is 0.
pub fn tri(arg: &Matrix, upper: bool, diag: bool, values: bool) -> RtResult<Matrix> {
    if arg.rows() != arg.cols() {
        bail!(
            "{}: the matrix must be square, not {}x{}",
            if upper { "upperTri" } else { "lowerTri" },
            arg.rows(),
            arg.cols()
        );
    }
    with_numeric_type!(arg.value_type(), T => {
        let dense = arg.to_dense::<T>()?;
        let n = dense.rows();
        let mut out = alloc_cells(n, n)?;
        for (r, row) in dense.row_iter().enumerate() {
            out.extend(row.iter().enumerate().map(|(c, &v)| {
                let kept = if upper { c > r || (diag && c == r) } else { c < r || (diag && c == r) };
                match (kept, values) {
                    (false, _) => T::ZERO,
                    (true, true) => v,
                    (true, false) => if v == T::ZERO { T::ZERO } else { T::ONE },
                }
            }));
        }
        Ok(Matrix::from(DenseMatrix::from_vec(n, n, out)?))
    }, STR => bail!("lowerTri/upperTri are not supported on strings"))
}

/// `replace(X, pattern, replacement)`: every cell equal to `pattern` (NaN matches NaN)
/// becomes `replacement`; both are converted to `X`'s value type.
pub fn replace(
    arg: &Matrix,
    pattern: ScalarRef<'_>,
    replacement: ScalarRef<'_>,
) -> RtResult<Matrix> {
    fn typed<T: Element>(
        dense: &DenseMatrix<T>,
        pattern: ScalarRef<'_>,
        replacement: ScalarRef<'_>,
    ) -> RtResult<Matrix> {
        let (pattern, replacement) = (
            T::from_scalar_ref(pattern)?,
            T::from_scalar_ref(replacement)?,
        );
        #[allow(clippy::eq_op)] // `x != x` detects NaN for any element type
        let pattern_is_nan = pattern != pattern;
        #[allow(clippy::eq_op)]
        let out = dense.map(|v| {
            let hit = if pattern_is_nan {
                v != v
            } else {
                *v == pattern
            };
            if hit { replacement.clone() } else { v.clone() }
        })?;
        Ok(Matrix::from(out))
    }
    dispatch_matrix!(arg, dense => typed(dense, pattern, replacement))
}

/// `c ? t : e` cell by cell: `t` and `e` have `c`'s shape or are 1×1 (broadcast); a non-zero
/// `c` cell selects `t`'s cell. The result has value type `res_vt`.
pub fn cond(c: &Matrix, t: &Matrix, e: &Matrix, res_vt: ValueType) -> RtResult<Matrix> {
    let shape = (c.rows(), c.cols());
    for (name, m) in [("then", t), ("else", e)] {
        if (m.rows(), m.cols()) != shape && (m.rows(), m.cols()) != (1, 1) {
            bail!(
                "the {name} branch of an elementwise conditional must be {}x{} (like the condition) or 1x1, not {}x{}",
                shape.0,
                shape.1,
                m.rows(),
                m.cols()
            );
        }
    }
    if c.value_type() == ValueType::STR {
        bail!("the condition of an elementwise conditional must be numeric");
    }
    let bits = c.to_dense::<bool>()?;
    fn typed<T: Element>(bits: &DenseMatrix<bool>, t: &Matrix, e: &Matrix) -> RtResult<Matrix> {
        let (t, e) = (t.to_dense::<T>()?, e.to_dense::<T>()?);
        let shape = (bits.rows(), bits.cols());
        let pick = |m: &DenseMatrix<T>, r: usize, col: usize| {
            if (m.rows(), m.cols()) == shape {
                m.row(r)[col].clone()
            } else {
                m.row(0)[0].clone()
            }
        };
        let mut out = alloc_cells(shape.0, shape.1)?;
        for (r, row) in bits.row_iter().enumerate() {
            for (col, &bit) in row.iter().enumerate() {
                out.push(if bit {
                    pick(&t, r, col)
                } else {
                    pick(&e, r, col)
                });
            }
        }
        Ok(Matrix::from(DenseMatrix::from_vec(shape.0, shape.1, out)?))
    }
    with_element_type!(res_vt, T => typed::<T>(&bits, t, e))
}

/// `outer<Op>(a, b)`: the m×n matrix `a[i] op b[j]` for a column `a` (m×1) and a row `b`
/// (1×n), computed in `res_vt`.
pub fn outer(op: BinaryOp, a: &Matrix, b: &Matrix, res_vt: ValueType) -> RtResult<Matrix> {
    if a.cols() != 1 || b.rows() != 1 {
        bail!(
            "outer {}: needs a column vector (mx1) and a row vector (1xn), not {}x{} and {}x{}",
            op.name(),
            a.rows(),
            a.cols(),
            b.rows(),
            b.cols()
        );
    }
    fn stretch<T: Element>(column: &DenseMatrix<T>, n: usize) -> RtResult<Matrix> {
        let mut out = alloc_cells(column.rows(), n)?;
        column
            .row_iter()
            .for_each(|row| out.extend(std::iter::repeat_n(row[0].clone(), n)));
        Ok(Matrix::from(DenseMatrix::from_vec(column.rows(), n, out)?))
    }
    let stretched = dispatch_matrix!(a, dense => stretch(dense, b.cols())?);
    ew_binary::ew_binary(op, res_vt, &stretched, b)
}

/// `cumSum`, `cumProd`, `cumMin`, `cumMax`: per column, cell (r, c) aggregates the cells
/// (0..=r, c) in row order; computed in `res_vt`.
pub fn cum_agg(op: AggOp, arg: &Matrix, res_vt: ValueType) -> RtResult<Matrix> {
    fn typed<T: Numeric>(op: AggOp, arg: &DenseMatrix<T>) -> RtResult<Matrix> {
        let combine: fn(T, T) -> T = match op {
            AggOp::SUM => T::add,
            AggOp::PROD => T::mul,
            AggOp::MIN => T::min_of,
            AggOp::MAX => T::max_of,
            _ => bail!("cumulative aggregation {} is not supported", op.name()),
        };
        let cols = arg.cols();
        let mut out: Vec<T> = alloc_cells(arg.rows(), cols)?;
        for (r, row) in arg.row_iter().enumerate() {
            if r == 0 {
                out.extend_from_slice(row);
            } else {
                let previous = (r - 1) * cols;
                for (c, &v) in row.iter().enumerate() {
                    out.push(combine(out[previous + c], v));
                }
            }
        }
        Ok(Matrix::from(DenseMatrix::from_vec(arg.rows(), cols, out)?))
    }
    with_numeric_type!(res_vt, T => typed(op, &arg.to_dense::<T>()?),
        STR => bail!("cumulative aggregations are not supported on strings"))
}

/// `quantize(X, min, max)`: f32 cells mapped to ui8 with DAPHNE's affine quantization
/// (`scale = (max' - min') / 256` with the range widened to contain 0).
pub fn quantize(arg: &Matrix, min: f32, max: f32) -> RtResult<Matrix> {
    let (min, max) = (min.min(0.0), max.max(0.0));
    let scale = (max - min) / 256.0;
    let mapped_zero = 255.0 - max / scale;
    let zero = if mapped_zero < 0.0 {
        0.0
    } else if mapped_zero > 255.0 {
        255.0
    } else {
        mapped_zero.round()
    };
    let out = arg.to_dense::<f32>()?.map(|&v| {
        let value = (zero + v / scale).clamp(0.0, 255.0);
        value.round() as u8
    })?;
    Ok(Matrix::from(out))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn dense<T: Element>(rows: usize, cols: usize, values: Vec<T>) -> Matrix {
        Matrix::from(DenseMatrix::from_vec(rows, cols, values).unwrap())
    }

    fn cells<T: Element>(m: &Matrix) -> (usize, usize, Vec<T>) {
        (m.rows(), m.cols(), m.dense::<T>().unwrap().to_vec())
    }

    #[test]
    fn binds() {
        let a = dense(2, 1, vec![1i64, 2]);
        let b = dense(2, 2, vec![0.5, 1.5, 2.5, 3.5]);
        assert_eq!(
            cells::<f64>(&cbind(&a, &b, ValueType::F64).unwrap()),
            (2, 3, vec![1.0, 0.5, 1.5, 2.0, 2.5, 3.5])
        );
        assert!(rbind(&a, &b, ValueType::F64).is_err());
        let r = rbind(&b, &dense(1, 2, vec![9i64, 8]), ValueType::SI64).unwrap();
        assert_eq!(cells::<i64>(&r), (3, 2, vec![0, 1, 2, 3, 9, 8]));
        assert!(cbind(&a, &dense(3, 1, vec![1i64, 2, 3]), ValueType::SI64).is_err());
    }

    #[test]
    fn reverse_order_and_diagonals() {
        let m = dense(3, 2, vec![3i64, 1, 1, 2, 3, 0]);
        assert_eq!(cells::<i64>(&reverse(&m).unwrap()).2, [3, 0, 1, 2, 3, 1]);
        let sorted = order(&m, &[0, 1], &[false, true], false).unwrap();
        assert_eq!(cells::<i64>(&sorted).2, [3, 0, 3, 1, 1, 2]);
        let idx = order(&m, &[0], &[true], true).unwrap();
        assert_eq!(cells::<u64>(&idx), (3, 1, vec![1, 0, 2]));
        assert!(order(&m, &[2], &[true], true).is_err());
        let d = diag_matrix(&dense(2, 1, vec![1.5, 2.5])).unwrap();
        assert_eq!(cells::<f64>(&d).2, [1.5, 0.0, 0.0, 2.5]);
        assert_eq!(
            cells::<f64>(&diag_vector(&d).unwrap()),
            (2, 1, vec![1.5, 2.5])
        );
        assert!(diag_vector(&m).is_err());
        let sq = dense(3, 3, vec![1, 2, 3, 4, 0, 6, 7, 8, 9i32]);
        assert_eq!(
            cells::<i32>(&tri(&sq, true, false, true).unwrap()).2,
            [0, 2, 3, 0, 0, 6, 0, 0, 0]
        );
        assert_eq!(
            cells::<i32>(&tri(&sq, false, true, false).unwrap()).2,
            [1, 0, 0, 1, 0, 0, 1, 1, 1]
        );
    }

    #[test]
    fn replace_cond_outer_cumulative_quantize() {
        let m = dense(1, 3, vec![f64::NAN, 1.0, 2.0]);
        let r = replace(&m, ScalarRef::Float(f64::NAN), ScalarRef::Int(0)).unwrap();
        assert_eq!(cells::<f64>(&r).2, [0.0, 1.0, 2.0]);
        let r = replace(&m, ScalarRef::Int(1), ScalarRef::Int(5)).unwrap();
        assert_eq!(cells::<f64>(&r).2[1..], [5.0, 2.0]);
        let c = dense(2, 2, vec![1i64, 0, 0, 3]);
        let t = dense(2, 2, vec![1.0, 2.0, 3.0, 4.0]);
        let out = cond(&c, &t, &dense(1, 1, vec![-1.0]), ValueType::F64).unwrap();
        assert_eq!(cells::<f64>(&out).2, [1.0, -1.0, -1.0, 4.0]);
        assert!(cond(&c, &dense(1, 2, vec![1.0, 2.0]), &t, ValueType::F64).is_err());
        let o = outer(
            BinaryOp::MUL,
            &dense(2, 1, vec![1i64, 2]),
            &dense(1, 3, vec![1i64, 2, 3]),
            ValueType::SI64,
        )
        .unwrap();
        assert_eq!(cells::<i64>(&o), (2, 3, vec![1, 2, 3, 2, 4, 6]));
        let s = cum_agg(
            AggOp::SUM,
            &dense(3, 2, vec![1i64, 2, 3, 4, 5, 6]),
            ValueType::SI64,
        )
        .unwrap();
        assert_eq!(cells::<i64>(&s).2, [1, 2, 4, 6, 9, 12]);
        let mx = cum_agg(
            AggOp::MAX,
            &dense(3, 1, vec![1.0, 0.0, 2.0]),
            ValueType::F64,
        )
        .unwrap();
        assert_eq!(cells::<f64>(&mx).2, [1.0, 1.0, 2.0]);
        assert!(cum_agg(AggOp::MEAN, &s, ValueType::SI64).is_err());
        let q = quantize(&dense(1, 3, vec![0.0f32, 1.0, -1.0]), -1.0, 1.0).unwrap();
        assert_eq!(cells::<u8>(&q).2, [127, 255, 0]);
    }

    proptest! {
        #[test]
        fn cum_prod_matches_a_naive_reference(rows in 0usize..5, cols in 0usize..5, seed in 0i64..50) {
            let values: Vec<i64> = (0..rows * cols).map(|i| (i as i64 * 5 + seed) % 7 - 3).collect();
            let out = cum_agg(AggOp::PROD, &dense(rows, cols, values.clone()), ValueType::SI64).unwrap();
            let mut expected = values.clone();
            for r in 1..rows {
                for c in 0..cols {
                    expected[r * cols + c] = expected[(r - 1) * cols + c] * values[r * cols + c];
                }
            }
            prop_assert_eq!(cells::<i64>(&out), (rows, cols, expected));
        }
    }
}
