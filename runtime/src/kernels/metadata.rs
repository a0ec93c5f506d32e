//! Metadata queries: `isSymmetric` and `sparsity` (`typeOf` is [`crate::Object::type_name`]).

use crate::dense::DenseMatrix;
use crate::element::Element;
use crate::error::RtResult;
use crate::matrix::Matrix;

/// `isSymmetric(X)`: whether `X == t(X)` cell by cell; a non-square matrix is an error.
pub fn is_symmetric(arg: &Matrix) -> RtResult<bool> {
    if arg.rows() != arg.cols() {
        bail!(
            "isSymmetric: the matrix must be square, not {}x{}",
            arg.rows(),
            arg.cols()
        );
    }
    fn typed<T: Element>(dense: &DenseMatrix<T>) -> bool {
        let n = dense.rows();
        (0..n).all(|r| (r + 1..n).all(|c| dense.row(r)[c] == dense.row(c)[r]))
    }
    Ok(dispatch_matrix!(arg, dense => typed(dense)))
}

/// `sparsity(X)`: the fraction of non-zero cells (cells unequal to the value type's default;
/// 0 for an empty matrix). DAPHNE answers from its compile-time estimate; the compiler may fold
/// a known estimate and call this kernel otherwise.
pub fn sparsity(arg: &Matrix) -> f64 {
    fn typed<T: Element>(dense: &DenseMatrix<T>) -> f64 {
        let zero = T::default();
        let nnz: usize = dense
            .row_iter()
            .map(|row| row.iter().filter(|v| **v != zero).count())
            .sum();
        if dense.num_cells() == 0 {
            0.0
        } else {
            nnz as f64 / dense.num_cells() as f64
        }
    }
    dispatch_matrix!(arg, dense => typed(dense))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetry_and_sparsity() {
        let m = |v: Vec<i64>| Matrix::from(DenseMatrix::from_vec(2, 2, v).unwrap());
        assert_eq!(is_symmetric(&m(vec![1, 2, 2, 1])), Ok(true));
        assert_eq!(is_symmetric(&m(vec![1, 2, 3, 4])), Ok(false));
        assert!(is_symmetric(&Matrix::from(DenseMatrix::filled(1, 2, 0.0).unwrap())).is_err());
        assert_eq!(sparsity(&m(vec![0, 2, 0, 0])), 0.25);
        assert_eq!(
            sparsity(&Matrix::from(
                DenseMatrix::<f64>::filled(0, 3, 0.0).unwrap()
            )),
            0.0
        );
    }
}
