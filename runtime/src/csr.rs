//! [`CsrMatrix`]: compressed-sparse-row matrices, and DAPHNE's CSR `rand` kernel bit for bit.
//!
//! A CSR matrix keeps, per row, the column indexes (ascending) and values of its non-zero
//! cells. The values are held as an `nnz`×1 dense [`Matrix`], so the value type stays erased
//! and every dense kernel applies to them. CSR matrices appear only with
//! `--select-matrix-repr` (`spec/daphne-reference.md` §2); kernels without a CSR variant read
//! them through their dense form ([`crate::object::Object::as_matrix`]).
//!
//! `rand` with a CSR result uses a different engine and algorithm than the dense kernel
//! (`spec/exact-numerics.md` §1.5): one `std::minstd_rand0` for values, per-row counts and
//! column positions, and libstdc++'s fallback `uniform_int_distribution` method.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::{Element, ScalarRef};
use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::numeric::Numeric;
use crate::value_type::ValueType;

/// A compressed-sparse-row matrix of any value type.
#[derive(Debug, Clone)]
pub struct CsrMatrix {
    rows: usize,
    cols: usize,
    row_offsets: Arc<Vec<usize>>,
    col_idxs: Arc<Vec<usize>>,
    values: Matrix,
}

impl CsrMatrix {
    /// A CSR matrix from its arrays: `row_offsets` has `rows + 1` ascending entries starting at
    /// 0, `col_idxs` and `values` (an n×1 matrix) one entry per non-zero.
    pub fn new(
        rows: usize,
        cols: usize,
        row_offsets: Vec<usize>,
        col_idxs: Vec<usize>,
        values: Matrix,
    ) -> RtResult<Self> {
        let nnz = col_idxs.len();
        let offsets_ok = row_offsets.len() == rows + 1
            && row_offsets.first() == Some(&0)
            && row_offsets.last() == Some(&nnz)
            && row_offsets.windows(2).all(|w| w[0] <= w[1]);
        if !offsets_ok || values.rows() != nnz || values.cols() != 1 {
            bail!("malformed CSR matrix ({rows}x{cols}, {nnz} non-zeros)");
        }
        if let Some(&col) = col_idxs.iter().find(|&&c| c >= cols) {
            bail!("CSR column index {col} is out of bounds for {cols} columns");
        }
        Ok(Self {
            rows,
            cols,
            row_offsets: Arc::new(row_offsets),
            col_idxs: Arc::new(col_idxs),
            values,
        })
    }

    /// A matrix with the same non-zero positions as `self` (shared, not copied) and new
    /// `values`, one per stored cell (an `nnz`×1 matrix).
    pub fn with_values(&self, values: Matrix) -> RtResult<Self> {
        if values.rows() != self.nnz() || values.cols() != 1 {
            bail!(
                "a CSR matrix with {} non-zeros cannot take {}x{} values",
                self.nnz(),
                values.rows(),
                values.cols()
            );
        }
        Ok(Self {
            rows: self.rows,
            cols: self.cols,
            row_offsets: Arc::clone(&self.row_offsets),
            col_idxs: Arc::clone(&self.col_idxs),
            values,
        })
    }

    /// The CSR form of a dense matrix (cells equal to the value type's default are dropped).
    pub fn from_dense(matrix: &Matrix) -> RtResult<Self> {
        fn typed<T: Element>(dense: &DenseMatrix<T>) -> RtResult<CsrMatrix> {
            let zero = T::default();
            let mut row_offsets = Vec::with_capacity(dense.rows() + 1);
            row_offsets.push(0);
            let (mut col_idxs, mut values) = (Vec::new(), Vec::new());
            for row in dense.row_iter() {
                for (c, value) in row.iter().enumerate() {
                    if *value != zero {
                        col_idxs.push(c);
                        values.push(value.clone());
                    }
                }
                row_offsets.push(col_idxs.len());
            }
            let nnz = values.len();
            let values = Matrix::from(DenseMatrix::from_vec(nnz, 1, values)?);
            CsrMatrix::new(dense.rows(), dense.cols(), row_offsets, col_idxs, values)
        }
        dispatch_matrix!(matrix, dense => typed(dense))
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The value type of the cells.
    pub fn value_type(&self) -> ValueType {
        self.values.value_type()
    }

    /// The number of stored (non-zero) cells.
    pub fn nnz(&self) -> usize {
        self.col_idxs.len()
    }

    /// Per row `r`, its stored cells are the positions `row_offsets[r]..row_offsets[r + 1]`.
    pub fn row_offsets(&self) -> &[usize] {
        &self.row_offsets
    }

    /// The column index of every stored cell (ascending within a row).
    pub fn col_idxs(&self) -> &[usize] {
        &self.col_idxs
    }

    /// The value of every stored cell, as an `nnz`×1 matrix.
    pub fn values(&self) -> &Matrix {
        &self.values
    }

    /// The dense matrix with the same cells (zeros filled in).
    pub fn to_dense(&self) -> RtResult<Matrix> {
        fn typed<T: Element>(csr: &CsrMatrix, values: &DenseMatrix<T>) -> RtResult<Matrix> {
            let mut cells = alloc_cells(csr.rows, csr.cols)?;
            cells.resize(csr.rows * csr.cols, T::default());
            for r in 0..csr.rows {
                for i in csr.row_offsets[r]..csr.row_offsets[r + 1] {
                    cells[r * csr.cols + csr.col_idxs[i]] = values.row(i)[0].clone();
                }
            }
            Ok(Matrix::from(DenseMatrix::from_vec(
                csr.rows, csr.cols, cells,
            )?))
        }
        dispatch_matrix!(&self.values, values => typed(self, values))
    }
}

/// `std::minstd_rand0`: `x ← 16807·x mod (2^31 − 1)`; outputs lie in `[1, 2^31 − 2]`.
#[derive(Debug, Clone)]
pub struct MinStdRand0 {
    state: u64,
}

/// The modulus of [`MinStdRand0`].
const MINSTD_MODULUS: u64 = 2_147_483_647;
/// The engine's range `max − min` (`G` in libstdc++'s fallback uniform-int method).
const MINSTD_RANGE: u64 = MINSTD_MODULUS - 3;

impl MinStdRand0 {
    /// An engine seeded like `std::minstd_rand0(seed)` (a state of 0 becomes 1).
    pub fn new(seed: u64) -> Self {
        let state = seed % MINSTD_MODULUS;
        Self {
            state: if state == 0 { 1 } else { state },
        }
    }

