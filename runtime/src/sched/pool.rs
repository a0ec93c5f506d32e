//! The persistent worker pool: started once per process, on the first pipeline; the calling
//! thread is worker 0 and takes part in every pipeline it starts.
//!
//! # Hand-off protocol
//!
//! The pool holds one job slot: `job` (a pointer to the caller's [`Job`], which lives on the
//! caller's stack), `open` (the sequence number of the job that may still be entered, 0 for
//! none), `active` (workers other than the caller inside the job) and `epoch`, one word packing
//! the sequence number (high bits) and the participant count (low [`PARTICIPANT_BITS`] bits).
//! Only the holder of the `dispatch` lock publishes, so there is at most one job at a time.
//!
//! - **Publish** (caller): store `job`, then `open = s`, then `epoch` (all SeqCst), then wake
//!   sleeping workers. The caller then works on the job itself as worker 0.
//! - **Enter** (worker `i` that saw epoch `s` with `i < participants`): increment `active`,
//!   then read `open`; only if it is still `s` may the worker use `job`. It leaves by
//!   decrementing `active`, waking the caller if it was the last.
//! - **Close** (caller, once its own share is done): every queue is then empty (worker 0
//!   visits all queues and queues are never refilled) or the pipeline is cancelled, so no
//!   new chunk will start. The caller stores `open = 0`, waits for `active == 0` (chunks
//!   already claimed finish), then returns and frees the job.
//!
//! Why the job outlives every use: with SeqCst there is one order of all these operations.
//! A worker that read `open == s` did so before the close, and its increment came earlier
//! still, so the caller's wait sees it until it leaves; and since the next job is published
//! only after this one closed and drained, `job` still points to job `s` when that worker
//! reads it. A worker that increments after the close reads `open != s` and never touches the
//! job (its brief increment only delays the wait). A participant descheduled until after the
//! close is simply not needed: a pipeline never waits for a worker that has not started,
//! which keeps dispatch cheap on a loaded machine.
//!
//! # Waiting
//!
//! Waiters ([`Signal`]) spin for [`SPIN`] (not at all when the pool has more workers than the
//! machine has CPUs), then yield until [`YIELD`], then sleep on a condition variable. A
//! sleeper increments `sleepers` under the mutex and re-checks its condition before sleeping;
//! a notifier changes the condition, then reads `sleepers`, and only if it is non-zero takes
//! the mutex and notifies. Both sides use SeqCst, so either the sleeper sees the change or the
//! notifier sees the sleeper (and, taking the mutex, cannot notify before the sleeper waits):
//! no lost wake-up. Spinning first keeps back-to-back pipelines at a few microseconds of
//! dispatch cost; sleeping keeps an idle pool off the CPU.
//!
//! # Nested and concurrent pipelines
//!
//! A pipeline started while the `dispatch` lock is taken (from inside a running body, or from
//! a second thread while another pipeline runs) does not wait for the pool: it runs on its
//! calling thread alone, with the same scheme and its own scratch space. Nothing ever waits for
//! the pool while holding it, so pipelines cannot deadlock.

use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, Once, OnceLock, TryLockError};
use std::time::{Duration, Instant};

use crossbeam_deque::Injector;

use crate::error::{RtResult, RuntimeError};

use super::af::AfSource;
use super::config::{QueueLayout, SchedConfig, Scheme, VictimSelection};
use super::exec::{Body, Job, panic_message};
use super::queues::{self, Scratch, SequenceSpec, Source};
use super::topology::{self, Topology};
use super::trace::ChunkEvent;

/// Low bits of `epoch` that hold the participant count; the pool never exceeds this many.
const PARTICIPANT_BITS: u32 = 16;
/// How long a waiter spins before yielding.
const SPIN: Duration = Duration::from_micros(50);
/// How long (from the start of the wait) a waiter yields before sleeping.
const YIELD: Duration = Duration::from_millis(1);

