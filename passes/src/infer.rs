//! Property inference: shapes, sparsity and symmetry of every matrix value, recorded on the
//! producing op as `daphne.rows`/`daphne.cols`/`daphne.sparsity`/`daphne.symmetric`
//! (see [`crate::props`]).
//!
//! **What it computes.** A forward dataflow analysis per function over the lattice, per
//! property,
//!
//! ```text
//!        -1 (unknown)
//!     /   |   |    \
//!    0    1   2 ... n      (a known number of rows, columns, a sparsity; symmetric true/false)
//! ```
//!
//! where the join of two different known values is unknown. Sources: literals
//! (`matrix_constant`), `fill`, `seq` (the run-time kernel's length formula, see below),
//! `rand`, `read` of a `.csv` file with a constant name (its `.meta` file, read at compile
//! time), `reshape`, `syrk`/`gemv` and casts of scalars to 1×1; then every op's rule:
//! `transpose` swaps, element-wise ops take the shape of the left matrix operand (the
//! runtime's broadcasting keeps the left shape), aggregations give n×1 or 1×m, `mat_mul`
//! gives lhs rows × rhs columns, slices with constant bounds use the runtime's own bound
//! resolution, `cond`/`insert` keep their first operand's shape. `scf.if` results are the
//! join of the two branches' yields; `scf.while` iterates the loop body from the initial
//! values, joining what the body yields back, until the loop-carried properties are stable
//! (each step can only lose facts, so it ends; capped at [`MAX_LOOP_ROUNDS`], then unknown).
//!
//! **Across UDF calls.** The analysis is interprocedural: the parameters of a function get the
//! join of the arguments at all its `func.call` sites, and a call's results get the join of
//! what the callee's `func.return`s yield. Since either side can depend on the other (and on
//! itself, for recursion), the module is analysed in rounds, each round using the call-site and
//! return facts of the round before (the first round knows none), until nothing changes or
//! [`MAX_CALL_ROUNDS`] rounds have run. A function whose symbol is used other than by
//! `func.call` (e.g. as a `map` UDF) keeps unknown parameters, and `main` has no call sites.
//! The parameters' facts are shown as argument attributes of the function
//! (`%arg0: !daphne.matrix<f64> {daphne.cols = 2 : i64, daphne.rows = 3 : i64}`).
//!
//! **Why it is sound.** Every round only uses facts that hold: in the first round parameters
//! and call results are unknown; in each later round, a parameter's facts hold at every call
//! site (their join), and a call result's facts hold at every return of the callee, both
//! computed by a sound round, so stopping after any round leaves sound facts. Each rule states what the runtime kernel produces *when it
//! succeeds*; if a kernel fails, the program stops and no later op sees the value. `seq`'s
//! length is taken from the runtime kernel itself (exact integer formula; for floats the
//! kernel runs at compile time on sequences of up to 2^20 elements). Sparsity is only
//! recorded where it is exact (fill, literals, zero-preserving unary ops) or an estimate
//! DAPHNE also uses (`rand`'s sparsity argument). The attributes are discardable facts;
//! nothing but later optimizations reads them.

use crate::fold::{self, Lit};
use crate::ir::{Blk, Op, Val, all_ops, const_i64, constant_of, module_body};
use crate::props::{self, Props};
use crate::scalar::{Kind, Scalar};
use melior::ir::{Attribute, AttributeLike, Module, attribute::IntegerAttribute, operation::OperationLike};
use std::collections::{HashMap, HashSet};

/// Upper bound on the iterations of the loop analysis.
pub const MAX_LOOP_ROUNDS: usize = 16;

/// Upper bound on the rounds of the interprocedural analysis (a chain of `n` nested UDF calls
/// needs about `n + 2`).
pub const MAX_CALL_ROUNDS: usize = 8;

