//! User-defined functions: overload resolution, monomorphization of untyped parameters per
//! call-site signature, result-type checking and the rewriting of early returns.
//!
//! A call picks, in definition order, the first overload whose typed parameters match the
//! argument types exactly (DAPHNE never casts UDF arguments); untyped parameters take the
//! argument's type. Each distinct (overload, argument types) pair becomes one specialization
//! with its own symbol. Recursion works when the result types are declared.
//!
//! Early returns (`return` inside `if`) are rewritten into structured control flow: results go
//! to hidden variables, a hidden flag records that the function has returned, and the rest of
//! the body runs under `if (!returned)`. The rewritten body ends in a single `Return`.

use crate::hir::{Constant, Expr, ExprKind, FlowVar, Function, Op, Stmt};
use crate::types::{Type, ValueType};
use crate::{Analyzer, Res, constant, op_expr, value_type_of};
use daphne_syntax::ast::{self, Span};
use std::collections::HashMap;
use std::rc::Rc;

/// Name of the hidden flag set when a function has returned.
const RETURNED: &str = " returned";

/// A specialization of an overload for concrete argument types.
#[derive(Clone)]
pub(crate) struct Specialization {
    symbol: String,
    /// `None` while the body is being analysed and no result types were declared.
    results: Option<Vec<Type>>,
}

/// A specialization's identity: name, overload index, argument types, constant string arguments.
type SpecKey = (String, usize, Vec<Type>, Vec<Option<String>>);

/// What the analyser knows about the function whose body it is in.
#[derive(Clone, Default)]
pub(crate) struct FunctionContext {
    /// Result types: declared, or taken from the first `return`.
    results: Option<Vec<Type>>,
    /// Whether the result types were declared (then returns are checked against them).
    declared: bool,
}

/// Per-analysis state of UDF handling.
#[derive(Default)]
pub(crate) struct Functions {
    /// Overloads by name, in definition order.
    pub(crate) defs: HashMap<String, Vec<Rc<ast::FuncDef>>>,
    /// Keyed by name, overload, argument types and the constant string arguments (DAPHNE's
    /// inter-procedural constant propagation: a UDF reading a file named by its parameter
    /// needs the name at compile time).
    specs: HashMap<SpecKey, Specialization>,
    pub(crate) done: Vec<Function>,
    /// Set while analysing a function body.
    pub(crate) current: Option<FunctionContext>,
}

/// Whether a parameter annotated with `annot` accepts an argument of type `arg` (exactly).
fn accepts(annot: &ast::TypeAnnot, arg: Type) -> bool {
    let vt = annot.value_type.map(value_type_of);
    match (annot.data_type, arg) {
        (None, Type::Scalar(v)) => Some(v) == vt,
        (Some(ast::DataTypeName::Scalar), Type::Scalar(v)) => vt.is_none_or(|w| w == v),
        (Some(ast::DataTypeName::Matrix), Type::Matrix(v)) => vt.is_none_or(|w| w == v),
        (Some(ast::DataTypeName::Frame), Type::Frame(_)) => true,
        _ => false,
    }
}

/// The concrete type of a declared result type, if it has one.
fn declared_type(annot: &ast::TypeAnnot) -> Option<Type> {
    let vt = annot.value_type.map(value_type_of);
    match annot.data_type {
        None | Some(ast::DataTypeName::Scalar) => vt.map(Type::Scalar),
        Some(ast::DataTypeName::Matrix) => vt.map(Type::Matrix),
        Some(ast::DataTypeName::Frame) => Some(Type::Frame(crate::types::Schema::UNKNOWN)),
    }
}

