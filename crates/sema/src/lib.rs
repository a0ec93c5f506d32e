//! Semantic analysis of DaphneDSL: scopes, script arguments, value-type inference and builtin
//! resolution, producing the typed [`hir::Program`].
//!
//! Types follow DAPHNE's rules: the result of a binary operation has the most general operand
//! value type (`ValueType::promote`), comparisons keep that type, `&&`/`||` give `ui64` for
//! floating-point operands, `mean`/`sqrt`/... compute in floating point. A variable's type must
//! be the same on every path out of an `if` and across loop iterations.

mod builtins;
mod frames;
mod functions;
pub mod hir;
pub mod indexing;
mod kernels;
pub mod meta;
pub mod imports;
pub mod types;

use daphne_syntax::Diagnostic;
use daphne_syntax::ast::{self, Span};
use hir::{Constant, Expr, ExprKind, FlowVar, Op, Program, Stmt};
use std::collections::{BTreeSet, HashMap};
use types::{Type, ValueType};

/// Script arguments: name → the literal text given on the command line.
pub type ScriptArgs = HashMap<String, String>;

/// What the analysis needs besides the script.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Script arguments (`$name`).
    pub args: ScriptArgs,
    /// `--select-matrix-repr`: matrices whose compile-time sparsity estimate is below 0.25
    /// (constant literals, `rand` with a constant sparsity) are stored as CSR, as in DAPHNE.
    pub select_matrix_repr: bool,
    /// Extension kernels from `--kernel-ext` catalogs as `(operation mnemonic, kernel name)`:
    /// kernel hints may name them besides the built-in kernels.
    pub external_kernels: Vec<(String, String)>,
}

/// DAPHNE's sparsity threshold below which `--select-matrix-repr` picks CSR.
const SPARSITY_THRESHOLD: f64 = 0.25;

/// Analyses a parsed script. All errors found are returned together.
pub fn analyze(script: &ast::Script, options: &Options) -> Result<Program, Vec<Diagnostic>> {
    let mut a = Analyzer {
        scopes: vec![HashMap::new()],
        read_only: Vec::new(),
        diags: Vec::new(),
        args: &options.args,
        select_matrix_repr: options.select_matrix_repr,
        external_kernels: &options.external_kernels,
        functions: functions::Functions::default(),
        poisoned: Default::default(),
        constant_params: HashMap::new(),
    };
    let stmts = a.collect_functions(&script.stmts);
    let mut main = Vec::new();
    for s in stmts {
        // Errors are recorded; analysis continues with the next statement.
        let _ = a.stmt(s, &mut main);
    }
    if a.diags.is_empty() { Ok(Program { main, functions: a.functions.done }) } else { Err(a.diags) }
}

/// Marker for an error that has already been reported as a diagnostic.
#[derive(Debug)]
pub(crate) struct Reported;

pub(crate) type Res<T> = Result<T, Reported>;

pub(crate) struct Analyzer<'a> {
    /// Innermost scope last. A name lives in exactly one scope.
    scopes: Vec<HashMap<String, Type>>,
    /// Loop variables of enclosing `for` loops (assigning them is an error).
    read_only: Vec<String>,
    diags: Vec<Diagnostic>,
    args: &'a ScriptArgs,
    select_matrix_repr: bool,
    /// Extension kernels kernel hints may name (see [`Options::external_kernels`]).
    external_kernels: &'a [(String, String)],
    functions: functions::Functions,
    /// Variables whose assignment failed: later uses report nothing (the cause is reported).
    poisoned: std::collections::HashSet<String>,
    /// Parameters of the UDF being analysed that hold a known constant string.
    constant_params: HashMap<String, String>,
}

