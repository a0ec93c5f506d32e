//! [`Numeric`]: C++ arithmetic on the nine numeric value types (`bool` included).
//!
//! DAPHNE computes an elementwise operation in the result value type with the C++ operators:
//! integer arithmetic wraps (two's complement in practice), integer `/` truncates, `%` keeps the
//! dividend's sign, `pow`, `log` and the math functions of integers go through `double` and are
//! cast back, and `f32` uses the single-precision libm functions. Integer division or modulo by
//! zero is undefined in C++; kernels reject it as a run-time error before computing (see
//! [`Numeric::is_zero_divisor`]), so every operation here is total and never panics. `bool`
//! arithmetic is C++'s: the operands promote to `int` and the result is `!= 0`.

use crate::element::Element;

/// Arithmetic with C++ semantics for one numeric value type.
pub trait Numeric: Element + Copy {
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;
    /// The identity of `min`: `+inf` for floats, the largest value for integers.
    const MIN_IDENTITY: Self;
    /// The identity of `max`: `-inf` for floats, the lowest value for integers.
    const MAX_IDENTITY: Self;
    /// Whether this is `f32` or `f64`.
    const IS_FLOAT: bool;

    /// `self + rhs`.
    fn add(self, rhs: Self) -> Self;
    /// `self - rhs`.
    fn sub(self, rhs: Self) -> Self;
    /// `self * rhs`.
    fn mul(self, rhs: Self) -> Self;
    /// `self / rhs`; integer division truncates (an integer divided by zero gives 0: callers
    /// reject zero divisors first).
    fn div(self, rhs: Self) -> Self;
    /// `fmod(self, rhs)`: the remainder with the dividend's sign (0 for an integer divisor 0).
    fn rem(self, rhs: Self) -> Self;
    /// `self / count` with the count as C++ `size_t`, e.g. a sum divided by its number of cells
    /// (0 for integers and `count` 0: callers reject that first).
    fn div_count(self, count: usize) -> Self;
    /// `pow(self, rhs)`.
    fn pow(self, rhs: Self) -> Self;
    /// `log(self) / log(base)`.
    fn log(self, base: Self) -> Self;
    /// `-self` (wrapping for integers).
    fn neg(self) -> Self;
    /// `|self|` (wrapping for the lowest signed integer).
    fn abs(self) -> Self;
    /// -1, 0 or 1 (NaN for NaN; both zeros give +0).
    fn sign(self) -> Self;
    /// Applies a libm function: `f32_fn` to `f32`, `f64_fn` to everything else (through `double`).
    fn libm(self, f64_fn: fn(f64) -> f64, f32_fn: fn(f32) -> f32) -> Self;
    /// Whether the value is NaN.
    fn is_nan(self) -> bool;
    /// 1 for `true`, 0 for `false`.
    fn from_bool(value: bool) -> Self;
    /// `self != 0` (NaN is true).
    fn is_true(self) -> bool;
    /// The value as a `double`.
    fn to_f64(self) -> f64;
    /// `static_cast` from `double`.
    fn from_f64(value: f64) -> Self;
    /// `static_cast` from `size_t` (e.g. the divisor of a mean).
    fn from_usize(value: usize) -> Self;

    /// Whether dividing by `self` is undefined in C++ (an integer zero); never for floats.
    #[inline]
    fn is_zero_divisor(self) -> bool {
        !Self::IS_FLOAT && self == Self::ZERO
    }

    /// `std::min(self, rhs)`: `rhs` only if `rhs < self`, so a NaN in `self` is kept.
    #[inline]
    fn min_of(self, rhs: Self) -> Self {
        if rhs < self { rhs } else { self }
    }

    /// `std::max(self, rhs)`: `rhs` only if `self < rhs`, so a NaN in `self` is kept.
    #[inline]
    fn max_of(self, rhs: Self) -> Self {
        if self < rhs { rhs } else { self }
    }
}

