//! Kernels that keep CSR matrices sparse, DAPHNE's `CSRMatrix` kernel variants.
//!
//! - Elementwise operations whose result is zero wherever the sparse operand is zero: CSR∘CSR
//!   for ops with `0 ∘ 0 = 0` (`+ - * min max && || != < >`), CSR∘dense and dense∘CSR for
//!   `*` and `&&` (the dense side may be a row or column vector, broadcast as in the dense
//!   kernel), CSR∘scalar and scalar∘CSR when `0 ∘ s = 0` (`s ∘ 0 = 0`), and unary ops with
//!   `f(0) = 0`. As in DAPHNE, a cell that is zero in the sparse operand stays zero even if the
//!   dense operand holds NaN or ±inf there.
//! - `t`, `lowerTri`/`upperTri`, CSR @ dense (a dense result).
//! - Aggregations (full, per row, per column) of `SUM PROD MIN MAX MEAN VAR STDDEV`; the
//!   implicit zeros of a line take part (its minimum of positive values is 0).
//!
//! Every entry point takes [`Object`]s and returns `None` when no sparse variant applies (no
//! CSR operand, a string type, or an op that fills the zeros in); the caller then runs the
//! dense kernel on the dense form. Sparse results drop the cells that became zero.

use std::borrow::Cow;

use crate::bulk;
use crate::csr::CsrMatrix;
use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::{Element, ScalarRef};
use crate::error::RtResult;
use crate::kernels::aggregation::{AggOp, Axis, divide_by_count, finish_variance};
use crate::kernels::ew_binary::{self, BinaryOp};
use crate::kernels::ew_unary::{self, UnaryOp};
use crate::kernels::generation;
use crate::matrix::Matrix;
use crate::numeric::Numeric;
use crate::object::{Data, Object};
use crate::value_type::ValueType;

/// The CSR matrix inside `object`, if it holds one.
fn csr_of(object: &Object) -> Option<&CsrMatrix> {
    match object.data() {
        Data::Csr(csr) => Some(csr),
        _ => None,
    }
}

/// A CSR matrix of a numeric value type (strings stay on the dense kernels).
fn numeric_csr(object: &Object) -> Option<&CsrMatrix> {
    csr_of(object).filter(|csr| csr.value_type() != ValueType::STR)
}

/// A 1×1 zero in `vt`.
fn zero(vt: ValueType) -> RtResult<Matrix> {
    generation::fill(vt, ScalarRef::Int(0), 1, 1)
}

/// Whether the only cell of a 1×1 matrix is zero.
fn is_zero(m: &Matrix) -> bool {
    fn typed<T: Element>(dense: &DenseMatrix<T>) -> bool {
        dense.get(0, 0) == Some(&T::default())
    }
    dispatch_matrix!(m, dense => typed(dense))
}

/// The cells of a matrix as one slice (copied only if the view is not contiguous).
fn cells<T: Element>(m: &DenseMatrix<T>) -> Cow<'_, [T]> {
    match m.contiguous_values() {
        Some(values) => Cow::Borrowed(values),
        None => Cow::Owned(m.to_vec()),
    }
}

/// `lhs op rhs` for two matrices (`daphne_ew_binary_mm`), if one of them is CSR and the result
/// stays sparse.
pub fn ew_binary(
    op: BinaryOp,
    res_vt: ValueType,
    lhs: &Object,
    rhs: &Object,
) -> RtResult<Option<Object>> {
    if res_vt == ValueType::STR {
        return Ok(None);
    }
    match (numeric_csr(lhs), numeric_csr(rhs)) {
        (Some(a), Some(b)) => csr_csr(op, res_vt, a, b),
        (Some(a), None) => {
            let other = rhs.as_matrix()?;
            if (other.rows(), other.cols()) == (1, 1) {
                return csr_scalar(op, res_vt, a, other, false);
            }
            csr_dense(op, res_vt, a, other, true)
        }
        (None, Some(b)) => {
            let other = lhs.as_matrix()?;
            if (other.rows(), other.cols()) != (b.rows(), b.cols()) {
                return Ok(None);
            }
            csr_dense(op, res_vt, b, other, false)
        }
        (None, None) => Ok(None),
    }
}

/// `csr op scalar` (or `scalar op csr` if `scalar_left`), `scalar` a 1×1 matrix, if `0 op s`
/// (`s op 0`) is zero.
pub fn ew_binary_scalar(
    op: BinaryOp,
    res_vt: ValueType,
    csr: &Object,
    scalar: &Matrix,
    scalar_left: bool,
) -> RtResult<Option<Object>> {
    match numeric_csr(csr) {
        Some(a) if res_vt != ValueType::STR && scalar.value_type() != ValueType::STR => {
            csr_scalar(op, res_vt, a, scalar, scalar_left)
        }
        _ => Ok(None),
    }
}

