//! Physical operator selection: matrix products of a matrix with itself, or of a transposed
//! matrix with a column vector, become BLAS-style kernels (DAPHNE's `PhyOperatorSelectionPass`,
//! §6.2 step 9).
//!
//! **Matches and produces.** It runs after [`crate::canonicalize`] has folded transposes into
//! `mat_mul`'s `transa`/`transb` flags, and also matches transposes that were not folded (with
//! canonicalization switched off): an operand `t(Y)` counts as `Y` with its flag flipped. With
//! `op(A)` the operand as the product reads it:
//! - `t(X) @ X` (`mat_mul(X, X) {transa}`) → `syrk(X)`;
//! - `X @ t(X)` (`mat_mul(X, X) {transb}`) → `syrk(X) {outer}` (DAPHNE's `syrk(X, false)`);
//! - `t(X) @ v` (`mat_mul(X, v) {transa}`) with `v` known to have one column → `gemv(X, v)`
//!   (`gemv(A, x) = t(A) @ x`).
//!
//! The new op keeps the product's result type and property attributes (`syrk` adds
//! `daphne.symmetric = true`). A transpose left without uses is erased by [`crate::dce`].
//!
//! **Why it is sound.** `syrk` and `gemv` compute the same product as `mat_mul` of the same
//! operands in the same result value type, and fail exactly when the product would (inner
//! dimensions differ, for gemv; `syrk`'s operands always agree). The result can differ in the
//! last bits of floating-point rounding, since BLAS `dsyrk` sums in another order than `dgemm`,
//! as in DAPHNE; printed results (six significant digits) are the same in practice. Off with
//! `PassOptions::phy_op_selection = false` (`--no-phy-op-selection`).

use crate::canonicalize::{transpose_flags, transposed};
use crate::ir::{Op, Val, all_ops, build};
use crate::props::{self, Props};
use melior::ir::{Attribute, Module};

/// `syrk`'s unit attribute: the product is `A @ t(A)` instead of `t(A) @ A`.
pub const OUTER: &str = "outer";

/// True for `syrk(A) {outer}` (`A @ t(A)`).
pub fn is_outer(op: Op) -> bool {
    op.attr(OUTER).is_some()
}

/// Runs the pass; true if the module changed.
pub fn run(module: &Module) -> bool {
    let mut changed = false;
    for op in all_ops(module) {
        if op.name() != "daphne.mat_mul" || op.operand_count() != 2 {
            continue;
        }
        let (ta, tb0) = transpose_flags(op);
        let side = |v: Val, t: bool| transposed(v).map_or((v, t), |x| (x, !t));
        let ((a, ta), (b, tb)) = (side(op.operand(0), ta), side(op.operand(1), tb0));
        let mut p = props::of(op.result(0));
        if a == b && ta != tb {
            p.symmetric = Some(true);
            replace(op, "daphne.syrk", &[a], p, tb);
        } else if ta && !tb0 && props::of(op.operand(1)).cols == 1 {
            // The vector as the product reads it (a transposed row stays a materialized column).
            replace(op, "daphne.gemv", &[a, op.operand(1)], p, false);
        } else {
            continue;
        }
        changed = true;
    }
    changed
}

fn replace(op: Op, name: &str, operands: &[Val], p: Props, outer: bool) {
    let ty = op.result(0).ty();
    let loc = op.location();
    let context = loc.context();
    // SAFETY: the location's context is alive while the pass runs (`to_ref` borrows the
    // `ContextRef`, which must outlive the reference: hence the binding above).
    let context = unsafe { context.to_ref() };
    let attrs: Vec<(&str, Attribute)> = if outer { vec![(OUTER, Attribute::unit(context))] } else { Vec::new() };
    let new = op.insert_before(build(name, loc, operands, &[ty], &attrs));
    if op.attr(props::ROWS).is_some() {
        props::set(new, &[p]);
    }
    op.replace_with(&[new.result(0)]);
}