/// Implements [`Numeric`] for a float type; `$pick` chooses which of the two libm functions
/// passed to [`Numeric::libm`] applies to this type.
macro_rules! float_numeric {
    ($t:ty, pick: $pick:expr) => {
        impl Numeric for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const MIN_IDENTITY: Self = <$t>::INFINITY;
            const MAX_IDENTITY: Self = <$t>::NEG_INFINITY;
            const IS_FLOAT: bool = true;

            #[inline]
            fn add(self, rhs: Self) -> Self {
                self + rhs
            }
            #[inline]
            fn sub(self, rhs: Self) -> Self {
                self - rhs
            }
            #[inline]
            fn mul(self, rhs: Self) -> Self {
                self * rhs
            }
            #[inline]
            fn div(self, rhs: Self) -> Self {
                self / rhs
            }
            #[inline]
            fn rem(self, rhs: Self) -> Self {
                // Rust's float `%` is C's `fmod`.
                self % rhs
            }
            #[inline]
            fn div_count(self, count: usize) -> Self {
                self / count as $t
            }
            #[inline]
            fn pow(self, rhs: Self) -> Self {
                self.powf(rhs)
            }
            #[inline]
            fn log(self, base: Self) -> Self {
                self.ln() / base.ln()
            }
            #[inline]
            fn neg(self) -> Self {
                -self
            }
            #[inline]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline]
            fn sign(self) -> Self {
                if self == 0.0 {
                    0.0
                } else if self < 0.0 {
                    -1.0
                } else if self > 0.0 {
                    1.0
                } else {
                    <$t>::NAN
                }
            }
            #[inline]
            fn libm(self, f64_fn: fn(f64) -> f64, f32_fn: fn(f32) -> f32) -> Self {
                let pick: fn(fn(f64) -> f64, fn(f32) -> f32) -> fn(Self) -> Self = $pick;
                pick(f64_fn, f32_fn)(self)
            }
            #[inline]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            #[inline]
            fn from_bool(value: bool) -> Self {
                <$t>::from(u8::from(value))
            }
            #[inline]
            fn is_true(self) -> bool {
                self != 0.0
            }
            #[inline]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
            #[inline]
            fn from_f64(value: f64) -> Self {
                value as $t
            }
            #[inline]
            fn from_usize(value: usize) -> Self {
                value as $t
            }
        }
    };
}

float_numeric!(f64, pick: |double, _| double);
float_numeric!(f32, pick: |_, single| single);

/// Implements [`Numeric`] for an integer type; `$abs` and `$sign` differ between signed and
/// unsigned types.
macro_rules! int_numeric {
    ($t:ty, abs: $abs:expr, sign: $sign:expr) => {
        impl Numeric for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            const MIN_IDENTITY: Self = <$t>::MAX;
            const MAX_IDENTITY: Self = <$t>::MIN;
            const IS_FLOAT: bool = false;

            #[inline]
            fn add(self, rhs: Self) -> Self {
                self.wrapping_add(rhs)
            }
            #[inline]
            fn sub(self, rhs: Self) -> Self {
                self.wrapping_sub(rhs)
            }
            #[inline]
            fn mul(self, rhs: Self) -> Self {
                self.wrapping_mul(rhs)
            }
            #[inline]
            fn div(self, rhs: Self) -> Self {
                if rhs == 0 { 0 } else { self.wrapping_div(rhs) }
            }
            #[inline]
            fn rem(self, rhs: Self) -> Self {
                if rhs == 0 { 0 } else { self.wrapping_rem(rhs) }
            }
            #[inline]
            fn div_count(self, count: usize) -> Self {
                // Exact in i128 for every integer type and count; truncates toward zero.
                i128::from(self)
                    .checked_div(count as i128)
                    .map_or(0, |quotient| quotient as $t)
            }
            #[inline]
            fn pow(self, rhs: Self) -> Self {
                Self::from_f64(self.to_f64().powf(rhs.to_f64()))
            }
            #[inline]
            fn log(self, base: Self) -> Self {
                Self::from_f64(self.to_f64().ln() / base.to_f64().ln())
            }
            #[inline]
            fn neg(self) -> Self {
                self.wrapping_neg()
            }
            #[inline]
            fn abs(self) -> Self {
                let abs: fn(Self) -> Self = $abs;
                abs(self)
            }
            #[inline]
            fn sign(self) -> Self {
                let sign: fn(Self) -> Self = $sign;
                sign(self)
            }
            #[inline]
            fn libm(self, f64_fn: fn(f64) -> f64, _f32_fn: fn(f32) -> f32) -> Self {
                Self::from_f64(f64_fn(self.to_f64()))
            }
            #[inline]
            fn is_nan(self) -> bool {
                false
            }
            #[inline]
            fn from_bool(value: bool) -> Self {
                <$t>::from(value)
            }
            #[inline]
            fn is_true(self) -> bool {
                self != 0
            }
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline]
            fn from_f64(value: f64) -> Self {
                value as $t
            }
            #[inline]
            fn from_usize(value: usize) -> Self {
                value as $t
            }
        }
    };
}

int_numeric!(i64, abs: i64::wrapping_abs, sign: i64::signum);
int_numeric!(i32, abs: i32::wrapping_abs, sign: i32::signum);
int_numeric!(i8, abs: i8::wrapping_abs, sign: i8::signum);
int_numeric!(u64, abs: |v| v, sign: |v| u64::from(v > 0));
int_numeric!(u32, abs: |v| v, sign: |v| u32::from(v > 0));
int_numeric!(u8, abs: |v| v, sign: |v| u8::from(v > 0));

