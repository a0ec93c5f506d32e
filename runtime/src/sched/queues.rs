//! Queue layouts and the chunk sources behind the queues.
//!
//! A pipeline has `Q` queues: 1 (CENTRALIZED), one per CPU package among its workers
//! (PERGROUP), or one per worker (PERCPU). Worker `w` calls queue `homes[w]` home.
//!
//! Which chunks a queue holds:
//! - Without pre-partitioning, one sequence of chunks covers all rows and chunk `k` belongs to
//!   queue `k mod Q` (DAPHNE's round-robin dealing).
//! - With pre-partitioning the rows are first split into `Q` contiguous blocks whose sizes
//!   differ by at most one row (DAPHNE gives the whole remainder to the first block), and each
//!   block is partitioned on its own, still for all `p` workers, into its queue.
//!
//! Both cases are one list of chunk boundaries plus, per queue, an arithmetic progression of
//! chunk indices ([`QueueSpan`]). How the chunks reach the workers:
//! - **pull** (default): a queue is a cursor over its span; claiming a chunk is one
//!   `fetch_add` on the queue's own cache line, so a worker takes work the moment it is idle
//!   and nothing is materialized beyond the boundary list.
//! - **push** (`--sched-push`): before the workers start, the calling thread deals every chunk
//!   into its queue's `crossbeam_deque::Injector` (a lock-free FIFO); workers pop their own
//!   queue's front and steal from the others' fronts. This is DAPHNE's mechanism.
//! - **adaptive** (AF in pull mode): chunks are cut on demand from per-queue blocks, see
//!   [`super::af`].
//!
//! No queue is refilled while a pipeline runs, so "empty" is final for every source.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use crossbeam_deque::{Injector, Steal};
use crossbeam_utils::CachePadded;

use super::af::AfSource;
use super::config::{QueueLayout, Scheme};
use super::partition::Partitioner;

/// The chunks of one queue: indices `first + j * stride` for `j < count` into the boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QueueSpan {
    first: usize,
    stride: usize,
    count: usize,
}

/// Everything a pipeline's queues need, kept between pipelines to avoid allocating.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Chunk `k` covers rows `bounds[k]..bounds[k + 1]`.
    bounds: Vec<usize>,
    /// Per queue, the chunks it holds.
    spans: Vec<QueueSpan>,
    /// Per queue, the next position in its span (pull mode).
    cursors: Vec<CachePadded<AtomicUsize>>,
    /// Per worker, its home queue.
    pub(crate) homes: Vec<usize>,
    /// Per queue, its group (CPU package).
    pub(crate) queue_groups: Vec<usize>,
}

/// The parameters of a fixed chunk sequence.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SequenceSpec {
    /// The scheme (AF means FAC2's sequence, AUTO MSTATIC's).
    pub scheme: Scheme,
    /// Rows of the pipeline.
    pub rows: usize,
    /// Workers the formulas divide by.
    pub workers: usize,
    /// Minimum chunk.
    pub grain: usize,
    /// CST's chunk.
    pub cst_chunk: Option<usize>,
    /// Whether to partition one block per queue.
    pub pre_partition: bool,
}

impl Scratch {
    /// Sets `homes` and `queue_groups` for `layout`, given each worker's dense group index.
    pub(crate) fn set_layout(&mut self, layout: QueueLayout, worker_groups: &[usize]) {
        self.homes.clear();
        self.queue_groups.clear();
        match layout {
            QueueLayout::CENTRALIZED => {
                self.homes.resize(worker_groups.len(), 0);
                self.queue_groups.push(0);
            }
            QueueLayout::PERGROUP => {
                // Groups in order of first appearance among the workers, renumbered densely.
                let mut seen: Vec<usize> = Vec::new();
                for &group in worker_groups {
                    let queue = match seen.iter().position(|&known| known == group) {
                        Some(queue) => queue,
                        None => {
                            seen.push(group);
                            seen.len() - 1
                        }
                    };
                    self.homes.push(queue);
                }
                self.queue_groups.extend(0..seen.len());
            }
            QueueLayout::PERCPU => {
                self.homes.extend(0..worker_groups.len());
                self.queue_groups.extend_from_slice(worker_groups);
            }
        }
    }

    /// The number of queues of the current layout.
    pub(crate) fn queues(&self) -> usize {
        self.queue_groups.len()
    }

    /// Computes the chunk boundaries and queue spans of a fixed sequence for the current
    /// layout, and resets the pull cursors. Returns the number of chunks.
    pub(crate) fn plan(&mut self, spec: SequenceSpec) -> usize {
        let queues = self.queues();
        self.bounds.clear();
        self.spans.clear();
        self.bounds.push(0);
        if spec.pre_partition && queues > 1 {
            let mut start = 0;
            for queue in 0..queues {
                let block = spec.rows / queues + usize::from(queue < spec.rows % queues);
                let first = self.bounds.len() - 1;
                let mut end = start;
                for chunk in
                    Partitioner::new(spec.scheme, block, spec.workers, spec.grain, spec.cst_chunk)
                {
                    end += chunk;
                    self.bounds.push(end);
                }
                let count = self.bounds.len() - 1 - first;
                self.spans.push(QueueSpan {
                    first,
                    stride: 1,
                    count,
                });
                start += block;
            }
        } else {
            let mut end = 0;
            for chunk in Partitioner::new(
                spec.scheme,
                spec.rows,
                spec.workers,
                spec.grain,
                spec.cst_chunk,
            ) {
                end += chunk;
                self.bounds.push(end);
            }
            let chunks = self.bounds.len() - 1;
            for queue in 0..queues {
                let count = chunks.saturating_sub(queue).div_ceil(queues);
                self.spans.push(QueueSpan {
                    first: queue,
                    stride: queues,
                    count,
                });
            }
        }
        if self.cursors.len() < queues {
            self.cursors.resize_with(queues, Default::default);
        }
        for cursor in &self.cursors[..queues] {
            cursor.store(0, Ordering::Relaxed);
        }
        self.bounds.len() - 1
    }

