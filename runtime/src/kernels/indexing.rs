//! Right and left indexing: `slice`, `extract` (positions), `filter` (bit vectors) and the
//! copy-on-write `insert`.
//!
//! Bounds come from compiled code as `i64` pairs `[lo, hi)` with three conventions
//! ([`resolve_range`]): a negative value counts from the end, `hi == i64::MAX` means "to the
//! end" and `hi == i64::MIN` selects the single position `lo`. Slices are zero-copy views.

use std::ops::Range;

use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::Element;
use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::value_type::ValueType;

/// Whether an op indexes rows or columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// Rows.
    Rows,
    /// Columns.
    Cols,
}

impl Axis {
    fn noun(self) -> &'static str {
        match self {
            Axis::Rows => "row",
            Axis::Cols => "column",
        }
    }

    fn extent(self, matrix: &Matrix) -> usize {
        match self {
            Axis::Rows => matrix.rows(),
            Axis::Cols => matrix.cols(),
        }
    }
}

/// The half-open range `[lo, hi)` over `n` positions, with the sentinel conventions of the
/// module docs; `op` names the operation in the out-of-bounds error.
pub fn resolve_range(op: &str, axis: Axis, lo: i64, hi: i64, n: usize) -> RtResult<Range<usize>> {
    let n_signed = n as i64;
    let from_end = |v: i64| if v < 0 { v.saturating_add(n_signed) } else { v };
    let start = from_end(lo);
    let end = match hi {
        i64::MAX => n_signed,
        i64::MIN => start.saturating_add(1),
        _ => from_end(hi),
    };
    if start < 0 || end > n_signed || start > end {
        let shown_hi = match hi {
            i64::MAX => "end".to_owned(),
            i64::MIN => format!("{}", start.saturating_add(1)),
            _ => hi.to_string(),
        };
        bail!(
            "{op}: {} range [{lo}, {shown_hi}) is out of bounds for {n} {}s",
            axis.noun(),
            axis.noun()
        );
    }
    Ok(start as usize..end as usize)
}

/// `X[lo:hi, ]` or `X[, lo:hi]` as a zero-copy view.
pub fn slice(arg: &Matrix, axis: Axis, lo: i64, hi: i64) -> RtResult<Matrix> {
    let op = match axis {
        Axis::Rows => "sliceRow",
        Axis::Cols => "sliceCol",
    };
    let range = resolve_range(op, axis, lo, hi, axis.extent(arg))?;
    dispatch_matrix!(arg, dense => {
        let view = match axis {
            Axis::Rows => dense.slice(range, 0..dense.cols())?,
            Axis::Cols => dense.slice(0..dense.rows(), range)?,
        };
        Ok(Matrix::from(view))
    })
}

/// The cells of a vector (n×1 or 1×n) of positions or bits as doubles; strings are an error.
fn vector_values(op: &str, vector: &Matrix) -> RtResult<Vec<f64>> {
    if vector.value_type() == ValueType::STR {
        bail!("{op}: positions and bit vectors must be numeric, not strings");
    }
    if vector.cols() != 1 && vector.rows() != 1 {
        bail!(
            "{op}: expected a column vector of positions, but got a {}x{} matrix",
            vector.rows(),
            vector.cols()
        );
    }
    Ok(vector.to_dense::<f64>()?.to_vec())
}

/// `X[positions, ]` or `X[, positions]`: positions in any order, with repeats; floats are
/// truncated, negative positions count from the end.
pub fn extract(arg: &Matrix, axis: Axis, positions: &Matrix) -> RtResult<Matrix> {
    let picks = picks(axis, axis.extent(arg), positions)?;
    dispatch_matrix!(arg, dense => Ok(Matrix::from(gather(dense, axis, &picks)?)))
}

/// The positions in `positions` (a numeric vector) as indexes into `n` rows or columns:
/// negatives count from the end; NaN and out-of-range positions are errors.
pub fn picks(axis: Axis, n: usize, positions: &Matrix) -> RtResult<Vec<usize>> {
    let op = match axis {
        Axis::Rows => "extractRow",
        Axis::Cols => "extractCol",
    };
    vector_values(op, positions)?
        .into_iter()
        .map(|value| {
            let shifted = if value < 0.0 { value + n as f64 } else { value };
            if shifted.is_nan() {
                bail!("{op}: a position is NaN");
            }
            if shifted < 0.0 || shifted >= n as f64 {
                bail!(
                    "{op}: position {} is out of bounds for {n} {}s",
                    crate::print::format_g(value),
                    axis.noun()
                );
            }
            Ok(shifted as usize)
        })
        .collect()
}

