//! Aggregations: full (a scalar in the carrier of the result type), per row and per column.

use super::{borrow_object, ffi_guard, new_handle};
use crate::element::Element;
use crate::kernels::aggregation::{self, AggOp, Axis};
use crate::kernels::sparse;
use crate::object::Object;
use crate::value_type::ValueType;

/// Aggregates all cells; for a result type carried as `i64` (signed integers, bool). The result
/// value type is [`AggOp::full_result_type`] of the argument's.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_agg_all_i64(op: i32, arg: *mut Object) -> i64 {
    // SAFETY: forwarded from this function's contract.
    unsafe { agg_all(op, arg) }
}

/// Aggregates all cells; for a result type carried as `u64` (unsigned integers).
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_agg_all_u64(op: i32, arg: *mut Object) -> u64 {
    // SAFETY: forwarded from this function's contract.
    unsafe { agg_all(op, arg) }
}

/// Aggregates all cells; for a result type carried as `f64` (f64, f32).
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_agg_all_f64(op: i32, arg: *mut Object) -> f64 {
    // SAFETY: forwarded from this function's contract.
    unsafe { agg_all(op, arg) }
}

/// One aggregate per row (an n×1 matrix), computed in `res_vt`.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_agg_row(op: i32, res_vt: i32, arg: *mut Object) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { agg_axis(op, Axis::Rows, res_vt, arg) }
}

/// One aggregate per column (a 1×m matrix), computed in `res_vt`.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_agg_col(op: i32, res_vt: i32, arg: *mut Object) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { agg_axis(op, Axis::Cols, res_vt, arg) }
}

/// # Safety
/// `arg` is null or a live handle from this runtime.
unsafe fn agg_all<C: Element>(op: i32, arg: *mut Object) -> C {
    ffi_guard(|| {
        let op = AggOp::decode(op)?;
        // SAFETY: forwarded from the caller's contract.
        let arg = unsafe { borrow_object(arg) }?;
        match sparse::agg_all(op, arg)? {
            Some(result) => Ok(result),
            None => aggregation::agg_all(op, arg.as_matrix()?),
        }
    })
}

/// # Safety
/// `arg` is null or a live handle from this runtime.
unsafe fn agg_axis(op: i32, axis: Axis, res_vt: i32, arg: *mut Object) -> *mut Object {
    ffi_guard(|| {
        let (op, res_vt) = (AggOp::decode(op)?, ValueType::decode(res_vt)?);
        // SAFETY: forwarded from the caller's contract.
        let arg = unsafe { borrow_object(arg) }?;
        match sparse::agg_axis(op, axis, res_vt, arg)? {
            Some(result) => Ok(new_handle(result)),
            None => aggregation::agg_axis(op, axis, res_vt, arg.as_matrix()?).map(new_handle),
        }
    })
}
