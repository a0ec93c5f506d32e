//! Calls into extension kernels (docs/kernel-abi.md). Compiled code brackets every call:
//! `daphne_ext_begin` → `daphne_ext_arg` per matrix argument → the kernel →
//! `daphne_ext_check` → `daphne_ext_result` per matrix result → `daphne_ext_end`.
//! The call state owns the argument views and the matrices the kernel allocated, so nothing
//! leaks when a kernel allocates more than it returns.

use std::ffi::{CStr, c_char, c_void};

use daphne_kernel::{ABI_VERSION, Context, DenseMatrix as View};

use super::{borrow_matrix, borrow_str, ffi_guard, new_handle};
use crate::dense::DenseMatrix;
use crate::error::{RtResult, RuntimeError};
use crate::matrix::Matrix;
use crate::object::Object;
use crate::value_type::ValueType;

/// One kernel call: the context the kernel sees (first, so the pointers coincide) and what the
/// runtime keeps alive until the call ends.
#[repr(C)]
struct Call {
    ctx: Context,
    error: Option<String>,
    /// Boxed: the kernel holds pointers to them while the vector grows.
    #[allow(clippy::vec_box)]
    args: Vec<Box<View>>,
    /// Matrices from `alloc_dense` not yet returned as results.
    allocated: Vec<(Box<View>, Matrix)>,
}

/// Recovers the call behind a context pointer.
///
/// # Safety
/// `ctx` is null or came from [`daphne_ext_begin`] and was not ended.
unsafe fn call<'a>(ctx: *mut Context) -> RtResult<&'a mut Call> {
    // SAFETY: `Call` is `repr(C)` with the context first; the caller guarantees liveness.
    unsafe { (ctx as *mut Call).as_mut() }.ok_or_else(|| RuntimeError::new("null kernel context"))
}

/// A kernel's view of `matrix`; `values` is writable only for matrices the call owns.
fn view(matrix: &Matrix) -> RtResult<View> {
    if matrix.value_type() == ValueType::STR {
        bail!("extension kernels cannot take string matrices");
    }
    let (values, row_skip) =
        dispatch_matrix!(matrix, dense => (dense.data_ptr() as *mut c_void, dense.row_stride()));
    Ok(View {
        value_type: matrix.value_type() as i32,
        num_rows: matrix.rows() as i64,
        num_cols: matrix.cols() as i64,
        row_skip: row_skip.max(matrix.cols()) as i64,
        values,
        handle: std::ptr::null_mut(),
    })
}

/// A zero-filled matrix for a kernel to write, and a pointer to its first cell that carries
/// write permission (taken before the cells move into the shared buffer, which keeps them in
/// place).
fn zeroed(vt: ValueType, rows: usize, cols: usize) -> RtResult<(Matrix, *mut c_void)> {
    with_numeric_type!(vt, T => {
        let mut cells: Vec<T> = crate::dense::alloc_cells(rows, cols)?;
        cells.resize(rows * cols, T::default());
        let first = cells.as_mut_ptr() as *mut c_void;
        Ok((Matrix::from(DenseMatrix::from_vec(rows, cols, cells)?), first))
    }, STR => bail!("extension kernels cannot allocate string matrices"))
}

unsafe extern "C" fn alloc_dense(
    ctx: *mut Context,
    value_type: i32,
    rows: i64,
    cols: i64,
) -> *mut View {
    // SAFETY: the kernel passes back the context it was given.
    let Ok(call) = (unsafe { call(ctx) }) else {
        return std::ptr::null_mut();
    };
    let made = ValueType::from_code(value_type)
        .ok_or_else(|| {
            RuntimeError::new(format!("alloc_dense: unknown value type code {value_type}"))
        })
        .and_then(|vt| {
            let (r, c) = (
                super::to_index(rows, "number of rows")?,
                super::to_index(cols, "number of columns")?,
            );
            let (matrix, values) = zeroed(vt, r, c)?;
            Ok((
                View {
                    values,
                    ..view(&matrix)?
                },
                matrix,
            ))
        });
    match made {
        Ok((v, matrix)) => {
            let mut v = Box::new(v);
            let ptr: *mut View = &mut *v;
            call.allocated.push((v, matrix));
            ptr
        }
        Err(e) => {
            call.error.get_or_insert_with(|| e.message().to_owned());
            std::ptr::null_mut()
        }
    }
}

unsafe extern "C" fn set_error(ctx: *mut Context, message: *const c_char) {
    // SAFETY: the kernel passes back the context it was given.
    let Ok(call) = (unsafe { call(ctx) }) else {
        return;
    };
    let text = if message.is_null() {
        "(no message)".to_owned()
    } else {
        // SAFETY: a non-null message is NUL-terminated by the ABI's contract.
        unsafe { CStr::from_ptr(message) }
            .to_string_lossy()
            .into_owned()
    };
    call.error.get_or_insert(text);
}