impl Analyzer<'_> {
    /// Collects the top-level `def`s of a script; other statements are returned for analysis.
    pub(crate) fn collect_functions<'s>(&mut self, stmts: &'s [ast::Stmt]) -> Vec<&'s ast::Stmt> {
        let mut rest = Vec::new();
        for s in stmts {
            match &s.kind {
                ast::StmtKind::FuncDef(f) => {
                    self.functions.defs.entry(f.name.name.clone()).or_default().push(Rc::new(f.clone()));
                }
                _ => rest.push(s),
            }
        }
        rest
    }

    /// True when `name` is a user-defined function.
    pub(crate) fn is_udf(&self, name: &str) -> bool {
        self.functions.defs.contains_key(name)
    }

    /// Analyses a call of the UDF `name`.
    pub(crate) fn udf_call(&mut self, name: &str, args: &[ast::Arg], kernel_hint: bool, span: Span) -> Res<Expr> {
        if kernel_hint {
            return self.error(span, format!("kernel hints are not allowed on calls of the user-defined function `{name}`"));
        }
        let overloads = self.functions.defs[name].clone();
        // Bind arguments to the first overload's parameter names (overloads share them in practice).
        let names: Vec<&str> = overloads[0].params.iter().map(|p| p.name.name.as_str()).collect();
        let mut values: Vec<Option<Expr>> = vec![None; args.len().max(names.len())];
        for (i, arg) in args.iter().enumerate() {
            let slot = match &arg.name {
                None => i,
                Some(kw) => match names.iter().position(|n| *n == kw.name) {
                    Some(p) => p,
                    None => return self.error(kw.span, format!("`{name}` has no parameter named `{}`", kw.name)),
                },
            };
            let (v, _) = self.value(&arg.value)?;
            if slot >= values.len() || values[slot].replace(v).is_some() {
                return self.error(arg.value.span, format!("argument {} of `{name}` is given twice", slot + 1));
            }
        }
        if values.iter().any(Option::is_none) {
            return self.error(span, format!("`{name}` expects {} argument(s), found {}", names.len(), args.len()));
        }
        let values: Vec<Expr> = values.into_iter().map(|v| v.expect("checked")).collect();
        let types: Vec<Type> = values.iter().map(|v| v.ty.expect("value")).collect();

        let Some(index) = overloads.iter().position(|def| {
            def.params.len() == types.len()
                && def.params.iter().zip(&types).all(|(p, t)| p.ty.as_ref().is_none_or(|a| accepts(a, *t)))
        }) else {
            let sig: Vec<String> = types.iter().map(|t| t.to_string()).collect();
            return self.error(span, format!("no definition of `{name}` accepts arguments ({})", sig.join(", ")));
        };
        let constants: Vec<Option<String>> = values
            .iter()
            .map(|v| match &v.kind {
                ExprKind::Const(Constant::Str(s)) => Some(s.clone()),
                _ => None,
            })
            .collect();
        let spec = self.specialize(name, index, &overloads[index], &types, &constants)?;
        let Some(results) = spec.results else {
            return self.error(span, format!("the recursive function `{name}` needs declared result types (`-> type`)"));
        };
        Ok(Expr {
            // A call yields a single value only if it has exactly one result.
            ty: if results.len() == 1 { Some(results[0]) } else { None },
            kind: ExprKind::Call { symbol: spec.symbol, args: values, results },
            span,
        })
    }

    fn specialize(&mut self, name: &str, index: usize, def: &ast::FuncDef, types: &[Type], constants: &[Option<String>]) -> Res<Specialization> {
        let key = (name.to_string(), index, types.to_vec(), constants.to_vec());
        if let Some(s) = self.functions.specs.get(&key) {
            return Ok(s.clone());
        }
        for (i, p) in def.params.iter().enumerate() {
            if def.params[..i].iter().any(|q| q.name.name == p.name.name) {
                return self.error(p.name.span, format!("the parameter name `{}` is used twice", p.name.name));
            }
        }
        let declared: Option<Vec<Type>> = if def.results.is_empty() {
            None
        } else {
            let mut tys = Vec::new();
            for r in &def.results {
                match declared_type(r) {
                    Some(t) => tys.push(t),
                    None => return self.error(r.span, "result types must name a value type, e.g. `matrix<f64>` or `si64`"),
                }
            }
            Some(tys)
        };
        let symbol = match self.functions.specs.keys().filter(|(n, ..)| n == name).count() {
            0 => format!("udf.{name}"),
            n => format!("udf.{name}${n}"),
        };
        let spec = Specialization { symbol: symbol.clone(), results: declared.clone() };
        self.functions.specs.insert(key.clone(), spec);

        // Analyse the body in a fresh environment holding only the parameters.
        let params: Vec<FlowVar> =
            def.params.iter().zip(types).map(|(p, t)| FlowVar { name: p.name.name.clone(), ty: *t }).collect();
        let saved_scopes = std::mem::replace(&mut self.scopes, vec![params.iter().map(|p| (p.name.clone(), p.ty)).collect()]);
        let saved_ro = std::mem::take(&mut self.read_only);
        // Constant string arguments of parameters the body never reassigns are propagated.
        let reassigned = crate::assigned_names(&def.body);
        let propagated: HashMap<String, String> = def
            .params
            .iter()
            .zip(constants)
            .filter_map(|(p, c)| c.clone().filter(|_| !reassigned.contains(&p.name.name)).map(|c| (p.name.name.clone(), c)))
            .collect();
        let saved_consts = std::mem::replace(&mut self.constant_params, propagated);
        let saved_fn = self.functions.current.replace(FunctionContext { results: declared.clone(), declared: declared.is_some() });
        let errors_before = self.diags.len();
        let body = self.block(&def.body);
        let ctx = std::mem::replace(&mut self.functions.current, saved_fn).expect("function context");
        self.scopes = saved_scopes;
        self.read_only = saved_ro;
        self.constant_params = saved_consts;
        if self.diags.len() > errors_before {
            return Err(crate::Reported);
        }
        let results = ctx.results.unwrap_or_default();
        let body = structure_returns(self, body, &results, def.name.span)?;
        self.functions.specs.get_mut(&key).expect("registered").results = Some(results.clone());
        self.functions.done.push(Function { symbol: symbol.clone(), params, results: results.clone(), body, span: def.name.span });
        Ok(Specialization { symbol, results: Some(results) })
    }

    /// Analyses `return e1, e2;` inside a function body.
    pub(crate) fn return_stmt(&mut self, exprs: &[ast::Expr], span: Span) -> Res<Stmt> {
        if self.functions.current.is_none() {
            return self.error(span, "`return` is only allowed inside a function");
        }
        let mut values = Vec::new();
        for e in exprs {
            values.push(self.value(e)?.0);
        }
        let types: Vec<Type> = values.iter().map(|v| v.ty.expect("value")).collect();
        let ctx = self.functions.current.as_mut().expect("checked");
        match &ctx.results {
            None => {
                if types.len() > 1 {
                    return self.error(span, "a function without declared result types returns exactly one value");
                }
                ctx.results = Some(types);
            }
            // Declared frames accept any frame (their schema is unknown where declared).
            Some(expected) if expected.len() != types.len() || expected.iter().zip(&types).any(|(e, t)| e.join(*t).is_none()) => {
                let what = if ctx.declared { "declared result types" } else { "the types of an earlier return" };
                let got: Vec<String> = types.iter().map(|t| t.to_string()).collect();
                let want: Vec<String> = expected.iter().map(|t| t.to_string()).collect();
                return self.error(span, format!("returned ({}) does not match {what} ({})", got.join(", "), want.join(", ")));
            }
            Some(_) => {}
        }
        Ok(Stmt::Return(values))
    }

    /// Checks a multi-assignment `a, b = f(...)` and binds the variables.
    /// Checks a multi-assignment `a, B[i, ], c = f(...)` and binds the variables; indexed
    /// targets receive their value through a hidden variable and a copy-on-write insertion.
    pub(crate) fn assign_multi(&mut self, targets: &[ast::AssignTarget], value: &ast::Expr, span: Span) -> Res<Vec<Stmt>> {
        let value = self.expr(value)?;
        let (ExprKind::Call { results, .. } | ExprKind::MultiOp { results, .. }) = &value.kind else {
            return self.error(span, "the right-hand side of an assignment to several variables must be a call returning several values");
        };
        if results.len() != targets.len() {
            return self.error(span, format!("{} variables are assigned, but the function returns {} value(s)", targets.len(), results.len()));
        }
        let results = results.clone();
        let mut names = Vec::new();
        let mut inserts = Vec::new();
        for (i, (t, ty)) in targets.iter().zip(results).enumerate() {
            if self.read_only.contains(&t.name.name) {
                return self.error(t.span, format!("the loop variable `{}` cannot be assigned", t.name.name));
            }
            match &t.index {
                None => {
                    self.define(&t.name.name, ty);
                    names.push(t.name.name.clone());
                }
                Some(index) => {
                    let hidden = format!(" multi{i}");
                    self.define(&hidden, ty);
                    names.push(hidden.clone());
                    let part = Expr { kind: ExprKind::Var(hidden), ty: Some(ty), span: t.span };
                    let inserted = self.left_index(t, index, part)?;
                    inserts.push(Stmt::Assign { name: t.name.name.clone(), value: inserted });
                }
            }
        }
        let mut stmts = vec![Stmt::AssignMulti { names, value }];
        stmts.extend(inserts);
        Ok(stmts)
    }
}

