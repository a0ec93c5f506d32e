//! Emission of the typed HIR as a module of the `daphne` dialect.
//!
//! The script becomes `func.func @main()`; control flow becomes `scf.if` / `scf.while` whose
//! results and block arguments carry the variables listed in the HIR (`merged`, `carried`);
//! everything else becomes `daphne.*` operations with DaphneDSL's value types (`si64`, `f64`,
//! `!daphne.matrix<f64>`, ...). Each operation carries its `file:line:col` location.

use daphne_sema::hir::{Constant, Expr, ExprKind, FlowVar, Function, Op, Program, Stmt};
use daphne_sema::types::{Type as HirType, ValueType};
use daphne_syntax::ast::Span;
use daphne_syntax::diag::SourceFile;
use melior::{
    Context,
    ir::{
        Attribute, Block, BlockLike, Identifier, Location, Module, Operation, Region, RegionLike,
        Type, Value, ValueLike,
        attribute::{FlatSymbolRefAttribute, FloatAttribute, IntegerAttribute, StringAttribute, TypeAttribute},
        operation::{OperationBuilder, OperationLike},
        r#type::{FunctionType, IntegerType},
    },
};
use mlir_sys::MlirValue;
use std::collections::HashMap;

/// Emits `program` as a daphne-dialect module. `files` (indexed by span) give locations.
pub fn emit<'c>(context: &'c Context, program: &Program, files: &[SourceFile]) -> Module<'c> {
    let module = Module::new(Location::unknown(context));
    let lines = files.iter().map(|f| (f.name.clone(), line_starts(&f.source))).collect();
    let mut e = Emitter { context, lines, vars: HashMap::new() };
    let main = Function { symbol: "main".into(), params: vec![], results: vec![], body: program.main.clone(), span: Span::default() };
    for f in std::iter::once(&main).chain(&program.functions) {
        module.body().append_operation(e.function(f));
    }
    module
}

/// The MLIR type of a DaphneDSL value type.
pub fn value_type<'c>(context: &'c Context, vt: ValueType) -> Type<'c> {
    let int = |bits, signed: Option<bool>| -> Type<'c> {
        match signed {
            Some(true) => IntegerType::signed(context, bits).into(),
            Some(false) => IntegerType::unsigned(context, bits).into(),
            None => IntegerType::new(context, bits).into(),
        }
    };
    match vt {
        ValueType::Bool => int(1, None),
        ValueType::Si8 => int(8, Some(true)),
        ValueType::Ui8 => int(8, Some(false)),
        ValueType::Si32 => int(32, Some(true)),
        ValueType::Ui32 => int(32, Some(false)),
        ValueType::Index => Type::index(context),
        ValueType::Si64 => int(64, Some(true)),
        ValueType::Ui64 => int(64, Some(false)),
        ValueType::F32 => Type::float32(context),
        ValueType::F64 => Type::float64(context),
        ValueType::Str => daphne_dialect::string_type(context),
    }
}

/// The MLIR type of a DaphneDSL data type.
pub fn data_type<'c>(context: &'c Context, ty: HirType) -> Type<'c> {
    match ty {
        HirType::Scalar(vt) => value_type(context, vt),
        HirType::Matrix(vt) => daphne_dialect::matrix_type(context, value_type(context, vt)),
        HirType::Frame(_) => daphne_dialect::frame_type(context),
        HirType::List(vt) => daphne_dialect::list_type(context, value_type(context, vt)),
    }
}

