//! The ABI of compiled vectorized pipelines (`daphne.vectorized_pipeline`, lowered by the
//! compiler's `lower_pipeline`): raw views of input matrices, uninitialised-free output
//! allocation, and one call that runs an outlined pipeline body on the scheduler.
//!
//! A compiled body reads cell `(r, c)` of an input at `data + r * stride + c` (cells of the
//! input's value type) and writes the rows `begin..end` of its outputs; per-worker partial
//! results (aggregations) live in matrices the compiled code allocates with
//! [`daphne_vec_alloc`] and combines with the aggregation kernels afterwards.

use std::ffi::c_void;

use super::{borrow_matrix, ffi_guard, new_handle};
use crate::dense::DenseMatrix;
use crate::element::Element;
use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::object::Object;
use crate::sched::capi::{PipelineDescC, PipelineWorkerFn, run_compiled};
use crate::value_type::ValueType;

/// The raw view of one typed dense matrix: data pointer and row stride (in cells).
fn view<T: Element>(dense: &DenseMatrix<T>) -> (*const u8, i64) {
    (dense.data_ptr().cast(), dense.row_stride() as i64)
}

/// A pointer to cell `(0, 0)` of the matrix `handle`, whose value type must be `vt`; its row
/// stride in cells goes to `*stride`. A CSR matrix is read through its dense form.
///
/// # Safety
/// `handle` is null or a live handle from this runtime; `stride` is null (an error) or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_vec_input(
    handle: *mut Object,
    vt: i32,
    stride: *mut i64,
) -> *const u8 {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let matrix = unsafe { borrow_matrix(handle) }?;
        let want = ValueType::decode(vt)?;
        if matrix.value_type() != want {
            bail!(
                "internal error: a vectorized pipeline expected a {} matrix, got {}",
                want.cpp_name(),
                matrix.value_type().cpp_name()
            );
        }
        if stride.is_null() {
            bail!("null stride pointer");
        }
        let (data, row_stride) = dispatch_matrix!(matrix, dense => view(dense));
        // SAFETY: non-null and writable by the caller's contract.
        unsafe { stride.write(row_stride) };
        Ok(data)
    })
}

/// A new `rows`×`cols` dense matrix of value type `vt` (numeric), filled with zeros; the
/// pointer to its contiguous cells goes to `*data`, for compiled code to write.
///
/// # Safety
/// `data` is null (an error) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_vec_alloc(
    vt: i32,
    rows: i64,
    cols: i64,
    data: *mut *mut u8,
) -> *mut Object {
    ffi_guard(|| {
        let vt = ValueType::decode(vt)?;
        let (rows, cols) = (
            super::to_index(rows, "number of rows")?,
            super::to_index(cols, "number of columns")?,
        );
        if data.is_null() {
            bail!("null data pointer");
        }
        let (matrix, cells) = with_numeric_type!(vt, T => zeroed::<T>(rows, cols)?,
            STR => bail!("a vectorized pipeline cannot produce a string matrix"));
        // SAFETY: non-null and writable by the caller's contract.
        unsafe { data.write(cells) };
        Ok(new_handle(matrix))
    })
}

/// A zero-filled matrix and the address of its cells (taken before the buffer is shared). The
/// cells come from the pool of freed buffers (zeroed in place) or else from `calloc`, so
/// fresh large outputs cost no zero-filling pass: fresh pages are zero.
fn zeroed<T: Element>(rows: usize, cols: usize) -> RtResult<(Matrix, *mut u8)> {
    let Some(n) = rows.checked_mul(cols) else {
        bail!("cannot allocate a {rows}x{cols} matrix: too many cells");
    };
    let mut cells: Vec<T> = if n == 0 || std::mem::size_of::<T>() == 0 {
        Vec::new()
    } else if let Some(mut warm) = crate::pool::take::<T>(n) {
        // A freed buffer of the same size: its pages are mapped already, so zeroing it in
        // place is cheaper than faulting in (kernel-zeroed) fresh ones.
        // SAFETY: the buffer has capacity `n`; all-zero bytes are a valid value of every
        // numeric element type (the only types `daphne_vec_alloc` asks for).
        unsafe {
            std::ptr::write_bytes(warm.as_mut_ptr(), 0, n);
            warm.set_len(n);
        }
        warm
    } else {
        let Ok(layout) = std::alloc::Layout::array::<T>(n) else {
            bail!("cannot allocate a {rows}x{cols} matrix: too many cells");
        };
        // SAFETY: the layout has a non-zero size.
        let data = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<T>();
        if data.is_null() {
            bail!("cannot allocate a {rows}x{cols} matrix: out of memory");
        }
        advise_huge_pages(data.cast(), layout.size());
        // SAFETY: `data` was allocated by the global allocator with the layout of `n` cells of
        // `T`, and all-zero bytes are a valid value of every numeric element type (the only
        // types `daphne_vec_alloc` asks for).
        unsafe { Vec::from_raw_parts(data, n, n) }
    };
    let data = cells.as_mut_ptr().cast::<u8>();
    // Moving the vector into the matrix keeps its heap buffer where it is.
    Ok((
        Matrix::from(DenseMatrix::from_vec(rows, cols, cells)?),
        data,
    ))
}

