//! Extension kernels: DAPHNE's kernel catalogs (`--kernel-ext=catalog.json[:priority]`), the
//! kernels they register, and how a call site picks one (docs/kernel-abi.md).
//!
//! A catalog is a JSON array of entries with DAPHNE's fields `opMnemonic`, `kernelFuncName`,
//! `resTypes`, `argTypes`, `backend` (`CPP`) and `libPath` (relative to the catalog), plus
//! this implementation's optional `fusion` (`none`, `elementwise` or `rowwise`). Every kernel
//! of a catalog gets the catalog's priority (default 0, the built-ins' priority).

use crate::scalar::{Kind, Scalar};
use melior::{
    Context,
    ir::{Module, attribute::StringAttribute},
};
use std::path::{Path, PathBuf};

/// Whether a kernel may run inside a fused (vectorized) pipeline, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fusion {
    /// Only as a call of its own (the default).
    None,
    /// Result cell (r, c) depends only on cell (r, c) of each matrix argument (and on the
    /// scalar arguments): the kernel may run on any block of rows.
    ElementWise,
    /// Result row r depends only on row r of each matrix argument: the kernel may run on any
    /// block of rows.
    RowWise,
}

/// One kernel from a catalog.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExternalKernel {
    /// The DaphneIR operation it implements, e.g. `sumAll`.
    pub mnemonic: String,
    /// The C symbol, also the name a kernel hint uses.
    pub name: String,
    /// Result types, in order.
    pub results: Vec<Kind>,
    /// Argument types, in order.
    pub args: Vec<Kind>,
    /// The shared library defining `name` (an absolute path).
    pub library: PathBuf,
    /// The catalog's priority; built-in kernels have 0, and the highest priority wins.
    pub priority: i32,
    /// Whether fused pipelines may contain it.
    pub fusion: Fusion,
    /// For element-wise kernels: the C function `T cell(T a[, T b])` computing one result cell,
    /// which fused pipelines call per cell (catalog field `cellFuncName`).
    pub cell: Option<String>,
}

impl ExternalKernel {
    /// The signature in DAPHNE's catalog spelling, e.g. `(DenseMatrix<float>) -> float`.
    pub fn signature(&self) -> String {
        let list = |ts: &[Kind]| ts.iter().map(|t| catalog_type_name(*t)).collect::<Vec<_>>().join(", ");
        format!("({}) -> ({})", list(&self.args), list(&self.results))
    }

    /// Whether the kernel takes exactly these argument and result types.
    pub fn accepts(&self, args: &[Kind], results: &[Kind]) -> bool {
        self.args == args && self.results == results
    }
}

/// Every kernel registered with `--kernel-ext`, in registration order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct KernelRegistry {
    /// The kernels.
    pub kernels: Vec<ExternalKernel>,
}

impl KernelRegistry {
    /// Registers the catalog named by a `--kernel-ext` value `path[:priority]`. Errors name
    /// the catalog and what is wrong with it.
    pub fn add_spec(&mut self, spec: &str) -> Result<(), String> {
        let (path, priority) = parse_spec(spec)?;
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read kernel catalog {}: {e}", path.display()))?;
        let kernels = parse_catalog(&text, &path, priority)?;
        for k in kernels {
            if let Some(old) = self.kernels.iter().find(|o| o.name == k.name && o.library != k.library) {
                return Err(format!(
                    "kernel catalog {}: kernel `{}` is already defined by {}",
                    path.display(),
                    k.name,
                    old.library.display()
                ));
            }
            self.kernels.push(k);
        }
        Ok(())
    }

    /// The shared libraries of all kernels, each once, in registration order.
    pub fn libraries(&self) -> Vec<PathBuf> {
        let mut libs: Vec<PathBuf> = Vec::new();
        for k in &self.kernels {
            if !libs.contains(&k.library) {
                libs.push(k.library.clone());
            }
        }
        libs
    }

    /// The kernel named `name`.
    pub fn find(&self, name: &str) -> Option<&ExternalKernel> {
        self.kernels.iter().find(|k| k.name == name)
    }

