//! Shape queries, `reshape`, `t`, value-type casts and reading single cells.

use std::ffi::c_char;

use super::{borrow_matrix, borrow_object, ffi_guard, leak_str, new_handle, to_index};
use crate::csr::CsrMatrix;
use crate::element::Element;
use crate::error::RtResult;
use crate::kernels::{reorganization, sparse};
use crate::object::{Data, Object};
use crate::value_type::ValueType;

/// `reshape(arg, rows, cols)`: the same cells in row-major order with a new shape.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_reshape(arg: *mut Object, rows: i64, cols: i64) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let sparse = matches!(unsafe { borrow_object(arg) }?.data(), Data::Csr(_));
        // SAFETY: as above.
        let arg = unsafe { borrow_matrix(arg) }?;
        let (rows, cols) = (
            to_index(rows, "number of rows")?,
            to_index(cols, "number of columns")?,
        );
        let reshaped = reorganization::reshape(arg, rows, cols)?;
        // A CSR matrix stays CSR, as in DAPHNE.
        if sparse {
            CsrMatrix::from_dense(&reshaped).map(new_handle)
        } else {
            Ok(new_handle(reshaped))
        }
    })
}

/// `t(arg)`.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_transpose(arg: *mut Object) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let arg = unsafe { borrow_object(arg) }?;
        match sparse::transpose(arg)? {
            Some(result) => Ok(new_handle(result)),
            None => reorganization::transpose(arg.as_matrix()?).map(new_handle),
        }
    })
}

/// `nrow(arg)` of a matrix or frame (of a list: its length).
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_nrow(arg: *mut Object) -> u64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| Ok(unsafe { borrow_object(arg) }?.rows() as u64))
}

/// `ncol(arg)` of a matrix or frame.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ncol(arg: *mut Object) -> u64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| Ok(unsafe { borrow_object(arg) }?.cols() as u64))
}

/// `as.matrix<vt>(arg)`: every cell converted to value type `vt`.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_cast_matrix(arg: *mut Object, vt: i32) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let arg = unsafe { borrow_matrix(arg) }?;
        arg.cast(ValueType::decode(vt)?).map(new_handle)
    })
}

/// The cell at (`row`, `col`) in the `i64` carrier; out of bounds is an error.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_matrix_get_i64(arg: *mut Object, row: i64, col: i64) -> i64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| unsafe { get(arg, row, col) })
}

/// The cell at (`row`, `col`) in the `u64` carrier; out of bounds is an error.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_matrix_get_u64(arg: *mut Object, row: i64, col: i64) -> u64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| unsafe { get(arg, row, col) })
}

/// The cell at (`row`, `col`) in the `f64` carrier; out of bounds is an error.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_matrix_get_f64(arg: *mut Object, row: i64, col: i64) -> f64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| unsafe { get(arg, row, col) })
}

/// The cell at (`row`, `col`) as a new string (numbers via `std::to_string`).
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_matrix_get_str(
    arg: *mut Object,
    row: i64,
    col: i64,
) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| leak_str(unsafe { get(arg, row, col) }?))
}

/// `as.scalar(arg)` in the `i64` carrier: `arg` must be 1×1.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_as_scalar_i64(arg: *mut Object) -> i64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| unsafe { borrow_matrix(arg) }?.as_scalar())
}

/// `as.scalar(arg)` in the `u64` carrier: `arg` must be 1×1.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_as_scalar_u64(arg: *mut Object) -> u64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| unsafe { borrow_matrix(arg) }?.as_scalar())
}

/// `as.scalar(arg)` in the `f64` carrier: `arg` must be 1×1.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_as_scalar_f64(arg: *mut Object) -> f64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| unsafe { borrow_matrix(arg) }?.as_scalar())
}

/// `as.scalar(arg)` as a new string: `arg` must be 1×1.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_as_scalar_str(arg: *mut Object) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| leak_str(unsafe { borrow_matrix(arg) }?.as_scalar()?))
}

/// # Safety
/// `arg` is null or a live handle from this runtime.
unsafe fn get<T: Element>(arg: *mut Object, row: i64, col: i64) -> RtResult<T> {
    // SAFETY: forwarded from the caller's contract.
    let arg = unsafe { borrow_matrix(arg) }?;
    arg.get(
        to_index(row, "row position")?,
        to_index(col, "column position")?,
    )
}