/// A pipeline with everything resolved: what [`Pool::execute`] runs.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Pipeline id.
    pub id: u64,
    /// Rows.
    pub rows: usize,
    /// The concrete scheme (AUTO already resolved).
    pub scheme: Scheme,
    /// Queue layout.
    pub layout: QueueLayout,
    /// Victim selection.
    pub victim: VictimSelection,
    /// Workers wanted, including the caller.
    pub workers: usize,
    /// Minimum chunk.
    pub grain: usize,
    /// CST chunk.
    pub cst_chunk: Option<usize>,
    /// Pre-partition into one block per queue.
    pub pre_partition: bool,
    /// Push mode.
    pub push: bool,
    /// Record chunk events.
    pub tracing: bool,
}

/// What running a plan produced.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The pipeline's result.
    pub result: RtResult<()>,
    /// Recorded chunk events (empty unless tracing).
    pub events: Vec<ChunkEvent>,
    /// Workers that took part.
    pub workers: usize,
    /// Queues used.
    pub queues: usize,
    /// Chunks planned up front (`None` for AF, which cuts on demand).
    pub chunks: Option<usize>,
}

/// A spin-then-block wait point (see the module docs).
#[derive(Debug, Default)]
struct Signal {
    lock: Mutex<()>,
    condvar: Condvar,
    sleepers: AtomicUsize,
}

impl Signal {
    /// Returns once `ready()` holds, spinning for `spin` first. `ready` must read with SeqCst.
    fn wait(&self, spin: Duration, ready: impl Fn() -> bool) {
        let start = Instant::now();
        let mut rounds = 0u32;
        while !ready() {
            rounds = rounds.wrapping_add(1);
            if !rounds.is_multiple_of(64) {
                std::hint::spin_loop();
                continue;
            }
            let waited = start.elapsed();
            if waited < spin {
                continue;
            }
            if waited < YIELD {
                std::thread::yield_now();
                continue;
            }
            let mut guard = self
                .lock
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            self.sleepers.fetch_add(1, Ordering::SeqCst);
            while !ready() {
                guard = self
                    .condvar
                    .wait(guard)
                    .unwrap_or_else(|poison| poison.into_inner());
            }
            self.sleepers.fetch_sub(1, Ordering::SeqCst);
            return;
        }
    }

    /// Wakes sleepers; call after making their condition true with a SeqCst store.
    fn notify(&self) {
        if self.sleepers.load(Ordering::SeqCst) > 0 {
            let _guard = self
                .lock
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            self.condvar.notify_all();
        }
    }
}

/// The process-wide pool.
pub(crate) struct Pool {
    /// The configuration the pool started with.
    config: SchedConfig,
    /// Per worker, its CPU id (for pinning) and dense group index.
    worker_cpus: Vec<usize>,
    worker_groups: Vec<usize>,
    /// Workers actually running, including the caller (spawning may fall short).
    live: AtomicUsize,
    /// How long waiters spin: [`SPIN`], or zero when there are more workers than CPUs (a
    /// spinning thread would then take a CPU from a working one).
    spin: Duration,
    /// The job slot.
    epoch: AtomicU64,
    job: AtomicPtr<Job<'static>>,
    open: AtomicU64,
    active: AtomicUsize,
    work: Signal,
    done: Signal,
    /// Held while a pipeline runs on the pool; holds reusable scratch space.
    dispatch: Mutex<Scratch>,
    /// One deque per possible queue, for push mode.
    deques: Vec<Injector<Range<usize>>>,
    started: Once,
}

static POOL: OnceLock<Pool> = OnceLock::new();

/// The configuration the pool started with, if it has started.
pub(crate) fn started_with() -> Option<&'static SchedConfig> {
    POOL.get().map(|pool| &pool.config)
}

/// The pool, started with `config` if this is the first call.
pub(crate) fn get(config: &SchedConfig) -> &'static Pool {
    let pool = POOL.get_or_init(|| Pool::new(config));
    pool.started.call_once(|| pool.start());
    pool
}

