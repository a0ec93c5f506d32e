//! `daphne`: compile and run DaphneDSL scripts.
//!
//! `daphne script.daphne [name=value ...]` (or `daphne run ...`) JIT-compiles and runs a script;
//! `daphne build script.daphne -o app` writes a native executable; `daphne emit-mlir` prints
//! the MLIR module after a stage; `daphne cache clear` empties the compile cache. Exit codes
//! follow DAPHNE: 0 success, 1 parse errors and bad arguments, 2 compilation errors, 3
//! execution errors.

mod config;

use clap::{Args, Parser, Subcommand};
use daphne_driver::{Error, Options, Stage};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "daphne", version, about = "Compile and run DaphneDSL scripts (JIT or native binary)")]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a script with the JIT and run it (the default).
    Run(RunArgs),
    /// Compile a script into a native executable that needs no LLVM to run.
    Build {
        #[command(flatten)]
        script: ScriptArgs,
        /// Where to write the executable.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Generate code for this machine's CPU instead of portable x86-64-v2.
        #[arg(long)]
        native: bool,
    },
    /// Draw a scheduler trace (`--sched-trace`) as an SVG Gantt chart with per-worker load.
    SchedPlot {
        /// The trace JSON file.
        trace: PathBuf,
        /// Where to write the SVG.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// Manage the compile cache (`$DAPHNE_CACHE_DIR`, else `$XDG_CACHE_HOME/daphne`, else
    /// `~/.cache/daphne`).
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
    /// Print the MLIR module of a script after a stage.
    EmitMlir {
        #[command(flatten)]
        script: ScriptArgs,
        /// The stage (DAPHNE's names): parsing, parsing_simplified, property_inference,
        /// phy_op_selection, type_adaptation, vectorized, obj_ref_mgnt, kernels, llvm.
        #[arg(long, default_value = "parsing")]
        stage: String,
    },
}

#[derive(Subcommand)]
enum CacheAction {
    /// Remove every cached entry.
    Clear,
    /// Print the cache directory.
    Dir,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    script: ScriptArgs,
    /// Neither read nor write the compile cache.
    #[arg(long)]
    no_cache: bool,
}

#[derive(Args)]
struct ScriptArgs {
    /// The DaphneDSL script.
    #[arg(required = true)]
    script: Option<PathBuf>,
    /// Script arguments `name=value`, read in the script as `$name`.
    script_args: Vec<String>,
    /// Script arguments as a comma-separated list `a=1,b=2`.
    #[arg(long = "args", value_delimiter = ',', value_name = "NAME=VALUE")]
    args: Vec<String>,
    /// A DAPHNE JSON configuration file (import paths: `daphnedsl_import_paths`).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print the IR to stderr after these stages (comma-separated; names as for emit-mlir --stage).
    #[arg(long, value_delimiter = ',', value_name = "STAGES")]
    explain: Vec<String>,
    /// Store matrices with a compile-time sparsity estimate below 0.25 as CSR (DAPHNE's rule).
    #[arg(long, alias = "select-matrix-representations", num_args = 0..=1, require_equals = true, default_missing_value = "1", value_name = "0|1")]
    select_matrix_repr: Option<u8>,
    /// Print the time spent in each kernel call site to stderr when the program ends.
    #[arg(long)]
    statistics: bool,
    /// Print phase times as JSON to stderr after the run (startup, compilation, execution).
    #[arg(long)]
    timing: bool,
    /// Keep `t(X) @ X` and friends as matrix multiplications (no syrk/gemv rewrites).
    #[arg(long)]
    no_phy_op_selection: bool,
    /// Do not insert reference counting (objects are never freed).
    #[arg(long)]
    no_obj_ref_mgnt: bool,
    /// Register a kernel extension catalog (DAPHNE's JSON format; libPath relative to it),
    /// optionally with an integer priority (default 0, the built-ins'; higher wins). Repeatable.
    #[arg(long = "kernel-ext", value_name = "CATALOG[:PRIORITY]")]
    kernel_ext: Vec<String>,
    #[command(flatten)]
    sched: SchedArgs,
    #[command(flatten)]
    compat: CompatFlags,
}

