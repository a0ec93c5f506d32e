//! String scalars: concatenation, comparison and conversions to and from numbers.

use std::ffi::c_char;

use super::{borrow_str, ffi_guard, leak_str};
use crate::convert;
use crate::kernels::ew_binary::BinaryOp;
use crate::kernels::strings;

/// `a + b` on strings, as a new string.
///
/// # Safety
/// `a` and `b` are null or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_str_concat(a: *const c_char, b: *const c_char) -> *const c_char {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (a, b) = unsafe { (borrow_str(a)?, borrow_str(b)?) };
        leak_str(strings::concat(&a, &b))
    })
}

/// `a op b` for a comparison `op` (`EQ NE LT LE GT GE` [`BinaryOp`] codes): 1 or 0.
///
/// # Safety
/// `a` and `b` are null or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_str_compare(op: i32, a: *const c_char, b: *const c_char) -> i64 {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (a, b) = unsafe { (borrow_str(a)?, borrow_str(b)?) };
        Ok(i64::from(strings::compare(BinaryOp::decode(op)?, &a, &b)?))
    })
}

/// `std::to_string` of a signed integer.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_i64_to_str(value: i64) -> *const c_char {
    ffi_guard(|| leak_str(value.to_string()))
}

/// `std::to_string` of an unsigned integer.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_u64_to_str(value: u64) -> *const c_char {
    ffi_guard(|| leak_str(value.to_string()))
}

/// `std::to_string` of a double or float: six decimals (`2.5` → `2.500000`).
#[unsafe(no_mangle)]
pub extern "C" fn daphne_f64_to_str(value: f64) -> *const c_char {
    ffi_guard(|| leak_str(convert::float_to_string(value)))
}

/// `std::to_string` of a bool: `1` or `0`.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_bool_to_str(value: bool) -> *const c_char {
    ffi_guard(|| leak_str(u8::from(value).to_string()))
}

/// A string parsed like `std::stod`; no number is an error.
///
/// # Safety
/// `text` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_str_to_f64(text: *const c_char) -> f64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| convert::parse_f64(&unsafe { borrow_str(text) }?))
}

/// A string parsed like `std::stoll`; no number is an error.
///
/// # Safety
/// `text` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_str_to_i64(text: *const c_char) -> i64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| convert::parse_i64(&unsafe { borrow_str(text) }?))
}

/// `upper(s)`: ASCII upper case, as a new string.
///
/// # Safety
/// `text` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_str_upper(text: *const c_char) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| leak_str(unsafe { borrow_str(text) }?.to_ascii_uppercase()))
}

/// `lower(s)`: ASCII lower case, as a new string.
///
/// # Safety
/// `text` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_str_lower(text: *const c_char) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| leak_str(unsafe { borrow_str(text) }?.to_ascii_lowercase()))
}