/// `X[[bits, ]]` or `X[[, bits]]`: the rows or columns whose bit is non-zero.
pub fn filter(arg: &Matrix, axis: Axis, bits: &Matrix) -> RtResult<Matrix> {
    let op = match axis {
        Axis::Rows => "filterRow",
        Axis::Cols => "filterCol",
    };
    let n = axis.extent(arg);
    let bits = vector_values(op, bits)?;
    if bits.len() != n {
        bail!(
            "{op}: the bit vector has {} entries, but the matrix has {n} {}s",
            bits.len(),
            axis.noun()
        );
    }
    let picks: Vec<usize> = (0..n).filter(|&i| bits[i] != 0.0).collect();
    dispatch_matrix!(arg, dense => Ok(Matrix::from(gather(dense, axis, &picks)?)))
}

/// The rows `picks` of `arg` (valid positions, any order, repeats allowed), in that order.
pub fn take_rows(arg: &Matrix, picks: &[usize]) -> RtResult<Matrix> {
    if let Some(&r) = picks.iter().find(|&&r| r >= arg.rows()) {
        bail!("row {r} is out of bounds for {} rows", arg.rows());
    }
    dispatch_matrix!(arg, dense => Ok(Matrix::from(gather(dense, Axis::Rows, picks)?)))
}

/// The rows or columns `picks` of `arg`, in that order.
fn gather<T: Clone>(arg: &DenseMatrix<T>, axis: Axis, picks: &[usize]) -> RtResult<DenseMatrix<T>> {
    let (rows, cols) = match axis {
        Axis::Rows => (picks.len(), arg.cols()),
        Axis::Cols => (arg.rows(), picks.len()),
    };
    let mut out = alloc_cells(rows, cols)?;
    match axis {
        Axis::Rows => picks
            .iter()
            .for_each(|&r| out.extend_from_slice(arg.row(r))),
        Axis::Cols => arg
            .row_iter()
            .for_each(|row| out.extend(picks.iter().map(|&c| row[c].clone()))),
    }
    DenseMatrix::from_vec(rows, cols, out)
}

