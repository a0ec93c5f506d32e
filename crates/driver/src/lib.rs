//! The compile pipeline as a library: DaphneDSL source → typed HIR → `daphne` dialect →
//! lowered upstream dialects → LLVM dialect → LLVM IR → object code, then either loaded into
//! this process by the JIT ([`jit_script`], with the compile [`cache`]) or linked with the
//! runtime into a native executable ([`build_native`]).

pub mod cache;
pub mod codegen;
pub mod emit;
mod extensions;
mod native;
mod orc;

pub use cache::{Cache, CacheUse};
pub use extensions::Extensions;
pub use native::{build_native, runtime_library};
pub use orc::Jit;

use daphne_sema::imports::ImportConfig;
use daphne_syntax::diag::SourceFile;
use std::path::Path;
use melior::{
    Context,
    ir::{BlockLike, Module, RegionLike, operation::OperationLike},
};
use std::fmt;

pub use daphne_passes::pipeline::{PassOptions, Stage};

/// What the compiler does besides compiling.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Script arguments and the frontend's switches.
    pub frontend: daphne_sema::Options,
    /// Stages after which the module is printed to stderr.
    pub explain: Vec<Stage>,
    /// Where `import` looks for modules besides the importing file's directory.
    pub imports: ImportConfig,
    /// Which optional middle-end passes run.
    pub passes: PassOptions,
    /// What the program does besides the script: scheduler options compiled in (this is how
    /// `daphne build` passes them on) and `--statistics`.
    pub program: daphne_passes::lower::LowerOptions,
    /// Files besides the script, its imports and `.meta` files whose contents change the
    /// generated code or what it binds to (extension kernel catalogs and their libraries): the
    /// compile cache keys on their contents.
    pub compile_inputs: Vec<std::path::PathBuf>,
}

/// A compilation or execution failure, with DAPHNE's exit code.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Syntax or semantic errors (exit code 1); the text is the rendered diagnostics.
    Parse(String),
    /// Verification, lowering or code generation failed (exit code 2).
    Compile(String),
    /// Running failed outside the program itself, e.g. the JIT could not start (exit code 3).
    Run(String),
}

impl Error {
    /// DAPHNE's exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Parse(_) => 1,
            Error::Compile(_) => 2,
            Error::Run(_) => 3,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parse(m) => write!(f, "{m}"),
            Error::Compile(m) => write!(f, "compile error: {m}"),
            Error::Run(m) => write!(f, "execution error: {m}"),
        }
    }
}

/// The textual MLIR of `module`.
pub fn module_text(module: &Module) -> String {
    module.as_operation().to_string()
}

/// A fresh MLIR context with everything the pipeline needs.
pub fn context() -> Result<Context, Error> {
    daphne_dialect::new_context().map_err(Error::Compile)
}

fn explain(opts: &Options, stage: Stage, module: &Module) {
    if opts.explain.contains(&stage) {
        eprintln!("IR after {}:", stage.name());
        eprintln!("{}", module.as_operation());
    }
}

fn verify(module: &Module, what: &str) -> Result<(), Error> {
    if module.as_operation().verify() {
        Ok(())
    } else {
        let diags = daphne_dialect::take_diagnostics().join("\n");
        Err(Error::Compile(format!("the {what} module does not verify:\n{diags}")))
    }
}

/// A script compiled to the LLVM dialect.
pub struct Compiled<'c> {
    /// The module in the LLVM dialect.
    pub module: Module<'c>,
    /// Time spent in the frontend (parsing, imports, semantic analysis).
    pub parsing_seconds: f64,
}

/// Compiles `source` (read from `path`) down to the LLVM dialect.
pub fn compile<'c>(context: &'c Context, source: &str, path: &Path, opts: &Options) -> Result<Compiled<'c>, Error> {
    let started = std::time::Instant::now();
    let mut parsing_seconds = 0.0;
    let (module, _) = compile_until(context, source, path, opts, None, &mut || parsing_seconds = started.elapsed().as_secs_f64())?;
    Ok(Compiled { module, parsing_seconds })
}