    /// The next output.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state * 16_807 % MINSTD_MODULUS;
        self.state
    }

    /// `std::uniform_int_distribution<uint64_t>` over `[0, range_max]` (the scale / reject /
    /// divide fallback, since the engine's range is not a power of two).
    pub fn uniform_u64(&mut self, range_max: u64) -> u64 {
        match range_max.cmp(&MINSTD_RANGE) {
            std::cmp::Ordering::Less => {
                let range = range_max + 1;
                let scaling = MINSTD_RANGE / range;
                let past = range * scaling;
                loop {
                    let value = self.next_u64() - 1;
                    if value < past {
                        return value / scaling;
                    }
                }
            }
            std::cmp::Ordering::Equal => self.next_u64() - 1,
            std::cmp::Ordering::Greater => loop {
                let base = MINSTD_RANGE + 1;
                let high = self.uniform_u64(range_max / base).wrapping_mul(base);
                let value = high.wrapping_add(self.next_u64() - 1);
                if value <= range_max && value >= high {
                    return value;
                }
            },
        }
    }
}

/// A value type of DAPHNE's CSR `rand` kernel (f64, f32, si64) and its distribution.
pub trait CsrRandValue: Numeric {
    /// One draw over `[min, max]` from `engine`.
    fn uniform(engine: &mut MinStdRand0, min: Self, max: Self) -> Self;
}

impl CsrRandValue for f64 {
    fn uniform(engine: &mut MinStdRand0, min: Self, max: Self) -> Self {
        let low = (engine.next_u64() - 1) as f64;
        let high = (engine.next_u64() - 1) as f64;
        let unit = (low + high * 2_147_483_646.0) / 4_611_686_009_837_453_312.0;
        let unit = if unit >= 1.0 {
            1.0 - f64::EPSILON / 2.0
        } else {
            unit
        };
        unit * (max - min) + min
    }
}

impl CsrRandValue for f32 {
    fn uniform(engine: &mut MinStdRand0, min: Self, max: Self) -> Self {
        let unit = (engine.next_u64() - 1) as f32 / 2_147_483_648.0;
        let unit = if unit >= 1.0 {
            1.0 - f32::EPSILON / 2.0
        } else {
            unit
        };
        unit * (max - min) + min
    }
}

impl CsrRandValue for i64 {
    fn uniform(engine: &mut MinStdRand0, min: Self, max: Self) -> Self {
        let range_max = (max as u64).wrapping_sub(min as u64);
        engine.uniform_u64(range_max).wrapping_add(min as u64) as i64
    }
}

/// `rand` with a CSR result in value type `vt` (f64, f32 or si64); see the module docs.
pub fn rand_csr(
    vt: ValueType,
    rows: usize,
    cols: usize,
    min: ScalarRef<'_>,
    max: ScalarRef<'_>,
    sparsity: f64,
    seed: i64,
) -> RtResult<CsrMatrix> {
    fn typed<T: CsrRandValue>(
        rows: usize,
        cols: usize,
        min: ScalarRef<'_>,
        max: ScalarRef<'_>,
        sparsity: f64,
        seed: i64,
    ) -> RtResult<CsrMatrix> {
        let (min, max) = (T::from_scalar_ref(min)?, T::from_scalar_ref(max)?);
        rand_csr_typed(rows, cols, min, max, sparsity, seed)
    }
    match vt {
        ValueType::F64 => typed::<f64>(rows, cols, min, max, sparsity, seed),
        ValueType::F32 => typed::<f32>(rows, cols, min, max, sparsity, seed),
        ValueType::SI64 => typed::<i64>(rows, cols, min, max, sparsity, seed),
        _ => bail!(
            "rand with a CSR result is not supported for value type {}",
            vt.cpp_name()
        ),
    }
}

