//! Conversions between strings and numbers with C++ semantics.
//!
//! DAPHNE casts a string to a number with `std::stoll` / `std::stoull` / `std::stold` /
//! `std::stof` and a number to a string with `std::to_string`. Those functions read the longest
//! valid prefix after leading white space and ignore the rest (`"12abc"` is 12), fail when no
//! digit is found, and print floating-point values with `%f` (six decimals). This module
//! reimplements exactly that; numeric-to-numeric conversions live in [`crate::element`].

use crate::error::{RtResult, RuntimeError};

/// Parses a signed integer like `std::stoll` (base 10).
pub fn parse_i64(text: &str) -> RtResult<i64> {
    let (negative, digits) = integer_prefix(text, "int64_t")?;
    let magnitude: u128 = digits.parse().map_err(|_| out_of_range(text, "int64_t"))?;
    let value = if negative {
        -(magnitude as i128)
    } else {
        magnitude as i128
    };
    i64::try_from(value).map_err(|_| out_of_range(text, "int64_t"))
}

/// Parses an unsigned integer like `std::stoull` (base 10; a leading `-` negates modulo 2^64).
pub fn parse_u64(text: &str) -> RtResult<u64> {
    let (negative, digits) = integer_prefix(text, "uint64_t")?;
    let magnitude: u64 = digits.parse().map_err(|_| out_of_range(text, "uint64_t"))?;
    Ok(if negative {
        magnitude.wrapping_neg()
    } else {
        magnitude
    })
}

/// Parses a double like `std::stod`: decimal notation, `inf`/`infinity` and `nan`, any case.
pub fn parse_f64(text: &str) -> RtResult<f64> {
    let prefix = float_prefix(text).ok_or_else(|| not_a_number(text, "double"))?;
    let value: f64 = prefix.parse().map_err(|_| not_a_number(text, "double"))?;
    check_float_range(value, prefix, text, "double")
}

/// Parses a float like `std::stof` (rounded once, directly to `f32`).
pub fn parse_f32(text: &str) -> RtResult<f32> {
    let prefix = float_prefix(text).ok_or_else(|| not_a_number(text, "float"))?;
    let value: f32 = prefix.parse().map_err(|_| not_a_number(text, "float"))?;
    check_float_range(value, prefix, text, "float")
}

/// Formats a floating-point value like C++ `std::to_string(double)`, i.e. `printf("%f")`:
/// six decimals, `inf`/`-inf`, and `nan`/`-nan` by the sign bit.
pub fn float_to_string(value: f64) -> String {
    if value.is_nan() {
        return if value.is_sign_negative() {
            "-nan"
        } else {
            "nan"
        }
        .to_owned();
    }
    if value.is_infinite() {
        return if value < 0.0 { "-inf" } else { "inf" }.to_owned();
    }
    // Rust's fixed-precision formatting is exact and rounds ties to even, as glibc does.
    format!("{value:.6}")
}

/// Skips C `isspace` characters.
fn skip_c_space(text: &str) -> &str {
    text.trim_start_matches([' ', '\t', '\n', '\u{b}', '\u{c}', '\r'])
}

/// Splits `[space][sign]digits…` into the sign and the digit run; no digit is an error.
fn integer_prefix<'a>(text: &'a str, type_name: &str) -> RtResult<(bool, &'a str)> {
    let rest = skip_c_space(text);
    let (negative, rest) = match rest.as_bytes().first() {
        Some(b'-') => (true, &rest[1..]),
        Some(b'+') => (false, &rest[1..]),
        _ => (false, rest),
    };
    let n_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if n_digits == 0 {
        return Err(not_a_number(text, type_name));
    }
    Ok((negative, &rest[..n_digits]))
}

