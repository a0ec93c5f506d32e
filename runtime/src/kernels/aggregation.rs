//! Aggregations: over all cells (a scalar), per row (n×1) and per column (1×m).
//!
//! Full aggregations reproduce DAPHNE's summation order bit for bit (`spec/daphne-reference.md`
//! §12): contiguous cells are reduced with four interleaved accumulators combined as
//! `(a0 ∘ a1) ∘ (a2 ∘ a3)`, then the `n mod 4` trailing cells are folded in one by one; a
//! non-contiguous view is reduced that way per row and the rows are combined in order. From
//! [`bulk::PARALLEL_MIN_CELLS`] contiguous cells on, each core reduces one chunk into sixteen
//! accumulators of its own (floats may then differ from the sequential order in the last bits;
//! memory bandwidth needs more than one core and more than one chain of additions). Row and
//! column aggregations fold each line in index order, starting from its first cell. `MEAN` is
//! the sum divided by the count; `VAR` and `STDDEV` are two-pass and use the population formula
//! (÷N). `IDXMIN`/`IDXMAX` compare in the argument's own type and return the first position on
//! ties.

use crate::bulk;
use crate::dense::DenseMatrix;
use crate::element::Element;
use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::numeric::Numeric;
use crate::value_type::ValueType;

code_enum! {
    /// An aggregation; the code is what compiled code passes as `op`.
    pub enum AggOp {
        /// Sum.
        SUM = 0,
        /// Minimum (`std::min` fold).
        MIN = 1,
        /// Maximum (`std::max` fold).
        MAX = 2,
        /// Arithmetic mean.
        MEAN = 3,
        /// Population variance.
        VAR = 4,
        /// Population standard deviation.
        STDDEV = 5,
        /// Product.
        PROD = 6,
        /// Position of the first minimum (rows and columns only).
        IDXMIN = 7,
        /// Position of the first maximum (rows and columns only).
        IDXMAX = 8,
    }
}

impl AggOp {
    /// The value type of a full aggregation of an `arg`-typed matrix: the argument's type for
    /// `SUM PROD MIN MAX`; for `MEAN VAR STDDEV` the argument's type if it is a float, else f64.
    pub fn full_result_type(self, arg: ValueType) -> RtResult<ValueType> {
        if arg == ValueType::STR {
            bail!(
                "the aggregation {} is not supported on strings",
                self.name()
            );
        }
        Ok(match self {
            AggOp::SUM | AggOp::PROD | AggOp::MIN | AggOp::MAX => arg,
            AggOp::MEAN | AggOp::VAR | AggOp::STDDEV if arg.is_float() => arg,
            AggOp::MEAN | AggOp::VAR | AggOp::STDDEV => ValueType::F64,
            AggOp::IDXMIN | AggOp::IDXMAX => {
                bail!(
                    "the aggregation {} needs an axis (rows or columns)",
                    self.name()
                )
            }
        })
    }
}

/// Which lines a row or column aggregation reduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// One result per row (an n×1 matrix).
    Rows,
    /// One result per column (a 1×m matrix).
    Cols,
}

/// Aggregates all cells of `arg` in the type given by [`AggOp::full_result_type`] and converts
/// the result to `C` (the scalar carrier the caller wants).
pub fn agg_all<C: Element>(op: AggOp, arg: &Matrix) -> RtResult<C> {
    let res_vt = op.full_result_type(arg.value_type())?;
    with_numeric_type!(res_vt, T => full_aggregate(op, &arg.to_dense::<T>()?)?.cast::<C>(), STR => {
        bail!("the aggregation {} is not supported on strings", op.name())
    })
}

/// Aggregates every row (`Axis::Rows`, n×1 result) or column (`Axis::Cols`, 1×m result) of
/// `arg`, computing in `res_vt` (`IDXMIN`/`IDXMAX` compare in `arg`'s type and store positions
/// in `res_vt`, normally ui64).
pub fn agg_axis(op: AggOp, axis: Axis, res_vt: ValueType, arg: &Matrix) -> RtResult<Matrix> {
    if matches!(op, AggOp::IDXMIN | AggOp::IDXMAX) {
        let positions = dispatch_matrix!(arg, dense => arg_extreme(op, axis, dense)?);
        return Matrix::from(positions).cast(res_vt);
    }
    with_numeric_type!(res_vt, T => {
        let lines = line_aggregate(op, axis, &arg.to_dense::<T>()?)?;
        Ok(Matrix::from(lines_to_matrix(axis, lines)?))
    }, STR => bail!("the aggregation {} is not supported on strings", op.name()))
}

