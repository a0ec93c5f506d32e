//! Vectorized pipelines: fuses element-wise operations and aggregations over the same rows into
//! pipelines that [`crate::lower`] compiles into one outlined loop nest run by DaphneSched.
//!
//! **What fuses.** Dense matrices of one value type `T` (f64, f32 or si64) whose shapes
//! property inference knows, all `R`×`C` with at least one cell:
//! - element-wise unary ops and binary ops (comparisons included) with an `R`×`C` left operand
//!   (or a scalar) and a right operand that is `R`×`C`, a 1×`C` row, an `R`×1 column, 1×1 or a
//!   scalar (DAPHNE's broadcasting); integer `/ % ^ log` and f32 `^ log` stay kernels (their
//!   kernels differ from scalar code on zero divisors and rounding);
//! - outer ops (`outerAdd(x, y)` …) of an `R`×1 column and a 1×`C` row, the same binary ops
//!   with both operands broadcast;
//! - `t(X)` of a `C`×`R` matrix, read in place by the ops it feeds (a pipeline of transposes
//!   only is left to the cache-blocked kernel);
//! - `sum`, `min`, `max`, `mean` over all cells (a scalar), per row (`R`×1) or per column
//!   (1×`C`) of an `R`×`C` value — mean on floats only. Aggregations end a chain: their results
//!   are always materialized outputs.
//!
//! An op joins the pipeline of a fused producer of one of its operands, or of another fused
//! user of one of its matrix operands (horizontal fusion: two aggregations scanning one input
//! read it once), when the shapes and `T` agree and every op between the pipeline's first
//! member and the new op is pure and uses no member's result (the members are moved down to
//! the last one: such a use would lose its definition, and computation never moves across a
//! print or a clock read, so `now()` timings measure what the script says). Otherwise the op
//! opens a new pipeline. Pipelines of a
//! single op over fewer than [`SINGLE_OP_MIN_CELLS`] cells are dropped (a kernel call compiles
//! faster and runs as fast).
//!
//! Ops with a `kernel_hint` (a chosen, possibly external, kernel) are never fused, unless the
//! kernel is an element-wise extension kernel with a per-cell function
//! ([`crate::kernel_ext::CELL_ATTR`]): pipelines then call that function per cell.
//!
//! **In the IR** (`--explain=vectorized`) each pipeline is a `daphne.vectorized_pipeline`
//! op followed by its members, contiguous and tagged `daphne.pipeline = id`; a member whose
//! result is used outside the pipeline carries `daphne.pipeline_output` and is materialized,
//! the others live in registers only. The marker carries the shape and the scheduling
//! annotation: `scheme`, `layout`, `victim`, `grain` (0: the configured one) and `workers`
//! (0: all). These come from the scheduler configuration (the CLI flags); without `--vec`,
//! pipelines under [`CALLING_THREAD_MAX_CELLS`] cells run on the calling thread
//! (`workers = 1`), since waking the pool costs more than they take.

use crate::fold::binary_op;
use crate::ir::{Blk, Op, Val, build, module_body, nested_ops};
use crate::props;
use crate::scalar::{Kind, Scalar};
use daphne_rt::BinaryOp;
use melior::ir::{Attribute, Module, attribute::{IntegerAttribute, StringAttribute}, r#type::IntegerType};
use std::collections::HashMap;

/// The attribute tagging each member op with its pipeline's id.
pub const MEMBER: &str = "daphne.pipeline";
/// The unit attribute of a member whose result is used outside the pipeline.
pub const OUTPUT: &str = "daphne.pipeline_output";
/// The marker op opening a pipeline.
pub const MARKER: &str = "daphne.vectorized_pipeline";

/// A pipeline of one op is kept only from this many cells on.
pub const SINGLE_OP_MIN_CELLS: i64 = 1 << 16;
/// Without `--vec`, pipelines of fewer cells run on the calling thread.
pub const CALLING_THREAD_MAX_CELLS: i64 = 1 << 15;

/// How a member computes, as the lowering needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Member {
    /// An element-wise unary op.
    Unary,
    /// `t(X)` read in place: cell `(r, c)` is cell `(c, r)` of the `C`×`R` input.
    Transpose,
    /// An element-wise binary op.
    Binary(BinaryOp),
    /// An aggregation: op name (`sum`, `min`, `max`, `mean`) and axis.
    Agg(Agg, Axis),
}

/// A fusible aggregation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agg {
    /// Sum.
    Sum,
    /// Minimum.
    Min,
    /// Maximum.
    Max,
    /// Mean (sum divided by the count).
    Mean,
}

/// What an aggregation reduces over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// All cells (a scalar).
    All,
    /// Each row (an `R`×1 result).
    Row,
    /// Each column (a 1×`C` result, combined from per-worker partials).
    Col,
}

