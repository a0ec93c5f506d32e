//! Physical operator selection: matrix products with a transposed operand become BLAS-style
//! kernels that read the operand in place instead of materializing the transpose.
//!
//! **Matches and produces** (DAPHNE's `PhyOperatorSelectionPass`, §6.2 step 9):
//! - `mat_mul(t(X), X)` → `syrk(X)`;
//! - `mat_mul(X, t(X))` → `syrk(t(X))` (because `syrk(A) = t(A) @ A`, and `t(t(X)) = X`; the
//!   transpose already exists, and the product no longer needs a second copy);
//! - `mat_mul(t(X), v)` with `v` known to have one column → `gemv(X, v)` (`gemv(A, x) = t(A) @ x`).
//!
//! The new op keeps the product's result type and property attributes (`syrk` adds
//! `daphne.symmetric = true`). A transpose left without uses is erased by [`crate::dce`].
//!
//! **Why it is sound.** `syrk` and `gemv` compute the same product as `mat_mul` of the same
//! operands in the same result value type, and fail exactly when the product would (inner
//! dimensions differ, for gemv). The result can differ in the last bits of floating-point
//! rounding, since BLAS `dsyrk` sums in another order than `dgemm`, as in DAPHNE; printed
//! results (six significant digits) are the same in practice. Off with
//! `PassOptions::phy_op_selection = false` (`--no-phy-op-selection`).

use crate::ir::{Op, Val, all_ops, build};
use crate::props::{self, Props};
use melior::ir::Module;

/// Runs the pass; true if the module changed.
pub fn run(module: &Module) -> bool {
    let mut changed = false;
    for op in all_ops(module) {
        if op.name() != "daphne.mat_mul" || op.operand_count() != 2 {
            continue;
        }
        let (a, b) = (op.operand(0), op.operand(1));
        let transposed = |v: Val| v.def().filter(|o| o.name() == "daphne.transpose" && o.result(0).ty() == o.operand(0).ty()).map(|o| o.operand(0));
        let mut p = props::of(op.result(0));
        // t(X) @ X is syrk(X); X @ t(X) is syrk(t(X)): in both cases the right operand.
        let new = if transposed(a) == Some(b) || transposed(b) == Some(a) {
            p.symmetric = Some(true);
            replace(op, "daphne.syrk", &[b], p)
        } else if let Some(x) = transposed(a)
            && props::of(b).cols == 1
        {
            replace(op, "daphne.gemv", &[x, b], p)
        } else {
            continue;
        };
        changed |= new;
    }
    changed
}

fn replace(op: Op, name: &str, operands: &[Val], p: Props) -> bool {
    let ty = op.result(0).ty();
    let new = op.insert_before(build(name, op.location(), operands, &[ty], &[]));
    if op.attr(props::ROWS).is_some() {
        props::set(new, &[p]);
    }
    op.replace_with(&[new.result(0)]);
    true
}
