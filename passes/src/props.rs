//! Data properties of matrix values, stored in the IR as discardable attributes.
//!
//! [`crate::infer`] computes them; later passes read them with [`of`]. On an op with one
//! result they are plain attributes:
//!
//! ```text
//! %3 = "daphne.fill"(%0, %1, %2) {daphne.cols = 3 : i64, daphne.rows = 3 : i64,
//!        daphne.sparsity = 1.000000e+00 : f64, daphne.symmetric = true} : ...
//! ```
//!
//! On an op with several results (`scf.if`, `scf.while`, `func.call`) each attribute is an
//! array with one entry per result (`daphne.rows = array<i64: 2, -1>`). Unknown is `-1` for
//! rows, columns and sparsity; `daphne.symmetric` appears only when known. Sparsity is the
//! fraction of non-zero cells (DAPHNE's convention: 1.0 is dense).
//!
//! Being discardable, the attributes never change what a program computes: a pass that
//! does not know them may drop them, and the lowering ignores them.

use crate::ir::{Op, Val};
use melior::ir::{Attribute, AttributeLike};

/// Attribute names.
pub const ROWS: &str = "daphne.rows";
/// See [`ROWS`].
pub const COLS: &str = "daphne.cols";
/// See [`ROWS`].
pub const SPARSITY: &str = "daphne.sparsity";
/// See [`ROWS`].
pub const SYMMETRIC: &str = "daphne.symmetric";

/// What is known about a matrix value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Props {
    /// Number of rows, -1 if unknown.
    pub rows: i64,
    /// Number of columns, -1 if unknown.
    pub cols: i64,
    /// Fraction of non-zero cells in [0, 1], -1 if unknown.
    pub sparsity: f64,
    /// Whether the matrix is symmetric, `None` if unknown.
    pub symmetric: Option<bool>,
}

impl Default for Props {
    fn default() -> Self {
        Props::UNKNOWN
    }
}

impl Props {
    /// Nothing known.
    pub const UNKNOWN: Props = Props { rows: -1, cols: -1, sparsity: -1.0, symmetric: None };

    /// A shape, nothing else known.
    pub fn shape(rows: i64, cols: i64) -> Props {
        Props { rows, cols, sparsity: -1.0, symmetric: None }
    }

    /// The shape, if both dimensions are known.
    pub fn dims(self) -> Option<(i64, i64)> {
        (self.rows >= 0 && self.cols >= 0).then_some((self.rows, self.cols))
    }

    /// The properties both `self` and `other` guarantee (the join at control-flow merges).
    pub fn join(self, other: Props) -> Props {
        Props {
            rows: if self.rows == other.rows { self.rows } else { -1 },
            cols: if self.cols == other.cols { self.cols } else { -1 },
            sparsity: if self.sparsity == other.sparsity { self.sparsity } else { -1.0 },
            symmetric: if self.symmetric == other.symmetric { self.symmetric } else { None },
        }
    }

    /// The transposed matrix's properties.
    pub fn transposed(self) -> Props {
        Props { rows: self.cols, cols: self.rows, ..self }
    }
}