fn csr_scalar(
    op: BinaryOp,
    res_vt: ValueType,
    a: &CsrMatrix,
    scalar: &Matrix,
    scalar_left: bool,
) -> RtResult<Option<Object>> {
    let apply = |m: &Matrix| {
        if scalar_left {
            ew_binary::ew_binary_scalar_lhs(op, res_vt, scalar, m)
        } else {
            ew_binary::ew_binary(op, res_vt, m, scalar)
        }
    };
    if !is_zero(&apply(&zero(a.value_type())?)?) {
        return Ok(None);
    }
    let values = apply(a.values())?;
    Ok(Some(Object::from(compact_like(a, values)?)))
}

/// CSR ∘ dense (`csr_left`) or dense ∘ CSR for `*` and `&&`; the dense operand has the CSR
/// matrix's shape or is a row or column vector.
fn csr_dense(
    op: BinaryOp,
    res_vt: ValueType,
    a: &CsrMatrix,
    other: &Matrix,
    csr_left: bool,
) -> RtResult<Option<Object>> {
    if !matches!(op, BinaryOp::MUL | BinaryOp::AND) || other.value_type() == ValueType::STR {
        return Ok(None);
    }
    let (rows, cols) = (a.rows(), a.cols());
    if csr_left {
        ew_binary::broadcast_shape(op, (rows, cols), (other.rows(), other.cols()))?;
    }
    with_numeric_type!(res_vt, T => {
        let b = other.to_dense::<T>()?;
        if b.rows() == 1 && b.cols() == cols && cols > 1 {
            // A row vector (`G * t(c)`): one pass over the stored cells (`*` and `&&` commute).
            let (av, row) = (a.values().to_dense::<T>()?, b.row(0));
            let av = cells(&av);
            let values = match op {
                BinaryOp::MUL => bulk::zip(&av, a.col_idxs(), |&x, &c| x.mul(row[c]))?,
                _ => bulk::zip(&av, a.col_idxs(), |&x, &c| T::from_bool(x.is_true() && row[c].is_true()))?,
            };
            let values = Matrix::from(DenseMatrix::from_vec(a.nnz(), 1, values)?);
            return Ok(Some(Object::from(compact_like(a, values)?)));
        }
        let gathered = gather(a, &b)?;
        let gathered = Matrix::from(DenseMatrix::from_vec(a.nnz(), 1, gathered)?);
        let values = if csr_left {
            ew_binary::ew_binary(op, res_vt, a.values(), &gathered)?
        } else {
            ew_binary::ew_binary(op, res_vt, &gathered, a.values())?
        };
        Ok(Some(Object::from(compact_like(a, values)?)))
    }, STR => Ok(None))
}

/// The cells of `b` at the stored positions of `a` (a row or column vector `b` is read at its
/// row or column 0).
fn gather<T: Numeric>(a: &CsrMatrix, b: &DenseMatrix<T>) -> RtResult<Vec<T>> {
    let (offsets, col_idxs) = (a.row_offsets(), a.col_idxs());
    if b.rows() == 1 {
        let row = b.row(0);
        return bulk::map(col_idxs, |&c| row[if b.cols() == 1 { 0 } else { c }]);
    }
    let mut out = alloc_cells(a.nnz(), 1)?;
    for r in 0..a.rows() {
        let row = b.row(r);
        let cols = &col_idxs[offsets[r]..offsets[r + 1]];
        if b.cols() == 1 {
            out.extend(cols.iter().map(|_| row[0]));
        } else {
            out.extend(cols.iter().map(|&c| row[c]));
        }
    }
    Ok(out)
}

/// CSR ∘ CSR of the same shape for ops with `0 ∘ 0 = 0`: `*` and `&&` on the common
/// positions, the others on the union of positions.
fn csr_csr(
    op: BinaryOp,
    res_vt: ValueType,
    a: &CsrMatrix,
    b: &CsrMatrix,
) -> RtResult<Option<Object>> {
    use BinaryOp::*;
    if (a.rows(), a.cols()) != (b.rows(), b.cols())
        || !matches!(op, ADD | SUB | MUL | MIN | MAX | AND | OR | NE | LT | GT)
    {
        return Ok(None);
    }
    let intersect = matches!(op, MUL | AND);
    with_numeric_type!(res_vt, T => {
        let (av, bv) = (a.values().to_dense::<T>()?, b.values().to_dense::<T>()?);
        let (av, bv) = (cells(&av), cells(&bv));
        let merged = merge(a, b, &av, &bv, intersect)?;
        let nnz = merged.col_idxs.len();
        let lhs = Matrix::from(DenseMatrix::from_vec(nnz, 1, merged.lhs)?);
        let rhs = Matrix::from(DenseMatrix::from_vec(nnz, 1, merged.rhs)?);
        let values = ew_binary::ew_binary(op, res_vt, &lhs, &rhs)?;
        let csr = compact(a.rows(), a.cols(), merged.row_offsets, merged.col_idxs, values)?;
        Ok(Some(Object::from(csr)))
    }, STR => Ok(None))
}

