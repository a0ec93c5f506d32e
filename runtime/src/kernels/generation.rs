//! Matrix generation: `fill` and `seq` (`rand` has its own module).

use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::{Element, ScalarRef};
use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::numeric::Numeric;
use crate::value_type::ValueType;

/// A `rows`×`cols` matrix of value type `vt` with every cell set to `value` (converted to `vt`).
pub fn fill(vt: ValueType, value: ScalarRef<'_>, rows: usize, cols: usize) -> RtResult<Matrix> {
    with_element_type!(vt, T => Ok(Matrix::from(DenseMatrix::filled(rows, cols, T::from_scalar_ref(value)?)?)))
}

/// The column vector `from, from + inc, …` up to `to` inclusive, in value type `vt`
/// (DaphneDSL `seq`; see [`seq_typed`]).
pub fn seq(
    vt: ValueType,
    from: ScalarRef<'_>,
    to: ScalarRef<'_>,
    inc: ScalarRef<'_>,
) -> RtResult<Matrix> {
    with_numeric_type!(vt, T => {
        let (from, to, inc) = (T::from_scalar_ref(from)?, T::from_scalar_ref(to)?, T::from_scalar_ref(inc)?);
        Ok(Matrix::from(seq_typed(from, to, inc)?))
    }, STR => bail!("seq is not supported on strings"))
}

/// DAPHNE's `seq` kernel in `T`:
/// - `inc` = 0 or any NaN argument is an error; a step pointing away from `to` gives 0×1;
/// - the length is `ceil(|to - from| / |inc|) + 1` (integer division for integers, computed
///   exactly here even where C++ would overflow);
/// - values accumulate by repeated addition (`acc += inc`), so float sequences carry rounding;
/// - a last value that overshoots `to` by more than 1e-13 (in `T`: by anything for integers,
///   which cannot happen) is dropped.
pub fn seq_typed<T: Numeric>(from: T, to: T, inc: T) -> RtResult<DenseMatrix<T>> {
    for (name, value) in [("inc", inc), ("from", from), ("to", to)] {
        if value.is_nan() {
            bail!("seq: `{name}` must not be NaN");
        }
    }
    if inc == T::ZERO {
        bail!("seq: `inc` must not be zero");
    }
    if (from < to && inc < T::ZERO) || (from > to && inc > T::ZERO) {
        return DenseMatrix::from_vec(0, 1, Vec::new());
    }
    let len = seq_len(from, to, inc)?;
    let mut values = alloc_cells(len, 1)?;
    let mut acc = from;
    for _ in 0..len {
        values.push(acc);
        acc = acc.add(inc);
    }
    let epsilon = T::from_f64(1e-13);
    if let Some(&last) = values.last() {
        let overshoots =
            (to < from && to.sub(last) > epsilon) || (to > from && last.sub(to) > epsilon);
        if overshoots {
            values.pop();
        }
    }
    let rows = values.len();
    DenseMatrix::from_vec(rows, 1, values)
}

/// `ceil(|to - from| / |inc|) + 1`, exactly for integers and in `T` for floats.
fn seq_len<T: Numeric>(from: T, to: T, inc: T) -> RtResult<usize> {
    let exact = |value: T| match value.as_scalar_ref() {
        ScalarRef::Int(v) => Some(i128::from(v)),
        ScalarRef::UInt(v) => Some(i128::from(v)),
        ScalarRef::Bool(v) => Some(i128::from(v)),
        ScalarRef::Float(_) | ScalarRef::Str(_) => None,
    };
    let steps = match (exact(from), exact(to), exact(inc)) {
        (Some(from), Some(to), Some(inc)) => ((to - from).abs() / inc.abs()) as f64,
        _ => to
            .sub(from)
            .abs()
            .div(inc.abs())
            .libm(f64::ceil, f32::ceil)
            .to_f64(),
    };
    // `steps` is a whole number here; beyond 2^53 no sequence could be allocated anyway.
    if steps.is_nan() || steps >= (1u64 << 53) as f64 {
        bail!(
            "seq: the sequence from {} to {} by {} is too long",
            show(from),
            show(to),
            show(inc)
        );
    }
    Ok(steps as usize + 1)
}