/// Runs the pass; true if any recorded property changed.
pub fn run(module: &Module) -> bool {
    let funcs: Vec<(String, Op)> = module_body(module).ops().into_iter().filter(|f| f.name() == "func.func").filter_map(|f| Some((symbol(f)?, f))).collect();
    let escaping = escaping_functions(module);
    let mut cx = Infer { env: HashMap::new(), changed: false, returns: HashMap::new(), call_args: HashMap::new() };
    let mut params: HashMap<String, Vec<Props>> = HashMap::new();
    for _ in 0..MAX_CALL_ROUNDS {
        cx.env.clear();
        cx.call_args.clear();
        let mut returns = HashMap::new();
        for (name, f) in &funcs {
            let blocks: Vec<Blk> = f.regions().into_iter().flatten().collect();
            if let (Some(entry), Some(p)) = (blocks.first(), params.get(name)) {
                cx.bind(&entry.args(), p);
            }
            for b in &blocks {
                cx.block(*b);
            }
            let mut joined: Option<Vec<Props>> = None;
            for t in blocks.iter().filter_map(|b| b.terminator()).filter(|t| t.name() == "func.return") {
                let ys: Vec<Props> = t.operands().iter().map(|v| cx.get(*v)).collect();
                joined = Some(match joined {
                    None => ys,
                    Some(j) => j.iter().zip(&ys).map(|(a, b)| a.join(*b)).collect(),
                });
            }
            if let Some(j) = joined {
                returns.insert(name.clone(), j);
            }
        }
        let mut next: HashMap<String, Vec<Props>> = std::mem::take(&mut cx.call_args);
        next.retain(|name, _| !escaping.contains(name));
        if next == params && returns == cx.returns {
            break;
        }
        params = next;
        cx.returns = returns;
    }
    for (name, f) in &funcs {
        show_params(*f, params.get(name));
    }
    cx.changed
}

/// The symbol name of a function.
fn symbol(f: Op) -> Option<String> {
    f.attr("sym_name").and_then(daphne_dialect::string_attr_value)
}

/// Functions whose symbol is used other than as a `func.call` callee (their callers are not
/// all known).
fn escaping_functions(module: &Module) -> HashSet<String> {
    let mut out = HashSet::new();
    for op in all_ops(module) {
        if op.name() == "func.call" || op.name() == "func.func" {
            continue;
        }
        for (_, a) in op.get().attributes() {
            let text = a.to_string();
            if let Some(name) = text.strip_prefix('@') {
                out.insert(name.trim_matches('"').to_string());
            }
        }
    }
    out
}

/// Shows the parameters' properties as the function's argument attributes (replacing what an
/// earlier run showed).
fn show_params(f: Op, params: Option<&Vec<Props>>) {
    let Some(entry) = f.regions().into_iter().flatten().next() else { return };
    let args = entry.args();
    let dicts: Vec<String> = args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let p = params.and_then(|p| p.get(i)).copied().unwrap_or(Props::UNKNOWN);
            if !a.is_matrix() || p == Props::UNKNOWN {
                return "{}".to_string();
            }
            let mut fields = vec![format!("{} = {} : i64", props::COLS, p.cols), format!("{} = {} : i64", props::ROWS, p.rows)];
            if p.sparsity >= 0.0 {
                fields.push(format!("{} = {:?} : f64", props::SPARSITY, p.sparsity));
            }
            if let Some(s) = p.symmetric {
                fields.push(format!("{} = {s}", props::SYMMETRIC));
            }
            format!("{{{}}}", fields.join(", "))
        })
        .collect();
    if dicts.iter().all(|d| d == "{}") && f.attr("arg_attrs").is_none() {
        return;
    }
    let context = f.location().context();
    // SAFETY: the op's context is alive while the pass runs (`to_ref` borrows the binding).
    let context = unsafe { context.to_ref() };
    if let Some(attr) = Attribute::parse(context, &format!("[{}]", dicts.join(", "))) {
        let name = "arg_attrs";
        let name = mlir_sys::MlirStringRef { data: name.as_ptr() as *const _, length: name.len() };
        // SAFETY: a live op and attribute; `arg_attrs` is func.func's inherent attribute.
        unsafe { mlir_sys::mlirOperationSetInherentAttributeByName(f.0, name, attr.to_raw()) };
    }
}

