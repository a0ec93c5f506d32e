//! DAPHNE's dense `rand(rows, cols, min, max, sparsity, seed)`, bit for bit.
//!
//! The algorithm (`spec/exact-numerics.md` §1.2–1.3): two engines, `genVal = mt19937(seed)` for
//! values and `genIndex = mt19937(seed * 3)` for positions. With `sparsity >= 0.5` every cell
//! first gets a non-zero draw (zeros are redrawn), then `L = round((1 - sparsity) * cols * rows)`
//! cells are zeroed; otherwise all cells start at zero and `L = round(sparsity * cols * rows)`
//! cells get a non-zero draw. The L cells are chosen by a selection pass over the cells in
//! row-major order that draws `k` uniformly from `[0, N-1]` (not `[0, N-i-1]`, a quirk that must
//! be kept) and selects cell `i` when `fmod(k, N - i) < L - selected`.

use std::hash::{BuildHasher, RandomState};

use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::ScalarRef;
use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::numeric::Numeric;
use crate::random::{Mt19937, UniformValue, uniform_u64};
use crate::value_type::ValueType;

/// `rand` with value type `vt`; `min` and `max` are converted to `vt` first.
pub fn rand(
    vt: ValueType,
    rows: usize,
    cols: usize,
    min: ScalarRef<'_>,
    max: ScalarRef<'_>,
    sparsity: f64,
    seed: i64,
) -> RtResult<Matrix> {
    fn typed<T: Numeric + UniformValue>(
        rows: usize,
        cols: usize,
        min: ScalarRef<'_>,
        max: ScalarRef<'_>,
        sparsity: f64,
        seed: i64,
    ) -> RtResult<Matrix> {
        let (min, max) = (T::from_scalar_ref(min)?, T::from_scalar_ref(max)?);
        Ok(Matrix::from(rand_typed(
            rows, cols, min, max, sparsity, seed,
        )?))
    }
    match vt {
        ValueType::F64 => typed::<f64>(rows, cols, min, max, sparsity, seed),
        ValueType::F32 => typed::<f32>(rows, cols, min, max, sparsity, seed),
        ValueType::SI64 => typed::<i64>(rows, cols, min, max, sparsity, seed),
        ValueType::SI32 => typed::<i32>(rows, cols, min, max, sparsity, seed),
        ValueType::SI8 => typed::<i8>(rows, cols, min, max, sparsity, seed),
        ValueType::UI64 => typed::<u64>(rows, cols, min, max, sparsity, seed),
        ValueType::UI32 => typed::<u32>(rows, cols, min, max, sparsity, seed),
        ValueType::UI8 => typed::<u8>(rows, cols, min, max, sparsity, seed),
        ValueType::BOOL | ValueType::STR => {
            bail!("rand is not supported for value type {}", vt.cpp_name())
        }
    }
}

/// `rand` in `T`; `seed` -1 draws a non-deterministic seed.
pub fn rand_typed<T: Numeric + UniformValue>(
    rows: usize,
    cols: usize,
    min: T,
    max: T,
    sparsity: f64,
    seed: i64,
) -> RtResult<DenseMatrix<T>> {
    check_args(rows, cols, min, max, sparsity)?;
    let seed = if seed == -1 { random_seed() } else { seed };
    // mt19937 keeps the low 32 bits of its seed; `seed * 3` wraps like the C++ int64 product.
    let mut gen_value = Mt19937::new(seed as u32);
    let mut gen_index = Mt19937::new(seed.wrapping_mul(3) as u32);
    let mut draw_nonzero = || loop {
        let value = T::uniform(&mut gen_value, min, max);
        if value != T::ZERO {
            return value;
        }
    };

    let n_cells = rows * cols;
    let fills_first = sparsity >= 0.5;
    let share = if fills_first {
        1.0 - sparsity
    } else {
        sparsity
    };
    let n_selected = (share * cols as f64 * rows as f64).round() as usize;

    let mut values = alloc_cells(rows, cols)?;
    if fills_first {
        values.extend((0..n_cells).map(|_| draw_nonzero()));
    } else {
        values.resize(n_cells, T::ZERO);
    }
    let index_range_max = n_cells as u64 - 1;
    let mut n_done = 0;
    for (i, cell) in values.iter_mut().enumerate() {
        if n_done >= n_selected {
            break;
        }
        let k = uniform_u64(&mut gen_index, index_range_max);
        if (k as f64) % ((n_cells - i) as f64) < (n_selected - n_done) as f64 {
            *cell = if fills_first { T::ZERO } else { draw_nonzero() };
            n_done += 1;
        }
    }
    DenseMatrix::from_vec(rows, cols, values)
}

