//! `print(x, newline, toStderr)` for scalars, strings and matrices.

use std::ffi::c_char;
use std::io;

use super::{borrow_object, borrow_str, ffi_guard};
use crate::error::{RtResult, RuntimeError};
use crate::object::Object;
use crate::output::{self, Stream};
use crate::print;

/// Prints a signed integer or bool carrier (bools arrive as 1/0).
#[unsafe(no_mangle)]
pub extern "C" fn daphne_print_i64(value: i64, newline: bool, to_stderr: bool) {
    ffi_guard(|| print_text(&value.to_string(), newline, to_stderr))
}

/// Prints an unsigned integer carrier.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_print_u64(value: u64, newline: bool, to_stderr: bool) {
    ffi_guard(|| print_text(&value.to_string(), newline, to_stderr))
}

/// Prints a floating-point carrier like C++ `std::cout << value` (f32 values print the same).
#[unsafe(no_mangle)]
pub extern "C" fn daphne_print_f64(value: f64, newline: bool, to_stderr: bool) {
    ffi_guard(|| print_text(&print::format_g(value), newline, to_stderr))
}

/// Prints a string as is.
///
/// # Safety
/// `text` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_print_str(text: *const c_char, newline: bool, to_stderr: bool) {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let text = unsafe { borrow_str(text) }?;
        print_text(&text, newline, to_stderr)
    })
}

/// Prints any data object (dense or CSR matrix, frame, list) in DAPHNE's layout; like DAPHNE,
/// `newline` is ignored for data objects.
///
/// # Safety
/// `object` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_print_matrix(object: *mut Object, _newline: bool, to_stderr: bool) {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let object = unsafe { borrow_object(object) }?;
        output::write_to(Stream::select(to_stderr), |out| {
            print::write_object(out, object)
        })
        .map_err(write_error)
    })
}

fn print_text(text: &str, newline: bool, to_stderr: bool) -> RtResult<()> {
    output::write_to(Stream::select(to_stderr), |out| {
        out.write_all(text.as_bytes())?;
        if newline {
            out.write_all(b"\n")?;
        }
        Ok(())
    })
    .map_err(write_error)
}

fn write_error(error: io::Error) -> RuntimeError {
    RuntimeError::new(format!("cannot write the output: {error}"))
}
