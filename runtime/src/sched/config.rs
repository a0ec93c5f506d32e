//! Scheduler configuration: the knobs, their DAPHNE spellings, validation, and the process-wide
//! setting that every pipeline reads.
//!
//! A [`SchedConfig`] comes from three places, later ones winning: [`SchedConfig::default`]
//! (DAPHNE's defaults), the environment ([`SchedConfig::from_env`]: `DAPHNE_SCHED_ARGS` holds
//! command-line flags, `DAPHNE_CST_TASK_SIZE` the CST chunk), and command-line flags applied one
//! by one with [`SchedConfig::apply_flag`]. [`SchedConfig::validate`] reports every bad
//! combination once, before the first pipeline; [`configure`] installs the result for the
//! whole process. Pool-level knobs ([`SchedConfig::num_threads`], `pin_workers`,
//! `hyperthreading`) take effect when the pool starts (on the first pipeline) and cannot change
//! afterwards; the other knobs are read again by every pipeline.
//!
//! Flag names follow DAPHNE (`--partitioning=GSS`, `--queue_layout=PERCPU`,
//! `--victim_selection=SEQPRI`, `--num-threads=4`, `--grain-size=8`, `--pre-partition`,
//! `--pin-workers`, `--hyperthreading`, `--debug-mt`, `--vec`), plus this project's
//! `--cst-chunk=N`, `--sched-push` and `--sched-trace=out.json`. Values are matched without
//! regard to case.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, RwLock};

code_enum! {
    /// A partitioning scheme: how the rows of a pipeline are cut into chunks. Codes 0–12 are
    /// DAPHNE's `SelfSchedulingScheme`; 13 and 14 are this project's additions.
    pub enum Scheme {
        /// Static chunking: one chunk per worker, sizes differing by at most one row.
        STATIC = 0,
        /// Self-scheduling: chunks of one row.
        SS = 1,
        /// Guided self-scheduling: `ceil(R / p)`.
        GSS = 2,
        /// Trapezoid self-scheduling: linearly decreasing chunks.
        TSS = 3,
        /// Factoring with factor 2: batches of `p` equal chunks, halving per batch.
        FAC2 = 4,
        /// Trapezoid factoring self-scheduling, DAPHNE's variant: `ceil(R / 2p)`.
        TFSS = 5,
        /// Fixed increase self-scheduling: chunks growing by a fixed step per batch.
        FISS = 6,
        /// Variable increase self-scheduling: chunks growing by halving steps per batch.
        VISS = 7,
        /// Performance-based loop scheduling: a static half, then GSS.
        PLS = 8,
        /// Probabilistic self-scheduling: `ceil(R / 1.5p)`.
        PSS = 9,
        /// Modified static: `ceil(n / 4p)`.
        MSTATIC = 10,
        /// Modified fixed-size chunking.
        MFSC = 11,
        /// Per-pipeline automatic selection from measured run times (see [`super::auto`]).
        AUTO = 12,
        /// A constant chunk size (`--cst-chunk=N` or `DAPHNE_CST_TASK_SIZE`).
        CST = 13,
        /// Adaptive factoring: chunk sizes from the measured per-row time mean and variance.
        AF = 14,
    }
}

code_enum! {
    /// How many work queues a pipeline uses and which worker calls which queue home.
    pub enum QueueLayout {
        /// One queue shared by all workers.
        CENTRALIZED = 0,
        /// One queue per CPU package (socket); workers take from their package's queue first.
        PERGROUP = 1,
        /// One queue per worker.
        PERCPU = 2,
    }
}

code_enum! {
    /// The order in which a worker whose home queue is empty visits the other queues.
    pub enum VictimSelection {
        /// The next queues in index order, each drained before moving on.
        SEQ = 0,
        /// Like `SEQ`, but queues of the worker's own CPU package first.
        SEQPRI = 1,
        /// A random non-empty queue for every chunk.
        RANDOM = 2,
        /// Like `RANDOM`, but queues of the worker's own CPU package first.
        RANDOMPRI = 3,
    }
}

