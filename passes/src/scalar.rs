//! The daphne-level meaning of MLIR types, as the middle-end passes see them.
//!
//! MLIR's builtin integer types carry signedness (`si64`, `ui8`, `i1`), which is exactly
//! DaphneDSL's value types; `index` is DAPHNE's `size`; `!daphne.string` is `str`; a
//! `!daphne.matrix<vt>` has value type `vt`. [`Kind::of`] reads a type once so the passes
//! can match on an enum instead of on printed type names.

use melior::ir::Type;

/// A scalar value type, with signedness and width.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Scalar {
    /// `i1`.
    Bool,
    /// `si8`, `si32`, `si64` (the width in bits).
    Signed(u32),
    /// `ui8`, `ui32`, `ui64`.
    Unsigned(u32),
    /// `index` (DAPHNE's `size`, 64-bit unsigned at run time).
    Index,
    /// `f32`, `f64`.
    Float(u32),
    /// `!daphne.string`.
    Str,
}

impl Scalar {
    /// Parses a printed scalar type (`si64`, `f64`, `!daphne.string`, ...).
    pub fn parse(text: &str) -> Option<Scalar> {
        Some(match text {
            "i1" => Scalar::Bool,
            "index" => Scalar::Index,
            "f32" => Scalar::Float(32),
            "f64" => Scalar::Float(64),
            "!daphne.string" => Scalar::Str,
            t if t.starts_with("si") => Scalar::Signed(t[2..].parse().ok()?),
            t if t.starts_with("ui") => Scalar::Unsigned(t[2..].parse().ok()?),
            t if t.starts_with('i') => Scalar::Signed(t[1..].parse().ok()?),
            _ => return None,
        })
    }

    /// The runtime's value type for this scalar type (index is ui64).
    pub fn rt_type(self) -> daphne_rt::ValueType {
        use daphne_rt::ValueType as V;
        match self {
            Scalar::Bool => V::BOOL,
            Scalar::Signed(8) => V::SI8,
            Scalar::Signed(32) => V::SI32,
            Scalar::Signed(_) => V::SI64,
            Scalar::Unsigned(8) => V::UI8,
            Scalar::Unsigned(32) => V::UI32,
            Scalar::Unsigned(_) | Scalar::Index => V::UI64,
            Scalar::Float(32) => V::F32,
            Scalar::Float(_) => V::F64,
            Scalar::Str => V::STR,
        }
    }

    /// True for bool, signed, unsigned and index.
    pub fn is_int(self) -> bool {
        matches!(self, Scalar::Bool | Scalar::Signed(_) | Scalar::Unsigned(_) | Scalar::Index)
    }

    /// True for f32 and f64.
    pub fn is_float(self) -> bool {
        matches!(self, Scalar::Float(_))
    }

    /// True for every type except strings.
    pub fn is_numeric(self) -> bool {
        self != Scalar::Str
    }

    /// The width in bits of an integer or float type (index: 64, bool: 1, string: 0).
    pub fn bits(self) -> u32 {
        match self {
            Scalar::Bool => 1,
            Scalar::Signed(b) | Scalar::Unsigned(b) | Scalar::Float(b) => b,
            Scalar::Index => 64,
            Scalar::Str => 0,
        }
    }

    /// DAPHNE's promotion order (the lowering's `promote`): the more general of two types.
    pub fn promote(a: Scalar, b: Scalar) -> Scalar {
        fn rank(s: Scalar) -> u32 {
            match s {
                Scalar::Bool => 0,
                Scalar::Signed(8) => 1,
                Scalar::Unsigned(8) => 2,
                Scalar::Signed(32) => 3,
                Scalar::Unsigned(32) => 4,
                Scalar::Index => 5,
                Scalar::Signed(_) => 6,
                Scalar::Unsigned(_) => 7,
                Scalar::Float(32) => 8,
                Scalar::Float(_) => 9,
                Scalar::Str => 10,
            }
        }
        if rank(a) >= rank(b) { a } else { b }
    }
}

/// A daphne-level type: a scalar or a matrix of a scalar value type.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Kind {
    /// A scalar.
    Scalar(Scalar),
    /// `!daphne.matrix<vt>`.
    Matrix(Scalar),
}

impl Kind {
    /// The kind of an MLIR type, or `None` for types outside DaphneDSL (e.g. `!llvm.ptr`).
    pub fn of(ty: Type) -> Option<Kind> {
        Kind::parse(&ty.to_string())
    }

    /// The kind of a printed MLIR type.
    pub fn parse(text: &str) -> Option<Kind> {
        match text.strip_prefix("!daphne.matrix<").and_then(|t| t.strip_suffix('>')) {
            Some(inner) => Scalar::parse(inner).map(Kind::Matrix),
            None => Scalar::parse(text).map(Kind::Scalar),
        }
    }

    /// The scalar type, or a matrix's value type.
    pub fn value_type(self) -> Scalar {
        match self {
            Kind::Scalar(s) | Kind::Matrix(s) => s,
        }
    }

    /// True for matrices.
    pub fn is_matrix(self) -> bool {
        matches!(self, Kind::Matrix(_))
    }
}

/// True if `ty` is `!daphne.matrix<..>`.
pub fn is_matrix(ty: Type) -> bool {
    ty.to_string().starts_with("!daphne.matrix<")
}

/// True if values of `ty` are reference-counted runtime objects: matrices, frames, lists.
pub fn is_object(ty: Type) -> bool {
    let text = ty.to_string();
    text.starts_with("!daphne.matrix<") || text == "!daphne.frame" || text == "!daphne.column" || text.starts_with("!daphne.list<")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_daphne_types() {
        assert_eq!(Kind::parse("si64"), Some(Kind::Scalar(Scalar::Signed(64))));
        assert_eq!(Kind::parse("!daphne.matrix<ui8>"), Some(Kind::Matrix(Scalar::Unsigned(8))));
        assert_eq!(Kind::parse("!daphne.matrix<!daphne.string>"), Some(Kind::Matrix(Scalar::Str)));
        assert_eq!(Kind::parse("index"), Some(Kind::Scalar(Scalar::Index)));
        assert_eq!(Kind::parse("!llvm.ptr"), None);
        assert_eq!(Scalar::promote(Scalar::Signed(64), Scalar::Float(64)), Scalar::Float(64));
        assert_eq!(Scalar::promote(Scalar::Index, Scalar::Signed(64)), Scalar::Signed(64));
    }
}
