//! Which ops CSE may merge and DCE may delete: the side-effect table of the daphne dialect.
//!
//! IRDL ops carry no MLIR traits, so MLIR's own `cse`/`canonicalize` treat every daphne op
//! as having unknown effects. This table is ours instead, in two questions:
//!
//! - [`is_pure`]: the op has no effect besides producing its results, and equal operands
//!   give equal results. Two such ops with the same operands and attributes compute the same
//!   thing, so CSE may keep the first (which dominates the second). `print`, `stop`, `now`,
//!   `incref`/`decref`, `read`/`write`, `map` (it calls a UDF, which may print) and `rand`/
//!   `sample` with seed -1 (a fresh seed on every call) are not pure; with a fixed seed they are. Unknown ops (including ops added to the dialect later)
//!   default to *not* pure, so forgetting to list an op can only cost an optimization.
//! - [`cannot_fail`]: the op can never stop the program with a run-time error. Deleting an
//!   unused op is only sound if it is pure *and* cannot fail; otherwise an error that the
//!   script would report (a shape mismatch, an integer division by zero, a bad `as.scalar`)
//!   would silently disappear. Shapes recorded by property inference ([`crate::props`])
//!   let more matrix ops qualify (e.g. an element-wise op whose operand shapes are known to
//!   broadcast).
//!
//! Both answers only ever consult an op's own operands, attributes and recorded properties.

use crate::fold::binary_op;
use crate::ir::{Op, const_i64, constant_of};
use crate::props;
use crate::scalar::{Kind, Scalar};
use daphne_rt::BinaryOp;

/// Daphne ops that are always pure (see the module docs; `rand_matrix` is decided per op).
const PURE: &[&str] = &[
    "constant", "matrix_constant", "fill", "seq", "num_rows", "num_cols", "num_cells", "reshape", "transpose", "ew_add",
    "ew_sub", "ew_mul", "ew_div", "ew_pow", "ew_mod", "ew_log", "ew_min", "ew_max", "ew_and", "ew_or", "ew_eq",
    "ew_neq", "ew_lt", "ew_le", "ew_gt", "ew_ge", "ew_concat", "ew_minus", "ew_abs", "ew_sign", "ew_sqrt", "ew_exp",
    "ew_ln", "ew_round", "ew_floor", "ew_ceil", "ew_sin", "ew_cos", "ew_tan", "ew_asin", "ew_acos", "ew_atan",
    "ew_sinh", "ew_cosh", "ew_tanh", "ew_isnan", "sum_all", "min_all", "max_all", "mean_all", "var_all", "stddev_all",
    "sum_row", "min_row", "max_row", "mean_row", "var_row", "stddev_row", "idxmin_row", "idxmax_row", "sum_col",
    "min_col", "max_col", "mean_col", "var_col", "stddev_col", "idxmin_col", "idxmax_col", "cond", "slice_row",
    "slice_col", "extract_row", "extract_col", "filter_row", "filter_col", "insert", "mat_mul", "syrk", "gemv", "cast",
    "col_bind", "row_bind", "create_frame", "set_col_labels", "set_col_labels_prefix", "create_list", "length", "append",
    "remove", "as_column", "to_csr", "reverse", "diag_matrix", "diag_vector", "tri", "solve", "eigen", "replace",
    "cum_sum", "cum_prod", "cum_min", "cum_max", "quantize", "ctable", "one_hot", "recode", "bin", "is_symmetric",
    "sparsity", "type_of", "ew_upper", "ew_lower", "order", "outer_add", "outer_sub", "outer_mul", "outer_div",
    "outer_pow", "outer_mod", "outer_log", "outer_min", "outer_max", "outer_and", "outer_or", "outer_eq",
    "outer_neq", "outer_lt", "outer_le", "outer_gt", "outer_ge",
];

/// True if the op has no side effects and is deterministic (see the module docs).
pub fn is_pure(op: Op) -> bool {
    let name = op.name();
    if let Some(d) = name.strip_prefix("daphne.") {
        // Seed -1 draws a fresh seed per call; any other constant seed is reproducible.
        let fixed_seed = |i: usize| op.operand_count() > i && const_i64(op.operand(i)).is_some_and(|s| s != -1);
        match d {
            "rand_matrix" | "rand_csr" => return op.operand_count() == 6 && fixed_seed(5),
            "sample" => return op.operand_count() == 4 && fixed_seed(3),
            _ => {}
        }
        return PURE.contains(&d);
    }
    matches!(name.as_str(), "arith.select" | "arith.constant")
}

