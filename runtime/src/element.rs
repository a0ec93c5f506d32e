//! [`Element`]: what every cell type of a matrix can do, and conversions between value types.
//!
//! Conversions follow C++ `static_cast` as DAPHNE uses it: integer narrowing wraps, float to
//! integer truncates toward zero (saturating at the bounds, where C++ is undefined), anything to
//! `bool` is `!= 0`, numbers become strings through `std::to_string`, and strings become numbers
//! through `std::stoll` & co (see [`crate::convert`]). Every conversion goes through
//! [`ScalarRef`], the widest lossless form of a value of its kind, so that a value converts to any
//! of the ten types with one cast (a `u32` reaches `f32` via `u64`, which rounds only once).

use std::fmt::Write as _;

use crate::convert;
use crate::dense::DenseMatrix;
use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::print;
use crate::value_type::ValueType;

/// A borrowed scalar in the widest lossless form of its kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScalarRef<'a> {
    /// A signed integer (si8, si32, si64).
    Int(i64),
    /// An unsigned integer (ui8, ui32, ui64).
    UInt(u64),
    /// A floating-point value (f32 is widened exactly).
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(&'a str),
}

impl ScalarRef<'_> {
    /// The value type of the carrier: si64, ui64, f64, bool or str.
    pub fn value_type(&self) -> ValueType {
        match self {
            ScalarRef::Int(_) => ValueType::SI64,
            ScalarRef::UInt(_) => ValueType::UI64,
            ScalarRef::Float(_) => ValueType::F64,
            ScalarRef::Bool(_) => ValueType::BOOL,
            ScalarRef::Str(_) => ValueType::STR,
        }
    }
}

/// A type that can be stored in a [`DenseMatrix`] and wrapped into a [`Matrix`].
pub trait Element: Clone + Default + PartialOrd + Send + Sync + 'static {
    /// The value type this Rust type implements.
    const VT: ValueType;

    /// Wraps a typed matrix into the type-erased [`Matrix`].
    fn into_matrix(matrix: DenseMatrix<Self>) -> Matrix;

    /// The typed matrix inside `matrix`, if it has this value type.
    fn dense_of(matrix: &Matrix) -> Option<&DenseMatrix<Self>>;

    /// This value in its widest lossless form.
    fn as_scalar_ref(&self) -> ScalarRef<'_>;

    /// Converts a value of any type into this type (only strings can fail to convert).
    fn from_scalar_ref(value: ScalarRef<'_>) -> RtResult<Self>;

    /// Appends the value as DAPHNE prints it (`%g` floats, int8 as a number, bools as 0/1).
    fn push_printed(&self, out: &mut String);

    /// Converts this value to another value type.
    fn cast<U: Element>(&self) -> RtResult<U> {
        U::from_scalar_ref(self.as_scalar_ref())
    }
}

/// Implements the type-tag half of [`Element`] (`VT`, `into_matrix`, `dense_of`).
macro_rules! element_tag {
    ($variant:ident) => {
        const VT: ValueType = ValueType::$variant;

        fn into_matrix(matrix: DenseMatrix<Self>) -> Matrix {
            Matrix::$variant(matrix)
        }

        fn dense_of(matrix: &Matrix) -> Option<&DenseMatrix<Self>> {
            match matrix {
                Matrix::$variant(dense) => Some(dense),
                _ => None,
            }
        }
    };
}

/// Implements [`Element`] for an integer type; `$wide` is the [`ScalarRef`] variant of its kind
/// and `$parse` the `std::stoll`/`stoull` equivalent used for strings.
macro_rules! int_element {
    ($t:ty, $variant:ident, $wide:ident, $wide_ty:ty, $parse:path) => {
        impl Element for $t {
            element_tag!($variant);

            fn as_scalar_ref(&self) -> ScalarRef<'_> {
                ScalarRef::$wide(<$wide_ty>::from(*self))
            }

            fn from_scalar_ref(value: ScalarRef<'_>) -> RtResult<Self> {
                Ok(match value {
                    ScalarRef::Int(v) => v as $t,
                    ScalarRef::UInt(v) => v as $t,
                    ScalarRef::Float(v) => v as $t,
                    ScalarRef::Bool(v) => <$t>::from(v),
                    ScalarRef::Str(text) => $parse(text)? as $t,
                })
            }

            fn push_printed(&self, out: &mut String) {
                // Writing into a `String` cannot fail.
                let _ = write!(out, "{self}");
            }
        }
    };
}

int_element!(i64, SI64, Int, i64, convert::parse_i64);
int_element!(i32, SI32, Int, i64, convert::parse_i64);
int_element!(i8, SI8, Int, i64, convert::parse_i64);
int_element!(u64, UI64, UInt, u64, convert::parse_u64);
int_element!(u32, UI32, UInt, u64, convert::parse_u64);
int_element!(u8, UI8, UInt, u64, convert::parse_u64);

/// Implements [`Element`] for a floating-point type; `$parse` is `std::stod`/`stof`.
macro_rules! float_element {
    ($t:ty, $variant:ident, $parse:path) => {
        impl Element for $t {
            element_tag!($variant);

            fn as_scalar_ref(&self) -> ScalarRef<'_> {
                ScalarRef::Float(f64::from(*self))
            }

            fn from_scalar_ref(value: ScalarRef<'_>) -> RtResult<Self> {
                Ok(match value {
                    ScalarRef::Int(v) => v as $t,
                    ScalarRef::UInt(v) => v as $t,
                    ScalarRef::Float(v) => v as $t,
                    ScalarRef::Bool(v) => <$t>::from(u8::from(v)),
                    ScalarRef::Str(text) => $parse(text)?,
                })
            }

            fn push_printed(&self, out: &mut String) {
                // C++ streams print a float through its double value.
                print::push_g(out, f64::from(*self));
            }
        }
    };
}

