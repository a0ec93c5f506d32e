//! Lowering of vectorized pipelines (`daphne.vectorized_pipeline` and its members, formed by
//! [`crate::vectorize`]) into an outlined loop nest run by DaphneSched.
//!
//! For pipeline `k` over `R`×`C` cells of value type `T` the lowering emits
//!
//! - `daphne_pipeline_k(ctx, row_begin, row_end, worker)`: a private function that loads the
//!   raw views from the context `ctx` (an array of 8-byte slots: input data pointers and row
//!   strides, scalar operands converted to `T`, output and partial-result pointers) and runs
//!   the members cell by cell. When every full-shape input is contiguous and there are no row
//!   or column vectors or row/column aggregations, one flat loop covers the cells of the rows
//!   (vectorized by LLVM; sums carry `reassoc`); otherwise a rows × columns nest does.
//!   Element-wise members reuse the scalar lowering of [`super::Lowerer`], so cells compute
//!   exactly as the kernels do. Full aggregations fold into a loop-carried accumulator that
//!   is combined into the worker's partial slot at the end of the chunk; row aggregations
//!   write their row; column aggregations fold into the worker's partial row.
//! - at the pipeline's place: the context, output allocation (`daphne_vec_alloc`), raw views
//!   of the inputs (`daphne_vec_input`), per-worker partials (`daphne_fill_*`, one row per
//!   scheduler worker), the scheduler call (`daphne_vec_run` with the pipeline's scheduling
//!   annotation), and the combination of partials with the aggregation kernels (`MEAN`
//!   divides the combined sum by the count).
//!
//! Members whose results are not `daphne.pipeline_output` never exist as matrices; their
//! `daphne.decref`s (inserted by reference counting) are dropped.
//!
//! **Extension point for external scalar kernels**: [`Lowerer::pipeline_cell_op`] computes
//! one member's cell; an element-wise op that calls an external `double f(double)` would add a
//! case there emitting a `func.call` of the symbol (declared through `Lowerer::call_untimed`).

use super::{Abi, Carrier, Kind, Lowerer, Res, key, val};
use crate::ir::{Op, Val};
use crate::scalar::Scalar;
use crate::vectorize::{self, Agg, Axis, Broadcast, Member};
use daphne_rt::AggOp;
use melior::ir::{
    Attribute, Block, BlockLike, Identifier, Location, OperationRef, Region, RegionLike, Type, ValueLike,
    attribute::{FlatSymbolRefAttribute, IntegerAttribute, StringAttribute, TypeAttribute},
    operation::{OperationBuilder, OperationLike},
    r#type::FunctionType,
};
use mlir_sys::MlirValue;
use std::collections::{HashMap, HashSet};

/// Pipelines with at most this many columns unroll their column loop.
const UNROLL_COLS: i64 = 16;

/// What the lowering remembers about pipelines already lowered in this module.
#[derive(Default)]
pub(super) struct State {
    /// Member ops already lowered with their pipeline.
    members: HashSet<usize>,
    /// Member results that never became matrices.
    virtual_values: HashSet<usize>,
}

/// One member of the pipeline being lowered.
struct M<'c, 'a> {
    op: OperationRef<'c, 'a>,
    member: Member,
    output: bool,
}

/// The values the body reads, by slot.
struct Views {
    /// Data pointer, row stride and mode of each matrix input.
    inputs: Vec<(MlirValue, MlirValue, Broadcast)>,
    /// The single cell of each `Broadcast::Cell` input (loaded once).
    cells: Vec<Option<MlirValue>>,
    /// Output data pointer per member (element-wise outputs and row aggregations) or partial
    /// buffer (column and full aggregations).
    outs: HashMap<usize, MlirValue>,
    /// Input source value → its position in `inputs`.
    index: HashMap<usize, usize>,
    /// The worker argument and the column count (column aggregations' partial rows).
    worker: MlirValue,
    cols: MlirValue,
    /// The column count as a number.
    ncols: i64,
}

impl<'c> Lowerer<'c> {
    /// Handles pipeline ops: lowers a whole pipeline at its marker, skips its members and the
    /// `decref`s of values that never became matrices. True if `op` was handled.
    pub(super) fn vectorized(&mut self, op: OperationRef<'c, '_>, block: &Block<'c>) -> Res<bool> {
        let name = op.name().as_string_ref().as_str().unwrap_or("").to_string();
        if name == vectorize::MARKER {
            self.lower_pipeline(op, block)?;
            return Ok(true);
        }
        if self.pipelines.members.contains(&(op.to_raw().ptr as usize)) {
            return Ok(true);
        }
        if name == "daphne.decref"
            && let Ok(v) = op.operand(0)
        {
            return Ok(self.pipelines.virtual_values.contains(&key(v.to_raw())));
        }
        Ok(false)
    }