impl Pool {
    fn new(config: &SchedConfig) -> Self {
        let topology = Topology::detect();
        let cpus = topology.worker_cpus(config.hyperthreading);
        let workers = config
            .num_threads
            .unwrap_or_else(|| topology.default_workers(config.hyperthreading))
            .clamp(1, (1 << PARTICIPANT_BITS) - 1);
        let mut packages: Vec<usize> = Vec::new();
        let (mut worker_cpus, mut worker_groups) = (Vec::new(), Vec::new());
        for worker in 0..workers {
            let cpu = cpus[worker % cpus.len()];
            let group = packages
                .iter()
                .position(|&package| package == cpu.package)
                .unwrap_or_else(|| {
                    packages.push(cpu.package);
                    packages.len() - 1
                });
            worker_cpus.push(cpu.id);
            worker_groups.push(group);
        }
        if config.debug_mt {
            eprintln!(
                "[sched] topology: {} usable CPUs, {} physical cores, {} packages; pool: {workers} \
                 workers on CPUs {worker_cpus:?} (groups {worker_groups:?}), {}",
                topology.cpus.len(),
                topology.worker_cpus(false).len(),
                packages.len(),
                if config.pin_workers {
                    "pinned"
                } else {
                    "not pinned"
                },
            );
        }
        Self {
            config: config.clone(),
            worker_cpus,
            worker_groups,
            live: AtomicUsize::new(1),
            spin: if workers > topology.cpus.len() {
                Duration::ZERO
            } else {
                SPIN
            },
            epoch: AtomicU64::new(0),
            job: AtomicPtr::new(std::ptr::null_mut()),
            open: AtomicU64::new(0),
            active: AtomicUsize::new(0),
            work: Signal::default(),
            done: Signal::default(),
            dispatch: Mutex::new(Scratch::default()),
            deques: (0..workers).map(|_| Injector::new()).collect(),
            started: Once::new(),
        }
    }

    /// Spawns workers 1.. and pins the calling thread (worker 0) if asked.
    fn start(&'static self) {
        if self.config.pin_workers {
            self.pin(0);
        }
        for worker in 1..self.worker_cpus.len() {
            let spawned = std::thread::Builder::new()
                .name(format!("daphne-worker-{worker}"))
                .spawn(move || self.worker_loop(worker));
            if let Err(error) = spawned {
                eprintln!("warning: cannot start scheduler worker {worker}: {error}");
                break;
            }
            self.live.store(worker + 1, Ordering::SeqCst);
        }
    }

    fn pin(&self, worker: usize) {
        let cpu = self.worker_cpus[worker];
        if let Err(error) = topology::pin_current_thread(cpu) {
            eprintln!("warning: cannot pin scheduler worker {worker} to CPU {cpu}: {error}");
        }
    }

