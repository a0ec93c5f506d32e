//! File I/O: `readMatrix`, `readFrame`, `write` (see [`crate::io`]).

use std::ffi::c_char;

use super::{borrow_object, borrow_str, ffi_guard, new_handle};
use crate::io;
use crate::object::Object;

/// `readMatrix(path)`: CSV (with `.meta`), `.dbdf` or `.mtx`; errors name the file.
///
/// # Safety
/// `path` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_read_matrix(path: *const c_char) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| io::read_matrix(&unsafe { borrow_str(path) }?).map(new_handle))
}

/// `readFrame(path)`: CSV with a `.meta` schema.
///
/// # Safety
/// `path` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_read_frame(path: *const c_char) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| io::read_frame(&unsafe { borrow_str(path) }?).map(new_handle))
}

/// `write(x, path)` for a matrix (CSV, `.dbdf`) or a frame (CSV), with its `.meta` file;
/// both are written atomically.
///
/// # Safety
/// `object` is null or a live handle; `path` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_write(object: *mut Object, path: *const c_char) {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (object, path) = unsafe { (borrow_object(object)?, borrow_str(path)?) };
        io::write(object, &path)
    })
}