/// Parses a code enum by name, ignoring case; the error lists the accepted names.
fn parse_named<T: Copy + 'static>(
    what: &'static str,
    all: &'static [T],
    name: fn(T) -> &'static str,
    text: &str,
) -> Result<T, ConfigError> {
    all.iter()
        .copied()
        .find(|value| name(*value).eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| {
            let accepted: Vec<&str> = all.iter().map(|value| name(*value)).collect();
            ConfigError::new(format!(
                "invalid {what} `{text}` (expected one of: {})",
                accepted.join(", ")
            ))
        })
}

impl FromStr for Scheme {
    type Err = ConfigError;
    fn from_str(text: &str) -> Result<Self, ConfigError> {
        parse_named("partitioning scheme", Scheme::ALL, Scheme::name, text)
    }
}

impl FromStr for QueueLayout {
    type Err = ConfigError;
    fn from_str(text: &str) -> Result<Self, ConfigError> {
        parse_named("queue layout", QueueLayout::ALL, QueueLayout::name, text)
    }
}

impl FromStr for VictimSelection {
    type Err = ConfigError;
    fn from_str(text: &str) -> Result<Self, ConfigError> {
        parse_named(
            "victim selection",
            VictimSelection::ALL,
            VictimSelection::name,
            text,
        )
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for QueueLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for VictimSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A bad scheduler setting: unknown flag, malformed value or contradictory combination.
/// The message is lowercase without a trailing period; the CLI prints it and exits with 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    /// An error with the given message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether this error only says that a flag is not a scheduler flag (see
    /// [`SchedConfig::apply_flag`]).
    pub fn is_unknown_flag(&self) -> bool {
        self.message.starts_with(UNKNOWN_FLAG)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Message prefix of [`ConfigError::is_unknown_flag`] errors.
const UNKNOWN_FLAG: &str = "unknown scheduler flag";

/// A command-line flag of the scheduler, for building a CLI from one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagSpec {
    /// The name without leading dashes, as DAPHNE spells it.
    pub name: &'static str,
    /// The value's placeholder (`Some("N")` for `--grain-size=N`), or `None` for a switch.
    pub value: Option<&'static str>,
    /// One line of help.
    pub help: &'static str,
}

/// Every flag [`SchedConfig::apply_flag`] understands.
pub const FLAGS: &[FlagSpec] = &[
    FlagSpec {
        name: "vec",
        value: None,
        help: "run element-wise, aggregation and matmul kernels through the scheduler",
    },
    FlagSpec {
        name: "partitioning",
        value: Some("SCHEME"),
        help: "STATIC, SS, GSS, TSS, FAC2, TFSS, FISS, VISS, PLS, PSS, MSTATIC, MFSC, AUTO, CST or AF",
    },
    FlagSpec {
        name: "queue_layout",
        value: Some("LAYOUT"),
        help: "CENTRALIZED, PERGROUP or PERCPU",
    },
    FlagSpec {
        name: "victim_selection",
        value: Some("ORDER"),
        help: "SEQ, SEQPRI, RANDOM or RANDOMPRI",
    },
    FlagSpec {
        name: "num-threads",
        value: Some("N"),
        help: "workers including the main thread (default: physical cores)",
    },
    FlagSpec {
        name: "grain-size",
        value: Some("N"),
        help: "minimum chunk size in rows (default 1)",
    },
    FlagSpec {
        name: "cst-chunk",
        value: Some("N"),
        help: "chunk size of the CST scheme (or DAPHNE_CST_TASK_SIZE)",
    },
    FlagSpec {
        name: "pre-partition",
        value: None,
        help: "split the rows into one contiguous block per queue first",
    },
    FlagSpec {
        name: "pin-workers",
        value: None,
        help: "pin worker i to CPU i",
    },
    FlagSpec {
        name: "hyperthreading",
        value: None,
        help: "count logical CPUs, not physical cores, for the default worker count",
    },
    FlagSpec {
        name: "sched-push",
        value: None,
        help: "deal chunks into the queues up front (push) instead of claiming on demand (pull)",
    },
    FlagSpec {
        name: "sched-trace",
        value: Some("FILE"),
        help: "write a Chrome trace-event JSON of every chunk to FILE",
    },
    FlagSpec {
        name: "debug-mt",
        value: None,
        help: "print the topology, the pool and every pipeline's plan to standard error",
    },
];

/// Environment variable holding scheduler flags, e.g. `--partitioning=GSS --num-threads=2`.
pub const ENV_ARGS: &str = "DAPHNE_SCHED_ARGS";
/// Environment variable holding the CST chunk size (DAPHNE's name).
pub const ENV_CST: &str = "DAPHNE_CST_TASK_SIZE";

/// All scheduler settings. [`Default`] gives DAPHNE's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedConfig {
    /// Whether kernels run through the scheduler (`--vec`).
    pub vec: bool,
    /// Partitioning scheme (`--partitioning`, default `STATIC`).
    pub scheme: Scheme,
    /// Queue layout (`--queue_layout`, default `CENTRALIZED`).
    pub layout: QueueLayout,
    /// Victim selection (`--victim_selection`, default `SEQ` as on DAPHNE's CLI).
    pub victim: VictimSelection,
    /// Worker count including the calling thread (`--num-threads`); `None` picks the number of
    /// physical cores (logical CPUs with `hyperthreading`), capped by `SLURM_CPUS_ON_NODE`.
    pub num_threads: Option<usize>,
    /// Minimum chunk size in rows (`--grain-size`, at least 1).
    pub grain_size: usize,
    /// Split the rows into one block per queue before partitioning (`--pre-partition`).
    pub pre_partition: bool,
    /// Pin worker `i` to the `i`-th CPU (`--pin-workers`).
    pub pin_workers: bool,
    /// Use logical CPUs for the default worker count and pinning (`--hyperthreading`).
    pub hyperthreading: bool,
    /// Deal all chunks into the queues before the workers start (`--sched-push`).
    pub push: bool,
    /// Chunk size of [`Scheme::CST`] (`--cst-chunk` or `DAPHNE_CST_TASK_SIZE`).
    pub cst_chunk: Option<usize>,
    /// Where to write the Chrome trace-event JSON (`--sched-trace`).
    pub trace_path: Option<PathBuf>,
    /// Print topology, pool and per-pipeline plans to standard error (`--debug-mt`).
    pub debug_mt: bool,
}

impl Default for SchedConfig {
    fn default() -> Self {
        Self {
            vec: false,
            scheme: Scheme::STATIC,
            layout: QueueLayout::CENTRALIZED,
            victim: VictimSelection::SEQ,
            num_threads: None,
            grain_size: 1,
            pre_partition: false,
            pin_workers: false,
            hyperthreading: false,
            push: false,
            cst_chunk: None,
            trace_path: None,
            debug_mt: false,
        }
    }
}

/// Parses a positive integer flag value.
fn parse_positive(flag: &str, value: &str) -> Result<usize, ConfigError> {
    match value.trim().parse::<usize>() {
        Ok(number) if number > 0 => Ok(number),
        _ => Err(ConfigError::new(format!(
            "invalid value `{value}` for `--{flag}` (expected a positive integer)"
        ))),
    }
}

impl SchedConfig {
    /// The defaults plus the environment: `DAPHNE_SCHED_ARGS` (flags separated by white space)
    /// and `DAPHNE_CST_TASK_SIZE`.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut config = Self::default();
        config.apply_env()?;
        Ok(config)
    }

