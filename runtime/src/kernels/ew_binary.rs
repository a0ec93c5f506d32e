//! Elementwise binary operations (`+ - * / ^ % log min max && || == != < <= > >=`).
//!
//! Broadcasting follows DAPHNE's dense kernel: the result has the left operand's shape, and the
//! right operand may have the same shape, be a row (1×m) or a column (n×1) vector, or be 1×1.
//! The left operand may also be the vector (the "left-vector quirk" of the reference,
//! `spec/daphne-reference.md` §12): `row(1×m) ∘ M(n×m)` is 1×m and uses M's first row, and
//! `col(n×1) ∘ M(n×m)` is n×1 and uses M's first column. A scalar on the left
//! ([`ew_binary_scalar_lhs`]) is stretched to the right operand's shape.
//!
//! The compiler passes the result value type `res_vt`; operands are converted to it and the op
//! runs in that type, so comparisons return 1/0 in `res_vt` (the promoted operand type). On
//! strings (`res_vt` = str, or two string operands) `ADD` concatenates and the comparisons
//! compare byte-wise, returning si64 (or `res_vt` when that is numeric).

use crate::bulk;
use crate::dense::{DenseMatrix, alloc_cells};
use crate::error::RtResult;
use crate::kernels::strings;
use crate::matrix::Matrix;
use crate::numeric::Numeric;
use crate::value_type::ValueType;

code_enum! {
    /// An elementwise binary operation; the code is what compiled code passes as `op`.
    pub enum BinaryOp {
        /// `a + b` (concatenation on strings).
        ADD = 0,
        /// `a - b`.
        SUB = 1,
        /// `a * b`.
        MUL = 2,
        /// `a / b` (integer division truncates; an integer divisor of zero is an error).
        DIV = 3,
        /// `pow(a, b)` (computed in `double` for integers).
        POW = 4,
        /// `fmod(a, b)` (the remainder has the dividend's sign).
        MOD = 5,
        /// `log(a) / log(b)`, the logarithm of `a` to base `b`.
        LOG = 6,
        /// `std::min(a, b)`.
        MIN = 7,
        /// `std::max(a, b)`.
        MAX = 8,
        /// `a && b` (1/0).
        AND = 9,
        /// `a || b` (1/0).
        OR = 10,
        /// `a == b` (1/0).
        EQ = 11,
        /// `a != b` (1/0).
        NE = 12,
        /// `a < b` (1/0).
        LT = 13,
        /// `a <= b` (1/0).
        LE = 14,
        /// `a > b` (1/0).
        GT = 15,
        /// `a >= b` (1/0).
        GE = 16,
    }
}

impl BinaryOp {
    /// Whether this is one of `== != < <= > >=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            Self::EQ | Self::NE | Self::LT | Self::LE | Self::GT | Self::GE
        )
    }
}

/// `lhs op rhs` on two matrices, computed in `res_vt` (see the module docs for broadcasting).
pub fn ew_binary(op: BinaryOp, res_vt: ValueType, lhs: &Matrix, rhs: &Matrix) -> RtResult<Matrix> {
    let shape = broadcast_shape(op, (lhs.rows(), lhs.cols()), (rhs.rows(), rhs.cols()))?;
    compute(op, res_vt, lhs, rhs, shape)
}

/// `scalar op rhs`, where `scalar` is a 1×1 matrix; the result has `rhs`'s shape.
pub fn ew_binary_scalar_lhs(
    op: BinaryOp,
    res_vt: ValueType,
    scalar: &Matrix,
    rhs: &Matrix,
) -> RtResult<Matrix> {
    if (scalar.rows(), scalar.cols()) != (1, 1) {
        bail!(
            "the scalar operand of elementwise {} must be 1x1, not {}x{}",
            op.name(),
            scalar.rows(),
            scalar.cols()
        );
    }
    compute(op, res_vt, scalar, rhs, (rhs.rows(), rhs.cols()))
}

