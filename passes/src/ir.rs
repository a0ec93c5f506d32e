//! A small, copyable view of the IR for the in-place passes: operations ([`Op`]), values
//! ([`Val`]) and blocks ([`Blk`]) as raw MLIR handles with the queries and edits the passes
//! need (uses, replacement, erasure, insertion), which melior's borrow-scoped references make
//! awkward to keep in maps and work lists.
//!
//! Handles compare and hash by identity. **Invariant** (what makes every `unsafe` here
//! sound): a handle comes from the module being transformed, which outlives the pass, and a
//! pass never touches a handle again after erasing its operation (or its block's parent).

use crate::scalar::Kind;
use melior::{
    Context,
    ir::{
        Attribute, AttributeLike, Location, Module, Operation, OperationRef, Type, Value,
        ValueLike,
        attribute::{FloatAttribute, IntegerAttribute, StringAttribute},
        operation::{OperationBuilder, OperationLike},
    },
};
use mlir_sys::{MlirBlock, MlirOperation, MlirValue};
use std::hash::{Hash, Hasher};

/// A borrowed string reference; `s` must outlive the call that reads it.
fn sref(s: &str) -> mlir_sys::MlirStringRef {
    mlir_sys::MlirStringRef { data: s.as_ptr() as *const _, length: s.len() }
}

/// An operation.
#[derive(Clone, Copy, Debug)]
pub struct Op(pub MlirOperation);

/// An SSA value (an operation result or a block argument).
#[derive(Clone, Copy, Debug)]
pub struct Val(pub MlirValue);

/// A block.
#[derive(Clone, Copy, Debug)]
pub struct Blk(pub MlirBlock);

macro_rules! identity {
    ($t:ident) => {
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.0.ptr == other.0.ptr
            }
        }
        impl Eq for $t {}
        impl Hash for $t {
            fn hash<H: Hasher>(&self, state: &mut H) {
                (self.0.ptr as usize).hash(state)
            }
        }
    };
}
identity!(Op);
identity!(Val);
identity!(Blk);