/// The positions of two CSR matrices merged row by row, with both operands' values there
/// (zero where one has no stored cell).
struct Merged<T> {
    row_offsets: Vec<usize>,
    col_idxs: Vec<usize>,
    lhs: Vec<T>,
    rhs: Vec<T>,
}

fn merge<T: Numeric>(
    a: &CsrMatrix,
    b: &CsrMatrix,
    av: &[T],
    bv: &[T],
    intersect: bool,
) -> RtResult<Merged<T>> {
    let capacity = if intersect {
        a.nnz().min(b.nnz())
    } else {
        a.nnz() + b.nnz()
    };
    let mut out = Merged {
        row_offsets: Vec::with_capacity(a.rows() + 1),
        col_idxs: alloc_cells(capacity, 1)?,
        lhs: alloc_cells(capacity, 1)?,
        rhs: alloc_cells(capacity, 1)?,
    };
    out.row_offsets.push(0);
    let (ao, ac, bo, bc) = (a.row_offsets(), a.col_idxs(), b.row_offsets(), b.col_idxs());
    for r in 0..a.rows() {
        let (mut i, a_end, mut j, b_end) = (ao[r], ao[r + 1], bo[r], bo[r + 1]);
        while i < a_end || j < b_end {
            let (ca, cb) = (
                ac.get(i).filter(|_| i < a_end),
                bc.get(j).filter(|_| j < b_end),
            );
            let (col, x, y) = match (ca, cb) {
                (Some(&ca), Some(&cb)) if ca == cb => {
                    i += 1;
                    j += 1;
                    (ca, av[i - 1], bv[j - 1])
                }
                (Some(&ca), cb) if cb.is_none_or(|&cb| ca < cb) => {
                    i += 1;
                    if intersect {
                        continue;
                    }
                    (ca, av[i - 1], T::ZERO)
                }
                (_, Some(&cb)) => {
                    j += 1;
                    if intersect {
                        continue;
                    }
                    (cb, T::ZERO, bv[j - 1])
                }
                (_, None) => unreachable!("the loop runs while one row has cells left"),
            };
            out.col_idxs.push(col);
            out.lhs.push(x);
            out.rhs.push(y);
        }
        out.row_offsets.push(out.col_idxs.len());
    }
    Ok(out)
}

/// `op(csr)` if `op(0) = 0`.
pub fn ew_unary(op: UnaryOp, res_vt: ValueType, arg: &Object) -> RtResult<Option<Object>> {
    let Some(a) = numeric_csr(arg).filter(|_| res_vt != ValueType::STR) else {
        return Ok(None);
    };
    if !is_zero(&ew_unary::ew_unary(op, res_vt, &zero(a.value_type())?)?) {
        return Ok(None);
    }
    let values = ew_unary::ew_unary(op, res_vt, a.values())?;
    Ok(Some(Object::from(compact_like(a, values)?)))
}

/// `a`'s positions with new `values`, without the cells that are zero (the positions are shared
/// when no cell is).
fn compact_like(a: &CsrMatrix, values: Matrix) -> RtResult<CsrMatrix> {
    if !has_zero(&values) {
        return a.with_values(values);
    }
    compact(
        a.rows(),
        a.cols(),
        a.row_offsets().to_vec(),
        a.col_idxs().to_vec(),
        values,
    )
}

/// Whether an n×1 matrix holds a zero (the value type's default); large ones are searched on
/// every core.
fn has_zero(values: &Matrix) -> bool {
    fn typed<T: Element>(dense: &DenseMatrix<T>) -> bool {
        let zero = T::default();
        let values = cells(dense);
        if values.len() < bulk::PARALLEL_MIN_CELLS {
            return values.contains(&zero);
        }
        let chunk = values.len().div_ceil(bulk::threads());
        std::thread::scope(|scope| {
            let zero = &zero;
            let handles: Vec<_> = values
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().any(|v| v == zero)))
                .collect();
            handles.into_iter().any(|h| h.join().unwrap_or(true))
        })
    }
    dispatch_matrix!(values, dense => typed(dense))
}

