//! The scheduler's C ABI, for JIT-compiled and AOT-linked pipelines.
//!
//! Compiled code outlines a pipeline body as `void f(void *ctx, int64_t begin, int64_t end)`
//! (or with a fourth `int64_t worker` argument) and calls [`daphne_pipeline_run`] with a
//! [`PipelineDescC`]. The body is called concurrently from several threads with the same
//! `ctx`, on disjoint row ranges that together cover `0..rows` exactly once; it must only
//! write output rows of its range or per-worker partial results (indexed by `worker`, below
//! [`daphne_pipeline_max_workers`]).
//!
//! Functions return 0 on success and 1 on failure; the message of the calling thread's last
//! failure is then available from [`daphne_pipeline_last_error`]. Nothing unwinds into the
//! caller: panics inside the runtime become failures.

use std::cell::RefCell;
use std::ffi::{CString, c_char, c_void};
use std::panic::{self, AssertUnwindSafe};

use crate::error::{RtResult, RuntimeError};

use super::exec::panic_message;
use super::{PipelineDesc, QueueLayout, Scheme, VictimSelection, max_workers, run_pipeline};

/// A pipeline as compiled code describes it. Negative (or, for `workers` and `grain`, zero)
/// fields mean "use the process-wide configuration".
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipelineDescC {
    /// Pipeline id, fixed at compile time (AUTO's history and the trace use it).
    pub id: u64,
    /// Rows to process (at least 0).
    pub rows: i64,
    /// [`Scheme`] code, or -1.
    pub scheme: i32,
    /// [`QueueLayout`] code, or -1.
    pub layout: i32,
    /// [`VictimSelection`] code, or -1.
    pub victim: i32,
    /// At most this many workers, or 0.
    pub workers: i32,
    /// Minimum chunk, or 0.
    pub grain: i64,
}

/// A compiled pipeline body.
pub type PipelineFn = unsafe extern "C" fn(ctx: *mut c_void, row_begin: i64, row_end: i64);
/// A compiled pipeline body that also receives its worker index.
pub type PipelineWorkerFn =
    unsafe extern "C" fn(ctx: *mut c_void, row_begin: i64, row_end: i64, worker: i64);

/// The context pointer, shared by all workers as the ABI contract allows.
#[derive(Clone, Copy)]
struct SharedContext(*mut c_void);

// SAFETY: compiled pipeline bodies are written to be called concurrently with one context
// (see the module docs); the runtime itself never dereferences it.
unsafe impl Sync for SharedContext {}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

impl PipelineDescC {
    /// The Rust description; invalid codes or a negative row count are errors.
    pub fn to_desc(&self) -> RtResult<PipelineDesc> {
        let optional_code = |code: i32| (code >= 0).then_some(code);
        let rows = usize::try_from(self.rows)
            .map_err(|_| RuntimeError::new(format!("invalid pipeline row count {}", self.rows)))?;
        Ok(PipelineDesc {
            id: self.id,
            rows,
            scheme: optional_code(self.scheme).map(Scheme::decode).transpose()?,
            layout: optional_code(self.layout)
                .map(QueueLayout::decode)
                .transpose()?,
            victim: optional_code(self.victim)
                .map(VictimSelection::decode)
                .transpose()?,
            workers: usize::try_from(self.workers)
                .ok()
                .filter(|&count| count > 0),
            grain: usize::try_from(self.grain).ok().filter(|&grain| grain > 0),
            pre_partition: None,
            push: None,
        })
    }
}

/// Runs a compiled pipeline body over the rows of `desc` (the Rust side of
/// [`daphne_pipeline_run_worker`], for an ABI wrapper with other error conventions).
///
/// # Safety
/// `f` must be safe to call concurrently with `ctx` on disjoint row ranges, as the module docs
/// describe.
pub unsafe fn run_compiled(
    desc: &PipelineDescC,
    f: PipelineWorkerFn,
    ctx: *mut c_void,
) -> RtResult<()> {
    let desc = desc.to_desc()?;
    let ctx = SharedContext(ctx);
    run_pipeline(&desc, &|begin, end, state| {
        let context = ctx;
        // SAFETY: the caller guarantees `f` may run concurrently with `ctx` on disjoint row
        // ranges; row numbers fit `i64` because the row count came from an `i64`.
        unsafe { f(context.0, begin as i64, end as i64, state.worker() as i64) };
        Ok(())
    })
}

/// Records a failure for [`daphne_pipeline_last_error`] and returns the failure status.
fn failed(message: &str) -> i32 {
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|last| *last.borrow_mut() = text);
    1
}

/// Runs a closure as an ABI call: 0 on success, 1 after recording an error or a panic.
fn status(call: impl FnOnce() -> RtResult<()>) -> i32 {
    match panic::catch_unwind(AssertUnwindSafe(call)) {
        Ok(Ok(())) => 0,
        Ok(Err(error)) => failed(error.message()),
        Err(payload) => failed(&format!(
            "internal runtime error: {}",
            panic_message(payload.as_ref())
        )),
    }
}