    /// The kernels of the operation `mnemonic`.
    pub fn for_op<'a>(&'a self, mnemonic: &'a str) -> impl Iterator<Item = &'a ExternalKernel> + 'a {
        self.kernels.iter().filter(move |k| k.mnemonic == mnemonic)
    }

    /// The kernel that replaces the built-in one at an unhinted call site of `mnemonic` with
    /// these types: the applicable kernel of highest priority, if that priority is above the
    /// built-ins' 0 (the first registered among equals).
    pub fn select(&self, mnemonic: &str, args: &[Kind], results: &[Kind]) -> Option<&ExternalKernel> {
        let mut best: Option<&ExternalKernel> = None;
        for k in self.kernels.iter().filter(|k| k.mnemonic == mnemonic && k.accepts(args, results) && k.priority > 0) {
            if best.is_none_or(|b| k.priority > b.priority) {
                best = Some(k);
            }
        }
        best
    }
}

/// The attribute naming the per-cell function of an op's element-wise extension kernel; the
/// vectorize pass fuses such ops and pipelines call the function per cell.
pub const CELL_ATTR: &str = "kernel_cell";

/// Gives every daphne op of `module` that a registered kernel replaces by priority (see
/// [`KernelRegistry::select`]) that kernel's name as its `kernel_hint`, so the middle end keeps
/// the op (canonicalization does not fold hinted ops) and the lowering calls the kernel. Ops
/// whose (hinted or selected) kernel is element-wise also get [`CELL_ATTR`]. Runs on the
/// freshly emitted module; returns the number of ops newly hinted.
pub fn select_kernels(module: &Module, registry: &KernelRegistry) -> usize {
    if registry.kernels.is_empty() {
        return 0;
    }
    let mut marked = 0;
    for op in crate::ir::all_ops(module) {
        let Some(name) = op.daphne() else { continue };
        let hinted = op.attr("kernel_hint").and_then(daphne_dialect::string_attr_value);
        let args: Option<Vec<Kind>> = op.operands().iter().map(|v| v.kind()).collect();
        let results: Option<Vec<Kind>> = op.results().iter().map(|v| v.kind()).collect();
        let (Some(args), Some(results)) = (args, results) else { continue };
        let chosen = match &hinted {
            Some(h) => registry.find(h).filter(|k| k.mnemonic == mnemonic(&name) && k.accepts(&args, &results)),
            None => registry.select(&mnemonic(&name), &args, &results),
        };
        let Some(k) = chosen else { continue };
        let context = op.location().context();
        // SAFETY: the module's context is alive while it is being compiled.
        let context: &Context = unsafe { context.to_ref() };
        if hinted.is_none() {
            op.set_attr("kernel_hint", StringAttribute::new(context, &k.name).into());
            marked += 1;
        }
        if let Some(cell) = &k.cell {
            op.set_attr(CELL_ATTR, StringAttribute::new(context, cell).into());
        }
    }
    marked
}

/// Splits `path[:priority]`; the priority is a decimal `i32`.
fn parse_spec(spec: &str) -> Result<(PathBuf, i32), String> {
    let (path, priority) = match spec.rsplit_once(':') {
        Some((path, p)) => {
            let prio = p.parse::<i32>().ok().filter(|_| p.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || (i == 0 && (b == b'-' || b == b'+'))));
            match prio {
                Some(prio) => (path, prio),
                None => {
                    return Err(format!(
                        "invalid priority `{p}` in --kernel-ext={spec}: expected an integer between {} and {}",
                        i32::MIN,
                        i32::MAX
                    ));
                }
            }
        }
        None => (spec, 0),
    };
    if path.is_empty() {
        return Err(format!("--kernel-ext={spec} names no catalog file"));
    }
    Ok((PathBuf::from(path), priority))
}