/// Flushes the runtime's buffered stdout and stderr.
pub fn flush_output() {
    // A failed flush of the terminal is not worth an error at this point.
    let _ = daphne_rt::output::flush();
}

/// The textual MLIR of `source`'s module right after `stage` (for `daphne emit-mlir`).
pub fn emit_mlir(context: &Context, source: &str, path: &Path, opts: &Options, stage: Stage) -> Result<String, Error> {
    let (_, text) = compile_until(context, source, path, opts, Some(stage), &mut || {})?;
    Ok(text.expect("the pipeline passes every stage"))
}

/// Runs the pipeline, printing the stages `opts.explain` asks for; stops after `stop` (if any)
/// and returns the module's text at that point. `frontend_done` is called after semantic analysis.
fn compile_until<'c>(
    context: &'c Context,
    source: &str,
    path: &Path,
    opts: &Options,
    stop: Option<Stage>,
    frontend_done: &mut dyn FnMut(),
) -> Result<(Module<'c>, Option<String>), Error> {
    let _span = tracing::info_span!("compile", file = %path.display()).entered();
    let (program, files) = frontend(source, path, opts)?;
    frontend_done();
    backend(context, &program, &files, opts, stop)
}

/// Parses `source` (read from `path`), expands its imports and analyses it; returns the typed
/// program and the source files (the script first, then the imported modules).
fn frontend(source: &str, path: &Path, opts: &Options) -> Result<(daphne_sema::hir::Program, Vec<SourceFile>), Error> {
    let mut files = vec![SourceFile { name: path.display().to_string(), source: source.to_string() }];
    let script = daphne_syntax::parse(source).map_err(|d| Error::Parse(daphne_syntax::diag::render_files(&files, &d)))?;
    let script = daphne_sema::imports::expand(script, path, &opts.imports, &mut files)
        .map_err(|d| Error::Parse(daphne_syntax::diag::render_files(&files, &d)))?;
    let program = daphne_sema::analyze(&script, &opts.frontend)
        .map_err(|d| Error::Parse(daphne_syntax::diag::render_files(&files, &d)))?;
    Ok((program, files))
}

/// Emits, optimizes and lowers a typed program (see [`compile_until`]).
fn backend<'c>(
    context: &'c Context,
    program: &daphne_sema::hir::Program,
    files: &[SourceFile],
    opts: &Options,
    stop: Option<Stage>,
) -> Result<(Module<'c>, Option<String>), Error> {
    let mut captured: Option<String> = None;
    let mut observe = |stage: Stage, m: &Module| {
        explain(opts, stage, m);
        if Some(stage) == stop && captured.is_none() {
            captured = Some(module_text(m));
        }
    };
    let mut module = emit::emit(context, program, files);
    verify(&module, "daphne")?;
    daphne_passes::kernel_ext::select_kernels(&module, &opts.program.kernels);
    observe(Stage::Parsing, &module);
    daphne_passes::pipeline::optimize(context, &mut module, &opts.passes, &mut observe)
        .map_err(|e| Error::Compile(format!("{e}\n{}", daphne_dialect::take_diagnostics().join("\n"))))?;
    verify(&module, "optimized daphne")?;
    if stop.is_some_and(|s| !matches!(s, Stage::Kernels | Stage::Llvm)) {
        return Ok((module, captured));
    }

    let mut lowered = daphne_passes::lower::lower(context, &module, &opts.program)
        .map_err(|e| Error::Compile(format!("{}: {}", e.location, e.message)))?;
    verify(&lowered, "lowered")?;
    check_kernels(&lowered, &opts.program.kernels)?;
    observe(Stage::Kernels, &lowered);
    if stop.is_some_and(|s| s != Stage::Llvm) {
        return Ok((lowered, captured));
    }
    daphne_passes::to_llvm_dialect(context, &mut lowered).map_err(|e| {
        Error::Compile(format!("{e}\n{}", daphne_dialect::take_diagnostics().join("\n")))
    })?;
    observe(Stage::Llvm, &lowered);
    Ok((lowered, captured))
}