struct Infer {
    env: HashMap<Val, Props>,
    changed: bool,
    /// Per function: the join of its returns, from the previous round.
    returns: HashMap<String, Vec<Props>>,
    /// Per function: the join of the arguments at its call sites, this round.
    call_args: HashMap<String, Vec<Props>>,
}

impl Infer {
    fn get(&self, v: Val) -> Props {
        self.env.get(&v).copied().unwrap_or(Props::UNKNOWN)
    }

    fn bind(&mut self, vals: &[Val], props: &[Props]) {
        for (v, p) in vals.iter().zip(props) {
            self.env.insert(*v, *p);
        }
    }

    fn block(&mut self, b: Blk) {
        for op in b.ops() {
            self.op(op);
        }
    }

    fn record(&mut self, op: Op, props: Vec<Props>) {
        let results = op.results();
        let props: Vec<Props> = results.iter().zip(props).map(|(r, p)| if r.is_matrix() { p } else { Props::UNKNOWN }).collect();
        if results.iter().any(|r| r.is_matrix()) {
            let before: Vec<Props> = results.iter().map(|r| props::of(*r)).collect();
            self.changed |= before != props || op.attr(props::ROWS).is_none();
            props::set(op, &props);
        }
        self.bind(&results, &props);
    }

    fn op(&mut self, op: Op) {
        match op.name().as_str() {
            "scf.if" => {
                let mut joined: Option<Vec<Props>> = None;
                for region in op.regions() {
                    for b in region {
                        self.block(b);
                        if let Some(t) = b.terminator() {
                            let ys: Vec<Props> = t.operands().iter().map(|v| self.get(*v)).collect();
                            joined = Some(match joined {
                                None => ys,
                                Some(j) => j.iter().zip(&ys).map(|(a, b)| a.join(*b)).collect(),
                            });
                        }
                    }
                }
                let n = op.result_count();
                self.record(op, joined.unwrap_or_else(|| vec![Props::UNKNOWN; n]));
            }
            "scf.while" => self.while_loop(op),
            "func.call" => {
                let args: Vec<Props> = op.operands().iter().map(|v| self.get(*v)).collect();
                let callee = op.attr("callee").map(|a| a.to_string().trim_start_matches('@').trim_matches('"').to_string());
                let results = callee.as_ref().and_then(|c| self.returns.get(c)).cloned().unwrap_or_else(|| vec![Props::UNKNOWN; op.result_count()]);
                if let Some(c) = callee {
                    self.call_args
                        .entry(c)
                        .and_modify(|j| *j = j.iter().zip(&args).map(|(a, b)| a.join(*b)).collect())
                        .or_insert(args);
                }
                self.record(op, results);
            }
            "arith.select" => {
                let p = self.get(op.operand(1)).join(self.get(op.operand(2)));
                self.record(op, vec![p]);
            }
            name => {
                for region in op.regions() {
                    for b in region {
                        self.block(b);
                    }
                }
                let props = match name.strip_prefix("daphne.") {
                    Some(d) if op.result_count() == 1 => vec![self.transfer(op, d)],
                    _ => vec![Props::UNKNOWN; op.result_count()],
                };
                self.record(op, props);
            }
        }
    }

