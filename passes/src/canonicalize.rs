//! Canonicalization: constant folding and algebraic simplification of daphne ops.
//!
//! **Matches and produces** (until nothing changes, at most [`MAX_ROUNDS`] sweeps):
//! - a scalar element-wise op, `cast` or string concatenation whose operands are all
//!   `daphne.constant`s → one `daphne.constant` with the value [`crate::fold`] computes;
//! - `cast(x)` to `x`'s own type → `x`;
//! - `t(t(X))` → `X`; `-(-x)` → `x`;
//! - `t(A) @ B`, `A @ t(B)`, `t(A) @ t(B)` → `mat_mul(A, B)` with the bool attributes
//!   [`TRANSA`]/[`TRANSB`] (DAPHNE's `transa`/`transb`; absent means false) flipped for each
//!   transposed operand, so no transpose is materialized for the product: the runtime passes
//!   the flags to BLAS `gemm` as `CblasTrans`. Unlike DAPHNE (which currently folds only the
//!   right operand), both sides are folded; like DAPHNE, not a transpose of a sparse matrix
//!   (CSR, or estimated sparsity below 0.25), which the CSR kernels multiply faster than a
//!   flagged operand that the runtime converts to dense. [`crate::phy_select`] then recognizes
//!   `syrk`/`gemv` from the flags (`t(X) @ X` is `mat_mul(X, X) {transa}`);
//! - `x * 1`, `1 * x`, `x / 1`, `x - 0` → `x` (integers and floats), `x + 0`, `0 + x` → `x`
//!   (integers only: in floating point `-0.0 + 0` is `+0.0`);
//! - `nrow(X)`, `ncol(X)`, `ncell(X)` → a constant when property inference recorded the shape;
//! - `arith.select` with a constant condition → the selected operand;
//! - `scf.if` with a constant condition → the taken branch's ops, inlined in place.
//!
//! **Why it is sound.** Folding computes exactly what the lowered code computes (see
//! [`crate::fold`]) and declines whatever would fail at run time, so the program prints the
//! same, fails the same way and at the same point. Every simplification that returns an
//! operand requires the result type to be the operand's type, so no value type changes,
//! and the identity holds bit for bit in that type (x·1 = x and x/1 = x even for NaN and
//! -0.0; x−0 = x too; only x+0 is excluded for floats). Matrices are immutable values, so
//! returning the operand matrix instead of an equal copy cannot be observed. A product with
//! flags computes `op(A) @ op(B)` for the same operands, value type and inner-dimension
//! check as the product of the materialized transposes (the sums may round differently in
//! the last bit, as any BLAS blocking does). Folded ops' now-unused operands are left for
//! [`crate::dce`].

use crate::fold::{self, ConstMatrix, Folded, Lit, MAX_FOLD_CELLS, Operand};
use crate::ir::{Op, Val, all_ops, build, const_i64, constant_of, constant_op, nested_ops};
use crate::props;
use crate::scalar::{Kind, Scalar};
use melior::ir::{
    AttributeLike, Module, Type,
    attribute::{BoolAttribute, IntegerAttribute},
    r#type::IntegerType,
};
use std::collections::HashSet;

/// Upper bound on the sweeps over the module (each sweep folds whole chains already).
pub const MAX_ROUNDS: usize = 8;

/// Runs the pass; true if the module changed.
pub fn run(module: &Module) -> bool {
    let mut changed = false;
    for _ in 0..MAX_ROUNDS {
        let mut dead = HashSet::new();
        let mut round = false;
        for op in all_ops(module) {
            if !dead.contains(&op) && rewrite(op, &mut dead) {
                round = true;
            }
        }
        changed |= round;
        if !round {
            break;
        }
    }
    changed
}

/// Applies the first matching rewrite to `op`; ops erased on the way go to `dead`.
fn rewrite(op: Op, dead: &mut HashSet<Op>) -> bool {
    let name = op.name();
    if name == "scf.if" {
        return inline_constant_if(op, dead);
    }
    if name == "arith.select" {
        if let Some(c) = constant_of(op.operand(0)).and_then(|c| truthy(&c)) {
            let pick = op.operand(if c { 1 } else { 2 });
            replace(op, pick, dead);
            return true;
        }
        return false;
    }
    let Some(d) = name.strip_prefix("daphne.") else { return false };
    // A hinted op runs its kernel (possibly an extension's, docs/kernel-abi.md): never folded.
    if op.result_count() != 1 || op.attr("kernel_hint").is_some() {
        return false;
    }
    if d == "mat_mul" {
        return fold_transposes(op, dead);
    }
    if let Some(c) = fold_matrix(op, d) {
        replace(op, c, dead);
        return true;
    }
    if let Some(lit) = fold_constant(op, d) {
        let ty = op.result(0).ty();
        let c = op.insert_before(constant_op(op.location(), ty, &lit));
        replace(op, c.result(0), dead);
        return true;
    }
    if let Some(v) = simplify(op, d) {
        replace(op, v, dead);
        return true;
    }
    false
}

