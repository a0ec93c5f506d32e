//! Ahead-of-time compilation: LLVM dialect → object file ([`crate::codegen`]) → native
//! executable linked with the runtime's static library (`libdaphne_rt.a`).

use crate::Error;
use crate::codegen::{Cpu, object_code};
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
/// leaves a half-written file at `output`. Extension kernel libraries (`libraries`) become
/// runtime dependencies, found through an rpath to their directory.
pub fn build_native(module: &Module, output: &Path, native: bool, libraries: &[PathBuf]) -> Result<(), Error> {
    let _span = tracing::info_span!("build_native").entered();
    let fail = |what: &str, e: String| Error::Compile(format!("{what}: {e}"));
    let code = object_code(module, if native { Cpu::Host } else { Cpu::Portable })?;
    let dir = tempfile::tempdir().map_err(|e| fail("temporary directory", e.to_string()))?;
    let object = dir.path().join("script.o");
    std::fs::write(&object, code).map_err(|e| fail("writing the object file", e.to_string()))?;

    let runtime = runtime_library()?;
    let staging = output.with_file_name(format!(
        ".{}.partial",
        output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "daphne-app".into())
    ));
    let mut extension_args = Vec::new();
    for lib in libraries {
        let lib = lib.canonicalize().map_err(|e| fail(&format!("kernel extension library {}", lib.display()), e.to_string()))?;
        let (Some(dir), Some(file)) = (lib.parent(), lib.file_name()) else {
            return Err(fail("kernel extension library", format!("{} is not a file path", lib.display())));
        };
        extension_args.push(format!("-L{}", dir.display()));
        extension_args.push(format!("-l:{}", file.to_string_lossy()));
        extension_args.push(format!("-Wl,-rpath,{}", dir.display()));
    }
    let status = Command::new("cc")
        .arg(&object)
        .arg(&runtime)
        .args(&extension_args)
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
