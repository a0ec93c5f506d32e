//! Builtins backed one-to-one by a runtime kernel: linear algebra, reorganisation,
//! preprocessing, metadata, `map` and file I/O. Each checks its arguments and decides the
//! result type as DAPHNE does; `read*` types its result from the file's `.meta` at compile time.

use crate::hir::{Constant, Expr, ExprKind, Op};
use crate::types::{Column, Schema, Type, ValueType};
use crate::{Analyzer, Res, constant, op_expr};
use daphne_syntax::ast::{self, Span};

/// The outer-product builtins and their operations.
fn outer_op(name: &str) -> Option<Op> {
    Some(match name {
        "outerAdd" => Op::OuterAdd,
        "outerSub" => Op::OuterSub,
        "outerMul" => Op::OuterMul,
        "outerDiv" => Op::OuterDiv,
        "outerPow" => Op::OuterPow,
        "outerMod" => Op::OuterMod,
        "outerLog" => Op::OuterLog,
        "outerMin" => Op::OuterMin,
        "outerMax" => Op::OuterMax,
        "outerAnd" => Op::OuterAnd,
        "outerOr" => Op::OuterOr,
        "outerEq" => Op::OuterEq,
        "outerNeq" => Op::OuterNeq,
        "outerLt" => Op::OuterLt,
        "outerLe" => Op::OuterLe,
        "outerGt" => Op::OuterGt,
        "outerGe" => Op::OuterGe,
        _ => return None,
    })
}

/// Parameter names (for keyword arguments) and the number of required ones.
fn signature(name: &str) -> Option<(&'static [&'static str], usize)> {
    Some(match name {
        "reverse" | "diagMatrix" | "diagVector" | "syrk" | "isSymmetric" | "sparsity" | "typeOf" | "upper" | "lower"
        | "cumSum" | "cumProd" | "cumMin" | "cumMax" | "eigen" | "readMatrix" | "readFrame" => (&["arg"], 1),
        "lowerTri" | "upperTri" => (&["arg", "diag", "values"], 3),
        "solve" => (&["lhs", "rhs"], 2),
        "gemv" => (&["mat", "vec"], 2),
        "replace" => (&["arg", "pattern", "replacement"], 3),
        "quantize" => (&["arg", "min", "max"], 3),
        "oneHot" => (&["arg", "info"], 2),
        "recode" => (&["arg", "orderPreserving"], 2),
        "bin" => (&["arg", "numBins", "min", "max"], 2),
        "sample" => (&["range", "size", "withReplacement", "seed"], 4),
        "map" => (&["arg", "udf"], 2),
        "write" | "writeMatrix" | "writeFrame" => (&["arg", "filename"], 2),
        "ctable" => (&["lhs", "rhs", "weight", "resNumRows", "resNumCols"], 2),
        _ if outer_op(name).is_some() => (&["lhs", "rhs"], 2),
        _ => return None,
    })
}

fn int(v: i64, vt: ValueType, span: Span) -> Expr {
    constant(Constant::Int(v as u64), vt, span)
}

fn boolean(b: bool, span: Span) -> Expr {
    constant(Constant::Bool(b), ValueType::Bool, span)
}