/// A CSR matrix from its arrays, without the stored cells that are zero.
fn compact(
    rows: usize,
    cols: usize,
    mut row_offsets: Vec<usize>,
    mut col_idxs: Vec<usize>,
    values: Matrix,
) -> RtResult<CsrMatrix> {
    fn typed<T: Element>(
        offsets: &mut [usize],
        col_idxs: &mut Vec<usize>,
        dense: &DenseMatrix<T>,
    ) -> RtResult<Matrix> {
        let zero = T::default();
        let values = cells(dense);
        let mut kept = Vec::with_capacity(values.len());
        let mut next = 0;
        let mut start = 0;
        for offset in offsets.iter_mut().skip(1) {
            let end = *offset;
            for i in start..end {
                if values[i] != zero {
                    col_idxs[next] = col_idxs[i];
                    kept.push(values[i].clone());
                    next += 1;
                }
            }
            start = end;
            *offset = next;
        }
        col_idxs.truncate(next);
        Ok(Matrix::from(DenseMatrix::from_vec(next, 1, kept)?))
    }
    let values = dispatch_matrix!(&values, dense => typed(&mut row_offsets, &mut col_idxs, dense))?;
    CsrMatrix::new(rows, cols, row_offsets, col_idxs, values)
}

/// `t(arg)` of a CSR matrix, CSR again.
pub fn transpose(arg: &Object) -> RtResult<Option<Object>> {
    let Some(a) = csr_of(arg) else {
        return Ok(None);
    };
    let (rows, cols) = (a.rows(), a.cols());
    let (offsets, col_idxs) = (a.row_offsets(), a.col_idxs());
    let mut out_offsets = vec![0usize; cols + 1];
    for &c in col_idxs {
        out_offsets[c + 1] += 1;
    }
    for c in 0..cols {
        out_offsets[c + 1] += out_offsets[c];
    }
    let mut next = out_offsets[..cols].to_vec();
    let mut out_cols = vec![0usize; a.nnz()];
    // `source[k]`: the position in `a` of the k-th stored cell of the result.
    let mut source = vec![0usize; a.nnz()];
    for r in 0..rows {
        for i in offsets[r]..offsets[r + 1] {
            let slot = &mut next[col_idxs[i]];
            out_cols[*slot] = r;
            source[*slot] = i;
            *slot += 1;
        }
    }
    fn typed<T: Element>(dense: &DenseMatrix<T>, source: &[usize]) -> RtResult<Matrix> {
        let values = cells(dense);
        let out = bulk::map(source, |&i| values[i].clone())?;
        Ok(Matrix::from(DenseMatrix::from_vec(out.len(), 1, out)?))
    }
    let values = dispatch_matrix!(a.values(), dense => typed(dense, &source))?;
    let csr = CsrMatrix::new(cols, rows, out_offsets, out_cols, values)?;
    Ok(Some(Object::from(csr)))
}

/// `upperTri`/`lowerTri` of a CSR matrix, CSR again (see [`super::matrix_ops::tri`]).
pub fn tri(arg: &Object, upper: bool, diag: bool, keep_values: bool) -> RtResult<Option<Object>> {
    let Some(a) = numeric_csr(arg) else {
        return Ok(None);
    };
    if a.rows() != a.cols() {
        bail!(
            "{}: the matrix must be square, not {}x{}",
            if upper { "upperTri" } else { "lowerTri" },
            a.rows(),
            a.cols()
        );
    }
    let kept = |r: usize, c: usize| {
        if upper {
            c > r || (diag && c == r)
        } else {
            c < r || (diag && c == r)
        }
    };
    fn typed<T: Numeric>(
        a: &CsrMatrix,
        dense: &DenseMatrix<T>,
        kept: impl Fn(usize, usize) -> bool,
        keep_values: bool,
    ) -> RtResult<CsrMatrix> {
        let values = cells(dense);
        let (offsets, col_idxs) = (a.row_offsets(), a.col_idxs());
        let mut out_offsets = Vec::with_capacity(a.rows() + 1);
        out_offsets.push(0);
        let (mut out_cols, mut out_values) = (Vec::new(), Vec::new());
        for r in 0..a.rows() {
            for i in offsets[r]..offsets[r + 1] {
                let c = col_idxs[i];
                if kept(r, c) && values[i] != T::ZERO {
                    out_cols.push(c);
                    out_values.push(if keep_values { values[i] } else { T::ONE });
                }
            }
            out_offsets.push(out_cols.len());
        }
        let nnz = out_values.len();
        let values = Matrix::from(DenseMatrix::from_vec(nnz, 1, out_values)?);
        CsrMatrix::new(a.rows(), a.cols(), out_offsets, out_cols, values)
    }
    with_numeric_type!(a.value_type(), T => {
        let dense = a.values().to_dense::<T>()?;
        Ok(Some(Object::from(typed(a, &dense, kept, keep_values)?)))
    }, STR => Ok(None))
}

