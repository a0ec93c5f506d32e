//! Start-up, shutdown, flushing, and errors raised by compiled code.

use std::ffi::c_char;

use super::{borrow_str, fail, ffi_guard};
use crate::error::RuntimeError;
use crate::output;

/// Prepares the runtime; call once before anything else.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_runtime_init() {
    ffi_guard(|| {
        output::init();
        Ok(())
    })
}

/// Finishes a run: flushes buffered output. Call once at the end of a program.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_runtime_finish() {
    daphne_flush()
}

/// Flushes buffered standard output and standard error.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_flush() {
    ffi_guard(|| {
        output::flush()
            .map_err(|error| RuntimeError::new(format!("cannot flush the output: {error}")))
    })
}

/// DaphneDSL `stop(message)`: reports `Execution error: system stopped: <message>` and exits
/// with status 3.
///
/// # Safety
/// `message` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_stop(message: *const c_char) -> ! {
    // SAFETY: forwarded from this function's contract.
    let message = ffi_guard(|| unsafe { borrow_str(message) }.map(|text| text.into_owned()));
    fail(&format!("system stopped: {message}"))
}

/// A run-time error detected by compiled code (e.g. a failed check): reports
/// `Execution error: <message>` and exits with status 3.
///
/// # Safety
/// `message` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_fail(message: *const c_char) -> ! {
    // SAFETY: forwarded from this function's contract.
    let message = ffi_guard(|| unsafe { borrow_str(message) }.map(|text| text.into_owned()));
    fail(&message)
}
