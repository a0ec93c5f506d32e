//! Right indexing (`slice`, `extract`, `filter`) and copy-on-write left indexing (`insert`).
//!
//! Bounds are `[lo, hi)` with the conventions of [`crate::kernels::indexing::resolve_range`]:
//! negative values count from the end, `hi == i64::MAX` is the end, `hi == i64::MIN` selects
//! the single position `lo`.

use super::{borrow_matrix, borrow_object, ffi_guard, new_handle};
use crate::error::RtResult;
use crate::frame::Frame;
use crate::kernels::indexing::{self, Axis};
use crate::matrix::Matrix;
use crate::object::{Data, Object};

/// `X[lo:hi, ]` as a zero-copy view.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_slice_rows(arg: *mut Object, lo: i64, hi: i64) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        indexing::slice(unsafe { borrow_matrix(arg) }?, Axis::Rows, lo, hi).map(new_handle)
    })
}

/// `X[, lo:hi]` as a zero-copy view.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_slice_cols(arg: *mut Object, lo: i64, hi: i64) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        indexing::slice(unsafe { borrow_matrix(arg) }?, Axis::Cols, lo, hi).map(new_handle)
    })
}

/// `X[positions, ]`: `positions` is a numeric column vector (floats truncated, negatives
/// from the end, repeats and any order allowed).
///
/// # Safety
/// `arg` and `positions` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_extract_rows(
    arg: *mut Object,
    positions: *mut Object,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let positions = unsafe { borrow_matrix(positions) }?;
        // SAFETY: as above.
        rows_of(unsafe { borrow_object(arg) }?, |m| {
            indexing::extract(m, Axis::Rows, positions)
        })
    })
}

/// Applies a row selection to a matrix, or to every column of a frame (keeping its labels).
fn rows_of(arg: &Object, select: impl Fn(&Matrix) -> RtResult<Matrix>) -> RtResult<*mut Object> {
    match arg.data() {
        Data::Frame(frame) => {
            let columns = frame
                .columns()
                .iter()
                .map(&select)
                .collect::<RtResult<Vec<_>>>()?;
            Frame::new(columns, Some(frame.labels().to_vec())).map(new_handle)
        }
        _ => select(arg.as_matrix()?).map(new_handle),
    }
}

/// `X[, positions]` (see [`daphne_extract_rows`]).
///
/// # Safety
/// `arg` and `positions` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_extract_cols(
    arg: *mut Object,
    positions: *mut Object,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let positions = unsafe { borrow_matrix(positions) }?;
        // SAFETY: as above.
        match unsafe { borrow_object(arg) }?.data() {
            Data::Frame(frame) => {
                let picks = indexing::picks(Axis::Cols, frame.cols(), positions)?;
                crate::kernels::frame_ops::select_columns(frame, &picks).map(new_handle)
            }
            // SAFETY: as above.
            _ => indexing::extract(unsafe { borrow_matrix(arg) }?, Axis::Cols, positions)
                .map(new_handle),
        }
    })
}

/// `X[[bits, ]]`: the rows whose entry in the bit vector (one per row) is non-zero.
///
/// # Safety
/// `arg` and `bits` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_filter_rows(arg: *mut Object, bits: *mut Object) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let bits = unsafe { borrow_matrix(bits) }?;
        // SAFETY: as above.
        rows_of(unsafe { borrow_object(arg) }?, |m| {
            indexing::filter(m, Axis::Rows, bits)
        })
    })
}

/// `X[[, bits]]`: the columns whose entry in the bit vector (one per column) is non-zero.
///
/// # Safety
/// `arg` and `bits` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_filter_cols(arg: *mut Object, bits: *mut Object) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (arg, bits) = unsafe { (borrow_matrix(arg)?, borrow_matrix(bits)?) };
        indexing::filter(arg, Axis::Cols, bits).map(new_handle)
    })
}

/// `X[row_lo:row_hi, col_lo:col_hi] = value`: a new matrix (`arg` is not modified); `value`
/// must have exactly the selected shape and `arg`'s value type.
///
/// # Safety
/// `arg` and `value` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_insert(
    arg: *mut Object,
    value: *mut Object,
    row_lo: i64,
    row_hi: i64,
    col_lo: i64,
    col_hi: i64,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (arg, value) = unsafe { (borrow_matrix(arg)?, borrow_matrix(value)?) };
        indexing::insert(arg, value, (row_lo, row_hi), (col_lo, col_hi)).map(new_handle)
    })
}