/// DAPHNE's CSR `rand` in `T` (`spec/exact-numerics.md` §1.5).
pub fn rand_csr_typed<T: CsrRandValue>(
    rows: usize,
    cols: usize,
    min: T,
    max: T,
    sparsity: f64,
    seed: i64,
) -> RtResult<CsrMatrix> {
    crate::kernels::rand::check_args(rows, cols, min, max, sparsity)?;
    let nnz = ((rows * cols) as f64 * sparsity).round() as usize;
    let seed = if seed == -1 {
        crate::abi::now_nanos() as i64
    } else {
        seed
    };
    let mut engine = MinStdRand0::new(seed as u64);
    let mut values = alloc_cells(nnz, 1)?;
    values.extend((0..nnz).map(|_| T::uniform(&mut engine, min, max)));

    let row_max = rows as u64 - 1;
    let col_max = cols as u64 - 1;
    let few = sparsity <= 0.5;
    let mut counts = vec![if few { 0 } else { cols }; rows];
    let mut assigned = if few { 0 } else { rows * cols };
    while assigned != nnz {
        let r = engine.uniform_u64(row_max) as usize;
        if few && counts[r] < cols {
            counts[r] += 1;
            assigned += 1;
        } else if !few && counts[r] > 0 {
            counts[r] -= 1;
            assigned -= 1;
        }
    }
    let mut col_idxs = Vec::with_capacity(nnz);
    let mut row_offsets = Vec::with_capacity(rows + 1);
    row_offsets.push(0);
    for &count in &counts {
        let wanted = if few { count } else { cols - count };
        let mut drawn = BTreeSet::new();
        while drawn.len() < wanted {
            drawn.insert(engine.uniform_u64(col_max) as usize);
        }
        if few {
            col_idxs.extend(drawn);
        } else {
            col_idxs.extend((0..cols).filter(|c| !drawn.contains(c)));
        }
        row_offsets.push(col_idxs.len());
    }
    let values = Matrix::from(DenseMatrix::from_vec(nnz, 1, values)?);
    CsrMatrix::new(rows, cols, row_offsets, col_idxs, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minstd_outputs() {
        let mut engine = MinStdRand0::new(42);
        let raw: Vec<u64> = (0..4).map(|_| engine.next_u64()).collect();
        assert_eq!(raw, [705_894, 1_126_542_223, 1_579_310_009, 565_444_343]);
        let mut engine = MinStdRand0::new(-1i64 as u64);
        assert_eq!(engine.next_u64(), 50_421);
        let mut engine = MinStdRand0::new(0);
        assert_eq!(engine.next_u64(), 16_807);
    }

    #[test]
    #[allow(clippy::excessive_precision)] // the reference values, as printed with %.17g
    fn rand_matches_the_reference_vectors() {
        let first6 = [
            0.524_587_101_791_753_83,
            0.263_305_540_784_278_27,
            0.196_285_825_580_729_02,
            0.512_318_108_696_728_11,
            0.257_101_629_415_830_7,
            0.815_487_626_818_037_77,
        ];
        let half = rand_csr_typed(3, 4, 0.0, 1.0, 0.5, 42).unwrap();
        assert_eq!(*half.row_offsets, [0, 4, 5, 6]);
        assert_eq!(*half.col_idxs, [0, 1, 2, 3, 1, 1]);
        assert_eq!(half.values.dense::<f64>().unwrap().to_vec(), first6);
        let most = rand_csr_typed(3, 4, 0.0, 1.0, 0.75, 42).unwrap();
        assert_eq!(*most.row_offsets, [0, 3, 6, 9]);
        assert_eq!(*most.col_idxs, [0, 1, 2, 0, 1, 3, 1, 2, 3]);
        let values = most.values.dense::<f64>().unwrap().to_vec();
        assert_eq!(values[..6], first6);
        assert_eq!(
            values[6..],
            [
                0.452_028_642_317_560_4,
                0.247_408_119_840_642_87,
                0.323_323_820_640_762_21
            ]
        );
    }

    #[test]
    fn dense_round_trip() {
        let csr = rand_csr(
            ValueType::SI64,
            5,
            7,
            ScalarRef::Int(-3),
            ScalarRef::Int(3),
            0.3,
            7,
        )
        .unwrap();
        assert!(csr.nnz() <= 11);
        let dense = csr.to_dense().unwrap();
        let back = CsrMatrix::from_dense(&dense).unwrap();
        assert_eq!(
            back.to_dense().unwrap().dense::<i64>().unwrap().to_vec(),
            dense.dense::<i64>().unwrap().to_vec()
        );
        assert!(
            rand_csr(
                ValueType::UI8,
                1,
                1,
                ScalarRef::Int(1),
                ScalarRef::Int(2),
                1.0,
                1
            )
            .is_err()
        );
    }
}