impl Op {
    /// The handle of a melior operation.
    pub fn of<'c: 'a, 'a>(op: &impl OperationLike<'c, 'a>) -> Op {
        Op(op.to_raw())
    }

    /// melior's reference to this operation.
    pub fn get<'c, 'a>(self) -> OperationRef<'c, 'a> {
        // SAFETY: see the module invariant.
        unsafe { OperationRef::from_raw(self.0) }
    }

    /// The full name (`daphne.ew_add`, `scf.if`).
    pub fn name(self) -> String {
        self.get().name().as_string_ref().as_str().unwrap_or("").to_string()
    }

    /// The name without `daphne.` for daphne ops, `None` for others.
    pub fn daphne(self) -> Option<String> {
        self.name().strip_prefix("daphne.").map(str::to_string)
    }

    /// The operands.
    pub fn operands(self) -> Vec<Val> {
        self.get().operands().map(|v| Val(v.to_raw())).collect()
    }

    /// Operand `i` (panics if out of range: callers check the op's arity first).
    pub fn operand(self, i: usize) -> Val {
        Val(self.get().operand(i).expect("operand index in range").to_raw())
    }

    /// The number of operands.
    pub fn operand_count(self) -> usize {
        self.get().operand_count()
    }

    /// The results.
    pub fn results(self) -> Vec<Val> {
        self.get().results().map(|v| Val(v.to_raw())).collect()
    }

    /// Result `i`.
    pub fn result(self, i: usize) -> Val {
        Val(self.get().result(i).expect("result index in range").to_raw())
    }

    /// The number of results.
    pub fn result_count(self) -> usize {
        self.get().result_count()
    }

    /// The blocks of each region, in order.
    pub fn regions(self) -> Vec<Vec<Blk>> {
        // SAFETY: see the module invariant; region and block queries on a live op.
        unsafe {
            (0..mlir_sys::mlirOperationGetNumRegions(self.0))
                .map(|i| {
                    let region = mlir_sys::mlirOperationGetRegion(self.0, i);
                    let mut blocks = Vec::new();
                    let mut b = mlir_sys::mlirRegionGetFirstBlock(region);
                    while !b.ptr.is_null() {
                        blocks.push(Blk(b));
                        b = mlir_sys::mlirBlockGetNextInRegion(b);
                    }
                    blocks
                })
                .collect()
        }
    }

    /// True if the op has regions.
    pub fn has_regions(self) -> bool {
        self.get().region_count() > 0
    }

    /// The block holding this op.
    pub fn block(self) -> Option<Blk> {
        // SAFETY: see the module invariant.
        let b = unsafe { mlir_sys::mlirOperationGetBlock(self.0) };
        (!b.ptr.is_null()).then_some(Blk(b))
    }

    /// The op whose region holds this op.
    pub fn parent(self) -> Option<Op> {
        // SAFETY: see the module invariant.
        let p = unsafe { mlir_sys::mlirOperationGetParentOperation(self.0) };
        (!p.ptr.is_null()).then_some(Op(p))
    }

    /// The next op in the same block.
    pub fn next(self) -> Option<Op> {
        // SAFETY: see the module invariant.
        let n = unsafe { mlir_sys::mlirOperationGetNextInBlock(self.0) };
        (!n.ptr.is_null()).then_some(Op(n))
    }

    /// True if `self` comes before `other` in their common block.
    pub fn is_before(self, other: Op) -> bool {
        // SAFETY: see the module invariant; both ops are in the same block.
        unsafe { mlir_sys::mlirOperationIsBeforeInBlock(self.0, other.0) }
    }

    /// The attribute `name`, inherent or discardable.
    pub fn attr<'c>(self, name: &str) -> Option<Attribute<'c>> {
        // SAFETY: see the module invariant.
        let a = unsafe { mlir_sys::mlirOperationGetAttributeByName(self.0, sref(name)) };
        // SAFETY: a non-null attribute of a live op.
        (!a.ptr.is_null()).then(|| unsafe { Attribute::from_raw(a) })
    }

    /// Sets a discardable attribute (`daphne.rows`, ...).
    pub fn set_attr(self, name: &str, attr: Attribute) {
        // SAFETY: see the module invariant.
        unsafe { mlir_sys::mlirOperationSetDiscardableAttributeByName(self.0, sref(name), attr.to_raw()) }
    }

    /// Removes a discardable attribute if present.
    pub fn remove_attr(self, name: &str) {
        // SAFETY: see the module invariant.
        unsafe {
            mlir_sys::mlirOperationRemoveDiscardableAttributeByName(self.0, sref(name));
        }
    }

    /// The location.
    pub fn location<'c>(self) -> Location<'c> {
        // SAFETY: see the module invariant.
        unsafe { Location::from_raw(mlir_sys::mlirOperationGetLocation(self.0)) }
    }

    /// Erases the op (it must have no used results). The handle is dead afterwards.
    pub fn erase(self) {
        // SAFETY: see the module invariant; `mlirOperationDestroy` removes the op from its
        // block before destroying it.
        unsafe { mlir_sys::mlirOperationDestroy(self.0) }
    }

    /// Replaces every use of each result with the matching value of `with`, then erases the op.
    pub fn replace_with(self, with: &[Val]) {
        for (r, w) in self.results().into_iter().zip(with) {
            r.replace_all_uses_with(*w);
        }
        self.erase();
    }

    /// Inserts `op` right before `self`; returns it.
    pub fn insert_before(self, op: Operation) -> Op {
        let block = self.block().expect("op in a block");
        let raw = op.into_raw();
        // SAFETY: see the module invariant; ownership of `op` moves to the block.
        unsafe { mlir_sys::mlirBlockInsertOwnedOperationBefore(block.0, self.0, raw) };
        Op(raw)
    }

    /// Inserts `op` right after `self`; returns it.
    pub fn insert_after(self, op: Operation) -> Op {
        let block = self.block().expect("op in a block");
        let raw = op.into_raw();
        // SAFETY: see the module invariant; ownership of `op` moves to the block.
        unsafe { mlir_sys::mlirBlockInsertOwnedOperationAfter(block.0, self.0, raw) };
        Op(raw)
    }

    /// True if the op is a block terminator (`scf.yield`, `scf.condition`, `func.return`).
    pub fn is_terminator(self) -> bool {
        matches!(self.name().as_str(), "scf.yield" | "scf.condition" | "func.return")
    }
}

impl Val {
    /// The handle of a melior value.
    pub fn of<'c, 'a>(v: impl ValueLike<'c> + 'a) -> Val {
        Val(v.to_raw())
    }

    /// melior's value.
    pub fn get<'c, 'a>(self) -> Value<'c, 'a> {
        // SAFETY: see the module invariant.
        unsafe { Value::from_raw(self.0) }
    }

    /// The type.
    pub fn ty<'c>(self) -> Type<'c> {
        self.get().r#type()
    }

    /// The daphne-level kind of the type.
    pub fn kind(self) -> Option<Kind> {
        Kind::of(self.ty())
    }