/// The properties recorded for `v` (unknown for block arguments and unannotated ops).
pub fn of(v: Val) -> Props {
    let Some(op) = v.def() else { return Props::UNKNOWN };
    let i = v.result_number();
    let multi = op.result_count() > 1;
    let int = |name: &str| -> i64 {
        let Some(a) = op.attr(name) else { return -1 };
        // SAFETY: attribute queries on a live attribute, each after its kind check.
        unsafe {
            if multi && mlir_sys::mlirAttributeIsADenseI64Array(a.to_raw()) {
                if (i as isize) < mlir_sys::mlirDenseArrayGetNumElements(a.to_raw()) {
                    return mlir_sys::mlirDenseI64ArrayGetElement(a.to_raw(), i as isize);
                }
            } else if !multi && mlir_sys::mlirAttributeIsAInteger(a.to_raw()) {
                return mlir_sys::mlirIntegerAttrGetValueInt(a.to_raw());
            }
        }
        -1
    };
    let sparsity = op.attr(SPARSITY).map_or(-1.0, |a| {
        // SAFETY: as above.
        unsafe {
            if multi && mlir_sys::mlirAttributeIsADenseF64Array(a.to_raw()) {
                if (i as isize) < mlir_sys::mlirDenseArrayGetNumElements(a.to_raw()) {
                    return mlir_sys::mlirDenseF64ArrayGetElement(a.to_raw(), i as isize);
                }
            } else if !multi && mlir_sys::mlirAttributeIsAFloat(a.to_raw()) {
                return mlir_sys::mlirFloatAttrGetValueDouble(a.to_raw());
            }
        }
        -1.0
    });
    let symmetric = op.attr(SYMMETRIC).and_then(|a| {
        // SAFETY: as above. Multi-result ops store 0 (no), 1 (yes), -1 (unknown).
        unsafe {
            if multi && mlir_sys::mlirAttributeIsADenseI64Array(a.to_raw()) {
                if (i as isize) < mlir_sys::mlirDenseArrayGetNumElements(a.to_raw()) {
                    let s = mlir_sys::mlirDenseI64ArrayGetElement(a.to_raw(), i as isize);
                    return (s >= 0).then_some(s == 1);
                }
            } else if !multi && mlir_sys::mlirAttributeIsABool(a.to_raw()) {
                return Some(mlir_sys::mlirBoolAttrGetValue(a.to_raw()));
            }
        }
        None
    });
    Props { rows: int(ROWS), cols: int(COLS), sparsity, symmetric }
}

/// Records `props` (one entry per result of `op`; non-matrix results are ignored).
pub fn set(op: Op, props: &[Props]) {
    let results = op.results();
    if !results.iter().any(|r| r.is_matrix()) {
        return;
    }
    // SAFETY: a query on a live op (see `crate::ir`).
    let raw = unsafe { mlir_sys::mlirOperationGetContext(op.0) };
    let one = results.len() == 1;
    let attr = |a: mlir_sys::MlirAttribute| -> Attribute {
        // SAFETY: freshly built, valid attribute.
        unsafe { Attribute::from_raw(a) }
    };
    // SAFETY: attribute constructors with a live context and in-bounds slices.
    unsafe {
        let i64t = mlir_sys::mlirIntegerTypeGet(raw, 64);
        let f64t = mlir_sys::mlirF64TypeGet(raw);
        if one {
            let p = props[0];
            op.set_attr(ROWS, attr(mlir_sys::mlirIntegerAttrGet(i64t, p.rows)));
            op.set_attr(COLS, attr(mlir_sys::mlirIntegerAttrGet(i64t, p.cols)));
            if p.sparsity >= 0.0 {
                op.set_attr(SPARSITY, attr(mlir_sys::mlirFloatAttrDoubleGet(raw, f64t, p.sparsity)));
            } else {
                op.remove_attr(SPARSITY);
            }
            match p.symmetric {
                Some(s) => op.set_attr(SYMMETRIC, attr(mlir_sys::mlirBoolAttrGet(raw, s as i32))),
                None => op.remove_attr(SYMMETRIC),
            }
        } else {
            let rows: Vec<i64> = props.iter().map(|p| p.rows).collect();
            let cols: Vec<i64> = props.iter().map(|p| p.cols).collect();
            op.set_attr(ROWS, attr(mlir_sys::mlirDenseI64ArrayGet(raw, rows.len() as isize, rows.as_ptr())));
            op.set_attr(COLS, attr(mlir_sys::mlirDenseI64ArrayGet(raw, cols.len() as isize, cols.as_ptr())));
            if props.iter().any(|p| p.sparsity >= 0.0) {
                let s: Vec<f64> = props.iter().map(|p| p.sparsity).collect();
                op.set_attr(SPARSITY, attr(mlir_sys::mlirDenseF64ArrayGet(raw, s.len() as isize, s.as_ptr())));
            } else {
                op.remove_attr(SPARSITY);
            }
            if props.iter().any(|p| p.symmetric.is_some()) {
                let s: Vec<i64> = props.iter().map(|p| p.symmetric.map_or(-1, i64::from)).collect();
                op.set_attr(SYMMETRIC, attr(mlir_sys::mlirDenseI64ArrayGet(raw, s.len() as isize, s.as_ptr())));
            } else {
                op.remove_attr(SYMMETRIC);
            }
        }
    }
}

/// Removes every property attribute from `op`.
pub fn clear(op: Op) {
    for name in [ROWS, COLS, SPARSITY, SYMMETRIC] {
        op.remove_attr(name);
    }
}
