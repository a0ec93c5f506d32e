//! Combining pipeline outputs (DAPHNE's combine modes) for kernels that run row loops through
//! the scheduler.
//!
//! - **ROWS** ([`par_rows`]): chunk `begin..end` writes rows `begin..end` of a pre-allocated
//!   output; the slices handed to the body are disjoint because every row is handed out once.
//! - **COLS** ([`par_cols`]): chunk `begin..end` writes columns `begin..end` of a pre-allocated
//!   output (a transpose).
//! - **ADD, MIN, MAX** ([`par_fold`], built on the general [`par_reduce`]): every worker folds
//!   its chunks into its own partial result, created on its first chunk from the identity;
//!   the calling thread merges the partials in worker order after the pipeline. A worker's
//!   partial sits behind its own cache-padded mutex that only that worker takes during the
//!   pipeline, so there is no shared lock on the hot path (DAPHNE merges every task into the
//!   result under one global mutex).
//!
//! Floating-point ADD is not associative: the result depends on which rows each worker got,
//! as in DAPHNE. Integer ADD wraps around like C++ unsigned arithmetic.

use std::sync::Mutex;

use crossbeam_utils::CachePadded;

use crate::error::RtResult;

use super::{PipelineDesc, WorkerState, run_pipeline};

code_enum! {
    /// How a pipeline output is assembled from chunks (DAPHNE's `VectorCombine` codes).
    pub enum Combine {
        /// Chunks are row blocks of the output.
        ROWS = 1,
        /// Chunks are column blocks of the output.
        COLS = 2,
        /// Chunk results are added.
        ADD = 3,
        /// Element-wise minimum of chunk results.
        MIN = 4,
        /// Element-wise maximum of chunk results.
        MAX = 5,
    }
}

/// A combine mode that reduces chunk results into one value per output cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reduction {
    /// Sum.
    Add,
    /// Minimum.
    Min,
    /// Maximum.
    Max,
}

impl Combine {
    /// The reduction of ADD, MIN and MAX; `None` for ROWS and COLS.
    pub fn reduction(self) -> Option<Reduction> {
        match self {
            Combine::ADD => Some(Reduction::Add),
            Combine::MIN => Some(Reduction::Min),
            Combine::MAX => Some(Reduction::Max),
            Combine::ROWS | Combine::COLS => None,
        }
    }
}

/// An element type that [`Reduction`]s combine.
pub trait Combinable: Copy + Send + Sync + 'static {
    /// The identity: 0 for ADD, the largest value (+∞) for MIN, the smallest (−∞) for MAX.
    fn identity(reduction: Reduction) -> Self;
    /// `a` combined with `b` (C++ `std::min(a, b)` / `std::max(a, b)` for MIN / MAX).
    fn combine(reduction: Reduction, a: Self, b: Self) -> Self;
}

macro_rules! combinable_float {
    ($($t:ty),*) => {$(
        impl Combinable for $t {
            fn identity(reduction: Reduction) -> Self {
                match reduction {
                    Reduction::Add => 0.0,
                    Reduction::Min => <$t>::INFINITY,
                    Reduction::Max => <$t>::NEG_INFINITY,
                }
            }
            fn combine(reduction: Reduction, a: Self, b: Self) -> Self {
                match reduction {
                    Reduction::Add => a + b,
                    Reduction::Min => if b < a { b } else { a },
                    Reduction::Max => if a < b { b } else { a },
                }
            }
        }
    )*};
}

macro_rules! combinable_int {
    ($($t:ty),*) => {$(
        impl Combinable for $t {
            fn identity(reduction: Reduction) -> Self {
                match reduction {
                    Reduction::Add => 0,
                    Reduction::Min => <$t>::MAX,
                    Reduction::Max => <$t>::MIN,
                }
            }
            fn combine(reduction: Reduction, a: Self, b: Self) -> Self {
                match reduction {
                    Reduction::Add => a.wrapping_add(b),
                    Reduction::Min => a.min(b),
                    Reduction::Max => a.max(b),
                }
            }
        }
    )*};
}

combinable_float!(f64, f32);
combinable_int!(i64, i32, i8, u64, u32, u8);

/// A mutable pointer that may cross threads; the users below guarantee disjoint access.
struct SharedMut<T>(*mut T);

// SAFETY: the pointer is only used to build disjoint slices or single-cell writes (see the
// SAFETY comments at the uses), so sharing it is as safe as sending `&mut [T]` pieces.
unsafe impl<T: Send> Sync for SharedMut<T> {}

impl<T> SharedMut<T> {
    /// The pointer (a method, so that closures capture the whole `Sync` wrapper).
    fn get(&self) -> *mut T {
        self.0
    }
}

