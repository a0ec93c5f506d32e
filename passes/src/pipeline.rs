//! The middle-end pass pipeline over the `daphne` dialect, in a fixed order, with DAPHNE's
//! stage names for `--explain`.

use melior::{Context, ir::Module};

/// A point in the pipeline after which the module can be printed (`--explain=<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The daphne dialect as emitted by the frontend.
    Parsing,
    /// After canonicalization, constant folding and CSE.
    ParsingSimplified,
    /// After shape, sparsity and symmetry inference.
    PropertyInference,
    /// After physical operator selection (`t(X)@X` → syrk, ...).
    PhyOpSelection,
    /// After casts were inserted to match kernel signatures.
    TypeAdaptation,
    /// After forming vectorized pipelines.
    Vectorized,
    /// After inserting reference-count updates.
    ObjRefMgnt,
    /// After lowering daphne ops to runtime kernel calls and scalar arithmetic.
    Kernels,
    /// The LLVM dialect, right before translation to LLVM IR.
    Llvm,
}

impl Stage {
    /// All stages, in pipeline order.
    pub const ALL: [Stage; 9] = [
        Stage::Parsing,
        Stage::ParsingSimplified,
        Stage::PropertyInference,
        Stage::PhyOpSelection,
        Stage::TypeAdaptation,
        Stage::Vectorized,
        Stage::ObjRefMgnt,
        Stage::Kernels,
        Stage::Llvm,
    ];

    /// DAPHNE's name of the stage.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Parsing => "parsing",
            Stage::ParsingSimplified => "parsing_simplified",
            Stage::PropertyInference => "property_inference",
            Stage::PhyOpSelection => "phy_op_selection",
            Stage::TypeAdaptation => "type_adaptation",
            Stage::Vectorized => "vectorized",
            Stage::ObjRefMgnt => "obj_ref_mgnt",
            Stage::Kernels => "kernels",
            Stage::Llvm => "llvm",
        }
    }

    /// The stage with DAPHNE's name `name`.
    pub fn from_name(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Which optional passes run (all on by default).
#[derive(Debug, Clone)]
pub struct PassOptions {
    /// `t(X) @ X` → syrk and friends (`--no-phy-op-selection` turns it off).
    pub phy_op_selection: bool,
    /// Reference counting (`--no-obj-ref-mgnt` turns it off).
    pub obj_ref_mgnt: bool,
    /// Further passes switched off by name (see [`crate::registry::PASSES`]); the
    /// environment variable `DAPHNE_DISABLE_PASSES` (comma-separated names) adds to it.
    pub disabled: Vec<String>,
}

impl Default for PassOptions {
    fn default() -> Self {
        PassOptions { phy_op_selection: true, obj_ref_mgnt: true, disabled: Vec::new() }
    }
}

/// The environment variable that switches passes off by name (for testing).
pub const DISABLE_ENV: &str = "DAPHNE_DISABLE_PASSES";

impl PassOptions {
    /// The names of the passes that will not run: `disabled`, the flags, and
    /// `DAPHNE_DISABLE_PASSES`. An unknown name is an error.
    pub fn disabled_passes(&self) -> Result<Vec<String>, String> {
        let mut names: Vec<String> = self.disabled.clone();
        if let Ok(env) = std::env::var(DISABLE_ENV) {
            names.extend(env.split(',').map(str::trim).filter(|n| !n.is_empty()).map(String::from));
        }
        for n in &names {
            if crate::registry::find(n).is_none() {
                return Err(format!("unknown pass `{n}` to disable (known: {})", crate::registry::names()));
            }
        }
        if !self.phy_op_selection {
            names.push("phy-op-selection".into());
        }
        if !self.obj_ref_mgnt {
            names.push("obj-ref-mgnt".into());
        }
        Ok(names)
    }
}

/// Runs the middle-end passes on a verified daphne module, calling `observe` after each stage
/// from `ParsingSimplified` to `ObjRefMgnt`. The order (see [`crate::registry`]):
///
/// 1. `parsing_simplified`: canonicalize, cse, dce, repeated while they change something;
/// 2. `property_inference`: infer, then the simplifications again (shapes fold `nrow`/`ncol`);
/// 3. `phy_op_selection`: phy-op-selection, then dce (transposes it made dead) and infer;
/// 4. `type_adaptation`: nothing yet; `vectorized`: vectorize (fused pipelines);
/// 5. `obj_ref_mgnt`: obj-ref-mgnt.
///
/// Passes that introduce calls to kernels the linked runtime does not export yet
/// (`daphne_syrk`, `daphne_gemv`, `daphne_incref`/`daphne_decref`) are skipped.
pub fn optimize(_context: &Context, module: &mut Module, opts: &PassOptions, observe: &mut dyn FnMut(Stage, &Module)) -> Result<(), String> {
    use crate::registry::{find, run_checked, runtime_has};
    let disabled = opts.disabled_passes()?;
    let run = |name: &str, module: &Module| -> Result<bool, String> {
        if disabled.iter().any(|d| d == name) {
            return Ok(false);
        }
        run_checked(find(name).expect("registered pass"), module).map_err(|e| e.to_string())
    };
    let simplify = |module: &Module| -> Result<(), String> {
        for _ in 0..4 {
            let mut changed = run("canonicalize", module)?;
            changed |= run("cse", module)?;
            changed |= run("dce", module)?;
            if !changed {
                break;
            }
        }
        Ok(())
    };

    simplify(module)?;
    observe(Stage::ParsingSimplified, module);

    if run("infer", module)? {
        simplify(module)?;
    }
    observe(Stage::PropertyInference, module);

    if runtime_has("daphne_syrk") && runtime_has("daphne_gemv") && run("phy-op-selection", module)? {
        run("dce", module)?;
        run("infer", module)?; // syrk results are symmetric: pass that on
    }
    observe(Stage::PhyOpSelection, module);

    observe(Stage::TypeAdaptation, module);

    if runtime_has("daphne_vec_run") {
        run("vectorize", module)?;
    }
    observe(Stage::Vectorized, module);

    if runtime_has("daphne_incref") && runtime_has("daphne_decref") {
        run("obj-ref-mgnt", module)?;
    }
    observe(Stage::ObjRefMgnt, module);
    Ok(())
}