    /// True for `!daphne.matrix<..>` values (runtime objects).
    pub fn is_matrix(self) -> bool {
        self.kind().is_some_and(Kind::is_matrix)
    }

    /// True for reference-counted runtime objects (matrices, frames, lists).
    pub fn is_object(self) -> bool {
        crate::scalar::is_object(self.ty())
    }

    /// The op defining this value, `None` for block arguments.
    pub fn def(self) -> Option<Op> {
        // SAFETY: see the module invariant.
        unsafe {
            mlir_sys::mlirValueIsAOpResult(self.0).then(|| Op(mlir_sys::mlirOpResultGetOwner(self.0)))
        }
    }

    /// The result number of an op result (0 for block arguments).
    pub fn result_number(self) -> usize {
        // SAFETY: see the module invariant.
        unsafe {
            if mlir_sys::mlirValueIsAOpResult(self.0) { mlir_sys::mlirOpResultGetResultNumber(self.0) as usize } else { 0 }
        }
    }

    /// The block owning a block argument, or holding the defining op.
    pub fn block(self) -> Option<Blk> {
        match self.def() {
            Some(op) => op.block(),
            // SAFETY: see the module invariant; the value is a block argument.
            None => Some(Blk(unsafe { mlir_sys::mlirBlockArgumentGetOwner(self.0) })),
        }
    }

    /// Every use: the using op and the operand index, in no particular order.
    pub fn uses(self) -> Vec<(Op, usize)> {
        let mut out = Vec::new();
        // SAFETY: see the module invariant; walking the use list of a live value.
        unsafe {
            let mut u = mlir_sys::mlirValueGetFirstUse(self.0);
            while !mlir_sys::mlirOpOperandIsNull(u) {
                out.push((Op(mlir_sys::mlirOpOperandGetOwner(u)), mlir_sys::mlirOpOperandGetOperandNumber(u) as usize));
                u = mlir_sys::mlirOpOperandGetNextUse(u);
            }
        }
        out
    }

    /// True if the value has at least one use.
    pub fn has_uses(self) -> bool {
        // SAFETY: see the module invariant.
        unsafe { !mlir_sys::mlirOpOperandIsNull(mlir_sys::mlirValueGetFirstUse(self.0)) }
    }

    /// Makes every use of `self` use `with` instead.
    pub fn replace_all_uses_with(self, with: Val) {
        // SAFETY: see the module invariant.
        unsafe { mlir_sys::mlirValueReplaceAllUsesOfWith(self.0, with.0) }
    }
}

impl Blk {
    /// The ops of the block, in order.
    pub fn ops(self) -> Vec<Op> {
        let mut out = Vec::new();
        // SAFETY: see the module invariant.
        unsafe {
            let mut o = mlir_sys::mlirBlockGetFirstOperation(self.0);
            while !o.ptr.is_null() {
                out.push(Op(o));
                o = mlir_sys::mlirOperationGetNextInBlock(o);
            }
        }
        out
    }

    /// The block arguments.
    pub fn args(self) -> Vec<Val> {
        // SAFETY: see the module invariant.
        unsafe { (0..mlir_sys::mlirBlockGetNumArguments(self.0)).map(|i| Val(mlir_sys::mlirBlockGetArgument(self.0, i))).collect() }
    }

    /// The op owning the block's region.
    pub fn parent(self) -> Option<Op> {
        // SAFETY: see the module invariant.
        let p = unsafe { mlir_sys::mlirBlockGetParentOperation(self.0) };
        (!p.ptr.is_null()).then_some(Op(p))
    }

    /// The first op, if any.
    pub fn first(self) -> Option<Op> {
        // SAFETY: see the module invariant.
        let o = unsafe { mlir_sys::mlirBlockGetFirstOperation(self.0) };
        (!o.ptr.is_null()).then_some(Op(o))
    }

    /// Inserts `op` at the start of the block; returns it.
    pub fn insert_first(self, op: Operation) -> Op {
        let raw = op.into_raw();
        // SAFETY: see the module invariant; ownership of `op` moves to the block.
        unsafe { mlir_sys::mlirBlockInsertOwnedOperation(self.0, 0, raw) };
        Op(raw)
    }

    /// The terminator (the last op), if the block has one.
    pub fn terminator(self) -> Option<Op> {
        self.ops().last().copied().filter(|o| o.is_terminator())
    }
}

/// The block of the module's body.
pub fn module_body(module: &Module) -> Blk {
    Blk(melior::ir::BlockLike::to_raw(&module.body()))
}