impl Analyzer<'_> {
    pub(crate) fn error<T>(&mut self, span: Span, message: impl Into<String>) -> Res<T> {
        self.diags.push(Diagnostic::new(span, message));
        Err(Reported)
    }

    fn lookup(&self, name: &str) -> Option<Type> {
        self.scopes.iter().rev().find_map(|s| s.get(name).copied())
    }

    /// Assigns `name`: updates the scope that already holds it, else defines it innermost.
    fn define(&mut self, name: &str, ty: Type) {
        let scope = match self.scopes.iter().rposition(|s| s.contains_key(name)) {
            Some(i) => i,
            None => self.scopes.len() - 1,
        };
        self.scopes[scope].insert(name.to_string(), ty);
    }

    fn block(&mut self, stmts: &[ast::Stmt]) -> Vec<Stmt> {
        let mut out = Vec::new();
        for s in stmts {
            // Errors are recorded; analysis continues with the next statement.
            let _ = self.stmt(s, &mut out);
        }
        out
    }

    /// Analyses `stmt` in a fresh scope and returns its statements and the scope stack after
    /// it; the scope stack itself is left as it was before.
    fn scoped(&mut self, stmt: &ast::Stmt) -> (Vec<Stmt>, Vec<HashMap<String, Type>>) {
        let before = self.scopes.clone();
        self.scopes.push(HashMap::new());
        let mut out = Vec::new();
        let _ = self.stmt(stmt, &mut out);
        let after = std::mem::replace(&mut self.scopes, before);
        (out, after)
    }

    fn stmt(&mut self, stmt: &ast::Stmt, out: &mut Vec<Stmt>) -> Res<()> {
        match &stmt.kind {
            ast::StmtKind::Expr(e) => {
                let e = self.expr(e)?;
                out.push(Stmt::Expr(e));
            }
            ast::StmtKind::Assign { targets, value } => {
                if targets.len() != 1 {
                    let stmts = self.assign_multi(targets, value, stmt.span)?;
                    out.extend(stmts);
                    return Ok(());
                }
                let target = &targets[0];
                let name = &target.name.name;
                if self.read_only.contains(name) {
                    return self.error(target.span, format!("the loop variable `{name}` cannot be assigned"));
                }
                let (value, ty) = match self.value(value) {
                    Ok(v) => v,
                    Err(e) => {
                        self.poisoned.insert(name.clone());
                        return Err(e);
                    }
                };
                self.poisoned.remove(name);
                let (value, ty) = match &target.index {
                    None => (value, ty),
                    Some(index) => {
                        let inserted = self.left_index(target, index, value)?;
                        let ty = inserted.ty.expect("matrix");
                        (inserted, ty)
                    }
                };
                self.define(name, ty);
                out.push(Stmt::Assign { name: name.clone(), value });
            }
            ast::StmtKind::Block(stmts) => {
                self.scopes.push(HashMap::new());
                out.extend(self.block(stmts));
                self.scopes.pop();
            }
            ast::StmtKind::If { cond, then_branch, else_branch } => {
                let cond = self.condition(cond)?;
                let (then_body, then_scopes) = self.scoped(then_branch);
                let (else_body, else_scopes) = match else_branch {
                    Some(e) => self.scoped(e),
                    None => (Vec::new(), self.scopes.clone()),
                };
                let lookup_in = |scopes: &[HashMap<String, Type>], n: &str| {
                    scopes.iter().rev().find_map(|s| s.get(n).copied())
                };
                let mut names = assigned_names(std::slice::from_ref(then_branch));
                if let Some(e) = else_branch {
                    names.extend(assigned_names(std::slice::from_ref(e)));
                }
                // As in DAPHNE, only variables that existed before the `if` flow out of it;
                // variables first assigned inside a branch vanish with the branch's scope.
                let mut merged = Vec::new();
                for name in names {
                    if self.lookup(&name).is_none() {
                        continue;
                    }
                    let (Some(t), Some(e)) = (lookup_in(&then_scopes, &name), lookup_in(&else_scopes, &name)) else {
                        unreachable!("a variable visible before the if is visible in both branches");
                    };
                    let Some(ty) = t.join(e) else {
                        return self.error(stmt.span, format!(
                            "type of variable `{name}` after if-statement is ambiguous, could be either {t} (then-branch) or {e} (else-branch)"));
                    };
                    self.define(&name, ty);
                    merged.push(FlowVar { name, ty });
                }
                out.push(Stmt::If { cond, then_body, else_body, merged });
            }
            ast::StmtKind::While { cond, body } => {
                let cond = self.condition(cond)?;
                let (body, carried) = self.loop_body(body, stmt.span)?;
                out.push(Stmt::While { cond, body, do_while: false, carried });
            }
            ast::StmtKind::DoWhile { body, cond } => {
                let (body, carried) = self.loop_body(body, stmt.span)?;
                let cond = self.condition(cond)?;
                out.push(Stmt::While { cond, body, do_while: true, carried });
            }
            ast::StmtKind::For { var, from, to, step, body } => {
                let si64 = Type::Scalar(ValueType::Si64);
                let from = self.scalar_as(from, si64)?;
                let to = self.scalar_as(to, si64)?;
                let step = match step {
                    Some(s) => Some(self.scalar_as(s, si64)?),
                    None => None,
                };
                self.scopes.push(HashMap::from([(var.name.clone(), si64)]));
                self.read_only.push(var.name.clone());
                let result = self.loop_body(body, stmt.span);
                self.read_only.pop();
                self.scopes.pop();
                let (body, carried) = result?;
                out.push(Stmt::For { var: var.name.clone(), from, to, step, body, carried });
            }
            ast::StmtKind::FuncDef(f) => {
                return self.error(f.name.span, "functions can only be defined at the top level of a script");
            }
            ast::StmtKind::Return(values) => {
                let s = self.return_stmt(values, stmt.span)?;
                out.push(s);
            }
            ast::StmtKind::Import { .. } => {
                return self.error(stmt.span, "imports are only allowed at the top level of a script");
            }
        }
        Ok(())
    }

    /// Analyses a loop body; returns it and the outer variables it carries across iterations.
    fn loop_body(&mut self, body: &ast::Stmt, span: Span) -> Res<(Vec<Stmt>, Vec<FlowVar>)> {
        let (body_hir, after) = self.scoped(body);
        let mut carried = Vec::new();
        for name in assigned_names(std::slice::from_ref(body)) {
            let Some(ty) = self.lookup(&name) else {
                continue;
            };
            let now = after.iter().rev().find_map(|s| s.get(&name).copied()).unwrap_or(ty);
            let Some(joined) = ty.join(now) else {
                return self.error(span, format!(
                    "the type of variable `{name}` changes in the loop from {ty} to {now}; cast it to keep one type"));
            };
            self.define(&name, joined);
            carried.push(FlowVar { name, ty: joined });
        }
        Ok((body_hir, carried))
    }

    /// A loop or `if` condition as a bool scalar; a (1x1) matrix is read with `as.scalar` first,
    /// as DAPHNE does.
    fn condition(&mut self, cond: &ast::Expr) -> Res<Expr> {
        let (v, ty) = self.value(cond)?;
        let v = match ty {
            Type::Matrix(vt) if vt != ValueType::Str => coerce(v, Type::Scalar(vt)),
            Type::Scalar(_) => v,
            other => return self.error(cond.span, format!("a condition must be a number, found {other}")),
        };
        Ok(coerce(v, Type::Scalar(ValueType::Bool)))
    }

    /// Analyses `e`, requires a scalar, and converts it to `ty`.
    pub(crate) fn scalar_as(&mut self, e: &ast::Expr, ty: Type) -> Res<Expr> {
        let (v, vty) = self.value(e)?;
        match vty {
            Type::Scalar(_) => Ok(coerce(v, ty)),
            other => self.error(e.span, format!("expected a scalar here, found {other}")),
        }
    }

    /// Analyses `e` and requires a single value (not a `print(...)`-like call).
    pub(crate) fn value(&mut self, e: &ast::Expr) -> Res<(Expr, Type)> {
        let v = self.expr(e)?;
        match (v.ty, &v.kind) {
            (Some(t), _) => Ok((v, t)),
            (None, ExprKind::Call { results, .. } | ExprKind::MultiOp { results, .. }) => {
                self.error(e.span, format!("this call returns {} values, but exactly one is expected here", results.len()))
            }
            (None, _) => self.error(e.span, "expected a value here"),
        }
    }

    pub(crate) fn expr(&mut self, e: &ast::Expr) -> Res<Expr> {
        let span = e.span;
        match &e.kind {
            ast::ExprKind::Int { value, suffix } => {
                let vt = match suffix {
                    ast::IntSuffix::None | ast::IntSuffix::Long => ValueType::Si64,
                    ast::IntSuffix::Unsigned => ValueType::Ui64,
                    ast::IntSuffix::Size => ValueType::Index,
                };
                // 2^63 is accepted (as i64::MIN, DAPHNE's special case) so that
                // -9223372036854775808 can be written; anything larger does not fit.
                if vt != ValueType::Ui64 && *value > 1u64 << 63 {
                    return self.error(span, "integer literal does not fit into si64");
                }
                Ok(constant(Constant::Int(*value), vt, span))
            }
            ast::ExprKind::Float { value, is_f32 } => {
                let vt = if *is_f32 { ValueType::F32 } else { ValueType::F64 };
                Ok(constant(Constant::Float(*value), vt, span))
            }
            ast::ExprKind::Bool(b) => Ok(constant(Constant::Bool(*b), ValueType::Bool, span)),
            ast::ExprKind::Str(s) => Ok(constant(Constant::Str(s.clone()), ValueType::Str, span)),
            ast::ExprKind::Ident(name) if self.constant_params.contains_key(name) => {
                Ok(constant(Constant::Str(self.constant_params[name].clone()), ValueType::Str, span))
            }
            ast::ExprKind::Ident(name) => match self.lookup(name) {
                Some(ty) => Ok(Expr { kind: ExprKind::Var(name.clone()), ty: Some(ty), span }),
                None if self.poisoned.contains(name) => Err(Reported),
                None => self.error(span, format!("unknown variable `{name}`")),
            },
            ast::ExprKind::ScriptArg(name) => self.script_arg(name, span),
            ast::ExprKind::Unary { op, expr } => {
                // `-<literal>` folds, so that -9223372036854775808 is a valid si64.
                if *op == ast::UnaryOp::Neg
                    && let ast::ExprKind::Int { value, suffix: ast::IntSuffix::None | ast::IntSuffix::Long } = expr.kind
                {
                    if value > 1u64 << 63 {
                        return self.error(span, "integer literal does not fit into si64");
                    }
                    return Ok(constant(Constant::Int(value.wrapping_neg()), ValueType::Si64, span));
                }
                let (v, ty) = self.value(expr)?;
                if ty.value_type() == ValueType::Str {
                    return self.error(span, "unary `-`/`+` needs a number, found a string");
                }
                Ok(match op {
                    ast::UnaryOp::Plus => v,
                    ast::UnaryOp::Neg => match v.kind {
                        ExprKind::Const(Constant::Float(f)) => constant(Constant::Float(-f), ty.value_type(), span),
                        _ => op_expr(Op::EwMinus, vec![v], Some(ty), span),
                    },
                })
            }
            ast::ExprKind::Binary { op, lhs, rhs, kernel_hint } => {
                let (l, _) = self.value(lhs)?;
                let (r, _) = self.value(rhs)?;
                let e = self.binary(*op, l, r, span)?;
                self.with_hint(e, kernel_hint)
            }
            ast::ExprKind::Call { callee, args, kernel_hint } if self.is_udf(&callee.name) => {
                self.udf_call(&callee.name, args, kernel_hint.is_some(), span)
            }
            ast::ExprKind::Call { callee, args, kernel_hint } => {
                let e = self.call(callee, args, span)?;
                self.with_hint(e, kernel_hint)
            }
            ast::ExprKind::Cast { target, expr } => self.cast(target, expr, span),
            ast::ExprKind::Matrix { elems, dims } => self.matrix_literal(elems, dims.as_ref(), span),
            ast::ExprKind::Ternary { cond, then_expr, else_expr } => self.ternary(cond, then_expr, else_expr, span),
            ast::ExprKind::FrameCols(cols) => self.frame_by_columns(cols, span),
            ast::ExprKind::FrameRows(rows) => self.frame_by_rows(rows, span),
            ast::ExprKind::Index { base, index } => self.right_index(base, index, span),
            ast::ExprKind::Filter { base, rows, cols } => self.filter(base, rows.as_deref(), cols.as_deref(), span),
        }
    }

    fn script_arg(&mut self, name: &str, span: Span) -> Res<Expr> {
        let Some(text) = self.args.get(name) else {
            return self.error(span, format!("script argument `${name}` was not given (pass `{name}=<value>`)"));
        };
        let parsed = daphne_syntax::parse(&format!("__arg = {text};"));
        let value = match parsed.as_ref().map(|s| &s.stmts[..]) {
            Ok([ast::Stmt { kind: ast::StmtKind::Assign { value, .. }, .. }]) if is_literal(value) => value.clone(),
            _ => {
                return self.error(span, format!("script argument `{name}` must be a single literal, found `{text}`"));
            }
        };
        // Positions inside the argument text are meaningless in the script: report at the use.
        let mut e = self.expr(&value)?;
        e.span = span;
        Ok(e)
    }

    pub(crate) fn binary(&mut self, op: ast::BinaryOp, l: Expr, r: Expr, span: Span) -> Res<Expr> {
        use ast::BinaryOp as B;
        let (lt, rt) = (l.ty.expect("value"), r.ty.expect("value"));
        if let Some(t) = [lt, rt].into_iter().find(|t| matches!(t, Type::Frame(_) | Type::List(_))) {
            return self.error(span, format!("operator `{}` is not defined for a {t}", op_symbol(op)));
        }
        let (lv, rv) = (lt.value_type(), rt.value_type());
        let promoted = lv.promote(rv);
        let matrix = lt.is_matrix() || rt.is_matrix();
        let data = |vt| if matrix { Type::Matrix(vt) } else { Type::Scalar(vt) };
        if op == B::MatMul {
            if !(lt.is_matrix() && rt.is_matrix()) || promoted == ValueType::Str {
                return self.error(span, format!("`@` multiplies two numeric matrices, found {lt} and {rt}"));
            }
            return Ok(op_expr(Op::MatMul, vec![l, r], Some(Type::Matrix(promoted)), span));
        }
        if promoted == ValueType::Str {
            return match op {
                B::Add => Ok(match (&l.kind, &r.kind) {
                    // Constant strings are joined at compile time (file names built from parts).
                    (ExprKind::Const(Constant::Str(a)), ExprKind::Const(Constant::Str(b))) => {
                        constant(Constant::Str(format!("{a}{b}")), ValueType::Str, span)
                    }
                    _ => op_expr(if matrix { Op::EwAdd } else { Op::EwConcat }, vec![l, r], Some(data(ValueType::Str)), span),
                }),
                B::Eq | B::Ne | B::Lt | B::Le | B::Gt | B::Ge => {
                    Ok(op_expr(cmp_op(op), vec![l, r], Some(data(ValueType::Si64)), span))
                }
                _ => self.error(span, format!("operator `{}` is not defined for strings", op_symbol(op))),
            };
        }
        let (hop, vt) = match op {
            B::Add => (Op::EwAdd, promoted),
            B::Sub => (Op::EwSub, promoted),
            B::Mul => (Op::EwMul, promoted),
            B::Div => (Op::EwDiv, promoted),
            B::Pow => (Op::EwPow, promoted),
            B::Mod => (Op::EwMod, promoted),
            B::Eq | B::Ne | B::Lt | B::Le | B::Gt | B::Ge => (cmp_op(op), promoted),
            B::And | B::Or => {
                let vt = if promoted.is_float() { ValueType::Ui64 } else { promoted };
                (if op == B::And { Op::EwAnd } else { Op::EwOr }, vt)
            }
            B::MatMul => unreachable!("handled above"),
        };
        Ok(op_expr(hop, vec![l, r], Some(data(vt)), span))
    }

    /// `c ? t : e`. With a scalar condition both sides must have the same type (both are
    /// evaluated); a matrix condition selects element-wise between same-value-type operands.
    fn ternary(&mut self, cond: &ast::Expr, t: &ast::Expr, e: &ast::Expr, span: Span) -> Res<Expr> {
        let (c, ct) = self.value(cond)?;
        let (tv, tt) = self.value(t)?;
        let (ev, et) = self.value(e)?;
        if ct.is_matrix() {
            if tt.value_type() != et.value_type() {
                return self.error(span, format!("both sides of `?:` must have the same value type, found {tt} and {et}"));
            }
            return Ok(op_expr(Op::Cond, vec![c, tv, ev], Some(Type::Matrix(tt.value_type())), span));
        }
        let Some(ty) = tt.join(et) else {
            return self.error(span, format!("both sides of `?:` must have the same type, found {tt} and {et}"));
        };
        let c = coerce(c, Type::Scalar(ValueType::Bool));
        Ok(Expr { kind: ExprKind::Select { cond: Box::new(c), then_expr: Box::new(tv), else_expr: Box::new(ev) }, ty: Some(ty), span })
    }

    fn cast(&mut self, target: &ast::CastTarget, expr: &ast::Expr, span: Span) -> Res<Expr> {
        let (v, ty) = self.value(expr)?;
        let vt = target.value_type.map(value_type_of).unwrap_or(ty.value_type());
        let result = match (target.data_type, ty) {
            (Some(ast::DataTypeName::Frame), _) if target.value_type.is_some() => {
                return self.error(span, "a cast to a frame cannot specify a value type");
            }
            (Some(ast::DataTypeName::Frame), _) => return self.cast_to_frame(v, ty, span),
            (_, Type::List(_)) => return self.error(span, format!("a {ty} cannot be cast")),
            (None, Type::Frame(_)) => return self.error(span, "cast the frame with as.matrix<...> or as.scalar<...>"),
            (None, _) => ty.with_value_type(vt),
            (Some(ast::DataTypeName::Scalar), _) => Type::Scalar(vt),
            (Some(ast::DataTypeName::Matrix), _) => Type::Matrix(vt),
        };
        if result == ty {
            return Ok(v);
        }
        let mut e = match ty {
            // A frame becomes a matrix of its first column's type first.
            Type::Frame(_) => {
                let m = op_expr(Op::Cast, vec![v], Some(Type::Matrix(ty.value_type())), span);
                coerce(m, result)
            }
            _ => coerce(v, result),
        };
        e.span = span;
        Ok(e)
    }

    fn matrix_literal(
        &mut self,
        elems: &[ast::Expr],
        dims: Option<&ast::MatrixDims>,
        span: Span,
    ) -> Res<Expr> {
        let mut values = Vec::with_capacity(elems.len());
        for e in elems {
            let (v, ty) = self.value(e)?;
            if ty.is_matrix() {
                return self.error(e.span, "matrix literal elements must be scalars");
            }
            values.push(v);
        }
        let Some(vt) = values.iter().map(|v| v.ty.expect("value").value_type()).max() else {
            return self.error(span, "the value type of an empty matrix literal cannot be inferred");
        };
        let n = values.len() as u64;
        let (r, c) = match dims {
            None => (None, None),
            Some((r, c)) => (r.as_deref(), c.as_deref()),
        };
        // Literal dimensions are checked now; computed ones by a reshape at run time.
        let literal = |d: Option<&ast::Expr>| match d.map(|e| &e.kind) {
            None => Some(None),
            Some(ast::ExprKind::Int { value, .. }) => Some(Some(*value)),
            Some(_) => None,
        };
        let (Some(lr), Some(lc)) = (literal(r), literal(c)) else {
            return self.reshaped_literal(values, vt, n, r, c, span);
        };
        let (rows, cols) = match (lr, lc) {
            (Some(r), Some(c)) => (r, c),
            (Some(r), None) if r > 0 && n.is_multiple_of(r) => (r, n / r),
            (None, Some(c)) if c > 0 && n.is_multiple_of(c) => (n / c, c),
            (None, None) => (n, 1),
            _ => return self.error(span, format!("{n} elements cannot fill the given matrix dimensions")),
        };
        let elems: Vec<Expr> = values.into_iter().map(|v| coerce(v, Type::Scalar(vt))).collect();
        let nnz = elems.iter().filter(|e| !is_zero_constant(e)).count();
        let literal = Expr { kind: ExprKind::MatrixLit { elems, rows, cols }, ty: Some(Type::Matrix(vt)), span };
        Ok(if self.sparse(nnz as f64 / n.max(1) as f64) { op_expr(Op::ToCsr, vec![literal], Some(Type::Matrix(vt)), span) } else { literal })
    }

    /// A matrix literal with computed dimensions: an n×1 literal reshaped at run time (a
    /// missing dimension is n divided by the other).
    fn reshaped_literal(&mut self, values: Vec<Expr>, vt: ValueType, n: u64, r: Option<&ast::Expr>, c: Option<&ast::Expr>, span: Span) -> Res<Expr> {
        let index = Type::Scalar(ValueType::Index);
        let total = constant(Constant::Int(n), ValueType::Index, span);
        let (r, c) = match (r, c) {
            (Some(r), Some(c)) => (self.scalar_as(r, index)?, self.scalar_as(c, index)?),
            (Some(r), None) => {
                let r = self.scalar_as(r, index)?;
                let c = op_expr(Op::EwDiv, vec![total, r.clone()], Some(index), span);
                (r, c)
            }
            (None, Some(c)) => {
                let c = self.scalar_as(c, index)?;
                (op_expr(Op::EwDiv, vec![total, c.clone()], Some(index), span), c)
            }
            (None, None) => unreachable!("computed dimensions were given"),
        };
        let elems = values.into_iter().map(|v| coerce(v, Type::Scalar(vt))).collect();
        let column = Expr { kind: ExprKind::MatrixLit { elems, rows: n, cols: 1 }, ty: Some(Type::Matrix(vt)), span };
        Ok(op_expr(Op::Reshape, vec![column, r, c], Some(Type::Matrix(vt)), span))
    }

    /// Whether a matrix with this compile-time sparsity estimate is stored as CSR.
    pub(crate) fn sparse(&self, sparsity: f64) -> bool {
        self.select_matrix_repr && sparsity < SPARSITY_THRESHOLD
    }
}