    /// Applies `DAPHNE_CST_TASK_SIZE` and `DAPHNE_SCHED_ARGS` on top of this configuration.
    pub fn apply_env(&mut self) -> Result<(), ConfigError> {
        let config = self;
        if let Ok(size) = std::env::var(ENV_CST) {
            config.cst_chunk = Some(parse_positive(ENV_CST, &size).map_err(|_| {
                ConfigError::new(format!(
                    "invalid value `{size}` in {ENV_CST} (expected a positive integer)"
                ))
            })?);
        }
        if let Ok(args) = std::env::var(ENV_ARGS) {
            config
                .apply_args(&args)
                .map_err(|error| ConfigError::new(format!("in {ENV_ARGS}: {error}")))?;
        }
        Ok(())
    }

    /// Applies flags separated by white space, each `--name` or `--name=value`.
    pub fn apply_args(&mut self, args: &str) -> Result<(), ConfigError> {
        for arg in args.split_whitespace() {
            let (name, value) = match arg.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (arg, None),
            };
            self.apply_flag(name, value)?;
        }
        Ok(())
    }

    /// Applies one flag. `name` may carry leading dashes; `value` is the text after `=`.
    ///
    /// A name that is no scheduler flag gives an error with
    /// [`ConfigError::is_unknown_flag`]; a switch given a value, a value flag given none, or a
    /// malformed value give other errors.
    pub fn apply_flag(&mut self, name: &str, value: Option<&str>) -> Result<(), ConfigError> {
        let name = name.trim_start_matches('-');
        let Some(spec) = FLAGS.iter().find(|spec| spec.name == name) else {
            return Err(ConfigError::new(format!("{UNKNOWN_FLAG} `--{name}`")));
        };
        let value = match (spec.value, value) {
            (None, None) => "",
            (None, Some(value)) => {
                return Err(ConfigError::new(format!(
                    "`--{name}` takes no value, got `{value}`"
                )));
            }
            (Some(placeholder), None) => {
                return Err(ConfigError::new(format!(
                    "`--{name}` needs a value: `--{name}={placeholder}`"
                )));
            }
            (Some(_), Some(value)) => value,
        };
        match name {
            "vec" => self.vec = true,
            "partitioning" => self.scheme = value.parse()?,
            "queue_layout" => self.layout = value.parse()?,
            "victim_selection" => self.victim = value.parse()?,
            "num-threads" => self.num_threads = Some(parse_positive(name, value)?),
            "grain-size" => self.grain_size = parse_positive(name, value)?,
            "cst-chunk" => self.cst_chunk = Some(parse_positive(name, value)?),
            "pre-partition" => self.pre_partition = true,
            "pin-workers" => self.pin_workers = true,
            "hyperthreading" => self.hyperthreading = true,
            "sched-push" => self.push = true,
            "sched-trace" => {
                if value.is_empty() {
                    return Err(ConfigError::new("`--sched-trace` needs a file name"));
                }
                self.trace_path = Some(PathBuf::from(value));
            }
            "debug-mt" => self.debug_mt = true,
            _ => unreachable!("every entry of FLAGS has an arm"),
        }
        Ok(())
    }

    /// Checks the combination: CST needs a chunk size.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.scheme == Scheme::CST && self.cst_chunk.is_none() {
            return Err(ConfigError::new(format!(
                "partitioning scheme CST needs a chunk size: `--cst-chunk=N` or {ENV_CST}=N"
            )));
        }
        Ok(())
    }

    /// Whether two configurations agree on the knobs that are fixed once the pool runs.
    pub(crate) fn same_pool(&self, other: &Self) -> bool {
        self.num_threads == other.num_threads
            && self.pin_workers == other.pin_workers
            && self.hyperthreading == other.hyperthreading
    }
}

