//! Frames and lists: literals, `createFrame`, label handling, casts to and from frames, and the
//! list builtins.
//!
//! A frame's type carries its compile-time [`Schema`]: column labels and value types where they
//! are known (literals, `createFrame` with constant labels), so that `as.matrix(F)` and
//! `F[, "label"]` have precise types.

use crate::hir::{Constant, Expr, ExprKind, Op};
use crate::types::{Column, Schema, SchemaInfo, Type, ValueType};
use crate::{Analyzer, Res, coerce, constant, op_expr};
use daphne_syntax::ast::{self, Span};

/// The label DAPHNE gives column `i` of a frame made without labels.
fn default_label(i: usize) -> String {
    format!("col_{i}")
}

/// The text of a constant string expression.
fn const_str(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Const(Constant::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

impl Analyzer<'_> {
    /// A frame from column matrices and label strings (all already analysed).
    fn make_frame(&mut self, columns: Vec<(Expr, ValueType)>, labels: Vec<Expr>, span: Span) -> Res<Expr> {
        if !labels.is_empty() && labels.len() != columns.len() {
            return self.error(span, format!("a frame with {} columns needs {} labels, found {}", columns.len(), columns.len(), labels.len()));
        }
        let schema: Vec<Column> = columns
            .iter()
            .enumerate()
            .map(|(i, (_, vt))| (if labels.is_empty() { Some(default_label(i)) } else { const_str(&labels[i]) }, *vt))
            .collect();
        let mut args: Vec<Expr> = columns.into_iter().map(|(c, _)| c).collect();
        args.extend(labels);
        Ok(op_expr(Op::CreateFrame, args, Some(Type::Frame(Schema::of(schema))), span))
    }

    /// `{"a": [1, 2], "b": [3, 4]}`
    pub(crate) fn frame_by_columns(&mut self, cols: &[(ast::Expr, ast::Expr)], span: Span) -> Res<Expr> {
        let mut columns = Vec::new();
        let mut labels = Vec::new();
        for (label, column) in cols {
            let (l, lt) = self.value(label)?;
            if lt != Type::Scalar(ValueType::Str) {
                return self.error(label.span, format!("a frame column label must be a string, found {lt}"));
            }
            labels.push(l);
            let (c, ty) = self.value(column)?;
            let Type::Matrix(vt) = ty else {
                return self.error(column.span, format!("a frame column must be a matrix, found {ty}"));
            };
            columns.push((c, vt));
        }
        self.make_frame(columns, labels, span)
    }

    /// `{["a", "b"], [1, 2.5], [3, 4.5]}`: the first row holds the labels.
    pub(crate) fn frame_by_rows(&mut self, rows: &[Vec<ast::Expr>], span: Span) -> Res<Expr> {
        let Some((header, body)) = rows.split_first() else {
            return self.error(span, "a frame literal by rows needs a row of labels");
        };
        let mut labels = Vec::new();
        for l in header {
            labels.push(self.scalar_as(l, Type::Scalar(ValueType::Str))?);
        }
        let mut cells: Vec<Vec<Expr>> = vec![Vec::new(); header.len()];
        for row in body {
            if row.len() != header.len() {
                let at = row.first().map_or(span, |e| e.span);
                return self.error(at, format!("every row of the frame literal needs {} values, found {}", header.len(), row.len()));
            }
            for (j, e) in row.iter().enumerate() {
                let (v, ty) = self.value(e)?;
                if !ty.is_scalar() {
                    return self.error(e.span, format!("frame literal cells must be scalars, found {ty}"));
                }
                cells[j].push(v);
            }
        }
        let n = body.len() as u64;
        let columns = cells
            .into_iter()
            .map(|col| {
                let vt = col.iter().map(|v| v.ty.expect("value").value_type()).max().unwrap_or(ValueType::F64);
                let elems = col.into_iter().map(|v| coerce(v, Type::Scalar(vt))).collect();
                (Expr { kind: ExprKind::MatrixLit { elems, rows: n, cols: 1 }, ty: Some(Type::Matrix(vt)), span }, vt)
            })
            .collect();
        self.make_frame(columns, labels, span)
    }

    /// `createFrame(col..., label...)`.
    pub(crate) fn create_frame(&mut self, args: &[ast::Arg], span: Span) -> Res<Expr> {
        if let Some(a) = args.iter().find(|a| a.name.is_some()) {
            return self.error(a.value.span, "`createFrame` takes no keyword arguments");
        }
        let mut columns = Vec::new();
        let mut labels = Vec::new();
        for a in args {
            let (v, ty) = self.value(&a.value)?;
            match ty {
                Type::Matrix(vt) if labels.is_empty() => columns.push((v, vt)),
                Type::Scalar(ValueType::Str) => labels.push(v),
                other => return self.error(a.value.span, format!("`createFrame` takes column matrices followed by label strings, found {other}")),
            }
        }
        if columns.is_empty() {
            return self.error(span, "`createFrame` needs at least one column");
        }
        self.make_frame(columns, labels, span)
    }

    /// `setColLabels(F, labels...)` and `setColLabelsPrefix(F, prefix)`.
    pub(crate) fn set_labels(&mut self, name: &str, args: &[ast::Arg], span: Span) -> Res<Expr> {
        let Some((first, rest)) = args.split_first() else {
            return self.error(span, format!("`{name}` needs a frame"));
        };
        let (f, ty) = self.value(&first.value)?;
        let Type::Frame(schema) = ty else {
            return self.error(first.value.span, format!("`{name}` needs a frame, found {ty}"));
        };
        let mut strs = Vec::new();
        for a in rest {
            strs.push(self.scalar_as(&a.value, Type::Scalar(ValueType::Str))?);
        }
        let new_schema = match (name, schema.columns()) {
            ("setColLabels", Some(cols)) if cols.len() != strs.len() => {
                return self.error(span, format!("the frame has {} columns, but {} labels are given", cols.len(), strs.len()));
            }
            ("setColLabels", Some(cols)) => Schema::of(cols.iter().zip(&strs).map(|(c, l)| (const_str(l), c.1)).collect()),
            ("setColLabelsPrefix", Some(cols)) if strs.len() == 1 => {
                let prefix = const_str(&strs[0]);
                Schema::of(cols.iter().map(|c| (prefix.as_ref().zip(c.0.as_ref()).map(|(p, l)| format!("{p}.{l}")), c.1)).collect())
            }
            ("setColLabelsPrefix", _) if strs.len() != 1 => return self.error(span, "`setColLabelsPrefix` takes a frame and one prefix"),
            (_, _) => schema,
        };
        let op = if name == "setColLabels" { Op::SetColLabels } else { Op::SetColLabelsPrefix };
        let mut all = vec![f];
        all.extend(strs);
        Ok(op_expr(op, all, Some(Type::Frame(new_schema)), span))
    }

    /// The frame type after selecting columns `[lo, hi)` given as constants, if known.
    pub(crate) fn frame_column_range(schema: Schema, lo: Option<i64>, hi: Option<i64>) -> Schema {
        match (schema.info(), lo, hi) {
            (Some(SchemaInfo::Columns(cols)), Some(lo), Some(hi)) => {
                let n = cols.len() as i64;
                let norm = |v: i64| if v < 0 { v + n } else { v };
                let lo = norm(lo).clamp(0, n) as usize;
                let hi = if hi == i64::MIN { lo + 1 } else if hi == i64::MAX { n as usize } else { norm(hi).clamp(0, n) as usize };
                Schema::of(cols.get(lo..hi.max(lo)).map(<[Column]>::to_vec).unwrap_or_default())
            }
            (Some(SchemaInfo::Uniform(vt)), _, _) => Schema::uniform(vt),
            _ => Schema::UNKNOWN,
        }
    }

    /// `F[, "label"]`: the frame with the one column of that label.
    pub(crate) fn frame_column_by_label(&mut self, frame: Expr, schema: Schema, label: Expr, span: Span) -> Res<Expr> {
        let new_schema = match (schema.info(), const_str(&label)) {
            (Some(SchemaInfo::Columns(cols)), Some(l)) => match cols.iter().find(|c| c.0.as_deref() == Some(l.as_str())) {
                Some(c) => Schema::of(vec![c.clone()]),
                None if cols.iter().all(|c| c.0.is_some()) => {
                    return self.error(label.span, format!("the frame has no column labelled `{l}`"));
                }
                None => Schema::UNKNOWN,
            },
            (Some(SchemaInfo::Uniform(vt)), Some(l)) => Schema::of(vec![(Some(l), vt)]),
            _ => Schema::UNKNOWN,
        };
        Ok(op_expr(Op::ExtractCol, vec![frame, label], Some(Type::Frame(new_schema)), span))
    }

    /// The list builtins: `createList`, `length`, `append`, `remove`.
    pub(crate) fn list_builtin(&mut self, name: &str, args: &[ast::Arg], span: Span) -> Res<Expr> {
        if let Some(a) = args.iter().find(|a| a.name.is_some()) {
            return self.error(a.value.span, format!("`{name}` takes no keyword arguments"));
        }
        let mut values = Vec::new();
        for a in args {
            values.push(self.value(&a.value)?);
        }
        let arity = |a: &mut Self, n: usize| -> Res<()> {
            if values.len() == n { Ok(()) } else { a.error(span, format!("`{name}` takes {n} arguments, found {}", values.len())) }
        };
        match name {
            "createList" => {
                let Some(&(_, Type::Matrix(vt))) = values.first() else {
                    return self.error(span, "`createList` needs at least one matrix");
                };
                if let Some((v, ty)) = values.iter().find(|(_, t)| *t != Type::Matrix(vt)) {
                    return self.error(v.span, format!("all elements of a list must be matrix<{}>, found {ty}", vt.dsl_name()));
                }
                Ok(op_expr(Op::CreateList, values.into_iter().map(|v| v.0).collect(), Some(Type::List(vt)), span))
            }
            "length" => {
                arity(self, 1)?;
                let (l, ty) = values.remove(0);
                if !matches!(ty, Type::List(_)) {
                    return self.error(l.span, format!("`length` needs a list, found {ty}"));
                }
                Ok(op_expr(Op::Length, vec![l], Some(Type::Scalar(ValueType::Index)), span))
            }
            "append" => {
                arity(self, 2)?;
                let (m, mt) = values.remove(1);
                let (l, lt) = values.remove(0);
                match (lt, mt) {
                    (Type::List(vt), Type::Matrix(w)) if vt == w => Ok(op_expr(Op::Append, vec![l, m], Some(lt), span)),
                    _ => self.error(span, format!("`append` needs a list and a matrix of its value type, found {lt} and {mt}")),
                }
            }
            _ => {
                arity(self, 2)?;
                let (i, it) = values.remove(1);
                let (l, lt) = values.remove(0);
                let Type::List(vt) = lt else {
                    return self.error(l.span, format!("`remove` needs a list, found {lt}"));
                };
                if !it.is_scalar() {
                    return self.error(i.span, format!("the position must be a scalar, found {it}"));
                }
                let i = coerce(i, Type::Scalar(ValueType::Si64));
                Ok(Expr {
                    kind: ExprKind::MultiOp { op: Op::Remove, args: vec![l, i], results: vec![lt, Type::Matrix(vt)], kernel_hint: None },
                    ty: None,
                    span,
                })
            }
        }
    }

    /// `as.frame(x)`.
    pub(crate) fn cast_to_frame(&mut self, v: Expr, ty: Type, span: Span) -> Res<Expr> {
        let schema = match ty {
            Type::Frame(_) => return Ok(v),
            Type::Scalar(vt) => Schema::of(vec![(Some(default_label(0)), vt)]),
            Type::Matrix(vt) => Schema::uniform(vt),
            Type::List(_) => return self.error(span, "a list cannot be cast to a frame"),
        };
        let v = if let Type::Scalar(vt) = ty { coerce(v, Type::Matrix(vt)) } else { v };
        Ok(op_expr(Op::Cast, vec![v], Some(Type::Frame(schema)), span))
    }

    /// The relational builtins on frames: `cartesian`, `innerJoin`, `semiJoin`, `groupJoin`,
    /// `groupSum`. Column names must be strings.
    pub(crate) fn relational(&mut self, name: &str, args: &[ast::Arg], span: Span) -> Res<Expr> {
        if let Some(a) = args.iter().find(|a| a.name.is_some()) {
            return self.error(a.value.span, format!("`{name}` takes positional arguments only"));
        }
        let (frames, strings) = match name {
            "cartesian" => (2, 0..=0),
            "innerJoin" | "semiJoin" => (2, 2..=3),
            "groupJoin" => (2, 3..=3),
            _ => (1, 2..=usize::MAX),
        };
        if args.len() < frames || !strings.contains(&(args.len() - frames)) {
            return self.error(span, format!("wrong number of arguments for `{name}`"));
        }
        let mut ops = Vec::new();
        let mut schemas = Vec::new();
        for a in &args[..frames] {
            let (v, ty) = self.value(&a.value)?;
            let Type::Frame(schema) = ty else {
                return self.error(a.value.span, format!("`{name}` needs frames, found {ty}"));
            };
            ops.push(v);
            schemas.push(schema);
        }
        for (i, a) in args[frames..].iter().enumerate() {
            // innerJoin/semiJoin's optional fifth argument is a row-count hint.
            let ty = if matches!(name, "innerJoin" | "semiJoin") && i == 2 { ValueType::Si64 } else { ValueType::Str };
            ops.push(self.scalar_as(&a.value, Type::Scalar(ty))?);
        }
        if matches!(name, "innerJoin" | "semiJoin") && ops.len() == 4 {
            ops.push(constant(Constant::Int(-1i64 as u64), ValueType::Si64, span));
        }
        let joined = match (schemas[0].columns(), schemas.get(1).and_then(|s| s.columns())) {
            (Some(mut l), Some(r)) => {
                l.extend(r);
                Schema::of(l)
            }
            _ => Schema::UNKNOWN,
        };
        let tids = Type::Matrix(ValueType::Ui64);
        Ok(match name {
            "cartesian" => op_expr(Op::Cartesian, ops, Some(Type::Frame(joined)), span),
            "innerJoin" => op_expr(Op::InnerJoin, ops, Some(Type::Frame(joined)), span),
            "groupSum" => op_expr(Op::GroupSum, ops, Some(Type::Frame(Schema::UNKNOWN)), span),
            _ => {
                let op = if name == "semiJoin" { Op::SemiJoin } else { Op::GroupJoin };
                let results = vec![Type::Frame(Schema::UNKNOWN), tids];
                Expr { kind: ExprKind::MultiOp { op, args: ops, results, kernel_hint: None }, ty: None, span }
            }
        })
    }
}

/// The value of an analysed integer constant, if `e` is one.
pub(crate) fn const_int(e: &Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Const(Constant::Int(bits)) => Some(*bits as i64),
        _ => None,
    }
}