/// How a matrix operand of an element-wise op is read at cell `(r, c)` of an `R`×`C` pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Broadcast {
    /// Cell `(r, c)`.
    Full,
    /// Cell `(0, c)` of a 1×`C` row.
    Row,
    /// Cell `(r, 0)` of an `R`×1 column.
    Col,
    /// The single cell of a 1×1 matrix.
    Cell,
    /// Read only through transposes (cell `(c, r)` of a `C`×`R` matrix).
    Transposed,
}

/// The known shape of a matrix value.
pub fn shape(v: Val) -> Option<(i64, i64)> {
    props::of(v).dims()
}

/// How an operand of shape `s` is read in an `R`×`C` pipeline, if it can be.
pub fn broadcast(s: (i64, i64), (rows, cols): (i64, i64)) -> Option<Broadcast> {
    Some(if s == (rows, cols) {
        Broadcast::Full
    } else if s == (1, 1) {
        Broadcast::Cell
    } else if s == (1, cols) {
        Broadcast::Row
    } else if s == (rows, 1) {
        Broadcast::Col
    } else {
        return None;
    })
}

/// The value types pipelines compute in.
fn fusible_type(s: Scalar) -> bool {
    matches!(s, Scalar::Float(_) | Scalar::Signed(64))
}

/// An aggregation's name split into op and axis (`sum_row` → sum per row).
fn agg_of(name: &str) -> Option<(Agg, Axis)> {
    let (base, axis) = name.rsplit_once('_')?;
    let axis = match axis {
        "all" => Axis::All,
        "row" => Axis::Row,
        "col" => Axis::Col,
        _ => return None,
    };
    let agg = match base {
        "sum" => Agg::Sum,
        "min" => Agg::Min,
        "max" => Agg::Max,
        "mean" => Agg::Mean,
        _ => return None,
    };
    Some((agg, axis))
}

/// Element-wise unary ops that fuse for integer `T` (the others need a float result type).
const INT_UNARY: &[&str] = &["ew_minus", "ew_abs", "ew_sign", "ew_round", "ew_floor", "ew_ceil", "ew_isnan"];
/// All fusible element-wise unary ops.
const UNARY: &[&str] = &[
    "ew_minus", "ew_abs", "ew_sign", "ew_sqrt", "ew_exp", "ew_ln", "ew_round", "ew_floor", "ew_ceil", "ew_sin",
    "ew_cos", "ew_tan", "ew_asin", "ew_acos", "ew_atan", "ew_sinh", "ew_cosh", "ew_tanh", "ew_isnan",
];

/// A fusible op: its kind, pipeline shape `(R, C)` and value type `T`.
#[derive(Clone, Copy, Debug)]
pub struct Fusible {
    /// How it computes.
    pub member: Member,
    /// The pipeline shape.
    pub shape: (i64, i64),
    /// The value type of every matrix involved.
    pub vt: Scalar,
}

/// Whether `op`, not yet in a pipeline, can be a pipeline member, and how.
pub fn classify(op: Op) -> Option<Fusible> {
    if op.attr(MEMBER).is_some() {
        return None;
    }
    classify_tagged(op)
}