fn replace(op: Op, with: Val, dead: &mut HashSet<Op>) {
    dead.insert(op);
    op.replace_with(&[with]);
}

/// Bool value of an i1 constant.
fn truthy(c: &Lit) -> Option<bool> {
    match c {
        Lit::Int(v) => Some(*v != 0),
        _ => None,
    }
}

fn scalar(v: Val) -> Option<Scalar> {
    match v.kind()? {
        Kind::Scalar(s) => Some(s),
        Kind::Matrix(_) => None,
    }
}

/// The folded value of `op` if all its operands are constants.
fn fold_constant(op: Op, d: &str) -> Option<Lit> {
    let result = scalar(op.result(0))?;
    let operands = op.operands();
    let lits: Vec<(Lit, Scalar)> = operands.iter().map(|v| Some((constant_of(*v)?, scalar(*v)?))).collect::<Option<_>>()?;
    if let Some(bop) = fold::binary_op(d) {
        let [(a, la), (b, lb)] = lits.as_slice() else { return None };
        return fold::binary(bop, (a, *la), (b, *lb), result);
    }
    match (d, lits.as_slice()) {
        ("ew_concat", [(a, la), (b, lb)]) => fold::concat((a, *la), (b, *lb)),
        ("cast", [(a, la)]) => fold::convert(a, *la, result),
        (_, [(a, la)]) if d.starts_with("ew_") => fold::unary(d, (a, *la), result),
        _ => None,
    }
}

fn is_one(v: Val) -> bool {
    matches!(constant_of(v), Some(Lit::Int(1))) || matches!(constant_of(v), Some(Lit::Float(f)) if f == 1.0)
}

fn is_zero(v: Val) -> bool {
    matches!(constant_of(v), Some(Lit::Int(0))) || matches!(constant_of(v), Some(Lit::Float(f)) if f == 0.0)
}

/// `x` if `op` computes `x` itself (same type, bit-identical value).
fn simplify(op: Op, d: &str) -> Option<Val> {
    let result = op.result(0);
    let rty: Type = result.ty();
    let same = |v: Val| v.ty() == rty;
    let vt = result.kind()?.value_type();
    let number = vt.is_numeric() && vt != Scalar::Bool;
    let unary_of = |v: Val, name: &str| v.def().filter(|o| o.name() == name && o.operand_count() == 1).map(|o| o.operand(0));
    let ops = op.operands();
    match (d, ops.as_slice()) {
        ("cast", [x]) if same(*x) => Some(*x),
        ("transpose", [x]) => unary_of(*x, "daphne.transpose").filter(|y| same(*y)),
        ("ew_minus", [x]) if number => unary_of(*x, "daphne.ew_minus").filter(|y| same(*y)),
        ("ew_mul", [x, y]) if number => {
            if same(*x) && is_one(*y) {
                Some(*x)
            } else if same(*y) && is_one(*x) {
                Some(*y)
            } else {
                None
            }
        }
        ("ew_div", [x, y]) if number && same(*x) && is_one(*y) => Some(*x),
        ("ew_sub", [x, y]) if number && same(*x) && is_zero(*y) => Some(*x),
        ("ew_add", [x, y]) if number && vt.is_int() => {
            if same(*x) && is_zero(*y) {
                Some(*x)
            } else if same(*y) && is_zero(*x) {
                Some(*y)
            } else {
                None
            }
        }
        ("num_rows" | "num_cols" | "num_cells", [x]) => {
            let (r, c) = props::of(*x).dims()?;
            let n = match d {
                "num_rows" => r,
                "num_cols" => c,
                _ => r.checked_mul(c)?,
            };
            let k = op.insert_before(constant_op(op.location(), rty, &Lit::Int(n as i128)));
            Some(k.result(0))
        }
        _ => None,
    }
}