    /// The number of workers, including the calling thread.
    pub(crate) fn workers(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    fn worker_loop(&'static self, worker: usize) {
        if self.config.pin_workers {
            self.pin(worker);
        }
        let mut seen = 0u64;
        loop {
            self.work.wait(self.spin, || {
                self.epoch.load(Ordering::SeqCst) >> PARTICIPANT_BITS != seen
            });
            let word = self.epoch.load(Ordering::SeqCst);
            seen = word >> PARTICIPANT_BITS;
            let participants = (word & ((1 << PARTICIPANT_BITS) - 1)) as usize;
            if worker >= participants {
                continue;
            }
            self.active.fetch_add(1, Ordering::SeqCst);
            if self.open.load(Ordering::SeqCst) == seen {
                // SAFETY: `open` still names this job after our increment of `active`, so the
                // caller has not closed it and will not free it before we decrement `active`
                // below; `job` points to it (see the module docs).
                let job = unsafe { &*self.job.load(Ordering::SeqCst) };
                if let Err(payload) =
                    panic::catch_unwind(AssertUnwindSafe(|| job.participate(worker)))
                {
                    job.fail(RuntimeError::new(format!(
                        "scheduler worker {worker} failed: {}",
                        panic_message(payload.as_ref())
                    )));
                }
            }
            if self.active.fetch_sub(1, Ordering::SeqCst) == 1 {
                self.done.notify();
            }
        }
    }

    /// Runs a plan: on the pool when it is free, else on the calling thread alone.
    pub(crate) fn execute(&'static self, plan: &Plan, body: &Body<'_>) -> Outcome {
        match self.dispatch.try_lock() {
            Ok(mut scratch) => self.execute_with(&mut scratch, plan, body, true),
            Err(TryLockError::Poisoned(poison)) => {
                self.execute_with(&mut poison.into_inner(), plan, body, true)
            }
            Err(TryLockError::WouldBlock) => {
                self.execute_with(&mut Scratch::default(), plan, body, false)
            }
        }
    }

    fn execute_with(
        &'static self,
        scratch: &mut Scratch,
        plan: &Plan,
        body: &Body<'_>,
        on_pool: bool,
    ) -> Outcome {
        let workers = if on_pool {
            plan.workers.clamp(1, self.workers())
        } else {
            1
        };
        scratch.set_layout(plan.layout, &self.worker_groups[..workers]);
        let queues = scratch.queues();
        let push = plan.push && on_pool;
        let adaptive = (plan.scheme == Scheme::AF && !push)
            .then(|| AfSource::new(plan.rows, workers, queues, plan.grain));
        let chunks = match adaptive {
            Some(_) => None,
            None => Some(scratch.plan(SequenceSpec {
                scheme: plan.scheme,
                rows: plan.rows,
                workers,
                grain: plan.grain,
                cst_chunk: plan.cst_chunk,
                pre_partition: plan.pre_partition,
            })),
        };
        let deques = &self.deques[..queues];
        if push {
            scratch.deal(deques);
        }
        let scratch = &*scratch;
        let source = match &adaptive {
            Some(af) => Source::Adaptive(af),
            None if push => Source::Push(deques),
            None => Source::Pull(scratch),
        };
        let seed = self.epoch.load(Ordering::Relaxed) >> PARTICIPANT_BITS;
        let job = Job::new(
            plan.id,
            workers,
            body,
            source,
            &scratch.homes,
            &scratch.queue_groups,
            plan.victim,
            seed,
            plan.tracing,
        );
        if workers > 1 {
            self.publish(&job, workers);
        }
        let own = panic::catch_unwind(AssertUnwindSafe(|| job.participate(0)));
        if workers > 1 {
            self.open.store(0, Ordering::SeqCst);
            self.done
                .wait(self.spin, || self.active.load(Ordering::SeqCst) == 0);
            self.job.store(std::ptr::null_mut(), Ordering::SeqCst);
        }
        if let Err(payload) = own {
            job.fail(RuntimeError::new(format!(
                "scheduler failed on the calling thread: {}",
                panic_message(payload.as_ref())
            )));
        }
        if push && job.cancelled() {
            queues::drain(deques);
        }
        let (result, events) = job.finish();
        Outcome {
            result,
            events,
            workers,
            queues,
            chunks,
        }
    }

    /// Hands `job` to workers `1..participants` (see the module docs).
    fn publish(&self, job: &Job<'_>, participants: usize) {
        let pointer = std::ptr::from_ref(job).cast::<Job<'static>>().cast_mut();
        let sequence = (self.epoch.load(Ordering::SeqCst) >> PARTICIPANT_BITS) + 1;
        self.job.store(pointer, Ordering::SeqCst);
        self.open.store(sequence, Ordering::SeqCst);
        self.epoch.store(
            (sequence << PARTICIPANT_BITS) | participants as u64,
            Ordering::SeqCst,
        );
        self.work.notify();
    }
}