    /// The rows of the `j`-th chunk of `queue`.
    fn chunk(&self, queue: usize, j: usize) -> Range<usize> {
        let span = self.spans[queue];
        let index = span.first + j * span.stride;
        self.bounds[index]..self.bounds[index + 1]
    }

    /// Deals every planned chunk into its queue's deque (push mode), queue by queue in
    /// chunk order.
    pub(crate) fn deal(&self, deques: &[Injector<Range<usize>>]) {
        for (queue, span) in self.spans.iter().enumerate() {
            for j in 0..span.count {
                deques[queue].push(self.chunk(queue, j));
            }
        }
    }
}

/// Where a running pipeline's workers take their chunks from.
pub(crate) enum Source<'a> {
    /// Pull: cursors over the planned spans.
    Pull(&'a Scratch),
    /// Push: the pre-dealt deques, one per queue.
    Push(&'a [Injector<Range<usize>>]),
    /// AF in pull mode: chunks cut on demand from measurements.
    Adaptive(&'a AfSource),
}

impl Source<'_> {
    /// Claims the next chunk of `queue` for `worker`; `None` once the queue is empty (final).
    pub(crate) fn claim(&self, queue: usize, worker: usize) -> Option<Range<usize>> {
        match self {
            Source::Pull(scratch) => {
                let j = scratch.cursors[queue].fetch_add(1, Ordering::Relaxed);
                (j < scratch.spans[queue].count).then(|| scratch.chunk(queue, j))
            }
            Source::Push(deques) => loop {
                match deques[queue].steal() {
                    Steal::Success(chunk) => return Some(chunk),
                    Steal::Empty => return None,
                    Steal::Retry => std::hint::spin_loop(),
                }
            },
            Source::Adaptive(af) => af.claim(queue, worker),
        }
    }

    /// Feeds a finished chunk's time back (AF only).
    pub(crate) fn report(&self, worker: usize, rows: usize, seconds: f64) {
        if let Source::Adaptive(af) = self {
            af.report(worker, rows, seconds);
        }
    }

    /// Whether the source wants [`Source::report`] calls.
    pub(crate) fn is_adaptive(&self) -> bool {
        matches!(self, Source::Adaptive(_))
    }
}

/// Empties deques that a cancelled pipeline left behind, so the next pipeline starts clean.
pub(crate) fn drain(deques: &[Injector<Range<usize>>]) {
    for deque in deques {
        while !matches!(deque.steal(), Steal::Empty) {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(rows: usize, pre_partition: bool) -> SequenceSpec {
        SequenceSpec {
            scheme: Scheme::STATIC,
            rows,
            workers: 4,
            grain: 1,
            cst_chunk: None,
            pre_partition,
        }
    }

    fn chunks_of(scratch: &Scratch, queue: usize) -> Vec<Range<usize>> {
        let source = Source::Pull(scratch);
        std::iter::from_fn(|| source.claim(queue, 0)).collect()
    }

    #[test]
    fn round_robin_dealing() {
        let mut scratch = Scratch::default();
        scratch.set_layout(QueueLayout::PERCPU, &[0, 0, 0]);
        assert_eq!(scratch.plan(spec(10, false)), 4);
        assert_eq!(chunks_of(&scratch, 0), vec![0..3, 8..10]);
        assert_eq!(chunks_of(&scratch, 1), vec![3..6]);
        assert_eq!(chunks_of(&scratch, 2), vec![6..8]);
    }

    #[test]
    fn pre_partition_blocks() {
        let mut scratch = Scratch::default();
        scratch.set_layout(QueueLayout::PERCPU, &[0, 0]);
        scratch.plan(spec(9, true));
        assert_eq!(chunks_of(&scratch, 0), vec![0..2, 2..3, 3..4, 4..5]);
        assert_eq!(chunks_of(&scratch, 1), vec![5..6, 6..7, 7..8, 8..9]);
    }

    #[test]
    fn pergroup_renumbers_groups() {
        let mut scratch = Scratch::default();
        scratch.set_layout(QueueLayout::PERGROUP, &[3, 3, 1, 1, 3]);
        assert_eq!(scratch.homes, vec![0, 0, 1, 1, 0]);
        assert_eq!(scratch.queue_groups, vec![0, 1]);
    }

    #[test]
    fn push_deals_the_same_chunks() {
        let mut scratch = Scratch::default();
        scratch.set_layout(QueueLayout::PERCPU, &[0, 1]);
        scratch.plan(spec(10, false));
        let deques: Vec<Injector<Range<usize>>> = (0..2).map(|_| Injector::new()).collect();
        scratch.deal(&deques);
        let source = Source::Push(&deques);
        let first: Vec<_> = std::iter::from_fn(|| source.claim(0, 0)).collect();
        assert_eq!(first, vec![0..3, 6..8]);
        drain(&deques);
        assert!(source.claim(1, 0).is_none());
    }
}