/// The result shape of `lhs op rhs` for two matrices, or an error naming both shapes.
pub fn broadcast_shape(
    op: BinaryOp,
    lhs: (usize, usize),
    rhs: (usize, usize),
) -> RtResult<(usize, usize)> {
    let ((lhs_rows, lhs_cols), (rhs_rows, rhs_cols)) = (lhs, rhs);
    let compatible = lhs == rhs
        || (lhs_cols == rhs_cols && (rhs_rows == 1 || lhs_rows == 1))
        || (lhs_rows == rhs_rows && (rhs_cols == 1 || lhs_cols == 1))
        || rhs == (1, 1);
    let result_is_empty = lhs_rows == 0 || lhs_cols == 0;
    let rhs_is_empty = rhs_rows == 0 || rhs_cols == 0;
    if !compatible || (rhs_is_empty && !result_is_empty) {
        bail!(
            "elementwise {} cannot combine a {lhs_rows}x{lhs_cols} matrix with a {rhs_rows}x{rhs_cols} matrix: \
             the right operand must have the same shape, be a 1x{lhs_cols} row, a {lhs_rows}x1 column, or 1x1",
            op.name()
        );
    }
    Ok(lhs)
}

/// Computes `lhs op rhs` into a matrix of shape `shape` (already validated).
fn compute(
    op: BinaryOp,
    res_vt: ValueType,
    lhs: &Matrix,
    rhs: &Matrix,
    shape: (usize, usize),
) -> RtResult<Matrix> {
    let both_strings = lhs.value_type() == ValueType::STR && rhs.value_type() == ValueType::STR;
    if op.is_comparison() && (res_vt == ValueType::STR || both_strings) {
        let (lhs, rhs) = (lhs.to_dense::<String>()?, rhs.to_dense::<String>()?);
        let ordering_matches = strings::comparison(op)?;
        let flags = zip_broadcast(&lhs, &rhs, shape, |a, b| ordering_matches(a.cmp(b)))?;
        let out_vt = if res_vt == ValueType::STR {
            ValueType::SI64
        } else {
            res_vt
        };
        return Matrix::from(flags).cast(out_vt);
    }
    with_numeric_type!(res_vt, T => {
        let (lhs, rhs) = (lhs.to_dense::<T>()?, rhs.to_dense::<T>()?);
        Ok(Matrix::from(numeric_binary(op, &lhs, &rhs, shape)?))
    }, STR => {
        if op != BinaryOp::ADD {
            bail!("the binary operation {} is not supported on strings", op.name());
        }
        let (lhs, rhs) = (lhs.to_dense::<String>()?, rhs.to_dense::<String>()?);
        Ok(Matrix::from(zip_broadcast(&lhs, &rhs, shape, |a, b| strings::concat(a, b))?))
    })
}

/// `lhs op rhs` on one numeric type.
fn numeric_binary<T: Numeric>(
    op: BinaryOp,
    lhs: &DenseMatrix<T>,
    rhs: &DenseMatrix<T>,
    shape: (usize, usize),
) -> RtResult<DenseMatrix<T>> {
    if matches!(op, BinaryOp::DIV | BinaryOp::MOD) {
        reject_zero_divisors(rhs, shape)?;
    }
    // One loop per op, so that each loop body is a single inlined operation.
    match op {
        BinaryOp::ADD => zip_broadcast(lhs, rhs, shape, |&a, &b| a.add(b)),
        BinaryOp::SUB => zip_broadcast(lhs, rhs, shape, |&a, &b| a.sub(b)),
        BinaryOp::MUL => zip_broadcast(lhs, rhs, shape, |&a, &b| a.mul(b)),
        BinaryOp::DIV => zip_broadcast(lhs, rhs, shape, |&a, &b| a.div(b)),
        BinaryOp::POW => zip_broadcast(lhs, rhs, shape, |&a, &b| a.pow(b)),
        BinaryOp::MOD => zip_broadcast(lhs, rhs, shape, |&a, &b| a.rem(b)),
        BinaryOp::LOG => zip_broadcast(lhs, rhs, shape, |&a, &b| a.log(b)),
        BinaryOp::MIN => zip_broadcast(lhs, rhs, shape, |&a, &b| a.min_of(b)),
        BinaryOp::MAX => zip_broadcast(lhs, rhs, shape, |&a, &b| a.max_of(b)),
        BinaryOp::AND => zip_broadcast(lhs, rhs, shape, |&a, &b| {
            T::from_bool(a.is_true() && b.is_true())
        }),
        BinaryOp::OR => zip_broadcast(lhs, rhs, shape, |&a, &b| {
            T::from_bool(a.is_true() || b.is_true())
        }),
        BinaryOp::EQ => zip_broadcast(lhs, rhs, shape, |a, b| T::from_bool(a == b)),
        BinaryOp::NE => zip_broadcast(lhs, rhs, shape, |a, b| T::from_bool(a != b)),
        BinaryOp::LT => zip_broadcast(lhs, rhs, shape, |a, b| T::from_bool(a < b)),
        BinaryOp::LE => zip_broadcast(lhs, rhs, shape, |a, b| T::from_bool(a <= b)),
        BinaryOp::GT => zip_broadcast(lhs, rhs, shape, |a, b| T::from_bool(a > b)),
        BinaryOp::GE => zip_broadcast(lhs, rhs, shape, |a, b| T::from_bool(a >= b)),
    }
}