/// The process-wide configuration; `None` until [`configure`] or the first pipeline.
static CURRENT: RwLock<Option<Arc<SchedConfig>>> = RwLock::new(None);

/// Installs `config` for the whole process after validating it.
///
/// Call it before the first pipeline. Later calls may change every per-pipeline knob; changing
/// a pool-level knob (threads, pinning, hyperthreading) after the pool has started is an error.
pub fn configure(config: SchedConfig) -> Result<(), ConfigError> {
    config.validate()?;
    if let Some(pool_config) = super::pool::started_with()
        && !pool_config.same_pool(&config)
    {
        return Err(ConfigError::new(
            "the worker pool has already started: `--num-threads`, `--pin-workers` and \
             `--hyperthreading` cannot change any more",
        ));
    }
    *CURRENT.write().unwrap_or_else(|poison| poison.into_inner()) = Some(Arc::new(config));
    Ok(())
}

/// Installs the configuration from the environment ([`SchedConfig::from_env`]) unless one is
/// already installed. Native binaries call this at start-up so that a bad setting is reported
/// once, before any pipeline runs.
pub fn init_from_env() -> Result<(), ConfigError> {
    init_with_defaults("")
}

/// Like [`init_from_env`], with `defaults` (flags as in `DAPHNE_SCHED_ARGS`, e.g. those given
/// to `daphne build`) applied first, so that the environment overrides them.
pub fn init_with_defaults(defaults: &str) -> Result<(), ConfigError> {
    if CURRENT
        .read()
        .unwrap_or_else(|poison| poison.into_inner())
        .is_some()
    {
        return Ok(());
    }
    let mut config = SchedConfig::default();
    config.apply_args(defaults)?;
    config.apply_env()?;
    configure(config)
}

