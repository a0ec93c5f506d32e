//! Builtin functions: argument binding (positional and keyword), arity checks and result types.

use crate::hir::{Constant, Expr, ExprKind, Op};
use crate::types::{Schema, Type, ValueType};
use crate::{Analyzer, Res, coerce, constant, op_expr};
use daphne_syntax::ast::{self, Span};

/// Parameter names of the builtins (DAPHNE's names, used for keyword arguments).
fn params(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "print" => &["arg", "newline", "err"],
        "fill" => &["value", "numRows", "numCols"],
        "seq" => &["from", "to", "inc"],
        "rand" => &["numRows", "numCols", "min", "max", "sparsity", "seed"],
        "reshape" => &["arg", "numRows", "numCols"],
        "sum" | "aggMin" | "aggMax" | "mean" | "var" | "stddev" => &["arg", "axisOrGroups", "numGroups"],
        "idxMin" | "idxMax" => &["arg", "axis"],
        "min" | "max" | "pow" | "mod" | "log" | "cbind" | "rbind" | "concat" => &["lhs", "rhs"],
        "stop" => &["message"],
        "now" => &[],
        _ if unary_op(name).is_some() => &["arg"],
        "t" | "transpose" | "nrow" | "ncol" | "ncell" => &["arg"],
        _ => return None,
    })
}

/// Element-wise unary builtins: the op and whether the result is computed in floating point.
fn unary_op(name: &str) -> Option<(Op, bool)> {
    Some(match name {
        "abs" => (Op::EwAbs, false),
        "sign" => (Op::EwSign, false),
        "minus" => (Op::EwMinus, false),
        "round" => (Op::EwRound, false),
        "floor" => (Op::EwFloor, false),
        "ceil" => (Op::EwCeil, false),
        "isNan" => (Op::EwIsnan, false),
        "sqrt" => (Op::EwSqrt, true),
        "exp" => (Op::EwExp, true),
        "ln" => (Op::EwLn, true),
        "sin" => (Op::EwSin, true),
        "cos" => (Op::EwCos, true),
        "tan" => (Op::EwTan, true),
        "asin" => (Op::EwAsin, true),
        "acos" => (Op::EwAcos, true),
        "atan" => (Op::EwAtan, true),
        "sinh" => (Op::EwSinh, true),
        "cosh" => (Op::EwCosh, true),
        "tanh" => (Op::EwTanh, true),
        _ => return None,
    })
}

/// Aggregations: (full, per row, per column) ops and whether the result is floating point.
fn agg_ops(name: &str) -> Option<([Op; 3], bool)> {
    Some(match name {
        "sum" => ([Op::SumAll, Op::SumRow, Op::SumCol], false),
        "aggMin" => ([Op::MinAll, Op::MinRow, Op::MinCol], false),
        "aggMax" => ([Op::MaxAll, Op::MaxRow, Op::MaxCol], false),
        "mean" => ([Op::MeanAll, Op::MeanRow, Op::MeanCol], true),
        "var" => ([Op::VarAll, Op::VarRow, Op::VarCol], true),
        "stddev" => ([Op::StddevAll, Op::StddevRow, Op::StddevCol], true),
        _ => return None,
    })
}

const INDEX: Type = Type::Scalar(ValueType::Index);

