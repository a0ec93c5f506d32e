//! Start-up, shutdown, flushing, reference counting, the clock, and errors raised by compiled
//! code.

use std::ffi::{CString, c_char};

use super::{borrow_object, borrow_str, fail, ffi_guard, now_nanos};
use crate::error::RuntimeError;
use crate::object::Object;
use crate::output;

/// Prepares the runtime; call once before anything else. Reads the scheduler configuration
/// from the environment (`DAPHNE_SCHED_ARGS`, `DAPHNE_CST_TASK_SIZE`) unless the host program
/// configured it already; a bad value is reported once and ends the program with exit code 1.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_runtime_init() {
    init(Ok(""))
}

/// [`daphne_runtime_init`] with scheduler options baked in by `daphne build` (flags as in
/// `DAPHNE_SCHED_ARGS`, which overrides them).
///
/// # Safety
/// `sched_defaults` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_runtime_init_with(sched_defaults: *const c_char) {
    // SAFETY: forwarded from this function's contract.
    init(
        unsafe { borrow_str(sched_defaults) }
            .map(|s| s.into_owned())
            .as_deref()
            .map_err(|e| e.to_string()),
    )
}

fn init(sched_defaults: Result<&str, String>) {
    if let Err(error) =
        sched_defaults.and_then(|d| crate::sched::init_with_defaults(d).map_err(|e| e.to_string()))
    {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
    ffi_guard(|| {
        output::init();
        Ok(())
    })
}

/// Finishes a run: writes the scheduler trace (if one was requested) and flushes buffered
/// output. Call once at the end of a program.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_runtime_finish() {
    ffi_guard(crate::sched::trace::flush);
    daphne_flush();
    if let Some(table) = crate::stats::table() {
        eprint!("{table}");
    }
}

/// `--statistics`: the start time of a kernel call (pass it to [`daphne_stat_record`]).
#[unsafe(no_mangle)]
pub extern "C" fn daphne_stat_start() -> i64 {
    crate::stats::now()
}

/// `--statistics`: records a kernel call that began at `start`.
///
/// # Safety
/// `kernel` and `location` are NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_stat_record(
    kernel: *const c_char,
    location: *const c_char,
    start: i64,
) {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (kernel, location) = unsafe { (borrow_str(kernel)?, borrow_str(location)?) };
        crate::stats::record(&kernel, &location, start);
        Ok(())
    })
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

/// Adds a reference to a data object.
///
/// # Safety
/// `object` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_incref(object: *mut Object) {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| unsafe { borrow_object(object) }.map(Object::incref))
}

/// Drops a reference to a data object and frees it when it was the last; null is ignored.
///
/// # Safety
/// `object` is null or a live handle from this runtime; after its last reference is dropped
/// the handle must not be used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_decref(object: *mut Object) {
    ffi_guard(|| {
        // SAFETY: a non-null handle is live by this function's contract.
        if let Some(live) = unsafe { object.as_ref() }
            && live.decref()
        {
            // SAFETY: the handle came from `Box::into_raw` and this was its last reference.
            drop(unsafe { Box::from_raw(object) });
        }
        Ok(())
    })
}

/// Frees a string returned by the runtime; null is ignored.
///
/// # Safety
/// `text` is null or a string returned by a runtime function and not freed yet (never a
/// string literal of compiled code).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_free_str(text: *const c_char) {
    if !text.is_null() {
        // SAFETY: the runtime allocated it with `CString::into_raw` (this function's contract).
        drop(unsafe { CString::from_raw(text.cast_mut()) });
    }
}

/// `now()`: nanoseconds since the Unix epoch. DAPHNE's `Now` kernel reads
/// `std::chrono::high_resolution_clock`, which libstdc++ defines as the wall clock
/// (`system_clock`); differences of two calls measure elapsed time.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_now() -> i64 {
    now_nanos() as i64
}
