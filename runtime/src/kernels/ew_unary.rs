//! Elementwise unary operations (`-x`, `abs`, `sqrt`, `round`, `sin`, `isNan`, …).
//!
//! The argument is converted to the result value type `res_vt` and the op runs in that type:
//! floats call the libm function of their precision, integers go through `double` and are cast
//! back (rounding functions leave integers unchanged). As in DAPHNE, `sqrt` and `ln` reject
//! arguments below -0 and `asin`/`acos` arguments outside [-1, 1]; NaN passes through.

use crate::dense::DenseMatrix;
use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::numeric::Numeric;
use crate::value_type::ValueType;

code_enum! {
    /// An elementwise unary operation; the code is what compiled code passes as `op`.
    pub enum UnaryOp {
        /// `-x`.
        MINUS = 0,
        /// `|x|`.
        ABS = 1,
        /// -1, 0 or 1 (NaN for NaN).
        SIGN = 2,
        /// Square root (domain [-0, inf]).
        SQRT = 3,
        /// `e^x`.
        EXP = 4,
        /// Natural logarithm (domain [-0, inf]).
        LN = 5,
        /// Round half away from zero.
        ROUND = 6,
        /// Round down.
        FLOOR = 7,
        /// Round up.
        CEIL = 8,
        /// Sine.
        SIN = 9,
        /// Cosine.
        COS = 10,
        /// Tangent.
        TAN = 11,
        /// Arcsine (domain [-1, 1]).
        ASIN = 12,
        /// Arccosine (domain [-1, 1]).
        ACOS = 13,
        /// Arctangent.
        ATAN = 14,
        /// Hyperbolic sine.
        SINH = 15,
        /// Hyperbolic cosine.
        COSH = 16,
        /// Hyperbolic tangent.
        TANH = 17,
        /// 1 if NaN, else 0.
        ISNAN = 18,
    }
}

/// `op(arg)` cell by cell, computed in `res_vt`.
pub fn ew_unary(op: UnaryOp, res_vt: ValueType, arg: &Matrix) -> RtResult<Matrix> {
    with_numeric_type!(res_vt, T => Ok(Matrix::from(numeric_unary(op, &arg.to_dense::<T>()?)?)), STR => {
        bail!("the unary operation {} is not supported on strings", op.name())
    })
}

/// `op(arg)` on one numeric type.
fn numeric_unary<T: Numeric>(op: UnaryOp, arg: &DenseMatrix<T>) -> RtResult<DenseMatrix<T>> {
    // Floats round with libm; integers are already whole numbers.
    let rounding = |f64_fn: fn(f64) -> f64, f32_fn: fn(f32) -> f32| {
        arg.map(|&x| {
            if T::IS_FLOAT {
                x.libm(f64_fn, f32_fn)
            } else {
                x
            }
        })
    };
    match op {
        UnaryOp::MINUS => arg.map(|&x| x.neg()),
        UnaryOp::ABS => arg.map(|&x| x.abs()),
        UnaryOp::SIGN => arg.map(|&x| x.sign()),
        UnaryOp::SQRT => with_domain(arg, op, (-0.0, f64::INFINITY), f64::sqrt, f32::sqrt),
        UnaryOp::EXP => arg.map(|&x| x.libm(f64::exp, f32::exp)),
        UnaryOp::LN => with_domain(arg, op, (-0.0, f64::INFINITY), f64::ln, f32::ln),
        UnaryOp::ROUND => rounding(f64::round, f32::round),
        UnaryOp::FLOOR => rounding(f64::floor, f32::floor),
        UnaryOp::CEIL => rounding(f64::ceil, f32::ceil),
        UnaryOp::SIN => arg.map(|&x| x.libm(f64::sin, f32::sin)),
        UnaryOp::COS => arg.map(|&x| x.libm(f64::cos, f32::cos)),
        UnaryOp::TAN => arg.map(|&x| x.libm(f64::tan, f32::tan)),
        UnaryOp::ASIN => with_domain(arg, op, (-1.0, 1.0), f64::asin, f32::asin),
        UnaryOp::ACOS => with_domain(arg, op, (-1.0, 1.0), f64::acos, f32::acos),
        UnaryOp::ATAN => arg.map(|&x| x.libm(f64::atan, f32::atan)),
        UnaryOp::SINH => arg.map(|&x| x.libm(f64::sinh, f32::sinh)),
        UnaryOp::COSH => arg.map(|&x| x.libm(f64::cosh, f32::cosh)),
        UnaryOp::TANH => arg.map(|&x| x.libm(f64::tanh, f32::tanh)),
        UnaryOp::ISNAN => arg.map(|&x| T::from_bool(x.is_nan())),
    }
}