    fn int_attr(op: Op, name: &str) -> i64 {
        op.attr(name).and_then(|a| IntegerAttribute::try_from(a).ok()).map_or(0, |a| a.value())
    }

    fn lower_pipeline(&mut self, marker: OperationRef<'c, '_>, block: &Block<'c>) -> Res<()> {
        let loc = marker.location();
        let mk = Op(marker.to_raw());
        let id = Self::int_attr(mk, "id");
        let count = Self::int_attr(mk, "num_ops") as usize;
        let shape = (Self::int_attr(mk, "rows"), Self::int_attr(mk, "cols"));
        // The members: the next `count` ops tagged with this id.
        let mut members = Vec::new();
        let mut next = mk.next();
        while let Some(o) = next {
            if members.len() == count {
                break;
            }
            if o.attr(vectorize::MEMBER).is_some() && Self::int_attr(o, vectorize::MEMBER) == id {
                let Some(f) = vectorize::classify_tagged(o) else { return self.err(o.get(), "malformed pipeline member") };
                members.push((o, f));
            }
            next = o.next();
        }
        if members.len() != count || members.is_empty() {
            return self.err(marker, "malformed vectorized pipeline");
        }
        let vt = members[0].1.vt;
        let ms: Vec<M> = members.iter().map(|(o, f)| M { op: o.get(), member: f.member, output: o.attr(vectorize::OUTPUT).is_some() }).collect();
        let produced: HashSet<Val> = members.iter().map(|(o, _)| o.result(0)).collect();
        // External inputs, in order of first use.
        let mut inputs: Vec<Val> = Vec::new();
        let mut scalars: Vec<Val> = Vec::new();
        let mut constants: Vec<Op> = Vec::new();
        for (o, _) in &members {
            for v in o.operands() {
                if produced.contains(&v) {
                    continue;
                }
                if v.is_matrix() {
                    if !inputs.contains(&v) {
                        inputs.push(v);
                    }
                } else if let Some(d) = v.def().filter(|d| matches!(d.name().as_str(), "daphne.constant" | "arith.constant")) {
                    if !constants.contains(&d) {
                        constants.push(d);
                    }
                } else if !scalars.contains(&v) {
                    scalars.push(v);
                }
            }
        }
        let modes: Vec<Broadcast> = inputs
            .iter()
            .map(|v| {
                let direct = ms.iter().any(|m| m.member != Member::Transpose && m.op.operands().any(|o| o.to_raw().ptr == v.0.ptr));
                if !direct {
                    return Broadcast::Transposed;
                }
                vectorize::shape(*v).and_then(|s| vectorize::broadcast(s, shape)).unwrap_or(Broadcast::Full)
            })
            .collect();
        // Slots: per input (data, stride), per scalar, per member output, one scratch.
        let n_slots = 2 * inputs.len() + scalars.len() + ms.len() + 1;
        let i64t = self.i(64);
        let ptr = self.ptr();
        let ty = self.scalar_type(vt);
        let ctx = self.entry_alloca(loc, i64t, n_slots as i64);
        let slot = |l: &Self, b: &Block<'c>, k: usize| l.element_address(b, loc, ctx, k, i64t);
        let vt_code = self.i32c(block, loc, vt.rt_type() as i32);
        for (k, v) in inputs.iter().enumerate() {
            let stride = slot(self, block, 2 * k + 1);
            let handle = self.map[&key(v.0)];
            let data = self.call(block, loc, "daphne_vec_input", &[handle, vt_code, stride], Some(ptr)).expect("result");
            let at = slot(self, block, 2 * k);
            block.append_operation(self.build("llvm.store", loc, &[data, at], &[]));
        }
        for (k, v) in scalars.iter().enumerate() {
            let Some(Kind::Scalar(s)) = super::kind_of(v.ty()) else { return self.err(marker, "malformed pipeline scalar") };
            let x = self.convert(block, loc, self.map[&key(v.0)], s, vt);
            let at = slot(self, block, 2 * inputs.len() + k);
            block.append_operation(self.build("llvm.store", loc, &[x, at], &[]));
        }
        let out_base = 2 * inputs.len() + scalars.len();
        let scratch = slot(self, block, n_slots - 1);
        let (rows, cols) = (self.i64c(block, loc, shape.0), self.i64c(block, loc, shape.1));
        let workers = self.call(block, loc, "daphne_pipeline_max_workers", &[], Some(i64t)).expect("result");
        // Results: handles of outputs, partial buffers to combine afterwards.
        let mut handles: Vec<Option<MlirValue>> = vec![None; ms.len()];
        for (j, m) in ms.iter().enumerate() {
            let at = slot(self, block, out_base + j);
            let (r, c, init) = match m.member {
                Member::Unary | Member::Binary(_) | Member::Transpose if m.output => (rows, cols, None),
                Member::Unary | Member::Binary(_) | Member::Transpose => continue,
                Member::Agg(_, Axis::Row) => (rows, self.i64c(block, loc, 1), None),
                Member::Agg(agg, Axis::Col) => (workers, cols, Some(agg)),
                Member::Agg(agg, Axis::All) => (workers, self.i64c(block, loc, 1), Some(agg)),
            };
            let h = match init {
                None => self.call(block, loc, "daphne_vec_alloc", &[vt_code, r, c, at], Some(ptr)).expect("result"),
                Some(agg) => {
                    let (carrier, v) = self.identity(block, loc, agg, vt);
                    let f = format!("daphne_fill_{}", carrier.suffix());
                    let h = self.call(block, loc, &f, &[vt_code, v, r, c], Some(ptr)).expect("result");
                    let data = self.call(block, loc, "daphne_vec_input", &[h, vt_code, scratch], Some(ptr)).expect("result");
                    block.append_operation(self.build("llvm.store", loc, &[data, at], &[]));
                    h
                }
            };
            handles[j] = Some(h);
        }
        // The outlined body.
        let fname = format!("daphne_pipeline_{id}");
        self.pipeline_function(&fname, loc, &ms, &inputs, &modes, &scalars, &constants, shape, vt)?;
        let fty = FunctionType::new(self.context, &[ptr, i64t, i64t, i64t], &[]);
        let f = OperationBuilder::new("func.constant", loc)
            .add_attributes(&[(Identifier::new(self.context, "value"), FlatSymbolRefAttribute::new(self.context, &fname).into())])
            .add_results(&[fty.into()])
            .build()
            .expect("func.constant");
        let f = self.push(block, f)[0];
        let sched = |name: &str| mk.attr(name).and_then(daphne_dialect::string_attr_value).unwrap_or_default();
        let scheme = sched("scheme").parse::<daphne_rt::sched::Scheme>().map_or(-1, |s| s.code());
        let layout = sched("layout").parse::<daphne_rt::sched::QueueLayout>().map_or(-1, |s| s.code());
        let victim = sched("victim").parse::<daphne_rt::sched::VictimSelection>().map_or(-1, |s| s.code());
        let args = [
            self.i64c(block, loc, id),
            rows,
            self.i32c(block, loc, scheme),
            self.i32c(block, loc, layout),
            self.i32c(block, loc, victim),
            self.i32c(block, loc, Self::int_attr(mk, "workers") as i32),
            self.i64c(block, loc, Self::int_attr(mk, "grain")),
            f,
            ctx,
        ];
        self.call(block, loc, "daphne_vec_run", &args, None);
        // Results: combine partials, map the source values.
        for (j, m) in ms.iter().enumerate() {
            let result = m.op.result(0).expect("one result").to_raw();
            let Some(h) = handles[j] else {
                self.pipelines.virtual_values.insert(key(result));
                continue;
            };
            let value = match m.member {
                Member::Agg(agg, Axis::All) => {
                    let code = self.i32c(block, loc, combine_op(agg) as i32);
                    let carrier = vt.carrier();
                    let f = format!("daphne_agg_all_{}", carrier.suffix());
                    let r = self.call(block, loc, &f, &[code, h], Some(self.carrier_type(carrier))).expect("result");
                    let r = self.from_carrier(block, loc, r, vt);
                    self.call(block, loc, "daphne_decref", &[h], None);
                    if agg == Agg::Mean {
                        let n = self.const_float(block, loc, (shape.0 * shape.1) as f64, ty);
                        self.emit(block, "arith.divf", loc, &[r, n], ty)
                    } else {
                        r
                    }
                }
                Member::Agg(agg, Axis::Col) => {
                    let code = self.i32c(block, loc, combine_op(agg) as i32);
                    let r = self.call(block, loc, "daphne_agg_col", &[code, vt_code, h], Some(ptr)).expect("result");
                    self.call(block, loc, "daphne_decref", &[h], None);
                    if agg == Agg::Mean {
                        let div = self.i32c(block, loc, daphne_rt::BinaryOp::DIV as i32);
                        let n = self.const_float(block, loc, shape.0 as f64, self.f64t());
                        let q = self.call(block, loc, "daphne_ew_binary_ms_f64", &[div, vt_code, r, n], Some(ptr)).expect("result");
                        self.call(block, loc, "daphne_decref", &[r], None);
                        q
                    } else {
                        r
                    }
                }
                _ => h,
            };
            self.map.insert(key(result), value);
        }
        for (o, _) in &members {
            self.pipelines.members.insert(o.0.ptr as usize);
        }
        Ok(())
    }

