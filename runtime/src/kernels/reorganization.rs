//! Reorganization: `reshape` and `transpose` (`t`).

use crate::dense::{DenseMatrix, alloc_cells};
use crate::error::RtResult;
use crate::matrix::Matrix;

/// The cells of `arg` in row-major order, laid out as `rows`×`cols`. A contiguous argument is
/// shared, not copied; a different number of cells is an error.
pub fn reshape(arg: &Matrix, rows: usize, cols: usize) -> RtResult<Matrix> {
    dispatch_matrix!(arg, dense => Ok(Matrix::from(reshape_dense(dense, rows, cols)?)))
}

fn reshape_dense<T: Clone>(
    arg: &DenseMatrix<T>,
    rows: usize,
    cols: usize,
) -> RtResult<DenseMatrix<T>> {
    if rows.checked_mul(cols) != Some(arg.num_cells()) {
        bail!(
            "reshape must keep the number of cells: a {}x{} matrix cannot become {rows}x{cols}",
            arg.rows(),
            arg.cols()
        );
    }
    match arg.reshaped_view(rows, cols) {
        Some(view) => Ok(view),
        None => DenseMatrix::from_vec(rows, cols, arg.to_vec()),
    }
}

/// The transpose of `arg`.
pub fn transpose(arg: &Matrix) -> RtResult<Matrix> {
    dispatch_matrix!(arg, dense => Ok(Matrix::from(transpose_dense(dense)?)))
}

/// Transposes in square tiles so that both the reads and the writes stay within a few cache
/// lines per tile. A contiguous row or column vector is the same cells in the same order, so
/// its transpose is a view of them.
fn transpose_dense<T: Clone + Default>(arg: &DenseMatrix<T>) -> RtResult<DenseMatrix<T>> {
    const TILE: usize = 32;
    let (rows, cols) = (arg.rows(), arg.cols());
    if (rows == 1 || cols == 1)
        && let Some(view) = arg.reshaped_view(cols, rows)
    {
        return Ok(view);
    }
    let mut out = alloc_cells(cols, rows)?;
    out.resize(rows * cols, T::default());
    for r0 in (0..rows).step_by(TILE) {
        for c0 in (0..cols).step_by(TILE) {
            for r in r0..(r0 + TILE).min(rows) {
                let row = arg.row(r);
                for c in c0..(c0 + TILE).min(cols) {
                    out[c * rows + r] = row[c].clone();
                }
            }
        }
    }
    DenseMatrix::from_vec(cols, rows, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::Element;

    fn matrix<T: Element>(rows: usize, cols: usize, values: Vec<T>) -> Matrix {
        Matrix::from(DenseMatrix::from_vec(rows, cols, values).unwrap())
    }

    fn values<T: Element>(m: &Matrix) -> (usize, usize, Vec<T>) {
        (
            m.rows(),
            m.cols(),
            m.dense::<T>().expect("unexpected value type").to_vec(),
        )
    }

    #[test]
    fn reshape_keeps_row_major_order() {
        let m = matrix(2, 3, (1..=6i64).collect());
        let r = reshape(&m, 3, 2).unwrap();
        assert_eq!(values::<i64>(&r), (3, 2, vec![1, 2, 3, 4, 5, 6]));
        assert_eq!(
            r.dense::<i64>().unwrap().data_ptr(),
            m.dense::<i64>().unwrap().data_ptr()
        );
        let error = reshape(&m, 4, 2).unwrap_err();
        assert!(
            error.message().contains("2x3") && error.message().contains("4x2"),
            "{error}"
        );
    }

    #[test]
    fn reshape_copies_a_non_contiguous_view() {
        let base = DenseMatrix::from_vec(2, 3, (1..=6i64).collect()).unwrap();
        let view = Matrix::from(base.slice(0..2, 1..3).unwrap());
        assert_eq!(
            values::<i64>(&reshape(&view, 1, 4).unwrap()),
            (1, 4, vec![2, 3, 5, 6])
        );
    }

    #[test]
    fn transpose_any_shape() {
        let m = matrix(
            2,
            3,
            vec!["a", "b", "c", "d", "e", "f"]
                .into_iter()
                .map(String::from)
                .collect(),
        );
        assert_eq!(
            values::<String>(&transpose(&m).unwrap()),
            (
                3,
                2,
                ["a", "d", "b", "e", "c", "f"].map(String::from).to_vec()
            )
        );
        let big = matrix(70, 45, (0..70 * 45).map(|v| v as f64).collect());
        let t = transpose(&big).unwrap();
        let (rows, cols, cells) = values::<f64>(&t);
        assert_eq!((rows, cols), (45, 70));
        for r in 0..45 {
            for c in 0..70 {
                assert_eq!(cells[r * 70 + c], (c * 45 + r) as f64);
            }
        }
        let empty = transpose(&matrix::<u8>(0, 4, vec![])).unwrap();
        assert_eq!((empty.rows(), empty.cols()), (4, 0));
    }
}