/// The configuration in force: the installed one, else the environment's (installed on the
/// way), else an error for a bad environment.
pub fn current() -> Result<Arc<SchedConfig>, ConfigError> {
    if let Some(config) = CURRENT
        .read()
        .unwrap_or_else(|poison| poison.into_inner())
        .as_ref()
    {
        return Ok(Arc::clone(config));
    }
    init_from_env()?;
    current()
}

/// Whether `--vec` is in force: kernels then run their row loops through the scheduler.
pub fn vectorized() -> bool {
    current().is_ok_and(|config| config.vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_daphne_spellings() {
        let mut config = SchedConfig::default();
        config
            .apply_args(
                "--partitioning=gss --queue_layout=PERCPU --victim_selection=SEQPRI \
                 --num-threads=3 --grain-size=8 --pre-partition --pin-workers --hyperthreading \
                 --debug-mt --cst-chunk=16 --sched-push --sched-trace=t.json --vec",
            )
            .unwrap();
        assert_eq!(config.scheme, Scheme::GSS);
        assert_eq!(config.layout, QueueLayout::PERCPU);
        assert_eq!(config.victim, VictimSelection::SEQPRI);
        assert_eq!(config.num_threads, Some(3));
        assert_eq!(config.grain_size, 8);
        assert_eq!(config.cst_chunk, Some(16));
        assert!(config.pre_partition && config.pin_workers && config.hyperthreading);
        assert!(config.debug_mt && config.push && config.vec);
        assert_eq!(config.trace_path, Some(PathBuf::from("t.json")));
    }

    #[test]
    fn reports_bad_values_clearly() {
        let mut config = SchedConfig::default();
        let error = config
            .apply_flag("--partitioning", Some("FOO"))
            .unwrap_err();
        assert_eq!(
            error.message(),
            "invalid partitioning scheme `FOO` (expected one of: STATIC, SS, GSS, TSS, FAC2, \
             TFSS, FISS, VISS, PLS, PSS, MSTATIC, MFSC, AUTO, CST, AF)"
        );
        let error = config.apply_flag("num-threads", Some("0")).unwrap_err();
        assert_eq!(
            error.message(),
            "invalid value `0` for `--num-threads` (expected a positive integer)"
        );
        assert!(config.apply_flag("pin-workers", Some("1")).is_err());
        assert!(config.apply_flag("grain-size", None).is_err());
        let error = config.apply_flag("--explain", Some("x")).unwrap_err();
        assert!(error.is_unknown_flag());
        config.scheme = Scheme::CST;
        assert!(config.validate().is_err());
        config.cst_chunk = Some(4);
        assert!(config.validate().is_ok());
    }

    #[test]
    fn codes_round_trip() {
        for scheme in Scheme::ALL {
            assert_eq!(Scheme::from_code(scheme.code()), Some(*scheme));
            assert_eq!(scheme.name().parse::<Scheme>().unwrap(), *scheme);
        }
        assert_eq!(Scheme::AUTO.code(), 12);
    }
}