/// DAPHNE's argument checks of `rand` (dense and CSR), in its order.
pub fn check_args<T: Numeric>(
    rows: usize,
    cols: usize,
    min: T,
    max: T,
    sparsity: f64,
) -> RtResult<()> {
    if rows == 0 {
        bail!("rand: the number of rows must be > 0");
    }
    if cols == 0 {
        bail!("rand: the number of columns must be > 0");
    }
    if min > max {
        bail!("rand: min must be <= max");
    }
    if !min.is_true() && !max.is_true() {
        bail!("rand: min and max must not both be zero (use sparsity 0 for a matrix of zeros)");
    }
    if !(0.0..=1.0).contains(&sparsity) {
        bail!("rand: sparsity must be in [0, 1], not {sparsity}");
    }
    Ok(())
}

/// A seed in `[0, i64::MAX]` from the operating system's randomness (`std::random_device`).
fn random_seed() -> i64 {
    (RandomState::new().hash_one(std::process::id()) >> 1) as i64
}

#[cfg(test)]
mod tests {
    //! The printed matrices A–I of `spec/exact-numerics.md` §2.
    use super::*;
    use crate::print::write_matrix;

    fn printed(matrix: &Matrix) -> String {
        let mut out = Vec::new();
        write_matrix(&mut out, matrix).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn exact(text: &str) -> Vec<f64> {
        text.split_whitespace()
            .map(|word| word.parse().unwrap())
            .collect()
    }

    #[test]
    fn dense_f64() {
        let a = rand_typed(4, 3, 0.0, 1.0, 1.0, 42).unwrap();
        assert_eq!(
            a.to_vec(),
            exact(
                "0.79654298428784598 0.18343478789336848 0.77969099761266125 0.59685016158005655 0.44583275754843343 0.099974920543840745 0.45924888785418205 0.33370861151865128 0.1428668144161615 0.65088847342600875 0.056411576462114345 0.72199877164557336"
            )
        );
        assert_eq!(
            printed(&Matrix::from(a)),
            "DenseMatrix(4x3, double)\n0.796543 0.183435 0.779691\n0.59685 0.445833 0.0999749\n0.459249 0.333709 0.142867\n0.650888 0.0564116 0.721999\n"
        );
        let b = rand_typed(4, 3, 0.0, 1.0, 0.5, 42).unwrap();
        assert_eq!(
            b.to_vec(),
            exact(
                "0 0 0 0 0 0.099974920543840745 0.45924888785418205 0.33370861151865128 0 0.65088847342600875 0.056411576462114345 0.72199877164557336"
            )
        );
        let c = rand_typed(4, 3, 0.0, 1.0, 0.0, 42).unwrap();
        assert_eq!(c.to_vec(), vec![0.0; 12]);
    }

    #[test]
    fn sparse_fill_takes_values_in_cell_order() {
        let e = rand_typed(3, 4, -5.0, 7.5, 0.25, 12345).unwrap();
        assert_eq!(
            e.to_vec(),
            exact("0 0 6.1269339160342238 0 -3.3661588243081479 0 0 0 0 0 -4.5030062937180082 0")
        );
        assert_eq!(
            printed(&Matrix::from(e)),
            "DenseMatrix(3x4, double)\n0 0 6.12693 0\n-3.36616 0 0 0\n0 0 -4.50301 0\n"
        );
    }

    #[test]
    fn dense_f32() {
        let f = rand_typed(3, 3, -1.0f32, 1.0, 0.7, 1).unwrap();
        let expected: Vec<f32> = exact(
            "-0.16595602035522461 0 0.44064903259277344 0 -0.99977123737335205 -0.74375110864639282 -0.39533483982086182 0.99808108806610107 0",
        )
        .into_iter()
        .map(|v| v as f32)
        .collect();
        assert_eq!(f.to_vec(), expected);
        assert_eq!(
            printed(&Matrix::from(f)),
            "DenseMatrix(3x3, float)\n-0.165956 0 0.440649\n0 -0.999771 -0.743751\n-0.395335 0.998081 0\n"
        );
    }

    #[test]
    fn dense_integers() {
        let d = rand(
            ValueType::SI64,
            5,
            2,
            ScalarRef::Int(-10),
            ScalarRef::Int(10),
            0.5,
            7,
        )
        .unwrap();
        assert_eq!(
            printed(&d),
            "DenseMatrix(5x2, int64_t)\n0 -6\n0 -4\n0 0\n0 -1\n10 -4\n"
        );
        let g = rand(
            ValueType::UI8,
            2,
            5,
            ScalarRef::Int(0),
            ScalarRef::Int(255),
            1.0,
            0,
        )
        .unwrap();
        assert_eq!(
            printed(&g),
            "DenseMatrix(2x5, uint8_t)\n140 151 183 216 154\n219 139 216 108 159\n"
        );
        let i = rand(
            ValueType::SI32,
            4,
            4,
            ScalarRef::Int(3),
            ScalarRef::Int(3),
            0.5,
            99,
        )
        .unwrap();
        assert_eq!(
            printed(&i),
            "DenseMatrix(4x4, int32_t)\n3 0 0 3\n0 3 0 0\n3 0 3 0\n3 3 3 0\n"
        );
    }

    #[test]
    fn negative_seed_uses_its_low_bits() {
        let h = rand(
            ValueType::F64,
            2,
            3,
            ScalarRef::Int(100),
            ScalarRef::Float(1e6),
            1.0,
            -5,
        )
        .unwrap();
        assert_eq!(
            h.dense::<f64>().unwrap().to_vec(),
            exact(
                "580747.88349933783 11553.580159994244 632894.17608680448 154854.3847380915 699551.30319330597 790296.57350014686"
            )
        );
        assert_eq!(
            printed(&h),
            "DenseMatrix(2x3, double)\n580748 11553.6 632894\n154854 699551 790297\n"
        );
        let same = rand_typed(2, 3, 100.0, 1e6, 1.0, -5 + (1 << 32)).unwrap();
        assert_eq!(same.to_vec(), h.dense::<f64>().unwrap().to_vec());
    }

    #[test]
    fn random_seed_gives_the_requested_shape_and_range() {
        let m = rand_typed(3, 2, 1i64, 6, 1.0, -1).unwrap();
        assert_eq!((m.rows(), m.cols()), (3, 2));
        assert!(m.to_vec().iter().all(|v| (1..=6).contains(v)));
    }

    #[test]
    fn invalid_arguments() {
        assert!(rand_typed(0, 3, 0.0, 1.0, 1.0, 1).is_err());
        assert!(rand_typed(3, 0, 0.0, 1.0, 1.0, 1).is_err());
        assert!(rand_typed(3, 3, 2.0, 1.0, 1.0, 1).is_err());
        assert!(rand_typed(3, 3, 0.0, 0.0, 1.0, 1).is_err());
        assert!(rand_typed(3, 3, 0.0, 1.0, 1.5, 1).is_err());
        assert!(rand_typed(3, 3, 0.0, 1.0, f64::NAN, 1).is_err());
        assert!(
            rand(
                ValueType::BOOL,
                1,
                1,
                ScalarRef::Int(0),
                ScalarRef::Int(1),
                1.0,
                1
            )
            .is_err()
        );
    }
}