/// DAPHNE's name of an operation (`sum_all` → `sumAll`), the stem of its kernels' names.
fn daphne_op_name(op: Op) -> String {
    mnemonic(op.mlir_name())
}

/// DAPHNE's mnemonic of a daphne-dialect op name: `sum_all` → `sumAll`.
pub fn mnemonic(op_name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in op_name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

impl Analyzer<'_> {
    /// Records a kernel hint on the operation `e` computes. A hint must name a kernel of that
    /// operation, in DAPHNE's naming scheme `_<op>__<result and argument types>`.
    fn with_hint(&mut self, mut e: Expr, hint: &Option<String>) -> Res<Expr> {
        let Some(h) = hint else { return Ok(e) };
        let op = match &e.kind {
            ExprKind::Op { op, .. } | ExprKind::MultiOp { op, .. } => *op,
            _ => return self.error(e.span, format!("no kernel `{h}` exists for this expression")),
        };
        let mnemonic = daphne_op_name(op);
        let external = self.external_kernels.iter().find(|(_, name)| name == h);
        match external {
            Some((m, _)) if *m != mnemonic => {
                return self.error(e.span, format!("the kernel `{h}` does not implement `{mnemonic}` (it implements `{m}`)"));
            }
            Some(_) => {}
            None if h.starts_with(&format!("_{mnemonic}__")) => {}
            None if h.starts_with('_') && h.contains("__") => {
                return self.error(e.span, format!("the kernel `{h}` does not implement `{mnemonic}`"));
            }
            None => {
                let mut candidates = vec![format!("the built-in kernels `_{mnemonic}__<result and argument types>`")];
                candidates.extend(self.external_kernels.iter().filter(|(m, _)| *m == mnemonic).map(|(_, n)| format!("`{n}`")));
                return self.error(e.span, format!("no kernel `{h}` exists for `{mnemonic}`; candidates: {}", candidates.join(", ")));
            }
        }
        if let ExprKind::Op { kernel_hint, .. } | ExprKind::MultiOp { kernel_hint, .. } = &mut e.kind {
            *kernel_hint = Some(h.clone());
        }
        Ok(e)
    }
}

