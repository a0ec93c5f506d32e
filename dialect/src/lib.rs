//! The `daphne` MLIR dialect.
//!
//! The dialect is defined in IRDL (`daphne.irdl.mlir`, embedded here) and loaded into every
//! [`Context`] made by [`new_context`], so MLIR verifies every daphne module against it. This
//! crate also holds the small typed helpers the frontend and the passes share: building and
//! recognising `!daphne.matrix<vt>` and `!daphne.string`.

use melior::{
    Context,
    dialect::DialectRegistry,
    ir::{Module, Type, operation::OperationLike},
    utility::{
        load_irdl_dialects, register_all_dialects, register_all_llvm_translations,
        register_all_passes,
    },
};

/// The IRDL definition of the dialect.
pub const IRDL: &str = include_str!("../daphne.irdl.mlir");

/// A context with all upstream dialects, LLVM translations, all passes and the daphne dialect.
///
/// MLIR's own diagnostics are collected by the caller through the returned context's handler;
/// this function only fails if the embedded dialect definition is broken (a build defect).
pub fn new_context() -> Result<Context, String> {
    static PASSES: std::sync::Once = std::sync::Once::new();
    PASSES.call_once(register_all_passes);
    let registry = DialectRegistry::new();
    register_all_dialects(&registry);
    let context = Context::new();
    context.append_dialect_registry(&registry);
    context.load_all_available_dialects();
    register_all_llvm_translations(&context);
    context.attach_diagnostic_handler(|d| {
        let mut log = DIAGNOSTICS.lock().unwrap_or_else(|e| e.into_inner());
        log.push(format!("{}: {}", d.location(), d));
        true
    });
    load(&context)?;
    Ok(context)
}

static DIAGNOSTICS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// MLIR's diagnostics (verifier and pass errors) reported since the last call, oldest first.
pub fn take_diagnostics() -> Vec<String> {
    std::mem::take(&mut *DIAGNOSTICS.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Registers the IRDL-defined `daphne` dialect in `context`.
pub fn load(context: &Context) -> Result<(), String> {
    let defs = Module::parse(context, IRDL).ok_or_else(|| {
        format!("the daphne IRDL definition does not parse: {}", take_diagnostics().join("; "))
    })?;
    if !defs.as_operation().verify() {
        return Err("the daphne IRDL definition does not verify".into());
    }
    if !load_irdl_dialects(&defs) {
        return Err("MLIR refused to load the daphne IRDL dialect".into());
    }
    Ok(())
}

/// `!daphne.string`.
pub fn string_type(context: &Context) -> Type<'_> {
    Type::parse(context, "!daphne.string").expect("daphne dialect is loaded")
}

/// `!daphne.matrix<elem>` for a scalar element type.
pub fn matrix_type<'c>(context: &'c Context, elem: Type<'c>) -> Type<'c> {
    Type::parse(context, &format!("!daphne.matrix<{elem}>")).expect("daphne dialect is loaded")
}

/// `!daphne.frame`.
pub fn frame_type(context: &Context) -> Type<'_> {
    Type::parse(context, "!daphne.frame").expect("daphne dialect is loaded")
}

/// `!daphne.list<elem>`: a list of matrices with element type `elem`.
pub fn list_type<'c>(context: &'c Context, elem: Type<'c>) -> Type<'c> {
    Type::parse(context, &format!("!daphne.list<{elem}>")).expect("daphne dialect is loaded")
}

/// True for `!daphne.string`.
pub fn is_string(ty: Type) -> bool {
    ty.to_string() == "!daphne.string"
}

/// The element type of a `!daphne.matrix<elem>`, or `None` for any other type.
pub fn matrix_element<'c>(context: &'c Context, ty: Type<'c>) -> Option<Type<'c>> {
    let text = ty.to_string();
    let inner = text.strip_prefix("!daphne.matrix<")?.strip_suffix('>')?;
    Type::parse(context, inner)
}

/// The text of a string attribute (melior's `StringAttribute::value` panics on empty strings).
pub fn string_attr_value(attr: melior::ir::Attribute) -> Option<String> {
    use melior::ir::AttributeLike;
    // SAFETY: plain queries on a live attribute.
    unsafe {
        if !mlir_sys::mlirAttributeIsAString(attr.to_raw()) {
            return None;
        }
        let r = mlir_sys::mlirStringAttrGetValue(attr.to_raw());
        if r.length == 0 {
            return Some(String::new());
        }
        let bytes = std::slice::from_raw_parts(r.data as *const u8, r.length);
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialect_loads_and_types_round_trip() {
        let ctx = new_context().unwrap();
        assert!(ctx.is_registered_operation("daphne.ew_add"));
        let f64t = Type::float64(&ctx);
        let m = matrix_type(&ctx, f64t);
        assert_eq!(m.to_string(), "!daphne.matrix<f64>");
        assert_eq!(matrix_element(&ctx, m), Some(f64t));
        assert!(is_string(string_type(&ctx)));
        assert_eq!(matrix_element(&ctx, f64t), None);
    }

    #[test]
    fn verifier_rejects_wrong_operand_types() {
        let ctx = new_context().unwrap();
        let bad = r#"func.func @f(%x: f64) {
            %n = "daphne.transpose"(%x) : (f64) -> !daphne.matrix<f64>
            return }"#;
        // IRDL constraints are checked when the op is parsed (or at the latest by the verifier).
        let accepted = Module::parse(&ctx, bad).is_some_and(|m| m.as_operation().verify());
        assert!(!accepted);
        assert!(take_diagnostics().iter().any(|d| d.contains("matrix")));
    }
}