/// Replaces an `scf.if` whose condition is a constant with the ops of the taken branch.
fn inline_constant_if(op: Op, dead: &mut HashSet<Op>) -> bool {
    let Some(cond) = constant_of(op.operand(0)).and_then(|c| truthy(&c)) else { return false };
    let regions = op.regions();
    let taken = regions.get(if cond { 0 } else { 1 }).and_then(|r| r.first().copied());
    let yielded = match taken {
        Some(block) => {
            let Some(term) = block.terminator() else { return false };
            for o in block.ops() {
                if o != term {
                    // SAFETY: both ops are live; moving keeps `o`'s handle valid.
                    unsafe { mlir_sys::mlirOperationMoveBefore(o.0, op.0) };
                }
            }
            term.operands()
        }
        None if op.result_count() == 0 => Vec::new(),
        None => return false,
    };
    for o in nested_ops(op) {
        dead.insert(o);
    }
    dead.insert(op);
    op.replace_with(&yielded);
    true
}

/// `mat_mul`'s attribute: the left operand is read transposed (a bool; absent is false).
pub const TRANSA: &str = "transa";
/// `mat_mul`'s attribute: the right operand is read transposed (a bool; absent is false).
pub const TRANSB: &str = "transb";

fn bool_attr(op: Op, name: &str) -> bool {
    op.attr(name).is_some_and(|a| {
        // SAFETY: kind check, then the accessor for that kind, on a live attribute.
        unsafe { mlir_sys::mlirAttributeIsABool(a.to_raw()) && mlir_sys::mlirBoolAttrGetValue(a.to_raw()) }
    })
}

/// The `(transa, transb)` flags of a `mat_mul` (false where absent).
pub fn transpose_flags(op: Op) -> (bool, bool) {
    (bool_attr(op, TRANSA), bool_attr(op, TRANSB))
}

/// The operand of a `transpose` that keeps its value type, if `v` is one.
pub fn transposed(v: Val) -> Option<Val> {
    v.def().filter(|o| o.name() == "daphne.transpose" && o.operand_count() == 1 && o.result(0).ty() == o.operand(0).ty()).map(|o| o.operand(0))
}

/// `mat_mul(t(A), B)` → `mat_mul(A, B) {transa = !transa}`, likewise for the right operand.
fn fold_transposes(op: Op, dead: &mut HashSet<Op>) -> bool {
    if op.operand_count() != 2 {
        return false;
    }
    let (ta, tb) = transpose_flags(op);
    // As in DAPHNE, a sparse operand keeps its transpose: the CSR product kernel reads it
    // untransposed, while a flagged CSR operand is converted to dense.
    let sparse = |x: Val| {
        matches!(x.def().map(Op::name).as_deref(), Some("daphne.to_csr" | "daphne.rand_csr")) || (0.0..0.25).contains(&props::of(x).sparsity)
    };
    let side = |v: Val, t: bool| transposed(v).filter(|x| !sparse(*x)).map_or((v, t, false), |x| (x, !t, true));
    let ((a, ta, fa), (b, tb, fb)) = (side(op.operand(0), ta), side(op.operand(1), tb));
    if !fa && !fb {
        return false;
    }
    let loc = op.location();
    let context = loc.context();
    // SAFETY: the location's context is alive while the pass runs (`to_ref` borrows the
    // `ContextRef`, which must outlive the reference: hence the binding above).
    let context = unsafe { context.to_ref() };
    let flags: Vec<(&str, melior::ir::Attribute)> =
        [(TRANSA, ta), (TRANSB, tb)].into_iter().filter(|(_, on)| *on).map(|(n, _)| (n, BoolAttribute::new(context, true).into())).collect();
    let new = op.insert_before(build("daphne.mat_mul", loc, &[a, b], &[op.result(0).ty()], &flags));
    if op.attr(props::ROWS).is_some() {
        props::set(new, &[props::of(op.result(0))]);
    }
    replace(op, new.result(0), dead);
    true
}

