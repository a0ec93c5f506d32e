//! [`DenseMatrix`]: row-major cells in a shared buffer, seen through a view.
//!
//! A matrix is a window into a shared buffer (an `Arc` of a `Vec<T>`): the cell `(r, c)` lives at
//! `offset + r * row_stride + c`. Slicing rows or columns, and reshaping a contiguous matrix,
//! create new views of the same buffer without copying. Compiled fused loops read the raw view
//! ([`DenseMatrix::data_ptr`], [`DenseMatrix::rows`], [`DenseMatrix::cols`],
//! [`DenseMatrix::row_stride`]). When the last view of a large buffer goes, the buffer returns
//! to [`crate::pool`] for the next result of the same size.

use std::ops::{Deref, Range};
use std::sync::Arc;

use crate::error::RtResult;

/// A dense, row-major matrix view over a shared buffer.
#[derive(Debug, Clone)]
pub struct DenseMatrix<T> {
    values: Arc<Cells<T>>,
    offset: usize,
    rows: usize,
    cols: usize,
    row_stride: usize,
}

/// The buffer behind a matrix; a large one goes back to [`crate::pool`] when dropped.
#[derive(Debug)]
struct Cells<T>(Vec<T>);

impl<T> Deref for Cells<T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> Drop for Cells<T> {
    fn drop(&mut self) {
        crate::pool::give(std::mem::take(&mut self.0));
    }
}

/// Allocates an empty vector with room for `rows * cols` cells, or fails with a run-time error
/// (instead of aborting the process) when the size overflows or memory is exhausted. A large
/// buffer comes from [`crate::pool`] when one of the same size is free.
pub fn alloc_cells<T>(rows: usize, cols: usize) -> RtResult<Vec<T>> {
    let Some(n_cells) = rows.checked_mul(cols) else {
        bail!("cannot allocate a {rows}x{cols} matrix: too many cells");
    };
    if let Some(values) = crate::pool::take(n_cells) {
        return Ok(values);
    }
    let mut values = Vec::new();
    if values.try_reserve_exact(n_cells).is_err() {
        bail!("cannot allocate a {rows}x{cols} matrix: out of memory");
    }
    Ok(values)
}

impl<T> DenseMatrix<T> {
    /// A `rows`×`cols` matrix owning `values` (row-major); their number must be `rows * cols`.
    pub fn from_vec(rows: usize, cols: usize, values: Vec<T>) -> RtResult<Self> {
        if rows.checked_mul(cols) != Some(values.len()) {
            bail!("a {rows}x{cols} matrix cannot hold {} values", values.len());
        }
        Ok(Self {
            values: Arc::new(Cells(values)),
            offset: 0,
            rows,
            cols,
            row_stride: cols,
        })
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The distance, in cells, between the starts of two consecutive rows.
    pub fn row_stride(&self) -> usize {
        self.row_stride
    }

    /// The number of cells, `rows * cols`.
    pub fn num_cells(&self) -> usize {
        self.rows * self.cols
    }

    /// A pointer to cell `(0, 0)`; cell `(r, c)` is at `data_ptr() + r * row_stride() + c`.
    pub fn data_ptr(&self) -> *const T {
        self.values.as_ptr().wrapping_add(self.offset)
    }

    /// Whether the cells are consecutive in memory (no gaps between rows).
    pub fn is_contiguous(&self) -> bool {
        self.rows <= 1 || self.row_stride == self.cols
    }

    /// All cells in row-major order as one slice, if the view is contiguous.
    pub fn contiguous_values(&self) -> Option<&[T]> {
        self.is_contiguous()
            .then(|| &self.values[self.offset..self.offset + self.num_cells()])
    }

    /// Row `r` as a slice of `cols` cells.
    ///
    /// # Panics
    /// If `r >= rows` (an internal bug; the ABI turns it into a run-time error).
    pub fn row(&self, r: usize) -> &[T] {
        assert!(
            r < self.rows,
            "row {r} out of bounds for a matrix with {} rows",
            self.rows
        );
        if self.cols == 0 {
            return &[];
        }
        let start = self.offset + r * self.row_stride;
        &self.values[start..start + self.cols]
    }

    /// The rows, top to bottom.
    pub fn row_iter(&self) -> impl ExactSizeIterator<Item = &[T]> + '_ {
        (0..self.rows).map(|r| self.row(r))
    }

    /// The cell at `(r, c)`, if inside the matrix.
    pub fn get(&self, r: usize, c: usize) -> Option<&T> {
        (r < self.rows && c < self.cols)
            .then(|| &self.values[self.offset + r * self.row_stride + c])
    }