/// Names assigned anywhere in `stmts` (including nested blocks and control flow).
pub(crate) fn assigned_names(stmts: &[ast::Stmt]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    fn walk(s: &ast::Stmt, names: &mut BTreeSet<String>) {
        match &s.kind {
            ast::StmtKind::Assign { targets, .. } => {
                names.extend(targets.iter().map(|t| t.name.name.clone()));
            }
            ast::StmtKind::Block(b) => b.iter().for_each(|s| walk(s, names)),
            ast::StmtKind::If { then_branch, else_branch, .. } => {
                walk(then_branch, names);
                if let Some(e) = else_branch {
                    walk(e, names);
                }
            }
            ast::StmtKind::While { body, .. }
            | ast::StmtKind::DoWhile { body, .. }
            | ast::StmtKind::For { body, .. } => walk(body, names),
            _ => {}
        }
    }
    stmts.iter().for_each(|s| walk(s, &mut names));
    names
}

/// True for a constant zero (only constants can be counted at compile time: anything else is
/// assumed non-zero).
fn is_zero_constant(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Const(Constant::Int(0) | Constant::Bool(false)))
        || matches!(&e.kind, ExprKind::Const(Constant::Float(f)) if *f == 0.0)
}

fn is_literal(e: &ast::Expr) -> bool {
    match &e.kind {
        ast::ExprKind::Int { .. } | ast::ExprKind::Float { .. } | ast::ExprKind::Bool(_) | ast::ExprKind::Str(_) => true,
        ast::ExprKind::Unary { op: ast::UnaryOp::Neg, expr } => {
            matches!(expr.kind, ast::ExprKind::Int { .. } | ast::ExprKind::Float { .. })
        }
        _ => false,
    }
}

