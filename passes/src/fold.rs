//! Compile-time evaluation of scalar operations, bit-for-bit as the compiled program would
//! compute them.
//!
//! Scalar daphne ops are not runtime kernels: [`crate::lower`] turns them into `arith`/`math`
//! ops, so "what DAPHNE's runtime computes" is what that lowering computes, and this module
//! mirrors it rule by rule:
//! - element-wise arithmetic converts both operands to the *result* type and computes there
//!   (integers wrap at the type's width, floats are IEEE in f32 or f64; a bool result is
//!   computed in si64 and converted back);
//! - comparisons compute in the more general operand type ([`Scalar::promote`]) and convert
//!   the 0/1 outcome to the result type; `&&`/`||` go through bool;
//! - integer `/` truncates and `%` keeps the dividend's sign (C); float `%` is `fmod`;
//! - `^` is `pow` on doubles, converted back; `log(x, b)` is `ln x / ln b`;
//! - `min`/`max` are `std::min`/`std::max`: `(b < a) ? b : a` and `(a < b) ? b : a`, so
//!   `min(1.0, nan)` is 1 and `min(nan, 1.0)` is nan (not IEEE minimum);
//! - conversions are C++ `static_cast`s; numbers become strings with `std::to_string` and
//!   strings become numbers with `std::stoll`/`std::stod` (the runtime's own functions).
//!
//! Whatever would fail or be undefined at run time is *not* folded (the function returns
//! `None`) and is left for the run time to report: integer division or remainder by zero,
//! `MIN / -1`, a float-to-integer conversion out of range or of NaN, a string that is not a
//! number. A NaN computed from non-NaN operands (`0.0 / 0`, `inf % 7`) is not folded either:
//! its sign bit differs between the processor and LLVM's constant folder. Likewise anything whose lowering this module does not reproduce exactly
//! (ordered comparisons of two booleans, unary ops with a bool result) stays unfolded.

use crate::scalar::Scalar;
use daphne_rt::{AggOp, BinaryOp, DenseMatrix, Element, Matrix, ScalarRef, UnaryOp};

/// A compile-time scalar of a known [`Scalar`] type. Integers are held canonically: signed
/// types sign-extended, unsigned types, `index` and bool zero-extended.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// Bool, signed, unsigned or index value.
    Int(i128),
    /// f32 or f64 value (an f32 is held exactly as the f64 of the same value).
    Float(f64),
    /// A string.
    Str(String),
}

impl Lit {
    fn int(&self) -> Option<i128> {
        match self {
            Lit::Int(v) => Some(*v),
            _ => None,
        }
    }

    fn float(&self) -> Option<f64> {
        match self {
            Lit::Float(v) => Some(*v),
            _ => None,
        }
    }
}

/// `v` reduced to the width of the integer type `to` and interpreted with its signedness.
pub fn wrap(v: i128, to: Scalar) -> i128 {
    let bits = to.bits();
    if bits >= 128 {
        return v;
    }
    let m = 1i128 << bits;
    let low = v.rem_euclid(m);
    if matches!(to, Scalar::Signed(_)) && low >= m / 2 { low - m } else { low }
}

/// Rounds an f64 to the precision of float type `to`.
fn round_to(v: f64, to: Scalar) -> f64 {
    if to == Scalar::Float(32) { v as f32 as f64 } else { v }
}

/// The range `[min, max]` of an integer type.
fn int_range(to: Scalar) -> (i128, i128) {
    match to {
        Scalar::Signed(b) => (-(1i128 << (b - 1)), (1i128 << (b - 1)) - 1),
        Scalar::Bool => (0, 1),
        other => (0, (1i128 << other.bits()) - 1),
    }
}

/// `static_cast<to>(v)` where `v` has type `from`, as the lowering converts.
pub fn convert(v: &Lit, from: Scalar, to: Scalar) -> Option<Lit> {
    if from == to {
        return Some(v.clone());
    }
    match (from, to) {
        (Scalar::Str, _) => {
            let Lit::Str(s) = v else { return None };
            if to.is_float() {
                let f = daphne_rt::convert::parse_f64(s).ok()?;
                convert(&Lit::Float(f), Scalar::Float(64), to)
            } else {
                let i = daphne_rt::convert::parse_i64(s).ok()?;
                convert(&Lit::Int(i as i128), Scalar::Signed(64), to)
            }
        }
        (_, Scalar::Str) => Some(Lit::Str(match (from, v) {
            (Scalar::Float(_), Lit::Float(f)) => daphne_rt::convert::float_to_string(*f),
            (Scalar::Signed(_), Lit::Int(i)) => (*i as i64).to_string(),
            (_, Lit::Int(i)) => (*i as u64).to_string(),
            _ => return None,
        })),
        (_, Scalar::Bool) => Some(Lit::Int(match v {
            Lit::Int(i) => (*i != 0) as i128,
            Lit::Float(f) => (*f != 0.0 || f.is_nan()) as i128,
            Lit::Str(_) => return None,
        })),
        (Scalar::Float(_), Scalar::Float(_)) => Some(Lit::Float(round_to(v.float()?, to))),
        (Scalar::Float(_), _) => {
            let f = v.float()?;
            let t = f.trunc();
            let (lo, hi) = int_range(to);
            // fptosi/fptoui of NaN or of an out-of-range value is poison in LLVM: not folded.
            if f.is_nan() || t < lo as f64 || t > hi as f64 {
                return None;
            }
            Some(Lit::Int(t as i128))
        }
        (_, Scalar::Float(w)) => {
            let i = v.int()?;
            // sitofp for signed sources, uitofp for bool, unsigned and index; one rounding.
            let f = match (from, w) {
                (Scalar::Signed(_), 32) => i as i64 as f32 as f64,
                (Scalar::Signed(_), _) => i as i64 as f64,
                (_, 32) => i as u64 as f32 as f64,
                _ => i as u64 as f64,
            };
            Some(Lit::Float(f))
        }
        _ => Some(Lit::Int(wrap(v.int()?, to))),
    }
}