/// Parses a catalog read from `path`; `libPath`s are resolved against the catalog's directory.
pub fn parse_catalog(text: &str, path: &Path, priority: i32) -> Result<Vec<ExternalKernel>, String> {
    let fail = |m: String| format!("kernel catalog {}: {m}", path.display());
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| fail(format!("invalid JSON: {e}")))?;
    let entries = json.as_array().ok_or_else(|| fail("expected a JSON array of kernel entries".into()))?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut kernels = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let at = |m: String| fail(format!("entry {}: {m}", i + 1));
        let obj = entry.as_object().ok_or_else(|| at("expected an object".into()))?;
        for key in obj.keys() {
            if !["opMnemonic", "kernelFuncName", "resTypes", "argTypes", "backend", "libPath", "fusion", "cellFuncName"].contains(&key.as_str()) {
                return Err(at(format!("unknown field `{key}`")));
            }
        }
        let string = |key: &str| -> Result<String, String> {
            obj.get(key).and_then(|v| v.as_str()).map(str::to_owned).ok_or_else(|| at(format!("`{key}` must be a string")))
        };
        let types = |key: &str| -> Result<Vec<Kind>, String> {
            let list = obj.get(key).and_then(|v| v.as_array()).ok_or_else(|| at(format!("`{key}` must be an array of type names")))?;
            list.iter()
                .map(|t| {
                    let name = t.as_str().ok_or_else(|| at(format!("`{key}` must contain strings")))?;
                    parse_type(name).ok_or_else(|| {
                        at(format!("unsupported type `{name}` in `{key}` (supported: a scalar such as double, float, int64_t, bool, or DenseMatrix<scalar>)"))
                    })
                })
                .collect()
        };
        let symbol = |key: &str| -> Result<String, String> {
            let name = string(key)?;
            if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(at(format!("`{key}` `{name}` is not a C identifier")));
            }
            if name.starts_with("daphne_") {
                return Err(at(format!("`{key}` `{name}`: the prefix daphne_ is reserved for the runtime")));
            }
            Ok(name)
        };
        let name = symbol("kernelFuncName")?;
        let cell = if obj.contains_key("cellFuncName") { Some(symbol("cellFuncName")?) } else { None };
        let backend = string("backend")?;
        if backend != "CPP" {
            return Err(at(format!("backend `{backend}` is not supported (only CPP, native code on the CPU)")));
        }
        let library = dir.join(string("libPath")?);
        let library = match library.canonicalize() {
            Ok(path) if path.is_file() => path,
            _ => return Err(at(format!("the library {} (libPath, relative to the catalog) does not exist", library.display()))),
        };
        let fusion = match obj.get("fusion").map(|v| v.as_str()) {
            None | Some(Some("none")) => Fusion::None,
            Some(Some("elementwise")) => Fusion::ElementWise,
            Some(Some("rowwise")) => Fusion::RowWise,
            _ => return Err(at("`fusion` must be \"none\", \"elementwise\" or \"rowwise\"".into())),
        };
        let kernel = ExternalKernel {
            mnemonic: string("opMnemonic")?,
            name,
            results: types("resTypes")?,
            args: types("argTypes")?,
            library,
            priority,
            fusion,
            cell,
        };
        validate_fusion(&kernel).map_err(at)?;
        kernels.push(kernel);
    }
    Ok(kernels)
}

/// Checks that a kernel's `fusion` declaration fits its signature.
fn validate_fusion(kernel: &ExternalKernel) -> Result<(), String> {
    let name = &kernel.name;
    if kernel.fusion != Fusion::ElementWise && kernel.cell.is_some() {
        return Err(format!("kernel `{name}` has a `cellFuncName` but is not declared \"fusion\": \"elementwise\""));
    }
    if kernel.fusion != Fusion::None
            && (!matches!(kernel.results.as_slice(), [Kind::Matrix(_)]) || !kernel.args.iter().any(|a| a.is_matrix()))
        {
        return Err(format!("kernel `{name}` declares fusion but a fusible kernel has one DenseMatrix result and at least one DenseMatrix argument"));
    }
    if kernel.fusion == Fusion::ElementWise {
        let [Kind::Matrix(t)] = kernel.results[..] else { unreachable!("checked above") };
        if kernel.cell.is_none() {
            return Err(format!("element-wise kernel `{name}` needs a `cellFuncName`: the per-cell function fused pipelines call"));
        }
        if !kernel.mnemonic.starts_with("ew") {
            return Err(format!("kernel `{name}`: only element-wise operations (ew...) can be element-wise kernels, not `{}`", kernel.mnemonic));
        }
        if !matches!(t, Scalar::Float(_) | Scalar::Signed(64)) || kernel.args.len() > 2 || kernel.args.iter().any(|a| a.value_type() != t) {
            return Err(format!(
                "element-wise kernel `{name}` must take one or two arguments and return cells of one value type (double, float or int64_t), got {}",
                kernel.signature()
            ));
        }
    }
    Ok(())
}