/// Fails with a compile error if the module calls a runtime function the runtime lacks (the
/// JIT and the linker would otherwise fail later with a less helpful message).
fn check_kernels(module: &Module, extensions: &daphne_passes::kernel_ext::KernelRegistry) -> Result<(), Error> {
    let mut known: std::collections::HashSet<&str> = daphne_rt::abi::kernel_symbols().iter().map(|(n, _)| *n).collect();
    known.extend(extensions.kernels.iter().flat_map(|k| std::iter::once(k.name.as_str()).chain(k.cell.as_deref())));
    let mut op = module.body().first_operation();
    while let Some(o) = op {
        let is_decl = o.name().as_string_ref().as_str() == Ok("func.func") && o.region(0).is_ok_and(|r| r.first_block().is_none());
        if is_decl
            && let Some(name) = o.attribute("sym_name").ok().and_then(daphne_dialect::string_attr_value)
            && !known.contains(name.as_str())
        {
            return Err(Error::Compile(format!("{}: the runtime has no kernel `{name}` for this operation yet", o.location())));
        }
        op = o.next_in_block();
    }
    Ok(())
}

/// Phase times of [`jit_script`] and how the compile cache was used.
#[derive(Debug, Clone, Copy)]
pub struct JitReport {
    /// Seconds in the frontend (parsing, imports, semantic analysis); it runs on cache hits too.
    pub parsing_seconds: f64,
    /// Seconds from the typed program to loaded code: cache lookup, and on a miss MLIR context
    /// creation, MLIR passes and LLVM code generation.
    pub compilation_seconds: f64,
    /// Whether the code came from the cache.
    pub cache: CacheUse,
}

/// Compiles `source` (read from `path`) for this machine's CPU, or takes the object code from
/// `cache` when an entry for the same inputs exists (see [`cache`] for the key), and loads it.
///
/// The code binds the runtime's kernels ([`daphne_rt::abi::kernel_symbols`]) and
/// `extra_symbols`, `(name, address)` pairs such as functions of extension libraries (a name
/// that is also a runtime kernel is an error). Files those symbols come from belong in
/// [`Options::compile_inputs`]. `--explain` stages (`opts.explain`) need the IR, so they
/// bypass the cache.
pub fn jit_script(
    source: &str,
    path: &Path,
    opts: &Options,
    cache: Option<&Cache>,
    extra_symbols: &[(&str, *mut ())],
) -> Result<(Jit, JitReport), Error> {
    let _span = tracing::info_span!("jit_script", file = %path.display()).entered();
    let started = std::time::Instant::now();
    let (program, files) = frontend(source, path, opts)?;
    let parsing_seconds = started.elapsed().as_secs_f64();
    let cache = cache.filter(|_| opts.explain.is_empty());
    let key = cache.and_then(|_| cache::key(opts, &files, &program));
    let mut used = if key.is_some() { CacheUse::Miss } else { CacheUse::Off };
    if let (Some(cache), Some(key)) = (cache, &key) {
        match cache.load(key) {
            cache::Lookup::Hit(object) => match Jit::load(&object, extra_symbols) {
                Ok(jit) => {
                    let compilation_seconds = started.elapsed().as_secs_f64() - parsing_seconds;
                    return Ok((jit, JitReport { parsing_seconds, compilation_seconds, cache: CacheUse::Hit }));
                }
                Err(e) => {
                    tracing::debug!(target: "daphne_driver::cache", "the cached code of {key} does not load ({e}); rebuilding");
                    used = CacheUse::Rebuilt;
                }
            },
            cache::Lookup::Invalid(why) => {
                tracing::debug!(target: "daphne_driver::cache", "ignoring an invalid cache entry: {why}");
                used = CacheUse::Rebuilt;
            }
            cache::Lookup::Absent => {}
        }
    }
    let context = context()?;
    let (module, _) = backend(&context, &program, &files, opts, None)?;
    let object = codegen::object_code(&module, codegen::Cpu::Host)?;
    let jit = Jit::load(&object, extra_symbols).map_err(Error::Run)?;
    if let (Some(cache), Some(key)) = (cache, &key) {
        cache.store(key, &object);
    }
    let compilation_seconds = started.elapsed().as_secs_f64() - parsing_seconds;
    Ok((jit, JitReport { parsing_seconds, compilation_seconds, cache: used }))
}
