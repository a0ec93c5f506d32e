//! `daphne-opt`: reads a module of the `daphne` dialect (a `.mlir` file, or `-` for standard
//! input), runs the named middle-end passes in the order given, and prints the result, like
//! `mlir-opt`. The module is verified after parsing and after every pass that changed it.
//!
//! ```text
//! daphne-opt input.mlir --pass=canonicalize,cse,dce
//! daphne-opt input.mlir --canonicalize --infer      # mlir-opt style, one flag per pass
//! daphne-opt input.mlir --pipeline                  # the compiler's default pipeline
//! daphne-opt --list-passes
//! ```
//!
//! Exit codes: 0 on success, 1 for bad usage or input that does not parse or verify, 2 if a
//! pass fails (a compiler bug).

use daphne_passes::pipeline::{PassOptions, optimize};
use daphne_passes::registry::{PASSES, find, names, run_named};
use melior::ir::{Module, operation::OperationLike};
use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "usage: daphne-opt [<input.mlir>|-] [--pass=<name>[,<name>...]] [--<name>]... [--pipeline] [-o <file>] [--list-passes]";

enum Step {
    Pass(String),
    Pipeline,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("daphne-opt: {message}");
            ExitCode::from(code)
        }
    }
}

fn run() -> Result<(), (u8, String)> {
    let mut input: Option<String> = None;
    let mut output: Option<String> = None;
    let mut steps = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--list-passes" {
            for p in PASSES {
                println!("{:18} {}", p.name, p.summary);
            }
            return Ok(());
        } else if arg == "-h" || arg == "--help" {
            println!("{USAGE}\n\npasses: {}", names());
            return Ok(());
        } else if arg == "--pipeline" {
            steps.push(Step::Pipeline);
        } else if arg == "-o" {
            output = Some(args.next().ok_or((1, "`-o` needs a file name".to_string()))?);
        } else if let Some(list) = arg.strip_prefix("--pass=").or_else(|| arg.strip_prefix("--passes=")) {
            steps.extend(list.split(',').filter(|n| !n.is_empty()).map(|n| Step::Pass(n.to_string())));
        } else if let Some(name) = arg.strip_prefix("--").filter(|n| find(n).is_some()) {
            steps.push(Step::Pass(name.to_string()));
        } else if arg.starts_with('-') && arg != "-" {
            return Err((1, format!("unknown option `{arg}`\n{USAGE}\npasses: {}", names())));
        } else if input.replace(arg).is_some() {
            return Err((1, format!("more than one input file\n{USAGE}")));
        }
    }
    let input = input.unwrap_or_else(|| "-".to_string());
    let text = if input == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| (1, format!("cannot read standard input: {e}")))?;
        s
    } else {
        std::fs::read_to_string(&input).map_err(|e| (1, format!("cannot read `{input}`: {e}")))?
    };
    for step in &steps {
        if let Step::Pass(name) = step
            && find(name).is_none()
        {
            return Err((1, format!("unknown pass `{name}` (known: {})", names())));
        }
    }

    let context = daphne_dialect::new_context().map_err(|e| (2, e))?;
    let diagnostics = || daphne_dialect::take_diagnostics().join("\n");
    let mut module = Module::parse(&context, &text).ok_or_else(|| (1, format!("`{input}` does not parse:\n{}", diagnostics())))?;
    if !module.as_operation().verify() {
        return Err((1, format!("`{input}` does not verify:\n{}", diagnostics())));
    }
    for step in &steps {
        match step {
            Step::Pass(name) => run_named(&module, &[name.as_str()]).map_err(|e| (2, e.to_string()))?,
            Step::Pipeline => optimize(&context, &mut module, &PassOptions::default(), &mut |_, _| {}).map_err(|e| (2, e))?,
        }
    }
    let printed = format!("{}\n", module.as_operation());
    match output {
        Some(path) => std::fs::write(&path, printed).map_err(|e| (1, format!("cannot write `{path}`: {e}")))?,
        None => print!("{printed}"),
    }
    Ok(())
}