/// The runtime's binary op code of a daphne op name (`ew_add` → ADD).
pub fn binary_op(name: &str) -> Option<BinaryOp> {
    use BinaryOp as B;
    Some(match name {
        "ew_add" => B::ADD,
        "ew_sub" => B::SUB,
        "ew_mul" => B::MUL,
        "ew_div" => B::DIV,
        "ew_pow" => B::POW,
        "ew_mod" => B::MOD,
        "ew_log" => B::LOG,
        "ew_min" => B::MIN,
        "ew_max" => B::MAX,
        "ew_and" => B::AND,
        "ew_or" => B::OR,
        "ew_eq" => B::EQ,
        "ew_neq" => B::NE,
        "ew_lt" => B::LT,
        "ew_le" => B::LE,
        "ew_gt" => B::GT,
        "ew_ge" => B::GE,
        _ => return None,
    })
}

/// The runtime's unary op code of a daphne op name (`ew_abs` → ABS).
pub fn unary_op(name: &str) -> Option<UnaryOp> {
    use UnaryOp as U;
    Some(match name {
        "ew_minus" => U::MINUS,
        "ew_abs" => U::ABS,
        "ew_sign" => U::SIGN,
        "ew_sqrt" => U::SQRT,
        "ew_exp" => U::EXP,
        "ew_ln" => U::LN,
        "ew_round" => U::ROUND,
        "ew_floor" => U::FLOOR,
        "ew_ceil" => U::CEIL,
        "ew_sin" => U::SIN,
        "ew_cos" => U::COS,
        "ew_tan" => U::TAN,
        "ew_asin" => U::ASIN,
        "ew_acos" => U::ACOS,
        "ew_atan" => U::ATAN,
        "ew_sinh" => U::SINH,
        "ew_cosh" => U::COSH,
        "ew_tanh" => U::TANH,
        "ew_isnan" => U::ISNAN,
        _ => return None,
    })
}

/// What an aggregation reduces: all cells to a scalar, each row, or each column.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AggAxis {
    /// All cells (`sum(X)`): a scalar.
    All,
    /// Each row (`rowSums(X)`): an n×1 matrix.
    Row,
    /// Each column (`colSums(X)`): a 1×m matrix.
    Col,
}

/// The runtime's aggregation code and axis of a daphne op name (`sum_row` → SUM, Row).
pub fn agg_op(name: &str) -> Option<(AggOp, AggAxis)> {
    let (base, axis) = name.rsplit_once('_')?;
    let axis = match axis {
        "all" => AggAxis::All,
        "row" => AggAxis::Row,
        "col" => AggAxis::Col,
        _ => return None,
    };
    let op = match base {
        "sum" => AggOp::SUM,
        "min" => AggOp::MIN,
        "max" => AggOp::MAX,
        "mean" => AggOp::MEAN,
        "var" => AggOp::VAR,
        "stddev" => AggOp::STDDEV,
        "idxmin" => AggOp::IDXMIN,
        "idxmax" => AggOp::IDXMAX,
        _ => return None,
    };
    Some((op, axis))
}

fn bool_lit(b: bool, result: Scalar) -> Option<Lit> {
    convert(&Lit::Int(b as i128), Scalar::Bool, result)
}