    fn while_loop(&mut self, op: Op) {
        let regions = op.regions();
        let (Some(before), Some(after)) = (regions.first().and_then(|r| r.first()).copied(), regions.get(1).and_then(|r| r.first()).copied())
        else {
            let n = op.result_count();
            return self.record(op, vec![Props::UNKNOWN; n]);
        };
        let inits: Vec<Props> = op.operands().iter().map(|v| self.get(*v)).collect();
        let mut args = inits.clone();
        let mut results = vec![Props::UNKNOWN; op.result_count()];
        for round in 0..=MAX_LOOP_ROUNDS {
            if round == MAX_LOOP_ROUNDS {
                args = vec![Props::UNKNOWN; inits.len()];
            }
            self.bind(&before.args(), &args);
            self.block(before);
            let passed: Vec<Props> = before.terminator().map_or_else(Vec::new, |t| t.operands()[1..].iter().map(|v| self.get(*v)).collect());
            self.bind(&after.args(), &passed);
            self.block(after);
            let yields: Vec<Props> = after.terminator().map_or_else(Vec::new, |t| t.operands().iter().map(|v| self.get(*v)).collect());
            let next: Vec<Props> = inits.iter().zip(&yields).map(|(a, b)| a.join(*b)).collect();
            results = passed;
            if next == args || round == MAX_LOOP_ROUNDS {
                break;
            }
            args = next;
        }
        self.record(op, results);
    }