    /// The identity of an aggregation in the ABI carrier of `vt` (the initial partial).
    fn identity(&mut self, block: &Block<'c>, loc: Location<'c>, agg: Agg, vt: Scalar) -> (Carrier, MlirValue) {
        let float = matches!(vt, Scalar::Float(_));
        match (agg, float) {
            (Agg::Min, true) => (Carrier::F64, self.const_float(block, loc, f64::INFINITY, self.f64t())),
            (Agg::Max, true) => (Carrier::F64, self.const_float(block, loc, f64::NEG_INFINITY, self.f64t())),
            (_, true) => (Carrier::F64, self.const_float(block, loc, 0.0, self.f64t())),
            (Agg::Min, false) => (Carrier::I64, self.i64c(block, loc, i64::MAX)),
            (Agg::Max, false) => (Carrier::I64, self.i64c(block, loc, i64::MIN)),
            _ => (Carrier::I64, self.i64c(block, loc, 0)),
        }
    }

    /// The identity of an aggregation as a value of type `vt` (the initial accumulator).
    fn identity_value(&mut self, block: &Block<'c>, loc: Location<'c>, agg: Agg, vt: Scalar) -> MlirValue {
        let (carrier, v) = self.identity(block, loc, agg, vt);
        let from = if carrier == Carrier::F64 { Scalar::Float(64) } else { Scalar::Signed(64) };
        self.convert(block, loc, v, from, vt)
    }

