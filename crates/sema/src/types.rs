//! DaphneDSL's value types and data types, and the promotion rules between them.

use std::fmt;
use std::sync::Mutex;

/// A value (element) type. Ordered from least to most general, as DAPHNE's promotion order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValueType {
    /// `bool` (MLIR `i1`).
    Bool,
    /// `si8`
    Si8,
    /// `ui8`
    Ui8,
    /// `si32`
    Si32,
    /// `ui32`
    Ui32,
    /// `size` (MLIR `index`), the type of `nrow`, `ncol`, `z` literals.
    Index,
    /// `si64`
    Si64,
    /// `ui64`
    Ui64,
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `str`
    Str,
}

impl ValueType {
    /// The most general of two value types (DAPHNE's promotion order).
    pub fn promote(self, other: ValueType) -> ValueType {
        self.max(other)
    }

    /// True for f32 and f64.
    pub fn is_float(self) -> bool {
        matches!(self, ValueType::F32 | ValueType::F64)
    }

    /// True for every integer type, including bool and index.
    pub fn is_integer(self) -> bool {
        !self.is_float() && self != ValueType::Str
    }

    /// True for the signed integer types (si8, si32, si64) and bool.
    pub fn is_signed_int(self) -> bool {
        matches!(self, ValueType::Si8 | ValueType::Si32 | ValueType::Si64 | ValueType::Bool)
    }

    /// The DSL spelling (`f64`, `si64`, ...).
    pub fn dsl_name(self) -> &'static str {
        match self {
            ValueType::Bool => "bool",
            ValueType::Si8 => "si8",
            ValueType::Ui8 => "ui8",
            ValueType::Si32 => "si32",
            ValueType::Ui32 => "ui32",
            ValueType::Index => "size",
            ValueType::Si64 => "si64",
            ValueType::Ui64 => "ui64",
            ValueType::F32 => "f32",
            ValueType::F64 => "f64",
            ValueType::Str => "str",
        }
    }

    /// For results that DAPHNE computes in floating point (`mean`, `sqrt`, ...): floats stay,
    /// everything else becomes f64.
    pub fn to_float(self) -> ValueType {
        if self.is_float() { self } else { ValueType::F64 }
    }
}

/// The data type of a DaphneDSL value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    /// A single value.
    Scalar(ValueType),
    /// A matrix with the given value type (shape is not part of the type).
    Matrix(ValueType),
    /// A frame: typed, labelled columns.
    Frame(Schema),
    /// A list of matrices with the given value type.
    List(ValueType),
}

impl Type {
    /// The value type of a scalar, the element type of a matrix or list, and for a frame the
    /// type of its first column (what `as.matrix` gives; f64 when the schema is unknown).
    pub fn value_type(self) -> ValueType {
        match self {
            Type::Scalar(vt) | Type::Matrix(vt) | Type::List(vt) => vt,
            Type::Frame(schema) => schema.first_type().unwrap_or(ValueType::F64),
        }
    }

    /// True for matrices.
    pub fn is_matrix(self) -> bool {
        matches!(self, Type::Matrix(_))
    }

    /// True for scalars.
    pub fn is_scalar(self) -> bool {
        matches!(self, Type::Scalar(_))
    }

    /// The type of a variable that may hold a value of either type: the type itself when both
    /// agree, a frame of unknown schema for two frames of different schemas, else `None`.
    pub fn join(self, other: Type) -> Option<Type> {
        match (self, other) {
            _ if self == other => Some(self),
            (Type::Frame(_), Type::Frame(_)) => Some(Type::Frame(Schema::UNKNOWN)),
            _ => None,
        }
    }

    /// The same data type with another value type (frames and lists are returned unchanged).
    pub fn with_value_type(self, vt: ValueType) -> Type {
        match self {
            Type::Scalar(_) => Type::Scalar(vt),
            Type::Matrix(_) => Type::Matrix(vt),
            other => other,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Scalar(vt) => write!(f, "{}", vt.dsl_name()),
            Type::Matrix(vt) => write!(f, "matrix<{}>", vt.dsl_name()),
            Type::Frame(_) => write!(f, "frame"),
            Type::List(vt) => write!(f, "list<matrix<{}>>", vt.dsl_name()),
        }
    }
}

/// A frame column: its label (if known at compile time) and value type.
pub type Column = (Option<String>, ValueType);

/// The compile-time schema of a frame, interned so that [`Type`] stays `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Schema(u32);

/// What is known about a frame's columns.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaInfo {
    /// Exactly these columns.
    Columns(Vec<Column>),
    /// Any number of columns, all of this value type (e.g. `as.frame` of a matrix).
    Uniform(ValueType),
}

static SCHEMAS: Mutex<Vec<SchemaInfo>> = Mutex::new(Vec::new());

impl Schema {
    /// A frame whose columns are not known at compile time.
    pub const UNKNOWN: Schema = Schema(u32::MAX);

    fn intern(info: SchemaInfo) -> Schema {
        let mut all = SCHEMAS.lock().unwrap_or_else(|e| e.into_inner());
        match all.iter().position(|c| *c == info) {
            Some(i) => Schema(i as u32),
            None => {
                all.push(info);
                Schema(all.len() as u32 - 1)
            }
        }
    }

    /// The schema with exactly these columns.
    pub fn of(columns: Vec<Column>) -> Schema {
        Schema::intern(SchemaInfo::Columns(columns))
    }

    /// A schema of any number of columns of type `vt`.
    pub fn uniform(vt: ValueType) -> Schema {
        Schema::intern(SchemaInfo::Uniform(vt))
    }

    /// What is known, or `None` when nothing is.
    pub fn info(self) -> Option<SchemaInfo> {
        if self == Schema::UNKNOWN {
            return None;
        }
        SCHEMAS.lock().unwrap_or_else(|e| e.into_inner()).get(self.0 as usize).cloned()
    }

    /// The columns, when they are known exactly.
    pub fn columns(self) -> Option<Vec<Column>> {
        match self.info()? {
            SchemaInfo::Columns(c) => Some(c),
            SchemaInfo::Uniform(_) => None,
        }
    }

    /// The value type of the first column, if known.
    pub fn first_type(self) -> Option<ValueType> {
        match self.info()? {
            SchemaInfo::Columns(c) => c.first().map(|c| c.1),
            SchemaInfo::Uniform(vt) => Some(vt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotion_follows_daphne_order() {
        use ValueType::*;
        assert_eq!(Bool.promote(Si8), Si8);
        assert_eq!(Si64.promote(F64), F64);
        assert_eq!(Index.promote(Si64), Si64);
        assert_eq!(Ui64.promote(F32), F32);
        assert_eq!(F64.promote(Str), Str);
        assert_eq!(Si32.promote(Ui32), Ui32);
    }
}