    /// The properties of the single result of daphne op `d`.
    fn transfer(&self, op: Op, d: &str) -> Props {
        let arg = |i: usize| self.get(op.operand(i));
        let konst = |i: usize| const_i64(op.operand(i)).filter(|v| *v >= 0).unwrap_or(-1);
        let kinds: Vec<Option<Kind>> = op.operands().iter().map(|v| v.kind()).collect();
        let is_matrix = |i: usize| kinds.get(i).copied().flatten().is_some_and(Kind::is_matrix);
        let result_vt = op.result(0).kind().map(Kind::value_type);
        match d {
            "matrix_constant" => matrix_constant(op),
            "fill" => {
                let (r, c) = (konst(1), konst(2));
                let mut p = Props::shape(r, c);
                let value = constant_of(op.operand(0));
                if let Some(v) = &value {
                    let zero = matches!(v, Lit::Int(0)) || matches!(v, Lit::Float(f) if *f == 0.0);
                    if r > 0 && c > 0 && !matches!(v, Lit::Str(_)) {
                        p.sparsity = if zero { 0.0 } else { 1.0 };
                    }
                }
                let nan = matches!(value, Some(Lit::Float(f)) if f.is_nan());
                let comparable = value.is_some() || !kinds[0].is_some_and(|k| k.value_type().is_float());
                if r >= 0 && r == c && comparable && !nan {
                    p.symmetric = Some(true);
                }
                p
            }
            "seq" => Props::shape(seq_rows(op).unwrap_or(-1), 1),
            "read" => read_meta(op),
            "sample" => Props::shape(konst(1), 1),
            "reverse" | "tri" | "replace" | "cum_sum" | "cum_prod" | "cum_min" | "cum_max" | "quantize" | "bin" => {
                Props::shape(arg(0).rows, arg(0).cols)
            }
            "to_csr" => arg(0),
            "diag_matrix" => Props { symmetric: Some(true), ..Props::shape(arg(0).rows, arg(0).rows) },
            "diag_vector" => Props::shape(arg(0).rows, 1),
            "solve" => Props::shape(arg(0).cols, arg(1).cols),
            _ if d.starts_with("outer_") => Props::shape(arg(0).rows, arg(1).cols),
            "rand_matrix" | "rand_csr" => {
                let mut p = Props::shape(konst(0), konst(1));
                if let Some(Lit::Float(s)) = constant_of(op.operand(4)).filter(|_| op.operand_count() == 6)
                    && (0.0..=1.0).contains(&s)
                {
                    p.sparsity = s;
                }
                p
            }
            "reshape" => Props { sparsity: arg(0).sparsity, ..Props::shape(konst(1), konst(2)) },
            "transpose" => arg(0).transposed(),
            "syrk" => {
                let n = if crate::phy_select::is_outer(op) { arg(0).rows } else { arg(0).cols };
                Props { symmetric: Some(true), ..Props::shape(n, n) }
            }
            "gemv" => Props::shape(arg(0).cols, arg(1).cols),
            "mat_mul" => {
                let (ta, tb) = crate::canonicalize::transpose_flags(op);
                let (a, b) = (if ta { arg(0).transposed() } else { arg(0) }, if tb { arg(1).transposed() } else { arg(1) });
                Props::shape(a.rows, b.cols)
            }
            "cond" | "insert" => Props::shape(arg(0).rows, arg(0).cols),
            "cast" => match (kinds[0], result_vt) {
                (Some(Kind::Scalar(_)), Some(_)) => Props { symmetric: Some(true), ..Props::shape(1, 1) },
                (Some(Kind::Matrix(_)), _) => Props { sparsity: -1.0, ..arg(0) },
                _ => Props::UNKNOWN,
            },
            "slice_row" | "slice_col" => {
                let a = arg(0);
                let (lo, hi) = (const_i64(op.operand(1)), const_i64(op.operand(2)));
                let rows_axis = d == "slice_row";
                let n = if rows_axis { a.rows } else { a.cols };
                let len = match (lo, hi) {
                    (Some(lo), Some(hi)) if n >= 0 => {
                        let axis = if rows_axis { daphne_rt::kernels::indexing::Axis::Rows } else { daphne_rt::kernels::indexing::Axis::Cols };
                        daphne_rt::kernels::indexing::resolve_range("", axis, lo, hi, n as usize).map_or(-1, |r| r.len() as i64)
                    }
                    (Some(_), Some(i64::MIN)) => 1,
                    (Some(lo), Some(hi)) if lo >= 0 && hi >= lo && hi != i64::MAX => hi - lo,
                    _ => -1,
                };
                if rows_axis { Props::shape(len, a.cols) } else { Props::shape(a.rows, len) }
            }
            "extract_row" | "extract_col" => {
                let n = arg(1).dims().filter(|(r, c)| *r == 1 || *c == 1).map_or(-1, |(r, c)| r * c);
                if d == "extract_row" { Props::shape(n, arg(0).cols) } else { Props::shape(arg(0).rows, n) }
            }
            "col_bind" => {
                let (l, r) = (arg(0), arg(1));
                Props::shape(l.rows, if l.cols >= 0 && r.cols >= 0 { l.cols + r.cols } else { -1 })
            }
            "row_bind" => {
                let (l, r) = (arg(0), arg(1));
                Props::shape(if l.rows >= 0 && r.rows >= 0 { l.rows + r.rows } else { -1 }, l.cols)
            }
            "filter_row" => Props::shape(-1, arg(0).cols),
            "filter_col" => Props::shape(arg(0).rows, -1),
            _ if d.ends_with("_row") => Props::shape(arg(0).rows, 1),
            _ if d.ends_with("_col") => Props::shape(1, arg(0).cols),
            _ if fold::binary_op(d).is_some() || d == "ew_concat" => match (is_matrix(0), is_matrix(1)) {
                (true, true) => {
                    let (l, r) = (arg(0), arg(1));
                    let sym = l.symmetric == Some(true) && r.symmetric == Some(true) && l.dims().is_some() && l.dims() == r.dims();
                    Props { symmetric: sym.then_some(true), ..Props::shape(l.rows, l.cols) }
                }
                (true, false) => Props { symmetric: arg(0).symmetric.filter(|s| *s), ..Props::shape(arg(0).rows, arg(0).cols) },
                (false, true) => Props { symmetric: arg(1).symmetric.filter(|s| *s), ..Props::shape(arg(1).rows, arg(1).cols) },
                _ => Props::UNKNOWN,
            },
            _ if d.starts_with("ew_") && is_matrix(0) => {
                let a = arg(0);
                // These map 0 to 0 and nothing else to 0, so the number of non-zeros stays.
                let keeps_zeros = matches!(d, "ew_minus" | "ew_abs" | "ew_sign" | "ew_sqrt");
                Props { sparsity: if keeps_zeros { a.sparsity } else { -1.0 }, ..a }
            }
            _ => Props::UNKNOWN,
        }
    }
}