    /// `acc ∘ x` for the aggregation `agg` (sums may be reassociated).
    fn fold(&mut self, block: &Block<'c>, loc: Location<'c>, agg: Agg, vt: Scalar, acc: MlirValue, x: MlirValue) -> MlirValue {
        let ty = self.scalar_type(vt);
        let float = matches!(vt, Scalar::Float(_));
        match agg {
            Agg::Sum | Agg::Mean if float => {
                let op = OperationBuilder::new("arith.addf", loc)
                    .add_operands(&[val(acc), val(x)])
                    .add_attributes(&[(
                        Identifier::new(self.context, "fastmath"),
                        Attribute::parse(self.context, "#arith.fastmath<reassoc>").expect("fastmath"),
                    )])
                    .add_results(&[ty])
                    .build()
                    .expect("arith.addf");
                self.push(block, op)[0]
            }
            Agg::Sum | Agg::Mean => self.emit(block, "arith.addi", loc, &[acc, x], ty),
            Agg::Min | Agg::Max => {
                // std::min(acc, x) = x < acc ? x : acc; std::max(acc, x) = acc < x ? x : acc.
                let (l, r) = if agg == Agg::Min { (x, acc) } else { (acc, x) };
                let lt = if float { self.cmpf(block, loc, "olt", l, r) } else { self.cmpi(block, loc, "slt", l, r) };
                self.select(block, loc, lt, x, acc)
            }
        }
    }

    fn load(&self, block: &Block<'c>, loc: Location<'c>, base: MlirValue, idx: MlirValue, ty: Type<'c>) -> MlirValue {
        let p = self.cell_address(block, loc, base, idx, ty);
        self.emit(block, "llvm.load", loc, &[p], ty)
    }

    fn store(&self, block: &Block<'c>, loc: Location<'c>, v: MlirValue, base: MlirValue, idx: MlirValue) {
        let ty = val(v).r#type();
        let p = self.cell_address(block, loc, base, idx, ty);
        block.append_operation(self.build("llvm.store", loc, &[v, p], &[]));
    }