/// A catalog type name: a C scalar type or `DenseMatrix<scalar>`.
fn parse_type(name: &str) -> Option<Kind> {
    let name = name.trim();
    match name.strip_prefix("DenseMatrix<").and_then(|t| t.strip_suffix('>')) {
        Some(inner) => scalar_of(inner.trim()).map(Kind::Matrix),
        None => scalar_of(name).map(Kind::Scalar),
    }
}

fn scalar_of(name: &str) -> Option<Scalar> {
    Some(match name {
        "double" => Scalar::Float(64),
        "float" => Scalar::Float(32),
        "int64_t" => Scalar::Signed(64),
        "int32_t" => Scalar::Signed(32),
        "int8_t" => Scalar::Signed(8),
        "uint64_t" => Scalar::Unsigned(64),
        "uint32_t" => Scalar::Unsigned(32),
        "uint8_t" => Scalar::Unsigned(8),
        "size_t" => Scalar::Index,
        "bool" => Scalar::Bool,
        _ => return None,
    })
}

/// The C++ name of a scalar type, as DAPHNE's kernel names and catalogs spell it.
pub fn cpp_scalar_name(s: Scalar) -> &'static str {
    match s {
        Scalar::Float(32) => "float",
        Scalar::Float(_) => "double",
        Scalar::Signed(8) => "int8_t",
        Scalar::Signed(32) => "int32_t",
        Scalar::Signed(_) => "int64_t",
        Scalar::Unsigned(8) => "uint8_t",
        Scalar::Unsigned(32) => "uint32_t",
        Scalar::Unsigned(_) => "uint64_t",
        Scalar::Index => "size_t",
        Scalar::Bool => "bool",
        Scalar::Str => "char",
    }
}

/// The runtime's value-type code of a scalar type (`daphne_rt::kernel_abi::value_type`).
pub fn value_type_code(s: Scalar) -> i32 {
    use daphne_rt::kernel_abi::value_type as vt;
    match s {
        Scalar::Float(32) => vt::F32,
        Scalar::Float(_) => vt::F64,
        Scalar::Signed(8) => vt::SI8,
        Scalar::Signed(32) => vt::SI32,
        Scalar::Signed(_) => vt::SI64,
        Scalar::Unsigned(8) => vt::UI8,
        Scalar::Unsigned(32) => vt::UI32,
        Scalar::Unsigned(_) | Scalar::Index => vt::UI64,
        Scalar::Bool => vt::BOOL,
        // Strings never reach an extension kernel (catalog types exclude them).
        Scalar::Str => -1,
    }
}

/// A type as catalogs spell it: `float`, `DenseMatrix<float>`.
pub fn catalog_type_name(k: Kind) -> String {
    match k {
        Kind::Scalar(s) => cpp_scalar_name(s).to_owned(),
        Kind::Matrix(s) => format!("DenseMatrix<{}>", cpp_scalar_name(s)),
    }
}

/// DAPHNE's name of the built-in kernel for `mnemonic` with these types, e.g.
/// `_sumAll__int64_t__DenseMatrix_int64_t` (results first, then arguments).
pub fn builtin_kernel_name(mnemonic: &str, results: &[String], args: &[String]) -> String {
    let mut name = format!("_{mnemonic}");
    for t in results.iter().chain(args) {
        name.push_str("__");
        name.push_str(t);
    }
    name
}

/// A type as DAPHNE's built-in kernel names spell it: `float`, `DenseMatrix_float`.
pub fn builtin_type_name(k: Kind) -> String {
    match k {
        Kind::Scalar(s) => cpp_scalar_name(s).to_owned(),
        Kind::Matrix(s) => format!("DenseMatrix_{}", cpp_scalar_name(s)),
    }
}

