//! Elementwise binary (matrix∘matrix, matrix∘scalar, scalar∘matrix) and unary operations.

use std::ffi::c_char;

use super::{borrow_matrix, borrow_object, borrow_str, ffi_guard, new_handle};
use crate::element::ScalarRef;
use crate::error::RtResult;
use crate::kernels::ew_binary::{self, BinaryOp};
use crate::kernels::ew_unary::{self, UnaryOp};
use crate::kernels::{generation, sparse};
use crate::matrix::Matrix;
use crate::object::Object;
use crate::value_type::ValueType;

/// `lhs op rhs` for two matrices, computed in `res_vt`, with DAPHNE's broadcasting.
///
/// # Safety
/// `lhs` and `rhs` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ew_binary_mm(
    op: i32,
    res_vt: i32,
    lhs: *mut Object,
    rhs: *mut Object,
) -> *mut Object {
    ffi_guard(|| {
        let (op, res_vt) = (BinaryOp::decode(op)?, ValueType::decode(res_vt)?);
        // SAFETY: forwarded from this function's contract.
        let (lhs, rhs) = unsafe { (borrow_object(lhs)?, borrow_object(rhs)?) };
        if let Some(result) = sparse::ew_binary(op, res_vt, lhs, rhs)? {
            return Ok(new_handle(result));
        }
        ew_binary::ew_binary(op, res_vt, lhs.as_matrix()?, rhs.as_matrix()?).map(new_handle)
    })
}

/// `matrix op scalar` with a signed integer or bool carrier.
///
/// # Safety
/// `lhs` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ew_binary_ms_i64(
    op: i32,
    res_vt: i32,
    lhs: *mut Object,
    rhs: i64,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { matrix_scalar(op, res_vt, lhs, ScalarRef::Int(rhs)) }
}

/// `matrix op scalar` with an unsigned integer carrier.
///
/// # Safety
/// `lhs` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ew_binary_ms_u64(
    op: i32,
    res_vt: i32,
    lhs: *mut Object,
    rhs: u64,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { matrix_scalar(op, res_vt, lhs, ScalarRef::UInt(rhs)) }
}

/// `matrix op scalar` with a floating-point carrier.
///
/// # Safety
/// `lhs` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ew_binary_ms_f64(
    op: i32,
    res_vt: i32,
    lhs: *mut Object,
    rhs: f64,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { matrix_scalar(op, res_vt, lhs, ScalarRef::Float(rhs)) }
}

/// `matrix op string`.
///
/// # Safety
/// `lhs` is null or a live handle from this runtime; `rhs` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ew_binary_ms_str(
    op: i32,
    res_vt: i32,
    lhs: *mut Object,
    rhs: *const c_char,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (lhs, rhs) = unsafe { (borrow_matrix(lhs)?, borrow_str(rhs)?) };
        let rhs = scalar_matrix(ScalarRef::Str(&rhs))?;
        ew_binary::ew_binary(BinaryOp::decode(op)?, ValueType::decode(res_vt)?, lhs, &rhs)
            .map(new_handle)
    })
}

/// `scalar op matrix` with a signed integer or bool carrier; the result has the matrix's shape.
///
/// # Safety
/// `rhs` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ew_binary_sm_i64(
    op: i32,
    res_vt: i32,
    lhs: i64,
    rhs: *mut Object,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { scalar_matrix_op(op, res_vt, ScalarRef::Int(lhs), rhs) }
}

/// `scalar op matrix` with an unsigned integer carrier.
///
/// # Safety
/// `rhs` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ew_binary_sm_u64(
    op: i32,
    res_vt: i32,
    lhs: u64,
    rhs: *mut Object,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { scalar_matrix_op(op, res_vt, ScalarRef::UInt(lhs), rhs) }
}

/// `scalar op matrix` with a floating-point carrier.
///
/// # Safety
/// `rhs` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ew_binary_sm_f64(
    op: i32,
    res_vt: i32,
    lhs: f64,
    rhs: *mut Object,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { scalar_matrix_op(op, res_vt, ScalarRef::Float(lhs), rhs) }
}

/// `string op matrix`.
///
/// # Safety
/// `lhs` is null or a NUL-terminated string; `rhs` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ew_binary_sm_str(
    op: i32,
    res_vt: i32,
    lhs: *const c_char,
    rhs: *mut Object,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (lhs, rhs) = unsafe { (borrow_str(lhs)?, borrow_matrix(rhs)?) };
        let lhs = scalar_matrix(ScalarRef::Str(&lhs))?;
        ew_binary::ew_binary_scalar_lhs(
            BinaryOp::decode(op)?,
            ValueType::decode(res_vt)?,
            &lhs,
            rhs,
        )
        .map(new_handle)
    })
}

/// `op(arg)` cell by cell, computed in `res_vt`.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ew_unary(op: i32, res_vt: i32, arg: *mut Object) -> *mut Object {
    ffi_guard(|| {
        let (op, res_vt) = (UnaryOp::decode(op)?, ValueType::decode(res_vt)?);
        // SAFETY: forwarded from this function's contract.
        let arg = unsafe { borrow_object(arg) }?;
        if let Some(result) = sparse::ew_unary(op, res_vt, arg)? {
            return Ok(new_handle(result));
        }
        ew_unary::ew_unary(op, res_vt, arg.as_matrix()?).map(new_handle)
    })
}

/// A scalar as a 1×1 matrix of its carrier's value type.
fn scalar_matrix(value: ScalarRef<'_>) -> RtResult<Matrix> {
    generation::fill(value.value_type(), value, 1, 1)
}

/// # Safety
/// `lhs` is null or a live handle from this runtime.
unsafe fn matrix_scalar(op: i32, res_vt: i32, lhs: *mut Object, rhs: ScalarRef<'_>) -> *mut Object {
    ffi_guard(|| {
        let (op, res_vt) = (BinaryOp::decode(op)?, ValueType::decode(res_vt)?);
        // SAFETY: forwarded from the caller's contract.
        let lhs = unsafe { borrow_object(lhs) }?;
        let rhs = scalar_matrix(rhs)?;
        if let Some(result) = sparse::ew_binary_scalar(op, res_vt, lhs, &rhs, false)? {
            return Ok(new_handle(result));
        }
        ew_binary::ew_binary(op, res_vt, lhs.as_matrix()?, &rhs).map(new_handle)
    })
}

/// # Safety
/// `rhs` is null or a live handle from this runtime.
unsafe fn scalar_matrix_op(
    op: i32,
    res_vt: i32,
    lhs: ScalarRef<'_>,
    rhs: *mut Object,
) -> *mut Object {
    ffi_guard(|| {
        let (op, res_vt) = (BinaryOp::decode(op)?, ValueType::decode(res_vt)?);
        // SAFETY: forwarded from the caller's contract.
        let rhs = unsafe { borrow_object(rhs) }?;
        let lhs = scalar_matrix(lhs)?;
        if let Some(result) = sparse::ew_binary_scalar(op, res_vt, rhs, &lhs, true)? {
            return Ok(new_handle(result));
        }
        ew_binary::ew_binary_scalar_lhs(op, res_vt, &lhs, rhs.as_matrix()?).map(new_handle)
    })
}
