//! [`Object`]: the reference-counted data object behind every ABI handle.
//!
//! Compiled code holds `*mut Object` handles. Each object starts with an atomic reference count
//! (1 when created); `daphne_incref`/`daphne_decref` in [`crate::abi`] adjust it and the last
//! `decref` frees the object. Cells are shared between objects through `Arc`s (views, casts
//! that keep the type, frame columns), so freeing one object never invalidates another.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::csr::CsrMatrix;
use crate::error::RtResult;
use crate::frame::Frame;
use crate::list::List;
use crate::matrix::Matrix;

/// What a handle points to: a header (the reference count) and the data.
#[derive(Debug)]
pub struct Object {
    refs: AtomicUsize,
    data: Data,
    /// The dense form of a CSR matrix, built on first use by a dense-only kernel.
    dense_cache: OnceLock<Matrix>,
}

/// The data of an [`Object`]: one of DaphneDSL's data types.
#[derive(Debug, Clone)]
pub enum Data {
    /// A dense matrix (`DenseMatrix<VT>`).
    Dense(Matrix),
    /// A compressed-sparse-row matrix (`CSRMatrix<VT>`, only with `--select-matrix-repr`).
    Csr(CsrMatrix),
    /// A frame.
    Frame(Frame),
    /// A list of matrices.
    List(List),
}

impl Object {
    /// A new object with a reference count of 1.
    pub fn new(data: Data) -> Self {
        Self {
            refs: AtomicUsize::new(1),
            data,
            dense_cache: OnceLock::new(),
        }
    }

    /// The data.
    pub fn data(&self) -> &Data {
        &self.data
    }

    /// The current reference count.
    pub fn ref_count(&self) -> usize {
        self.refs.load(Ordering::Acquire)
    }

    /// Adds one reference.
    pub fn incref(&self) {
        self.refs.fetch_add(1, Ordering::Relaxed);
    }

    /// Drops one reference; true when it was the last one (the caller then frees the object).
    pub fn decref(&self) -> bool {
        self.refs.fetch_sub(1, Ordering::AcqRel) == 1
    }

    /// The object as a dense matrix: itself, or the dense form of a CSR matrix (computed once).
    /// Frames and lists are an error naming `what` needed a matrix.
    pub fn as_matrix(&self) -> RtResult<&Matrix> {
        match &self.data {
            Data::Dense(matrix) => Ok(matrix),
            Data::Csr(csr) => {
                if let Some(dense) = self.dense_cache.get() {
                    return Ok(dense);
                }
                let dense = csr.to_dense()?;
                Ok(self.dense_cache.get_or_init(|| dense))
            }
            Data::Frame(_) => bail!("expected a matrix, but got a frame"),
            Data::List(_) => bail!("expected a matrix, but got a list"),
        }
    }

    /// The object as a frame; anything else is an error.
    pub fn as_frame(&self) -> RtResult<&Frame> {
        match &self.data {
            Data::Frame(frame) => Ok(frame),
            _ => bail!("expected a frame, but got a {}", self.kind()),
        }
    }

    /// The object as a list; anything else is an error.
    pub fn as_list(&self) -> RtResult<&List> {
        match &self.data {
            Data::List(list) => Ok(list),
            _ => bail!("expected a list, but got a {}", self.kind()),
        }
    }

    /// `matrix`, `frame` or `list`, for error messages.
    pub fn kind(&self) -> &'static str {
        match &self.data {
            Data::Dense(_) | Data::Csr(_) => "matrix",
            Data::Frame(_) => "frame",
            Data::List(_) => "list",
        }
    }

    /// The number of rows (of a list: its length).
    pub fn rows(&self) -> usize {
        match &self.data {
            Data::Dense(matrix) => matrix.rows(),
            Data::Csr(csr) => csr.rows(),
            Data::Frame(frame) => frame.rows(),
            Data::List(list) => list.len(),
        }
    }

    /// The number of columns (of a list: 1).
    pub fn cols(&self) -> usize {
        match &self.data {
            Data::Dense(matrix) => matrix.cols(),
            Data::Csr(csr) => csr.cols(),
            Data::Frame(frame) => frame.cols(),
            Data::List(_) => 1,
        }
    }

    /// DaphneDSL `typeOf(x)`: `DenseMatrix(2x3, double)`, `CSRMatrix(…)`,
    /// `Frame(2x2, [a:int64_t, b:double])` or `List(n, DenseMatrix, double)`.
    pub fn type_name(&self) -> String {
        match &self.data {
            Data::Dense(matrix) => format!(
                "DenseMatrix({}x{}, {})",
                matrix.rows(),
                matrix.cols(),
                matrix.value_type().cpp_name()
            ),
            Data::Csr(csr) => format!(
                "CSRMatrix({}x{}, {})",
                csr.rows(),
                csr.cols(),
                csr.value_type().cpp_name()
            ),
            Data::Frame(frame) => frame.type_name(),
            Data::List(list) => list.type_name(),
        }
    }
}

impl From<Matrix> for Object {
    fn from(matrix: Matrix) -> Self {
        Object::new(Data::Dense(matrix))
    }
}

impl<T: crate::Element> From<crate::DenseMatrix<T>> for Object {
    fn from(dense: crate::DenseMatrix<T>) -> Self {
        Object::from(Matrix::from(dense))
    }
}

impl From<CsrMatrix> for Object {
    fn from(csr: CsrMatrix) -> Self {
        Object::new(Data::Csr(csr))
    }
}

impl From<Frame> for Object {
    fn from(frame: Frame) -> Self {
        Object::new(Data::Frame(frame))
    }
}

impl From<List> for Object {
    fn from(list: List) -> Self {
        Object::new(Data::List(list))
    }
}