/// Starts a kernel call: flushes the program's buffered output (so a kernel's own prints come
/// in order) and returns the context to pass as the kernel's last argument.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_ext_begin() -> *mut Context {
    ffi_guard(|| {
        crate::output::flush().map_err(|e| RuntimeError::new(format!("flushing output: {e}")))?;
        let call = Box::new(Call {
            ctx: Context {
                abi_version: ABI_VERSION,
                alloc_dense,
                set_error,
            },
            error: None,
            args: Vec::new(),
            allocated: Vec::new(),
        });
        Ok(Box::into_raw(call) as *mut Context)
    })
}

/// The kernel's view of the matrix `handle` (a CSR matrix is seen in its dense form), valid
/// until [`daphne_ext_end`].
///
/// # Safety
/// `ctx` came from [`daphne_ext_begin`]; `handle` is a live data object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ext_arg(ctx: *mut Context, handle: *mut Object) -> *const View {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (call, matrix) = unsafe { (call(ctx)?, borrow_matrix(handle)?) };
        let v = Box::new(view(matrix)?);
        let ptr: *const View = &*v;
        call.args.push(v);
        Ok(ptr)
    })
}

/// After the kernel returned: stops the program (exit 3) with the kernel's error, if it set
/// one. Flushes C's standard streams, which the kernel may have written to.
///
/// # Safety
/// `ctx` came from [`daphne_ext_begin`]; `kernel` is a NUL-terminated name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ext_check(ctx: *mut Context, kernel: *const c_char) {
    // SAFETY: flushing every C stream is always allowed.
    unsafe { libc::fflush(std::ptr::null_mut()) };
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (call, name) = unsafe { (call(ctx)?, borrow_str(kernel)?) };
        match &call.error {
            Some(message) => bail!("kernel {name}: {message}"),
            None => Ok(()),
        }
    })
}

/// Takes the matrix result `result` of kernel `kernel` as a data object. It must come from
/// the call's `alloc_dense` (once) and have the value type `vt`.
///
/// # Safety
/// `ctx` came from [`daphne_ext_begin`]; `kernel` is a NUL-terminated name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ext_result(
    ctx: *mut Context,
    result: *mut View,
    vt: i32,
    kernel: *const c_char,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (call, name) = unsafe { (call(ctx)?, borrow_str(kernel)?) };
        if result.is_null() {
            bail!("kernel {name} returned no matrix");
        }
        let Some(k) = call
            .allocated
            .iter()
            .position(|(v, _)| std::ptr::eq(&**v, result))
        else {
            bail!(
                "kernel {name} returned a matrix it did not allocate with alloc_dense (or returned it twice)"
            );
        };
        let (_, matrix) = call.allocated.swap_remove(k);
        if matrix.value_type() as i32 != vt {
            let want = ValueType::from_code(vt).map_or("?", |t| t.cpp_name());
            bail!(
                "kernel {name} returned a DenseMatrix<{}> where DenseMatrix<{want}> is declared",
                matrix.value_type().cpp_name()
            );
        }
        Ok(new_handle(matrix))
    })
}

/// Ends a kernel call, freeing its views and any matrix the kernel allocated but did not return.
///
/// # Safety
/// `ctx` came from [`daphne_ext_begin`] and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ext_end(ctx: *mut Context) {
    if !ctx.is_null() {
        // SAFETY: `ctx` is the box made by `daphne_ext_begin`, ended once.
        drop(unsafe { Box::from_raw(ctx as *mut Call) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use daphne_kernel::value_type as code;

    #[test]
    fn kernel_abi_codes_are_the_runtime_codes() {
        let pairs = [
            (code::F64, ValueType::F64),
            (code::F32, ValueType::F32),
            (code::SI64, ValueType::SI64),
            (code::SI32, ValueType::SI32),
            (code::SI8, ValueType::SI8),
            (code::UI64, ValueType::UI64),
            (code::UI32, ValueType::UI32),
            (code::UI8, ValueType::UI8),
            (code::BOOL, ValueType::BOOL),
        ];
        for (c, vt) in pairs {
            assert_eq!(c, vt as i32, "{vt:?}");
        }
    }

    #[test]
    fn a_call_returns_what_the_kernel_allocated_once() {
        let ctx = daphne_ext_begin();
        // SAFETY: `ctx` is live; the kernel-side functions are called as a kernel would.
        unsafe {
            let m = ((*ctx).alloc_dense)(ctx, code::F64, 2, 3);
            assert!(!m.is_null());
            assert_eq!(((*m).num_rows, (*m).num_cols, (*m).row_skip), (2, 3, 3));
            *((*m).values as *mut f64).add(4) = 7.5;
            let name = c"k".as_ptr();
            let handle = daphne_ext_result(ctx, m, code::F64, name);
            let matrix = borrow_matrix(handle).unwrap();
            assert_eq!(matrix.get::<f64>(1, 1).unwrap(), 7.5);
            assert!(call(ctx).unwrap().allocated.is_empty());
            ((*ctx).set_error)(ctx, c"bad input".as_ptr());
            assert_eq!(call(ctx).unwrap().error.as_deref(), Some("bad input"));
            daphne_ext_end(ctx);
            drop(Box::from_raw(handle));
        }
    }
}