/// How a pipeline member computes (also for ops already tagged as members).
pub fn classify_tagged(op: Op) -> Option<Fusible> {
    let name = op.daphne()?;
    // An op with a kernel hint calls the kernel it names (passes/src/lower/ext.rs).
    let external_cell = op.attr(crate::kernel_ext::CELL_ATTR).is_some();
    if op.result_count() != 1 || (op.attr("kernel_hint").is_some() && !external_cell) {
        return None;
    }
    let result = op.result(0);
    let matrix_of = |v: Val| match v.kind() {
        Some(Kind::Matrix(s)) if fusible_type(s) && !may_be_sparse(v, 0) => Some(s),
        _ => None,
    };
    if let Some((agg, axis)) = agg_of(&name) {
        let arg = op.operand(0);
        let vt = matrix_of(arg)?;
        let shape = shape(arg).filter(|(r, c)| r * c > 0)?;
        if agg == Agg::Mean && !matches!(vt, Scalar::Float(_)) {
            return None;
        }
        let ok = match (axis, result.kind()?) {
            (Axis::All, Kind::Scalar(s)) => s == vt,
            (_, Kind::Matrix(s)) => s == vt,
            _ => false,
        };
        return ok.then_some(Fusible { member: Member::Agg(agg, axis), shape, vt });
    }
    let vt = matrix_of(result)?;
    let out = shape(result).filter(|(r, c)| r * c > 0)?;
    if name == "transpose" {
        let arg = op.operand(0);
        return (matrix_of(arg) == Some(vt) && shape(arg) == Some((out.1, out.0))).then_some(Fusible { member: Member::Transpose, shape: out, vt });
    }
    let scalar_ok = |v: Val| matches!(v.kind(), Some(Kind::Scalar(s)) if s.is_numeric());
    if UNARY.contains(&name.as_str()) {
        let arg = op.operand(0);
        let int_ok = INT_UNARY.contains(&name.as_str()) || matches!(vt, Scalar::Float(_));
        return (int_ok && matrix_of(arg) == Some(vt) && shape(arg) == Some(out)).then_some(Fusible { member: Member::Unary, shape: out, vt });
    }
    let bop = member_binary_op(&name)?;
    use BinaryOp as B;
    let excluded = match vt {
        Scalar::Float(32) => matches!(bop, B::POW | B::LOG),
        Scalar::Float(_) => false,
        _ => matches!(bop, B::DIV | B::MOD | B::POW | B::LOG),
    };
    if excluded || op.operand_count() != 2 {
        return None;
    }
    let (lhs, rhs) = (op.operand(0), op.operand(1));
    if name.starts_with("outer_") {
        // `outer<Op>(x, y)`: an R×1 column against a 1×C row, both broadcast over the cells.
        let ok = matrix_of(lhs) == Some(vt) && matrix_of(rhs) == Some(vt) && shape(lhs) == Some((out.0, 1)) && shape(rhs) == Some((1, out.1));
        return ok.then_some(Fusible { member: Member::Binary(bop), shape: out, vt });
    }
    let lhs_ok = scalar_ok(lhs) || (matrix_of(lhs) == Some(vt) && shape(lhs) == Some(out));
    let rhs_ok = if scalar_ok(lhs) {
        matrix_of(rhs) == Some(vt) && shape(rhs) == Some(out)
    } else {
        scalar_ok(rhs) || (matrix_of(rhs) == Some(vt) && shape(rhs).and_then(|s| broadcast(s, out)).is_some())
    };
    (lhs_ok && rhs_ok).then_some(Fusible { member: Member::Binary(bop), shape: out, vt })
}

/// True unless `v` is surely a dense matrix: CSR matrices come from `to_csr`/`rand_csr` and
/// keep their format through many kernels, and block arguments or results of calls and
/// control flow may be anything.
fn may_be_sparse(v: Val, depth: usize) -> bool {
    let Some(def) = v.def() else { return true };
    let Some(name) = def.daphne() else { return true };
    if depth > 16 || matches!(name.as_str(), "to_csr" | "rand_csr") {
        return true;
    }
    def.operands().into_iter().filter(|o| o.is_matrix()).any(|o| may_be_sparse(o, depth + 1))
}

/// A pipeline being formed in one block.
struct Group {
    ops: Vec<Op>,
    shape: (i64, i64),
    vt: Scalar,
}

/// Runs the pass on every block of the module; true if it formed a pipeline.
pub fn run(module: &Module) -> bool {
    let mut next_id = 0;
    let mut blocks = Vec::new();
    for f in module_body(module).ops() {
        if nested_ops(f).iter().any(|o| o.name() == MARKER) {
            return false; // already vectorized
        }
        collect_blocks(f, &mut blocks);
    }
    let config = daphne_rt::sched::config::current().ok();
    for b in blocks {
        form(b, &mut next_id, config.as_deref());
    }
    next_id > 0
}

fn collect_blocks(op: Op, out: &mut Vec<Blk>) {
    for region in op.regions() {
        for b in region {
            out.push(b);
            for o in b.ops() {
                collect_blocks(o, out);
            }
        }
    }
}

/// True if `user` (or an op nested in it) uses a result of one of `members`.
fn uses_any(user: Op, members: &[Op]) -> bool {
    let mut ops = vec![user];
    ops.extend(nested_ops(user));
    ops.iter().any(|o| o.operands().iter().any(|v| v.def().is_some_and(|d| members.contains(&d))))
}