/// `a op b` for scalars `a: la`, `b: lb` with result type `result`.
pub fn binary(op: BinaryOp, (a, la): (&Lit, Scalar), (b, lb): (&Lit, Scalar), result: Scalar) -> Option<Lit> {
    use BinaryOp as B;
    if matches!(op, B::AND | B::OR) {
        let x = convert(a, la, Scalar::Bool)?.int()? != 0;
        let y = convert(b, lb, Scalar::Bool)?.int()? != 0;
        return bool_lit(if op == B::AND { x && y } else { x || y }, result);
    }
    if matches!(op, B::EQ | B::NE | B::LT | B::LE | B::GT | B::GE) {
        let ct = Scalar::promote(la, lb);
        let (x, y) = (convert(a, la, ct)?, convert(b, lb, ct)?);
        let outcome = match (&x, &y) {
            (Lit::Str(s), Lit::Str(t)) => {
                let r = daphne_rt::kernels::strings::compare(op, s, t).ok()?;
                return convert(&Lit::Int(r as i128), Scalar::Signed(64), result);
            }
            // The lowering compares i1 as signed (true < false): leave that to it.
            _ if ct == Scalar::Bool && !matches!(op, B::EQ | B::NE) => return None,
            (Lit::Float(x), Lit::Float(y)) => match op {
                B::EQ => x == y,
                B::NE => x != y,
                B::LT => x < y,
                B::LE => x <= y,
                B::GT => x > y,
                _ => x >= y,
            },
            (Lit::Int(x), Lit::Int(y)) => match op {
                B::EQ => x == y,
                B::NE => x != y,
                B::LT => x < y,
                B::LE => x <= y,
                B::GT => x > y,
                _ => x >= y,
            },
            _ => return None,
        };
        return bool_lit(outcome, result);
    }
    // Bool arithmetic is computed on si64 and converted back (`true + true` is true).
    let ct = if result == Scalar::Bool { Scalar::Signed(64) } else { result };
    if ct == Scalar::Str {
        return None;
    }
    let (x, y) = (convert(a, la, ct)?, convert(b, lb, ct)?);
    let v = arithmetic(op, x, y, ct)?;
    convert(&v, ct, result)
}

/// `x op y` for an arithmetic `op`, both operands and the result of type `ct`.
fn arithmetic(op: BinaryOp, x: Lit, y: Lit, ct: Scalar) -> Option<Lit> {
    use BinaryOp as B;
    match (x, y) {
        (Lit::Int(x), Lit::Int(y)) => {
            let signed = matches!(ct, Scalar::Signed(_));
            let v = match op {
                B::ADD => x + y,
                B::SUB => x - y,
                B::MUL => x * y,
                B::DIV | B::MOD => {
                    if y == 0 || (signed && y == -1 && x == int_range(ct).0) {
                        return None; // a run-time error (or UB): leave it to the run time
                    }
                    if op == B::DIV { x / y } else { x % y }
                }
                B::POW => {
                    let fx = convert(&Lit::Int(x), ct, Scalar::Float(64))?;
                    let fy = convert(&Lit::Int(y), ct, Scalar::Float(64))?;
                    let p = fx.float()?.powf(fy.float()?);
                    return convert(&Lit::Float(p), Scalar::Float(64), ct);
                }
                B::MIN => {
                    if y < x { y } else { x }
                }
                B::MAX => {
                    if x < y { y } else { x }
                }
                _ => return None,
            };
            Some(Lit::Int(wrap(v, ct)))
        }
        (Lit::Float(x), Lit::Float(y)) => {
            let single = ct == Scalar::Float(32);
            let v = match op {
                B::ADD | B::SUB | B::MUL | B::DIV | B::MOD if single => {
                    let (x, y) = (x as f32, y as f32);
                    (match op {
                        B::ADD => x + y,
                        B::SUB => x - y,
                        B::MUL => x * y,
                        B::DIV => x / y,
                        _ => x % y,
                    }) as f64
                }
                B::ADD => x + y,
                B::SUB => x - y,
                B::MUL => x * y,
                B::DIV => x / y,
                B::MOD => x % y,
                B::POW => round_to(x.powf(y), ct),
                B::LOG => {
                    // ln x / ln y, each logarithm guarded like a result of its own.
                    let ln = |v: f64| -> Option<f64> {
                        let l = if single { (v as f32).ln() as f64 } else { v.ln() };
                        if let Some(Lit::Float(l)) = fresh_nan_guard(l, &[v]) { Some(l) } else { None }
                    };
                    let (lx, ly) = (ln(x)?, ln(y)?);
                    if single { (lx as f32 / ly as f32) as f64 } else { lx / ly }
                }
                B::MIN => {
                    if y < x { y } else { x }
                }
                B::MAX => {
                    if x < y { y } else { x }
                }
                _ => return None,
            };
            fresh_nan_guard(v, &[x, y])
        }
        _ => None,
    }
}

/// `v`, unless it is a NaN made from operands that are not NaN: the sign of such a "default"
/// NaN differs between the processor (x86 makes `-nan`) and LLVM's constant folder (`nan`),
/// so the lowered program's own output depends on whether LLVM folds it; leaving the op
/// alone keeps whatever the program does without this pass.
fn fresh_nan_guard(v: f64, operands: &[f64]) -> Option<Lit> {
    if v.is_nan() && !operands.iter().any(|o| o.is_nan()) { None } else { Some(Lit::Float(v)) }
}

/// `a + b` on strings (`ew_concat`), numbers converted with `std::to_string`.
pub fn concat((a, la): (&Lit, Scalar), (b, lb): (&Lit, Scalar)) -> Option<Lit> {
    let (Lit::Str(x), Lit::Str(y)) = (convert(a, la, Scalar::Str)?, convert(b, lb, Scalar::Str)?) else {
        return None;
    };
    Some(Lit::Str(daphne_rt::kernels::strings::concat(&x, &y)))
}