/// A full aggregation in `T`.
fn full_aggregate<T: Numeric>(op: AggOp, arg: &DenseMatrix<T>) -> RtResult<T> {
    let n_cells = arg.num_cells();
    let sum = || reduce_all(arg, T::ZERO, T::add);
    match op {
        AggOp::SUM => Ok(sum()),
        AggOp::PROD => Ok(reduce_all(arg, T::ONE, T::mul)),
        AggOp::MIN => Ok(reduce_all(arg, T::MIN_IDENTITY, T::min_of)),
        AggOp::MAX => Ok(reduce_all(arg, T::MAX_IDENTITY, T::max_of)),
        AggOp::MEAN => divide_by_count(sum(), n_cells),
        AggOp::VAR | AggOp::STDDEV => {
            let mean = divide_by_count(sum(), n_cells)?;
            let mut squares = T::ZERO;
            for row in arg.row_iter() {
                for &value in row {
                    let deviation = value.sub(mean);
                    squares = squares.add(deviation.mul(deviation));
                }
            }
            Ok(finish_variance(op, divide_by_count(squares, n_cells)?))
        }
        AggOp::IDXMIN | AggOp::IDXMAX => {
            bail!(
                "the aggregation {} needs an axis (rows or columns)",
                op.name()
            )
        }
    }
}

/// `sum / count` like C++ `sum / size_t`; for integers, no cells is a division by zero.
pub(crate) fn divide_by_count<T: Numeric>(sum: T, count: usize) -> RtResult<T> {
    if count == 0 && !T::IS_FLOAT {
        bail!("division by zero");
    }
    Ok(sum.div_count(count))
}

/// `VAR` is the variance itself, `STDDEV` its square root (computed in `T`).
pub(crate) fn finish_variance<T: Numeric>(op: AggOp, variance: T) -> T {
    if op == AggOp::STDDEV {
        variance.libm(f64::sqrt, f32::sqrt)
    } else {
        variance
    }
}

/// Reduces all cells in DAPHNE's order (see the module docs).
fn reduce_all<T: Numeric>(
    arg: &DenseMatrix<T>,
    identity: T,
    f: impl Fn(T, T) -> T + Copy + Sync,
) -> T {
    match arg.contiguous_values() {
        Some(values) if values.len() >= bulk::PARALLEL_MIN_CELLS && bulk::threads() > 1 => {
            reduce_parallel(values, identity, f)
        }
        Some(values) => reduce_unrolled(values, identity, f),
        None => arg.row_iter().fold(identity, |acc, row| {
            f(acc, reduce_unrolled(row, identity, f))
        }),
    }
}

/// The lanes of [`reduce_parallel`]: four vector registers of independent accumulators, so the
/// loop is bound by memory, not by the latency of one chain of additions.
const PARALLEL_LANES: usize = 16;