fn show<T: Element>(value: T) -> String {
    let mut out = String::new();
    value.push_printed(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq_values<T: Numeric>(from: T, to: T, inc: T) -> Vec<T> {
        let m = seq_typed(from, to, inc).unwrap();
        assert_eq!(m.cols(), 1);
        m.to_vec()
    }

    #[test]
    fn integer_sequences() {
        assert_eq!(seq_values(1i64, 5, 1), [1, 2, 3, 4, 5]);
        assert_eq!(seq_values(1i64, 6, 2), [1, 3, 5]);
        assert_eq!(seq_values(10i64, 1, -3), [10, 7, 4, 1]);
        assert_eq!(seq_values(-1i64, -5, -1), [-1, -2, -3, -4, -5]);
        assert_eq!(seq_values(3i64, 3, 1), [3]);
        assert_eq!(seq_values(3i64, 3, -1), [3]);
        assert_eq!(seq_values(-100i8, 100, 100), [-100, 0, 100]);
        assert_eq!(
            seq_values(i64::MAX - 2, i64::MAX, 1),
            [i64::MAX - 2, i64::MAX - 1, i64::MAX]
        );
        assert_eq!(seq_values(0u8, 255, 85), [0, 85, 170, 255]);
    }

    #[test]
    fn steps_away_from_the_end_give_no_rows() {
        let empty = seq_typed(1i64, 5, -1).unwrap();
        assert_eq!((empty.rows(), empty.cols()), (0, 1));
        assert_eq!(seq_typed(5.0, 1.0, 0.5).unwrap().rows(), 0);
        assert_eq!(seq_typed(5u32, 1, 1).unwrap().rows(), 0);
    }

    #[test]
    fn float_sequences_accumulate() {
        assert_eq!(seq_values(0.0, 1.0, 0.25), [0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(seq_values(1.0, 0.0, -0.5), [1.0, 0.5, 0.0]);
        assert_eq!(
            seq_values(0.0, 1.0, 0.3),
            [0.0, 0.3, 0.6, 0.8999999999999999]
        );
        let tenths = seq_values(0.0, 1.0, 0.1);
        assert_eq!(tenths.len(), 11);
        assert_eq!(tenths[10], 0.9999999999999999);
        assert_eq!(seq_values(0.5f32, 2.0, 0.5), [0.5, 1.0, 1.5, 2.0]);
    }

    #[test]
    fn overshooting_last_value_is_dropped() {
        // 0.1 * 3 accumulates to 0.30000000000000004 > 0.3, but only by 5.6e-17 (kept);
        // with a ceil-rounded count the sequence 0, 0.7, 1.4 ends 0.4 past 1.0 (dropped).
        assert_eq!(
            seq_values(0.0, 0.3, 0.1),
            [0.0, 0.1, 0.2, 0.30000000000000004]
        );
        assert_eq!(seq_values(0.0, 1.0, 0.7), [0.0, 0.7]);
        assert_eq!(seq_values(0.0, -1.0, -0.7), [0.0, -0.7]);
    }

    #[test]
    fn invalid_arguments() {
        assert!(
            seq_typed(1i64, 5, 0)
                .unwrap_err()
                .message()
                .contains("zero")
        );
        assert!(seq_typed(f64::NAN, 5.0, 1.0).is_err());
        assert!(seq_typed(1.0, 5.0, f64::NAN).is_err());
        assert!(seq_typed(0.0, f64::INFINITY, 1.0).is_err());
        assert!(seq_typed(i64::MIN, i64::MAX, 1).is_err());
        assert!(
            seq(
                ValueType::STR,
                ScalarRef::Int(1),
                ScalarRef::Int(2),
                ScalarRef::Int(1)
            )
            .is_err()
        );
    }

    #[test]
    fn typed_entry_points_convert_their_arguments() {
        let m = seq(
            ValueType::F64,
            ScalarRef::Int(1),
            ScalarRef::Int(2),
            ScalarRef::Float(0.5),
        )
        .unwrap();
        assert_eq!(m.dense::<f64>().unwrap().to_vec(), [1.0, 1.5, 2.0]);
        let f = fill(ValueType::STR, ScalarRef::Float(1.5), 1, 2).unwrap();
        assert_eq!(
            f.dense::<String>().unwrap().to_vec(),
            ["1.500000", "1.500000"]
        );
        let b = fill(ValueType::BOOL, ScalarRef::Int(7), 2, 1).unwrap();
        assert_eq!(b.dense::<bool>().unwrap().to_vec(), [true, true]);
        assert!(fill(ValueType::SI64, ScalarRef::Str("x"), 1, 1).is_err());
    }
}