/// `op(a)` for a scalar `a: s` with result type `result` (op: the daphne name, `ew_abs`).
pub fn unary(op: &str, (a, s): (&Lit, Scalar), result: Scalar) -> Option<Lit> {
    if matches!(result, Scalar::Str | Scalar::Bool) {
        return None;
    }
    let x = convert(a, s, result)?;
    match x {
        Lit::Int(x) => Some(Lit::Int(match op {
            "ew_minus" => wrap(-x, result),
            "ew_abs" => wrap(x.abs(), result),
            "ew_round" | "ew_floor" | "ew_ceil" => x,
            "ew_sign" => (x > 0) as i128 - (x < 0) as i128,
            "ew_isnan" => 0,
            _ => return None,
        })),
        Lit::Float(x) => {
            let f: fn(f64) -> f64 = match op {
                "ew_minus" => |x| -x,
                "ew_abs" => f64::abs,
                "ew_round" => f64::round,
                "ew_floor" => f64::floor,
                "ew_ceil" => f64::ceil,
                "ew_sign" => |x| if x.is_nan() { x } else { (x > 0.0) as i32 as f64 - (x < 0.0) as i32 as f64 },
                "ew_isnan" => |x| x.is_nan() as i32 as f64,
                "ew_sqrt" => f64::sqrt,
                "ew_exp" => f64::exp,
                "ew_ln" => f64::ln,
                "ew_sin" => f64::sin,
                "ew_cos" => f64::cos,
                "ew_tan" => f64::tan,
                "ew_asin" => f64::asin,
                "ew_acos" => f64::acos,
                "ew_atan" => f64::atan,
                "ew_sinh" => f64::sinh,
                "ew_cosh" => f64::cosh,
                "ew_tanh" => f64::tanh,
                _ => return None,
            };
            if result == Scalar::Float(32) {
                // The lowering calls the f32 variants (`expf`, ...): compute in f32 too.
                let g: fn(f32) -> f32 = match op {
                    "ew_minus" => |x| -x,
                    "ew_abs" => f32::abs,
                    "ew_round" => f32::round,
                    "ew_floor" => f32::floor,
                    "ew_ceil" => f32::ceil,
                    "ew_sign" | "ew_isnan" => return Some(Lit::Float(f(x))),
                    "ew_sqrt" => f32::sqrt,
                    "ew_exp" => f32::exp,
                    "ew_ln" => f32::ln,
                    "ew_sin" => f32::sin,
                    "ew_cos" => f32::cos,
                    "ew_tan" => f32::tan,
                    "ew_asin" => f32::asin,
                    "ew_acos" => f32::acos,
                    "ew_atan" => f32::atan,
                    "ew_sinh" => f32::sinh,
                    "ew_cosh" => f32::cosh,
                    "ew_tanh" => f32::tanh,
                    _ => return None,
                };
                return fresh_nan_guard(g(x as f32) as f64, &[x]);
            }
            fresh_nan_guard(f(x), &[x])
        }
        Lit::Str(_) => None,
    }
}

/// The largest matrix (in cells) that folding computes at compile time. Each cell of a folded
/// matrix becomes one constant op in the IR (and one store when the literal is built at run
/// time), so the bound keeps the module small and compile time flat while covering what
/// scripts write as constants: literals, small `fill`s and `seq`s (up to 8×8). A larger
/// matrix costs the runtime kernel no more than loading it as a literal would.
pub const MAX_FOLD_CELLS: usize = 64;

/// A small matrix known at compile time: `rows`×`cols` cells of value type `vt`, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstMatrix {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// The value type of the cells (numeric or bool; string matrices are not folded).
    pub vt: Scalar,
    /// The cells, row by row, each held as [`Lit`] of type `vt`.
    pub cells: Vec<Lit>,
}

impl ConstMatrix {
    /// The runtime matrix with these cells (what the lowered literal builds).
    pub fn to_runtime(&self) -> Option<Matrix> {
        fn typed<T: Element>(m: &ConstMatrix, cell: impl Fn(&Lit) -> Option<T>) -> Option<Matrix> {
            let cells: Vec<T> = m.cells.iter().map(cell).collect::<Option<_>>()?;
            Some(Matrix::from(DenseMatrix::from_vec(m.rows, m.cols, cells).ok()?))
        }
        if self.cells.len() != self.rows * self.cols {
            return None;
        }
        match self.vt {
            Scalar::Float(64) => typed(self, |l| l.float()),
            Scalar::Float(32) => typed(self, |l| l.float().map(|f| f as f32)),
            Scalar::Signed(64) => typed(self, |l| l.int().map(|i| i as i64)),
            Scalar::Signed(32) => typed(self, |l| l.int().map(|i| i as i32)),
            Scalar::Signed(8) => typed(self, |l| l.int().map(|i| i as i8)),
            Scalar::Unsigned(64) => typed(self, |l| l.int().map(|i| i as u64)),
            Scalar::Unsigned(32) => typed(self, |l| l.int().map(|i| i as u32)),
            Scalar::Unsigned(8) => typed(self, |l| l.int().map(|i| i as u8)),
            Scalar::Bool => typed(self, |l| l.int().map(|i| i != 0)),
            _ => None,
        }
    }

