//! DaphneSched: runs a pipeline body over row chunks on a persistent pool of workers.
//!
//! A pipeline is `rows` rows and a body `f(begin, end, worker)` that processes rows
//! `begin..end`; compiled code passes an `extern "C"` function (see [`capi`]), kernels a
//! closure ([`run_pipeline`], or the helpers of [`combine`]). Each pipeline:
//!
//! 1. resolves its settings: the [`PipelineDesc`]'s overrides over the process-wide
//!    [`SchedConfig`] ([`configure`]); AUTO asks [`auto`] for this invocation's scheme;
//! 2. lays out its queues (`queues`: CENTRALIZED, PERGROUP, PERCPU) and fills them with the
//!    scheme's chunk sequence ([`partition`]), or for AF cuts chunks on demand (`af`);
//! 3. publishes itself to the pool (`pool`); every participant, the calling thread
//!    included, drains its home queue and then steals in the victim order (`victim`);
//! 4. returns the first error or panic of any chunk as an `Err` on the calling thread once all
//!    participants have left (`exec`); with a trace path configured, appends its chunk events
//!    to the trace ([`trace`], drawn by [`plot`]).
//!
//! **Architecture invariants.** Every row of a pipeline is handed to exactly one body call
//! (property-tested for every scheme, layout, victim selection and worker count). The pool is
//! created once per process and never probes the topology again. No lock is shared between
//! workers on the per-chunk path: pull claims are one atomic add on the queue's own cache line,
//! push claims a lock-free deque pop, and per-worker partial results are indexed by worker
//! ([`combine`]). AF takes a small lock to cut a chunk and to record its time, by design (its
//! chunks are few). A pipeline never waits for a busy pool: nested and concurrent pipelines
//! run on their calling thread.
//!
//! **Where DAPHNE differs** is documented where it matters: chunk formulas in [`partition`],
//! queue filling and pre-partitioning in `queues`, AUTO in [`auto`]. In addition,
//! `--num-threads` is honoured with every queue layout (DAPHNE replaces it by the number of
//! logical CPUs when the layout is not CENTRALIZED), the calling thread works as worker 0
//! (DAPHNE's main thread only enqueues), and `--debug-mt` writes to standard error so that
//! it never mixes with a script's output.

mod af;
pub mod auto;
pub mod capi;
pub mod combine;
pub mod config;
mod exec;
pub mod partition;
pub mod plot;
mod pool;
mod queues;
pub mod topology;
pub mod trace;
mod victim;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use crate::error::{RtResult, RuntimeError};

pub use config::{
    ConfigError, FLAGS, FlagSpec, QueueLayout, SchedConfig, Scheme, VictimSelection, configure,
    init_from_env, init_with_defaults, vectorized,
};
pub use exec::{Body, WorkerState};

/// One pipeline to run: its identity, its size, and optional per-pipeline overrides of the
/// process-wide [`SchedConfig`] (`None` = use the configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineDesc {
    /// Identifies the pipeline across invocations (AUTO's history, the trace). Compiled
    /// pipelines use a number fixed at compile time; kernels use a constant of their own.
    pub id: u64,
    /// Number of rows to process.
    pub rows: usize,
    /// Partitioning scheme.
    pub scheme: Option<Scheme>,
    /// Queue layout.
    pub layout: Option<QueueLayout>,
    /// Victim selection.
    pub victim: Option<VictimSelection>,
    /// At most this many workers (at least 1; capped by the pool size).
    pub workers: Option<usize>,
    /// Minimum chunk size.
    pub grain: Option<usize>,
    /// Pre-partition rows into one block per queue.
    pub pre_partition: Option<bool>,
    /// Push mode.
    pub push: Option<bool>,
}

impl PipelineDesc {
    /// A pipeline of `rows` rows with the process-wide settings.
    pub fn new(id: u64, rows: usize) -> Self {
        Self {
            id,
            rows,
            ..Self::default()
        }
    }
}

/// Sequence numbers of pipeline invocations in this process (for traces).
static INVOCATIONS: AtomicU64 = AtomicU64::new(0);

/// Runs `body` over all rows of `desc`, in chunks, on the worker pool.
///
/// `body(begin, end, state)` processes rows `begin..end`; every row is passed exactly once.
/// Returns the first error a body returned or the first panic (as an error naming the
/// pipeline and rows), after every worker has left the pipeline; an error cancels the chunks
/// not yet started. Zero rows return at once without calling `body`.
pub fn run_pipeline(desc: &PipelineDesc, body: &Body<'_>) -> RtResult<()> {
    if desc.rows == 0 {
        return Ok(());
    }
    let config = config::current().map_err(|error| RuntimeError::new(error.message()))?;
    let pool = pool::get(&config);
    let requested = desc.scheme.unwrap_or(config.scheme);
    let scheme = if requested == Scheme::AUTO {
        auto::choose(desc.id)
    } else {
        requested
    };
    let cst_chunk = config.cst_chunk;
    if scheme == Scheme::CST && cst_chunk.is_none() {
        bail!(
            "partitioning scheme CST needs a chunk size: `--cst-chunk=N` or DAPHNE_CST_TASK_SIZE=N"
        );
    }
    let plan = pool::Plan {
        id: desc.id,
        rows: desc.rows,
        scheme,
        layout: desc.layout.unwrap_or(config.layout),
        victim: desc.victim.unwrap_or(config.victim),
        workers: desc.workers.unwrap_or(usize::MAX),
        grain: desc.grain.unwrap_or(config.grain_size).max(1),
        cst_chunk,
        pre_partition: desc.pre_partition.unwrap_or(config.pre_partition),
        push: desc.push.unwrap_or(config.push),
        tracing: config.trace_path.is_some(),
    };
    let invocation = INVOCATIONS.fetch_add(1, Ordering::Relaxed);
    let start_us = trace::now_us();
    let started = Instant::now();
    let outcome = pool.execute(&plan, body);
    let elapsed = started.elapsed();
    if requested == Scheme::AUTO && outcome.result.is_ok() {
        auto::record(desc.id, scheme, desc.rows, elapsed);
    }
    if config.debug_mt {
        eprintln!(
            "[sched] pipeline {} #{invocation}: {} rows, {scheme}{}, {} with {} queue(s), {}, {}, \
             {} worker(s), {} chunks, {:.1} us",
            desc.id,
            desc.rows,
            if requested == Scheme::AUTO {
                " (AUTO)"
            } else {
                ""
            },
            plan.layout,
            outcome.queues,
            plan.victim,
            if plan.push { "push" } else { "pull" },
            outcome.workers,
            outcome
                .chunks
                .map_or_else(|| "adaptive".to_owned(), |chunks| chunks.to_string()),
            elapsed.as_secs_f64() * 1e6,
        );
    }
    if let Some(path) = &config.trace_path {
        let record = trace::PipelineRecord {
            id: desc.id,
            invocation,
            scheme,
            rows: desc.rows,
            start_us,
            end_us: trace::now_us(),
            chunks: outcome.events,
        };
        let written = trace::append(path, &record);
        outcome.result?;
        return written;
    }
    outcome.result
}

/// The number of workers in the pool, including the calling thread (starts the pool).
/// [`WorkerState::worker`] is always below it, so per-worker arrays of this length suffice.
pub fn max_workers() -> RtResult<usize> {
    let config = config::current().map_err(|error| RuntimeError::new(error.message()))?;
    Ok(pool::get(&config).workers())
}