pub use daphne_sema::mnemonic;

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(dir: &Path, json: &str) -> Result<Vec<ExternalKernel>, String> {
        std::fs::write(dir.join("libk.so"), "").unwrap();
        parse_catalog(json, &dir.join("k.json"), 3)
    }

    #[test]
    fn parses_daphne_catalogs_relative_to_the_catalog() {
        let dir = tempfile::tempdir().unwrap();
        let ks = catalog(
            dir.path(),
            r#"[{"opMnemonic": "sumAll", "kernelFuncName": "mySumAll", "resTypes": ["float"],
                 "argTypes": ["DenseMatrix<float>"], "backend": "CPP", "libPath": "libk.so"}]"#,
        )
        .unwrap();
        assert_eq!(ks[0].library, dir.path().join("libk.so").canonicalize().unwrap());
        assert_eq!(ks[0].args, vec![Kind::Matrix(Scalar::Float(32))]);
        assert_eq!((ks[0].priority, ks[0].fusion), (3, Fusion::None));
        assert_eq!(ks[0].signature(), "(DenseMatrix<float>) -> (float)");
    }

    #[test]
    fn rejects_bad_catalogs_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let entry = |extra: &str| {
            format!(r#"[{{"opMnemonic": "sumAll", "kernelFuncName": "k", "resTypes": ["float"], "argTypes": ["DenseMatrix<float>"], "backend": "CPP", "libPath": "libk.so"{extra}}}]"#)
        };
        let err = |json: &str| catalog(dir.path(), json).unwrap_err();
        assert!(err("{}").contains("JSON array"));
        assert!(err("[1").contains("invalid JSON"));
        assert!(err(&entry(r#", "fusion": "elementwise""#)).contains("fusible"));
        assert!(err(&entry(r#", "cellFuncName": "c""#)).contains("is not declared"));
        let ew = |extra: &str| entry(extra).replace("sumAll", "ewSqrt").replace(r#"["float"]"#, r#"["DenseMatrix<float>"]"#);
        assert!(err(&ew(r#", "fusion": "elementwise""#)).contains("needs a `cellFuncName`"));
        assert!(catalog(dir.path(), &ew(r#", "fusion": "elementwise", "cellFuncName": "c""#)).is_ok());
        assert!(err(&ew(r#", "fusion": "elementwise", "cellFuncName": "c""#).replace("ewSqrt", "transpose")).contains("only element-wise"));
        assert!(err(&entry(r#", "fusion": "columns""#)).contains("`fusion`"));
        assert!(err(&entry(r#", "extra": 1"#)).contains("unknown field `extra`"));
        assert!(err(&entry("").replace("libk.so", "missing.so")).contains("does not exist"));
        assert!(err(&entry("").replace("\"CPP\"", "\"CUDA\"")).contains("backend `CUDA`"));
        assert!(err(&entry("").replace("[\"float\"]", "[\"Frame\"]")).contains("unsupported type `Frame`"));
        assert!(err(&entry("").replace("\"k\"", "\"1k\"")).contains("not a C identifier"));
    }

    #[test]
    fn priorities_are_integers() {
        assert_eq!(parse_spec("a.json").unwrap(), (PathBuf::from("a.json"), 0));
        assert_eq!(parse_spec("a.json:-1").unwrap(), (PathBuf::from("a.json"), -1));
        assert_eq!(parse_spec("a.json:12").unwrap(), (PathBuf::from("a.json"), 12));
        for bad in ["a.json:", "a.json:0.1", "a.json:abc", "a.json:123abc", "a.json:99999999999999999999", ":1"] {
            assert!(parse_spec(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn selection_prefers_higher_priorities_over_the_builtin() {
        let k = |name: &str, priority| ExternalKernel {
            mnemonic: "sumAll".into(),
            name: name.into(),
            results: vec![Kind::Scalar(Scalar::Float(32))],
            args: vec![Kind::Matrix(Scalar::Float(32))],
            library: PathBuf::from("l.so"),
            priority,
            fusion: Fusion::None,
            cell: None,
        };
        let (args, res) = ([Kind::Matrix(Scalar::Float(32))], [Kind::Scalar(Scalar::Float(32))]);
        let reg = |ks: Vec<ExternalKernel>| KernelRegistry { kernels: ks };
        assert_eq!(reg(vec![k("a", 1), k("b", 2), k("c", 2)]).select("sumAll", &args, &res).unwrap().name, "b");
        assert!(reg(vec![k("a", 0), k("b", -1)]).select("sumAll", &args, &res).is_none());
        assert!(reg(vec![k("a", 5)]).select("sumAll", &[Kind::Matrix(Scalar::Float(64))], &res).is_none());
        assert_eq!(mnemonic("sum_all"), "sumAll");
        assert_eq!(value_type_code(Scalar::Float(32)), daphne_rt::ValueType::F32 as i32);
        assert_eq!(value_type_code(Scalar::Unsigned(8)), daphne_rt::ValueType::UI8 as i32);
        assert_eq!(builtin_kernel_name("sumAll", &["float".into()], &["DenseMatrix_float".into()]), "_sumAll__float__DenseMatrix_float");
    }
}