/// Applies a libm function after checking that every argument lies in `[low, high]`.
fn with_domain<T: Numeric>(
    arg: &DenseMatrix<T>,
    op: UnaryOp,
    (low, high): (f64, f64),
    f64_fn: fn(f64) -> f64,
    f32_fn: fn(f32) -> f32,
) -> RtResult<DenseMatrix<T>> {
    arg.try_map(|&x| {
        let value = x.to_f64();
        if value < low || value > high {
            let mut printed = String::new();
            x.push_printed(&mut printed);
            bail!(
                "invalid argument {printed} for {}: the domain is [{low}, {high}]",
                op.name().to_lowercase()
            );
        }
        Ok(x.libm(f64_fn, f32_fn))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::Element;

    fn apply<T: Element, R: Element>(
        op: UnaryOp,
        res_vt: ValueType,
        values: Vec<T>,
    ) -> RtResult<Vec<R>> {
        let n = values.len();
        let arg = Matrix::from(DenseMatrix::from_vec(1, n, values).unwrap());
        Ok(ew_unary(op, res_vt, &arg)?
            .dense::<R>()
            .expect("unexpected value type")
            .to_vec())
    }

    #[test]
    fn codes_round_trip() {
        for (code, op) in UnaryOp::ALL.iter().enumerate() {
            assert_eq!(UnaryOp::from_code(code as i32), Some(*op));
        }
        assert_eq!(UnaryOp::from_code(19), None);
    }

    #[test]
    fn float_ops() {
        let f = |op, values: Vec<f64>| apply::<f64, f64>(op, ValueType::F64, values).unwrap();
        assert_eq!(f(UnaryOp::MINUS, vec![1.5, -0.0]), [-1.5, 0.0]);
        assert_eq!(f(UnaryOp::ABS, vec![-2.0]), [2.0]);
        assert_eq!(f(UnaryOp::SIGN, vec![-3.0, 0.0, 7.0]), [-1.0, 0.0, 1.0]);
        assert_eq!(f(UnaryOp::SQRT, vec![9.0, -0.0]), [3.0, -0.0]);
        assert_eq!(f(UnaryOp::EXP, vec![0.0]), [1.0]);
        assert_eq!(f(UnaryOp::LN, vec![1.0, 0.0]), [0.0, f64::NEG_INFINITY]);
        assert_eq!(f(UnaryOp::ROUND, vec![2.5, -2.5, 0.4]), [3.0, -3.0, 0.0]);
        assert_eq!(f(UnaryOp::FLOOR, vec![-1.5]), [-2.0]);
        assert_eq!(f(UnaryOp::CEIL, vec![-1.5]), [-1.0]);
        assert_eq!(f(UnaryOp::SIN, vec![0.5]), [0.5f64.sin()]);
        assert_eq!(f(UnaryOp::COS, vec![0.5]), [0.5f64.cos()]);
        assert_eq!(f(UnaryOp::TAN, vec![0.5]), [0.5f64.tan()]);
        assert_eq!(f(UnaryOp::ASIN, vec![1.0]), [1.0f64.asin()]);
        assert_eq!(f(UnaryOp::ACOS, vec![-1.0]), [(-1.0f64).acos()]);
        assert_eq!(f(UnaryOp::ATAN, vec![2.0]), [2.0f64.atan()]);
        assert_eq!(f(UnaryOp::SINH, vec![2.0]), [2.0f64.sinh()]);
        assert_eq!(f(UnaryOp::COSH, vec![2.0]), [2.0f64.cosh()]);
        assert_eq!(f(UnaryOp::TANH, vec![2.0]), [2.0f64.tanh()]);
        assert_eq!(f(UnaryOp::ISNAN, vec![f64::NAN, 1.0]), [1.0, 0.0]);
        assert!(f(UnaryOp::SQRT, vec![f64::NAN])[0].is_nan());
    }

    #[test]
    fn f32_uses_single_precision() {
        let result = apply::<f32, f32>(UnaryOp::SIN, ValueType::F32, vec![0.5]).unwrap();
        assert_eq!(result, [0.5f32.sin()]);
    }

    #[test]
    fn integer_ops() {
        let i = |op, values: Vec<i64>| apply::<i64, i64>(op, ValueType::SI64, values).unwrap();
        assert_eq!(i(UnaryOp::MINUS, vec![3, i64::MIN]), [-3, i64::MIN]);
        assert_eq!(i(UnaryOp::SQRT, vec![10, 16]), [3, 4]);
        assert_eq!(i(UnaryOp::EXP, vec![1]), [2]);
        assert_eq!(i(UnaryOp::ROUND, vec![i64::MAX]), [i64::MAX]);
        assert_eq!(i(UnaryOp::ISNAN, vec![5]), [0]);
        let unsigned = apply::<u8, u8>(UnaryOp::SIGN, ValueType::UI8, vec![0, 9]).unwrap();
        assert_eq!(unsigned, [0, 1]);
    }

    #[test]
    fn argument_converted_to_result_type() {
        let result = apply::<i64, f64>(UnaryOp::SQRT, ValueType::F64, vec![2]).unwrap();
        assert_eq!(result, [2.0f64.sqrt()]);
    }

    #[test]
    fn domain_errors() {
        let error = apply::<f64, f64>(UnaryOp::SQRT, ValueType::F64, vec![4.0, -1.0]).unwrap_err();
        assert_eq!(
            error.message(),
            "invalid argument -1 for sqrt: the domain is [-0, inf]"
        );
        assert!(apply::<i32, i32>(UnaryOp::LN, ValueType::SI32, vec![-2]).is_err());
        assert!(apply::<f64, f64>(UnaryOp::ASIN, ValueType::F64, vec![1.5]).is_err());
        assert!(apply::<f64, f64>(UnaryOp::ACOS, ValueType::F64, vec![-1.01]).is_err());
        assert!(apply::<String, String>(UnaryOp::ABS, ValueType::STR, vec!["a".into()]).is_err());
    }
}