fn ret_var(i: usize) -> String {
    format!(" result{i}")
}

/// A zero value of `ty`, used to initialise result variables before an early return
/// (`None` for frames and lists, which have no natural empty value).
fn default_value(ty: Type, span: Span) -> Option<Expr> {
    let scalar = |vt: ValueType| match vt {
        ValueType::F32 | ValueType::F64 => constant(Constant::Float(0.0), vt, span),
        ValueType::Bool => constant(Constant::Bool(false), vt, span),
        ValueType::Str => constant(Constant::Str(String::new()), vt, span),
        _ => constant(Constant::Int(0), vt, span),
    };
    match ty {
        Type::Scalar(vt) => Some(scalar(vt)),
        Type::Matrix(vt) => {
            let zero = constant(Constant::Int(0), ValueType::Index, span);
            Some(op_expr(Op::Fill, vec![scalar(vt), zero.clone(), zero], Some(ty), span))
        }
        Type::Frame(_) | Type::List(_) => None,
    }
}

fn contains_return(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Return(_) => true,
        Stmt::If { then_body, else_body, .. } => contains_return(then_body) || contains_return(else_body),
        Stmt::While { body, .. } | Stmt::For { body, .. } => contains_return(body),
        _ => false,
    })
}

/// Makes `body` end in exactly one `Return` (see the module docs).
fn structure_returns(a: &mut Analyzer, mut body: Vec<Stmt>, results: &[Type], span: Span) -> Res<Vec<Stmt>> {
    let last_is_return = matches!(body.last(), Some(Stmt::Return(_)));
    let early = contains_return(&body[..body.len().saturating_sub(last_is_return as usize)]);
    if !early {
        if last_is_return {
            return Ok(body);
        }
        if !results.is_empty() {
            return a.error(span, "this function must end with a `return`");
        }
        body.push(Stmt::Return(Vec::new()));
        return Ok(body);
    }
    let mut flow: Vec<FlowVar> = results.iter().enumerate().map(|(i, t)| FlowVar { name: ret_var(i), ty: *t }).collect();
    flow.push(FlowVar { name: RETURNED.into(), ty: Type::Scalar(ValueType::Bool) });
    let mut out = Vec::new();
    for (i, t) in results.iter().enumerate() {
        let Some(value) = default_value(*t, span) else {
            return a.error(span, format!("a function returning a {t} must not return early (inside `if`)"));
        };
        out.push(Stmt::Assign { name: ret_var(i), value });
    }
    out.push(Stmt::Assign { name: RETURNED.into(), value: constant(Constant::Bool(false), ValueType::Bool, span) });
    let (rewritten, _) = rewrite(a, body, &flow, span)?;
    out.extend(rewritten);
    let values = flow[..results.len()]
        .iter()
        .map(|v| Expr { kind: ExprKind::Var(v.name.clone()), ty: Some(v.ty), span })
        .collect();
    out.push(Stmt::Return(values));
    Ok(out)
}

