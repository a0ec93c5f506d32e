//! Calls of extension kernels (docs/kernel-abi.md): which kernel a daphne op uses (its hint,
//! else the highest-priority applicable catalog kernel above the built-ins), and the call
//! itself, bracketed by the runtime's `daphne_ext_*` helpers.

use super::{Lowerer, Res, key};
use crate::kernel_ext::{ExternalKernel, builtin_kernel_name, builtin_type_name, catalog_type_name, mnemonic, value_type_code};
use crate::scalar::{Kind, Scalar};
use melior::ir::{OperationRef, Type, ValueLike, operation::OperationLike};
use melior::ir::Block;
use mlir_sys::MlirValue;

/// How DAPHNE's built-in kernel names spell an MLIR type.
fn type_name(ty: Type) -> String {
    match Kind::of(ty) {
        Some(Kind::Scalar(Scalar::Str)) => "char".into(),
        Some(Kind::Matrix(Scalar::Str)) => "DenseMatrix_std_string".into(),
        Some(k) => builtin_type_name(k),
        None if ty.to_string() == "!daphne.frame" => "Frame".into(),
        None => ty.to_string(),
    }
}

impl<'c> Lowerer<'c> {
    /// The extension kernel that implements `op` (the daphne op `op_name`), or `None` for the
    /// built-in one. A kernel hint must name the op's built-in kernel or a registered kernel
    /// of the op with exactly its types; anything else is an error listing the candidates.
    pub(super) fn external_kernel(&self, op: OperationRef<'c, '_>, op_name: &str) -> Res<Option<ExternalKernel>> {
        let mnemonic = mnemonic(op_name);
        let args: Option<Vec<Kind>> = op.operands().map(|v| Kind::of(v.r#type())).collect();
        let results: Option<Vec<Kind>> = op.results().map(|r| Kind::of(r.r#type())).collect();
        let registry = &self.options.kernels;
        let Some(hint) = op.attribute("kernel_hint").ok().and_then(daphne_dialect::string_attr_value) else {
            return Ok(match (args, results) {
                (Some(a), Some(r)) => registry.select(&mnemonic, &a, &r).cloned(),
                _ => None,
            });
        };
        let here = || {
            let name = |ty: Type| Kind::of(ty).map_or_else(|| ty.to_string(), catalog_type_name);
            let names = |ts: Vec<String>| ts.join(", ");
            format!(
                "({}) -> ({})",
                names(op.operands().map(|v| name(v.r#type())).collect()),
                names(op.results().map(|r| name(r.r#type())).collect())
            )
        };
        if let Some(k) = registry.find(&hint) {
            if k.mnemonic != mnemonic {
                return self.err(op, format!("kernel hint `{hint}`: that kernel implements `{}`, not `{mnemonic}`", k.mnemonic));
            }
            return match (args, results) {
                (Some(a), Some(r)) if k.accepts(&a, &r) => Ok(Some(k.clone())),
                _ => self.err(op, format!("kernel hint `{hint}`: the kernel takes {}, but this `{mnemonic}` has the types {}", k.signature(), here())),
            };
        }
        let builtin = builtin_kernel_name(
            &mnemonic,
            &op.results().map(|r| type_name(r.r#type())).collect::<Vec<_>>(),
            &op.operands().map(|v| type_name(v.r#type())).collect::<Vec<_>>(),
        );
        if hint == builtin {
            return Ok(None);
        }
        let mut candidates = vec![format!("`{builtin}` (built-in)")];
        candidates.extend(registry.for_op(&mnemonic).map(|k| format!("`{}` {} from {}", k.name, k.signature(), k.library.display())));
        self.err(op, format!("no kernel `{hint}` for this `{mnemonic}`; candidates: {}", candidates.join(", ")))
    }

    /// The MLIR type a scalar of type `s` has in a kernel's C signature.
    fn c_scalar_type(&self, s: Scalar) -> Type<'c> {
        match s {
            Scalar::Float(32) => Type::float32(self.context),
            Scalar::Float(_) => self.f64t(),
            Scalar::Bool => self.i(8),
            Scalar::Signed(b) | Scalar::Unsigned(b) => self.i(b),
            Scalar::Index | Scalar::Str => self.i(64),
        }
    }

    /// Replaces `op` by a call of the extension kernel `k` (whose types match the op's).
    pub(super) fn call_external(&mut self, op: OperationRef<'c, '_>, k: &ExternalKernel, block: &Block<'c>) -> Res<()> {
        let loc = op.location();
        let ptr = self.ptr();
        let ctx = self.call(block, loc, "daphne_ext_begin", &[], Some(ptr)).expect("result");
        let slots: Vec<MlirValue> = k
            .results
            .iter()
            .map(|r| {
                let elem = match r {
                    Kind::Matrix(_) => ptr,
                    Kind::Scalar(s) => self.c_scalar_type(*s),
                };
                self.entry_alloca(loc, elem, 1)
            })
            .collect();
        let mut args = slots.clone();
        for (v, kind) in op.operands().zip(&k.args) {
            let lowered = self.get(v);
            args.push(match kind {
                Kind::Matrix(_) => self.call(block, loc, "daphne_ext_arg", &[ctx, lowered], Some(ptr)).expect("result"),
                Kind::Scalar(Scalar::Bool) => self.bool_arg(block, loc, lowered),
                Kind::Scalar(Scalar::Index) => self.index_to_i64(block, loc, lowered),
                Kind::Scalar(_) => lowered,
            });
        }
        args.push(ctx);
        self.call(block, loc, &k.name, &args, None);
        let name = self.string_literal(block, loc, &k.name);
        self.call(block, loc, "daphne_ext_check", &[ctx, name], None);
        for ((old, kind), slot) in op.results().zip(&k.results).zip(&slots) {
            let value = match kind {
                Kind::Matrix(s) => {
                    let m = self.emit(block, "llvm.load", loc, &[*slot], ptr);
                    let vt = self.i32c(block, loc, value_type_code(*s));
                    self.call(block, loc, "daphne_ext_result", &[ctx, m, vt, name], Some(ptr)).expect("result")
                }
                Kind::Scalar(Scalar::Bool) => {
                    let byte = self.emit(block, "llvm.load", loc, &[*slot], self.i(8));
                    self.emit(block, "arith.trunci", loc, &[byte], self.i(1))
                }
                Kind::Scalar(Scalar::Index) => {
                    let n = self.emit(block, "llvm.load", loc, &[*slot], self.i(64));
                    self.emit(block, "arith.index_cast", loc, &[n], Type::index(self.context))
                }
                Kind::Scalar(s) => self.emit(block, "llvm.load", loc, &[*slot], self.c_scalar_type(*s)),
            };
            self.map.insert(key(old.to_raw()), value);
        }
        self.call(block, loc, "daphne_ext_end", &[ctx], None);
        Ok(())
    }
}
