//! The middle-end passes by name, and the default order in which [`crate::pipeline::optimize`]
//! runs them.
//!
//! | name | module | stage after which it has run |
//! |---|---|---|
//! | `canonicalize` | [`crate::canonicalize`] | `parsing_simplified` (and again in `property_inference`) |
//! | `cse` | [`crate::cse`] | `parsing_simplified` (and again) |
//! | `dce` | [`crate::dce`] | `parsing_simplified` (and again, and after `phy_op_selection`) |
//! | `infer` | [`crate::infer`] | `property_inference` (and again after `phy_op_selection`) |
//! | `phy-op-selection` | [`crate::phy_select`] | `phy_op_selection` |
//! | `vectorize` | [`crate::vectorize`] | `vectorized` |
//! | `obj-ref-mgnt` | [`crate::refcount`] | `obj_ref_mgnt` |
//!
//! Every pass is optional: the lowering accepts the module whichever passes ran. A pass is
//! switched off by listing its name in [`crate::pipeline::PassOptions::disabled`] or in the
//! environment variable `DAPHNE_DISABLE_PASSES` (comma-separated), which lets the script
//! tests run every script with each pass switched off.

use melior::ir::{Module, operation::OperationLike};

/// A named pass.
#[derive(Clone, Copy, Debug)]
pub struct Pass {
    /// The name for `--pass=`, `DAPHNE_DISABLE_PASSES` and `PassOptions::disabled`.
    pub name: &'static str,
    /// One line for `daphne-opt --list-passes`.
    pub summary: &'static str,
    /// Runs the pass in place; true if the module changed.
    pub run: fn(&Module) -> bool,
}

/// All passes, in the default order.
pub const PASSES: &[Pass] = &[
    Pass { name: "canonicalize", summary: "constant folding and algebraic simplification", run: crate::canonicalize::run },
    Pass { name: "cse", summary: "common subexpression elimination of pure ops", run: crate::cse::run },
    Pass { name: "dce", summary: "dead code elimination of pure ops that cannot fail", run: crate::dce::run },
    Pass { name: "infer", summary: "shape, sparsity and symmetry inference (daphne.rows, ... attributes)", run: crate::infer::run },
    Pass { name: "phy-op-selection", summary: "t(X)@X, X@t(X) -> syrk; t(X)@v -> gemv", run: crate::phy_select::run },
    Pass { name: "vectorize", summary: "fuse element-wise ops and aggregations into vectorized pipelines", run: crate::vectorize::run },
    Pass { name: "obj-ref-mgnt", summary: "incref/decref insertion (reference counting)", run: crate::refcount::run },
];

/// The pass called `name`.
pub fn find(name: &str) -> Option<&'static Pass> {
    PASSES.iter().find(|p| p.name == name)
}

/// The names of all passes, comma-separated (for error messages).
pub fn names() -> String {
    PASSES.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
}

/// A pass left the module invalid (a compiler bug), or a pass name is unknown.
#[derive(Debug, Clone, PartialEq)]
pub struct PassError(pub String);

impl std::fmt::Display for PassError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PassError {}

/// Runs `pass` and verifies the module afterwards; true if the module changed.
pub fn run_checked(pass: &Pass, module: &Module) -> Result<bool, PassError> {
    let _span = tracing::debug_span!("pass", name = pass.name).entered();
    let changed = (pass.run)(module);
    if changed && !module.as_operation().verify() {
        return Err(PassError(format!(
            "the module does not verify after pass `{}`:\n{}",
            pass.name,
            daphne_dialect::take_diagnostics().join("\n")
        )));
    }
    Ok(changed)
}

/// Runs the passes named in `names`, in that order (for `daphne-opt` and tests).
pub fn run_named(module: &Module, pass_names: &[&str]) -> Result<(), PassError> {
    for name in pass_names {
        let pass = find(name).ok_or_else(|| PassError(format!("unknown pass `{name}` (known: {})", names())))?;
        run_checked(pass, module)?;
    }
    Ok(())
}

/// True if the runtime linked into this compiler exports `symbol` (passes that introduce
/// calls to new kernels are skipped while the runtime lacks them).
pub fn runtime_has(symbol: &str) -> bool {
    daphne_rt::abi::kernel_symbols().iter().any(|(n, _)| *n == symbol)
}