/// Runs `f(ctx, begin, end)` over the rows of `*desc` on the scheduler. Returns 0 on success,
/// 1 on failure (see [`daphne_pipeline_last_error`]).
///
/// # Safety
/// `desc` is null or points to a valid [`PipelineDescC`]; `f` is null or a body that may run
/// concurrently with `ctx` on disjoint row ranges (see the module docs).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_pipeline_run(
    desc: *const PipelineDescC,
    f: Option<PipelineFn>,
    ctx: *mut c_void,
) -> i32 {
    status(|| {
        // SAFETY: null or valid by the caller's contract.
        let desc = unsafe { desc.as_ref() }
            .ok_or_else(|| RuntimeError::new("null pipeline descriptor"))?;
        let f = f.ok_or_else(|| RuntimeError::new("null pipeline function"))?;
        let desc = desc.to_desc()?;
        let ctx = SharedContext(ctx);
        run_pipeline(&desc, &|begin, end, _state| {
            let context = ctx;
            // SAFETY: the caller guarantees `f` may run concurrently with `ctx` on disjoint
            // row ranges; row numbers fit `i64` because the row count came from an `i64`.
            unsafe { f(context.0, begin as i64, end as i64) };
            Ok(())
        })
    })
}

/// Like [`daphne_pipeline_run`], but `f` also receives the worker index (below
/// [`daphne_pipeline_max_workers`]), for bodies that accumulate per-worker partial results.
///
/// # Safety
/// As for [`daphne_pipeline_run`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_pipeline_run_worker(
    desc: *const PipelineDescC,
    f: Option<PipelineWorkerFn>,
    ctx: *mut c_void,
) -> i32 {
    status(|| {
        // SAFETY: null or valid by the caller's contract.
        let desc = unsafe { desc.as_ref() }
            .ok_or_else(|| RuntimeError::new("null pipeline descriptor"))?;
        let f = f.ok_or_else(|| RuntimeError::new("null pipeline function"))?;
        // SAFETY: forwarded from this function's contract.
        unsafe { run_compiled(desc, f, ctx) }
    })
}

/// The number of scheduler workers, including the calling thread (starts the pool); -1 if
/// the scheduler configuration is invalid (see [`daphne_pipeline_last_error`]).
#[unsafe(no_mangle)]
pub extern "C" fn daphne_pipeline_max_workers() -> i64 {
    let mut workers = -1;
    if status(|| {
        workers = max_workers()? as i64;
        Ok(())
    }) != 0
    {
        return -1;
    }
    workers
}

/// The message of the calling thread's last failed scheduler call (empty if none). The
/// pointer stays valid until the next failing call on this thread.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_pipeline_last_error() -> *const c_char {
    LAST_ERROR.with(|last| last.borrow().as_ptr())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    unsafe extern "C" fn add_rows(ctx: *mut c_void, begin: i64, end: i64) {
        // SAFETY: the test passes a pointer to an `AtomicU64`.
        let sum = unsafe { &*ctx.cast::<AtomicU64>() };
        sum.fetch_add((begin..end).map(|row| row as u64).sum(), Ordering::Relaxed);
    }

    #[test]
    fn runs_a_c_body() {
        let sum = AtomicU64::new(0);
        let desc = PipelineDescC {
            id: 90,
            rows: 1000,
            scheme: Scheme::GSS.code(),
            layout: -1,
            victim: -1,
            workers: 0,
            grain: 0,
        };
        let ctx = std::ptr::from_ref(&sum).cast_mut().cast::<c_void>();
        // SAFETY: `add_rows` only does atomic adds on the `AtomicU64` behind `ctx`.
        let status = unsafe { daphne_pipeline_run(&desc, Some(add_rows), ctx) };
        assert_eq!(status, 0);
        assert_eq!(sum.load(Ordering::Relaxed), 999 * 1000 / 2);
    }

    #[test]
    fn reports_bad_descriptors() {
        let desc = PipelineDescC {
            id: 91,
            rows: 10,
            scheme: 99,
            layout: -1,
            victim: -1,
            workers: 0,
            grain: 0,
        };
        // SAFETY: the descriptor is valid; the body is never called.
        let status = unsafe { daphne_pipeline_run(&desc, Some(add_rows), std::ptr::null_mut()) };
        assert_eq!(status, 1);
        // SAFETY: the pointer is a valid C string until the next failing call.
        let message = unsafe { std::ffi::CStr::from_ptr(daphne_pipeline_last_error()) };
        assert_eq!(message.to_str().unwrap(), "invalid Scheme code 99");
        // SAFETY: null pointers are reported, not dereferenced.
        let status = unsafe { daphne_pipeline_run(std::ptr::null(), None, std::ptr::null_mut()) };
        assert_eq!(status, 1);
    }
}
