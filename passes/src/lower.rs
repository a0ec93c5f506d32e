//! Lowering of the `daphne` dialect to `func` / `scf` / `arith` / `math` / `llvm`.
//!
//! The pass re-emits the module (DESIGN.md, decision 4): every non-daphne operation is cloned
//! with its types converted (`!daphne.matrix<..>` and `!daphne.string` become `!llvm.ptr`,
//! `si64`/`ui64`/... become signless integers), every `daphne.*` operation is replaced by
//! scalar arithmetic or by calls into the runtime's C ABI (`daphne_*` in `daphne_rt::abi`).
//! Signedness, which MLIR's arith dialect does not carry, is read from the daphne-level types.
//! The script's `main` becomes `daphne_script_main`, wrapped by a C `main` that initialises
//! the runtime (with the scheduler options given at compile time) and finishes it.

use crate::fold::{AggAxis as Axis, agg_op, binary_op, unary_op};
use crate::scalar::Scalar;
use daphne_rt::{AggOp, BinaryOp, UnaryOp, ValueType as RtType};
use melior::{
    Context,
    ir::{
        Attribute, Block, BlockLike, BlockRef, Identifier, Location, Module, Operation, OperationRef,
        Region, RegionLike, RegionRef, Type, Value, ValueLike,
        attribute::{FlatSymbolRefAttribute, FloatAttribute, IntegerAttribute, StringAttribute, TypeAttribute},
        operation::{OperationBuilder, OperationLike},
        r#type::{FunctionType, IntegerType},
    },
};
use mlir_sys::MlirValue;
use std::collections::{BTreeMap, HashMap};

#[path = "lower_pipeline.rs"]
mod vec_pipeline;

mod ext;

/// Name the script's body gets in the lowered module; `main` becomes the C entry point.
pub const SCRIPT_MAIN: &str = "daphne_script_main";

/// A lowering failure: an operation this compiler cannot lower yet, with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct LowerError {
    /// The MLIR location of the offending op (`loc("file":line:col)`).
    pub location: String,
    /// What could not be lowered.
    pub message: String,
}

/// What the lowered program does besides running the script.
#[derive(Debug, Clone, Default)]
pub struct LowerOptions {
    /// Scheduler options compiled into the program (applied before `DAPHNE_SCHED_ARGS`).
    pub sched_defaults: String,
    /// `--statistics`: time every kernel call and print a table at the end.
    pub statistics: bool,
    /// Extension kernels from `--kernel-ext` catalogs (see [`crate::kernel_ext`]).
    pub kernels: crate::kernel_ext::KernelRegistry,
}

/// Lowers a verified daphne-dialect module into a new module of upstream dialects.
pub fn lower<'c>(context: &'c Context, src: &Module<'c>, options: &LowerOptions) -> Result<Module<'c>, LowerError> {
    let dst = Module::new(Location::unknown(context));
    let mut l = Lowerer {
        context,
        map: HashMap::new(),
        decls: BTreeMap::new(),
        strings: HashMap::new(),
        entry: None,
        module_body: dst.body().to_raw(),
        options: options.clone(),
        pipelines: Default::default(),
    };
    let mut op = src.body().first_operation();
    while let Some(o) = op {
        l.top_level(o)?;
        op = o.next_in_block();
    }
    l.finish(&options.sched_defaults);
    Ok(dst)
}

/// Identity of a source value in the value map.
fn key(v: MlirValue) -> usize {
    v.ptr as usize
}

fn val<'c, 'a>(raw: MlirValue) -> Value<'c, 'a> {
    // SAFETY: every raw value comes from the module being built, which outlives the lowering.
    unsafe { Value::from_raw(raw) }
}

/// How a scalar crosses the runtime ABI.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Carrier {
    I64,
    U64,
    F64,
    Str,
}

impl Carrier {
    fn suffix(self) -> &'static str {
        match self {
            Carrier::I64 => "i64",
            Carrier::U64 => "u64",
            Carrier::F64 => "f64",
            Carrier::Str => "str",
        }
    }
}

/// How scalars cross the runtime ABI: the carrier of each type (the value-type code is
/// [`Scalar::rt_type`]).
trait Abi {
    fn carrier(self) -> Carrier;
}

impl Abi for Scalar {
    fn carrier(self) -> Carrier {
        match self {
            Scalar::Bool | Scalar::Signed(_) => Carrier::I64,
            Scalar::Unsigned(_) | Scalar::Index => Carrier::U64,
            Scalar::Float(_) => Carrier::F64,
            Scalar::Str => Carrier::Str,
        }
    }
}

/// The daphne-level meaning of an MLIR type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Scalar(Scalar),
    Matrix(Scalar),
    Frame,
    /// A matrix on its way into a frame (`daphne.as_column`).
    Column,
    List(Scalar),
}


fn kind_of(ty: Type) -> Option<Kind> {
    let text = ty.to_string();
    if text == "!daphne.frame" {
        return Some(Kind::Frame);
    }
    if text == "!daphne.column" {
        return Some(Kind::Column);
    }
    if let Some(inner) = text.strip_prefix("!daphne.list<").and_then(|t| t.strip_suffix('>')) {
        return Scalar::parse(inner).map(Kind::List);
    }
    match text.strip_prefix("!daphne.matrix<").and_then(|t| t.strip_suffix('>')) {
        Some(inner) => Scalar::parse(inner).map(Kind::Matrix),
        None => Scalar::parse(&text).map(Kind::Scalar),
    }
}

struct Lowerer<'c> {
    context: &'c Context,
    /// Source value → lowered value.
    map: HashMap<usize, MlirValue>,
    /// Runtime functions used, with their signatures; declared at the end.
    decls: BTreeMap<String, (Vec<Type<'c>>, Vec<Type<'c>>)>,
    /// String literal → global symbol name.
    strings: HashMap<String, String>,
    /// The entry block of the function being lowered (for hoisted allocas).
    entry: Option<mlir_sys::MlirBlock>,
    module_body: mlir_sys::MlirBlock,
    options: LowerOptions,
    /// Vectorized pipelines already lowered (`lower_pipeline.rs`).
    pipelines: vec_pipeline::State,
}

type Res<T> = Result<T, LowerError>;