/// True if the op can never raise a run-time error (see the module docs).
pub fn cannot_fail(op: Op) -> bool {
    let name = op.name();
    let Some(d) = name.strip_prefix("daphne.") else {
        return matches!(name.as_str(), "arith.select" | "arith.constant");
    };
    let kinds: Vec<Option<Kind>> = op.operands().iter().map(|v| v.kind()).collect();
    let result = op.results().first().and_then(|r| r.kind());
    let numeric = |k: &Option<Kind>| k.is_some_and(|k| k.value_type().is_numeric());
    let all_numeric = kinds.iter().all(numeric) && result.as_ref().is_none_or(|r| r.value_type().is_numeric());
    let dims = |i: usize| props::of(op.operand(i)).dims();
    match d {
        "constant" | "matrix_constant" | "num_rows" | "num_cols" | "num_cells" | "length" | "as_column" | "type_of" => true,
        "reverse" | "to_csr" => kinds[0].is_some_and(Kind::is_matrix),
        "transpose" => kinds[0].is_some_and(Kind::is_matrix),
        "ew_concat" => kinds.iter().all(|k| matches!(k, Some(Kind::Scalar(_)))),
        _ if binary_op(d).is_some() => {
            let bop = binary_op(d).expect("binary op");
            let (Some(a), Some(b), Some(r)) = (kinds[0], kinds[1], result) else { return false };
            let int_division = matches!(bop, BinaryOp::DIV | BinaryOp::MOD) && r.value_type().is_int();
            if int_division {
                // Safe only with a constant divisor other than 0 and -1 (MIN / -1 overflows).
                let ok = matches!(b, Kind::Scalar(_))
                    && constant_of(op.operand(1)).is_some_and(|c| c != crate::fold::Lit::Int(0) && c != crate::fold::Lit::Int(-1));
                if !ok {
                    return false;
                }
            }
            match (a, b) {
                (Kind::Scalar(sa), Kind::Scalar(sb)) => {
                    let ct = r.value_type();
                    // String arithmetic is rejected by the lowering; comparisons are fine.
                    let strings = sa == Scalar::Str || sb == Scalar::Str || ct == Scalar::Str;
                    !strings || matches!(bop, BinaryOp::EQ | BinaryOp::NE | BinaryOp::LT | BinaryOp::LE | BinaryOp::GT | BinaryOp::GE)
                }
                (Kind::Matrix(_), Kind::Matrix(_)) => {
                    all_numeric
                        && match (dims(0), dims(1)) {
                            (Some((r0, c0)), Some((r1, c1))) => daphne_rt::kernels::ew_binary::broadcast_shape(
                                bop,
                                (r0 as usize, c0 as usize),
                                (r1 as usize, c1 as usize),
                            )
                            .is_ok(),
                            _ => false,
                        }
                }
                _ => all_numeric,
            }
        }
        _ if d.starts_with("ew_") => all_numeric,
        "cast" => match (kinds[0], result) {
            (Some(Kind::Scalar(from)), Some(Kind::Scalar(_))) => from != Scalar::Str,
            (Some(Kind::Matrix(_)), Some(Kind::Matrix(_))) | (Some(Kind::Scalar(_)), Some(Kind::Matrix(_))) => all_numeric,
            (Some(Kind::Matrix(_)), Some(Kind::Scalar(_))) => all_numeric && dims(0) == Some((1, 1)),
            _ => false,
        },
        _ if d.ends_with("_all") || d.ends_with("_row") || d.ends_with("_col") => {
            all_numeric && dims(0).is_some_and(|(r, c)| r > 0 && c > 0)
        }
        "mat_mul" => {
            // The inner dimensions of op(lhs) and op(rhs), with the transpose flags applied.
            let (ta, tb) = crate::canonicalize::transpose_flags(op);
            let inner = |d: Option<(i64, i64)>, trans: bool| d.map(|(r, c)| if trans { r } else { c });
            let k = inner(dims(0), ta);
            let k2 = inner(dims(1).map(|(r, c)| (c, r)), tb);
            all_numeric && k.is_some() && k == k2
        }
        "gemv" => all_numeric && matches!((dims(0), dims(1)), (Some((k, _)), Some((k2, _))) if k == k2),
        "syrk" => all_numeric,
        "reshape" => {
            let (Some((r, c)), Some(nr), Some(nc)) = (dims(0), const_i64(op.operand(1)), const_i64(op.operand(2))) else {
                return false;
            };
            nr >= 0 && nc >= 0 && nr.checked_mul(nc) == r.checked_mul(c)
        }
        "fill" => {
            let (Some(r), Some(c)) = (const_i64(op.operand(1)), const_i64(op.operand(2))) else { return false };
            // Small enough that allocating it cannot fail.
            r >= 0 && c >= 0 && r.checked_mul(c).is_some_and(|n| n <= 1 << 24)
        }
        _ => false,
    }
}

/// True if DCE may delete the op when its results are unused.
pub fn is_removable(op: Op) -> bool {
    !op.has_regions() && is_pure(op) && cannot_fail(op)
}