float_element!(f64, F64, convert::parse_f64);
float_element!(f32, F32, convert::parse_f32);

impl Element for bool {
    element_tag!(BOOL);

    fn as_scalar_ref(&self) -> ScalarRef<'_> {
        ScalarRef::Bool(*self)
    }

    fn from_scalar_ref(value: ScalarRef<'_>) -> RtResult<Self> {
        Ok(match value {
            ScalarRef::Int(v) => v != 0,
            ScalarRef::UInt(v) => v != 0,
            // NaN is "true" in C++, as it compares unequal to zero.
            ScalarRef::Float(v) => v != 0.0,
            ScalarRef::Bool(v) => v,
            // C++ parses a string for `bool` (an unsigned integral type) with `std::stoull`.
            ScalarRef::Str(text) => convert::parse_u64(text)? != 0,
        })
    }

    fn push_printed(&self, out: &mut String) {
        out.push(if *self { '1' } else { '0' });
    }
}

impl Element for String {
    element_tag!(STR);

    fn as_scalar_ref(&self) -> ScalarRef<'_> {
        ScalarRef::Str(self)
    }

    fn from_scalar_ref(value: ScalarRef<'_>) -> RtResult<Self> {
        Ok(match value {
            ScalarRef::Int(v) => v.to_string(),
            ScalarRef::UInt(v) => v.to_string(),
            ScalarRef::Float(v) => convert::float_to_string(v),
            ScalarRef::Bool(v) => u8::from(v).to_string(),
            ScalarRef::Str(text) => text.to_owned(),
        })
    }

    fn push_printed(&self, out: &mut String) {
        out.push_str(self);
    }
}

/// Evaluates `$body` with the type alias `$T` bound to the Rust type of the numeric value type
/// `$vt` (bool included); evaluates `$str_body` for [`ValueType::STR`].
macro_rules! with_numeric_type {
    ($vt:expr, $T:ident => $body:expr, STR => $str_body:expr) => {
        match $vt {
            $crate::value_type::ValueType::F64 => {
                type $T = f64;
                $body
            }
            $crate::value_type::ValueType::F32 => {
                type $T = f32;
                $body
            }
            $crate::value_type::ValueType::SI64 => {
                type $T = i64;
                $body
            }
            $crate::value_type::ValueType::SI32 => {
                type $T = i32;
                $body
            }
            $crate::value_type::ValueType::SI8 => {
                type $T = i8;
                $body
            }
            $crate::value_type::ValueType::UI64 => {
                type $T = u64;
                $body
            }
            $crate::value_type::ValueType::UI32 => {
                type $T = u32;
                $body
            }
            $crate::value_type::ValueType::UI8 => {
                type $T = u8;
                $body
            }
            $crate::value_type::ValueType::BOOL => {
                type $T = bool;
                $body
            }
            $crate::value_type::ValueType::STR => $str_body,
        }
    };
}

/// Evaluates `$body` with the type alias `$T` bound to the Rust type of any value type `$vt`.
macro_rules! with_element_type {
    ($vt:expr, $T:ident => $body:expr) => {
        with_numeric_type!($vt, $T => $body, STR => {
            type $T = String;
            $body
        })
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cast<T: Element, U: Element>(value: T) -> U {
        value.cast::<U>().unwrap()
    }

    #[test]
    fn numeric_casts_follow_static_cast() {
        assert_eq!(cast::<f64, i64>(-2.9), -2);
        assert_eq!(cast::<f64, u8>(300.7), 255);
        assert_eq!(cast::<i64, i8>(300), 44);
        assert_eq!(cast::<i32, u64>(-1), u64::MAX);
        assert_eq!(cast::<u64, f32>(16_777_217), 16_777_216.0);
        assert_eq!(cast::<f64, f32>(0.1), 0.1f32);
        assert!(cast::<f64, bool>(f64::NAN));
        assert!(!cast::<f64, bool>(-0.0));
        assert_eq!(cast::<bool, f64>(true), 1.0);
        assert_eq!(cast::<bool, i8>(true), 1);
    }

    #[test]
    fn string_casts_follow_to_string_and_stoll() {
        assert_eq!(cast::<f64, String>(2.5), "2.500000");
        assert_eq!(cast::<f32, String>(0.1), "0.100000");
        assert_eq!(cast::<i8, String>(-5), "-5");
        assert_eq!(cast::<bool, String>(true), "1");
        assert_eq!(cast::<String, i32>("12abc".into()), 12);
        assert_eq!(cast::<String, f64>(" 1.25".into()), 1.25);
        assert!(cast::<String, bool>("2".into()));
        assert!("abc".to_owned().cast::<f64>().is_err());
    }

    #[test]
    fn printed_forms() {
        let mut out = String::new();
        (-5i8).push_printed(&mut out);
        out.push(' ');
        200u8.push_printed(&mut out);
        out.push(' ');
        true.push_printed(&mut out);
        out.push(' ');
        1e6f64.push_printed(&mut out);
        out.push(' ');
        0.1f32.push_printed(&mut out);
        out.push(' ');
        "raw text".to_owned().push_printed(&mut out);
        assert_eq!(out, "-5 200 1 1e+06 0.1 raw text");
    }
}
