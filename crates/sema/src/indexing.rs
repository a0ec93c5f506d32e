//! Right indexing `X[rows, cols]`, bit-vector filtering `X[[rows, cols]]` and left indexing
//! `X[rows, cols] = V`.
//!
//! Rows and columns are selected in two separate steps, as in DAPHNE. A side is a position, a
//! range `lo:hi` (upper bound exclusive, either bound optional), or a column matrix of
//! positions. Positions and bounds are `si64` (floats truncated); negative values count from
//! the end. Bounds are handed to the runtime with two sentinels: an omitted upper bound is
//! [`END`], and a single position `p` is the pair `(p, POSITION)`.

use crate::hir::{Constant, Expr, Op};
use crate::frames::const_int;
use crate::types::{Schema, Type, ValueType};
use crate::{Analyzer, Res, coerce, constant, op_expr};
use daphne_syntax::ast::{self, Span};

/// Upper bound meaning "up to the end".
pub const END: i64 = i64::MAX;
/// Upper bound meaning "the single position given as the lower bound".
pub const POSITION: i64 = i64::MIN;

const SI64: Type = Type::Scalar(ValueType::Si64);

/// One analysed side of an indexing expression.
enum Side {
    All,
    /// Bounds `[lo, hi)` as si64 scalars (with the sentinels above).
    Range(Expr, Expr),
    /// A column matrix of positions.
    Positions(Expr),
    /// A column label (frames only).
    Label(Expr),
}

fn int(v: i64, span: Span) -> Expr {
    constant(Constant::Int(v as u64), ValueType::Si64, span)
}

