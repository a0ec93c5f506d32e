//! Extension kernels for the JIT and for native builds: registering `--kernel-ext` catalogs
//! in the [`Options`], and loading their shared libraries (libloading) to bind the kernels'
//! symbols (docs/kernel-abi.md).

use crate::{Error, Options};
use libloading::Library;

impl Options {
    /// Registers the kernel catalog of a `--kernel-ext` value `catalog.json[:priority]`: its
    /// kernels become selectable (by hint or priority), and the catalog and its libraries
    /// become compile inputs (the compile cache keys on them). A bad value or catalog is a
    /// usage error (exit code 1).
    pub fn add_kernel_catalog(&mut self, spec: &str) -> Result<(), Error> {
        let before = self.program.kernels.kernels.len();
        self.program.kernels.add_spec(spec).map_err(|e| Error::Parse(format!("error: {e}")))?;
        let catalog = spec.rsplit_once(':').filter(|(_, p)| p.parse::<i32>().is_ok()).map_or(spec, |(path, _)| path);
        self.compile_inputs.push(catalog.into());
        for k in &self.program.kernels.kernels[before..] {
            self.frontend.external_kernels.push((k.mnemonic.clone(), k.name.clone()));
            if !self.compile_inputs.contains(&k.library) {
                self.compile_inputs.push(k.library.clone());
            }
        }
        Ok(())
    }
}

/// The loaded extension libraries and the addresses of their kernels; the libraries stay
/// loaded while this value lives, so it must outlive the JIT-compiled code that calls them.
pub struct Extensions {
    /// `(kernel name, address)` for the JIT.
    symbols: Vec<(String, *mut ())>,
    _libraries: Vec<Library>,
}

impl Extensions {
    /// Loads every library of `opts`' kernel catalogs and looks up each kernel.
    pub fn load(opts: &Options) -> Result<Extensions, Error> {
        let registry = &opts.program.kernels;
        let mut libraries = Vec::new();
        let mut symbols = Vec::new();
        for path in registry.libraries() {
            // SAFETY: loading runs the library's initialisers; extension libraries are trusted
            // code the user asked for with --kernel-ext.
            let lib = unsafe { Library::new(&path) }
                .map_err(|e| Error::Run(format!("cannot load the kernel extension library {}: {e}", path.display())))?;
            for k in registry.kernels.iter().filter(|k| k.library == path) {
                for name in std::iter::once(&k.name).chain(&k.cell) {
                    // SAFETY: only the address is taken; it is called with the catalog's signature.
                    let f = unsafe { lib.get::<unsafe extern "C" fn()>(name.as_bytes()) }.map_err(|e| {
                        Error::Run(format!("the kernel extension library {} has no function `{name}`: {e}", path.display()))
                    })?;
                    if !symbols.iter().any(|(n, _)| n == name) {
                        symbols.push((name.clone(), *f as *mut ()));
                    }
                }
            }
            libraries.push(lib);
        }
        Ok(Extensions { symbols, _libraries: libraries })
    }

    /// `(name, address)` of every kernel, as the JIT takes extra symbols.
    pub fn symbols(&self) -> Vec<(&str, *mut ())> {
        self.symbols.iter().map(|(n, p)| (n.as_str(), *p)).collect()
    }
}
