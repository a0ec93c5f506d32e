//! [`Matrix`]: a dense matrix of any of the ten value types, the object behind an ABI handle.

use crate::dense::DenseMatrix;
use crate::element::Element;
use crate::error::RtResult;
use crate::value_type::ValueType;

/// A dense matrix whose value type is known only at run time.
///
/// Cloning is cheap: the cells are shared (see [`DenseMatrix`]).
#[derive(Debug, Clone)]
pub enum Matrix {
    /// `DenseMatrix<double>`.
    F64(DenseMatrix<f64>),
    /// `DenseMatrix<float>`.
    F32(DenseMatrix<f32>),
    /// `DenseMatrix<int64_t>`.
    SI64(DenseMatrix<i64>),
    /// `DenseMatrix<int32_t>`.
    SI32(DenseMatrix<i32>),
    /// `DenseMatrix<int8_t>`.
    SI8(DenseMatrix<i8>),
    /// `DenseMatrix<uint64_t>`.
    UI64(DenseMatrix<u64>),
    /// `DenseMatrix<uint32_t>`.
    UI32(DenseMatrix<u32>),
    /// `DenseMatrix<uint8_t>`.
    UI8(DenseMatrix<u8>),
    /// `DenseMatrix<bool>` (one byte per cell, 0 or 1).
    BOOL(DenseMatrix<bool>),
    /// `DenseMatrix<std::string>`.
    STR(DenseMatrix<String>),
}

/// Evaluates `$body` with `$dense` bound to the typed [`DenseMatrix`] inside the matrix `$m`.
macro_rules! dispatch_matrix {
    ($m:expr, $dense:ident => $body:expr) => {
        match $m {
            $crate::matrix::Matrix::F64($dense) => $body,
            $crate::matrix::Matrix::F32($dense) => $body,
            $crate::matrix::Matrix::SI64($dense) => $body,
            $crate::matrix::Matrix::SI32($dense) => $body,
            $crate::matrix::Matrix::SI8($dense) => $body,
            $crate::matrix::Matrix::UI64($dense) => $body,
            $crate::matrix::Matrix::UI32($dense) => $body,
            $crate::matrix::Matrix::UI8($dense) => $body,
            $crate::matrix::Matrix::BOOL($dense) => $body,
            $crate::matrix::Matrix::STR($dense) => $body,
        }
    };
}

impl Matrix {
    /// The value type of the cells.
    pub fn value_type(&self) -> ValueType {
        dispatch_matrix!(self, dense => element_type_of(dense))
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        dispatch_matrix!(self, dense => dense.rows())
    }

    /// The number of columns.
    pub fn cols(&self) -> usize {
        dispatch_matrix!(self, dense => dense.cols())
    }

    /// The typed matrix, if the value type is `T`'s.
    pub fn dense<T: Element>(&self) -> Option<&DenseMatrix<T>> {
        T::dense_of(self)
    }

    /// The cells as value type `T`: shared if already `T`, otherwise converted cell by cell
    /// (C++ `static_cast` semantics, see [`crate::element`]).
    pub fn to_dense<T: Element>(&self) -> RtResult<DenseMatrix<T>> {
        if let Some(dense) = T::dense_of(self) {
            return Ok(dense.clone());
        }
        dispatch_matrix!(self, dense => dense.try_map(|value| value.cast::<T>()))
    }

    /// This matrix converted to value type `vt` (DaphneDSL `as.matrix<vt>(…)`).
    pub fn cast(&self, vt: ValueType) -> RtResult<Matrix> {
        with_element_type!(vt, T => Ok(Matrix::from(self.to_dense::<T>()?)))
    }

    /// The cell at `(row, col)` converted to `T`; out-of-bounds positions are an error.
    pub fn get<T: Element>(&self, row: usize, col: usize) -> RtResult<T> {
        dispatch_matrix!(self, dense => match dense.get(row, col) {
            Some(value) => value.cast::<T>(),
            None => bail!(
                "position ({row}, {col}) is out of bounds for a {}x{} matrix",
                dense.rows(),
                dense.cols()
            ),
        })
    }

    /// The only cell of a 1×1 matrix, converted to `T` (DaphneDSL `as.scalar(…)`).
    pub fn as_scalar<T: Element>(&self) -> RtResult<T> {
        if (self.rows(), self.cols()) != (1, 1) {
            bail!(
                "cannot cast a {}x{} matrix to a scalar: it must have exactly one cell",
                self.rows(),
                self.cols()
            );
        }
        self.get(0, 0)
    }
}

/// The value type of a typed matrix (helps [`dispatch_matrix!`] name the element type).
fn element_type_of<T: Element>(_: &DenseMatrix<T>) -> ValueType {
    T::VT
}

impl<T: Element> From<DenseMatrix<T>> for Matrix {
    fn from(dense: DenseMatrix<T>) -> Self {
        T::into_matrix(dense)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix<T: Element>(rows: usize, cols: usize, values: Vec<T>) -> Matrix {
        Matrix::from(DenseMatrix::from_vec(rows, cols, values).unwrap())
    }

    #[test]
    fn type_and_shape() {
        let m = matrix(2, 3, vec![1u8; 6]);
        assert_eq!(m.value_type(), ValueType::UI8);
        assert_eq!((m.rows(), m.cols()), (2, 3));
        assert!(m.dense::<u8>().is_some());
        assert!(m.dense::<i8>().is_none());
    }

    #[test]
    fn cast_converts_every_cell() {
        let m = matrix(1, 3, vec![-1.5, 0.0, 2.7]);
        let as_int = m.cast(ValueType::SI32).unwrap();
        assert_eq!(as_int.dense::<i32>().unwrap().to_vec(), [-1, 0, 2]);
        let as_bool = m.cast(ValueType::BOOL).unwrap();
        assert_eq!(
            as_bool.dense::<bool>().unwrap().to_vec(),
            [true, false, true]
        );
        let as_str = m.cast(ValueType::STR).unwrap();
        assert_eq!(
            as_str.dense::<String>().unwrap().to_vec(),
            ["-1.500000", "0.000000", "2.700000"]
        );
        let back = matrix(1, 2, vec!["1.1".to_owned(), "x".to_owned()]).cast(ValueType::F64);
        assert!(back.is_err());
    }

    #[test]
    fn get_and_as_scalar() {
        let m = matrix(2, 2, vec![1i64, 2, 3, 4]);
        assert_eq!(m.get::<f64>(1, 0), Ok(3.0));
        assert!(m.get::<i64>(2, 0).is_err());
        assert!(m.as_scalar::<i64>().unwrap_err().message().contains("2x2"));
        assert_eq!(
            matrix(1, 1, vec![7u32]).as_scalar::<String>(),
            Ok("7".to_owned())
        );
    }
}