fn line_starts(source: &str) -> Vec<usize> {
    std::iter::once(0).chain(source.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

/// Turns a raw value back into melior's handle. Values are kept raw in the symbol table because
/// they outlive the borrow of the block that defines them (MLIR's dominance rules, which the
/// verifier checks, are what makes each use valid).
fn val<'c, 'a>(raw: MlirValue) -> Value<'c, 'a> {
    // SAFETY: `raw` was produced by an operation or block of the module being built, which
    // is alive for the whole emission.
    unsafe { Value::from_raw(raw) }
}

struct Emitter<'c> {
    context: &'c Context,
    /// Per source file: its name and the byte offsets where its lines start.
    lines: Vec<(String, Vec<usize>)>,
    vars: HashMap<String, MlirValue>,
}

impl<'c> Emitter<'c> {
    fn loc(&self, span: Span) -> Location<'c> {
        let Some((file, starts)) = self.lines.get(span.file as usize) else {
            return Location::unknown(self.context);
        };
        let offset = span.start as usize;
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let col = offset - starts[line - 1] + 1;
        Location::new(self.context, file, line, col)
    }

    fn ty(&self, t: HirType) -> Type<'c> {
        data_type(self.context, t)
    }

    /// Appends `name` with operands and result types to `block`; returns its results.
    fn op(&self, block: &Block<'c>, op: Operation<'c>) -> Vec<MlirValue> {
        let op = block.append_operation(op);
        op.results().map(|r| r.to_raw()).collect()
    }

    fn build(&self, name: &str, loc: Location<'c>, operands: &[MlirValue], results: &[Type<'c>]) -> Operation<'c> {
        let operands: Vec<Value> = operands.iter().map(|v| val(*v)).collect();
        OperationBuilder::new(name, loc)
            .add_operands(&operands)
            .add_results(results)
            .build()
            .unwrap_or_else(|e| panic!("building {name}: {e}"))
    }

    /// `func.func @symbol(params) -> results` with the function's body.
    fn function(&mut self, f: &Function) -> Operation<'c> {
        let loc = self.loc(f.span);
        let params: Vec<Type> = f.params.iter().map(|p| self.ty(p.ty)).collect();
        let results: Vec<Type> = f.results.iter().map(|t| self.ty(*t)).collect();
        let args: Vec<(Type, Location)> = params.iter().map(|t| (*t, loc)).collect();
        let body = Block::new(&args);
        self.vars.clear();
        for (i, p) in f.params.iter().enumerate() {
            self.vars.insert(p.name.clone(), body.argument(i).expect("parameter").to_raw());
        }
        self.stmts(&body, &f.body);
        if f.symbol == "main" {
            body.append_operation(self.build("func.return", loc, &[], &[]));
        }
        let region = Region::new();
        region.append_block(body);
        let fty = FunctionType::new(self.context, &params, &results);
        OperationBuilder::new("func.func", loc)
            .add_attributes(&[
                (Identifier::new(self.context, "sym_name"), StringAttribute::new(self.context, &f.symbol).into()),
                (Identifier::new(self.context, "function_type"), TypeAttribute::new(fty.into()).into()),
            ])
            .add_regions([region])
            .build()
            .expect("func.func")
    }

    /// Emits an operation with several results; returns them all.
    fn multi_op(&mut self, block: &Block<'c>, e: &Expr) -> Vec<MlirValue> {
        let ExprKind::MultiOp { op, args, results, kernel_hint } = &e.kind else { return self.call(block, e) };
        let operands: Vec<MlirValue> = args.iter().map(|a| self.expr(block, a).expect("operand value")).collect();
        let operands: Vec<Value> = operands.iter().map(|v| val(*v)).collect();
        let types: Vec<Type> = results.iter().map(|t| self.ty(*t)).collect();
        let built = OperationBuilder::new(&format!("daphne.{}", op.mlir_name()), self.loc(e.span))
            .add_operands(&operands)
            .add_results(&types)
            .add_attributes(&self.hint_attribute(kernel_hint))
            .build()
            .expect("multi-result op");
        self.op(block, built)
    }

    /// The `kernel_hint` attribute for a hinted op (none without a hint).
    fn hint_attribute(&self, hint: &Option<String>) -> Vec<(Identifier<'c>, Attribute<'c>)> {
        hint.iter().map(|h| (Identifier::new(self.context, "kernel_hint"), StringAttribute::new(self.context, h).into())).collect()
    }

    /// Emits a UDF call; returns all its results.
    fn call(&mut self, block: &Block<'c>, e: &Expr) -> Vec<MlirValue> {
        let ExprKind::Call { symbol, args, results } = &e.kind else { unreachable!("only calls have several results") };
        let operands: Vec<MlirValue> = args.iter().map(|a| self.expr(block, a).expect("argument value")).collect();
        let operands: Vec<Value> = operands.iter().map(|v| val(*v)).collect();
        let types: Vec<Type> = results.iter().map(|t| self.ty(*t)).collect();
        let op = OperationBuilder::new("func.call", self.loc(e.span))
            .add_operands(&operands)
            .add_results(&types)
            .add_attributes(&[(Identifier::new(self.context, "callee"), FlatSymbolRefAttribute::new(self.context, symbol).into())])
            .build()
            .expect("func.call");
        self.op(block, op)
    }

    fn stmts(&mut self, block: &Block<'c>, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(block, s);
        }
    }

    fn stmt(&mut self, block: &Block<'c>, stmt: &Stmt) {
        match stmt {
            Stmt::Assign { name, value } => {
                let v = self.expr(block, value).expect("assigned expressions have a value");
                self.vars.insert(name.clone(), v);
            }
            Stmt::Expr(e) => {
                self.expr(block, e);
            }
            Stmt::AssignMulti { names, value } => {
                let results = self.multi_op(block, value);
                for (n, v) in names.iter().zip(results) {
                    self.vars.insert(n.clone(), v);
                }
            }
            Stmt::Return(values) => {
                let vs: Vec<MlirValue> = values.iter().map(|v| self.expr(block, v).expect("returned value")).collect();
                let loc = values.first().map_or(Location::unknown(self.context), |v| self.loc(v.span));
                block.append_operation(self.build("func.return", loc, &vs, &[]));
            }
            Stmt::If { cond, then_body, else_body, merged } => {
                let c = self.expr(block, cond).expect("condition value");
                let loc = self.loc(cond.span);
                let before = self.vars.clone();
                let then_region = self.branch(then_body, merged, loc);
                self.vars = before.clone();
                let else_region = self.branch(else_body, merged, loc);
                self.vars = before;
                let types: Vec<Type> = merged.iter().map(|v| self.ty(v.ty)).collect();
                let op = OperationBuilder::new("scf.if", loc)
                    .add_operands(&[val(c)])
                    .add_results(&types)
                    .add_regions([then_region, else_region])
                    .build()
                    .expect("scf.if");
                let results = self.op(block, op);
                self.bind(merged, &results);
            }
            Stmt::While { cond, body, do_while, carried } => {
                let loc = self.loc(cond.span);
                let inits = self.current(carried);
                let results = if *do_while {
                    // before: run the body, then test; after: pass the values back unchanged.
                    self.while_loop(block, loc, carried, &inits, |e, b| {
                        e.stmts(b, body);
                        e.expr(b, cond).expect("condition value")
                    }, |_, _| {})
                } else {
                    self.while_loop(block, loc, carried, &inits, |e, b| e.expr(b, cond).expect("condition value"), |e, b| {
                        e.stmts(b, body)
                    })
                };
                self.bind(carried, &results);
            }
            Stmt::For { var, from, to, step, body, carried } => self.for_loop(block, var, from, to, step.as_ref(), body, carried),
        }
    }

    fn current(&self, vars: &[FlowVar]) -> Vec<MlirValue> {
        vars.iter().map(|v| self.vars[&v.name]).collect()
    }

    fn bind(&mut self, vars: &[FlowVar], values: &[MlirValue]) {
        for (v, x) in vars.iter().zip(values) {
            self.vars.insert(v.name.clone(), *x);
        }
    }

    /// A single-block region running `body` and yielding the final values of `merged`.
    fn branch(&mut self, body: &[Stmt], merged: &[FlowVar], loc: Location<'c>) -> Region<'c> {
        let block = Block::new(&[]);
        self.stmts(&block, body);
        let yields = self.current(merged);
        block.append_operation(self.build("scf.yield", loc, &yields, &[]));
        let region = Region::new();
        region.append_block(block);
        region
    }

    /// Emits `scf.while` over `carried` (plus any `extra` leading loop values handled by the
    /// callbacks through `self.vars`). `before` computes the i1 condition, `after` the body.
    fn while_loop(
        &mut self,
        block: &Block<'c>,
        loc: Location<'c>,
        carried: &[FlowVar],
        inits: &[MlirValue],
        before: impl FnOnce(&mut Self, &Block<'c>) -> MlirValue,
        after: impl FnOnce(&mut Self, &Block<'c>),
    ) -> Vec<MlirValue> {
        let types: Vec<Type> = carried.iter().map(|v| self.ty(v.ty)).collect();
        let args: Vec<(Type, Location)> = types.iter().map(|t| (*t, loc)).collect();
        let outer = self.vars.clone();

        let before_block = Block::new(&args);
        let params: Vec<MlirValue> = (0..carried.len()).map(|i| before_block.argument(i).expect("arg").to_raw()).collect();
        self.bind(carried, &params);
        let c = before(self, &before_block);
        let mut operands = vec![c];
        operands.extend(self.current(carried));
        before_block.append_operation(self.build("scf.condition", loc, &operands, &[]));
        self.vars = outer.clone();

        let after_block = Block::new(&args);
        let params: Vec<MlirValue> = (0..carried.len()).map(|i| after_block.argument(i).expect("arg").to_raw()).collect();
        self.bind(carried, &params);
        after(self, &after_block);
        let yields = self.current(carried);
        after_block.append_operation(self.build("scf.yield", loc, &yields, &[]));
        self.vars = outer;

        let (r1, r2) = (Region::new(), Region::new());
        r1.append_block(before_block);
        r2.append_block(after_block);
        let inits: Vec<Value> = inits.iter().map(|v| val(*v)).collect();
        let op = OperationBuilder::new("scf.while", loc)
            .add_operands(&inits)
            .add_results(&types)
            .add_regions([r1, r2])
            .build()
            .expect("scf.while");
        self.op(block, op)
    }

    #[allow(clippy::too_many_arguments)]
    fn for_loop(
        &mut self,
        block: &Block<'c>,
        var: &str,
        from: &Expr,
        to: &Expr,
        step: Option<&Expr>,
        body: &[Stmt],
        carried: &[FlowVar],
    ) {
        let loc = self.loc(from.span);
        let si64 = HirType::Scalar(ValueType::Si64);
        let bool_ty = HirType::Scalar(ValueType::Bool);
        let from_v = self.expr(block, from).expect("value");
        let to_v = self.expr(block, to).expect("value");
        let step_v = match step {
            Some(s) => self.expr(block, s).expect("value"),
            None => {
                // +1 when to >= from, else -1: (to >= from) * 2 - 1.
                let ge = self.daphne(block, "ew_ge", loc, &[to_v, from_v], si64);
                let two = self.int_const(block, 2, loc);
                let one = self.int_const(block, 1, loc);
                let twice = self.daphne(block, "ew_mul", loc, &[ge, two], si64);
                self.daphne(block, "ew_sub", loc, &[twice, one], si64)
            }
        };
        // The loop value is an extra leading loop-carried variable with a name no script can use.
        let counter = FlowVar { name: " for".into(), ty: si64 };
        let mut all = vec![counter.clone()];
        all.extend_from_slice(carried);
        let mut inits = vec![from_v];
        inits.extend(self.current(carried));
        let results = self.while_loop(
            block,
            loc,
            &all,
            &inits,
            |e, b| {
                // step > 0 ? i <= to : i >= to
                let i = e.vars[" for"];
                let zero = e.int_const(b, 0, loc);
                let up = e.daphne(b, "ew_gt", loc, &[step_v, zero], si64);
                let le = e.daphne(b, "ew_le", loc, &[i, to_v], si64);
                let ge = e.daphne(b, "ew_ge", loc, &[i, to_v], si64);
                let up = e.daphne(b, "cast", loc, &[up], bool_ty);
                let le = e.daphne(b, "cast", loc, &[le], bool_ty);
                let ge = e.daphne(b, "cast", loc, &[ge], bool_ty);
                let sel = b.append_operation(
                    OperationBuilder::new("arith.select", loc)
                        .add_operands(&[val(up), val(le), val(ge)])
                        .add_results(&[e.ty(bool_ty)])
                        .build()
                        .expect("arith.select"),
                );
                sel.result(0).expect("result").to_raw()
            },
            |e, b| {
                let i = e.vars[" for"];
                e.vars.insert(var.to_string(), i);
                e.stmts(b, body);
                let next = e.daphne(b, "ew_add", loc, &[i, step_v], si64);
                e.vars.insert(" for".into(), next);
                e.vars.remove(var);
            },
        );
        self.bind(carried, &results[1..]);
    }

    fn int_const(&self, block: &Block<'c>, v: i64, loc: Location<'c>) -> MlirValue {
        let ty = value_type(self.context, ValueType::Si64);
        self.constant_op(block, IntegerAttribute::new(ty, v).into(), ty, loc)
    }

    fn constant_op(&self, block: &Block<'c>, value: Attribute<'c>, ty: Type<'c>, loc: Location<'c>) -> MlirValue {
        let op = OperationBuilder::new("daphne.constant", loc)
            .add_attributes(&[(Identifier::new(self.context, "value"), value)])
            .add_results(&[ty])
            .build()
            .expect("daphne.constant");
        self.op(block, op)[0]
    }

    fn daphne(&self, block: &Block<'c>, name: &str, loc: Location<'c>, operands: &[MlirValue], ty: HirType) -> MlirValue {
        let op = self.build(&format!("daphne.{name}"), loc, operands, &[self.ty(ty)]);
        self.op(block, op)[0]
    }

    /// Emits `e`; returns its value (`None` for ops without a result).
    fn expr(&mut self, block: &Block<'c>, e: &Expr) -> Option<MlirValue> {
        let loc = self.loc(e.span);
        match &e.kind {
            ExprKind::Const(c) => {
                let ty = self.ty(e.ty.expect("constants have a type"));
                let attr: Attribute = match c {
                    Constant::Int(bits) => IntegerAttribute::new(ty, *bits as i64).into(),
                    Constant::Float(f) => FloatAttribute::new(self.context, ty, *f).into(),
                    Constant::Bool(b) => IntegerAttribute::new(ty, *b as i64).into(),
                    Constant::Str(s) => StringAttribute::new(self.context, s).into(),
                };
                Some(self.constant_op(block, attr, ty, loc))
            }
            ExprKind::Var(name) => Some(self.vars[name]),
            ExprKind::Call { .. } => self.call(block, e).first().copied(),
            ExprKind::MultiOp { .. } => self.multi_op(block, e).first().copied(),
            ExprKind::Map { arg, symbol } => {
                let m = self.expr(block, arg).expect("matrix");
                let op = OperationBuilder::new("daphne.map", loc)
                    .add_operands(&[val(m)])
                    .add_attributes(&[(Identifier::new(self.context, "udf"), FlatSymbolRefAttribute::new(self.context, symbol).into())])
                    .add_results(&[self.ty(e.ty.expect("map has a type"))])
                    .build()
                    .expect("daphne.map");
                Some(self.op(block, op)[0])
            }
            ExprKind::Select { cond, then_expr, else_expr } => {
                let c = self.expr(block, cond).expect("condition");
                let t = self.expr(block, then_expr).expect("value");
                let f = self.expr(block, else_expr).expect("value");
                let ty = self.ty(e.ty.expect("select has a type"));
                Some(self.op(block, self.build("arith.select", loc, &[c, t, f], &[ty]))[0])
            }
            ExprKind::MatrixLit { elems, rows, cols } => {
                let values: Vec<MlirValue> = elems.iter().map(|x| self.expr(block, x).expect("value")).collect();
                let i64t = IntegerType::new(self.context, 64).into();
                let operands: Vec<Value> = values.iter().map(|v| val(*v)).collect();
                let op = OperationBuilder::new("daphne.matrix_constant", loc)
                    .add_operands(&operands)
                    .add_attributes(&[
                        (Identifier::new(self.context, "num_rows"), IntegerAttribute::new(i64t, *rows as i64).into()),
                        (Identifier::new(self.context, "num_cols"), IntegerAttribute::new(i64t, *cols as i64).into()),
                    ])
                    .add_results(&[self.ty(e.ty.expect("matrix type"))])
                    .build()
                    .expect("daphne.matrix_constant");
                Some(self.op(block, op)[0])
            }
            ExprKind::Op { op, args, kernel_hint } => {
                let mut operands: Vec<MlirValue> = args.iter().map(|a| self.expr(block, a).expect("operand value")).collect();
                if *op == Op::CreateFrame {
                    // Columns of different value types enter the variadic as `!daphne.column`.
                    let column = Type::parse(self.context, "!daphne.column").expect("daphne dialect is loaded");
                    for (v, a) in operands.iter_mut().zip(args) {
                        if a.ty.is_some_and(|t| t.is_matrix()) {
                            *v = self.op(block, self.build("daphne.as_column", loc, &[*v], &[column]))[0];
                        }
                    }
                }
                let operands: Vec<Value> = operands.iter().map(|v| val(*v)).collect();
                let results: Vec<Type> = e.ty.iter().map(|t| self.ty(*t)).collect();
                let mut attrs = self.hint_attribute(kernel_hint);
                // Ops with several variadic operand groups say where each group starts.
                let segments = match op {
                    Op::CreateFrame => {
                        let columns = args.iter().take_while(|a| a.ty.is_some_and(|t| t.is_matrix())).count();
                        Some(format!("array<i32: {columns}, {}>", args.len() - columns))
                    }
                    Op::Order => {
                        let k = (args.len() - 2) / 2;
                        Some(format!("array<i32: 1, {k}, {k}, 1>"))
                    }
                    _ => None,
                };
                if let Some(sizes) = segments {
                    attrs.push((Identifier::new(self.context, "operandSegmentSizes"), Attribute::parse(self.context, &sizes).expect("segment sizes")));
                }
                let name = format!("daphne.{}", op.mlir_name());
                let built = OperationBuilder::new(&name, loc)
                    .add_operands(&operands)
                    .add_results(&results)
                    .add_attributes(&attrs)
                    .build()
                    .unwrap_or_else(|err| panic!("building {name}: {err}"));
                self.op(block, built).first().copied()
            }
        }
    }
}