/// Every op of the module (top-level functions included), parents before children.
pub fn all_ops(module: &Module) -> Vec<Op> {
    let mut out = Vec::new();
    for op in module_body(module).ops() {
        collect(op, &mut out);
    }
    out
}

fn collect(op: Op, out: &mut Vec<Op>) {
    out.push(op);
    for region in op.regions() {
        for block in region {
            for o in block.ops() {
                collect(o, out);
            }
        }
    }
}

/// Every op nested in `op`'s regions, parents before children (not `op` itself).
pub fn nested_ops(op: Op) -> Vec<Op> {
    let mut out = Vec::new();
    for region in op.regions() {
        for block in region {
            for o in block.ops() {
                collect(o, &mut out);
            }
        }
    }
    out
}

/// The ancestor of `op` (or `op` itself) that lies directly in `block`, if any.
pub fn ancestor_in(block: Blk, op: Op) -> Option<Op> {
    let mut cur = op;
    loop {
        if cur.block() == Some(block) {
            return Some(cur);
        }
        cur = cur.parent()?;
    }
}

/// Builds an op from parts.
pub fn build<'c>(name: &str, loc: Location<'c>, operands: &[Val], results: &[Type<'c>], attrs: &[(&str, Attribute<'c>)]) -> Operation<'c> {
    let context = loc.context();
    // SAFETY: the location's context is alive while the pass runs.
    let context: &Context = unsafe { context.to_ref() };
    let operands: Vec<Value> = operands.iter().map(|v| v.get()).collect();
    let attrs: Vec<_> = attrs.iter().map(|(n, a)| (melior::ir::Identifier::new(context, n), *a)).collect();
    OperationBuilder::new(name, loc)
        .add_operands(&operands)
        .add_results(results)
        .add_attributes(&attrs)
        .build()
        .unwrap_or_else(|e| panic!("building {name}: {e}"))
}

/// The constant a value holds, if it is defined by a constant op.
pub fn constant_of(v: Val) -> Option<crate::fold::Lit> {
    let op = v.def()?;
    if !matches!(op.name().as_str(), "daphne.constant" | "arith.constant") {
        return None;
    }
    let attr = op.attr("value")?;
    let kind = v.kind()?;
    let crate::scalar::Kind::Scalar(s) = kind else { return None };
    use crate::fold::Lit;
    use crate::scalar::Scalar;
    Some(match s {
        Scalar::Str => Lit::Str(daphne_dialect::string_attr_value(attr)?),
        Scalar::Float(_) => Lit::Float(FloatAttribute::try_from(attr).ok()?.value()),
        _ => {
            // SAFETY: a type query on a live attribute.
            if !unsafe { mlir_sys::mlirAttributeIsAInteger(attr.to_raw()) } {
                return None;
            }
            // SAFETY: an integer attribute, read with the accessor for its signedness.
            let v = unsafe {
                match s {
                    Scalar::Signed(_) => mlir_sys::mlirIntegerAttrGetValueSInt(attr.to_raw()) as i128,
                    Scalar::Bool => (mlir_sys::mlirIntegerAttrGetValueInt(attr.to_raw()) & 1) as i128,
                    Scalar::Index => mlir_sys::mlirIntegerAttrGetValueInt(attr.to_raw()) as u64 as i128,
                    _ => mlir_sys::mlirIntegerAttrGetValueUInt(attr.to_raw()) as i128,
                }
            };
            Lit::Int(crate::fold::wrap(v, s))
        }
    })
}

/// A `daphne.constant` of type `ty` holding `lit`.
pub fn constant_op<'c>(loc: Location<'c>, ty: Type<'c>, lit: &crate::fold::Lit) -> Operation<'c> {
    let context = loc.context();
    // SAFETY: the location's context is alive while the pass runs.
    let context: &'c Context = unsafe { context.to_ref() };
    use crate::fold::Lit;
    let attr: Attribute = match lit {
        Lit::Int(v) => IntegerAttribute::new(ty, *v as i64).into(),
        Lit::Float(f) => FloatAttribute::new(context, ty, *f).into(),
        Lit::Str(s) => StringAttribute::new(context, s).into(),
    };
    build("daphne.constant", loc, &[], &[ty], &[("value", attr)])
}

/// The integer value of a constant of any integer type, as i64 (index and unsigned values
/// above `i64::MAX` are `None`).
pub fn const_i64(v: Val) -> Option<i64> {
    match constant_of(v)? {
        crate::fold::Lit::Int(i) => i64::try_from(i).ok(),
        _ => None,
    }
}

/// Whether `ty` prints as `text`.
pub fn type_is(ty: Type, text: &str) -> bool {
    ty.to_string() == text
}
