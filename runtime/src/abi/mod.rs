//! The C ABI that compiled DaphneDSL programs call (JIT or AOT against `libdaphne_rt.a`).
//!
//! Conventions shared by every function here:
//! - **Matrices** are opaque handles `*mut Object`, created by the runtime. Handles are never
//!   freed yet (reference counting comes with the ref-count pass); creation and borrowing go
//!   through `new_handle` and `borrow_matrix` only, so a header can be added in one place.
//!   A null handle is a run-time error.
//! - **Scalars** cross in three carriers: `i64` (signed integers and bool), `u64` (unsigned
//!   integers) and `f64` (f64 and f32); kernels convert them with C++ `static_cast` semantics.
//!   Functions come in one variant per carrier (`_i64`, `_u64`, `_f64`, sometimes `_str`).
//! - **Codes**: `vt`/`res_vt` are [`ValueType`] codes, `op` a [`BinaryOp`], [`UnaryOp`] or
//!   [`AggOp`] code; an unknown code is a run-time error.
//! - **Strings** are NUL-terminated UTF-8 (invalid bytes are replaced by U+FFFD). Strings the
//!   runtime returns are allocated by it; `daphne_free_str` frees one.
//! - **Several results** come back through out-pointers (`*mut *mut Object`).
//! - **Variadic arguments** are an array pointer plus a count.
//! - **Errors**: every body runs under `ffi_guard`. A run-time error, or a panic (a runtime
//!   bug), flushes standard output, prints `[error]: Execution error: <message>` there, and
//!   exits with status 3, like DAPHNE. No panic unwinds into compiled code.
//!
//! [`kernel_symbols`] lists every function for JIT symbol registration.

use std::borrow::Cow;
use std::ffi::{CStr, CString, c_char};
use std::panic::{self, AssertUnwindSafe};

use crate::error::{RtResult, RuntimeError};
use crate::matrix::Matrix;
use crate::object::Object;
use crate::output;

#[cfg(doc)]
use crate::{AggOp, BinaryOp, UnaryOp, ValueType};

mod aggregation;
mod elementwise;
mod extension;
mod frames;
mod generation;
mod indexing;
mod io;
mod lifecycle;
mod linalg;
mod matrix_ops;
mod printing;
mod reorganization;
mod strings;
mod vectorized;

pub use crate::sched::capi::{
    daphne_pipeline_last_error, daphne_pipeline_max_workers, daphne_pipeline_run,
    daphne_pipeline_run_worker,
};
pub use aggregation::*;
pub use elementwise::*;
pub use extension::*;
pub use frames::*;
pub use generation::*;
pub use indexing::*;
pub use io::*;
pub use lifecycle::*;
pub use linalg::*;
pub use matrix_ops::*;
pub use printing::*;
pub use reorganization::*;
pub use strings::*;
pub use vectorized::*;

