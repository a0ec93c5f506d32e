//! Ahead-of-time compilation: LLVM dialect → LLVM IR (inkwell) → O3 → object file → native
//! executable linked with the runtime's static library (`libdaphne_rt.a`).

use crate::Error;
use inkwell::{
    OptimizationLevel,
    passes::PassBuilderOptions,
    targets::{CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine},
};
use melior::ir::Module;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the runtime's static library is: `$DAPHNE_RT_LIB`, else next to the running
/// executable (`target/<profile>/`), else `../lib/` relative to it (an installed layout).
pub fn runtime_library() -> Result<PathBuf, Error> {
    if let Ok(p) = std::env::var("DAPHNE_RT_LIB") {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe().map_err(|e| Error::Compile(format!("cannot locate the daphne executable: {e}")))?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    let candidates = [dir.join("libdaphne_rt.a"), dir.join("../libdaphne_rt.a"), dir.join("../lib/libdaphne_rt.a")];
    candidates.iter().find(|p| p.exists()).cloned().ok_or_else(|| {
        Error::Compile(format!(
            "cannot find libdaphne_rt.a next to {} (build it with `cargo build --release`, or set DAPHNE_RT_LIB)",
            exe.display()
        ))
    })
}

/// Compiles a module in the LLVM dialect into the executable `output`.
///
/// Code is generated for a portable x86-64-v2 CPU unless `native` asks for the host CPU. The
/// executable is written under a temporary name and renamed into place, so a failed build never
/// leaves a half-written file at `output`.
pub fn build_native(module: &Module, output: &Path, native: bool) -> Result<(), Error> {
    let _span = tracing::info_span!("build_native").entered();
    let fail = |what: &str, e: String| Error::Compile(format!("{what}: {e}"));
    Target::initialize_native(&InitializationConfig::default()).map_err(|e| fail("LLVM target", e))?;
    let llvm = inkwell::context::Context::create();
    // SAFETY: melior and inkwell use the same LLVM; the new LLVM module is owned by `llvm`.
    let raw = unsafe { mlir_sys::mlirTranslateModuleToLLVMIR(module.as_operation().to_raw(), llvm.raw() as _) };
    if raw.is_null() {
        return Err(Error::Compile("translation of the LLVM dialect to LLVM IR failed".into()));
    }
    // SAFETY: `raw` is a fresh module in context `llvm`.
    let ir = unsafe { inkwell::module::Module::new(raw as inkwell::llvm_sys::prelude::LLVMModuleRef) };

    let triple = TargetMachine::get_default_triple();
    let target = Target::from_triple(&triple).map_err(|e| fail("target", e.to_string()))?;
    let (cpu, features) = if native {
        (TargetMachine::get_host_cpu_name().to_string(), TargetMachine::get_host_cpu_features().to_string())
    } else {
        ("x86-64-v2".to_string(), String::new())
    };
    let machine = target
        .create_target_machine(&triple, &cpu, &features, OptimizationLevel::Aggressive, RelocMode::PIC, CodeModel::Default)
        .ok_or_else(|| Error::Compile(format!("no LLVM target machine for {cpu}")))?;
    ir.set_triple(&triple);
    ir.set_data_layout(&machine.get_target_data().get_data_layout());
    ir.verify().map_err(|e| fail("LLVM IR does not verify", e.to_string()))?;
    ir.run_passes("default<O3>", &machine, PassBuilderOptions::create()).map_err(|e| fail("LLVM O3", e.to_string()))?;

    let dir = tempfile::tempdir().map_err(|e| fail("temporary directory", e.to_string()))?;
    let object = dir.path().join("script.o");
    machine.write_to_file(&ir, FileType::Object, &object).map_err(|e| fail("writing the object file", e.to_string()))?;

    let runtime = runtime_library()?;
    let staging = output.with_file_name(format!(
        ".{}.partial",
        output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "daphne-app".into())
    ));
    let status = Command::new("cc")
        .arg(&object)
        .arg(&runtime)
        .args(["-lopenblas", "-lm", "-lpthread", "-ldl", "-lgcc_s", "-o"])
        .arg(&staging)
        .status()
        .map_err(|e| fail("running the linker `cc`", e.to_string()))?;
    if !status.success() {
        let _ = std::fs::remove_file(&staging);
        return Err(Error::Compile(format!("linking with `cc` failed ({status})")));
    }
    std::fs::rename(&staging, output).map_err(|e| {
        let _ = std::fs::remove_file(&staging);
        fail(&format!("writing {}", output.display()), e.to_string())
    })
}