fn cmp_op(op: ast::BinaryOp) -> Op {
    use ast::BinaryOp as B;
    match op {
        B::Eq => Op::EwEq,
        B::Ne => Op::EwNeq,
        B::Lt => Op::EwLt,
        B::Le => Op::EwLe,
        B::Gt => Op::EwGt,
        _ => Op::EwGe,
    }
}

fn op_symbol(op: ast::BinaryOp) -> &'static str {
    use ast::BinaryOp as B;
    match op {
        B::MatMul => "@",
        B::Pow => "^",
        B::Mod => "%",
        B::Mul => "*",
        B::Div => "/",
        B::Add => "+",
        B::Sub => "-",
        B::Eq => "==",
        B::Ne => "!=",
        B::Lt => "<",
        B::Le => "<=",
        B::Gt => ">",
        B::Ge => ">=",
        B::And => "&&",
        B::Or => "||",
    }
}

pub(crate) fn value_type_of(t: ast::ValueTypeName) -> ValueType {
    use ast::ValueTypeName as V;
    match t {
        V::F64 => ValueType::F64,
        V::F32 => ValueType::F32,
        V::Si64 => ValueType::Si64,
        V::Si32 => ValueType::Si32,
        V::Si8 => ValueType::Si8,
        V::Ui64 => ValueType::Ui64,
        V::Ui32 => ValueType::Ui32,
        V::Ui8 => ValueType::Ui8,
        V::Str => ValueType::Str,
        V::Bool => ValueType::Bool,
    }
}