/// The longest prefix (after white space) that `strtod` would read, in a form Rust can parse.
fn float_prefix(text: &str) -> Option<&str> {
    let start = skip_c_space(text);
    let bytes = start.as_bytes();
    let mut pos = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let after_sign = &start[pos..];
    for word in ["infinity", "inf", "nan"] {
        if after_sign.len() >= word.len() && after_sign[..word.len()].eq_ignore_ascii_case(word) {
            return Some(&start[..pos + word.len()]);
        }
    }
    let count_digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let int_digits = count_digits(pos);
    pos += int_digits;
    let mut frac_digits = 0;
    if bytes.get(pos) == Some(&b'.') {
        frac_digits = count_digits(pos + 1);
        if int_digits + frac_digits > 0 {
            pos += 1 + frac_digits;
        }
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if matches!(bytes.get(pos), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(pos + 1), Some(b'+' | b'-')));
        let exp_digits = count_digits(pos + 1 + sign);
        if exp_digits > 0 {
            pos += 1 + sign + exp_digits;
        }
    }
    Some(&start[..pos])
}

/// `std::stod` reports overflow to infinity as an out-of-range error.
fn check_float_range<F: Copy + Into<f64>>(
    value: F,
    prefix: &str,
    text: &str,
    type_name: &str,
) -> RtResult<F> {
    let is_inf_literal = prefix
        .trim_start_matches(['+', '-'])
        .starts_with(['i', 'I']);
    if value.into().is_infinite() && !is_inf_literal {
        return Err(out_of_range(text, type_name));
    }
    Ok(value)
}

fn not_a_number(text: &str, type_name: &str) -> RuntimeError {
    RuntimeError::new(format!(
        "cannot convert string \"{text}\" to {type_name}: not a number"
    ))
}

fn out_of_range(text: &str, type_name: &str) -> RuntimeError {
    RuntimeError::new(format!(
        "cannot convert string \"{text}\" to {type_name}: value out of range"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_the_longest_prefix() {
        assert_eq!(parse_i64("42"), Ok(42));
        assert_eq!(parse_i64("  -17xyz"), Ok(-17));
        assert_eq!(parse_i64("+5"), Ok(5));
        assert_eq!(parse_i64("12.9"), Ok(12));
        assert_eq!(parse_i64("-9223372036854775808"), Ok(i64::MIN));
        assert!(parse_i64("9223372036854775808").is_err());
        assert!(parse_i64("abc").is_err());
        assert!(parse_i64("").is_err());
        assert!(parse_i64("-").is_err());
        assert_eq!(parse_u64("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_u64("-1"), Ok(u64::MAX));
        assert!(parse_u64("18446744073709551616").is_err());
    }

    #[test]
    fn floats_read_the_longest_prefix() {
        assert_eq!(parse_f64("1.5"), Ok(1.5));
        assert_eq!(parse_f64(" -2.5e3abc"), Ok(-2500.0));
        assert_eq!(parse_f64("1e"), Ok(1.0));
        assert_eq!(parse_f64("1e+"), Ok(1.0));
        assert_eq!(parse_f64(".5"), Ok(0.5));
        assert_eq!(parse_f64("7."), Ok(7.0));
        assert_eq!(parse_f64("-inf"), Ok(f64::NEG_INFINITY));
        assert_eq!(parse_f64("Infinity"), Ok(f64::INFINITY));
        assert!(parse_f64("nan").unwrap().is_nan());
        assert!(parse_f64(".").is_err());
        assert!(parse_f64("x1").is_err());
        assert!(parse_f64("1e999").is_err());
        assert_eq!(parse_f32("0.1"), Ok(0.1f32));
        assert!(parse_f32("1e39").is_err());
    }

    #[test]
    fn to_string_uses_six_decimals() {
        assert_eq!(float_to_string(2.5), "2.500000");
        assert_eq!(float_to_string(-0.0), "-0.000000");
        assert_eq!(float_to_string(0.0078125), "0.007812");
        assert_eq!(float_to_string(1e20), "100000000000000000000.000000");
        assert_eq!(float_to_string(f64::INFINITY), "inf");
        assert_eq!(float_to_string(f64::NEG_INFINITY), "-inf");
        assert_eq!(float_to_string(f64::NAN), "nan");
        assert_eq!(float_to_string(-f64::NAN), "-nan");
    }
}
