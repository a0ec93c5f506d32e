//! Passes over the `daphne` dialect and its lowering to the LLVM dialect.
//!
//! The middle end rewrites the daphne module in place, one pass per module, in the order of
//! [`pipeline::optimize`] (names and table in [`registry`]): [`canonicalize`] (folding via
//! [`fold`]), [`cse`], [`dce`], [`infer`] (properties in [`props`]), [`phy_select`],
//! [`refcount`]. They share [`ir`] (a copyable view of ops and values), [`scalar`] (what a
//! type means to DaphneDSL) and [`effects`] (which ops are pure, which cannot fail).
//!
//! [`lower::lower`] re-emits a daphne module in upstream dialects (runtime calls for data
//! objects, arith/math for scalars, scf for control flow); [`to_llvm_dialect`] then runs MLIR's
//! conversion passes down to the LLVM dialect, ready for translation to LLVM IR.

pub mod canonicalize;
pub mod cse;
pub mod dce;
pub mod effects;
pub mod fold;
pub mod infer;
pub mod ir;
pub mod kernel_ext;
pub mod lower;
pub mod phy_select;
pub mod pipeline;
pub mod props;
pub mod refcount;
pub mod registry;
pub mod scalar;
pub mod vectorize;

use melior::{Context, ir::Module, pass::PassManager, utility::parse_pass_pipeline};

/// MLIR's conversion pipeline from the lowered module to the LLVM dialect.
pub const LLVM_PIPELINE: &str = "builtin.module(\
    convert-math-to-libm, \
    convert-scf-to-cf, \
    func.func(convert-math-to-llvm), \
    convert-arith-to-llvm, \
    convert-index-to-llvm, \
    convert-func-to-llvm, \
    convert-cf-to-llvm, \
    reconcile-unrealized-casts)";

/// Runs [`LLVM_PIPELINE`] on `module` in place.
pub fn to_llvm_dialect(context: &Context, module: &mut Module) -> Result<(), String> {
    let pm = PassManager::new(context);
    parse_pass_pipeline(pm.as_operation_pass_manager(), LLVM_PIPELINE).map_err(|e| e.to_string())?;
    pm.run(module).map_err(|e| format!("lowering to the LLVM dialect failed: {e}"))
}