/// DaphneSched's options (DAPHNE's spellings). Executables from `daphne build` read the same
/// options from the environment variable `DAPHNE_SCHED_ARGS`.
#[derive(Args)]
#[command(next_help_heading = "Scheduling (DaphneSched)")]
struct SchedArgs {
    /// Run row-parallel work through the scheduler.
    #[arg(long)]
    vec: bool,
    /// Partitioning scheme: STATIC SS GSS TSS FAC2 TFSS FISS VISS PLS PSS MSTATIC MFSC CST AF AUTO.
    #[arg(long, value_name = "SCHEME")]
    partitioning: Option<String>,
    /// Queue layout: CENTRALIZED, PERGROUP or PERCPU.
    #[arg(long = "queue_layout", value_name = "LAYOUT")]
    queue_layout: Option<String>,
    /// Victim selection for work stealing: SEQ, SEQPRI, RANDOM or RANDOMPRI.
    #[arg(long = "victim_selection", value_name = "ORDER")]
    victim_selection: Option<String>,
    /// Number of worker threads (the calling thread included).
    #[arg(long = "num-threads", value_name = "N")]
    num_threads: Option<String>,
    /// Minimum chunk size in rows.
    #[arg(long = "grain-size", value_name = "N")]
    grain_size: Option<String>,
    /// Chunk size of the CST scheme (else `DAPHNE_CST_TASK_SIZE`).
    #[arg(long = "cst-chunk", value_name = "N")]
    cst_chunk: Option<String>,
    /// Split rows evenly into one block per queue before partitioning.
    #[arg(long = "pre-partition")]
    pre_partition: bool,
    /// Pin worker i to CPU i.
    #[arg(long = "pin-workers")]
    pin_workers: bool,
    /// Use logical CPUs (hyperthreads) as workers.
    #[arg(long)]
    hyperthreading: bool,
    /// Push mode: deal chunks into the workers' queues up front; idle workers steal.
    #[arg(long = "sched-push")]
    sched_push: bool,
    /// Write a Chrome trace-event JSON of every pipeline (open it in Perfetto, or draw it with
    /// `daphne sched-plot`).
    #[arg(long = "sched-trace", value_name = "FILE")]
    sched_trace: Option<String>,
    /// Print topology and queue information.
    #[arg(long = "debug-mt")]
    debug_mt: bool,
}

impl SchedArgs {
    /// The options given, as flags in `DAPHNE_SCHED_ARGS` syntax (compiled into executables).
    fn flags(&self) -> String {
        let values = [
            ("partitioning", &self.partitioning),
            ("queue_layout", &self.queue_layout),
            ("victim_selection", &self.victim_selection),
            ("num-threads", &self.num_threads),
            ("grain-size", &self.grain_size),
            ("cst-chunk", &self.cst_chunk),
            ("sched-trace", &self.sched_trace),
        ];
        let switches = [
            ("vec", self.vec),
            ("pre-partition", self.pre_partition),
            ("pin-workers", self.pin_workers),
            ("hyperthreading", self.hyperthreading),
            ("sched-push", self.sched_push),
            ("debug-mt", self.debug_mt),
        ];
        let mut flags: Vec<String> = values.iter().filter_map(|(n, v)| v.as_ref().map(|v| format!("--{n}={v}"))).collect();
        flags.extend(switches.iter().filter(|(_, set)| *set).map(|(n, _)| format!("--{n}")));
        flags.join(" ")
    }

    /// Validates the options once and installs them as the process's scheduler configuration.
    fn configure(&self) -> Result<(), Error> {
        use daphne_rt::sched::SchedConfig;
        let mut config = SchedConfig::default();
        config.apply_args(&self.flags()).map_err(|e| usage_error(e.to_string()))?;
        config.apply_env().map_err(|e| usage_error(e.to_string()))?;
        daphne_rt::sched::configure(config).map_err(|e| usage_error(e.to_string()))
    }
}

/// DAPHNE options that select internal strategies without changing any result. They are
/// accepted so that DAPHNE command lines keep working; none of them changes what a script prints.
#[derive(Args)]
#[command(next_help_heading = "DAPHNE compatibility (accepted, no effect on results)")]
struct CompatFlags {
    /// Rewrite relational frame operations to column-algebra operations.
    #[arg(long)]
    columnar: bool,
    /// Grouped-sum optimization (with --columnar).
    #[arg(long)]
    optimistic_splitting: bool,
    /// Use the MLIR code generation pipeline.
    #[arg(long)]
    codegen: bool,
}

/// A failure of the command line itself (exit code 1, as DAPHNE's argument errors).
fn usage_error(message: String) -> Error {
    Error::Parse(format!("error: {message}"))
}

impl ScriptArgs {
    fn options(&self) -> Result<Options, Error> {
        self.sched.configure()?;
        let mut opts = Options::default();
        opts.program.sched_defaults = self.sched.flags();
        opts.program.statistics = self.statistics;
        for pair in self.args.iter().chain(&self.script_args) {
            let Some((name, value)) = pair.split_once('=') else {
                return Err(usage_error(format!("script argument `{pair}` is not of the form name=value")));
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(usage_error(format!("`{name}` is not a valid script argument name")));
            }
            if opts.frontend.args.insert(name.to_string(), value.to_string()).is_some() {
                return Err(usage_error(format!("script argument `{name}` is given more than once")));
            }
        }
        if let Some(path) = &self.config {
            let config = config::load(path).map_err(usage_error)?;
            opts.imports = config.imports;
            opts.explain = config.explain;
            if let Some(passes) = config.passes {
                opts.passes = passes;
            }
        }
        opts.frontend.select_matrix_repr = self.select_matrix_repr.is_some_and(|v| v != 0);
        if self.no_phy_op_selection {
            opts.passes.phy_op_selection = false;
        }
        if self.no_obj_ref_mgnt {
            opts.passes.obj_ref_mgnt = false;
        }
        for spec in &self.kernel_ext {
            opts.add_kernel_catalog(spec)?;
        }
        for stage in &self.explain {
            let s = Stage::from_name(stage).ok_or_else(|| {
                let known: Vec<&str> = Stage::ALL.iter().map(|s| s.name()).collect();
                usage_error(format!("unknown --explain stage `{stage}` (known: {})", known.join(", ")))
            })?;
            opts.explain.push(s);
        }
        Ok(opts)
    }

