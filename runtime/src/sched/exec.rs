//! One running pipeline ([`Job`]) and what a worker does in it.
//!
//! A participant first drains its home queue, then visits the other queues in the victim
//! order (see [`super::victim`]). Each chunk runs under `catch_unwind`: an `Err` returned by
//! the body or a panic records the pipeline's first error and raises the `cancelled` flag, after
//! which every participant stops claiming; chunks already running finish. The error reaches
//! the calling thread once all participants have left, so no worker is lost and no caller
//! hangs.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::error::{RtResult, RuntimeError};

use super::config::VictimSelection;
use super::queues::Source;
use super::trace::{self, ChunkEvent};
use super::victim::{self, XorShift};

/// The body of a pipeline: runs rows `begin..end` on behalf of a worker.
pub type Body<'a> = dyn Fn(usize, usize, &mut WorkerState) -> RtResult<()> + Sync + 'a;

/// What a body learns about the worker running it.
#[derive(Debug)]
pub struct WorkerState {
    worker: usize,
    workers: usize,
    pipeline: u64,
}

impl WorkerState {
    /// This worker's index, below [`WorkerState::workers`] and below
    /// [`super::max_workers`]; the calling thread is worker 0. At most one thread acts as a
    /// given worker of a pipeline at a time, so per-worker partial results indexed by it need
    /// no shared lock.
    pub fn worker(&self) -> usize {
        self.worker
    }

    /// The number of workers taking part in this pipeline.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// The id of the running pipeline ([`super::PipelineDesc::id`]).
    pub fn pipeline(&self) -> u64 {
        self.pipeline
    }
}

/// A pipeline as its participants see it.
pub(crate) struct Job<'a> {
    /// The pipeline's id.
    pub id: u64,
    /// Participants, including the calling thread.
    pub workers: usize,
    /// The body.
    pub body: &'a Body<'a>,
    /// Where chunks come from.
    pub source: Source<'a>,
    /// Per worker, its home queue.
    pub homes: &'a [usize],
    /// Per queue, its group.
    pub queue_groups: &'a [usize],
    /// The victim order.
    pub victim: VictimSelection,
    /// Seed for random victim selection.
    pub seed: u64,
    /// Whether to record chunk events.
    pub tracing: bool,
    /// Raised by the first failure.
    cancelled: AtomicBool,
    /// The first failure.
    error: Mutex<Option<RuntimeError>>,
    /// Chunk events handed over by participants.
    events: Mutex<Vec<ChunkEvent>>,
}

impl<'a> Job<'a> {
    /// A job that has not started.
    #[expect(
        clippy::too_many_arguments,
        reason = "a plain constructor of a plain record"
    )]
    pub(crate) fn new(
        id: u64,
        workers: usize,
        body: &'a Body<'a>,
        source: Source<'a>,
        homes: &'a [usize],
        queue_groups: &'a [usize],
        victim: VictimSelection,
        seed: u64,
        tracing: bool,
    ) -> Self {
        Self {
            id,
            workers,
            body,
            source,
            homes,
            queue_groups,
            victim,
            seed,
            tracing,
            cancelled: AtomicBool::new(false),
            error: Mutex::new(None),
            events: Mutex::new(Vec::new()),
        }
    }

    /// Runs `worker`'s share of the pipeline; returns when no queue has work left for it.
    pub(crate) fn participate(&self, worker: usize) {
        let mut state = WorkerState {
            worker,
            workers: self.workers,
            pipeline: self.id,
        };
        let mut events = Vec::new();
        let timed = self.tracing || self.source.is_adaptive();
        let mut take_one = |queue: usize| -> bool {
            if self.cancelled.load(Ordering::Relaxed) {
                return false;
            }
            let Some(chunk) = self.source.claim(queue, worker) else {
                return false;
            };
            let started = timed.then(|| (Instant::now(), trace::now_us()));
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
                (self.body)(chunk.start, chunk.end, &mut state)
            }));
            if let Some((instant, start_us)) = started {
                self.source
                    .report(worker, chunk.len(), instant.elapsed().as_secs_f64());
                if self.tracing {
                    events.push(ChunkEvent {
                        worker,
                        begin: chunk.start,
                        end: chunk.end,
                        start_us,
                        end_us: trace::now_us(),
                    });
                }
            }
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(error)) => self.fail(error),
                Err(payload) => self.fail(RuntimeError::new(format!(
                    "pipeline {} panicked on rows {}..{}: {}",
                    self.id,
                    chunk.start,
                    chunk.end,
                    panic_message(payload.as_ref())
                ))),
            }
            true
        };
        let home = self.homes[worker];
        while take_one(home) {}
        let mut rng = XorShift::new(self.seed ^ (worker as u64).wrapping_mul(0x5851_F42D));
        victim::visit_victims(self.victim, home, self.queue_groups, &mut rng, take_one);
        if !events.is_empty() {
            self.events
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .append(&mut events);
        }
    }

    /// Records a failure (the first one wins) and stops further claims.
    pub(crate) fn fail(&self, error: RuntimeError) {
        let mut first = self
            .error
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if first.is_none() {
            *first = Some(error);
        }
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether a participant failed.
    pub(crate) fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// The outcome and the recorded chunk events, once every participant has left.
    pub(crate) fn finish(self) -> (RtResult<()>, Vec<ChunkEvent>) {
        let error = self
            .error
            .into_inner()
            .unwrap_or_else(|poison| poison.into_inner());
        let events = self
            .events
            .into_inner()
            .unwrap_or_else(|poison| poison.into_inner());
        (error.map_or(Ok(()), Err), events)
    }
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}