/// `(name, address)` of every exported function, for registering the runtime with a JIT.
pub fn kernel_symbols() -> Vec<(&'static str, *mut ())> {
    macro_rules! symbol_table {
        ($($name:ident),* $(,)?) => {
            vec![$((stringify!($name), $name as *mut ())),*]
        };
    }
    symbol_table![
        // printing
        daphne_print_i64,
        daphne_print_u64,
        daphne_print_f64,
        daphne_print_str,
        daphne_print_matrix,
        // generation
        daphne_matrix_from_buffer,
        daphne_fill_i64,
        daphne_fill_u64,
        daphne_fill_f64,
        daphne_fill_str,
        daphne_seq_i64,
        daphne_seq_u64,
        daphne_seq_f64,
        daphne_rand_i64,
        daphne_rand_u64,
        daphne_rand_f64,
        // reorganization and cell access
        daphne_reshape,
        daphne_transpose,
        daphne_nrow,
        daphne_ncol,
        daphne_cast_matrix,
        daphne_matrix_get_i64,
        daphne_matrix_get_u64,
        daphne_matrix_get_f64,
        daphne_matrix_get_str,
        daphne_as_scalar_i64,
        daphne_as_scalar_u64,
        daphne_as_scalar_f64,
        daphne_as_scalar_str,
        // elementwise
        daphne_ew_binary_mm,
        daphne_ew_binary_ms_i64,
        daphne_ew_binary_ms_u64,
        daphne_ew_binary_ms_f64,
        daphne_ew_binary_ms_str,
        daphne_ew_binary_sm_i64,
        daphne_ew_binary_sm_u64,
        daphne_ew_binary_sm_f64,
        daphne_ew_binary_sm_str,
        daphne_ew_unary,
        // aggregation
        daphne_agg_all_i64,
        daphne_agg_all_u64,
        daphne_agg_all_f64,
        daphne_agg_row,
        daphne_agg_col,
        // strings
        daphne_str_concat,
        daphne_str_compare,
        daphne_i64_to_str,
        daphne_u64_to_str,
        daphne_f64_to_str,
        daphne_bool_to_str,
        daphne_str_to_f64,
        daphne_str_to_i64,
        daphne_str_upper,
        daphne_str_lower,
        // scheduler (runtime/src/sched/capi.rs)
        daphne_pipeline_run,
        daphne_pipeline_run_worker,
        daphne_pipeline_max_workers,
        daphne_pipeline_last_error,
        // compiled vectorized pipelines (vectorized.rs)
        daphne_vec_input,
        daphne_vec_alloc,
        daphne_vec_run,
        // indexing
        daphne_slice_rows,
        daphne_slice_cols,
        daphne_extract_rows,
        daphne_extract_cols,
        daphne_filter_rows,
        daphne_filter_cols,
        daphne_insert,
        // linear algebra
        daphne_matmul,
        daphne_syrk,
        daphne_gemv,
        daphne_solve,
        daphne_eigen,
        // matrix ops
        daphne_cbind,
        daphne_rbind,
        daphne_cond,
        daphne_reverse,
        daphne_order,
        daphne_diag_matrix,
        daphne_diag_vector,
        daphne_tri,
        daphne_replace_f64,
        daphne_replace_i64,
        daphne_replace_u64,
        daphne_replace_str,
        daphne_outer,
        daphne_agg_cum,
        daphne_quantize,
        daphne_ctable_i64,
        daphne_ctable_f64,
        daphne_ctable_u64,
        daphne_one_hot,
        daphne_recode,
        daphne_bin,
        daphne_sample_i64,
        daphne_sample_u64,
        daphne_sample_f64,
        daphne_is_symmetric,
        daphne_sparsity,
        daphne_type_of,
        daphne_upper_matrix,
        daphne_lower_matrix,
        daphne_map_f64,
        daphne_map_i64,
        daphne_map_u64,
        daphne_map_str,
        // file I/O
        daphne_read_matrix,
        daphne_read_frame,
        daphne_write,
        // frames, lists, CSR
        daphne_create_frame,
        daphne_matrix_to_frame,
        daphne_frame_to_matrix,
        daphne_frame_column_by_label,
        daphne_frame_slice_rows,
        daphne_frame_slice_cols,
        daphne_set_col_labels,
        daphne_set_col_labels_prefix,
        daphne_frame_cbind,
        daphne_frame_rbind,
        daphne_cartesian,
        daphne_inner_join,
        daphne_semi_join,
        daphne_group_join,
        daphne_group_sum,
        daphne_create_list,
        daphne_list_length,
        daphne_list_append,
        daphne_list_remove,
        daphne_rand_csr_f64,
        daphne_rand_csr_i64,
        daphne_to_csr,
        // extension kernel calls
        daphne_ext_begin,
        daphne_ext_arg,
        daphne_ext_check,
        daphne_ext_result,
        daphne_ext_end,
        // lifecycle and errors
        daphne_runtime_init,
        daphne_runtime_init_with,
        daphne_stat_start,
        daphne_stat_record,
        daphne_runtime_finish,
        daphne_flush,
        daphne_stop,
        daphne_fail,
        daphne_incref,
        daphne_decref,
        daphne_free_str,
        daphne_now,
    ]
}

/// Runs an ABI function body: its value on success; on a run-time error or a panic, reports
/// the error and exits with status 3 (see the module docs).
fn ffi_guard<R>(body: impl FnOnce() -> RtResult<R>) -> R {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(error)) => fail(error.message()),
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            fail(&format!("internal runtime error: {detail}"))
        }
    }
}

/// Prints `[error]: Execution error: <message>` to standard output and exits with status 3.
fn fail(message: &str) -> ! {
    // The process ends either way; a failed write has nowhere else to be reported.
    let _ = output::report_execution_error(message);
    std::process::exit(3)
}

/// Moves a data object to the heap (reference count 1) and returns its handle.
fn new_handle(object: impl Into<Object>) -> *mut Object {
    Box::into_raw(Box::new(object.into()))
}

