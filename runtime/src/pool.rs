//! A small pool of freed large cell buffers, so that the next result of the same size reuses
//! pages that are already mapped (and warm) instead of faulting in fresh, kernel-zeroed ones.
//!
//! Buffers of at least [`MIN_BYTES`] come back here when the last view of a dense matrix is
//! dropped (the object's reference count reached zero); [`crate::dense::alloc_cells`] takes
//! one of exactly the requested size and alignment before asking the allocator. The pool holds
//! at most [`MAX_BUFFERS`] buffers and [`MAX_BYTES`] bytes; beyond that the oldest buffer is
//! freed. Smaller buffers are left to `malloc`, whose free lists keep them warm anyway.

use std::alloc::{Layout, dealloc};
use std::ptr::NonNull;
use std::sync::Mutex;

/// Buffers smaller than this are not pooled.
const MIN_BYTES: usize = 1 << 20;
/// The most buffers the pool holds.
const MAX_BUFFERS: usize = 16;
/// The most bytes the pool holds.
const MAX_BYTES: usize = 1 << 30;

/// A freed allocation: its address and the layout it was allocated with.
struct Freed {
    ptr: NonNull<u8>,
    layout: Layout,
}

// SAFETY: a `Freed` owns its allocation exclusively (nothing else points into it).
unsafe impl Send for Freed {}

static POOL: Mutex<Vec<Freed>> = Mutex::new(Vec::new());

/// The layout of a `Vec<T>` with capacity `n`, if the pool handles such buffers.
fn pooled_layout<T>(n: usize) -> Option<Layout> {
    let layout = Layout::array::<T>(n).ok()?;
    (layout.size() >= MIN_BYTES && layout.size() <= MAX_BYTES).then_some(layout)
}

/// An empty vector with capacity exactly `n` from a pooled buffer, if one of that size is free.
pub(crate) fn take<T>(n: usize) -> Option<Vec<T>> {
    let layout = pooled_layout::<T>(n)?;
    let mut pool = POOL.lock().ok()?;
    let i = pool.iter().rposition(|freed| freed.layout == layout)?;
    let freed = pool.swap_remove(i);
    // SAFETY: the buffer was allocated by the global allocator with `layout`, which is the
    // layout of `n` values of `T` (same size and alignment), and nothing else owns it.
    Some(unsafe { Vec::from_raw_parts(freed.ptr.as_ptr().cast::<T>(), 0, n) })
}

/// Takes back the buffer of a vector that is no longer needed (its values are dropped first);
/// buffers the pool does not keep are freed as usual.
pub(crate) fn give<T>(mut values: Vec<T>) {
    values.clear();
    let Some(layout) = pooled_layout::<T>(values.capacity()) else {
        return;
    };
    let Ok(mut pool) = POOL.lock() else {
        return;
    };
    let mut values = std::mem::ManuallyDrop::new(values);
    let Some(ptr) = NonNull::new(values.as_mut_ptr().cast::<u8>()) else {
        // Unreachable for a non-zero layout; dropping normally is always sound.
        std::mem::ManuallyDrop::into_inner(values);
        return;
    };
    pool.push(Freed { ptr, layout });
    while pool.len() > MAX_BUFFERS
        || pool.iter().map(|f| f.layout.size()).sum::<usize>() > MAX_BYTES
    {
        let oldest = pool.remove(0);
        // SAFETY: the pool owned this allocation, made by the global allocator with `layout`.
        unsafe { dealloc(oldest.ptr.as_ptr(), oldest.layout) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_buffers_are_reused_small_ones_are_not() {
        let n = (MIN_BYTES / 8) * 3 + 1;
        let mut values: Vec<u64> = Vec::with_capacity(n);
        values.push(7);
        let address = values.as_ptr();
        give(values);
        // Another test may take it first; if it is still here, it is this very buffer.
        if let Some(again) = take::<u64>(n) {
            assert_eq!(
                (again.as_ptr(), again.len(), again.capacity()),
                (address, 0, n)
            );
        }
        assert!(take::<u64>(n + 1).is_none_or(|v| v.capacity() == n + 1));
        give(Vec::<u8>::with_capacity(16));
        assert!(take::<u8>(16).is_none());
    }
}
