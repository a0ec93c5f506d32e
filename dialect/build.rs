//! Debian's libmlir-22 ships libMLIR.so (the C++ API) but no libMLIR-C.so: the MLIR C API exists
//! only as static `libMLIRCAPI*.a`. mlir-sys in shared mode (`MLIR_SYS_LINK_SHARED=1`) asks for
//! `-lMLIR-C`, so this script writes a linker script named `libMLIR-C.so` that pulls in those
//! archives; their C++ references then resolve against libMLIR.so / libLLVM.so (one LLVM copy).
use std::{env, fs, path::PathBuf};

fn main() {
    let prefix = env::var("MLIR_SYS_220_PREFIX").unwrap_or_else(|_| "/usr/lib/llvm-22".into());
    let libdir = PathBuf::from(&prefix).join("lib");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let entries = fs::read_dir(&libdir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e} (run tools/setup.sh)", libdir.display()));
    let mut archives: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            name.starts_with("libMLIRCAPI") && name.ends_with(".a")
        })
        .map(|p| p.display().to_string())
        .collect();
    archives.sort();
    fs::write(out.join("libMLIR-C.so"), format!("INPUT ( {} )\n", archives.join(" ")))
        .expect("write linker script");
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=MLIR_SYS_220_PREFIX");
}
