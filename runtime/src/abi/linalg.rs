//! Linear algebra: `@`, `syrk`, `gemv`, `solve`, `eigen`.

use super::{borrow_matrix, borrow_object, ffi_guard, new_handle};
use crate::kernels::{linalg, sparse};
use crate::object::Object;
use crate::value_type::ValueType;

/// `op(lhs) @ op(rhs)` with both operands converted to the numeric value type `res_vt`;
/// `op` transposes `lhs` when `transa` and `rhs` when `transb` (DAPHNE's MatMul flags).
///
/// # Safety
/// `lhs` and `rhs` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_matmul(
    lhs: *mut Object,
    rhs: *mut Object,
    transa: bool,
    transb: bool,
    res_vt: i32,
) -> *mut Object {
    ffi_guard(|| {
        if !transa && !transb {
            // SAFETY: forwarded from this function's contract.
            let (lhs, rhs) = unsafe { (borrow_object(lhs)?, borrow_object(rhs)?) };
            if let Some(result) = sparse::matmul(lhs, rhs, ValueType::decode(res_vt)?)? {
                return Ok(new_handle(result));
            }
        }
        // SAFETY: forwarded from this function's contract.
        let (lhs, rhs) = unsafe { (borrow_matrix(lhs)?, borrow_matrix(rhs)?) };
        linalg::matmul(lhs, transa, rhs, transb, ValueType::decode(res_vt)?).map(new_handle)
    })
}

/// `syrk(A)` = `t(A) @ A`, or `A @ t(A)` when `outer`, in `res_vt`.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_syrk(arg: *mut Object, outer: bool, res_vt: i32) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let arg = unsafe { borrow_matrix(arg) }?;
        linalg::syrk(arg, outer, ValueType::decode(res_vt)?).map(new_handle)
    })
}

/// `gemv(A, x)` = `t(A) @ x`, in `res_vt`.
///
/// # Safety
/// `a` and `x` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_gemv(a: *mut Object, x: *mut Object, res_vt: i32) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (a, x) = unsafe { (borrow_matrix(a)?, borrow_matrix(x)?) };
        linalg::gemv(a, x, ValueType::decode(res_vt)?).map(new_handle)
    })
}

/// `solve(A, b)`: f64 `x` with `A x = b` (LAPACK `dgesv`); singular `A` is an error.
///
/// # Safety
/// `a` and `b` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_solve(a: *mut Object, b: *mut Object) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (a, b) = unsafe { (borrow_matrix(a)?, borrow_matrix(b)?) };
        linalg::solve(a, b).map(new_handle)
    })
}

/// `values, vectors = eigen(A)` for a symmetric matrix (f64): the eigenvalues (n×1, ascending)
/// go to `*values`, the eigenvectors (n×n, by column) to `*vectors`.
///
/// # Safety
/// `arg` is null or a live handle from this runtime; `values` and `vectors` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_eigen(
    arg: *mut Object,
    values: *mut *mut Object,
    vectors: *mut *mut Object,
) {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let arg = unsafe { borrow_matrix(arg) }?;
        let (vals, vecs) = linalg::eigen(arg)?;
        // SAFETY: the out-pointers are writable by this function's contract.
        unsafe { super::write_results([(values, vals.into()), (vectors, vecs.into())]) }
    })
}
