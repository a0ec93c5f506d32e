//! Loading an object file into this process with LLVM's ORC LLJIT (C API through llvm-sys):
//! the runtime's functions and any extra symbols are defined as absolute symbols, everything
//! else the code calls (libc, libm) resolves against the process.

use inkwell::llvm_sys::{
    core::LLVMCreateMemoryBufferWithMemoryRangeCopy,
    error::{LLVMDisposeErrorMessage, LLVMErrorRef, LLVMGetErrorMessage},
    orc2::{
        LLVMJITEvaluatedSymbol, LLVMJITSymbolFlags, LLVMJITSymbolGenericFlags, LLVMOrcAbsoluteSymbols, LLVMOrcCSymbolMapPair,
        LLVMOrcExecutorAddress, LLVMOrcJITDylibDefine,
        lljit::{
            LLVMOrcCreateLLJIT, LLVMOrcDisposeLLJIT, LLVMOrcLLJITAddObjectFile, LLVMOrcLLJITGetMainJITDylib, LLVMOrcLLJITLookup,
            LLVMOrcLLJITMangleAndIntern, LLVMOrcLLJITRef,
        },
    },
};
use std::collections::HashSet;
use std::ffi::{CStr, CString};

/// A script's code loaded into this process, ready to run.
pub struct Jit {
    /// Owns the loaded code that `main` points into.
    _session: Session,
    main: extern "C" fn() -> i32,
}

/// An LLJIT instance, disposed of on drop.
struct Session(LLVMOrcLLJITRef);

impl Jit {
    /// Loads `object` (from [`crate::codegen::object_code`] for the host CPU), binding the
    /// runtime's kernels and `extra_symbols` (`(name, address)`, e.g. functions of extension
    /// libraries), and finds the script's `main`. A name defined twice is an error.
    pub(crate) fn load(object: &[u8], extra_symbols: &[(&str, *mut ())]) -> Result<Jit, String> {
        let _span = tracing::info_span!("jit_load").entered();
        crate::codegen::initialize_native().map_err(|e| e.to_string())?;
        let mut lljit: LLVMOrcLLJITRef = std::ptr::null_mut();
        // SAFETY: a null builder asks for the default LLJIT for the host.
        check(unsafe { LLVMOrcCreateLLJIT(&mut lljit, std::ptr::null_mut()) }, "creating the JIT")?;
        let session = Session(lljit);
        session.define(extra_symbols)?;
        let name = c"daphne-script.o";
        // SAFETY: the buffer copies `object`; the LLJIT takes ownership of the buffer.
        let buffer = unsafe { LLVMCreateMemoryBufferWithMemoryRangeCopy(object.as_ptr().cast(), object.len(), name.as_ptr()) };
        // SAFETY: `lljit` is live; the main JITDylib belongs to it.
        check(unsafe { LLVMOrcLLJITAddObjectFile(lljit, LLVMOrcLLJITGetMainJITDylib(lljit), buffer) }, "loading the object code")?;
        let mut address: LLVMOrcExecutorAddress = 0;
        // SAFETY: looks up a NUL-terminated name in the live LLJIT (this links the object).
        check(unsafe { LLVMOrcLLJITLookup(lljit, &mut address, c"main".as_ptr()) }, "linking the script's `main`")?;
        if address == 0 {
            return Err("the JIT did not produce `main`".into());
        }
        // SAFETY: `main` is the `() -> i32` C entry point built by the lowering; the code stays
        // loaded as long as the session lives.
        let main = unsafe { std::mem::transmute::<usize, extern "C" fn() -> i32>(address as usize) };
        Ok(Jit { _session: session, main })
    }

    /// Runs the script's `main`; returns its exit code (runtime errors exit the process
    /// themselves with code 3).
    pub fn run(&self) -> i32 {
        (self.main)()
    }
}

impl Session {

    /// Defines the runtime's kernels and `extra` in the main JITDylib.
    fn define(&self, extra: &[(&str, *mut ())]) -> Result<(), String> {
        let runtime = daphne_rt::abi::kernel_symbols();
        let mut seen = HashSet::new();
        let mut pairs = Vec::with_capacity(runtime.len() + extra.len());
        for &(name, address) in runtime.iter().chain(extra) {
            if !seen.insert(name) {
                return Err(format!("the JIT symbol `{name}` is defined twice (an extension function clashes with a runtime function?)"));
            }
            let cname = CString::new(name).map_err(|_| format!("the JIT symbol name `{name}` contains a NUL byte"))?;
            let flags = LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsExported as u8
                | LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsCallable as u8;
            pairs.push(LLVMOrcCSymbolMapPair {
                // SAFETY: interns a NUL-terminated name in the live LLJIT's string pool.
                Name: unsafe { LLVMOrcLLJITMangleAndIntern(self.0, cname.as_ptr()) },
                Sym: LLVMJITEvaluatedSymbol { Address: address as u64, Flags: LLVMJITSymbolFlags { GenericFlags: flags, TargetFlags: 0 } },
            });
        }
        // SAFETY: `AbsoluteSymbols` takes over the interned names; `JITDylibDefine` takes over
        // the materialization unit (also on failure).
        let unit = unsafe { LLVMOrcAbsoluteSymbols(pairs.as_mut_ptr(), pairs.len()) };
        check(unsafe { LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(self.0), unit) }, "defining the runtime symbols")
    }

}

impl Drop for Session {
    fn drop(&mut self) {
        // SAFETY: the LLJIT is live and disposed of once; the error (if any) is consumed.
        let _ = check(unsafe { LLVMOrcDisposeLLJIT(self.0) }, "disposing of the JIT");
    }
}

/// Turns an LLVM error into a message (consuming it).
fn check(error: LLVMErrorRef, what: &str) -> Result<(), String> {
    if error.is_null() {
        return Ok(());
    }
    // SAFETY: `error` is a live error; getting its message consumes it.
    unsafe {
        let message = LLVMGetErrorMessage(error);
        let text = CStr::from_ptr(message).to_string_lossy().into_owned();
        LLVMDisposeErrorMessage(message);
        Err(format!("{what}: {text}"))
    }
}