    /// The cells of a dense runtime matrix of value type `vt`, if it is small enough and
    /// holds no NaN (a NaN's sign bit is not portable through a constant, see
    /// [`fresh_nan_guard`]).
    pub fn from_runtime(m: &Matrix, vt: Scalar) -> Option<ConstMatrix> {
        fn cells<T: Element>(m: &Matrix, lit: impl Fn(T) -> Lit) -> Option<Vec<Lit>> {
            Some(m.dense::<T>()?.to_vec().into_iter().map(lit).collect())
        }
        if m.value_type() != vt.rt_type() || m.rows() * m.cols() > MAX_FOLD_CELLS {
            return None;
        }
        let cells = match vt {
            Scalar::Float(64) => cells(m, Lit::Float)?,
            Scalar::Float(32) => cells(m, |f: f32| Lit::Float(f as f64))?,
            Scalar::Signed(64) => cells(m, |i: i64| Lit::Int(i as i128))?,
            Scalar::Signed(32) => cells(m, |i: i32| Lit::Int(i as i128))?,
            Scalar::Signed(8) => cells(m, |i: i8| Lit::Int(i as i128))?,
            Scalar::Unsigned(64) => cells(m, |i: u64| Lit::Int(i as i128))?,
            Scalar::Unsigned(32) => cells(m, |i: u32| Lit::Int(i as i128))?,
            Scalar::Unsigned(8) => cells(m, |i: u8| Lit::Int(i as i128))?,
            Scalar::Bool => cells(m, |b: bool| Lit::Int(b as i128))?,
            _ => return None,
        };
        if cells.iter().any(|c| matches!(c, Lit::Float(f) if f.is_nan())) {
            return None;
        }
        Some(ConstMatrix { rows: m.rows(), cols: m.cols(), vt, cells })
    }
}

/// The scalar `v: s` as the runtime kernels receive it: converted to its ABI carrier (i64 for
/// bool and signed, u64 for unsigned and index, f64 for floats), as the lowering does.
pub fn carrier_ref(v: &Lit, s: Scalar) -> Option<ScalarRef<'static>> {
    Some(match s {
        Scalar::Bool | Scalar::Signed(_) => ScalarRef::Int(convert(v, s, Scalar::Signed(64))?.int()? as i64),
        Scalar::Unsigned(_) | Scalar::Index => ScalarRef::UInt(convert(v, s, Scalar::Unsigned(64))?.int()? as u64),
        Scalar::Float(_) => ScalarRef::Float(convert(v, s, Scalar::Float(64))?.float()?),
        Scalar::Str => return None,
    })
}

/// The carrier type of `s` (see [`carrier_ref`]).
pub fn carrier_type(s: Scalar) -> Scalar {
    match s {
        Scalar::Bool | Scalar::Signed(_) => Scalar::Signed(64),
        Scalar::Unsigned(_) | Scalar::Index => Scalar::Unsigned(64),
        other => other,
    }
}

/// An operand of a matrix op being folded.
#[derive(Clone, Debug)]
pub enum Operand {
    /// A constant scalar and its type.
    Scalar(Lit, Scalar),
    /// A small constant matrix.
    Matrix(ConstMatrix),
}

/// The result of folding a matrix op.
#[derive(Clone, Debug, PartialEq)]
pub enum Folded {
    /// A scalar (full aggregations).
    Scalar(Lit),
    /// A small matrix.
    Matrix(ConstMatrix),
}