/// Left indexing `X[rows, cols] = value`: a new matrix equal to `arg` except in the selected
/// block, which is `value`'s (same shape and value type required). `arg` is not modified.
pub fn insert(
    arg: &Matrix,
    value: &Matrix,
    rows: (i64, i64),
    cols: (i64, i64),
) -> RtResult<Matrix> {
    let row_range = resolve_range("insert", Axis::Rows, rows.0, rows.1, arg.rows())?;
    let col_range = resolve_range("insert", Axis::Cols, cols.0, cols.1, arg.cols())?;
    if (value.rows(), value.cols()) != (row_range.len(), col_range.len()) {
        bail!(
            "insert: the inserted matrix is {}x{}, but the selected block is {}x{}",
            value.rows(),
            value.cols(),
            row_range.len(),
            col_range.len()
        );
    }
    if value.value_type() != arg.value_type() {
        bail!(
            "insert: the inserted matrix has value type {}, but the target has {}",
            value.value_type().cpp_name(),
            arg.value_type().cpp_name()
        );
    }
    fn typed<T: Element>(
        arg: &DenseMatrix<T>,
        value: &Matrix,
        rows: Range<usize>,
        cols: Range<usize>,
    ) -> RtResult<Matrix> {
        let value = value.to_dense::<T>()?;
        let mut out = alloc_cells(arg.rows(), arg.cols())?;
        for (r, row) in arg.row_iter().enumerate() {
            if rows.contains(&r) {
                out.extend_from_slice(&row[..cols.start]);
                out.extend_from_slice(value.row(r - rows.start));
                out.extend_from_slice(&row[cols.end..]);
            } else {
                out.extend_from_slice(row);
            }
        }
        Ok(Matrix::from(DenseMatrix::from_vec(
            arg.rows(),
            arg.cols(),
            out,
        )?))
    }
    dispatch_matrix!(arg, dense => typed(dense, value, row_range, col_range))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn iota(rows: usize, cols: usize) -> Matrix {
        Matrix::from(
            DenseMatrix::from_vec(rows, cols, (0..(rows * cols) as i64).collect()).unwrap(),
        )
    }

    fn cells(m: &Matrix) -> (usize, usize, Vec<i64>) {
        (m.rows(), m.cols(), m.dense::<i64>().unwrap().to_vec())
    }

    fn column(values: Vec<f64>) -> Matrix {
        let n = values.len();
        Matrix::from(DenseMatrix::from_vec(n, 1, values).unwrap())
    }

    #[test]
    fn range_conventions() {
        let r = |lo, hi| resolve_range("op", Axis::Rows, lo, hi, 5);
        assert_eq!(r(1, 3), Ok(1..3));
        assert_eq!(r(-2, i64::MAX), Ok(3..5));
        assert_eq!(r(0, -1), Ok(0..4));
        assert_eq!(r(2, i64::MIN), Ok(2..3));
        assert_eq!(r(-1, i64::MIN), Ok(4..5));
        assert_eq!(r(5, 5), Ok(5..5));
        let error = r(3, 6).unwrap_err();
        assert!(
            error.message().contains("[3, 6)") && error.message().contains("5 rows"),
            "{error}"
        );
        assert!(r(5, i64::MIN).is_err());
        assert!(r(-6, 2).is_err());
        assert!(r(3, 2).is_err());
    }

    #[test]
    fn slices_are_views() {
        let m = iota(3, 4);
        let s = slice(&m, Axis::Cols, 1, 3).unwrap();
        assert_eq!(cells(&s), (3, 2, vec![1, 2, 5, 6, 9, 10]));
        assert_eq!(
            s.dense::<i64>().unwrap().data_ptr(),
            m.dense::<i64>().unwrap().data_ptr().wrapping_add(1)
        );
        assert_eq!(
            cells(&slice(&m, Axis::Rows, -1, i64::MIN).unwrap()),
            (1, 4, vec![8, 9, 10, 11])
        );
        assert!(
            slice(&m, Axis::Rows, 0, 4)
                .unwrap_err()
                .message()
                .contains("sliceRow")
        );
    }

    #[test]
    fn extract_and_filter() {
        let m = iota(3, 2);
        let e = extract(&m, Axis::Rows, &column(vec![2.0, 0.9, -1.0, 2.0])).unwrap();
        assert_eq!(cells(&e), (4, 2, vec![4, 5, 0, 1, 4, 5, 4, 5]));
        let c = extract(&m, Axis::Cols, &column(vec![1.0])).unwrap();
        assert_eq!(cells(&c), (3, 1, vec![1, 3, 5]));
        assert!(extract(&m, Axis::Rows, &column(vec![3.0])).is_err());
        assert!(extract(&m, Axis::Rows, &column(vec![f64::NAN])).is_err());
        let f = filter(&m, Axis::Rows, &column(vec![1.0, 0.0, 1.0])).unwrap();
        assert_eq!(cells(&f), (2, 2, vec![0, 1, 4, 5]));
        let none = filter(&m, Axis::Cols, &column(vec![0.0, 0.0])).unwrap();
        assert_eq!(cells(&none), (3, 0, vec![]));
        assert!(filter(&m, Axis::Rows, &column(vec![1.0])).is_err());
    }

    #[test]
    fn insert_copies_on_write() {
        let m = iota(3, 3);
        let block = Matrix::from(DenseMatrix::from_vec(2, 1, vec![-1i64, -2]).unwrap());
        let out = insert(&m, &block, (1, i64::MAX), (-1, i64::MIN)).unwrap();
        assert_eq!(cells(&out), (3, 3, vec![0, 1, 2, 3, 4, -1, 6, 7, -2]));
        assert_eq!(cells(&m).2, (0..9).collect::<Vec<_>>());
        assert!(insert(&m, &block, (0, 1), (0, 1)).is_err());
        assert!(insert(&m, &column(vec![1.0, 2.0]), (0, 2), (0, 1)).is_err());
    }

    proptest! {
        #[test]
        fn gather_matches_a_naive_reference(rows in 0usize..6, cols in 0usize..6, seed in 0u64..1000) {
            let m = iota(rows, cols);
            let picks: Vec<usize> = if rows == 0 { vec![] } else { (0..(seed % 7) as usize).map(|i| (i * 7 + seed as usize) % rows).collect() };
            let e = extract(&m, Axis::Rows, &column(picks.iter().map(|&p| p as f64).collect())).unwrap();
            let expected: Vec<i64> = picks.iter().flat_map(|&r| (0..cols).map(move |c| (r * cols + c) as i64)).collect();
            prop_assert_eq!(cells(&e), (picks.len(), cols, expected));
            let t = slice(&m, Axis::Cols, 0, i64::MAX).unwrap();
            prop_assert_eq!(cells(&t), cells(&m));
        }
    }
}