impl Analyzer<'_> {
    /// Binds call arguments to parameter slots: positional first, then keywords by name.
    pub(crate) fn bind<'e>(&mut self, name: &str, names: &[&str], args: &'e [ast::Arg], min: usize, span: Span) -> Res<Vec<Option<&'e ast::Expr>>> {
        let mut slots: Vec<Option<&ast::Expr>> = vec![None; names.len()];
        let mut seen_keyword = false;
        for (i, arg) in args.iter().enumerate() {
            let slot = match &arg.name {
                None if seen_keyword => return self.error(arg.value.span, "positional arguments must come before keyword arguments"),
                None if i < names.len() => i,
                None => {
                    return self.error(span, format!("`{name}` takes at most {} argument(s), found {}", names.len(), args.len()));
                }
                Some(kw) => {
                    seen_keyword = true;
                    match names.iter().position(|n| *n == kw.name) {
                        Some(p) => p,
                        None => return self.error(kw.span, format!("`{name}` has no parameter named `{}`", kw.name)),
                    }
                }
            };
            if slots[slot].replace(&arg.value).is_some() {
                return self.error(arg.value.span, format!("parameter `{}` of `{name}` is given twice", names[slot]));
            }
        }
        if let Some(missing) = slots[..min].iter().position(Option::is_none) {
            return self.error(span, format!("`{name}` needs at least {min} argument(s); `{}` is missing", names[missing]));
        }
        Ok(slots)
    }

    /// Analyses a matrix argument.
    pub(crate) fn matrix_arg(&mut self, e: &ast::Expr) -> Res<(Expr, ValueType)> {
        let (v, ty) = self.value(e)?;
        match ty {
            Type::Matrix(vt) => Ok((v, vt)),
            other => self.error(e.span, format!("expected a matrix here, found {other}")),
        }
    }

    /// An optional constant bool argument with a default.
    fn bool_arg(&mut self, e: Option<&ast::Expr>, default: bool, span: Span) -> Res<Expr> {
        match e {
            Some(e) => self.scalar_as(e, Type::Scalar(ValueType::Bool)),
            None => Ok(constant(Constant::Bool(default), ValueType::Bool, span)),
        }
    }

    pub(crate) fn call(&mut self, callee: &ast::Ident, args: &[ast::Arg], span: Span) -> Res<Expr> {
        let name = callee.name.as_str();
        match name {
            "createFrame" => return self.create_frame(args, span),
            "setColLabels" | "setColLabelsPrefix" => return self.set_labels(name, args, span),
            "createList" | "length" | "append" | "remove" => return self.list_builtin(name, args, span),
            "cartesian" | "innerJoin" | "semiJoin" | "groupJoin" | "groupSum" => return self.relational(name, args, span),
            _ => {}
        }
        if let Some(result) = self.kernel_builtin(name, args, span) {
            return result;
        }
        let Some(names) = params(name) else {
            return self.error(callee.span, format!("unknown function `{name}`"));
        };
        let min = match name {
            "print" | "sum" | "aggMin" | "aggMax" | "mean" | "var" | "stddev" => 1,
            "seq" => 2,
            "stop" | "now" => 0,
            _ => names.len(),
        };
        let a = self.bind(name, names, args, min, span)?;
        let req = |i: usize| a[i].expect("bound required argument");

        if let Some((op, float)) = unary_op(name) {
            let (v, ty) = self.value(req(0))?;
            // isNan on strings type-checks as in DAPHNE; the kernel rejects it if it runs.
            if ty.value_type() == ValueType::Str && op != Op::EwIsnan {
                return self.error(span, format!("`{name}` needs numbers, found a string"));
            }
            let vt = if float { ty.value_type().to_float() } else { ty.value_type() };
            return Ok(op_expr(op, vec![v], Some(ty.with_value_type(vt)), span));
        }
        if let Some((ops, float)) = agg_ops(name) {
            let (m, vt) = self.matrix_arg(req(0))?;
            let vt = if float { vt.to_float() } else { vt };
            if a[2].is_some() {
                return self.error(span, "grouped aggregation is not supported yet");
            }
            return match a[1] {
                None => Ok(op_expr(ops[0], vec![m], Some(Type::Scalar(vt)), span)),
                Some(axis) => match self.axis(axis)? {
                    0 => Ok(op_expr(ops[1], vec![m], Some(Type::Matrix(vt)), span)),
                    _ => Ok(op_expr(ops[2], vec![m], Some(Type::Matrix(vt)), span)),
                },
            };
        }
        match name {
            "print" => {
                let (v, _) = self.value(req(0))?;
                let newline = self.bool_arg(a[1], true, span)?;
                let err = self.bool_arg(a[2], false, span)?;
                Ok(op_expr(Op::Print, vec![v, newline, err], None, span))
            }
            "fill" => {
                let (v, ty) = self.value(req(0))?;
                if ty.is_matrix() {
                    return self.error(req(0).span, "the fill value must be a scalar");
                }
                let rows = self.scalar_as(req(1), INDEX)?;
                let cols = self.scalar_as(req(2), INDEX)?;
                Ok(op_expr(Op::Fill, vec![v, rows, cols], Some(Type::Matrix(ty.value_type())), span))
            }
            "seq" => {
                let (from, ft) = self.value(req(0))?;
                let (to, tt) = self.value(req(1))?;
                if ft.is_matrix() || tt.is_matrix() {
                    return self.error(span, "`seq` needs scalar bounds");
                }
                // A given step takes part in the promotion; the default one (DAPHNE's si8 1) does not.
                let bounds = ft.value_type().promote(tt.value_type());
                let (inc, vt) = match a[2] {
                    Some(e) => {
                        let (inc, it) = self.value(e)?;
                        if !it.is_scalar() {
                            return self.error(e.span, "`seq` needs a scalar step");
                        }
                        let vt = bounds.promote(it.value_type());
                        (coerce(inc, Type::Scalar(vt)), vt)
                    }
                    None => (coerce(constant(Constant::Int(1), ValueType::Si8, span), Type::Scalar(bounds)), bounds),
                };
                let (from, to) = (coerce(from, Type::Scalar(vt)), coerce(to, Type::Scalar(vt)));
                Ok(op_expr(Op::Seq, vec![from, to, inc], Some(Type::Matrix(vt)), span))
            }
            "rand" => {
                let rows = self.scalar_as(req(0), INDEX)?;
                let cols = self.scalar_as(req(1), INDEX)?;
                let (min, mt) = self.value(req(2))?;
                if mt.is_matrix() || mt.value_type() == ValueType::Str {
                    return self.error(req(2).span, "`rand` needs a numeric scalar minimum");
                }
                let max = self.scalar_as(req(3), mt)?;
                let sparsity = self.scalar_as(req(4), Type::Scalar(ValueType::F64))?;
                let seed = self.scalar_as(req(5), Type::Scalar(ValueType::Si64))?;
                let csr = matches!(sparsity.kind, ExprKind::Const(Constant::Float(f)) if self.sparse(f));
                let op = if csr { Op::RandCsr } else { Op::RandMatrix };
                Ok(op_expr(op, vec![rows, cols, min, max, sparsity, seed], Some(Type::Matrix(mt.value_type())), span))
            }
            "reshape" => {
                let (m, vt) = self.matrix_arg(req(0))?;
                let rows = self.scalar_as(req(1), INDEX)?;
                let cols = self.scalar_as(req(2), INDEX)?;
                Ok(op_expr(Op::Reshape, vec![m, rows, cols], Some(Type::Matrix(vt)), span))
            }
            "t" | "transpose" => {
                let (m, vt) = self.matrix_arg(req(0))?;
                Ok(op_expr(Op::Transpose, vec![m], Some(Type::Matrix(vt)), span))
            }
            "nrow" | "ncol" | "ncell" => {
                let (m, ty) = self.value(req(0))?;
                if !matches!(ty, Type::Matrix(_) | Type::Frame(_)) {
                    return self.error(req(0).span, format!("`{name}` needs a matrix or a frame, found {ty}"));
                }
                let op = match name {
                    "nrow" => Op::NumRows,
                    "ncol" => Op::NumCols,
                    _ => Op::NumCells,
                };
                Ok(op_expr(op, vec![m], Some(INDEX), span))
            }
            "idxMin" | "idxMax" => {
                let (m, _) = self.matrix_arg(req(0))?;
                let row = self.axis(req(1))? == 0;
                let op = match (name, row) {
                    ("idxMin", true) => Op::IdxminRow,
                    ("idxMin", false) => Op::IdxminCol,
                    (_, true) => Op::IdxmaxRow,
                    _ => Op::IdxmaxCol,
                };
                Ok(op_expr(op, vec![m], Some(Type::Matrix(ValueType::Ui64)), span))
            }
            "min" | "max" | "pow" | "mod" | "log" => {
                let (l, lt) = self.value(req(0))?;
                let (r, rt) = self.value(req(1))?;
                let promoted = lt.value_type().promote(rt.value_type());
                let data = |vt| if lt.is_matrix() || rt.is_matrix() { Type::Matrix(vt) } else { Type::Scalar(vt) };
                let (op, vt) = match name {
                    "min" => (Op::EwMin, promoted),
                    "max" => (Op::EwMax, promoted),
                    "pow" => (Op::EwPow, promoted),
                    "mod" => (Op::EwMod, promoted),
                    _ => (Op::EwLog, promoted.to_float()),
                };
                if promoted == ValueType::Str {
                    return self.error(span, format!("`{name}` needs numbers, found a string"));
                }
                Ok(op_expr(op, vec![l, r], Some(data(vt)), span))
            }
            "concat" => {
                let (l, lt) = self.value(req(0))?;
                let (r, rt) = self.value(req(1))?;
                if lt != Type::Scalar(ValueType::Str) || rt != Type::Scalar(ValueType::Str) {
                    return self.error(span, format!("`concat` joins two strings, found {lt} and {rt}"));
                }
                Ok(op_expr(Op::EwConcat, vec![l, r], Some(Type::Scalar(ValueType::Str)), span))
            }
            "cbind" | "rbind" => {
                let (a, at) = self.value(req(0))?;
                let (b, bt) = self.value(req(1))?;
                let op = if name == "cbind" { Op::ColBind } else { Op::RowBind };
                let ty = match (at, bt) {
                    (Type::Matrix(x), Type::Matrix(y)) => Type::Matrix(x.promote(y)),
                    (Type::Frame(x), Type::Frame(_)) if op == Op::RowBind => Type::Frame(x),
                    (Type::Frame(x), Type::Frame(y)) => Type::Frame(match (x.columns(), y.columns()) {
                        (Some(mut cx), Some(cy)) => {
                            cx.extend(cy);
                            Schema::of(cx)
                        }
                        _ => Schema::UNKNOWN,
                    }),
                    _ => return self.error(span, format!("`{name}` needs two matrices or two frames, found {at} and {bt}")),
                };
                Ok(op_expr(op, vec![a, b], Some(ty), span))
            }
            "stop" => {
                let msg = match a[0] {
                    Some(e) => self.scalar_as(e, Type::Scalar(ValueType::Str))?,
                    None => constant(Constant::Str("unspecified reason".into()), ValueType::Str, span),
                };
                Ok(op_expr(Op::Stop, vec![msg], None, span))
            }
            "now" => Ok(op_expr(Op::Now, vec![], Some(Type::Scalar(ValueType::Si64)), span)),
            _ => unreachable!("every name with parameters is handled"),
        }
    }

    /// An aggregation axis: the constant 0 (per row) or 1 (per column).
    fn axis(&mut self, e: &ast::Expr) -> Res<u64> {
        match e.kind {
            ast::ExprKind::Int { value: v @ (0 | 1), .. } => Ok(v),
            _ => self.error(e.span, "the axis must be the constant 0 (per row) or 1 (per column)"),
        }
    }
}