    /// Builds `func.func private @name(ctx, row_begin, row_end, worker)`.
    #[allow(clippy::too_many_arguments)]
    fn pipeline_function(
        &mut self,
        name: &str,
        loc: Location<'c>,
        ms: &[M<'c, '_>],
        inputs: &[Val],
        modes: &[Broadcast],
        scalars: &[Val],
        constants: &[Op],
        shape: (i64, i64),
        vt: Scalar,
    ) -> Res<()> {
        let (ptr, i64t, ty) = (self.ptr(), self.i(64), self.scalar_type(vt));
        let entry = Block::new(&[(ptr, loc), (i64t, loc), (i64t, loc), (i64t, loc)]);
        let arg = |k: usize| entry.argument(k).expect("argument").to_raw();
        let (ctx, rb, re, worker) = (arg(0), arg(1), arg(2), arg(3));
        let saved_map = std::mem::take(&mut self.map);
        let saved_entry = self.entry.replace(entry.to_raw());
        let result = (|| -> Res<()> {
            let slot = |l: &Self, k: usize| l.element_address(&entry, loc, ctx, k, i64t);
            let cols = self.i64c(&entry, loc, shape.1);
            let one = self.i64c(&entry, loc, 1);
            let index = inputs.iter().enumerate().map(|(k, v)| (key(v.0), k)).collect();
            let mut views = Views { inputs: Vec::new(), cells: Vec::new(), outs: HashMap::new(), index, worker, cols, ncols: shape.1 };
            for (k, mode) in modes.iter().enumerate() {
                let data = self.emit(&entry, "llvm.load", loc, &[slot(self, 2 * k)], ptr);
                let stride = self.emit(&entry, "llvm.load", loc, &[slot(self, 2 * k + 1)], i64t);
                let cell = (*mode == Broadcast::Cell).then(|| self.emit(&entry, "llvm.load", loc, &[data], ty));
                views.inputs.push((data, stride, *mode));
                views.cells.push(cell);
            }
            for (k, v) in scalars.iter().enumerate() {
                let x = self.emit(&entry, "llvm.load", loc, &[slot(self, 2 * inputs.len() + k)], ty);
                self.map.insert(key(v.0), x);
            }
            for c in constants {
                self.lower_op(c.get(), &entry)?;
            }
            let out_base = 2 * inputs.len() + scalars.len();
            for (j, m) in ms.iter().enumerate() {
                if m.output || matches!(m.member, Member::Agg(..)) {
                    let p = self.emit(&entry, "llvm.load", loc, &[slot(self, out_base + j)], ptr);
                    views.outs.insert(j, p);
                }
            }
            // Accumulators: full aggregations.
            let all: Vec<usize> = (0..ms.len()).filter(|&j| matches!(ms[j].member, Member::Agg(_, Axis::All))).collect();
            let mut init = Vec::new();
            for &j in &all {
                let Member::Agg(agg, _) = ms[j].member else { unreachable!() };
                init.push(self.identity_value(&entry, loc, agg, vt));
            }
            let flat_possible = !ms.iter().any(|m| matches!(m.member, Member::Agg(_, Axis::Row | Axis::Col) | Member::Transpose))
                && !modes.iter().any(|m| matches!(m, Broadcast::Row | Broadcast::Col));
            let acc_types: Vec<Type> = init.iter().map(|_| ty).collect();
            let accs = if flat_possible {
                // Contiguous full-shape inputs (checked at run time): one loop over the cells
                // of the rows. (Row/column aggregations keep the nest with the run-time row
                // stride: with a constant one, LLVM vectorizes the row loop with gathers,
                // which is several times slower than the rows' unrolled scalar sums.)
                let mut contiguous = self.const_int(&entry, loc, 1, self.i(1));
                for (k, m) in modes.iter().enumerate() {
                    if *m == Broadcast::Full && shape.0 > 1 {
                        let eq = self.cmpi(&entry, loc, "eq", views.inputs[k].1, cols);
                        contiguous = self.emit(&entry, "arith.andi", loc, &[contiguous, eq], self.i(1));
                    }
                }
                let then_block = Block::new(&[]);
                let lo = self.emit(&then_block, "arith.muli", loc, &[rb, cols], i64t);
                let hi = self.emit(&then_block, "arith.muli", loc, &[re, cols], i64t);
                let accs = self.for_loop(&then_block, loc, lo, hi, one, &init, &mut |l, b, i, accs| l.cells(b, loc, ms, &views, vt, None, i, i, accs, false))?;
                then_block.append_operation(self.build("scf.yield", loc, &accs, &[]));
                let else_block = Block::new(&[]);
                let accs = self.nest(&else_block, loc, ms, &views, vt, rb, re, cols, one, &init)?;
                else_block.append_operation(self.build("scf.yield", loc, &accs, &[]));
                let (t, e) = (Region::new(), Region::new());
                t.append_block(then_block);
                e.append_block(else_block);
                let op = OperationBuilder::new("scf.if", loc)
                    .add_operands(&[val(contiguous)])
                    .add_results(&acc_types)
                    .add_regions([t, e])
                    .build()
                    .expect("scf.if");
                self.push(&entry, op)
            } else {
                self.nest(&entry, loc, ms, &views, vt, rb, re, cols, one, &init)?
            };
            // Fold each chunk's accumulator into the worker's partial.
            for (&j, acc) in all.iter().zip(accs) {
                let Member::Agg(agg, _) = ms[j].member else { unreachable!() };
                let p = views.outs[&j];
                let old = self.load(&entry, loc, p, worker, ty);
                let new = self.fold(&entry, loc, agg, vt, old, acc);
                self.store(&entry, loc, new, p, worker);
            }
            entry.append_operation(self.build("func.return", loc, &[], &[]));
            Ok(())
        })();
        self.map = saved_map;
        self.entry = saved_entry;
        result?;
        let region = Region::new();
        region.append_block(entry);
        let fty = FunctionType::new(self.context, &[ptr, i64t, i64t, i64t], &[]);
        let func = OperationBuilder::new("func.func", loc)
            .add_attributes(&[
                (Identifier::new(self.context, "sym_name"), StringAttribute::new(self.context, name).into()),
                (Identifier::new(self.context, "function_type"), TypeAttribute::new(fty.into()).into()),
                (Identifier::new(self.context, "sym_visibility"), StringAttribute::new(self.context, "private").into()),
            ])
            .add_regions([region])
            .build()
            .expect("pipeline function");
        self.module_body().append_operation(func);
        Ok(())
    }

