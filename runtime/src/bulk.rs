//! Bulk loops over contiguous cells, the fast paths of the elementwise and aggregation kernels.
//!
//! The helpers here build a result vector without zero-initialising it (they write into the
//! spare capacity and set the length once every cell is written), ask the kernel for
//! transparent huge pages on large results (one page fault per 2 MiB instead of per 4 KiB),
//! and split large loops into one contiguous chunk per core. Every output cell depends on its
//! own inputs only, so splitting never changes a result.

use std::mem::MaybeUninit;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::dense::alloc_cells;
use crate::error::RtResult;

/// Results of at least this many cells are computed on several threads.
pub const PARALLEL_MIN_CELLS: usize = 1 << 18;

/// Allocations of at least this many bytes ask for transparent huge pages.
const HUGE_PAGE_MIN_BYTES: usize = 4 << 20;

/// The number of threads bulk loops use (the available cores, at least 1; computed once).
pub fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// An empty vector with room for `n` cells; large ones are backed by huge pages where the OS
/// allows (`madvise(MADV_HUGEPAGE)` on Linux, a hint that may be ignored).
pub fn alloc_uninit<T>(n: usize) -> RtResult<Vec<T>> {
    let values = alloc_cells::<T>(n, 1)?;
    advise_huge_pages(&values);
    Ok(values)
}