impl<'c> Lowerer<'c> {
    fn module_body<'a>(&self) -> BlockRef<'c, 'a> {
        // SAFETY: the destination module is alive during the lowering.
        unsafe { BlockRef::from_raw(self.module_body) }
    }

    fn i(&self, bits: u32) -> Type<'c> {
        IntegerType::new(self.context, bits).into()
    }

    fn ptr(&self) -> Type<'c> {
        Type::parse(self.context, "!llvm.ptr").expect("llvm.ptr")
    }

    fn f64t(&self) -> Type<'c> {
        Type::float64(self.context)
    }

    fn convert_type(&self, ty: Type<'c>) -> Type<'c> {
        match kind_of(ty) {
            Some(Kind::Matrix(_) | Kind::Frame | Kind::Column | Kind::List(_) | Kind::Scalar(Scalar::Str)) => self.ptr(),
            Some(Kind::Scalar(Scalar::Signed(b) | Scalar::Unsigned(b))) => self.i(b),
            _ => ty,
        }
    }

    fn get(&self, v: Value<'c, '_>) -> MlirValue {
        *self.map.get(&key(v.to_raw())).expect("operands are lowered before their uses")
    }

    fn err<T>(&self, op: OperationRef, message: impl Into<String>) -> Res<T> {
        Err(LowerError { location: op.location().to_string(), message: message.into() })
    }

    fn top_level(&mut self, op: OperationRef<'c, '_>) -> Res<()> {
        let name = op.name().as_string_ref().as_str().unwrap_or("").to_string();
        if name != "func.func" {
            return self.err(op, format!("unexpected top-level operation `{name}`"));
        }
        let block = self.module_body();
        self.clone_op(op, &block)
    }

    /// Appends `op` to `block` and returns its results.
    fn push(&self, block: &Block<'c>, op: Operation<'c>) -> Vec<MlirValue> {
        block.append_operation(op).results().map(|r| r.to_raw()).collect()
    }

    fn build(&self, name: &str, loc: Location<'c>, operands: &[MlirValue], results: &[Type<'c>]) -> Operation<'c> {
        let operands: Vec<Value> = operands.iter().map(|v| val(*v)).collect();
        OperationBuilder::new(name, loc)
            .add_operands(&operands)
            .add_results(results)
            .build()
            .unwrap_or_else(|e| panic!("building {name}: {e}"))
    }

    fn emit(&self, block: &Block<'c>, name: &str, loc: Location<'c>, operands: &[MlirValue], result: Type<'c>) -> MlirValue {
        self.push(block, self.build(name, loc, operands, &[result]))[0]
    }

    /// Clones a non-daphne op with converted types, lowering its regions recursively.
    fn clone_op(&mut self, op: OperationRef<'c, '_>, block: &Block<'c>) -> Res<()> {
        let name = op.name().as_string_ref().as_str().unwrap_or("").to_string();
        let is_func = name == "func.func";
        let mut attrs = Vec::new();
        for (id, attr) in op.attributes() {
            let key = id.as_string_ref().as_str().unwrap_or("").to_string();
            let attr = if key == "function_type" {
                let fty = FunctionType::try_from(TypeAttribute::try_from(attr).expect("type attr").value()).expect("function type");
                let ins: Vec<Type> = (0..fty.input_count()).map(|i| self.convert_type(fty.input(i).expect("input"))).collect();
                let outs: Vec<Type> = (0..fty.result_count()).map(|i| self.convert_type(fty.result(i).expect("result"))).collect();
                TypeAttribute::new(FunctionType::new(self.context, &ins, &outs).into()).into()
            } else if key == "sym_name" && is_func && daphne_dialect::string_attr_value(attr).as_deref() == Some("main") {
                StringAttribute::new(self.context, SCRIPT_MAIN).into()
            } else {
                attr
            };
            attrs.push((Identifier::new(self.context, &key), attr));
        }
        let mut regions = Vec::new();
        for i in 0..op.region_count() {
            let region = op.region(i).expect("region");
            let saved = self.entry;
            if is_func {
                self.entry = None;
            }
            regions.push(self.clone_region(region)?);
            self.entry = saved;
        }
        let operands: Vec<MlirValue> = op.operands().map(|v| self.get(v)).collect();
        let operands: Vec<Value> = operands.iter().map(|v| val(*v)).collect();
        let results: Vec<Type> = op.results().map(|r| self.convert_type(r.r#type())).collect();
        let new = OperationBuilder::new(&name, op.location())
            .add_operands(&operands)
            .add_results(&results)
            .add_attributes(&attrs)
            .add_regions_vec(regions)
            .build()
            .unwrap_or_else(|e| panic!("cloning {name}: {e}"));
        let new_results = self.push(block, new);
        for (old, new) in op.results().zip(new_results) {
            self.map.insert(key(old.to_raw()), new);
        }
        Ok(())
    }

    fn clone_region(&mut self, region: RegionRef<'c, '_>) -> Res<Region<'c>> {
        let new_region = Region::new();
        let mut block = region.first_block();
        while let Some(b) = block {
            let args: Vec<(Type, Location)> = (0..b.argument_count())
                .map(|i| {
                    let a = b.argument(i).expect("argument");
                    (self.convert_type(a.r#type()), Location::unknown(self.context))
                })
                .collect();
            let new_block = Block::new(&args);
            for i in 0..b.argument_count() {
                self.map.insert(key(b.argument(i).expect("arg").to_raw()), new_block.argument(i).expect("arg").to_raw());
            }
            let new_ref = new_region.append_block(new_block);
            if self.entry.is_none() {
                self.entry = Some(new_ref.to_raw());
            }
            let mut op = b.first_operation();
            while let Some(o) = op {
                self.lower_op(o, &new_ref)?;
                op = o.next_in_block();
            }
            block = b.next_in_region();
        }
        Ok(new_region)
    }

    fn lower_op(&mut self, op: OperationRef<'c, '_>, block: &Block<'c>) -> Res<()> {
        if self.vectorized(op, block)? {
            return Ok(());
        }
        let name = op.name().as_string_ref().as_str().unwrap_or("").to_string();
        if let Some(daphne_op) = name.strip_prefix("daphne.")
            && let Some(kernel) = self.external_kernel(op, daphne_op)?
        {
            return self.call_external(op, &kernel, block);
        }
        match name.strip_prefix("daphne.") {
            None => self.clone_op(op, block),
            Some(multi @ ("remove" | "eigen" | "recode" | "semi_join" | "group_join")) => {
                // Several results come back through out-pointers after the inputs.
                let loc = op.location();
                let operands: Vec<MlirValue> = op.operands().map(|v| self.get(v)).collect();
                let ptr = self.ptr();
                let slots = self.entry_alloca(loc, ptr, 2);
                let outs = [self.element_address(block, loc, slots, 0, ptr), self.element_address(block, loc, slots, 1, ptr)];
                let mut args = match multi {
                    "remove" => vec![operands[0], operands[1]],
                    "eigen" => vec![operands[0]],
                    "semi_join" | "group_join" => operands.clone(),
                    _ => {
                        let order = self.bool_arg(block, loc, operands[1]);
                        let codes = op.result(0).ok().and_then(|r| kind_of(r.r#type()));
                        let Some(Kind::Matrix(cs)) = codes else { return self.err(op, "malformed recode") };
                        vec![operands[0], order, self.i32c(block, loc, cs.rt_type() as i32)]
                    }
                };
                args.extend(outs);
                let f = match multi {
                    "remove" => "daphne_list_remove",
                    "eigen" => "daphne_eigen",
                    "semi_join" => "daphne_semi_join",
                    "group_join" => "daphne_group_join",
                    _ => "daphne_recode",
                };
                self.call(block, loc, f, &args, None);
                for (old, slot) in op.results().zip(outs) {
                    let v = self.emit(block, "llvm.load", loc, &[slot], ptr);
                    self.map.insert(key(old.to_raw()), v);
                }
                Ok(())
            }
            Some(daphne_op) => {
                let result = self.lower_daphne(daphne_op, op, block)?;
                if let (Some(r), Ok(old)) = (result, op.result(0)) {
                    self.map.insert(key(old.to_raw()), r);
                }
                Ok(())
            }
        }
    }

    /// Declares (once) and calls the runtime function `name`; with `--statistics`, kernel
    /// calls are timed per call site.
    fn call(&mut self, block: &Block<'c>, loc: Location<'c>, name: &str, args: &[MlirValue], ret: Option<Type<'c>>) -> Option<MlirValue> {
        const UNTIMED: [&str; 7] = ["daphne_stat_", "daphne_runtime_", "daphne_incref", "daphne_decref", "daphne_free_str", "daphne_fail", "daphne_stop"];
        let timed = self.options.statistics && name.starts_with("daphne_") && !UNTIMED.iter().any(|p| name.starts_with(p));
        let start = timed.then(|| self.call(block, loc, "daphne_stat_start", &[], Some(self.i(64))).expect("result"));
        let result = self.call_untimed(block, loc, name, args, ret);
        if let Some(start) = start {
            let kernel = self.string_literal(block, loc, name.trim_start_matches("daphne_"));
            let text = loc.to_string();
            let site = text.strip_prefix("loc(").and_then(|t| t.strip_suffix(')')).unwrap_or(&text).replace('"', "");
            let site = self.string_literal(block, loc, &site);
            self.call(block, loc, "daphne_stat_record", &[kernel, site, start], None);
        }
        result
    }

    fn call_untimed(&mut self, block: &Block<'c>, loc: Location<'c>, name: &str, args: &[MlirValue], ret: Option<Type<'c>>) -> Option<MlirValue> {
        let arg_types: Vec<Type> = args.iter().map(|a| val(*a).r#type()).collect();
        let rets: Vec<Type> = ret.into_iter().collect();
        self.decls.entry(name.to_string()).or_insert_with(|| (arg_types, rets.clone()));
        let operands: Vec<Value> = args.iter().map(|v| val(*v)).collect();
        let op = OperationBuilder::new("func.call", loc)
            .add_operands(&operands)
            .add_results(&rets)
            .add_attributes(&[(Identifier::new(self.context, "callee"), FlatSymbolRefAttribute::new(self.context, name).into())])
            .build()
            .expect("func.call");
        self.push(block, op).first().copied()
    }

    fn const_int(&self, block: &Block<'c>, loc: Location<'c>, v: i64, ty: Type<'c>) -> MlirValue {
        let op = OperationBuilder::new("arith.constant", loc)
            .add_attributes(&[(Identifier::new(self.context, "value"), IntegerAttribute::new(ty, v).into())])
            .add_results(&[ty])
            .build()
            .expect("arith.constant");
        self.push(block, op)[0]
    }

    fn const_float(&self, block: &Block<'c>, loc: Location<'c>, v: f64, ty: Type<'c>) -> MlirValue {
        let op = OperationBuilder::new("arith.constant", loc)
            .add_attributes(&[(Identifier::new(self.context, "value"), FloatAttribute::new(self.context, ty, v).into())])
            .add_results(&[ty])
            .build()
            .expect("arith.constant");
        self.push(block, op)[0]
    }

    fn i32c(&self, block: &Block<'c>, loc: Location<'c>, v: i32) -> MlirValue {
        self.const_int(block, loc, v as i64, self.i(32))
    }

    fn i64c(&self, block: &Block<'c>, loc: Location<'c>, v: i64) -> MlirValue {
        self.const_int(block, loc, v, self.i(64))
    }

    /// The lowered MLIR type of a daphne scalar.
    fn scalar_type(&self, s: Scalar) -> Type<'c> {
        match s {
            Scalar::Bool => self.i(1),
            Scalar::Signed(b) | Scalar::Unsigned(b) => self.i(b),
            Scalar::Index => Type::index(self.context),
            Scalar::Float(32) => Type::float32(self.context),
            Scalar::Float(_) => self.f64t(),
            Scalar::Str => self.ptr(),
        }
    }

    /// Converts a lowered scalar `v` of daphne type `from` to daphne type `to` (C++ casts).
    fn convert(&mut self, block: &Block<'c>, loc: Location<'c>, v: MlirValue, from: Scalar, to: Scalar) -> MlirValue {
        if from == to {
            return v;
        }
        let to_ty = self.scalar_type(to);
        let width = |s: Scalar| match s {
            Scalar::Bool => 1,
            Scalar::Signed(b) | Scalar::Unsigned(b) | Scalar::Float(b) => b,
            Scalar::Index => 64,
            Scalar::Str => 64,
        };
        let signed = matches!(from, Scalar::Signed(_));
        match (from, to) {
            (Scalar::Str, _) => {
                let as_carrier = match to.carrier() {
                    Carrier::F64 => self.call(block, loc, "daphne_str_to_f64", &[v], Some(self.f64t())).expect("result"),
                    _ => self.call(block, loc, "daphne_str_to_i64", &[v], Some(self.i(64))).expect("result"),
                };
                let carrier_scalar = if to.carrier() == Carrier::F64 { Scalar::Float(64) } else { Scalar::Signed(64) };
                self.convert(block, loc, as_carrier, carrier_scalar, to)
            }
            (_, Scalar::Str) => {
                let (carrier, c) = self.to_carrier(block, loc, v, from);
                let f = if from == Scalar::Bool { "daphne_bool_to_str".to_string() } else { format!("daphne_{}_to_str", carrier.suffix()) };
                self.call(block, loc, &f, &[c], Some(self.ptr())).expect("result")
            }
            (_, Scalar::Bool) => {
                if from.is_int() {
                    let zero = self.const_int(block, loc, 0, self.scalar_type(from));
                    self.cmpi(block, loc, "ne", v, zero)
                } else {
                    let zero = self.const_float(block, loc, 0.0, self.scalar_type(from));
                    self.cmpf(block, loc, "une", v, zero)
                }
            }
            (Scalar::Index, _) | (_, Scalar::Index) if from.is_int() && to.is_int() => {
                // index <-> integer: go through i64.
                if from == Scalar::Index {
                    let w = self.emit(block, "arith.index_cast", loc, &[v], self.i(64));
                    self.convert(block, loc, w, Scalar::Unsigned(64), to)
                } else {
                    let w = self.convert(block, loc, v, from, Scalar::Unsigned(64));
                    self.emit(block, "arith.index_castui", loc, &[w], to_ty)
                }
            }
            (Scalar::Index, Scalar::Float(_)) => {
                let w = self.emit(block, "arith.index_cast", loc, &[v], self.i(64));
                self.convert(block, loc, w, Scalar::Unsigned(64), to)
            }
            (Scalar::Float(_), Scalar::Index) => {
                let w = self.convert(block, loc, v, from, Scalar::Unsigned(64));
                self.emit(block, "arith.index_castui", loc, &[w], to_ty)
            }
            (Scalar::Float(a), Scalar::Float(b)) => {
                let name = if a < b { "arith.extf" } else { "arith.truncf" };
                self.emit(block, name, loc, &[v], to_ty)
            }
            (Scalar::Float(_), Scalar::Signed(bits)) => {
                // C++ on x86-64 (cvttsd2si): NaN and out-of-range values give the minimum
                // integer; LLVM's fptosi would give poison.
                let f = self.scalar_type(from);
                let limit = self.const_float(block, loc, 2f64.powi(bits as i32 - 1), f);
                let neg_limit = self.const_float(block, loc, -(2f64.powi(bits as i32 - 1)), f);
                let too_big = self.cmpf(block, loc, "oge", v, limit);
                let too_small = self.cmpf(block, loc, "olt", v, neg_limit);
                let nan = self.cmpf(block, loc, "uno", v, v);
                let out = self.emit(block, "arith.ori", loc, &[too_big, too_small], self.i(1));
                let out = self.emit(block, "arith.ori", loc, &[out, nan], self.i(1));
                let safe = self.select(block, loc, out, neg_limit, v);
                let converted = self.emit(block, "arith.fptosi", loc, &[safe], to_ty);
                let min = self.const_int(block, loc, i64::MIN >> (64 - bits), to_ty);
                self.select(block, loc, out, min, converted)
            }
            (Scalar::Float(_), _) => self.emit(block, "arith.fptoui", loc, &[v], to_ty),
            (_, Scalar::Float(_)) => {
                let name = if signed { "arith.sitofp" } else { "arith.uitofp" };
                self.emit(block, name, loc, &[v], to_ty)
            }
            _ => {
                let (fw, tw) = (width(from), width(to));
                if fw == tw {
                    v
                } else if fw > tw {
                    self.emit(block, "arith.trunci", loc, &[v], to_ty)
                } else {
                    let name = if signed { "arith.extsi" } else { "arith.extui" };
                    self.emit(block, name, loc, &[v], to_ty)
                }
            }
        }
    }

    /// Widens a scalar to its ABI carrier (i64, u64 as i64 bits, f64, or a string pointer).
    fn to_carrier(&mut self, block: &Block<'c>, loc: Location<'c>, v: MlirValue, s: Scalar) -> (Carrier, MlirValue) {
        let c = s.carrier();
        let target = match c {
            Carrier::I64 => Scalar::Signed(64),
            Carrier::U64 => Scalar::Unsigned(64),
            Carrier::F64 => Scalar::Float(64),
            Carrier::Str => Scalar::Str,
        };
        (c, self.convert(block, loc, v, s, target))
    }

    /// Narrows a carrier value returned by the runtime to the daphne scalar `s`.
    fn from_carrier(&mut self, block: &Block<'c>, loc: Location<'c>, v: MlirValue, s: Scalar) -> MlirValue {
        let from = match s.carrier() {
            Carrier::I64 => Scalar::Signed(64),
            Carrier::U64 => Scalar::Unsigned(64),
            Carrier::F64 => Scalar::Float(64),
            Carrier::Str => Scalar::Str,
        };
        self.convert(block, loc, v, from, s)
    }

    fn carrier_type(&self, c: Carrier) -> Type<'c> {
        match c {
            Carrier::I64 | Carrier::U64 => self.i(64),
            Carrier::F64 => self.f64t(),
            Carrier::Str => self.ptr(),
        }
    }

    fn cmpi(&self, block: &Block<'c>, loc: Location<'c>, pred: &str, a: MlirValue, b: MlirValue) -> MlirValue {
        let p = match pred {
            "eq" => 0,
            "ne" => 1,
            "slt" => 2,
            "sle" => 3,
            "sgt" => 4,
            "sge" => 5,
            "ult" => 6,
            "ule" => 7,
            "ugt" => 8,
            _ => 9, // uge
        };
        self.cmp(block, loc, "arith.cmpi", p, a, b)
    }

    fn cmpf(&self, block: &Block<'c>, loc: Location<'c>, pred: &str, a: MlirValue, b: MlirValue) -> MlirValue {
        let p = match pred {
            "oeq" => 1,
            "ogt" => 2,
            "oge" => 3,
            "olt" => 4,
            "ole" => 5,
            "uno" => 14,
            _ => 13, // une
        };
        self.cmp(block, loc, "arith.cmpf", p, a, b)
    }

    fn cmp(&self, block: &Block<'c>, loc: Location<'c>, name: &str, pred: i64, a: MlirValue, b: MlirValue) -> MlirValue {
        let op = OperationBuilder::new(name, loc)
            .add_operands(&[val(a), val(b)])
            .add_attributes(&[(Identifier::new(self.context, "predicate"), IntegerAttribute::new(self.i(64), pred).into())])
            .add_results(&[self.i(1)])
            .build()
            .expect("cmp");
        self.push(block, op)[0]
    }

    fn select(&self, block: &Block<'c>, loc: Location<'c>, c: MlirValue, a: MlirValue, b: MlirValue) -> MlirValue {
        let ty = val(a).r#type();
        self.emit(block, "arith.select", loc, &[c, a, b], ty)
    }

    /// A pointer to a NUL-terminated global copy of `s`.
    fn string_literal(&mut self, block: &Block<'c>, loc: Location<'c>, s: &str) -> MlirValue {
        let sym = match self.strings.get(s) {
            Some(sym) => sym.clone(),
            None => {
                let sym = format!("daphne_str_{}", self.strings.len());
                self.strings.insert(s.to_string(), sym.clone());
                let bytes = format!("{s}\0");
                let array = Type::parse(self.context, &format!("!llvm.array<{} x i8>", bytes.len())).expect("array type");
                let global = OperationBuilder::new("llvm.mlir.global", loc)
                    .add_attributes(&[
                        (Identifier::new(self.context, "sym_name"), StringAttribute::new(self.context, &sym).into()),
                        (Identifier::new(self.context, "global_type"), TypeAttribute::new(array).into()),
                        (Identifier::new(self.context, "value"), StringAttribute::new(self.context, &bytes).into()),
                        (Identifier::new(self.context, "linkage"), Attribute::parse(self.context, "#llvm.linkage<internal>").expect("linkage")),
                        (Identifier::new(self.context, "constant"), Attribute::unit(self.context)),
                    ])
                    .add_regions([Region::new()])
                    .build()
                    .expect("llvm.mlir.global");
                self.module_body().append_operation(global);
                sym
            }
        };
        let op = OperationBuilder::new("llvm.mlir.addressof", loc)
            .add_attributes(&[(Identifier::new(self.context, "global_name"), FlatSymbolRefAttribute::new(self.context, &sym).into())])
            .add_results(&[self.ptr()])
            .build()
            .expect("llvm.mlir.addressof");
        self.push(block, op)[0]
    }

    /// Stops the program with a runtime error when `cond` (i1) holds.
    fn fail_if(&mut self, block: &Block<'c>, loc: Location<'c>, cond: MlirValue, message: &str) {
        let then_block = Block::new(&[]);
        let msg = self.string_literal(&then_block, loc, message);
        self.call(&then_block, loc, "daphne_fail", &[msg], None);
        then_block.append_operation(self.build("scf.yield", loc, &[], &[]));
        let else_block = Block::new(&[]);
        else_block.append_operation(self.build("scf.yield", loc, &[], &[]));
        let (t, e) = (Region::new(), Region::new());
        t.append_block(then_block);
        e.append_block(else_block);
        let op = OperationBuilder::new("scf.if", loc).add_operands(&[val(cond)]).add_regions([t, e]).build().expect("scf.if");
        block.append_operation(op);
    }

    fn lower_daphne(&mut self, name: &str, op: OperationRef<'c, '_>, block: &Block<'c>) -> Res<Option<MlirValue>> {
        let loc = op.location();
        let operands: Vec<MlirValue> = op.operands().map(|v| self.get(v)).collect();
        let kinds: Vec<Option<Kind>> = op.operands().map(|v| kind_of(v.r#type())).collect();
        let result = op.result(0).ok().map(|r| r.r#type());
        let result_kind = result.and_then(kind_of);
        let ptr = self.ptr();
        let i64t = self.i(64);
        let vt_code = |k: Option<Kind>| match k {
            Some(Kind::Matrix(s) | Kind::Scalar(s) | Kind::List(s)) => s.rt_type() as i32,
            Some(Kind::Frame | Kind::Column) | None => RtType::F64 as i32,
        };
        let res_vt = vt_code(result_kind);

        if name == "ew_concat" {
            let (Some(Kind::Scalar(la)), Some(Kind::Scalar(lb))) = (kinds[0], kinds[1]) else {
                return self.err(op, "concatenation of string matrices is not supported yet");
            };
            let sa = self.convert(block, loc, operands[0], la, Scalar::Str);
            let sb = self.convert(block, loc, operands[1], lb, Scalar::Str);
            return Ok(self.call(block, loc, "daphne_str_concat", &[sa, sb], Some(ptr)));
        }
        if let Some(bop) = name.strip_prefix("outer_").and_then(|o| binary_op(&format!("ew_{o}"))) {
            let (code, vt) = (self.i32c(block, loc, bop as i32), self.i32c(block, loc, res_vt));
            return Ok(self.call(block, loc, "daphne_outer", &[code, vt, operands[0], operands[1]], Some(ptr)));
        }
        if let Some(bop) = binary_op(name) {
            return self.binary(op, block, loc, bop, &operands, &kinds, result_kind).map(Some);
        }
        if let Some(uop) = unary_op(name) {
            return self.unary(op, block, loc, uop, operands[0], kinds[0], result_kind).map(Some);
        }
        if let Some((agg, axis)) = agg_op(name) {
            let m = operands[0];
            let op_code = self.i32c(block, loc, agg as i32);
            return Ok(Some(match (axis, result_kind) {
                (Axis::All, Some(Kind::Scalar(s))) => {
                    let c = s.carrier();
                    let f = format!("daphne_agg_all_{}", c.suffix());
                    let r = self.call(block, loc, &f, &[op_code, m], Some(self.carrier_type(c))).expect("result");
                    self.from_carrier(block, loc, r, s)
                }
                (Axis::Row, _) | (Axis::Col, _) => {
                    let vt = self.i32c(block, loc, res_vt);
                    let f = if axis == Axis::Row { "daphne_agg_row" } else { "daphne_agg_col" };
                    self.call(block, loc, f, &[op_code, vt, m], Some(ptr)).expect("result")
                }
                _ => return self.err(op, "malformed aggregation"),
            }));
        }
        let value = match name {
            "constant" => {
                let attr = op.attribute("value").expect("constant value");
                let ty = result.expect("constant type");
                match kind_of(ty) {
                    Some(Kind::Scalar(Scalar::Str)) => {
                        let s = daphne_dialect::string_attr_value(attr).expect("string constant");
                        self.string_literal(block, loc, &s)
                    }
                    Some(Kind::Scalar(Scalar::Float(_))) => {
                        let f = FloatAttribute::try_from(attr).expect("float constant").value();
                        self.const_float(block, loc, f, ty)
                    }
                    Some(Kind::Scalar(s)) => {
                        let v = IntegerAttribute::try_from(attr).expect("integer constant").value();
                        self.const_int(block, loc, v, self.scalar_type(s))
                    }
                    _ => return self.err(op, "constant of unsupported type"),
                }
            }
            "matrix_constant" => {
                let Some(Kind::Matrix(s)) = result_kind else { return self.err(op, "malformed matrix literal") };
                let rows = IntegerAttribute::try_from(op.attribute("num_rows").expect("rows")).expect("int").value();
                let cols = IntegerAttribute::try_from(op.attribute("num_cols").expect("cols")).expect("int").value();
                let elem_ty = match s {
                    Scalar::Bool => self.i(8),
                    other => self.scalar_type(other),
                };
                let buf = self.entry_alloca(loc, elem_ty, operands.len().max(1) as i64);
                for (k, v) in operands.iter().enumerate() {
                    let v = if s == Scalar::Bool { self.emit(block, "arith.extui", loc, &[*v], self.i(8)) } else { *v };
                    let p = self.element_address(block, loc, buf, k, elem_ty);
                    block.append_operation(self.build("llvm.store", loc, &[v, p], &[]));
                }
                let (vt, r, c) = (self.i32c(block, loc, res_vt), self.i64c(block, loc, rows), self.i64c(block, loc, cols));
                self.call(block, loc, "daphne_matrix_from_buffer", &[vt, r, c, buf], Some(ptr)).expect("result")
            }
            "fill" => {
                let Some(Kind::Scalar(s)) = kinds[0] else { return self.err(op, "fill needs a scalar") };
                let (c, v) = self.to_carrier(block, loc, operands[0], s);
                let rows = self.index_to_i64(block, loc, operands[1]);
                let cols = self.index_to_i64(block, loc, operands[2]);
                if c == Carrier::Str {
                    self.call(block, loc, "daphne_fill_str", &[v, rows, cols], Some(ptr)).expect("result")
                } else {
                    let vt = self.i32c(block, loc, res_vt);
                    self.call(block, loc, &format!("daphne_fill_{}", c.suffix()), &[vt, v, rows, cols], Some(ptr)).expect("result")
                }
            }
            "seq" => {
                let Some(Kind::Matrix(s)) = result_kind else { return self.err(op, "malformed seq") };
                let mut args = vec![self.i32c(block, loc, res_vt)];
                let mut carrier = Carrier::I64;
                for (v, k) in operands.iter().zip(&kinds) {
                    let Some(Kind::Scalar(from)) = k else { return self.err(op, "seq needs scalars") };
                    let converted = self.convert(block, loc, *v, *from, s);
                    let (c, w) = self.to_carrier(block, loc, converted, s);
                    carrier = c;
                    args.push(w);
                }
                if carrier == Carrier::Str {
                    return self.err(op, "seq needs numbers");
                }
                self.call(block, loc, &format!("daphne_seq_{}", carrier.suffix()), &args, Some(ptr)).expect("result")
            }
            "to_csr" => self.call(block, loc, "daphne_to_csr", &operands, Some(ptr)).expect("result"),
            "rand_matrix" | "rand_csr" => {
                let Some(Kind::Scalar(s)) = kinds[2] else { return self.err(op, "rand needs scalar bounds") };
                let rows = self.index_to_i64(block, loc, operands[0]);
                let cols = self.index_to_i64(block, loc, operands[1]);
                let (c, min) = self.to_carrier(block, loc, operands[2], s);
                let (_, max) = self.to_carrier(block, loc, operands[3], s);
                let vt = self.i32c(block, loc, res_vt);
                let f = if name == "rand_csr" { format!("daphne_rand_csr_{}", c.suffix()) } else { format!("daphne_rand_{}", c.suffix()) };
                self.call(block, loc, &f, &[vt, rows, cols, min, max, operands[4], operands[5]], Some(ptr)).expect("result")
            }
            "num_rows" | "num_cols" | "num_cells" => {
                let m = operands[0];
                let n = match name {
                    "num_rows" => self.call(block, loc, "daphne_nrow", &[m], Some(i64t)).expect("result"),
                    "num_cols" => self.call(block, loc, "daphne_ncol", &[m], Some(i64t)).expect("result"),
                    _ => {
                        let r = self.call(block, loc, "daphne_nrow", &[m], Some(i64t)).expect("result");
                        let c = self.call(block, loc, "daphne_ncol", &[m], Some(i64t)).expect("result");
                        self.emit(block, "arith.muli", loc, &[r, c], i64t)
                    }
                };
                self.emit(block, "arith.index_castui", loc, &[n], Type::index(self.context))
            }
            "reshape" => {
                let rows = self.index_to_i64(block, loc, operands[1]);
                let cols = self.index_to_i64(block, loc, operands[2]);
                self.call(block, loc, "daphne_reshape", &[operands[0], rows, cols], Some(ptr)).expect("result")
            }
            "transpose" => self.call(block, loc, "daphne_transpose", &[operands[0]], Some(ptr)).expect("result"),
            // Indexing: operands pass through unchanged (bounds are si64, lowered to i64).
            "extract_col" if kinds[1] == Some(Kind::Scalar(Scalar::Str)) => {
                self.call(block, loc, "daphne_frame_column_by_label", &operands, Some(ptr)).expect("result")
            }
            "slice_row" | "slice_col" if kinds[0] == Some(Kind::Frame) => {
                let f = if name == "slice_row" { "daphne_frame_slice_rows" } else { "daphne_frame_slice_cols" };
                self.call(block, loc, f, &operands, Some(ptr)).expect("result")
            }
            "col_bind" | "row_bind" if kinds[0] == Some(Kind::Frame) => {
                let f = if name == "col_bind" { "daphne_frame_cbind" } else { "daphne_frame_rbind" };
                self.call(block, loc, f, &operands, Some(ptr)).expect("result")
            }
            "slice_row" | "slice_col" | "extract_row" | "extract_col" | "filter_row" | "filter_col" | "insert" => {
                let f = match name {
                    "slice_row" => "daphne_slice_rows",
                    "slice_col" => "daphne_slice_cols",
                    "extract_row" => "daphne_extract_rows",
                    "extract_col" => "daphne_extract_cols",
                    "filter_row" => "daphne_filter_rows",
                    "filter_col" => "daphne_filter_cols",
                    _ => "daphne_insert",
                };
                self.call(block, loc, f, &operands, Some(ptr)).expect("result")
            }
            "mat_mul" => {
                // The transpose flags canonicalization folded in (absent: false).
                let (ta, tb) = crate::canonicalize::transpose_flags(crate::ir::Op::of(&op));
                let (ta, tb) = (self.i32c(block, loc, ta as i32), self.i32c(block, loc, tb as i32));
                let vt = self.i32c(block, loc, res_vt);
                self.call(block, loc, "daphne_matmul", &[operands[0], operands[1], ta, tb, vt], Some(ptr)).expect("result")
            }
            "col_bind" | "row_bind" => {
                let f = if name == "col_bind" { "daphne_cbind" } else { "daphne_rbind" };
                let vt = self.i32c(block, loc, res_vt);
                self.call(block, loc, f, &[operands[0], operands[1], vt], Some(ptr)).expect("result")
            }
            "cond" => {
                // Scalar branches become 1x1 matrices, which the kernel broadcasts.
                let Some(Kind::Matrix(rs)) = result_kind else { return self.err(op, "malformed conditional") };
                let mut args = vec![operands[0]];
                for (v, k) in operands[1..].iter().zip(&kinds[1..]) {
                    args.push(match k {
                        Some(Kind::Scalar(s)) => self.scalar_to_matrix(block, loc, *v, *s, rs),
                        _ => *v,
                    });
                }
                let vt = self.i32c(block, loc, res_vt);
                args.push(vt);
                let r = self.call(block, loc, "daphne_cond", &args, Some(ptr)).expect("result");
                // The 1x1 matrices made for scalar branches are temporaries of this op.
                for (v, k) in args[1..3].iter().zip(&kinds[1..]) {
                    if matches!(k, Some(Kind::Scalar(_))) {
                        self.call(block, loc, "daphne_decref", &[*v], None);
                    }
                }
                r
            }
            "cast" => match (kinds[0], result_kind) {
                (Some(Kind::Scalar(from)), Some(Kind::Scalar(to))) => self.convert(block, loc, operands[0], from, to),
                (Some(Kind::Matrix(_)), Some(Kind::Matrix(_))) => {
                    let vt = self.i32c(block, loc, res_vt);
                    self.call(block, loc, "daphne_cast_matrix", &[operands[0], vt], Some(ptr)).expect("result")
                }
                (Some(Kind::Matrix(_)), Some(Kind::Scalar(to))) => {
                    // as.scalar: the kernel checks that the matrix is 1x1.
                    let c = to.carrier();
                    let f = format!("daphne_as_scalar_{}", c.suffix());
                    let v = self.call(block, loc, &f, &[operands[0]], Some(self.carrier_type(c))).expect("result");
                    self.from_carrier(block, loc, v, to)
                }
                (Some(Kind::Scalar(from)), Some(Kind::Matrix(to))) => self.scalar_to_matrix(block, loc, operands[0], from, to),
                (Some(Kind::Matrix(_)), Some(Kind::Frame)) => self.call(block, loc, "daphne_matrix_to_frame", &[operands[0]], Some(ptr)).expect("result"),
                (Some(Kind::Frame), Some(Kind::Matrix(_))) => {
                    let vt = self.i32c(block, loc, res_vt);
                    self.call(block, loc, "daphne_frame_to_matrix", &[operands[0], vt], Some(ptr)).expect("result")
                }
                _ => return self.err(op, "unsupported cast"),
            },
            "print" => {
                let newline = self.bool_arg(block, loc, operands[1]);
                let err = self.bool_arg(block, loc, operands[2]);
                match kinds[0] {
                    Some(Kind::Matrix(_) | Kind::Frame | Kind::List(_)) => {
                        self.call(block, loc, "daphne_print_matrix", &[operands[0], newline, err], None);
                    }
                    Some(Kind::Scalar(s)) => {
                        let (c, v) = self.to_carrier(block, loc, operands[0], s);
                        self.call(block, loc, &format!("daphne_print_{}", c.suffix()), &[v, newline, err], None);
                    }
                    Some(Kind::Column) | None => return self.err(op, "cannot print a value of this type"),
                }
                return Ok(None);
            }
            "stop" => {
                self.call(block, loc, "daphne_stop", &[operands[0]], None);
                return Ok(None);
            }
            // A column is the matrix itself at run time.
            "as_column" => operands[0],
            "create_frame" => {
                let n_cols = kinds.iter().take_while(|k| !matches!(k, Some(Kind::Scalar(Scalar::Str)))).count();
                let (cols, labels) = operands.split_at(n_cols);
                let (n, columns) = self.pointer_array(block, loc, cols);
                let labels = if labels.is_empty() { self.emit(block, "llvm.mlir.zero", loc, &[], ptr) } else { self.pointer_array(block, loc, labels).1 };
                self.call(block, loc, "daphne_create_frame", &[columns, labels, n], Some(ptr)).expect("result")
            }
            "set_col_labels" => {
                let (n, labels) = self.pointer_array(block, loc, &operands[1..]);
                self.call(block, loc, "daphne_set_col_labels", &[operands[0], labels, n], Some(ptr)).expect("result")
            }
            "set_col_labels_prefix" => self.call(block, loc, "daphne_set_col_labels_prefix", &operands, Some(ptr)).expect("result"),
            "create_list" => {
                let (n, elements) = self.pointer_array(block, loc, &operands);
                let vt = self.i32c(block, loc, res_vt);
                self.call(block, loc, "daphne_create_list", &[elements, n, vt], Some(ptr)).expect("result")
            }
            "length" => {
                let n = self.call(block, loc, "daphne_list_length", &operands, Some(i64t)).expect("result");
                self.emit(block, "arith.index_castui", loc, &[n], Type::index(self.context))
            }
            "append" => self.call(block, loc, "daphne_list_append", &operands, Some(ptr)).expect("result"),
            "now" => self.call(block, loc, "daphne_now", &[], Some(i64t)).expect("result"),
            "reverse" | "diag_matrix" | "diag_vector" | "solve" | "one_hot" | "write" => {
                let f = match name {
                    "reverse" => "daphne_reverse",
                    "diag_matrix" => "daphne_diag_matrix",
                    "diag_vector" => "daphne_diag_vector",
                    "solve" => "daphne_solve",
                    "one_hot" => "daphne_one_hot",
                    _ => "daphne_write",
                };
                let result = self.call(block, loc, f, &operands, (name != "write").then_some(ptr));
                match result {
                    Some(v) => v,
                    None => return Ok(None),
                }
            }
            "type_of" => self.call(block, loc, "daphne_type_of", &operands, Some(ptr)).expect("result"),
            "cartesian" => self.call(block, loc, "daphne_cartesian", &operands, Some(ptr)).expect("result"),
            "inner_join" => self.call(block, loc, "daphne_inner_join", &operands, Some(ptr)).expect("result"),
            "group_sum" => {
                let (groups, sum) = operands[1..].split_at(operands.len() - 2);
                let (n, cols) = self.pointer_array(block, loc, groups);
                self.call(block, loc, "daphne_group_sum", &[operands[0], cols, n, sum[0]], Some(ptr)).expect("result")
            }
            "sparsity" => self.call(block, loc, "daphne_sparsity", &operands, Some(self.f64t())).expect("result"),
            "is_symmetric" => self.call(block, loc, "daphne_is_symmetric", &operands, Some(self.i(1))).expect("result"),
            "tri" => {
                let flags: Vec<MlirValue> = operands[1..].iter().map(|b| self.bool_arg(block, loc, *b)).collect();
                self.call(block, loc, "daphne_tri", &[operands[0], flags[0], flags[1], flags[2]], Some(ptr)).expect("result")
            }
            "replace" => {
                let Some(Kind::Matrix(s)) = kinds[0] else { return self.err(op, "replace needs a matrix") };
                let (c, p) = self.to_carrier(block, loc, operands[1], s);
                let (_, r) = self.to_carrier(block, loc, operands[2], s);
                self.call(block, loc, &format!("daphne_replace_{}", c.suffix()), &[operands[0], p, r], Some(ptr)).expect("result")
            }
            "cum_sum" | "cum_prod" | "cum_min" | "cum_max" => {
                let agg = match name {
                    "cum_sum" => AggOp::SUM,
                    "cum_prod" => AggOp::PROD,
                    "cum_min" => AggOp::MIN,
                    _ => AggOp::MAX,
                };
                let (code, vt) = (self.i32c(block, loc, agg as i32), self.i32c(block, loc, res_vt));
                self.call(block, loc, "daphne_agg_cum", &[code, vt, operands[0]], Some(ptr)).expect("result")
            }
            "quantize" => self.call(block, loc, "daphne_quantize", &operands, Some(ptr)).expect("result"),
            "ctable" => {
                let Some(Kind::Scalar(ws)) = kinds[2] else { return self.err(op, "malformed ctable") };
                let (c, w) = self.to_carrier(block, loc, operands[2], ws);
                let vt = self.i32c(block, loc, res_vt);
                let f = format!("daphne_ctable_{}", c.suffix());
                self.call(block, loc, &f, &[operands[0], operands[1], w, vt, operands[3], operands[4]], Some(ptr)).expect("result")
            }
            "bin" => {
                let bounded = self.bool_arg(block, loc, operands[4]);
                let vt = self.i32c(block, loc, res_vt);
                self.call(block, loc, "daphne_bin", &[operands[0], operands[1], operands[2], operands[3], bounded, vt], Some(ptr)).expect("result")
            }
            "sample" => {
                let Some(Kind::Scalar(rs)) = kinds[0] else { return self.err(op, "malformed sample") };
                let (c, range) = self.to_carrier(block, loc, operands[0], rs);
                let replace = self.bool_arg(block, loc, operands[2]);
                let vt = self.i32c(block, loc, res_vt);
                let f = format!("daphne_sample_{}", c.suffix());
                self.call(block, loc, &f, &[vt, range, operands[1], replace, operands[3]], Some(ptr)).expect("result")
            }
            "ew_upper" | "ew_lower" => {
                let f = match (name, kinds[0]) {
                    ("ew_upper", Some(Kind::Scalar(_))) => "daphne_str_upper",
                    ("ew_lower", Some(Kind::Scalar(_))) => "daphne_str_lower",
                    ("ew_upper", _) => "daphne_upper_matrix",
                    _ => "daphne_lower_matrix",
                };
                self.call(block, loc, f, &operands, Some(ptr)).expect("result")
            }
            "read" => {
                let f = if result_kind == Some(Kind::Frame) { "daphne_read_frame" } else { "daphne_read_matrix" };
                self.call(block, loc, f, &operands, Some(ptr)).expect("result")
            }
            "order" => {
                let k = (operands.len() - 2) / 2;
                let cols = self.entry_alloca(loc, i64t, k.max(1) as i64);
                let ascs = self.entry_alloca(loc, self.i(8), k.max(1) as i64);
                for j in 0..k {
                    let c = self.element_address(block, loc, cols, j, i64t);
                    block.append_operation(self.build("llvm.store", loc, &[operands[1 + j], c], &[]));
                    let a = self.element_address(block, loc, ascs, j, self.i(8));
                    let byte = self.emit(block, "arith.extui", loc, &[operands[1 + k + j]], self.i(8));
                    block.append_operation(self.build("llvm.store", loc, &[byte, a], &[]));
                }
                let count = self.i64c(block, loc, k as i64);
                let indexes = self.bool_arg(block, loc, operands[2 * k + 1]);
                self.call(block, loc, "daphne_order", &[operands[0], cols, ascs, count, indexes], Some(ptr)).expect("result")
            }
            "map" => {
                let (Some(Kind::Matrix(es)), Some(Kind::Matrix(rs))) = (kinds[0], result_kind) else { return self.err(op, "malformed map") };
                if es.carrier() != rs.carrier() || self.scalar_type(es) != self.carrier_type(es.carrier()) || self.scalar_type(rs) != self.carrier_type(rs.carrier()) {
                    return self.err(op, "map supports functions from f64, si64, ui64 or str to the same type");
                }
                let symbol = op.attribute("udf").expect("udf attribute");
                let ct = self.carrier_type(es.carrier());
                let fty = FunctionType::new(self.context, &[ct], &[ct]);
                let f = OperationBuilder::new("func.constant", loc)
                    .add_attributes(&[(Identifier::new(self.context, "value"), symbol)])
                    .add_results(&[fty.into()])
                    .build()
                    .expect("func.constant");
                let f = self.push(block, f)[0];
                let vt = self.i32c(block, loc, res_vt);
                self.call(block, loc, &format!("daphne_map_{}", es.carrier().suffix()), &[operands[0], f, vt], Some(ptr)).expect("result")
            }
            // Physical operators and reference counting (passes/src/phy_select.rs, refcount.rs).
            "syrk" => {
                let outer = self.i32c(block, loc, crate::phy_select::is_outer(crate::ir::Op::of(&op)) as i32);
                let vt = self.i32c(block, loc, res_vt);
                self.call(block, loc, "daphne_syrk", &[operands[0], outer, vt], Some(ptr)).expect("result")
            }
            "gemv" => {
                let vt = self.i32c(block, loc, res_vt);
                self.call(block, loc, "daphne_gemv", &[operands[0], operands[1], vt], Some(ptr)).expect("result")
            }
            "incref" | "decref" => {
                self.call(block, loc, &format!("daphne_{name}"), &[operands[0]], None);
                return Ok(None);
            }
            other => return self.err(op, format!("the operation `daphne.{other}` cannot be lowered yet")),
        };
        Ok(Some(value))
    }

    /// A C `bool` argument (the ABI's `zeroext i1`) from an i1 value: zero-extended to 32 bits.
    fn bool_arg(&self, block: &Block<'c>, loc: Location<'c>, v: MlirValue) -> MlirValue {
        self.emit(block, "arith.extui", loc, &[v], self.i(32))
    }

    /// A stack array holding the pointers `values`; returns its length (i64) and address.
    fn pointer_array(&mut self, block: &Block<'c>, loc: Location<'c>, values: &[MlirValue]) -> (MlirValue, MlirValue) {
        let ptr = self.ptr();
        let buf = self.entry_alloca(loc, ptr, values.len().max(1) as i64);
        for (k, v) in values.iter().enumerate() {
            let p = self.element_address(block, loc, buf, k, ptr);
            block.append_operation(self.build("llvm.store", loc, &[*v, p], &[]));
        }
        (self.i64c(block, loc, values.len() as i64), buf)
    }

    /// The address of cell `idx` (i64) of the array of `elem` at `base`.
    fn cell_address(&self, block: &Block<'c>, loc: Location<'c>, base: MlirValue, idx: MlirValue, elem: Type<'c>) -> MlirValue {
        let gep = OperationBuilder::new("llvm.getelementptr", loc)
            .add_operands(&[val(base), val(idx)])
            .add_attributes(&[
                (Identifier::new(self.context, "rawConstantIndices"), Attribute::parse(self.context, "array<i32: -2147483648>").expect("indices")),
                (Identifier::new(self.context, "elem_type"), TypeAttribute::new(elem).into()),
            ])
            .add_results(&[self.ptr()])
            .build()
            .expect("gep");
        self.push(block, gep)[0]
    }

    /// The address of element `k` of the array of `elem` at `base`.
    fn element_address(&self, block: &Block<'c>, loc: Location<'c>, base: MlirValue, k: usize, elem: Type<'c>) -> MlirValue {
        let idx = self.i64c(block, loc, k as i64);
        self.cell_address(block, loc, base, idx, elem)
    }

    /// A 1x1 matrix of value type `to` holding the scalar `v` of type `from`.
    fn scalar_to_matrix(&mut self, block: &Block<'c>, loc: Location<'c>, v: MlirValue, from: Scalar, to: Scalar) -> MlirValue {
        let (c, v) = self.to_carrier(block, loc, v, from);
        let one = self.i64c(block, loc, 1);
        let ptr = self.ptr();
        if c == Carrier::Str {
            self.call(block, loc, "daphne_fill_str", &[v, one, one], Some(ptr)).expect("result")
        } else {
            let vt = self.i32c(block, loc, to.rt_type() as i32);
            self.call(block, loc, &format!("daphne_fill_{}", c.suffix()), &[vt, v, one, one], Some(ptr)).expect("result")
        }
    }

    fn index_to_i64(&self, block: &Block<'c>, loc: Location<'c>, v: MlirValue) -> MlirValue {
        self.emit(block, "arith.index_cast", loc, &[v], self.i(64))
    }

    /// An `llvm.alloca` of `n` elements placed at the start of the function's entry block, so
    /// that literals inside loops do not grow the stack.
    fn entry_alloca(&self, loc: Location<'c>, elem: Type<'c>, n: i64) -> MlirValue {
        // SAFETY: the entry block belongs to the function being built.
        let entry = unsafe { BlockRef::from_raw(self.entry.expect("inside a function")) };
        let count = OperationBuilder::new("arith.constant", loc)
            .add_attributes(&[(Identifier::new(self.context, "value"), IntegerAttribute::new(self.i(64), n).into())])
            .add_results(&[self.i(64)])
            .build()
            .expect("constant");
        let count = entry.insert_operation(0, count).result(0).expect("result").to_raw();
        let alloca = OperationBuilder::new("llvm.alloca", loc)
            .add_operands(&[val(count)])
            .add_attributes(&[(Identifier::new(self.context, "elem_type"), TypeAttribute::new(elem).into())])
            .add_results(&[self.ptr()])
            .build()
            .expect("alloca");
        entry.insert_operation(1, alloca).result(0).expect("result").to_raw()
    }

    #[allow(clippy::too_many_arguments)]
    fn binary(
        &mut self,
        op: OperationRef<'c, '_>,
        block: &Block<'c>,
        loc: Location<'c>,
        bop: BinaryOp,
        operands: &[MlirValue],
        kinds: &[Option<Kind>],
        result: Option<Kind>,
    ) -> Res<MlirValue> {
        let ptr = self.ptr();
        let (a, b) = (operands[0], operands[1]);
        match (kinds[0], kinds[1], result) {
            (Some(Kind::Scalar(la)), Some(Kind::Scalar(lb)), Some(Kind::Scalar(r))) => self.scalar_binary(op, block, loc, bop, (a, la), (b, lb), r),
            (Some(ka), Some(kb), Some(Kind::Matrix(r))) => {
                let code = self.i32c(block, loc, bop as i32);
                let vt = self.i32c(block, loc, r.rt_type() as i32);
                match (ka, kb) {
                    (Kind::Matrix(_), Kind::Matrix(_)) => Ok(self.call(block, loc, "daphne_ew_binary_mm", &[code, vt, a, b], Some(ptr)).expect("result")),
                    (Kind::Matrix(_), Kind::Scalar(s)) => {
                        let (c, v) = self.to_carrier(block, loc, b, s);
                        let f = format!("daphne_ew_binary_ms_{}", c.suffix());
                        Ok(self.call(block, loc, &f, &[code, vt, a, v], Some(ptr)).expect("result"))
                    }
                    (Kind::Scalar(s), Kind::Matrix(_)) => {
                        let (c, v) = self.to_carrier(block, loc, a, s);
                        let f = format!("daphne_ew_binary_sm_{}", c.suffix());
                        Ok(self.call(block, loc, &f, &[code, vt, v, b], Some(ptr)).expect("result"))
                    }
                    _ => self.err(op, "malformed element-wise operation"),
                }
            }
            _ => self.err(op, "malformed element-wise operation"),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn scalar_binary(
        &mut self,
        op: OperationRef<'c, '_>,
        block: &Block<'c>,
        loc: Location<'c>,
        bop: BinaryOp,
        (a, la): (MlirValue, Scalar),
        (b, lb): (MlirValue, Scalar),
        result: Scalar,
    ) -> Res<MlirValue> {
        use BinaryOp as B;
        if matches!(bop, B::AND | B::OR) {
            let ta = self.convert(block, loc, a, la, Scalar::Bool);
            let tb = self.convert(block, loc, b, lb, Scalar::Bool);
            let name = if bop == B::AND { "arith.andi" } else { "arith.ori" };
            let r = self.emit(block, name, loc, &[ta, tb], self.i(1));
            return Ok(self.convert(block, loc, r, Scalar::Bool, result));
        }
        let is_cmp = matches!(bop, B::EQ | B::NE | B::LT | B::LE | B::GT | B::GE);
        // Comparisons compute in the most general operand type; everything else in the result
        // type, except that bool arithmetic is done on integers and converted back (C++:
        // `true + true` is 2, which is `true`).
        let ct = match (is_cmp, result) {
            (true, _) => Scalar::promote(la, lb),
            (false, Scalar::Bool) => Scalar::Signed(64),
            (false, r) => r,
        };
        if ct == Scalar::Str {
            if !is_cmp {
                return self.err(op, "this operator is not defined for strings");
            }
            let sa = self.convert(block, loc, a, la, Scalar::Str);
            let sb = self.convert(block, loc, b, lb, Scalar::Str);
            let code = self.i32c(block, loc, bop as i32);
            let r = self.call(block, loc, "daphne_str_compare", &[code, sa, sb], Some(self.i(64))).expect("result");
            return Ok(self.convert(block, loc, r, Scalar::Signed(64), result));
        }
        let x = self.convert(block, loc, a, la, ct);
        let y = self.convert(block, loc, b, lb, ct);
        let ty = self.scalar_type(ct);
        let float = matches!(ct, Scalar::Float(_));
        // bool compares as 0 < 1 (unsigned): i1's signed reading would make `true` -1.
        let signed = matches!(ct, Scalar::Signed(_));
        if is_cmp {
            let c = if float {
                let p = match bop {
                    B::EQ => "oeq",
                    B::NE => "une",
                    B::LT => "olt",
                    B::LE => "ole",
                    B::GT => "ogt",
                    _ => "oge",
                };
                self.cmpf(block, loc, p, x, y)
            } else {
                let p = match (bop, signed) {
                    (B::EQ, _) => "eq",
                    (B::NE, _) => "ne",
                    (B::LT, true) => "slt",
                    (B::LE, true) => "sle",
                    (B::GT, true) => "sgt",
                    (B::GE, true) => "sge",
                    (B::LT, false) => "ult",
                    (B::LE, false) => "ule",
                    (B::GT, false) => "ugt",
                    _ => "uge",
                };
                self.cmpi(block, loc, p, x, y)
            };
            return Ok(self.convert(block, loc, c, Scalar::Bool, result));
        }
        let v = match bop {
            B::ADD | B::SUB | B::MUL => {
                let base = match bop {
                    B::ADD => "add",
                    B::SUB => "sub",
                    _ => "mul",
                };
                let name = format!("arith.{base}{}", if float { "f" } else { "i" });
                self.emit(block, &name, loc, &[x, y], ty)
            }
            B::DIV | B::MOD => {
                if !float {
                    let zero = self.const_int(block, loc, 0, ty);
                    let is_zero = self.cmpi(block, loc, "eq", y, zero);
                    self.fail_if(block, loc, is_zero, "division by zero");
                }
                let name = match (bop, float, signed) {
                    (B::DIV, true, _) => "arith.divf",
                    (B::DIV, false, true) => "arith.divsi",
                    (B::DIV, false, false) => "arith.divui",
                    (_, true, _) => "arith.remf",
                    (_, false, true) => "arith.remsi",
                    _ => "arith.remui",
                };
                if signed {
                    // MIN / -1 overflows (undefined in LLVM): x / -1 is -x (wrapping, as C++
                    // gives after its promotion for narrow types) and x % -1 is 0.
                    let minus_one = self.const_int(block, loc, -1, ty);
                    let is_minus_one = self.cmpi(block, loc, "eq", y, minus_one);
                    let one = self.const_int(block, loc, 1, ty);
                    let safe_y = self.select(block, loc, is_minus_one, one, y);
                    let q = self.emit(block, name, loc, &[x, safe_y], ty);
                    let zero = self.const_int(block, loc, 0, ty);
                    let special = if bop == B::DIV { self.emit(block, "arith.subi", loc, &[zero, x], ty) } else { zero };
                    self.select(block, loc, is_minus_one, special, q)
                } else {
                    self.emit(block, name, loc, &[x, y], ty)
                }
            }
            B::POW => {
                let f = Scalar::Float(64);
                let (fx, fy) = (self.convert(block, loc, x, ct, f), self.convert(block, loc, y, ct, f));
                let p = self.emit(block, "math.powf", loc, &[fx, fy], self.f64t());
                self.convert(block, loc, p, f, ct)
            }
            B::LOG => {
                let lx = self.emit(block, "math.log", loc, &[x], ty);
                let ly = self.emit(block, "math.log", loc, &[y], ty);
                self.emit(block, "arith.divf", loc, &[lx, ly], ty)
            }
            B::MIN | B::MAX => {
                // std::min(a, b) = (b < a) ? b : a; std::max(a, b) = (a < b) ? b : a.
                let (l, r) = if bop == B::MIN { (y, x) } else { (x, y) };
                let lt = if float {
                    self.cmpf(block, loc, "olt", l, r)
                } else {
                    self.cmpi(block, loc, if signed { "slt" } else { "ult" }, l, r)
                };
                self.select(block, loc, lt, y, x)
            }
            _ => return self.err(op, "unsupported scalar operation"),
        };
        Ok(self.convert(block, loc, v, ct, result))
    }

    #[allow(clippy::too_many_arguments)]
    fn unary(
        &mut self,
        op: OperationRef<'c, '_>,
        block: &Block<'c>,
        loc: Location<'c>,
        uop: UnaryOp,
        arg: MlirValue,
        kind: Option<Kind>,
        result: Option<Kind>,
    ) -> Res<MlirValue> {
        use UnaryOp as U;
        match (kind, result) {
            (Some(Kind::Matrix(_)), Some(Kind::Matrix(r))) => {
                let code = self.i32c(block, loc, uop as i32);
                let vt = self.i32c(block, loc, r.rt_type() as i32);
                Ok(self.call(block, loc, "daphne_ew_unary", &[code, vt, arg], Some(self.ptr())).expect("result"))
            }
            (Some(Kind::Scalar(s)), Some(Kind::Scalar(r))) => {
                let x = self.convert(block, loc, arg, s, r);
                let ty = self.scalar_type(r);
                let float = matches!(r, Scalar::Float(_));
                let math = |name: &str| format!("math.{name}");
                Ok(match uop {
                    U::MINUS if float => self.emit(block, "arith.negf", loc, &[x], ty),
                    U::MINUS => {
                        let zero = self.const_int(block, loc, 0, ty);
                        self.emit(block, "arith.subi", loc, &[zero, x], ty)
                    }
                    U::ABS if float => self.emit(block, "math.absf", loc, &[x], ty),
                    U::ABS if matches!(r, Scalar::Signed(_)) => self.emit(block, "math.absi", loc, &[x], ty),
                    U::ABS | U::ROUND | U::FLOOR | U::CEIL if !float => x,
                    U::ROUND => self.emit(block, "math.round", loc, &[x], ty),
                    U::FLOOR => self.emit(block, "math.floor", loc, &[x], ty),
                    U::CEIL => self.emit(block, "math.ceil", loc, &[x], ty),
                    U::SIGN => {
                        // (x > 0) - (x < 0), NaN stays NaN for floats.
                        let (gt, lt) = if float {
                            let zero = self.const_float(block, loc, 0.0, ty);
                            (self.cmpf(block, loc, "ogt", x, zero), self.cmpf(block, loc, "olt", x, zero))
                        } else {
                            let zero = self.const_int(block, loc, 0, ty);
                            let signed = matches!(r, Scalar::Signed(_));
                            (self.cmpi(block, loc, if signed { "sgt" } else { "ugt" }, x, zero), self.cmpi(block, loc, if signed { "slt" } else { "ult" }, x, zero))
                        };
                        let g = self.convert(block, loc, gt, Scalar::Bool, r);
                        let l = self.convert(block, loc, lt, Scalar::Bool, r);
                        let name = if float { "arith.subf" } else { "arith.subi" };
                        let d = self.emit(block, name, loc, &[g, l], ty);
                        if float {
                            let nan = self.cmpf(block, loc, "uno", x, x);
                            self.select(block, loc, nan, x, d)
                        } else {
                            d
                        }
                    }
                    U::ISNAN => {
                        let n = if float { self.cmpf(block, loc, "uno", x, x) } else { self.const_int(block, loc, 0, self.i(1)) };
                        self.convert(block, loc, n, Scalar::Bool, r)
                    }
                    _ if !float => return self.err(op, "a floating-point function needs a floating-point result type"),
                    U::SQRT => self.emit(block, &math("sqrt"), loc, &[x], ty),
                    U::EXP => self.emit(block, &math("exp"), loc, &[x], ty),
                    U::LN => self.emit(block, &math("log"), loc, &[x], ty),
                    U::SIN => self.emit(block, &math("sin"), loc, &[x], ty),
                    U::COS => self.emit(block, &math("cos"), loc, &[x], ty),
                    U::TAN => self.emit(block, &math("tan"), loc, &[x], ty),
                    U::ASIN => self.emit(block, &math("asin"), loc, &[x], ty),
                    U::ACOS => self.emit(block, &math("acos"), loc, &[x], ty),
                    U::ATAN => self.emit(block, &math("atan"), loc, &[x], ty),
                    U::SINH => self.emit(block, &math("sinh"), loc, &[x], ty),
                    U::COSH => self.emit(block, &math("cosh"), loc, &[x], ty),
                    U::TANH => self.emit(block, &math("tanh"), loc, &[x], ty),
                    _ => return self.err(op, "unsupported unary operation"),
                })
            }
            _ => self.err(op, "malformed unary operation"),
        }
    }

    /// Declares the runtime functions and adds the C `main` wrapper, which initialises the
    /// runtime with the scheduler options `sched_defaults`, runs the script and finishes.
    fn finish(&mut self, sched_defaults: &str) {
        let loc = Location::unknown(self.context);
        let entry = Block::new(&[]);
        let defaults = self.string_literal(&entry, loc, sched_defaults);
        self.call_untimed(&entry, loc, "daphne_runtime_init_with", &[defaults], None);
        for callee in [SCRIPT_MAIN, "daphne_runtime_finish"] {
            self.call_untimed(&entry, loc, callee, &[], None);
        }
        let zero = self.const_int(&entry, loc, 0, self.i(32));
        entry.append_operation(self.build("func.return", loc, &[zero], &[]));
        let body = self.module_body();
        for (name, (ins, outs)) in &self.decls {
            if name == SCRIPT_MAIN {
                continue;
            }
            let fty = FunctionType::new(self.context, ins, outs);
            let decl = OperationBuilder::new("func.func", loc)
                .add_attributes(&[
                    (Identifier::new(self.context, "sym_name"), StringAttribute::new(self.context, name).into()),
                    (Identifier::new(self.context, "function_type"), TypeAttribute::new(fty.into()).into()),
                    (Identifier::new(self.context, "sym_visibility"), StringAttribute::new(self.context, "private").into()),
                ])
                .add_regions([Region::new()])
                .build()
                .expect("declaration");
            body.append_operation(decl);
        }
        let region = Region::new();
        region.append_block(entry);
        let fty = FunctionType::new(self.context, &[], &[self.i(32)]);
        let main = OperationBuilder::new("func.func", loc)
            .add_attributes(&[
                (Identifier::new(self.context, "sym_name"), StringAttribute::new(self.context, "main").into()),
                (Identifier::new(self.context, "function_type"), TypeAttribute::new(fty.into()).into()),
            ])
            .add_regions([region])
            .build()
            .expect("main");
        body.append_operation(main);
    }
}