/// A reduction on one chunk per core: every chunk (a multiple of [`PARALLEL_LANES`] cells)
/// keeps [`PARALLEL_LANES`] interleaved accumulators; they are combined lane by lane in chunk
/// order, folded into four (`k`, `k+4`, `k+8`, `k+12`), those pairwise, then the tail in order.
fn reduce_parallel<T: Numeric>(
    values: &[T],
    identity: T,
    f: impl Fn(T, T) -> T + Copy + Sync,
) -> T {
    let whole = values.len() / PARALLEL_LANES * PARALLEL_LANES;
    let chunk = (whole / PARALLEL_LANES).div_ceil(bulk::threads()) * PARALLEL_LANES;
    let lanes: Vec<[T; PARALLEL_LANES]> = std::thread::scope(|scope| {
        let handles: Vec<_> = values[..whole]
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                scope.spawn(move || accumulate::<T, PARALLEL_LANES>(part, identity, f))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let acc = lanes[1..].iter().fold(lanes[0], |mut acc, lane| {
        for (a, &x) in acc.iter_mut().zip(lane) {
            *a = f(*a, x);
        }
        acc
    });
    let four: [T; 4] =
        std::array::from_fn(|k| f(f(acc[k], acc[k + 4]), f(acc[k + 8], acc[k + 12])));
    let combined = f(f(four[0], four[1]), f(four[2], four[3]));
    values[whole..]
        .iter()
        .fold(combined, |acc, &value| f(acc, value))
}

/// `N` interleaved accumulators over whole groups of `N` cells (`values.len()` is a multiple
/// of `N`); the loop keeps them in vector registers (`f` is inlined).
fn accumulate<T: Numeric, const N: usize>(
    values: &[T],
    identity: T,
    f: impl Fn(T, T) -> T,
) -> [T; N] {
    let mut acc = [identity; N];
    for chunk in values.chunks_exact(N) {
        for (a, &x) in acc.iter_mut().zip(chunk) {
            *a = f(*a, x);
        }
    }
    acc
}

/// Four interleaved accumulators, combined pairwise, then the tail in order. The loop over
/// whole groups of four keeps the accumulators in one vector register (`f` is inlined).
fn reduce_unrolled<T: Numeric>(values: &[T], identity: T, f: impl Fn(T, T) -> T + Copy) -> T {
    if values.is_empty() {
        return identity;
    }
    let whole = values.len() / 4 * 4;
    let (body, tail) = values.split_at(whole);
    let acc = accumulate::<T, 4>(body, identity, f);
    let combined = f(f(acc[0], acc[1]), f(acc[2], acc[3]));
    tail.iter().fold(combined, |acc, &value| f(acc, value))
}

/// Per-line `SUM PROD MIN MAX MEAN VAR STDDEV` in `T`.
fn line_aggregate<T: Numeric>(op: AggOp, axis: Axis, arg: &DenseMatrix<T>) -> RtResult<Vec<T>> {
    let line_len = match axis {
        Axis::Rows => arg.cols(),
        Axis::Cols => arg.rows(),
    };
    match op {
        AggOp::SUM => fold_op(arg, axis, T::ZERO, T::add),
        AggOp::PROD => fold_op(arg, axis, T::ONE, T::mul),
        AggOp::MIN => fold_op(arg, axis, T::MIN_IDENTITY, T::min_of),
        AggOp::MAX => fold_op(arg, axis, T::MAX_IDENTITY, T::max_of),
        AggOp::MEAN | AggOp::VAR | AggOp::STDDEV => {
            let means = fold_op(arg, axis, T::ZERO, T::add)?
                .into_iter()
                .map(|sum| divide_by_count(sum, line_len))
                .collect::<RtResult<Vec<_>>>()?;
            if op == AggOp::MEAN {
                return Ok(means);
            }
            let square = |line: usize, value: T| {
                let deviation = value.sub(means[line]);
                deviation.mul(deviation)
            };
            let squares = fold_lines(
                arg,
                axis,
                T::ZERO,
                |line, &value| square(line, value),
                |line, _, acc, &value| *acc = acc.add(square(line, value)),
            );
            squares
                .into_iter()
                .map(|sum| Ok(finish_variance(op, divide_by_count(sum, line_len)?)))
                .collect()
        }
        AggOp::IDXMIN | AggOp::IDXMAX => bail!(
            "the aggregation {} returns positions, not values",
            op.name()
        ),
    }
}

/// The position of the first minimum (`IDXMIN`) or maximum (`IDXMAX`) of every line.
fn arg_extreme<T: Element>(
    op: AggOp,
    axis: Axis,
    arg: &DenseMatrix<T>,
) -> RtResult<DenseMatrix<u64>> {
    let (n_lines, line_len) = match axis {
        Axis::Rows => (arg.rows(), arg.cols()),
        Axis::Cols => (arg.cols(), arg.rows()),
    };
    if n_lines > 0 && line_len == 0 {
        bail!(
            "{} of an empty {}",
            op.name(),
            if axis == Axis::Rows { "row" } else { "column" }
        );
    }
    let wants_min = op == AggOp::IDXMIN;
    let extremes = fold_lines(
        arg,
        axis,
        None,
        |_, value| Some((value.clone(), 0u64)),
        |_, position, best, value| {
            if let Some((best_value, best_position)) = best {
                let better = if wants_min {
                    *value < *best_value
                } else {
                    *value > *best_value
                };
                if better {
                    *best_value = value.clone();
                    *best_position = position as u64;
                }
            }
        },
    );
    lines_to_matrix(
        axis,
        extremes
            .into_iter()
            .map(|best| best.map_or(0, |(_, position)| position))
            .collect(),
    )
}

/// Folds every line with `f`, starting from its first cell (`identity` for an empty line).
/// A contiguous matrix takes the fast path: rows are folded one chunk of rows per core, columns
/// in one pass over the cells in memory order, so each column still accumulates in index order.
fn fold_op<T: Numeric>(
    arg: &DenseMatrix<T>,
    axis: Axis,
    identity: T,
    f: impl Fn(T, T) -> T + Copy + Sync,
) -> RtResult<Vec<T>> {
    let (rows, cols) = (arg.rows(), arg.cols());
    match arg.contiguous_values() {
        Some(values) if rows > 0 && cols > 0 => match axis {
            Axis::Rows => bulk::per_line(values, cols, |line| {
                line[1..].iter().fold(line[0], |acc, &value| f(acc, value))
            }),
            Axis::Cols => {
                let mut acc = values[..cols].to_vec();
                for row in values[cols..].chunks_exact(cols) {
                    for (slot, &value) in acc.iter_mut().zip(row) {
                        *slot = f(*slot, value);
                    }
                }
                Ok(acc)
            }
        },
        _ => Ok(fold_lines(
            arg,
            axis,
            identity,
            |_, &value| value,
            |_, _, acc, &value| *acc = f(*acc, value),
        )),
    }
}

/// Folds every line in index order: `seed(line, first)` starts the accumulator, then
/// `step(line, position, &mut acc, value)` takes each further cell; an empty line gives `empty`.
/// Columns are folded row by row, so the matrix is read in memory order.
fn fold_lines<T, A: Clone>(
    arg: &DenseMatrix<T>,
    axis: Axis,
    empty: A,
    seed: impl Fn(usize, &T) -> A,
    step: impl Fn(usize, usize, &mut A, &T),
) -> Vec<A> {
    match axis {
        Axis::Rows => arg
            .row_iter()
            .enumerate()
            .map(|(r, row)| match row.split_first() {
                None => empty.clone(),
                Some((first, rest)) => {
                    let mut acc = seed(r, first);
                    for (c, value) in rest.iter().enumerate() {
                        step(r, c + 1, &mut acc, value);
                    }
                    acc
                }
            })
            .collect(),
        Axis::Cols => {
            let mut rows = arg.row_iter();
            let Some(first_row) = rows.next() else {
                return vec![empty; arg.cols()];
            };
            let mut acc: Vec<A> = first_row
                .iter()
                .enumerate()
                .map(|(c, value)| seed(c, value))
                .collect();
            for (r, row) in rows.enumerate() {
                for (c, (slot, value)) in acc.iter_mut().zip(row).enumerate() {
                    step(c, r + 1, slot, value);
                }
            }
            acc
        }
    }
}

/// One value per line as an n×1 (rows) or 1×m (columns) matrix.
fn lines_to_matrix<T>(axis: Axis, values: Vec<T>) -> RtResult<DenseMatrix<T>> {
    let n = values.len();
    match axis {
        Axis::Rows => DenseMatrix::from_vec(n, 1, values),
        Axis::Cols => DenseMatrix::from_vec(1, n, values),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix<T: Element>(rows: usize, cols: usize, values: Vec<T>) -> Matrix {
        Matrix::from(DenseMatrix::from_vec(rows, cols, values).unwrap())
    }

    fn values<T: Element>(m: &Matrix) -> (usize, usize, Vec<T>) {
        (
            m.rows(),
            m.cols(),
            m.dense::<T>().expect("unexpected value type").to_vec(),
        )
    }

    #[test]
    fn codes_round_trip() {
        for (code, op) in AggOp::ALL.iter().enumerate() {
            assert_eq!(AggOp::from_code(code as i32), Some(*op));
        }
        assert_eq!(AggOp::from_code(9), None);
    }

    #[test]
    fn full_aggregations() {
        let m = matrix(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let all = |op| agg_all::<f64>(op, &m).unwrap();
        assert_eq!(all(AggOp::SUM), 21.0);
        assert_eq!(all(AggOp::PROD), 720.0);
        assert_eq!(all(AggOp::MIN), 1.0);
        assert_eq!(all(AggOp::MAX), 6.0);
        assert_eq!(all(AggOp::MEAN), 3.5);
        assert_eq!(all(AggOp::VAR), 17.5 / 6.0);
        assert_eq!(all(AggOp::STDDEV), (17.5f64 / 6.0).sqrt());
        assert!(agg_all::<f64>(AggOp::IDXMIN, &m).is_err());
    }

    #[test]
    fn full_result_types() {
        assert_eq!(
            AggOp::SUM.full_result_type(ValueType::SI32),
            Ok(ValueType::SI32)
        );
        assert_eq!(
            AggOp::MEAN.full_result_type(ValueType::SI64),
            Ok(ValueType::F64)
        );
        assert_eq!(
            AggOp::VAR.full_result_type(ValueType::F32),
            Ok(ValueType::F32)
        );
        assert!(AggOp::SUM.full_result_type(ValueType::STR).is_err());
        // The mean of integers is not truncated; their sum stays an integer.
        let ints = matrix(1, 2, vec![1i64, 2]);
        assert_eq!(agg_all::<f64>(AggOp::MEAN, &ints), Ok(1.5));
        assert_eq!(agg_all::<i64>(AggOp::SUM, &ints), Ok(3));
        let bytes = matrix(1, 2, vec![200u8, 100]);
        assert_eq!(agg_all::<u64>(AggOp::SUM, &bytes), Ok(44));
    }

    #[test]
    fn full_sum_uses_four_accumulators() {
        // Here the interleaved order and a sequential sum round differently.
        let values = vec![1e16, 1.0, -1e16, 1.0, 1.0];
        let order4 = agg_all::<f64>(AggOp::SUM, &matrix(1, 5, values.clone())).unwrap();
        let expected = ((1e16 + 1.0) + (-1e16 + 1.0)) + 1.0;
        assert_eq!(order4, expected);
        assert_ne!(order4, values.iter().sum::<f64>());
        // A non-contiguous view is reduced per row, then the rows in order.
        let wide = DenseMatrix::from_vec(
            2,
            6,
            vec![
                1e16, 1.0, -1e16, 1.0, 1.0, 9.0, 2.0, 2.0, 2.0, 2.0, 2.0, 9.0,
            ],
        )
        .unwrap();
        let view = Matrix::from(wide.slice(0..2, 0..5).unwrap());
        assert_eq!(agg_all::<f64>(AggOp::SUM, &view), Ok(expected + 10.0));
        assert_eq!(agg_all::<f64>(AggOp::MAX, &view), Ok(1e16));
    }

    #[test]
    fn contiguous_fast_paths_match_views_bit_for_bit() {
        // -0.0 first cells: each line starts from its first cell, not from +0.
        let mut cells: Vec<f64> = (0..7 * 5)
            .map(|i| ((i * 37) % 11) as f64 * 0.1 - 0.5)
            .collect();
        cells[0] = -0.0;
        cells[5] = -0.0;
        let wide = DenseMatrix::from_vec(7, 6, {
            let mut padded = Vec::new();
            for row in cells.chunks(5) {
                padded.extend_from_slice(row);
                padded.push(99.0);
            }
            padded
        })
        .unwrap();
        let view = Matrix::from(wide.slice(0..7, 0..5).unwrap());
        let flat = matrix(7, 5, cells);
        for op in [AggOp::SUM, AggOp::PROD, AggOp::MIN, AggOp::MAX, AggOp::VAR] {
            for axis in [Axis::Rows, Axis::Cols] {
                let bits = |m: &Matrix| {
                    let out = agg_axis(op, axis, ValueType::F64, m).unwrap();
                    out.dense::<f64>()
                        .unwrap()
                        .to_vec()
                        .iter()
                        .map(|v| v.to_bits())
                        .collect::<Vec<_>>()
                };
                assert_eq!(bits(&flat), bits(&view), "{op:?} {axis:?}");
            }
        }
        let sum = agg_axis(
            AggOp::SUM,
            Axis::Cols,
            ValueType::F64,
            &matrix(1, 1, vec![-0.0]),
        );
        assert!(sum.unwrap().get::<f64>(0, 0).unwrap().is_sign_negative());
    }

    #[test]
    fn empty_full_aggregations() {
        let empty = matrix::<f64>(0, 3, vec![]);
        assert_eq!(agg_all::<f64>(AggOp::SUM, &empty), Ok(0.0));
        assert_eq!(agg_all::<f64>(AggOp::MIN, &empty), Ok(f64::INFINITY));
        assert!(agg_all::<f64>(AggOp::MEAN, &empty).unwrap().is_nan());
    }

    #[test]
    fn row_and_column_aggregations() {
        let m = matrix(2, 3, vec![1.0, 5.0, 3.0, 4.0, 2.0, 6.0]);
        let rows = |op| values::<f64>(&agg_axis(op, Axis::Rows, ValueType::F64, &m).unwrap());
        let cols = |op| values::<f64>(&agg_axis(op, Axis::Cols, ValueType::F64, &m).unwrap());
        assert_eq!(rows(AggOp::SUM), (2, 1, vec![9.0, 12.0]));
        assert_eq!(cols(AggOp::SUM), (1, 3, vec![5.0, 7.0, 9.0]));
        assert_eq!(rows(AggOp::MIN).2, [1.0, 2.0]);
        assert_eq!(cols(AggOp::MAX).2, [4.0, 5.0, 6.0]);
        assert_eq!(rows(AggOp::PROD).2, [15.0, 48.0]);
        assert_eq!(rows(AggOp::MEAN).2, [3.0, 4.0]);
        assert_eq!(cols(AggOp::MEAN).2, [2.5, 3.5, 4.5]);
        assert_eq!(rows(AggOp::VAR).2, [8.0 / 3.0, 8.0 / 3.0]);
        assert_eq!(cols(AggOp::VAR).2, [2.25, 2.25, 2.25]);
        assert_eq!(cols(AggOp::STDDEV).2, [1.5, 1.5, 1.5]);
    }

    #[test]
    fn axis_aggregations_compute_in_the_result_type() {
        let m = matrix(1, 2, vec![1i64, 2]);
        let mean = agg_axis(AggOp::MEAN, Axis::Rows, ValueType::F64, &m).unwrap();
        assert_eq!(values::<f64>(&mean).2, [1.5]);
        let bytes = matrix(2, 1, vec![200u8, 100]);
        let sum = agg_axis(AggOp::SUM, Axis::Cols, ValueType::UI8, &bytes).unwrap();
        assert_eq!(values::<u8>(&sum).2, [44]);
        assert!(agg_axis(AggOp::SUM, Axis::Rows, ValueType::STR, &m).is_err());
    }

    #[test]
    fn positions_of_extremes() {
        let m = matrix(2, 3, vec![3, 1, 1, 7, 9, 9]);
        let idx = |op, axis| values::<u64>(&agg_axis(op, axis, ValueType::UI64, &m).unwrap());
        assert_eq!(idx(AggOp::IDXMIN, Axis::Rows), (2, 1, vec![1, 0]));
        assert_eq!(idx(AggOp::IDXMAX, Axis::Rows), (2, 1, vec![0, 1]));
        assert_eq!(idx(AggOp::IDXMIN, Axis::Cols), (1, 3, vec![0, 0, 0]));
        assert_eq!(idx(AggOp::IDXMAX, Axis::Cols), (1, 3, vec![1, 1, 1]));
        let words = matrix(1, 3, vec!["b".to_owned(), "a".to_owned(), "c".to_owned()]);
        let first = agg_axis(AggOp::IDXMIN, Axis::Rows, ValueType::UI64, &words).unwrap();
        assert_eq!(values::<u64>(&first).2, [1]);
        let empty_rows = matrix::<f64>(2, 0, vec![]);
        assert!(agg_axis(AggOp::IDXMAX, Axis::Rows, ValueType::UI64, &empty_rows).is_err());
        let no_rows = agg_axis(
            AggOp::IDXMAX,
            Axis::Rows,
            ValueType::UI64,
            &matrix::<f64>(0, 2, vec![]),
        )
        .unwrap();
        assert_eq!((no_rows.rows(), no_rows.cols()), (0, 1));
    }

    #[test]
    fn empty_lines_give_identities() {
        let m = matrix::<f64>(2, 0, vec![]);
        let sums = agg_axis(AggOp::SUM, Axis::Rows, ValueType::F64, &m).unwrap();
        assert_eq!(values::<f64>(&sums).2, [0.0, 0.0]);
        let mins = agg_axis(
            AggOp::MIN,
            Axis::Cols,
            ValueType::F64,
            &matrix::<f64>(0, 2, vec![]),
        )
        .unwrap();
        assert_eq!(values::<f64>(&mins).2, [f64::INFINITY, f64::INFINITY]);
    }
}