/// Replaces returns by assignments to the flow variables; returns whether `stmts` may return.
fn rewrite(a: &mut Analyzer, stmts: Vec<Stmt>, flow: &[FlowVar], span: Span) -> Res<(Vec<Stmt>, bool)> {
    let mut out = Vec::new();
    let mut iter = stmts.into_iter();
    while let Some(s) = iter.next() {
        match s {
            Stmt::Return(values) => {
                for (v, f) in values.into_iter().zip(flow) {
                    out.push(Stmt::Assign { name: f.name.clone(), value: v });
                }
                out.push(Stmt::Assign { name: RETURNED.into(), value: constant(Constant::Bool(true), ValueType::Bool, span) });
                return Ok((out, true)); // the rest is unreachable
            }
            Stmt::If { cond, then_body, else_body, mut merged } if contains_return(&then_body) || contains_return(&else_body) => {
                let (then_body, _) = rewrite(a, then_body, flow, span)?;
                let (else_body, _) = rewrite(a, else_body, flow, span)?;
                for f in flow {
                    if !merged.iter().any(|m| m.name == f.name) {
                        merged.push(f.clone());
                    }
                }
                out.push(Stmt::If { cond, then_body, else_body, merged });
                let rest: Vec<Stmt> = iter.collect();
                if !rest.is_empty() {
                    let (rest, _) = rewrite(a, rest, flow, span)?;
                    let returned = Expr { kind: ExprKind::Var(RETURNED.into()), ty: Some(Type::Scalar(ValueType::Bool)), span };
                    out.push(Stmt::If { cond: returned, then_body: Vec::new(), else_body: rest, merged: flow.to_vec() });
                }
                return Ok((out, true));
            }
            Stmt::While { ref body, .. } | Stmt::For { ref body, .. } if contains_return(body) => {
                return a.error(span, "`return` inside a loop is not supported");
            }
            other => out.push(other),
        }
    }
    Ok((out, false))
}