    fn path(&self) -> &Path {
        self.script.as_deref().expect("clap requires the script")
    }

    fn source(&self) -> Result<String, Error> {
        std::fs::read_to_string(self.path())
            .map_err(|e| usage_error(format!("cannot read script {}: {e}", self.path().display())))
    }
}

/// Seconds elapsed between successive laps.
struct Timer(std::time::Instant);

impl Timer {
    fn lap(&mut self) -> f64 {
        let now = std::time::Instant::now();
        let secs = now.duration_since(self.0).as_secs_f64();
        self.0 = now;
        secs
    }
}

fn execute(command: Command) -> Result<i32, Error> {
    if let Command::SchedPlot { trace, output } = &command {
        daphne_rt::sched::plot::render_gantt(trace, output).map_err(|e| Error::Run(e.to_string()))?;
        return Ok(0);
    }
    let mut timer = Timer(std::time::Instant::now());
    match command {
        Command::Run(run) => {
            let opts = run.script.options()?;
            let source = run.script.source()?;
            let cache = if run.no_cache { None } else { daphne_driver::Cache::from_env() };
            let started = timer.lap();
            let extensions = daphne_driver::Extensions::load(&opts)?;
            let (jit, report) = daphne_driver::jit_script(&source, run.script.path(), &opts, cache.as_ref(), &extensions.symbols())?;
            let (parsed, compiled) = (report.parsing_seconds, report.compilation_seconds);
            timer.lap();
            let code = jit.run();
            let executed = timer.lap();
            if run.script.timing {
                daphne_driver::flush_output();
                eprintln!(
                    "{{\"startup_seconds\": {started}, \"parsing_seconds\": {parsed}, \"compilation_seconds\": {compiled}, \"execution_seconds\": {executed}, \"total_seconds\": {}, \"cache\": \"{}\"}}",
                    started + parsed + compiled + executed,
                    report.cache.name()
                );
            }
            Ok(code)
        }
        Command::Cache { action } => {
            let Some(cache) = daphne_driver::Cache::from_env() else {
                return Err(usage_error("no cache directory: set DAPHNE_CACHE_DIR, XDG_CACHE_HOME or HOME".into()));
            };
            match action {
                CacheAction::Dir => println!("{}", cache.dir().display()),
                CacheAction::Clear => {
                    let removed = cache.clear().map_err(|e| Error::Run(format!("cannot clear the cache in {}: {e}", cache.dir().display())))?;
                    println!("removed {removed} cache entries from {}", cache.dir().display());
                }
            }
            Ok(0)
        }
        Command::Build { script, output, native } => {
            let context = daphne_driver::context()?;
            let opts = script.options()?;
            let source = script.source()?;
            let compiled = daphne_driver::compile(&context, &source, script.path(), &opts)?;
            daphne_driver::build_native(&compiled.module, &output, native, &opts.program.kernels.libraries())?;
            Ok(0)
        }
        Command::SchedPlot { .. } => unreachable!("handled above"),
        Command::EmitMlir { script, stage } => {
            let context = daphne_driver::context()?;
            let opts = script.options()?;
            let stage = Stage::from_name(&stage).ok_or_else(|| usage_error(format!("unknown stage `{stage}`")))?;
            let source = script.source()?;
            println!("{}", daphne_driver::emit_mlir(&context, &source, script.path(), &opts, stage)?);
            Ok(0)
        }
    }
}

/// Reports a failure as DAPHNE does, one `[error]: <phase> error: ...` line per problem on
/// stdout, and in full (source line and caret) on stderr.
fn report(error: &Error) {
    let (phase, message) = match error {
        Error::Parse(m) => ("Parser error", m),
        Error::Compile(m) => ("Lowering pipeline error", m),
        Error::Run(m) => ("Execution error", m),
    };
    // Rendered diagnostics start each problem with `error: file:line:col: ...`.
    let summaries: Vec<&str> = message.lines().filter_map(|l| l.strip_prefix("error: ")).collect();
    let summaries = if summaries.is_empty() { message.lines().take(1).collect() } else { summaries };
    for line in summaries {
        println!("[error]: {phase}: {line}");
    }
    eprintln!("{error}");
}

/// Stack size of the thread that compiles and runs the script.
const COMPILER_STACK_SIZE: usize = 256 << 20;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("DAPHNE_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let command = cli.command.unwrap_or(Command::Run(cli.run));
    // Compilation recurses over the program; a large stack makes deep nesting safe.
    let worker = std::thread::Builder::new().name("daphne".into()).stack_size(COMPILER_STACK_SIZE).spawn(move || execute(command));
    let result = match worker {
        Ok(handle) => handle.join().unwrap_or_else(|_| Err(Error::Compile("internal compiler error (a bug: please report it)".into()))),
        Err(e) => Err(Error::Run(format!("cannot start the compiler thread: {e}"))),
    };
    match result {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(e) => {
            report(&e);
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