/// The compile-time value of `v` if it is a small constant matrix (at most
/// [`MAX_FOLD_CELLS`] cells): a matrix literal of constants, `fill` or `seq` with constant
/// arguments, or `reshape` of one to constant dimensions. `fill`, `seq` and `reshape` run the
/// runtime's own kernels, with the scalars converted as the lowering converts them.
fn const_matrix(v: Val) -> Option<ConstMatrix> {
    use daphne_rt::kernels::{generation, reorganization};
    let op = v.def()?;
    let Kind::Matrix(vt) = v.kind()? else { return None };
    let dims = |i: usize, j: usize| -> Option<(usize, usize)> {
        let (r, c) = (usize::try_from(const_i64(op.operand(i))?).ok()?, usize::try_from(const_i64(op.operand(j))?).ok()?);
        (r.checked_mul(c)? <= MAX_FOLD_CELLS).then_some((r, c))
    };
    let lit = |i: usize| -> Option<(Lit, Scalar)> {
        let x = op.operand(i);
        Some((constant_of(x)?, scalar(x)?))
    };
    let m = match op.daphne()?.as_str() {
        "matrix_constant" => {
            let attr = |n: &str| op.attr(n).and_then(|a| IntegerAttribute::try_from(a).ok()).and_then(|a| usize::try_from(a.value()).ok());
            let (rows, cols) = (attr("num_rows")?, attr("num_cols")?);
            if rows.checked_mul(cols)? > MAX_FOLD_CELLS || op.operand_count() != rows * cols {
                return None;
            }
            let cells = op.operands().iter().map(|x| fold::convert(&constant_of(*x)?, scalar(*x)?, vt)).collect::<Option<Vec<_>>>()?;
            return Some(ConstMatrix { rows, cols, vt, cells }).filter(|m| m.to_runtime().is_some());
        }
        "fill" if op.operand_count() == 3 => {
            let ((v, s), (r, c)) = (lit(0)?, dims(1, 2)?);
            generation::fill(vt.rt_type(), fold::carrier_ref(&v, s)?, r, c)
        }
        "seq" if op.operand_count() == 3 => {
            let args: Vec<Lit> = (0..3).map(|i| lit(i).and_then(|(v, s)| fold::convert(&v, s, vt))).collect::<Option<_>>()?;
            // Bound the length before running the kernel: |to - from| / |inc| + 1 cells.
            let f = |l: &Lit| fold::convert(l, vt, Scalar::Float(64)).and_then(|x| if let Lit::Float(x) = x { Some(x) } else { None });
            let (from, to, inc) = (f(&args[0])?, f(&args[1])?, f(&args[2])?);
            let n = ((to - from) / inc).abs();
            if !n.is_finite() || n + 1.0 > MAX_FOLD_CELLS as f64 {
                return None;
            }
            let r = |i: usize| fold::carrier_ref(&args[i], vt);
            generation::seq(vt.rt_type(), r(0)?, r(1)?, r(2)?)
        }
        "reshape" if op.operand_count() == 3 => {
            let (inner, (r, c)) = (const_matrix(op.operand(0))?, dims(1, 2)?);
            reorganization::reshape(&inner.to_runtime()?, r, c)
        }
        _ => return None,
    };
    ConstMatrix::from_runtime(&m.ok()?, vt)
}

/// Folds element-wise ops, transposes and aggregations whose operands are all constants,
/// with at least one small constant matrix ([`const_matrix`]), computed by [`fold::matrix_op`]:
/// a matrix result becomes a literal of constants (`matrix_constant`), a full aggregation a
/// scalar constant. Returns the replacement value (inserted before `op`).
fn fold_matrix(op: Op, d: &str) -> Option<Val> {
    if matches!(d, "matrix_constant" | "fill" | "seq" | "reshape") {
        return None; // the sources themselves stay as written
    }
    let operands = op.operands();
    if operands.is_empty() || !operands.iter().any(|v| v.is_matrix()) {
        return None;
    }
    let consts: Vec<Operand> = operands
        .iter()
        .map(|v| match v.kind()? {
            Kind::Matrix(_) => const_matrix(*v).map(Operand::Matrix),
            Kind::Scalar(s) => Some(Operand::Scalar(constant_of(*v)?, s)),
        })
        .collect::<Option<_>>()?;
    let ty = op.result(0).ty();
    let loc = op.location();
    match fold::matrix_op(d, &consts, op.result(0).kind()?)? {
        Folded::Scalar(lit) => Some(op.insert_before(constant_op(loc, ty, &lit)).result(0)),
        Folded::Matrix(m) => {
            let context = loc.context();
            // SAFETY: the location's context is alive while the pass runs (bound above).
            let context = unsafe { context.to_ref() };
            let text = ty.to_string();
            let elem = text.strip_prefix("!daphne.matrix<").and_then(|t| t.strip_suffix('>'))?;
            let elem_ty = Type::parse(context, elem)?;
            let cells: Vec<Val> = m.cells.iter().map(|c| op.insert_before(constant_op(loc, elem_ty, c)).result(0)).collect();
            let i64t: Type = IntegerType::new(context, 64).into();
            let attrs = [
                ("num_rows", IntegerAttribute::new(i64t, m.rows as i64).into()),
                ("num_cols", IntegerAttribute::new(i64t, m.cols as i64).into()),
            ];
            let lit = op.insert_before(build("daphne.matrix_constant", loc, &cells, &[ty], &attrs));
            Some(lit.result(0))
        }
    }
}