/// ROWS combine: runs `body(begin, end, rows, state)` where `rows` is rows `begin..end` of
/// `out`, a row-major buffer of `desc.rows` rows of `row_len` elements.
pub fn par_rows<T: Send>(
    desc: &PipelineDesc,
    out: &mut [T],
    row_len: usize,
    body: impl Fn(usize, usize, &mut [T], &mut WorkerState) -> RtResult<()> + Sync,
) -> RtResult<()> {
    if desc.rows.checked_mul(row_len) != Some(out.len()) {
        bail!(
            "ROWS combine: the output holds {} elements, not {} rows of {row_len}",
            out.len(),
            desc.rows
        );
    }
    let base = SharedMut(out.as_mut_ptr());
    run_pipeline(desc, &|begin, end, state| {
        // SAFETY: `begin <= end <= desc.rows`, so the range lies inside `out`, which outlives
        // the pipeline; the scheduler hands every row to exactly one body call per pipeline,
        // so no two slices overlap, and `out` is not otherwise used meanwhile (it is borrowed
        // mutably by this function).
        let rows = unsafe {
            std::slice::from_raw_parts_mut(base.get().add(begin * row_len), (end - begin) * row_len)
        };
        body(begin, end, rows, state)
    })
}

/// The columns `begin..end` of a COLS output, writable by one chunk.
pub struct ColumnBlock<'a, T> {
    base: &'a SharedMut<T>,
    columns: usize,
    out_rows: usize,
    begin: usize,
    end: usize,
}

impl<T> ColumnBlock<'_, T> {
    /// Writes `value` at (`row`, `column`) of the output.
    ///
    /// # Panics
    /// If `row` is not below the output's row count or `column` is outside this chunk's
    /// columns; inside a pipeline the panic becomes the pipeline's error.
    pub fn set(&mut self, row: usize, column: usize, value: T) {
        assert!(
            row < self.out_rows && (self.begin..self.end).contains(&column),
            "COLS combine: cell ({row}, {column}) is outside rows 0..{} and columns {}..{}",
            self.out_rows,
            self.begin,
            self.end
        );
        // SAFETY: the cell lies inside the output (checked above) and in this chunk's columns,
        // which no other body call of this pipeline receives (every row of the pipeline, i.e.
        // every output column, is handed out once).
        unsafe { *self.base.get().add(row * self.columns + column) = value };
    }
}

/// COLS combine: `out` is row-major with `out_rows` rows and `desc.rows` columns; chunk
/// `begin..end` writes columns `begin..end` through the [`ColumnBlock`] passed to `body`.
pub fn par_cols<T: Send>(
    desc: &PipelineDesc,
    out: &mut [T],
    out_rows: usize,
    body: impl Fn(usize, usize, &mut ColumnBlock<'_, T>, &mut WorkerState) -> RtResult<()> + Sync,
) -> RtResult<()> {
    if desc.rows.checked_mul(out_rows) != Some(out.len()) {
        bail!(
            "COLS combine: the output holds {} elements, not {out_rows} rows of {} columns",
            out.len(),
            desc.rows
        );
    }
    let base = SharedMut(out.as_mut_ptr());
    run_pipeline(desc, &|begin, end, state| {
        let mut block = ColumnBlock {
            base: &base,
            columns: desc.rows,
            out_rows,
            begin,
            end,
        };
        body(begin, end, &mut block, state)
    })
}

/// General reduction: every worker folds its chunks into its own accumulator, created by
/// `identity` on the worker's first chunk; the accumulators are merged with `merge` in worker
/// order. Returns `identity()` for zero rows.
pub fn par_reduce<A: Send>(
    desc: &PipelineDesc,
    identity: impl Fn() -> A + Sync,
    fold: impl Fn(&mut A, usize, usize) -> RtResult<()> + Sync,
    merge: impl Fn(&mut A, A),
) -> RtResult<A> {
    let slots: Vec<CachePadded<Mutex<Option<A>>>> = (0..super::max_workers()?)
        .map(|_| CachePadded::new(Mutex::new(None)))
        .collect();
    run_pipeline(desc, &|begin, end, state| {
        let mut slot = slots[state.worker()]
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        fold(slot.get_or_insert_with(&identity), begin, end)
    })?;
    let mut partials = slots.into_iter().filter_map(|slot| {
        CachePadded::into_inner(slot)
            .into_inner()
            .unwrap_or_else(|poison| poison.into_inner())
    });
    let mut result = partials.next().unwrap_or_else(&identity);
    for partial in partials {
        merge(&mut result, partial);
    }
    Ok(result)
}

/// ADD / MIN / MAX combine of a vector of `len` cells: `fold(acc, begin, end)` folds rows
/// `begin..end` into the worker's partial `acc` (which starts at the identity); partials are
/// combined cell by cell.
pub fn par_fold<T: Combinable>(
    desc: &PipelineDesc,
    reduction: Reduction,
    len: usize,
    fold: impl Fn(&mut [T], usize, usize) -> RtResult<()> + Sync,
) -> RtResult<Vec<T>> {
    par_reduce(
        desc,
        || vec![T::identity(reduction); len],
        |acc, begin, end| fold(acc, begin, end),
        |acc, partial| {
            for (cell, value) in acc.iter_mut().zip(partial) {
                *cell = T::combine(reduction, *cell, value);
            }
        },
    )
}