impl Analyzer<'_> {
    /// A position or bound as si64; floats are truncated toward zero, as DAPHNE does
    /// (`X[1.9, ]` is `X[1, ]`, `X[-3.7, ]` is `X[-3, ]`).
    fn bound(&mut self, e: &ast::Expr) -> Res<Expr> {
        let (v, ty) = self.value(e)?;
        match ty {
            Type::Scalar(vt) if vt != ValueType::Str => Ok(coerce(v, SI64)),
            other => self.error(e.span, format!("a position must be a number, found {other}")),
        }
    }

    fn side(&mut self, part: &ast::IndexPart, span: Span) -> Res<Side> {
        Ok(match part {
            ast::IndexPart::All => Side::All,
            ast::IndexPart::Range { lo, hi } => {
                let lo = match lo {
                    Some(e) => self.bound(e)?,
                    None => int(0, span),
                };
                let hi = match hi {
                    Some(e) => self.bound(e)?,
                    None => int(END, span),
                };
                Side::Range(lo, hi)
            }
            ast::IndexPart::Expr(e) => {
                let (v, ty) = self.value(e)?;
                match ty {
                    Type::Matrix(vt) if vt != ValueType::Str => Side::Positions(v),
                    Type::Scalar(ValueType::Str) => Side::Label(v),
                    Type::Scalar(_) => Side::Range(self.bound(e)?, int(POSITION, e.span)),
                    other => return self.error(e.span, format!("cannot index with a value of type {other}")),
                }
            }
        })
    }

    /// `base[rows, cols]`.
    pub(crate) fn right_index(&mut self, base: &ast::Expr, index: &ast::Indexing, span: Span) -> Res<Expr> {
        let (m, ty) = self.value(base)?;
        if !matches!(ty, Type::Matrix(_) | Type::Frame(_)) {
            return self.error(base.span, format!("only matrices and frames can be indexed, found {ty}"));
        }
        let rows = match self.side(&index.rows, index.span)? {
            Side::Label(l) => return self.error(l.span, "labels select columns, not rows"),
            side => side,
        };
        let m = match rows {
            Side::All => m,
            Side::Range(lo, hi) => op_expr(Op::SliceRow, vec![m, lo, hi], Some(ty), span),
            Side::Positions(p) => op_expr(Op::ExtractRow, vec![m, p], Some(ty), span),
            Side::Label(_) => unreachable!("rejected above"),
        };
        Ok(match (self.side(&index.cols, index.span)?, ty) {
            (Side::All, _) => m,
            (Side::Label(l), Type::Frame(schema)) => self.frame_column_by_label(m, schema, l, span)?,
            (Side::Label(l), _) => return self.error(l.span, "column labels select columns of frames, not of matrices"),
            (Side::Range(lo, hi), Type::Frame(schema)) => {
                let cols = Self::frame_column_range(schema, const_int(&lo), const_int(&hi));
                op_expr(Op::SliceCol, vec![m, lo, hi], Some(Type::Frame(cols)), span)
            }
            (Side::Positions(p), Type::Frame(_)) => op_expr(Op::ExtractCol, vec![m, p], Some(Type::Frame(Schema::UNKNOWN)), span),
            (Side::Range(lo, hi), _) => op_expr(Op::SliceCol, vec![m, lo, hi], Some(ty), span),
            (Side::Positions(p), _) => op_expr(Op::ExtractCol, vec![m, p], Some(ty), span),
        })
    }

    /// `base[[rows, cols]]`: keeps the rows/columns whose bit-vector entry is non-zero.
    pub(crate) fn filter(&mut self, base: &ast::Expr, rows: Option<&ast::Expr>, cols: Option<&ast::Expr>, span: Span) -> Res<Expr> {
        let (mut m, ty) = self.value(base)?;
        if !matches!(ty, Type::Matrix(_) | Type::Frame(_)) {
            return self.error(base.span, format!("only matrices and frames can be filtered, found {ty}"));
        }
        if let (Type::Frame(_), Some(c)) = (ty, cols) {
            return self.error(c.span, "frame columns cannot be filtered with a bit vector");
        }
        for (bits, op) in [(rows, Op::FilterRow), (cols, Op::FilterCol)] {
            if let Some(b) = bits {
                let (v, bty) = self.value(b)?;
                if !bty.is_matrix() {
                    return self.error(b.span, format!("a filter must be a matrix of 0/1 values, found {bty}"));
                }
                m = op_expr(op, vec![m, v], Some(ty), span);
            }
        }
        Ok(m)
    }

    /// `X[rows, cols] = value`: a copy-on-write insertion; returns the new value of `X`.
    pub(crate) fn left_index(&mut self, target: &ast::AssignTarget, index: &ast::Indexing, value: Expr) -> Res<Expr> {
        let name = &target.name.name;
        let Some(ty @ Type::Matrix(vt)) = self.lookup(name) else {
            return self.error(target.span, format!("left indexing needs `{name}` to be an existing matrix"));
        };
        let vty = value.ty.expect("value");
        let value = match vty {
            Type::Matrix(v) if v == vt => value,
            Type::Scalar(v) if v == vt => {
                let one = constant(Constant::Int(1), ValueType::Index, value.span);
                let span = value.span;
                op_expr(Op::Fill, vec![value, one.clone(), one], Some(ty), span)
            }
            other => {
                return self.error(value.span, format!("cannot insert a value of type {other} into `{name}` of type {ty}: value types must match exactly"));
            }
        };
        let mut bounds = Vec::new();
        for part in [&index.rows, &index.cols] {
            match self.side(part, index.span)? {
                Side::All => bounds.extend([int(0, index.span), int(END, index.span)]),
                Side::Range(lo, hi) => bounds.extend([lo, hi]),
                Side::Positions(p) | Side::Label(p) => return self.error(p.span, "left indexing supports positions and ranges only"),
            }
        }
        let current = Expr { kind: crate::hir::ExprKind::Var(name.clone()), ty: Some(ty), span: target.span };
        let mut args = vec![current, value];
        args.extend(bounds);
        Ok(op_expr(Op::Insert, args, Some(ty), target.span))
    }
}