/// Asks the kernel to back the allocation of a large vector with huge pages (Linux; a hint
/// that may be ignored, and a no-op elsewhere or below 4 MiB).
#[cfg(target_os = "linux")]
pub fn advise_huge_pages<T>(values: &Vec<T>) {
    const PAGE: usize = 4096;
    let bytes = values.capacity() * std::mem::size_of::<T>();
    if bytes < HUGE_PAGE_MIN_BYTES {
        return;
    }
    let start = values.as_ptr() as usize;
    let aligned = start.next_multiple_of(PAGE);
    let len = (start + bytes).saturating_sub(aligned) / PAGE * PAGE;
    // SAFETY: the range lies inside the vector's own allocation; MADV_HUGEPAGE only changes how
    // the kernel backs it (never its contents), and a failure is harmless.
    unsafe {
        libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

/// Asks for huge pages (a no-op off Linux).
#[cfg(not(target_os = "linux"))]
pub fn advise_huge_pages<T>(_: &Vec<T>) {}

/// Builds `n` cells: `fill(start, out)` writes the cells `start..start + out.len()` and returns
/// how many it wrote. Large results are split into one chunk per thread.
///
/// # Panics
/// If a `fill` call does not write its whole chunk (an internal bug).
fn build<R: Send>(
    pipeline: u64,
    n: usize,
    fill: impl Fn(usize, &mut [MaybeUninit<R>]) -> usize + Sync,
) -> RtResult<Vec<R>> {
    let mut out = alloc_uninit::<R>(n)?;
    let spare = &mut out.spare_capacity_mut()[..n];
    let threads = if n >= PARALLEL_MIN_CELLS {
        threads()
    } else {
        1
    };
    let written: usize = if crate::sched::vectorized() && n > 0 {
        // `--vec`: the loop is a pipeline of DaphneSched, cut by the configured scheme (and
        // visible in its trace).
        let base = SharedSlots(spare.as_mut_ptr());
        let written = AtomicUsize::new(0);
        let desc = crate::sched::PipelineDesc::new(pipeline, n);
        crate::sched::run_pipeline(&desc, &|begin, end, _| {
            // SAFETY: the scheduler hands out disjoint ranges within `0..n`, so each call
            // writes a part of `spare` no other call touches.
            let part =
                unsafe { std::slice::from_raw_parts_mut(base.get().add(begin), end - begin) };
            written.fetch_add(fill(begin, part), Ordering::Relaxed);
            Ok(())
        })?;
        written.into_inner()
    } else if threads <= 1 {
        fill(0, spare)
    } else {
        let chunk = n.div_ceil(threads);
        let fill = &fill;
        std::thread::scope(|scope| {
            let handles: Vec<_> = spare
                .chunks_mut(chunk)
                .enumerate()
                .map(|(i, part)| scope.spawn(move || fill(i * chunk, part)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .sum()
        })
    };
    assert_eq!(written, n, "a bulk loop left cells unwritten");
    // SAFETY: the `fill` calls wrote all `n` cells (checked above) and the capacity is ≥ n.
    unsafe { out.set_len(n) };
    Ok(out)
}

/// The output slots of a [`build`], shared by the scheduler's workers.
struct SharedSlots<R>(*mut MaybeUninit<R>);

impl<R> SharedSlots<R> {
    /// The base pointer (a method, so closures capture the whole `Sync` wrapper).
    fn get(&self) -> *mut MaybeUninit<R> {
        self.0
    }
}

// SAFETY: workers write disjoint ranges (see `build`).
unsafe impl<R: Send> Sync for SharedSlots<R> {}

/// Pipeline ids of the bulk loops (the scheduler's AUTO learns per id).
const MAP_PIPELINE: u64 = 1 << 32;
const ZIP_PIPELINE: u64 = MAP_PIPELINE + 1;
const LINE_PIPELINE: u64 = MAP_PIPELINE + 2;
const TABULATE_PIPELINE: u64 = MAP_PIPELINE + 3;

/// `f(a[i])` for every cell.
pub fn map<A: Sync, R: Send>(a: &[A], f: impl Fn(&A) -> R + Sync) -> RtResult<Vec<R>> {
    build(MAP_PIPELINE, a.len(), |start, out| {
        let src = &a[start..start + out.len()];
        for (slot, x) in out.iter_mut().zip(src) {
            slot.write(f(x));
        }
        src.len()
    })
}

/// `f(a[i], b[i])` for every cell; `a` and `b` have the same length.
pub fn zip<A: Sync, B: Sync, R: Send>(
    a: &[A],
    b: &[B],
    f: impl Fn(&A, &B) -> R + Sync,
) -> RtResult<Vec<R>> {
    assert_eq!(a.len(), b.len(), "bulk::zip of slices of different lengths");
    build(ZIP_PIPELINE, a.len(), |start, out| {
        let end = start + out.len();
        let (xs, ys) = (&a[start..end], &b[start..end]);
        for ((slot, x), y) in out.iter_mut().zip(xs).zip(ys) {
            slot.write(f(x, y));
        }
        xs.len()
    })
}

/// `f(i)` for every `i` in `0..n`.
pub fn tabulate<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync) -> RtResult<Vec<R>> {
    build(TABULATE_PIPELINE, n, |start, out| {
        for (i, slot) in out.iter_mut().enumerate() {
            slot.write(f(start + i));
        }
        out.len()
    })
}

/// `f(line)` for every consecutive `width`-cell line of `a` (`width` > 0 divides `a.len()`).
pub fn per_line<A: Sync, R: Send>(
    a: &[A],
    width: usize,
    f: impl Fn(&[A]) -> R + Sync,
) -> RtResult<Vec<R>> {
    assert!(
        width > 0 && a.len().is_multiple_of(width),
        "bulk::per_line needs whole lines"
    );
    build(LINE_PIPELINE, a.len() / width, |start, out| {
        let src = &a[start * width..(start + out.len()) * width];
        for (slot, line) in out.iter_mut().zip(src.chunks_exact(width)) {
            slot.write(f(line));
        }
        src.len() / width
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_loops_match_sequential_ones() {
        // Large enough to run on several threads, with a ragged last chunk.
        let n = PARALLEL_MIN_CELLS * 2 + 3;
        let a: Vec<u64> = (0..n as u64).collect();
        let b: Vec<u64> = a.iter().map(|x| x * 3).collect();
        assert_eq!(
            map(&a, |x| x + 1).unwrap(),
            a.iter().map(|x| x + 1).collect::<Vec<_>>()
        );
        assert_eq!(
            zip(&a, &b, |x, y| y - x).unwrap(),
            a.iter().map(|x| 2 * x).collect::<Vec<_>>()
        );
        assert_eq!(
            tabulate(n, |i| i as u64 * 2).unwrap(),
            b.iter().map(|y| y / 3 * 2).collect::<Vec<_>>()
        );
        let lines = per_line(&a[..n - 3], 2, |l| l[0] + l[1]).unwrap();
        assert_eq!(lines.len(), (n - 3) / 2);
        assert_eq!(lines[5], 10 + 11);
        assert!(map::<u8, u8>(&[], |x| *x).unwrap().is_empty());
        let strings = map(&["a".to_owned()], |s| s.clone() + "b").unwrap();
        assert_eq!(strings, ["ab"]);
    }
}