impl Analyzer<'_> {
    /// Analyses a call of a kernel-backed builtin; `None` when `name` is not one.
    pub(crate) fn kernel_builtin(&mut self, name: &str, args: &[ast::Arg], span: Span) -> Option<Res<Expr>> {
        if name == "order" {
            return Some(self.order(args, span));
        }
        let (names, min) = signature(name)?;
        Some(self.bind(name, names, args, min, span).and_then(|a| self.kernel_call(name, &a, span)))
    }

    fn kernel_call(&mut self, name: &str, a: &[Option<&ast::Expr>], span: Span) -> Res<Expr> {
        let req = |i: usize| a[i].expect("bound required argument");
        let bool_arg = |s: &mut Self, i: usize| s.scalar_as(req(i), Type::Scalar(ValueType::Bool));
        let f64_arg = |s: &mut Self, i: usize| s.scalar_as(req(i), Type::Scalar(ValueType::F64));
        let mat = |op: Op, args: Vec<Expr>, vt: ValueType| Ok(op_expr(op, args, Some(Type::Matrix(vt)), span));
        if let Some(op) = outer_op(name) {
            let (l, lt) = self.matrix_arg(req(0))?;
            let (r, rt) = self.matrix_arg(req(1))?;
            let vt = if op == Op::OuterLog { lt.promote(rt).to_float() } else { lt.promote(rt) };
            return mat(op, vec![l, r], vt);
        }
        match name {
            "reverse" | "diagMatrix" | "diagVector" | "cumSum" | "cumProd" | "cumMin" | "cumMax" | "syrk" => {
                let (m, vt) = self.matrix_arg(req(0))?;
                let op = match name {
                    "reverse" => Op::Reverse,
                    "diagMatrix" => Op::DiagMatrix,
                    "diagVector" => Op::DiagVector,
                    "cumSum" => Op::CumSum,
                    "cumProd" => Op::CumProd,
                    "cumMin" => Op::CumMin,
                    "cumMax" => Op::CumMax,
                    _ => Op::Syrk,
                };
                mat(op, vec![m], vt)
            }
            "lowerTri" | "upperTri" => {
                let (m, vt) = self.matrix_arg(req(0))?;
                let (d, v) = (bool_arg(self, 1)?, bool_arg(self, 2)?);
                mat(Op::Tri, vec![m, boolean(name == "upperTri", span), d, v], vt)
            }
            "solve" => {
                let (l, _) = self.matrix_arg(req(0))?;
                let (r, _) = self.matrix_arg(req(1))?;
                mat(Op::Solve, vec![l, r], ValueType::F64)
            }
            "gemv" => {
                let (l, lt) = self.matrix_arg(req(0))?;
                let (r, rt) = self.matrix_arg(req(1))?;
                mat(Op::Gemv, vec![l, r], lt.promote(rt))
            }
            "eigen" => {
                let (m, _) = self.matrix_arg(req(0))?;
                let results = vec![Type::Matrix(ValueType::F64); 2];
                Ok(Expr { kind: ExprKind::MultiOp { op: Op::Eigen, args: vec![m], results, kernel_hint: None }, ty: None, span })
            }
            "replace" => {
                let (m, vt) = self.matrix_arg(req(0))?;
                let p = self.scalar_as(req(1), Type::Scalar(vt))?;
                let r = self.scalar_as(req(2), Type::Scalar(vt))?;
                mat(Op::Replace, vec![m, p, r], vt)
            }
            "quantize" => {
                let (m, _) = self.matrix_arg(req(0))?;
                let (lo, hi) = (f64_arg(self, 1)?, f64_arg(self, 2)?);
                mat(Op::Quantize, vec![m, lo, hi], ValueType::Ui8)
            }
            "oneHot" => {
                let (m, vt) = self.matrix_arg(req(0))?;
                let (info, _) = self.matrix_arg(req(1))?;
                // Strings are encoded through per-column codes, which are si64.
                mat(Op::OneHot, vec![m, info], if vt == ValueType::Str { ValueType::Si64 } else { vt })
            }
            "recode" => {
                let (m, vt) = self.matrix_arg(req(0))?;
                let order = bool_arg(self, 1)?;
                let results = vec![Type::Matrix(ValueType::Si64), Type::Matrix(vt)];
                Ok(Expr { kind: ExprKind::MultiOp { op: Op::Recode, args: vec![m, order], results, kernel_hint: None }, ty: None, span })
            }
            "bin" => {
                let (m, vt) = self.matrix_arg(req(0))?;
                let n = self.scalar_as(req(1), Type::Scalar(ValueType::Si64))?;
                let (lo, hi, bounded) = match (a[2], a[3]) {
                    (Some(_), Some(_)) => (f64_arg(self, 2)?, f64_arg(self, 3)?, true),
                    (None, None) => {
                        let zero = constant(Constant::Float(0.0), ValueType::F64, span);
                        (zero.clone(), zero, false)
                    }
                    _ => return self.error(span, "`bin` takes either both `min` and `max` or neither"),
                };
                mat(Op::Bin, vec![m, n, lo, hi, boolean(bounded, span)], vt)
            }
            "sample" => {
                let (range, rt) = self.value(req(0))?;
                if !rt.is_scalar() || rt.value_type() == ValueType::Str {
                    return self.error(req(0).span, "`sample` needs a numeric range");
                }
                let size = self.scalar_as(req(1), Type::Scalar(ValueType::Si64))?;
                let repl = bool_arg(self, 2)?;
                let seed = self.scalar_as(req(3), Type::Scalar(ValueType::Si64))?;
                mat(Op::Sample, vec![range, size, repl, seed], rt.value_type())
            }
            "isSymmetric" | "sparsity" => {
                let (m, _) = self.matrix_arg(req(0))?;
                let (op, vt) = if name == "sparsity" { (Op::Sparsity, ValueType::F64) } else { (Op::IsSymmetric, ValueType::Bool) };
                Ok(op_expr(op, vec![m], Some(Type::Scalar(vt)), span))
            }
            "typeOf" => {
                let (v, ty) = self.value(req(0))?;
                Ok(match ty {
                    // Scalar type names are known at compile time (C++ names, as DAPHNE prints).
                    Type::Scalar(vt) => constant(Constant::Str(cpp_scalar_name(vt).into()), ValueType::Str, span),
                    _ => op_expr(Op::TypeOf, vec![v], Some(Type::Scalar(ValueType::Str)), span),
                })
            }
            "upper" | "lower" => {
                let (v, ty) = self.value(req(0))?;
                if ty.value_type() != ValueType::Str || !(ty.is_scalar() || ty.is_matrix()) {
                    return self.error(span, format!("`{name}` needs strings, found {ty}"));
                }
                let op = if name == "upper" { Op::EwUpper } else { Op::EwLower };
                Ok(op_expr(op, vec![v], Some(ty), span))
            }
            "ctable" => self.ctable(a, span),
            "map" => self.map(req(0), req(1), span),
            "readMatrix" | "readFrame" => self.read(name, req(0), span),
            _ => {
                // write / writeMatrix / writeFrame
                let (v, ty) = self.value(req(0))?;
                if !matches!(ty, Type::Matrix(_) | Type::Frame(_)) {
                    return self.error(req(0).span, format!("`{name}` writes a matrix or a frame, found {ty}"));
                }
                let file = self.scalar_as(req(1), Type::Scalar(ValueType::Str))?;
                Ok(op_expr(Op::Write, vec![v, file], None, span))
            }
        }
    }

    /// `ctable(ys, xs[, weight][, rows, cols])`: with 3 arguments the third is the weight,
    /// with 4 the last two are the result dimensions.
    fn ctable(&mut self, a: &[Option<&ast::Expr>], span: Span) -> Res<Expr> {
        let (ys, _) = self.matrix_arg(a[0].expect("required"))?;
        let (xs, _) = self.matrix_arg(a[1].expect("required"))?;
        let given: Vec<&ast::Expr> = a[2..].iter().flatten().copied().collect();
        let (weight, dims) = match given.len() {
            0 => (None, None),
            1 => (Some(given[0]), None),
            2 => (None, Some((given[0], given[1]))),
            _ => (Some(given[0]), Some((given[1], given[2]))),
        };
        let weight = match weight {
            Some(w) => {
                let (v, t) = self.value(w)?;
                if !t.is_scalar() || t.value_type() == ValueType::Str {
                    return self.error(w.span, "the ctable weight must be a number");
                }
                v
            }
            None => constant(Constant::Float(1.0), ValueType::F64, span),
        };
        let (rows, cols) = match dims {
            Some((r, c)) => (self.scalar_as(r, Type::Scalar(ValueType::Si64))?, self.scalar_as(c, Type::Scalar(ValueType::Si64))?),
            None => (int(-1, ValueType::Si64, span), int(-1, ValueType::Si64, span)),
        };
        let vt = weight.ty.expect("value").value_type();
        Ok(op_expr(Op::Ctable, vec![ys, xs, weight, rows, cols], Some(Type::Matrix(vt)), span))
    }

    /// `order(X, col..., asc..., returnIndexes)`.
    fn order(&mut self, args: &[ast::Arg], span: Span) -> Res<Expr> {
        if args.len() < 4 || !args.len().is_multiple_of(2) || args.iter().any(|a| a.name.is_some()) {
            return self.error(span, "`order` takes a matrix, k column indexes, k ascending flags and returnIndexes (positional)");
        }
        let (m, vt) = self.matrix_arg(&args[0].value)?;
        let k = (args.len() - 2) / 2;
        let mut ops = vec![m];
        for a in &args[1..=k] {
            ops.push(self.scalar_as(&a.value, Type::Scalar(ValueType::Si64))?);
        }
        for a in &args[k + 1..=2 * k] {
            ops.push(self.scalar_as(&a.value, Type::Scalar(ValueType::Bool))?);
        }
        let last = &args[2 * k + 1].value;
        let indexes = match last.kind {
            ast::ExprKind::Bool(b) => b,
            _ => return self.error(last.span, "returnIndexes must be the constant true or false"),
        };
        ops.push(boolean(indexes, last.span));
        let vt = if indexes { ValueType::Ui64 } else { vt };
        Ok(op_expr(Op::Order, ops, Some(Type::Matrix(vt)), span))
    }

    /// `map(X, udf)`: applies a scalar UDF to every element.
    fn map(&mut self, arg: &ast::Expr, udf: &ast::Expr, span: Span) -> Res<Expr> {
        let (m, vt) = self.matrix_arg(arg)?;
        // The UDF is called through the runtime on one of its scalar carriers (f64, si64, ui64,
        // str): narrower elements are widened first.
        let vt = match vt {
            ValueType::F32 => ValueType::F64,
            ValueType::Bool | ValueType::Si8 | ValueType::Si32 => ValueType::Si64,
            ValueType::Ui8 | ValueType::Ui32 | ValueType::Index => ValueType::Ui64,
            other => other,
        };
        let m = crate::coerce(m, Type::Matrix(vt));
        let ast::ExprKind::Ident(f) = &udf.kind else {
            return self.error(udf.span, "the second argument of `map` must name a function");
        };
        if !self.is_udf(f) {
            return self.error(udf.span, format!("`{f}` is not a user-defined function"));
        }
        let elem = ast::Expr { kind: ast::ExprKind::Ident(" map element".into()), span: udf.span };
        let call = ast::Expr {
            kind: ast::ExprKind::Call {
                callee: ast::Ident { name: f.clone(), span: udf.span },
                kernel_hint: None,
                args: vec![ast::Arg { name: None, value: elem }],
            },
            span: udf.span,
        };
        // Specialize the UDF for one element of X by analysing a call with such an argument.
        self.scopes.push([(" map element".to_string(), Type::Scalar(vt))].into());
        let specialized = self.expr(&call);
        self.scopes.pop();
        let specialized = specialized?;
        let ExprKind::Call { symbol, results, .. } = specialized.kind else { unreachable!("a UDF call") };
        match results.as_slice() {
            [Type::Scalar(rt)] if *rt == vt => Ok(Expr { kind: ExprKind::Map { arg: Box::new(m), symbol }, ty: Some(Type::Matrix(*rt)), span }),
            _ => self.error(udf.span, format!("`map` needs `{f}` to return one {} for a {} argument", vt.dsl_name(), vt.dsl_name())),
        }
    }

    /// `readMatrix(file)` / `readFrame(file)`: the type comes from `<file>.meta`.
    fn read(&mut self, name: &str, file: &ast::Expr, span: Span) -> Res<Expr> {
        let path_expr = self.scalar_as(file, Type::Scalar(ValueType::Str))?;
        let ExprKind::Const(Constant::Str(path)) = &path_expr.kind else {
            return self.error(file.span, format!("`{name}` needs a file name known at compile time (its .meta file types the result)"));
        };
        let meta = match crate::meta::read(path) {
            Ok(m) => m,
            Err(e) => return self.error(file.span, e),
        };
        let ty = if name == "readMatrix" {
            match meta.value_type {
                Some(vt) => Type::Matrix(vt),
                None => return self.error(file.span, format!("{path}.meta describes a frame (schema), not a matrix")),
            }
        } else {
            let columns: Vec<Column> = match (&meta.schema, meta.value_type) {
                (Some(s), _) => s.iter().map(|(l, vt)| (Some(l.clone()), *vt)).collect(),
                (None, Some(vt)) => (0..meta.num_cols).map(|i| (Some(format!("col_{i}")), vt)).collect(),
                (None, None) => Vec::new(),
            };
            Type::Frame(Schema::of(columns))
        };
        Ok(op_expr(Op::Read, vec![path_expr], Some(ty), span))
    }
}

/// The C++ name DAPHNE's `typeOf` prints for a scalar value type.
fn cpp_scalar_name(vt: ValueType) -> &'static str {
    match vt {
        ValueType::F64 => "double",
        ValueType::F32 => "float",
        ValueType::Si64 => "int64_t",
        ValueType::Si32 => "int32_t",
        ValueType::Si8 => "int8_t",
        ValueType::Ui64 | ValueType::Index => "uint64_t",
        ValueType::Ui32 => "uint32_t",
        ValueType::Ui8 => "uint8_t",
        ValueType::Bool => "bool",
        ValueType::Str => "const char*",
    }
}