/// C++ `bool` arithmetic: operands promote to `int`, results convert back with `!= 0`.
impl Numeric for bool {
    const ZERO: Self = false;
    const ONE: Self = true;
    const MIN_IDENTITY: Self = true;
    const MAX_IDENTITY: Self = false;
    const IS_FLOAT: bool = false;

    #[inline]
    fn add(self, rhs: Self) -> Self {
        self | rhs
    }
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        self ^ rhs
    }
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        self & rhs
    }
    #[inline]
    fn div(self, rhs: Self) -> Self {
        self && rhs
    }
    #[inline]
    fn rem(self, _rhs: Self) -> Self {
        false
    }
    #[inline]
    fn div_count(self, count: usize) -> Self {
        self && count == 1
    }
    #[inline]
    fn pow(self, rhs: Self) -> Self {
        Self::from_f64(self.to_f64().powf(rhs.to_f64()))
    }
    #[inline]
    fn log(self, base: Self) -> Self {
        Self::from_f64(self.to_f64().ln() / base.to_f64().ln())
    }
    #[inline]
    fn neg(self) -> Self {
        self
    }
    #[inline]
    fn abs(self) -> Self {
        self
    }
    #[inline]
    fn sign(self) -> Self {
        self
    }
    #[inline]
    fn libm(self, f64_fn: fn(f64) -> f64, _f32_fn: fn(f32) -> f32) -> Self {
        Self::from_f64(f64_fn(self.to_f64()))
    }
    #[inline]
    fn is_nan(self) -> bool {
        false
    }
    #[inline]
    fn from_bool(value: bool) -> Self {
        value
    }
    #[inline]
    fn is_true(self) -> bool {
        self
    }
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(u8::from(self))
    }
    #[inline]
    fn from_f64(value: f64) -> Self {
        value != 0.0
    }
    #[inline]
    fn from_usize(value: usize) -> Self {
        value != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_semantics() {
        assert_eq!(Numeric::div(7i64, -2), -3);
        assert_eq!(Numeric::rem(-7i64, 3), -1);
        assert_eq!(Numeric::rem(7i32, -3), 1);
        assert!(0u8.is_zero_divisor() && !1i8.is_zero_divisor() && !0.0f64.is_zero_divisor());
        assert_eq!(Numeric::div(1u8, 0), 0);
        assert_eq!(Numeric::rem(1i8, 0), 0);
        assert_eq!(Numeric::div(i64::MIN, -1), i64::MIN);
        assert_eq!(Numeric::rem(i64::MIN, -1), 0);
        assert_eq!((-7i64).div_count(2), -3);
        assert_eq!(250u8.div_count(256), 0);
        assert_eq!(5i8.div_count(0), 0);
        assert_eq!(Numeric::pow(2i64, 10), 1024);
        assert_eq!(Numeric::pow(2i64, -1), 0);
        assert_eq!(Numeric::log(100i32, 10), 2);
        assert_eq!(127i8.add(1), -128);
        assert_eq!(0u32.sub(1), u32::MAX);
        assert_eq!(5u8.neg(), 251);
        assert_eq!(Numeric::abs(-5i32), 5);
        assert_eq!((-5i32).sign(), -1);
        assert_eq!(9u64.sign(), 1);
        assert_eq!(10i64.libm(f64::sqrt, f32::sqrt), 3);
    }

    #[test]
    fn float_semantics() {
        assert_eq!(Numeric::rem(7.5f64, 2.0), 1.5);
        assert_eq!(Numeric::rem(-7.5f64, 2.0), -1.5);
        assert_eq!(Numeric::div(1.0f64, 0.0), f64::INFINITY);
        assert!(0.0f64.div_count(0).is_nan());
        assert_eq!(7.0f32.div_count(2), 3.5);
        assert_eq!(Numeric::log(8.0f64, 2.0), 3.0);
        assert_eq!((-0.0f64).sign().to_bits(), 0.0f64.to_bits());
        assert_eq!((-3.0f32).sign(), -1.0);
        assert!(f64::NAN.sign().is_nan());
        assert_eq!(1.0f64.min_of(f64::NAN), 1.0);
        assert!(f64::NAN.min_of(1.0).is_nan());
        assert_eq!(1.0f64.max_of(f64::NAN), 1.0);
        assert_eq!(2.0f32.libm(f64::sqrt, f32::sqrt), 2.0f32.sqrt());
        assert!(f64::NAN.is_true());
    }

    #[test]
    fn bool_semantics() {
        assert!(true.add(true));
        assert!(!true.sub(true));
        assert!(Numeric::pow(false, false));
        assert!(!Numeric::pow(false, true));
        assert!(false.is_zero_divisor());
        assert!(true.div_count(1) && !true.div_count(2));
        assert_eq!(true.to_f64(), 1.0);
    }
}