/// `lhs @ rhs` for a CSR `lhs` and a dense `rhs`, a dense result in `res_vt`.
pub fn matmul(lhs: &Object, rhs: &Object, res_vt: ValueType) -> RtResult<Option<Matrix>> {
    let (Some(a), None) = (numeric_csr(lhs), csr_of(rhs)) else {
        return Ok(None);
    };
    let b = rhs.as_matrix()?;
    if a.cols() != b.rows() {
        bail!(
            "matmul: cannot multiply a {}x{} matrix by a {}x{} matrix: the inner dimensions differ",
            a.rows(),
            a.cols(),
            b.rows(),
            b.cols()
        );
    }
    fn typed<T: Numeric>(a: &CsrMatrix, av: &[T], b: &DenseMatrix<T>) -> RtResult<Matrix> {
        let (rows, n) = (a.rows(), b.cols());
        let (offsets, col_idxs) = (a.row_offsets(), a.col_idxs());
        if let (1, Some(x)) = (n, b.contiguous_values()) {
            // A matrix-vector product: one dot product per row, rows split across cores.
            let dots = bulk::tabulate(rows, |r| {
                let range = offsets[r]..offsets[r + 1];
                av[range.clone()]
                    .iter()
                    .zip(&col_idxs[range])
                    .fold(T::ZERO, |acc, (&v, &c)| acc.add(v.mul(x[c])))
            })?;
            return Ok(Matrix::from(DenseMatrix::from_vec(rows, 1, dots)?));
        }
        let mut out = alloc_cells(rows, n)?;
        out.resize(rows * n, T::ZERO);
        let row_into = |r: usize, out_row: &mut [T]| {
            for i in offsets[r]..offsets[r + 1] {
                let (v, b_row) = (av[i], b.row(col_idxs[i]));
                for (slot, &x) in out_row.iter_mut().zip(b_row) {
                    *slot = slot.add(v.mul(x));
                }
            }
        };
        if n > 0 {
            let threads = if a.nnz() * n >= bulk::PARALLEL_MIN_CELLS {
                bulk::threads()
            } else {
                1
            };
            let chunk_rows = rows.div_ceil(threads).max(1);
            std::thread::scope(|scope| {
                for (k, part) in out.chunks_mut(chunk_rows * n).enumerate() {
                    let row_into = &row_into;
                    scope.spawn(move || {
                        for (j, out_row) in part.chunks_mut(n).enumerate() {
                            row_into(k * chunk_rows + j, out_row);
                        }
                    });
                }
            });
        }
        Ok(Matrix::from(DenseMatrix::from_vec(rows, n, out)?))
    }
    with_numeric_type!(res_vt, T => {
        let (av, bd) = (a.values().to_dense::<T>()?, b.to_dense::<T>()?);
        typed(a, &cells(&av), &bd).map(Some)
    }, STR => Ok(None))
}

/// A full aggregation of a CSR matrix, converted to the carrier `C`.
pub fn agg_all<C: Element>(op: AggOp, arg: &Object) -> RtResult<Option<C>> {
    let Some(a) = numeric_csr(arg) else {
        return Ok(None);
    };
    if matches!(op, AggOp::IDXMIN | AggOp::IDXMAX) {
        return Ok(None);
    }
    let res_vt = op.full_result_type(a.value_type())?;
    with_numeric_type!(res_vt, T => {
        let dense = a.values().to_dense::<T>()?;
        let line = Line { values: &cells(&dense), len: a.rows() * a.cols() };
        Ok(Some(line.aggregate(op)?.cast::<C>()?))
    }, STR => Ok(None))
}

/// A row or column aggregation of a CSR matrix in `res_vt` (a dense n×1 or 1×m result).
pub fn agg_axis(
    op: AggOp,
    axis: Axis,
    res_vt: ValueType,
    arg: &Object,
) -> RtResult<Option<Matrix>> {
    let Some(a) = numeric_csr(arg) else {
        return Ok(None);
    };
    if matches!(op, AggOp::IDXMIN | AggOp::IDXMAX) {
        return Ok(None);
    }
    with_numeric_type!(res_vt, T => {
        let dense = a.values().to_dense::<T>()?;
        let values = cells(&dense);
        let out = match axis {
            Axis::Rows => row_aggregates(op, a, &values)?,
            Axis::Cols => col_aggregates(op, a, &values)?,
        };
        let n = out.len();
        let shape = if axis == Axis::Rows { (n, 1) } else { (1, n) };
        Ok(Some(Matrix::from(DenseMatrix::from_vec(shape.0, shape.1, out)?)))
    }, STR => Ok(None))
}

/// The stored values of a line (a row, a column or the whole matrix) of `len` cells.
struct Line<'a, T> {
    values: &'a [T],
    len: usize,
}

