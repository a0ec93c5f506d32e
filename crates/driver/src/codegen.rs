//! LLVM code generation shared by the JIT and `daphne build`: LLVM dialect → LLVM IR (inkwell)
//! → LLVM O3 → an object file in memory.

use crate::Error;
use inkwell::{
    OptimizationLevel,
    passes::PassBuilderOptions,
    targets::{CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine},
};
use melior::ir::Module;

/// The CPU that code is generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cpu {
    /// This machine's CPU with all its features (the JIT; `daphne build --native`).
    Host,
    /// A portable x86-64-v2 CPU (`daphne build`).
    Portable,
}

/// The host's target triple, CPU name and CPU features (what [`Cpu::Host`] code depends on).
pub(crate) fn host_target() -> (String, String, String) {
    (
        TargetMachine::get_default_triple().as_str().to_string_lossy().into_owned(),
        TargetMachine::get_host_cpu_name().to_string(),
        TargetMachine::get_host_cpu_features().to_string(),
    )
}

/// Registers the native LLVM target (idempotent).
pub(crate) fn initialize_native() -> Result<(), Error> {
    Target::initialize_native(&InitializationConfig::default()).map_err(|e| Error::Compile(format!("LLVM target: {e}")))
}

/// Translates a module in the LLVM dialect to LLVM IR, optimizes it at O3 for `cpu` and
/// returns the object file (position-independent, ELF on Linux).
pub fn object_code(module: &Module, cpu: Cpu) -> Result<Vec<u8>, Error> {
    let _span = tracing::info_span!("object_code").entered();
    let fail = |what: &str, e: String| Error::Compile(format!("{what}: {e}"));
    initialize_native()?;
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
    let (cpu_name, features) = match cpu {
        Cpu::Host => (TargetMachine::get_host_cpu_name().to_string(), TargetMachine::get_host_cpu_features().to_string()),
        Cpu::Portable => ("x86-64-v2".to_string(), String::new()),
    };
    let machine = target
        .create_target_machine(&triple, &cpu_name, &features, OptimizationLevel::Aggressive, RelocMode::PIC, CodeModel::Default)
        .ok_or_else(|| Error::Compile(format!("no LLVM target machine for {cpu_name}")))?;
    ir.set_triple(&triple);
    ir.set_data_layout(&machine.get_target_data().get_data_layout());
    ir.verify().map_err(|e| fail("LLVM IR does not verify", e.to_string()))?;
    ir.run_passes("default<O3>", &machine, PassBuilderOptions::create()).map_err(|e| fail("LLVM O3", e.to_string()))?;
    let buffer = machine.write_to_memory_buffer(&ir, FileType::Object).map_err(|e| fail("generating the object file", e.to_string()))?;
    Ok(buffer.as_slice().to_vec())
}