/// Daphne op `name` on constant operands with result type `result` (a matrix of value type
/// `vt`, or a scalar), computed by the very runtime kernels the lowered program calls, with
/// the operands converted as the lowering converts them; `None` if the kernel fails (the
/// run-time error is left to the run time), the result is too large or holds a NaN.
pub fn matrix_op(name: &str, operands: &[Operand], result: crate::scalar::Kind) -> Option<Folded> {
    use crate::scalar::Kind;
    use daphne_rt::kernels::{aggregation, ew_binary, ew_unary, generation, reorganization};
    let scalar_matrix = |v: &Lit, s: Scalar| -> Option<Matrix> {
        let r = carrier_ref(v, s)?;
        generation::fill(r.value_type(), r, 1, 1).ok()
    };
    let rt = |m: &ConstMatrix| m.to_runtime();
    let out = match (result, operands) {
        (Kind::Matrix(vt), [a, b]) if binary_op(name).is_some() => {
            let op = binary_op(name)?;
            match (a, b) {
                (Operand::Matrix(x), Operand::Matrix(y)) => ew_binary::ew_binary(op, vt.rt_type(), &rt(x)?, &rt(y)?),
                (Operand::Matrix(x), Operand::Scalar(v, s)) => ew_binary::ew_binary(op, vt.rt_type(), &rt(x)?, &scalar_matrix(v, *s)?),
                (Operand::Scalar(v, s), Operand::Matrix(y)) => {
                    ew_binary::ew_binary_scalar_lhs(op, vt.rt_type(), &scalar_matrix(v, *s)?, &rt(y)?)
                }
                _ => return None,
            }
        }
        (Kind::Matrix(vt), [Operand::Matrix(x)]) if unary_op(name).is_some() => ew_unary::ew_unary(unary_op(name)?, vt.rt_type(), &rt(x)?),
        (Kind::Matrix(_), [Operand::Matrix(x)]) if name == "transpose" => reorganization::transpose(&rt(x)?),
        (Kind::Matrix(vt), [Operand::Matrix(x)]) if name == "cast" => rt(x)?.cast(vt.rt_type()),
        (Kind::Matrix(vt), [Operand::Matrix(x)]) => match agg_op(name)? {
            (op, AggAxis::Row) => aggregation::agg_axis(op, aggregation::Axis::Rows, vt.rt_type(), &rt(x)?),
            (op, AggAxis::Col) => aggregation::agg_axis(op, aggregation::Axis::Cols, vt.rt_type(), &rt(x)?),
            (_, AggAxis::All) => return None,
        },
        (Kind::Scalar(s), [Operand::Matrix(x)]) => {
            let (op, AggAxis::All) = agg_op(name)? else { return None };
            let m = rt(x)?;
            let carried = match carrier_type(s) {
                Scalar::Signed(_) => Lit::Int(aggregation::agg_all::<i64>(op, &m).ok()? as i128),
                Scalar::Unsigned(_) => Lit::Int(aggregation::agg_all::<u64>(op, &m).ok()? as i128),
                Scalar::Float(_) => Lit::Float(aggregation::agg_all::<f64>(op, &m).ok()?),
                _ => return None,
            };
            let v = convert(&carried, carrier_type(s), s)?;
            if matches!(v, Lit::Float(f) if f.is_nan()) {
                return None;
            }
            return Some(Folded::Scalar(v));
        }
        _ => return None,
    };
    let Kind::Matrix(vt) = result else { return None };
    ConstMatrix::from_runtime(&out.ok()?, vt).map(Folded::Matrix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use BinaryOp as B;

    const SI64: Scalar = Scalar::Signed(64);
    const F64: Scalar = Scalar::Float(64);

    fn i(v: i128) -> Lit {
        Lit::Int(v)
    }

    fn f(v: f64) -> Lit {
        Lit::Float(v)
    }

    fn bin(op: BinaryOp, a: Lit, la: Scalar, b: Lit, lb: Scalar, r: Scalar) -> Option<Lit> {
        binary(op, (&a, la), (&b, lb), r)
    }

    #[test]
    fn integer_division_truncates_and_remainder_keeps_the_dividend_sign() {
        assert_eq!(bin(B::DIV, i(-7), SI64, i(2), SI64, SI64), Some(i(-3)));
        assert_eq!(bin(B::MOD, i(-7), SI64, i(2), SI64, SI64), Some(i(-1)));
        assert_eq!(bin(B::MOD, i(7), SI64, i(-2), SI64, SI64), Some(i(1)));
        // Division by zero and MIN / -1 are left for the run time.
        assert_eq!(bin(B::DIV, i(7), SI64, i(0), SI64, SI64), None);
        assert_eq!(bin(B::MOD, i(7), SI64, i(0), SI64, SI64), None);
        assert_eq!(bin(B::DIV, i(i64::MIN as i128), SI64, i(-1), SI64, SI64), None);
        // Floats divide by zero to infinity at run time too.
        assert_eq!(bin(B::DIV, f(1.0), F64, i(0), SI64, F64), Some(f(f64::INFINITY)));
        assert_eq!(bin(B::MOD, f(-7.5), F64, f(2.0), F64, F64), Some(f(-1.5)));
        // A NaN made from non-NaN operands is left alone (its sign is not portable)...
        assert_eq!(bin(B::DIV, f(0.0), F64, i(0), SI64, F64), None);
        assert_eq!(bin(B::MOD, f(f64::INFINITY), F64, i(7), SI64, F64), None);
        assert_eq!(unary("ew_sqrt", (&f(-1.0), F64), F64), None);
        assert_eq!(bin(B::LOG, f(-7.0), F64, f(f64::NAN), F64, F64), None);
        // ...but a NaN operand propagates.
        assert!(bin(B::ADD, f(f64::NAN), F64, i(1), SI64, F64).unwrap().float().unwrap().is_nan());
    }

    #[test]
    fn integers_wrap_at_their_width() {
        assert_eq!(bin(B::ADD, i(i64::MAX as i128), SI64, i(1), SI64, SI64), Some(i(i64::MIN as i128)));
        assert_eq!(bin(B::ADD, i(250), Scalar::Unsigned(8), i(10), Scalar::Unsigned(8), Scalar::Unsigned(8)), Some(i(4)));
        assert_eq!(bin(B::SUB, i(0), Scalar::Unsigned(64), i(1), Scalar::Unsigned(64), Scalar::Unsigned(64)), Some(i(u64::MAX as i128)));
        assert_eq!(unary("ew_minus", (&i(i64::MIN as i128), SI64), SI64), Some(i(i64::MIN as i128)));
        assert_eq!(unary("ew_abs", (&i(i64::MIN as i128), SI64), SI64), Some(i(i64::MIN as i128)));
    }

    #[test]
    fn min_and_max_are_std_min_and_max() {
        let nan = f64::NAN;
        assert_eq!(bin(B::MIN, f(1.0), F64, f(nan), F64, F64), Some(f(1.0)));
        assert!(bin(B::MIN, f(nan), F64, f(1.0), F64, F64).unwrap().float().unwrap().is_nan());
        assert_eq!(bin(B::MAX, f(1.0), F64, f(nan), F64, F64), Some(f(1.0)));
        // std::min(-0.0, 0.0) is the first argument.
        let m = bin(B::MIN, f(-0.0), F64, f(0.0), F64, F64).unwrap().float().unwrap();
        assert!(m == 0.0 && m.is_sign_negative());
        let m = bin(B::MIN, f(0.0), F64, f(-0.0), F64, F64).unwrap().float().unwrap();
        assert!(m == 0.0 && m.is_sign_positive());
        assert_eq!(bin(B::MIN, i(3), SI64, f(1.5), F64, F64), Some(f(1.5)));
    }

    #[test]
    fn comparisons_compute_in_the_promoted_type() {
        assert_eq!(bin(B::EQ, i(5), SI64, f(5.0), F64, F64), Some(f(1.0)));
        assert_eq!(bin(B::LT, f(3.5), F64, i(4), SI64, F64), Some(f(1.0)));
        assert_eq!(bin(B::NE, f(f64::NAN), F64, f(f64::NAN), F64, SI64), Some(i(1)));
        assert_eq!(bin(B::LT, f(f64::NAN), F64, f(1.0), F64, SI64), Some(i(0)));
        // -1 (si64) compared with 1 (ui64) is compared as ui64, as C++ does.
        assert_eq!(bin(B::LT, i(-1), SI64, i(1), Scalar::Unsigned(64), SI64), Some(i(0)));
        assert_eq!(bin(B::LT, Lit::Str("a".into()), Scalar::Str, Lit::Str("b".into()), Scalar::Str, SI64), Some(i(1)));
        assert_eq!(bin(B::LT, i(1), Scalar::Bool, i(0), Scalar::Bool, Scalar::Bool), None);
        assert_eq!(bin(B::OR, i(0), SI64, i(2), SI64, SI64), Some(i(1)));
        // Bool arithmetic goes through si64: true + true is 2, which is true; true - true is false.
        assert_eq!(bin(B::ADD, i(1), Scalar::Bool, i(1), Scalar::Bool, Scalar::Bool), Some(i(1)));
        assert_eq!(bin(B::SUB, i(1), Scalar::Bool, i(1), Scalar::Bool, Scalar::Bool), Some(i(0)));
        assert_eq!(bin(B::AND, f(f64::NAN), F64, i(1), SI64, Scalar::Unsigned(64)), Some(i(1)));
    }

    #[test]
    fn conversions_are_static_casts() {
        assert_eq!(convert(&f(-2.9), F64, SI64), Some(i(-2)));
        assert_eq!(convert(&f(f64::NAN), F64, SI64), None);
        assert_eq!(convert(&f(1e30), F64, SI64), None);
        assert_eq!(convert(&f(-0.5), F64, Scalar::Unsigned(64)), Some(i(0)));
        assert_eq!(convert(&i(300), SI64, Scalar::Unsigned(8)), Some(i(44)));
        assert_eq!(convert(&i(-1), SI64, Scalar::Unsigned(64)), Some(i(u64::MAX as i128)));
        assert_eq!(convert(&i(-1), Scalar::Signed(8), SI64), Some(i(-1)));
        assert_eq!(convert(&i(1), Scalar::Bool, F64), Some(f(1.0)));
        assert_eq!(convert(&f(f64::NAN), F64, Scalar::Bool), Some(i(1)));
        assert_eq!(convert(&i(u64::MAX as i128), Scalar::Unsigned(64), F64), Some(f(u64::MAX as f64)));
        // One rounding from i64 to f32 (not via f64).
        let big = (1i128 << 60) + (1 << 36) + 1;
        assert_eq!(convert(&i(big), SI64, Scalar::Float(32)), Some(f(big as i64 as f32 as f64)));
    }

    #[test]
    fn strings_follow_std_to_string() {
        let s = |v: &str| Lit::Str(v.into());
        assert_eq!(concat((&s("x"), Scalar::Str), (&f(2.5), F64)), Some(s("x2.500000")));
        assert_eq!(concat((&s("x"), Scalar::Str), (&i(-3), SI64)), Some(s("x-3")));
        assert_eq!(concat((&i(1), Scalar::Bool), (&s(""), Scalar::Str)), Some(s("1")));
        assert_eq!(convert(&s("12"), Scalar::Str, SI64), Some(i(12)));
        assert_eq!(convert(&s("abc"), Scalar::Str, SI64), None);
    }

    #[test]
    fn pow_goes_through_double() {
        assert_eq!(bin(B::POW, i(2), SI64, i(10), SI64, SI64), Some(i(1024)));
        assert_eq!(bin(B::POW, i(-2), SI64, i(2), SI64, SI64), Some(i(4)));
        assert_eq!(bin(B::POW, i(2), SI64, i(-1), SI64, SI64), Some(i(0)));
        assert_eq!(bin(B::POW, i(10), SI64, i(30), SI64, SI64), None);
        assert_eq!(bin(B::LOG, f(8.0), F64, f(2.0), F64, F64), Some(f(8f64.ln() / 2f64.ln())));
    }

    #[test]
    fn float_unary_functions() {
        let z = unary("ew_sign", (&f(-0.0), F64), F64).unwrap().float().unwrap();
        assert!(z == 0.0 && z.is_sign_positive());
        assert!(unary("ew_sign", (&f(f64::NAN), F64), F64).unwrap().float().unwrap().is_nan());
        assert_eq!(unary("ew_round", (&f(-2.5), F64), F64), Some(f(-3.0)));
        assert_eq!(unary("ew_sqrt", (&i(16), SI64), F64), Some(f(4.0)));
        assert_eq!(unary("ew_sqrt", (&i(16), SI64), SI64), None);
        assert_eq!(unary("ew_sign", (&i(5), Scalar::Unsigned(64)), Scalar::Unsigned(64)), Some(i(1)));
    }

    fn cm(rows: usize, cols: usize, vt: Scalar, cells: Vec<Lit>) -> ConstMatrix {
        ConstMatrix { rows, cols, vt, cells }
    }

    #[test]
    fn small_matrices_fold_through_the_runtime_kernels() {
        use crate::scalar::Kind;
        let a = cm(2, 2, F64, vec![f(1.0), f(2.0), f(3.0), f(4.0)]);
        // Broadcasting a scalar (converted to its carrier) keeps the matrix's shape.
        let plus = matrix_op("ew_add", &[Operand::Matrix(a.clone()), Operand::Scalar(i(1), SI64)], Kind::Matrix(F64));
        assert_eq!(plus, Some(Folded::Matrix(cm(2, 2, F64, vec![f(2.0), f(3.0), f(4.0), f(5.0)]))));
        let t = matrix_op("transpose", &[Operand::Matrix(a.clone())], Kind::Matrix(F64));
        assert_eq!(t, Some(Folded::Matrix(cm(2, 2, F64, vec![f(1.0), f(3.0), f(2.0), f(4.0)]))));
        assert_eq!(matrix_op("sum_all", &[Operand::Matrix(a.clone())], Kind::Scalar(F64)), Some(Folded::Scalar(f(10.0))));
        let rows = matrix_op("sum_row", &[Operand::Matrix(a.clone())], Kind::Matrix(F64));
        assert_eq!(rows, Some(Folded::Matrix(cm(2, 1, F64, vec![f(3.0), f(7.0)]))));
        // Integers wrap in the result type, as the kernel computes.
        let u8m = cm(1, 2, Scalar::Unsigned(8), vec![i(200), i(100)]);
        let wrapped = matrix_op("ew_add", &[Operand::Matrix(u8m.clone()), Operand::Matrix(u8m)], Kind::Matrix(Scalar::Unsigned(8)));
        assert_eq!(wrapped, Some(Folded::Matrix(cm(1, 2, Scalar::Unsigned(8), vec![i(144), i(200)]))));
    }

    #[test]
    fn failing_or_nan_matrix_results_are_left_to_the_run_time() {
        use crate::scalar::Kind;
        let z = cm(1, 2, SI64, vec![i(1), i(0)]);
        assert_eq!(matrix_op("ew_div", &[Operand::Matrix(z.clone()), Operand::Matrix(z)], Kind::Matrix(SI64)), None);
        let zf = cm(1, 1, F64, vec![f(0.0)]);
        assert_eq!(matrix_op("ew_div", &[Operand::Matrix(zf.clone()), Operand::Scalar(f(0.0), F64)], Kind::Matrix(F64)), None);
        let wide = cm(1, 2, F64, vec![f(1.0), f(2.0)]);
        let tall = cm(3, 1, F64, vec![f(1.0), f(2.0), f(3.0)]);
        assert_eq!(matrix_op("ew_add", &[Operand::Matrix(wide), Operand::Matrix(tall)], Kind::Matrix(F64)), None);
        // A result above MAX_FOLD_CELLS is not folded either.
        let big = cm(2, MAX_FOLD_CELLS, F64, vec![f(1.0); 2 * MAX_FOLD_CELLS]);
        assert_eq!(matrix_op("ew_add", &[Operand::Matrix(big), Operand::Scalar(f(1.0), F64)], Kind::Matrix(F64)), None);
    }
}