impl<T: Numeric> Line<'_, T> {
    /// Whether the line has cells that are not stored (zeros).
    fn has_implicit_zeros(&self) -> bool {
        self.values.len() < self.len
    }

    /// Folds the stored values in order, then one zero if there are implicit zeros;
    /// `identity` for a line without cells.
    fn fold(&self, identity: T, f: impl Fn(T, T) -> T) -> T {
        let acc = match self.values.split_first() {
            Some((&first, rest)) => rest.iter().fold(first, |acc, &v| f(acc, v)),
            None if self.has_implicit_zeros() => return T::ZERO,
            None => return identity,
        };
        if self.has_implicit_zeros() {
            f(acc, T::ZERO)
        } else {
            acc
        }
    }

    /// The sum of squared deviations from `mean`, the implicit zeros included.
    fn squares(&self, mean: T) -> T {
        let stored = self.values.iter().fold(T::ZERO, |acc, &v| {
            let deviation = v.sub(mean);
            acc.add(deviation.mul(deviation))
        });
        let implicit = T::from_usize(self.len - self.values.len());
        stored.add(implicit.mul(mean.mul(mean)))
    }

    fn aggregate(&self, op: AggOp) -> RtResult<T> {
        let sum = || self.values.iter().fold(T::ZERO, |acc, &v| acc.add(v));
        match op {
            AggOp::SUM => Ok(sum()),
            AggOp::PROD => Ok(self.fold(T::ONE, T::mul)),
            AggOp::MIN => Ok(self.fold(T::MIN_IDENTITY, T::min_of)),
            AggOp::MAX => Ok(self.fold(T::MAX_IDENTITY, T::max_of)),
            AggOp::MEAN => divide_by_count(sum(), self.len),
            AggOp::VAR | AggOp::STDDEV => {
                let mean = divide_by_count(sum(), self.len)?;
                let variance = divide_by_count(self.squares(mean), self.len)?;
                Ok(finish_variance(op, variance))
            }
            AggOp::IDXMIN | AggOp::IDXMAX => bail!("{} is not a value aggregation", op.name()),
        }
    }
}

fn row_aggregates<T: Numeric>(op: AggOp, a: &CsrMatrix, values: &[T]) -> RtResult<Vec<T>> {
    let offsets = a.row_offsets();
    let line = |r: usize| Line {
        values: &values[offsets[r]..offsets[r + 1]],
        len: a.cols(),
    };
    // One loop per fold, so that each is a single inlined operation.
    match op {
        AggOp::SUM => bulk::tabulate(a.rows(), |r| {
            line(r).values.iter().fold(T::ZERO, |acc, &v| acc.add(v))
        }),
        AggOp::PROD => bulk::tabulate(a.rows(), |r| line(r).fold(T::ONE, T::mul)),
        AggOp::MIN => bulk::tabulate(a.rows(), |r| line(r).fold(T::MIN_IDENTITY, T::min_of)),
        AggOp::MAX => bulk::tabulate(a.rows(), |r| line(r).fold(T::MAX_IDENTITY, T::max_of)),
        _ => bulk::tabulate(a.rows(), |r| line(r).aggregate(op))?
            .into_iter()
            .collect(),
    }
}