/// Borrows the object behind a handle; null is an error.
///
/// # Safety
/// `handle` is null or was returned by this runtime and is still alive.
unsafe fn borrow_object<'a>(handle: *mut Object) -> RtResult<&'a Object> {
    // SAFETY: the caller guarantees that a non-null handle points to a live `Object`.
    unsafe { handle.as_ref() }.ok_or_else(|| RuntimeError::new("null data object handle"))
}

/// Borrows the matrix behind a handle (the dense form of a CSR matrix); null, a frame or a
/// list is an error.
///
/// # Safety
/// `handle` is null or was returned by this runtime and is still alive.
unsafe fn borrow_matrix<'a>(handle: *mut Object) -> RtResult<&'a Matrix> {
    // SAFETY: forwarded from the caller's contract.
    unsafe { borrow_object(handle) }?.as_matrix()
}

/// Stores each object as a new handle behind its out-pointer (several results).
///
/// # Safety
/// Every out-pointer is null (an error, checked before anything is written) or writable.
unsafe fn write_results<const N: usize>(results: [(*mut *mut Object, Object); N]) -> RtResult<()> {
    if results.iter().any(|(out, _)| out.is_null()) {
        bail!("null result pointer");
    }
    for (out, object) in results {
        // SAFETY: non-null and writable by the caller's contract.
        unsafe { out.write(new_handle(object)) };
    }
    Ok(())
}

/// Nanoseconds since the Unix epoch (`daphne_now`, and the seed of CSR `rand` with seed -1).
pub(crate) fn now_nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as u64)
}

/// Borrows a NUL-terminated string; null is an error.
///
/// # Safety
/// `text` is null or points to a NUL-terminated string that outlives `'a`.
unsafe fn borrow_str<'a>(text: *const c_char) -> RtResult<Cow<'a, str>> {
    if text.is_null() {
        bail!("null string");
    }
    // SAFETY: non-null and NUL-terminated by the caller's guarantee.
    Ok(unsafe { CStr::from_ptr(text) }.to_string_lossy())
}

/// Hands a string to compiled code as a NUL-terminated C string (never freed yet).
fn leak_str(text: String) -> RtResult<*const c_char> {
    let text = CString::new(text).map_err(|_| {
        RuntimeError::new("a string with a NUL byte cannot be passed to compiled code")
    })?;
    Ok(text.into_raw())
}

/// A row or column count, or a position, from compiled code; negative values are errors.
fn to_index(value: i64, what: &str) -> RtResult<usize> {
    usize::try_from(value).map_err(|_| RuntimeError::new(format!("invalid {what}: {value}")))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// The ABI source files; `kernel_symbols` must list exactly the functions they export.
    const SOURCES: [&str; 15] = [
        include_str!("../sched/capi.rs"),
        include_str!("aggregation.rs"),
        include_str!("elementwise.rs"),
        include_str!("extension.rs"),
        include_str!("frames.rs"),
        include_str!("generation.rs"),
        include_str!("indexing.rs"),
        include_str!("io.rs"),
        include_str!("lifecycle.rs"),
        include_str!("linalg.rs"),
        include_str!("matrix_ops.rs"),
        include_str!("printing.rs"),
        include_str!("reorganization.rs"),
        include_str!("strings.rs"),
        include_str!("vectorized.rs"),
    ];

    #[test]
    fn symbol_table_lists_every_exported_function_once() {
        let table = kernel_symbols();
        let listed: HashSet<&str> = table.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            listed.len(),
            table.len(),
            "duplicate names in kernel_symbols"
        );
        assert!(table.iter().all(|(_, address)| !address.is_null()));
        let mut defined = HashSet::new();
        for source in SOURCES {
            // Exported functions only (a test's local `extern "C" fn` is no symbol).
            for part in source.split("#[unsafe(no_mangle)]").skip(1) {
                let Some((_, after)) = part.split_once("extern \"C\" fn ") else {
                    panic!("#[unsafe(no_mangle)] on something other than an extern \"C\" fn");
                };
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                assert!(defined.insert(name.clone()), "{name} defined twice");
            }
        }
        let defined: HashSet<&str> = defined.iter().map(String::as_str).collect();
        assert_eq!(listed, defined);
    }

    #[test]
    fn helpers_reject_null_and_negative_values() {
        // SAFETY: null is allowed.
        assert!(unsafe { borrow_matrix(std::ptr::null_mut()) }.is_err());
        // SAFETY: null is allowed.
        assert!(unsafe { borrow_str(std::ptr::null()) }.is_err());
        assert!(
            to_index(-1, "number of rows")
                .unwrap_err()
                .message()
                .contains("-1")
        );
        assert!(leak_str("a\0b".to_owned()).is_err());
    }
}