/// Asks for transparent huge pages on a large fresh buffer, so that the first writes of a
/// pipeline fault once per 2 MiB instead of once per 4 KiB (a hint the kernel may ignore).
#[cfg(target_os = "linux")]
fn advise_huge_pages(start: *mut u8, bytes: usize) {
    const PAGE: usize = 4096;
    if bytes < 4 << 20 {
        return;
    }
    let aligned = (start as usize).next_multiple_of(PAGE);
    let len = (start as usize + bytes).saturating_sub(aligned) / PAGE * PAGE;
    // SAFETY: the range lies inside the buffer just allocated; MADV_HUGEPAGE only changes how
    // the kernel backs it, never its contents, and a failure is harmless.
    unsafe {
        libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_: *mut u8, _: usize) {}

/// Runs the compiled body `f(ctx, begin, end, worker)` over `rows` rows on the scheduler, with
/// the pipeline's scheduling settings (codes as in [`PipelineDescC`]: negative, or zero for
/// `workers` and `grain`, means the process-wide configuration). A failure is a run-time error.
///
/// # Safety
/// `f` is null (an error) or a compiled body that may run concurrently with `ctx` on disjoint
/// row ranges (see [`crate::sched::capi`]).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn daphne_vec_run(
    id: i64,
    rows: i64,
    scheme: i32,
    layout: i32,
    victim: i32,
    workers: i32,
    grain: i64,
    f: Option<PipelineWorkerFn>,
    ctx: *mut c_void,
) {
    ffi_guard(|| {
        let f = f.ok_or_else(|| crate::error::RuntimeError::new("null pipeline function"))?;
        let desc = PipelineDescC {
            id: id as u64,
            rows,
            scheme,
            layout,
            victim,
            workers,
            grain,
        };
        // SAFETY: forwarded from this function's contract.
        unsafe { run_compiled(&desc, f, ctx) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    unsafe extern "C" fn double_rows(ctx: *mut c_void, begin: i64, end: i64, _worker: i64) {
        // SAFETY: the test passes [input, output] pointers to 100 f64 cells each.
        unsafe {
            let slots = ctx.cast::<*mut f64>();
            let (input, output) = (*slots, *slots.add(1));
            for r in begin..end {
                *output.add(r as usize) = 2.0 * *input.add(r as usize);
            }
        }
    }

    #[test]
    fn runs_a_compiled_body_over_raw_views() {
        let vt = ValueType::F64.code();
        let mut out: *mut u8 = std::ptr::null_mut();
        // SAFETY: valid out-pointers; the handles come from this runtime.
        unsafe {
            let input = daphne_vec_alloc(vt, 100, 1, &mut out);
            for r in 0..100 {
                *out.cast::<f64>().add(r) = r as f64;
            }
            let mut stride = 0;
            let data = daphne_vec_input(input, vt, &mut stride);
            assert_eq!(stride, 1);
            let output = daphne_vec_alloc(vt, 100, 1, &mut out);
            let mut slots = [data as *mut f64, out.cast::<f64>()];
            daphne_vec_run(
                7,
                100,
                2,
                -1,
                -1,
                0,
                0,
                Some(double_rows),
                slots.as_mut_ptr().cast(),
            );
            let result = (*output).as_matrix().unwrap().get::<f64>(99, 0).unwrap();
            assert_eq!(result, 198.0);
        }
    }
}