/// Forms the pipelines of one block.
fn form(b: Blk, next_id: &mut i64, config: Option<&daphne_rt::sched::SchedConfig>) {
    let ops = b.ops();
    let position: HashMap<Op, usize> = ops.iter().enumerate().map(|(i, o)| (*o, i)).collect();
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: HashMap<Op, usize> = HashMap::new();
    for &op in &ops {
        let Some(f) = classify(op) else { continue };
        let matrices: Vec<Val> = op.operands().into_iter().filter(|v| v.is_matrix()).collect();
        let mut candidates = Vec::new();
        for m in &matrices {
            // A fused element-wise producer (aggregation results are sinks).
            if let Some(d) = m.def()
                && let Some(&g) = group_of.get(&d)
                && !matches!(classify_member(d), Some(Member::Agg(..)))
            {
                candidates.push(g);
            }
            // Another fused reader of the same input.
            for (user, _) in m.uses() {
                if user != op
                    && let Some(&g) = group_of.get(&user)
                {
                    candidates.push(g);
                }
            }
        }
        candidates.sort_unstable();
        let joined = candidates.into_iter().rev().find(|&g| {
            let group = &groups[g];
            if group.shape != f.shape || group.vt != f.vt {
                return false;
            }
            // An aggregation's result is complete only after the whole pipeline ran: a reader
            // of it (e.g. `X - mean(X, 1)`) must not join the pipeline that computes it.
            if op.operands().into_iter().any(|v| {
                v.def().is_some_and(|d| group.ops.contains(&d) && matches!(classify_member(d), Some(Member::Agg(..))))
            }) {
                return false;
            }
            // A transpose reads its operand at other cells: never from the same pipeline.
            if f.member == Member::Transpose && op.operand(0).def().is_some_and(|d| group.ops.contains(&d)) {
                return false;
            }
            let first = position[&group.ops[0]];
            ops[first + 1..position[&op]].iter().all(|x| group.ops.contains(x) || (crate::effects::is_pure(*x) && !uses_any(*x, &group.ops)))
        });
        let g = match joined {
            Some(g) => g,
            None => {
                groups.push(Group { ops: Vec::new(), shape: f.shape, vt: f.vt });
                groups.len() - 1
            }
        };
        groups[g].ops.push(op);
        group_of.insert(op, g);
    }
    for group in groups {
        let cells = group.shape.0 * group.shape.1;
        let lone_transpose = group.ops.iter().all(|o| classify_member(*o) == Some(Member::Transpose));
        if lone_transpose || (group.ops.len() < 2 && cells < SINGLE_OP_MIN_CELLS) {
            continue; // the transpose kernel is blocked for the cache; a pipeline would not be
        }
        emit(&group, *next_id, config);
        *next_id += 1;
    }
}

/// The member kind of an op already classified as fusible.
fn classify_member(op: Op) -> Option<Member> {
    let name = op.daphne()?;
    if let Some((agg, axis)) = agg_of(&name) {
        return Some(Member::Agg(agg, axis));
    }
    if name == "transpose" {
        return Some(Member::Transpose);
    }
    Some(member_binary_op(&name).map_or(Member::Unary, Member::Binary))
}

/// The binary op of an element-wise (`ew_add`) or outer (`outer_add`) op name.
fn member_binary_op(name: &str) -> Option<BinaryOp> {
    match name.strip_prefix("outer_") {
        Some(op) => binary_op(&format!("ew_{op}")),
        None => binary_op(name),
    }
}

/// Makes a group's members contiguous, tags them and inserts the marker.
fn emit(group: &Group, id: i64, config: Option<&daphne_rt::sched::SchedConfig>) {
    let last = *group.ops.last().expect("a group has members");
    for &m in &group.ops[..group.ops.len() - 1] {
        // SAFETY: both ops are live and in the same block (see `ir`'s invariant).
        unsafe { mlir_sys::mlirOperationMoveBefore(m.0, last.0) };
    }
    let loc = last.location();
    let context_ref = loc.context();
    // SAFETY: the location's context is alive while the pass runs (`to_ref` borrows
    // `context_ref`, which must stay alive).
    let context = unsafe { context_ref.to_ref() };
    let i64t = IntegerType::new(context, 64).into();
    let int = |v: i64| -> Attribute { IntegerAttribute::new(i64t, v).into() };
    let text = |s: &str| -> Attribute { StringAttribute::new(context, s).into() };
    for &m in &group.ops {
        m.set_attr(MEMBER, int(id));
        let agg = matches!(classify_member(m), Some(Member::Agg(..)));
        let used_outside = m.result(0).uses().iter().any(|(u, _)| !group.ops.contains(u));
        if agg || used_outside {
            m.set_attr(OUTPUT, Attribute::unit(context));
        }
    }
    let cells = group.shape.0 * group.shape.1;
    let defaults = daphne_rt::sched::SchedConfig::default();
    let config = config.unwrap_or(&defaults);
    let workers = if !config.vec && cells < CALLING_THREAD_MAX_CELLS { 1 } else { config.num_threads.map_or(0, |n| n as i64) };
    let marker = build(
        MARKER,
        loc,
        &[],
        &[],
        &[
            ("id", int(id)),
            ("num_ops", int(group.ops.len() as i64)),
            ("rows", int(group.shape.0)),
            ("cols", int(group.shape.1)),
            ("scheme", text(config.scheme.name())),
            ("layout", text(config.layout.name())),
            ("victim", text(config.victim.name())),
            ("grain", int(config.grain_size as i64)),
            ("workers", int(workers)),
        ],
    );
    group.ops[0].insert_before(marker);
}