    /// A zero-copy view of the rows `rows` and columns `cols` (half-open ranges).
    pub fn slice(&self, rows: Range<usize>, cols: Range<usize>) -> RtResult<Self> {
        if rows.start > rows.end
            || rows.end > self.rows
            || cols.start > cols.end
            || cols.end > self.cols
        {
            bail!(
                "slice [{}:{}, {}:{}] is out of bounds for a {}x{} matrix",
                rows.start,
                rows.end,
                cols.start,
                cols.end,
                self.rows,
                self.cols
            );
        }
        Ok(Self {
            values: Arc::clone(&self.values),
            offset: self.offset + rows.start * self.row_stride + cols.start,
            rows: rows.len(),
            cols: cols.len(),
            row_stride: self.row_stride,
        })
    }

    /// A zero-copy view with another shape of the same number of cells, if the view is
    /// contiguous (`None` otherwise, or if the cell counts differ).
    pub fn reshaped_view(&self, rows: usize, cols: usize) -> Option<Self> {
        (self.is_contiguous() && rows.checked_mul(cols) == Some(self.num_cells())).then(|| Self {
            values: Arc::clone(&self.values),
            offset: self.offset,
            rows,
            cols,
            row_stride: cols,
        })
    }

    /// A new matrix of the same shape with `f` applied to every cell.
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> RtResult<DenseMatrix<U>> {
        self.try_map(|value| Ok(f(value)))
    }

    /// Like [`Self::map`], stopping at the first error.
    pub fn try_map<U>(&self, mut f: impl FnMut(&T) -> RtResult<U>) -> RtResult<DenseMatrix<U>> {
        let mut out = alloc_cells(self.rows, self.cols)?;
        for row in self.row_iter() {
            for value in row {
                out.push(f(value)?);
            }
        }
        DenseMatrix::from_vec(self.rows, self.cols, out)
    }
}

impl<T: Clone> DenseMatrix<T> {
    /// A `rows`×`cols` matrix with every cell set to `value`.
    pub fn filled(rows: usize, cols: usize, value: T) -> RtResult<Self> {
        let mut values = alloc_cells(rows, cols)?;
        values.resize(rows * cols, value);
        Self::from_vec(rows, cols, values)
    }

    /// The cells in row-major order, copied into a new vector.
    pub fn to_vec(&self) -> Vec<T> {
        self.row_iter()
            .flat_map(|row| row.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iota(rows: usize, cols: usize) -> DenseMatrix<i64> {
        DenseMatrix::from_vec(rows, cols, (0..(rows * cols) as i64).collect()).unwrap()
    }

    #[test]
    fn from_vec_checks_the_length() {
        assert!(DenseMatrix::from_vec(2, 3, vec![0; 5]).is_err());
        assert!(DenseMatrix::<u8>::from_vec(usize::MAX, 2, vec![]).is_err());
        assert!(alloc_cells::<u64>(usize::MAX, 2).is_err());
        assert!(alloc_cells::<u64>(usize::MAX / 4, 1).is_err());
    }

    #[test]
    fn slices_share_the_buffer() {
        let m = iota(3, 4);
        let s = m.slice(1..3, 1..3).unwrap();
        assert_eq!((s.rows(), s.cols(), s.row_stride()), (2, 2, 4));
        assert_eq!(s.to_vec(), [5, 6, 9, 10]);
        assert!(!s.is_contiguous());
        assert!(s.contiguous_values().is_none());
        assert_eq!(s.data_ptr(), m.data_ptr().wrapping_add(5));
        assert_eq!(s.get(1, 1), Some(&10));
        assert_eq!(s.get(2, 0), None);
        let rows = m.slice(1..2, 0..4).unwrap();
        assert_eq!(rows.contiguous_values(), Some(&[4, 5, 6, 7][..]));
        assert!(m.slice(0..4, 0..1).is_err());
        let empty = m.slice(3..3, 0..4).unwrap();
        assert_eq!(empty.rows(), 0);
        assert_eq!(empty.to_vec(), Vec::<i64>::new());
    }

    #[test]
    fn reshaped_view_needs_contiguous_cells() {
        let m = iota(2, 3);
        let r = m.reshaped_view(3, 2).unwrap();
        assert_eq!(r.row(2), [4, 5]);
        assert!(m.reshaped_view(4, 2).is_none());
        assert!(m.slice(0..2, 0..2).unwrap().reshaped_view(1, 4).is_none());
    }

    #[test]
    fn map_and_fill() {
        let m = iota(2, 2).map(|v| v * 10).unwrap();
        assert_eq!(m.to_vec(), [0, 10, 20, 30]);
        let f = DenseMatrix::filled(2, 0, 1.5).unwrap();
        assert_eq!((f.rows(), f.cols()), (2, 0));
        assert_eq!(f.row(1), &[] as &[f64]);
    }
}