/// Integer division or modulo by zero is an error; only the cells of `rhs` that the result
/// reads are checked (see [`zip_broadcast`]).
fn reject_zero_divisors<T: Numeric>(
    rhs: &DenseMatrix<T>,
    (rows, cols): (usize, usize),
) -> RtResult<()> {
    if T::IS_FLOAT || rows == 0 || cols == 0 {
        return Ok(());
    }
    let used_rows = if rhs.rows() == 1 { 1 } else { rows };
    let used_cols = if rhs.cols() == 1 { 1 } else { cols };
    let used = rhs.slice(0..used_rows, 0..used_cols)?;
    if used
        .row_iter()
        .flatten()
        .any(|divisor| divisor.is_zero_divisor())
    {
        bail!("division by zero");
    }
    Ok(())
}

/// Applies `f` cell by cell over `shape`; an operand with one row (column) is read at row
/// (column) 0 for every result row (column), any other operand at the result's position.
///
/// Contiguous operands of the result's shape, possibly with a 1×1 operand, take the fast path
/// of [`bulk`] (one flat loop, split across cores when large).
fn zip_broadcast<A: Sync, B: Sync, R: Send>(
    lhs: &DenseMatrix<A>,
    rhs: &DenseMatrix<B>,
    (rows, cols): (usize, usize),
    f: impl Fn(&A, &B) -> R + Sync,
) -> RtResult<DenseMatrix<R>> {
    let full_lhs = (lhs.rows(), lhs.cols()) == (rows, cols);
    let full_rhs = (rhs.rows(), rhs.cols()) == (rows, cols);
    let flat = match (lhs.contiguous_values(), rhs.contiguous_values()) {
        (Some(a), Some(b)) if full_lhs && full_rhs => Some(bulk::zip(a, b, &f)?),
        (Some(a), Some([b])) if full_lhs => Some(bulk::map(a, |x| f(x, b))?),
        (Some([a]), Some(b)) if full_rhs => Some(bulk::map(b, |y| f(a, y))?),
        _ => None,
    };
    if let Some(values) = flat {
        return DenseMatrix::from_vec(rows, cols, values);
    }
    let mut out = alloc_cells(rows, cols)?;
    if cols > 0 {
        for r in 0..rows {
            let lhs_row = lhs.row(if lhs.rows() == 1 { 0 } else { r });
            let rhs_row = rhs.row(if rhs.rows() == 1 { 0 } else { r });
            // One loop per stretching pattern keeps the loops free of index arithmetic.
            match (lhs.cols() == 1, rhs.cols() == 1) {
                (false, false) => out.extend(
                    lhs_row[..cols]
                        .iter()
                        .zip(&rhs_row[..cols])
                        .map(|(a, b)| f(a, b)),
                ),
                (false, true) => out.extend(lhs_row[..cols].iter().map(|a| f(a, &rhs_row[0]))),
                (true, false) => out.extend(rhs_row[..cols].iter().map(|b| f(&lhs_row[0], b))),
                (true, true) => out.extend((0..cols).map(|_| f(&lhs_row[0], &rhs_row[0]))),
            }
        }
    }
    DenseMatrix::from_vec(rows, cols, out)
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

    fn f64s(rows: usize, cols: usize, values: &[f64]) -> Matrix {
        matrix(rows, cols, values.to_vec())
    }

    #[test]
    fn codes_round_trip() {
        for (code, op) in BinaryOp::ALL.iter().enumerate() {
            assert_eq!(BinaryOp::from_code(code as i32), Some(*op));
        }
        assert_eq!(BinaryOp::from_code(17), None);
        assert_eq!(BinaryOp::GE.code(), 16);
    }

    #[test]
    fn same_shape_arithmetic() {
        let a = f64s(2, 2, &[1.0, 2.0, 3.0, 4.0]);
        let b = f64s(2, 2, &[4.0, 3.0, 2.0, 0.0]);
        let sum = ew_binary(BinaryOp::ADD, ValueType::F64, &a, &b).unwrap();
        assert_eq!(values::<f64>(&sum), (2, 2, vec![5.0, 5.0, 5.0, 4.0]));
        let quotient = ew_binary(BinaryOp::DIV, ValueType::F64, &a, &b).unwrap();
        assert_eq!(
            values::<f64>(&quotient).2,
            [0.25, 2.0 / 3.0, 1.5, f64::INFINITY]
        );
        let power = ew_binary(BinaryOp::POW, ValueType::F64, &a, &b).unwrap();
        assert_eq!(values::<f64>(&power).2, [1.0, 8.0, 9.0, 1.0]);
        let log = ew_binary(
            BinaryOp::LOG,
            ValueType::F64,
            &f64s(1, 1, &[8.0]),
            &f64s(1, 1, &[2.0]),
        )
        .unwrap();
        assert_eq!(values::<f64>(&log).2, [3.0]);
    }

    #[test]
    fn integer_division_truncates_and_rejects_zero() {
        let a = matrix(1, 3, vec![6i64, -7, 7]);
        let b = matrix(1, 3, vec![3i64, 2, -2]);
        let quotient = ew_binary(BinaryOp::DIV, ValueType::SI64, &a, &b).unwrap();
        assert_eq!(values::<i64>(&quotient).2, [2, -3, -3]);
        let remainder = ew_binary(BinaryOp::MOD, ValueType::SI64, &a, &b).unwrap();
        assert_eq!(values::<i64>(&remainder).2, [0, -1, 1]);
        let zero = matrix(1, 1, vec![0i64]);
        let error = ew_binary(BinaryOp::DIV, ValueType::SI64, &a, &zero).unwrap_err();
        assert_eq!(error.message(), "division by zero");
        assert!(ew_binary(BinaryOp::MOD, ValueType::UI8, &a, &zero).is_err());
        // The same division in f64 is fine.
        assert!(ew_binary(BinaryOp::DIV, ValueType::F64, &a, &zero).is_ok());
    }

    #[test]
    fn only_divisors_that_are_read_must_be_non_zero() {
        // The left-vector quirk reads only the first row of the right operand.
        let row = matrix(1, 2, vec![6i64, 8]);
        let m = matrix(2, 2, vec![3i64, 4, 0, 0]);
        let quotient = ew_binary(BinaryOp::DIV, ValueType::SI64, &row, &m).unwrap();
        assert_eq!(values::<i64>(&quotient), (1, 2, vec![2, 2]));
        let col = matrix(2, 1, vec![1i64, 0]);
        assert!(ew_binary(BinaryOp::MOD, ValueType::SI64, &m, &col).is_err());
    }

    #[test]
    fn integer_pow_goes_through_double() {
        let a = matrix(1, 3, vec![2i32, 3, 2]);
        let b = matrix(1, 3, vec![10i32, 2, -1]);
        let power = ew_binary(BinaryOp::POW, ValueType::SI32, &a, &b).unwrap();
        assert_eq!(values::<i32>(&power).2, [1024, 9, 0]);
    }

    #[test]
    fn operands_are_converted_to_the_result_type() {
        let a = matrix(1, 2, vec![1i64, 2]);
        let b = f64s(1, 2, &[0.5, 0.25]);
        let sum = ew_binary(BinaryOp::ADD, ValueType::F64, &a, &b).unwrap();
        assert_eq!(values::<f64>(&sum).2, [1.5, 2.25]);
        let truncated = ew_binary(BinaryOp::ADD, ValueType::SI64, &a, &b).unwrap();
        assert_eq!(values::<i64>(&truncated).2, [1, 2]);
    }

    #[test]
    fn comparisons_and_logic_give_one_or_zero_in_the_result_type() {
        let a = f64s(1, 4, &[1.0, 2.0, f64::NAN, 0.0]);
        let b = f64s(1, 4, &[2.0, 2.0, f64::NAN, 0.0]);
        let cases = [
            (BinaryOp::EQ, [0.0, 1.0, 0.0, 1.0]),
            (BinaryOp::NE, [1.0, 0.0, 1.0, 0.0]),
            (BinaryOp::LT, [1.0, 0.0, 0.0, 0.0]),
            (BinaryOp::LE, [1.0, 1.0, 0.0, 1.0]),
            (BinaryOp::GT, [0.0, 0.0, 0.0, 0.0]),
            (BinaryOp::GE, [0.0, 1.0, 0.0, 1.0]),
            (BinaryOp::AND, [1.0, 1.0, 1.0, 0.0]),
            (BinaryOp::OR, [1.0, 1.0, 1.0, 0.0]),
        ];
        for (op, expected) in cases {
            let result = ew_binary(op, ValueType::F64, &a, &b).unwrap();
            assert_eq!(values::<f64>(&result).2, expected, "{op:?}");
        }
        // Operands are converted first: NaN becomes 0 in si64.
        let ints = ew_binary(BinaryOp::GE, ValueType::SI64, &a, &b).unwrap();
        assert_eq!(values::<i64>(&ints).2, [0, 1, 1, 1]);
    }

    #[test]
    fn min_max_follow_std_min_max() {
        let a = f64s(1, 3, &[1.0, f64::NAN, 5.0]);
        let b = f64s(1, 3, &[f64::NAN, 1.0, -5.0]);
        let min = values::<f64>(&ew_binary(BinaryOp::MIN, ValueType::F64, &a, &b).unwrap()).2;
        assert_eq!(min[0], 1.0);
        assert!(min[1].is_nan());
        assert_eq!(min[2], -5.0);
        let max = values::<f64>(&ew_binary(BinaryOp::MAX, ValueType::F64, &a, &b).unwrap()).2;
        assert_eq!((max[0], max[2]), (1.0, 5.0));
        assert!(max[1].is_nan());
    }

    #[test]
    fn right_operand_broadcasting() {
        let m = f64s(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let row = f64s(1, 3, &[10.0, 20.0, 30.0]);
        let col = f64s(2, 1, &[100.0, 200.0]);
        let one = f64s(1, 1, &[1000.0]);
        let by_row = ew_binary(BinaryOp::ADD, ValueType::F64, &m, &row).unwrap();
        assert_eq!(
            values::<f64>(&by_row),
            (2, 3, vec![11.0, 22.0, 33.0, 14.0, 25.0, 36.0])
        );
        let by_col = ew_binary(BinaryOp::SUB, ValueType::F64, &m, &col).unwrap();
        assert_eq!(
            values::<f64>(&by_col),
            (2, 3, vec![-99.0, -98.0, -97.0, -196.0, -195.0, -194.0])
        );
        let by_one = ew_binary(BinaryOp::MUL, ValueType::F64, &m, &one).unwrap();
        assert_eq!(
            values::<f64>(&by_one).2,
            [1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0]
        );
    }

    #[test]
    fn left_vector_quirk_keeps_the_left_shape() {
        let m = f64s(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let row = f64s(1, 3, &[10.0, 20.0, 30.0]);
        let col = f64s(2, 1, &[100.0, 200.0]);
        let row_first = ew_binary(BinaryOp::ADD, ValueType::F64, &row, &m).unwrap();
        assert_eq!(values::<f64>(&row_first), (1, 3, vec![11.0, 22.0, 33.0]));
        let col_first = ew_binary(BinaryOp::ADD, ValueType::F64, &col, &m).unwrap();
        assert_eq!(values::<f64>(&col_first), (2, 1, vec![101.0, 204.0]));
    }

    #[test]
    fn scalar_left_stretches_to_the_right_shape() {
        let m = f64s(2, 2, &[1.0, 2.0, 4.0, 8.0]);
        let scalar = f64s(1, 1, &[8.0]);
        let quotient = ew_binary_scalar_lhs(BinaryOp::DIV, ValueType::F64, &scalar, &m).unwrap();
        assert_eq!(values::<f64>(&quotient), (2, 2, vec![8.0, 4.0, 2.0, 1.0]));
        let less = ew_binary_scalar_lhs(BinaryOp::LT, ValueType::F64, &scalar, &m).unwrap();
        assert_eq!(values::<f64>(&less).2, [0.0, 0.0, 0.0, 0.0]);
        assert!(ew_binary_scalar_lhs(BinaryOp::ADD, ValueType::F64, &m, &m).is_err());
    }

    #[test]
    fn incompatible_shapes_name_both() {
        let a = f64s(2, 3, &[0.0; 6]);
        let b = f64s(3, 2, &[0.0; 6]);
        let error = ew_binary(BinaryOp::ADD, ValueType::F64, &a, &b).unwrap_err();
        assert!(
            error.message().contains("2x3") && error.message().contains("3x2"),
            "{error}"
        );
        let wide = f64s(1, 1, &[0.0]);
        assert!(ew_binary(BinaryOp::ADD, ValueType::F64, &wide, &a).is_err());
        let empty = f64s(0, 3, &[]);
        let row = f64s(1, 3, &[0.0; 3]);
        assert!(ew_binary(BinaryOp::ADD, ValueType::F64, &row, &empty).is_err());
        let empty_result = ew_binary(BinaryOp::ADD, ValueType::F64, &empty, &row).unwrap();
        assert_eq!((empty_result.rows(), empty_result.cols()), (0, 3));
    }

    #[test]
    fn strings_concatenate_and_compare() {
        let words = matrix(2, 1, vec!["a".to_owned(), "b".to_owned()]);
        let number = matrix(1, 1, vec![1i64]);
        let joined = ew_binary(BinaryOp::ADD, ValueType::STR, &words, &number).unwrap();
        assert_eq!(values::<String>(&joined).2, ["a1", "b1"]);
        let prefixed = ew_binary_scalar_lhs(
            BinaryOp::ADD,
            ValueType::STR,
            &matrix(1, 1, vec![2.5]),
            &words,
        )
        .unwrap();
        assert_eq!(values::<String>(&prefixed).2, ["2.500000a", "2.500000b"]);
        let other = matrix(2, 1, vec!["a".to_owned(), "a".to_owned()]);
        let equal = ew_binary(BinaryOp::EQ, ValueType::STR, &words, &other).unwrap();
        assert_eq!(values::<i64>(&equal).2, [1, 0]);
        let greater = ew_binary(BinaryOp::GT, ValueType::SI64, &words, &other).unwrap();
        assert_eq!(values::<i64>(&greater).2, [0, 1]);
        assert!(ew_binary(BinaryOp::MUL, ValueType::STR, &words, &other).is_err());
    }

    #[test]
    fn bool_arithmetic() {
        let a = matrix(1, 4, vec![false, false, true, true]);
        let b = matrix(1, 4, vec![false, true, false, true]);
        let sum = ew_binary(BinaryOp::ADD, ValueType::BOOL, &a, &b).unwrap();
        assert_eq!(values::<bool>(&sum).2, [false, true, true, true]);
        let difference = ew_binary(BinaryOp::SUB, ValueType::BOOL, &a, &b).unwrap();
        assert_eq!(values::<bool>(&difference).2, [false, true, true, false]);
    }
}