fn col_aggregates<T: Numeric>(op: AggOp, a: &CsrMatrix, values: &[T]) -> RtResult<Vec<T>> {
    let (rows, cols) = (a.rows(), a.cols());
    let col_idxs = a.col_idxs();
    let mut counts = vec![0usize; cols];
    for &c in col_idxs {
        counts[c] += 1;
    }
    // Folds every column's stored values in row order, then a zero where cells are implicit.
    let fold = |identity: T, f: &dyn Fn(T, T) -> T| {
        let mut acc: Vec<Option<T>> = vec![None; cols];
        for (&c, &v) in col_idxs.iter().zip(values) {
            acc[c] = Some(acc[c].map_or(v, |acc| f(acc, v)));
        }
        acc.into_iter()
            .zip(&counts)
            .map(|(acc, &count)| match (acc, count < rows) {
                (Some(acc), true) => f(acc, T::ZERO),
                (Some(acc), false) => acc,
                (None, true) => T::ZERO,
                (None, false) => identity,
            })
            .collect::<Vec<T>>()
    };
    let sums = || fold(T::ZERO, &|x: T, y: T| x.add(y));
    match op {
        AggOp::SUM => Ok(sums()),
        AggOp::PROD => Ok(fold(T::ONE, &|x: T, y: T| x.mul(y))),
        AggOp::MIN => Ok(fold(T::MIN_IDENTITY, &|x: T, y: T| x.min_of(y))),
        AggOp::MAX => Ok(fold(T::MAX_IDENTITY, &|x: T, y: T| x.max_of(y))),
        AggOp::MEAN | AggOp::VAR | AggOp::STDDEV => {
            let means = sums()
                .into_iter()
                .map(|sum| divide_by_count(sum, rows))
                .collect::<RtResult<Vec<T>>>()?;
            if op == AggOp::MEAN {
                return Ok(means);
            }
            let mut squares = vec![T::ZERO; cols];
            for (&c, &v) in col_idxs.iter().zip(values) {
                let deviation = v.sub(means[c]);
                squares[c] = squares[c].add(deviation.mul(deviation));
            }
            squares
                .into_iter()
                .enumerate()
                .map(|(c, stored)| {
                    let implicit = T::from_usize(rows - counts[c]).mul(means[c].mul(means[c]));
                    Ok(finish_variance(
                        op,
                        divide_by_count(stored.add(implicit), rows)?,
                    ))
                })
                .collect()
        }
        AggOp::IDXMIN | AggOp::IDXMAX => bail!("{} is not a value aggregation", op.name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::{aggregation, matrix_ops, reorganization};
    use proptest::prelude::*;

    /// A dense f64 matrix with about `density` of its cells non-zero (small integers, so sums
    /// are exact in any order).
    fn sparse_dense(rows: usize, cols: usize, density: f64, seed: u64) -> Matrix {
        let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let cells = (0..rows * cols)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
                if unit < density {
                    ((state >> 40) % 9) as f64 - 4.0
                } else {
                    0.0
                }
            })
            .collect();
        Matrix::from(DenseMatrix::from_vec(rows, cols, cells).unwrap())
    }

    fn csr(m: &Matrix) -> Object {
        Object::from(CsrMatrix::from_dense(m).unwrap())
    }

    /// The dense cells of an object, and whether it is CSR.
    fn dense_cells(object: &Object) -> (bool, usize, usize, Vec<f64>) {
        let m = object.as_matrix().unwrap().to_dense::<f64>().unwrap();
        (
            matches!(object.data(), Data::Csr(_)),
            m.rows(),
            m.cols(),
            m.to_vec(),
        )
    }

    fn reference_cells(m: &Matrix) -> (usize, usize, Vec<f64>) {
        let d = m.to_dense::<f64>().unwrap();
        (d.rows(), d.cols(), d.to_vec())
    }

    /// Equal cells (-0 equals 0, NaN equals NaN), or within rounding of each other.
    fn same(got: &(usize, usize, Vec<f64>), expected: &(usize, usize, Vec<f64>)) -> bool {
        (got.0, got.1) == (expected.0, expected.1)
            && got
                .2
                .iter()
                .zip(&expected.2)
                .all(|(g, e)| g == e || (g.is_nan() && e.is_nan()) || (g - e).abs() < 1e-9)
    }

    fn shape() -> impl Strategy<Value = (usize, usize, f64, u64)> {
        (0usize..9, 0usize..9, 0.0f64..0.6, any::<u64>())
    }

    proptest! {
        #[test]
        fn elementwise_ops_match_dense((rows, cols, density, seed) in shape(), op_code in 0i32..17) {
            let op = BinaryOp::from_code(op_code).unwrap();
            let (x, y) = (sparse_dense(rows, cols, density, seed), sparse_dense(rows, cols, density, seed ^ 77));
            let row = sparse_dense(1, cols, 0.8, seed ^ 5);
            let col = sparse_dense(rows, 1, 0.8, seed ^ 9);
            let vt = ValueType::F64;
            let cases: Vec<(Object, Object, Matrix)> = vec![
                (csr(&x), csr(&y), ew_binary::ew_binary(op, vt, &x, &y).unwrap()),
                (csr(&x), Object::from(y.clone()), ew_binary::ew_binary(op, vt, &x, &y).unwrap()),
                (Object::from(x.clone()), csr(&y), ew_binary::ew_binary(op, vt, &x, &y).unwrap()),
                (csr(&x), Object::from(row.clone()), ew_binary::ew_binary(op, vt, &x, &row).unwrap()),
                (csr(&x), Object::from(col.clone()), ew_binary::ew_binary(op, vt, &x, &col).unwrap()),
            ];
            for (lhs, rhs, expected) in cases {
                if let Some(result) = ew_binary(op, vt, &lhs, &rhs).unwrap() {
                    let (sparse, r, c, cells) = dense_cells(&result);
                    prop_assert!(sparse);
                    let expected = reference_cells(&expected);
                    prop_assert!(same(&(r, c, cells.clone()), &expected), "{:?}: {:?} vs {:?}", op, cells, expected);
                }
            }
            // The sparse-preserving ops always stay sparse on two CSR operands.
            if matches!(op, BinaryOp::ADD | BinaryOp::MUL | BinaryOp::MAX) {
                prop_assert!(ew_binary(op, vt, &csr(&x), &csr(&y)).unwrap().is_some());
            }
            for s in [0.0, 2.0, -3.0] {
                let scalar = Matrix::from(DenseMatrix::filled(1, 1, s).unwrap());
                for scalar_left in [false, true] {
                    if let Some(result) = ew_binary_scalar(op, vt, &csr(&x), &scalar, scalar_left).unwrap() {
                        let expected = if scalar_left {
                            ew_binary::ew_binary_scalar_lhs(op, vt, &scalar, &x).unwrap()
                        } else {
                            ew_binary::ew_binary(op, vt, &x, &scalar).unwrap()
                        };
                        let (_, r, c, cells) = dense_cells(&result);
                        let expected = reference_cells(&expected);
                        prop_assert!(same(&(r, c, cells.clone()), &expected), "{:?} {} {}: {:?} vs {:?}", op, s, scalar_left, cells, expected);
                    }
                }
            }
        }

        #[test]
        fn aggregations_match_dense((rows, cols, density, seed) in shape(), op_code in 0i32..7) {
            let op = AggOp::from_code(op_code).unwrap();
            let x = sparse_dense(rows, cols, density, seed);
            let s = csr(&x);
            let full: Option<f64> = agg_all(op, &s).unwrap();
            let expected = aggregation::agg_all::<f64>(op, &x);
            match expected {
                Ok(expected) => {
                    let got = full.unwrap();
                    prop_assert!(same(&(1, 1, vec![got]), &(1, 1, vec![expected])), "{:?}: {} vs {}", op, got, expected);
                }
                Err(_) => prop_assert!(false, "dense failed"),
            }
            for axis in [Axis::Rows, Axis::Cols] {
                let got = agg_axis(op, axis, ValueType::F64, &s).unwrap().unwrap();
                let expected = aggregation::agg_axis(op, axis, ValueType::F64, &x).unwrap();
                let (got, expected) = (reference_cells(&got), reference_cells(&expected));
                prop_assert!(same(&got, &expected), "{:?} {:?}: {:?} vs {:?}", op, axis, got, expected);
            }
        }

        #[test]
        fn reorganizations_match_dense((rows, cols, density, seed) in shape(), n in 0usize..5) {
            let x = sparse_dense(rows, cols, density, seed);
            let t = transpose(&csr(&x)).unwrap().unwrap();
            let (sparse, r, c, cells) = dense_cells(&t);
            prop_assert!(sparse);
            prop_assert_eq!((r, c, cells), reference_cells(&reorganization::transpose(&x).unwrap()));
            let square = sparse_dense(rows, rows, density, seed);
            for (upper, diag, values) in [(true, false, false), (false, true, true), (true, true, true)] {
                let got = tri(&csr(&square), upper, diag, values).unwrap().unwrap();
                let expected = matrix_ops::tri(&square, upper, diag, values).unwrap();
                let (_, r, c, cells) = dense_cells(&got);
                prop_assert_eq!((r, c, cells), reference_cells(&expected));
            }
            let b = sparse_dense(cols, n, 0.9, seed ^ 3);
            let got = matmul(&csr(&x), &Object::from(b.clone()), ValueType::F64).unwrap().unwrap();
            let ((_, _, xs), (_, _, bs)) = (reference_cells(&x), reference_cells(&b));
            let expected: Vec<f64> = (0..rows * n)
                .map(|i| (0..cols).map(|k| xs[i / n * cols + k] * bs[k * n + i % n]).sum())
                .collect();
            prop_assert_eq!(reference_cells(&got), (rows, n, expected));
        }
    }

    #[test]
    fn implicit_zeros_take_part_in_min_and_max() {
        let x = Matrix::from(
            DenseMatrix::from_vec(2, 3, vec![5.0, 0.0, 3.0, -1.0, -2.0, -4.0]).unwrap(),
        );
        let s = csr(&x);
        let mins = agg_axis(AggOp::MIN, Axis::Rows, ValueType::F64, &s)
            .unwrap()
            .unwrap();
        assert_eq!(mins.dense::<f64>().unwrap().to_vec(), [0.0, -4.0]);
        let maxs = agg_axis(AggOp::MAX, Axis::Cols, ValueType::F64, &s)
            .unwrap()
            .unwrap();
        assert_eq!(maxs.dense::<f64>().unwrap().to_vec(), [5.0, 0.0, 3.0]);
        assert_eq!(agg_all::<f64>(AggOp::MAX, &s).unwrap(), Some(5.0));
        assert_eq!(agg_all::<f64>(AggOp::PROD, &s).unwrap(), Some(0.0));
    }

    #[test]
    fn row_vector_broadcast_stays_sparse() {
        // `G * t(c)` then the row maxima: the connected-components step.
        let g = Matrix::from(
            DenseMatrix::from_vec(3, 3, vec![0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]).unwrap(),
        );
        let c = Object::from(DenseMatrix::from_vec(1, 3, vec![1.0, 2.0, 3.0]).unwrap());
        let product = ew_binary(BinaryOp::MUL, ValueType::F64, &csr(&g), &c)
            .unwrap()
            .unwrap();
        assert_eq!(product.type_name(), "CSRMatrix(3x3, double)");
        let maxs = agg_axis(AggOp::MAX, Axis::Rows, ValueType::F64, &product)
            .unwrap()
            .unwrap();
        assert_eq!(maxs.dense::<f64>().unwrap().to_vec(), [2.0, 3.0, 2.0]);
        // A dense operand never makes a sparse `+`.
        assert!(
            ew_binary(BinaryOp::ADD, ValueType::F64, &csr(&g), &c)
                .unwrap()
                .is_none()
        );
    }
}