    /// `scf.for %i = lo to hi step step iter_args(init)` with `body(block, i, accs) -> accs`;
    /// returns the final accumulators.
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    fn for_loop(
        &mut self,
        block: &Block<'c>,
        loc: Location<'c>,
        lo: MlirValue,
        hi: MlirValue,
        step: MlirValue,
        init: &[MlirValue],
        body: &mut dyn FnMut(&mut Self, &Block<'c>, MlirValue, &[MlirValue]) -> Res<Vec<MlirValue>>,
    ) -> Res<Vec<MlirValue>> {
        let i64t = self.i(64);
        let mut args = vec![(i64t, loc)];
        args.extend(init.iter().map(|v| (val(*v).r#type(), loc)));
        let b = Block::new(&args);
        let iv = b.argument(0).expect("iv").to_raw();
        let accs: Vec<MlirValue> = (0..init.len()).map(|k| b.argument(k + 1).expect("acc").to_raw()).collect();
        let next = body(self, &b, iv, &accs)?;
        b.append_operation(self.build("scf.yield", loc, &next, &[]));
        let region = Region::new();
        region.append_block(b);
        let mut operands = vec![lo, hi, step];
        operands.extend_from_slice(init);
        let types: Vec<Type> = init.iter().map(|v| val(*v).r#type()).collect();
        let operands: Vec<_> = operands.iter().map(|v| val(*v)).collect();
        let op = OperationBuilder::new("scf.for", loc).add_operands(&operands).add_results(&types).add_regions([region]).build().expect("scf.for");
        Ok(self.push(block, op))
    }

    /// The rows × columns nest over rows `rb..re`; returns the full aggregations' accumulators.
    #[allow(clippy::too_many_arguments)]
    fn nest(
        &mut self,
        block: &Block<'c>,
        loc: Location<'c>,
        ms: &[M<'c, '_>],
        views: &Views,
        vt: Scalar,
        rb: MlirValue,
        re: MlirValue,
        cols: MlirValue,
        one: MlirValue,
        init: &[MlirValue],
    ) -> Res<Vec<MlirValue>> {
        let ty = self.scalar_type(vt);
        let i64t = self.i(64);
        let rows_aggs: Vec<usize> = (0..ms.len()).filter(|&j| matches!(ms[j].member, Member::Agg(_, Axis::Row))).collect();
        let n_all = init.len();
        let unrolled = views.ncols <= UNROLL_COLS;
        // Unrolled, the column aggregations accumulate in registers carried by the row loop
        // (one per aggregation and column) and reach the worker's partial once per chunk.
        let col_aggs: Vec<(usize, Agg)> = if unrolled {
            ms.iter().enumerate().filter_map(|(j, m)| match m.member {
                Member::Agg(agg, Axis::Col) => Some((j, agg)),
                _ => None,
            }).collect()
        } else {
            Vec::new()
        };
        let mut outer_init = init.to_vec();
        for &(_, agg) in &col_aggs {
            for _ in 0..views.ncols {
                outer_init.push(self.identity_value(block, loc, agg, vt));
            }
        }
        let res = self.for_loop(block, loc, rb, re, one, &outer_init, &mut |l, b, r, carried| {
            let (accs, col_accs) = carried.split_at(n_all);
            let mut col_accs = col_accs.to_vec();
            let zero = l.i64c(b, loc, 0);
            let mut inner_init = accs.to_vec();
            for &j in &rows_aggs {
                let Member::Agg(agg, _) = ms[j].member else { unreachable!() };
                inner_init.push(l.identity_value(b, loc, agg, vt));
            }
            let row_start = l.emit(b, "arith.muli", loc, &[r, cols], i64t);
            let out = if unrolled {
                // Few columns: unrolled, each row aggregation reduced as a balanced tree (a
                // chain of dependent adds per row would bound the loop by add latency).
                let mut all = accs.to_vec();
                let mut per_col: Vec<Vec<MlirValue>> = vec![Vec::new(); rows_aggs.len()];
                for c in 0..views.ncols {
                    let ci = l.i64c(b, loc, c);
                    let out_idx = l.emit(b, "arith.addi", loc, &[row_start, ci], i64t);
                    let mut a = all.clone();
                    a.extend_from_slice(&inner_init[n_all..]);
                    let res = l.cells(b, loc, ms, views, vt, Some((r, ci)), out_idx, out_idx, &a, true)?;
                    all = res[..n_all].to_vec();
                    let (row_vals, col_vals) = res[n_all..].split_at(rows_aggs.len());
                    for (k, v) in row_vals.iter().enumerate() {
                        per_col[k].push(*v);
                    }
                    for (k, (&x, &(_, agg))) in col_vals.iter().zip(&col_aggs).enumerate() {
                        let slot = k * views.ncols as usize + c as usize;
                        col_accs[slot] = l.fold(b, loc, agg, vt, col_accs[slot], x);
                    }
                }
                for (k, &j) in rows_aggs.iter().enumerate() {
                    let Member::Agg(agg, _) = ms[j].member else { unreachable!() };
                    let mut level = std::mem::take(&mut per_col[k]);
                    while level.len() > 1 {
                        let mut next = Vec::new();
                        for pair in level.chunks(2) {
                            next.push(if pair.len() == 2 { l.fold(b, loc, agg, vt, pair[0], pair[1]) } else { pair[0] });
                        }
                        level = next;
                    }
                    all.push(level[0]);
                }
                all
            } else {
                l.for_loop(b, loc, zero, cols, one, &inner_init, &mut |l, ib, c, accs| {
                    let out_idx = l.emit(ib, "arith.addi", loc, &[row_start, c], i64t);
                    l.cells(ib, loc, ms, views, vt, Some((r, c)), out_idx, out_idx, accs, false)
                })?
            };
            for (k, &j) in rows_aggs.iter().enumerate() {
                let Member::Agg(agg, _) = ms[j].member else { unreachable!() };
                let mut v = out[n_all + k];
                if agg == Agg::Mean {
                    let c = l.convert(b, loc, cols, Scalar::Signed(64), vt);
                    v = l.emit(b, "arith.divf", loc, &[v, c], ty);
                }
                l.store(b, loc, v, views.outs[&j], r);
            }
            let mut next = out[..n_all].to_vec();
            next.extend(col_accs);
            Ok(next)
        })?;
        let w_row = self.emit(block, "arith.muli", loc, &[views.worker, views.cols], i64t);
        for (k, &(j, agg)) in col_aggs.iter().enumerate() {
            for c in 0..views.ncols {
                let ci = self.i64c(block, loc, c);
                let idx = self.emit(block, "arith.addi", loc, &[w_row, ci], i64t);
                let old = self.load(block, loc, views.outs[&j], idx, ty);
                let new = self.fold(block, loc, agg, vt, old, res[n_all + k * views.ncols as usize + c as usize]);
                self.store(block, loc, new, views.outs[&j], idx);
            }
        }
        Ok(res[..n_all].to_vec())
    }

    /// Computes every member at one cell: flat index `flat` (contiguous inputs) or row and
    /// column `rc`; `out_idx` is the cell's index in the outputs. Takes and returns the
    /// accumulators (full aggregations, then row aggregations); with `raw_rows`, the row
    /// aggregations' entries are the cell's values instead and the column aggregations' cell
    /// values follow them (both reduced by the caller).
    #[allow(clippy::too_many_arguments)]
    fn cells(
        &mut self,
        b: &Block<'c>,
        loc: Location<'c>,
        ms: &[M<'c, '_>],
        views: &Views,
        vt: Scalar,
        rc: Option<(MlirValue, MlirValue)>,
        flat: MlirValue,
        out_idx: MlirValue,
        accs: &[MlirValue],
        raw_rows: bool,
    ) -> Res<Vec<MlirValue>> {
        let ty = self.scalar_type(vt);
        let i64t = self.i(64);
        let mut cell: HashMap<usize, MlirValue> = HashMap::new();
        let mut accs = accs.to_vec();
        let n_all = ms.iter().filter(|m| matches!(m.member, Member::Agg(_, Axis::All))).count();
        let (mut k_all, mut k_row) = (0, n_all);
        for (j, m) in ms.iter().enumerate() {
            if m.member == Member::Transpose {
                let raw = m.op.operand(0).expect("operand").to_raw();
                // The operand is always an input (see `vectorize::form`).
                let (Some(&k), Some((r, c))) = (views.index.get(&key(raw)), rc) else {
                    return self.err(m.op, "internal error: a transpose of a pipeline value or outside the nest");
                };
                let (data, stride, _) = views.inputs[k];
                let base = self.emit(b, "arith.muli", loc, &[c, stride], i64t);
                let idx = self.emit(b, "arith.addi", loc, &[base, r], i64t);
                let x = self.load(b, loc, data, idx, ty);
                if m.output {
                    self.store(b, loc, x, views.outs[&j], out_idx);
                }
                cell.insert(key(m.op.result(0).expect("result").to_raw()), x);
                continue;
            }
            let mut operands = Vec::new();
            for v in m.op.operands() {
                let raw = v.to_raw();
                let x = if let Some(x) = cell.get(&key(raw)) {
                    *x
                } else if let Some(&k) = views.index.get(&key(raw)) {
                    let (data, stride, mode) = views.inputs[k];
                    let x = match (mode, rc) {
                        (Broadcast::Cell, _) => views.cells[k].expect("preloaded cell"),
                        (Broadcast::Full, None) => self.load(b, loc, data, flat, ty),
                        (Broadcast::Full, Some((r, c))) => {
                            let base = self.emit(b, "arith.muli", loc, &[r, stride], i64t);
                            let idx = self.emit(b, "arith.addi", loc, &[base, c], i64t);
                            self.load(b, loc, data, idx, ty)
                        }
                        (Broadcast::Row, Some((_, c))) => self.load(b, loc, data, c, ty),
                        (Broadcast::Col, Some((r, _))) => {
                            let idx = self.emit(b, "arith.muli", loc, &[r, stride], i64t);
                            self.load(b, loc, data, idx, ty)
                        }
                        _ => return self.err(m.op, "internal error: a broadcast input in a flat pipeline loop"),
                    };
                    cell.insert(key(raw), x);
                    x
                } else {
                    *self.map.get(&key(raw)).expect("pipeline scalar loaded")
                };
                let s = match super::kind_of(v.r#type()) {
                    Some(Kind::Scalar(s)) => s,
                    _ => vt,
                };
                operands.push(self.convert(b, loc, x, s, vt));
            }
            let x = self.pipeline_cell_op(b, loc, m, &operands, vt)?;
            match m.member {
                Member::Agg(agg, Axis::All) => {
                    accs[k_all] = self.fold(b, loc, agg, vt, accs[k_all], x);
                    k_all += 1;
                }
                Member::Agg(agg, Axis::Row) => {
                    accs[k_row] = if raw_rows { x } else { self.fold(b, loc, agg, vt, accs[k_row], x) };
                    k_row += 1;
                }
                Member::Agg(_, Axis::Col) if raw_rows => accs.push(x),
                Member::Agg(agg, Axis::Col) => {
                    let (_, c) = rc.expect("column aggregations run in the nest");
                    let p = views.outs[&j];
                    let w_row = self.emit(b, "arith.muli", loc, &[views.worker, views.cols], i64t);
                    let idx = self.emit(b, "arith.addi", loc, &[w_row, c], i64t);
                    let old = self.load(b, loc, p, idx, ty);
                    let new = self.fold(b, loc, agg, vt, old, x);
                    self.store(b, loc, new, p, idx);
                }
                Member::Unary | Member::Binary(_) | Member::Transpose => {
                    if m.output {
                        self.store(b, loc, x, views.outs[&j], out_idx);
                    }
                    cell.insert(key(m.op.result(0).expect("result").to_raw()), x);
                }
            }
        }
        Ok(accs)
    }

    /// One member's value at a cell, from its operands' values (converted to `vt`).
    fn pipeline_cell_op(&mut self, b: &Block<'c>, loc: Location<'c>, m: &M<'c, '_>, operands: &[MlirValue], vt: Scalar) -> Res<MlirValue> {
        // An element-wise extension kernel: its per-cell function (docs/kernel-abi.md).
        if let Some(cell) = m.op.attribute(crate::kernel_ext::CELL_ATTR).ok().and_then(daphne_dialect::string_attr_value) {
            let ty = self.scalar_type(vt);
            return Ok(self.call_untimed(b, loc, &cell, operands, Some(ty)).expect("result"));
        }
        match m.member {
            Member::Binary(bop) => self.scalar_binary(m.op, b, loc, bop, (operands[0], vt), (operands[1], vt), vt),
            Member::Unary => {
                let name = m.op.name().as_string_ref().as_str().unwrap_or("").to_string();
                let uop = super::unary_op(name.trim_start_matches("daphne.")).expect("a fusible unary op");
                if uop == daphne_rt::UnaryOp::ABS && vt == Scalar::Signed(64) {
                    // |x| wrapping at the minimum, as a select (MLIR's math.absi does not
                    // reach the LLVM dialect here).
                    let ty = self.scalar_type(vt);
                    let zero = self.const_int(b, loc, 0, ty);
                    let neg = self.emit(b, "arith.subi", loc, &[zero, operands[0]], ty);
                    let lt = self.cmpi(b, loc, "slt", operands[0], zero);
                    return Ok(self.select(b, loc, lt, neg, operands[0]));
                }
                self.unary(m.op, b, loc, uop, operands[0], Some(Kind::Scalar(vt)), Some(Kind::Scalar(vt)))
            }
            Member::Agg(..) | Member::Transpose => Ok(operands[0]),
        }
    }
}

/// The aggregation that combines partial results.
fn combine_op(agg: Agg) -> AggOp {
    match agg {
        Agg::Sum | Agg::Mean => AggOp::SUM,
        Agg::Min => AggOp::MIN,
        Agg::Max => AggOp::MAX,
    }
}