pub(crate) fn constant(c: Constant, vt: ValueType, span: Span) -> Expr {
    Expr { kind: ExprKind::Const(c), ty: Some(Type::Scalar(vt)), span }
}

pub(crate) fn op_expr(op: Op, args: Vec<Expr>, ty: Option<Type>, span: Span) -> Expr {
    Expr { kind: ExprKind::Op { op, args, kernel_hint: None }, ty, span }
}

/// Converts `e` to type `to`: constants are converted at compile time (C++ cast semantics),
/// anything else gets a `cast` operation. No-op when the type already matches.
pub(crate) fn coerce(e: Expr, to: Type) -> Expr {
    if e.ty == Some(to) {
        return e;
    }
    let from = e.ty.expect("value");
    if let (ExprKind::Const(c), Type::Scalar(vt), Type::Scalar(fvt)) = (&e.kind, to, from)
        && let Some(c) = convert_constant(c, fvt, vt)
    {
        return constant(c, vt, e.span);
    }
    let span = e.span;
    op_expr(Op::Cast, vec![e], Some(to), span)
}

/// A constant of type `from` converted to `to`, where this can be done exactly as at run time.
fn convert_constant(c: &Constant, from: ValueType, to: ValueType) -> Option<Constant> {
    use ValueType as V;
    let as_f64 = match c {
        Constant::Int(bits) if from.is_signed_int() => *bits as i64 as f64,
        Constant::Int(bits) => *bits as f64,
        Constant::Float(f) => *f,
        Constant::Bool(b) => *b as u8 as f64,
        Constant::Str(_) => return None,
    };
    Some(match to {
        V::Str => return None,
        V::F64 => Constant::Float(as_f64),
        V::F32 => Constant::Float(as_f64 as f32 as f64),
        V::Bool => Constant::Bool(match c {
            Constant::Int(bits) => *bits != 0,
            _ => as_f64 != 0.0,
        }),
        _ => {
            let bits = match c {
                Constant::Int(bits) => *bits,
                Constant::Bool(b) => *b as u64,
                Constant::Float(f) if to.is_signed_int() => {
                    // C++ on x86-64: NaN and out-of-range values give the minimum integer.
                    let bits = match to {
                        V::Si8 => 8,
                        V::Si32 => 32,
                        _ => 64,
                    };
                    let limit = 2f64.powi(bits - 1);
                    if f.is_nan() || *f >= limit || *f < -limit { (i64::MIN >> (64 - bits)) as u64 } else { *f as i64 as u64 }
                }
                Constant::Float(f) => *f as u64,
                Constant::Str(_) => return None,
            };
            Constant::Int(truncate(bits, to))
        }
    })
}

/// Truncates two's-complement `bits` to the width of `vt` and sign- or zero-extends back.
fn truncate(bits: u64, vt: ValueType) -> u64 {
    match vt {
        ValueType::Si8 => bits as i8 as i64 as u64,
        ValueType::Ui8 => bits as u8 as u64,
        ValueType::Si32 => bits as i32 as i64 as u64,
        ValueType::Ui32 => bits as u32 as u64,
        _ => bits,
    }
}

#[cfg(test)]
mod tests;