/// Shape, exact sparsity and symmetry of a matrix literal.
fn matrix_constant(op: Op) -> Props {
    let attr = |name: &str| {
        op.attr(name).and_then(|a| IntegerAttribute::try_from(a).ok()).map_or(-1, |a| a.value())
    };
    let (r, c) = (attr("num_rows"), attr("num_cols"));
    let mut p = Props::shape(r, c);
    let vals: Option<Vec<Lit>> = op.operands().iter().map(|v| constant_of(*v)).collect();
    if let Some(vals) = vals
        && r >= 0
        && c >= 0
        && vals.len() as i64 == r * c
    {
        let nonzero = |v: &Lit| match v {
            Lit::Int(i) => *i != 0,
            Lit::Float(f) => *f != 0.0,
            Lit::Str(_) => true,
        };
        if r * c > 0 && !vals.iter().any(|v| matches!(v, Lit::Str(_))) {
            p.sparsity = vals.iter().filter(|v| nonzero(v)).count() as f64 / (r * c) as f64;
        }
        if r == c {
            let n = r as usize;
            let same = |a: &Lit, b: &Lit| match (a, b) {
                (Lit::Float(x), Lit::Float(y)) => x == y,
                _ => a == b,
            };
            let sym = (0..n).all(|i| (0..i).all(|j| same(&vals[i * n + j], &vals[j * n + i])));
            let nan = vals.iter().any(|v| matches!(v, Lit::Float(f) if f.is_nan()));
            p.symmetric = Some(sym && !nan);
        }
    }
    p
}

/// The number of rows of `seq(from, to, inc)` with constant arguments, as the kernel makes it.
fn seq_rows(op: Op) -> Option<i64> {
    let Some(Kind::Matrix(vt)) = op.result(0).kind() else { return None };
    let arg = |i: usize| -> Option<Lit> {
        let v = op.operand(i);
        let Some(Kind::Scalar(s)) = v.kind() else { return None };
        fold::convert(&constant_of(v)?, s, vt)
    };
    let (from, to, inc) = (arg(0)?, arg(1)?, arg(2)?);
    match (from, to, inc) {
        (Lit::Int(from), Lit::Int(to), Lit::Int(inc)) => {
            if inc == 0 {
                return None;
            }
            if (from < to && inc < 0) || (from > to && inc > 0) {
                return Some(0);
            }
            i64::try_from((to - from).abs() / inc.abs() + 1).ok()
        }
        (Lit::Float(from), Lit::Float(to), Lit::Float(inc)) => {
            let estimate = ((to - from) / inc).abs();
            if !estimate.is_finite() || estimate > (1u64 << 20) as f64 {
                return None;
            }
            let rows = if vt == Scalar::Float(32) {
                daphne_rt::kernels::generation::seq_typed::<f32>(from as f32, to as f32, inc as f32).ok()?.rows()
            } else {
                daphne_rt::kernels::generation::seq_typed::<f64>(from, to, inc).ok()?.rows()
            };
            Some(rows as i64)
        }
        _ => None,
    }
}

/// The shape of `read(file)` for a constant `.csv` file name: the CSV reader reads exactly the
/// `numRows` × `numCols` of its `.meta` file (read here at compile time, as the frontend also
/// does to type the result); `numNonZeros`, when given, estimates the sparsity.
fn read_meta(op: Op) -> Props {
    let Some(Lit::Str(path)) = constant_of(op.operand(0)) else { return Props::UNKNOWN };
    let is_csv = std::path::Path::new(&path).extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !is_csv || !op.result(0).is_matrix() {
        return Props::UNKNOWN;
    }
    let Ok(meta) = daphne_rt::io::read_meta(&path) else { return Props::UNKNOWN };
    let (r, c) = (meta.num_rows as i64, meta.num_cols as i64);
    let mut p = Props::shape(r, c);
    if meta.num_non_zeros >= 0 && r > 0 && c > 0 && meta.num_non_zeros <= r * c {
        p.sparsity = meta.num_non_zeros as f64 / (r * c) as f64;
    }
    p
}
