//! Preprocessing and sampling: `ctable`, `oneHot`, `recode`, `bin` and `sample`.

use std::cmp::Ordering;

use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::{Element, ScalarRef};
use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::numeric::Numeric;
use crate::random::{Mt19937, UniformValue, uniform_u64};
use crate::value_type::ValueType;

/// The cells of a numeric column vector as `i64` coordinates (floats truncated).
fn coordinates(op: &str, what: &str, m: &Matrix) -> RtResult<Vec<i64>> {
    if m.cols() != 1 || m.value_type() == ValueType::STR {
        bail!(
            "{op}: {what} must be a numeric column vector, not a {}x{} {} matrix",
            m.rows(),
            m.cols(),
            m.value_type().cpp_name()
        );
    }
    Ok(m.to_dense::<i64>()?.to_vec())
}

/// `ctable(ys, xs, weight, nr, nc)`: the contingency table `T[ys[i], xs[i]] += weight`, in
/// `res_vt` (the weight's value type). `nr`/`nc` < 0 mean `max + 1`; otherwise entries
/// outside are dropped (crop) or the table is padded with zeros.
pub fn ctable(
    ys: &Matrix,
    xs: &Matrix,
    weight: ScalarRef<'_>,
    res_vt: ValueType,
    rows: i64,
    cols: i64,
) -> RtResult<Matrix> {
    let (ys, xs) = (
        coordinates("ctable", "lhs", ys)?,
        coordinates("ctable", "rhs", xs)?,
    );
    if ys.len() != xs.len() {
        bail!(
            "ctable: lhs and rhs must have the same number of rows, but have {} and {}",
            ys.len(),
            xs.len()
        );
    }
    if let Some(&bad) = ys.iter().chain(&xs).find(|&&v| v < 0) {
        bail!("ctable: coordinates must not be negative, but got {bad}");
    }
    let extent = |given: i64, values: &[i64]| -> usize {
        if given < 0 {
            values.iter().max().map_or(0, |&m| m as usize + 1)
        } else {
            given as usize
        }
    };
    let (nr, nc) = (extent(rows, &ys), extent(cols, &xs));
    with_numeric_type!(res_vt, T => {
        let weight = T::from_scalar_ref(weight)?;
        let mut out = alloc_cells(nr, nc)?;
        out.resize(nr * nc, T::ZERO);
        for (&y, &x) in ys.iter().zip(&xs) {
            let (y, x) = (y as usize, x as usize);
            if y < nr && x < nc {
                out[y * nc + x] = out[y * nc + x].add(weight);
            }
        }
        Ok(Matrix::from(DenseMatrix::from_vec(nr, nc, out)?))
    }, STR => bail!("ctable: the weight must be numeric"))
}

/// `oneHot(X, info)`: per column `c` of `X`, `info[c]` = -1 keeps the column, 0 drops it and
/// k > 0 replaces it by k 0/1 columns (the cell value, truncated, selects the 1).
pub fn one_hot(arg: &Matrix, info: &Matrix) -> RtResult<Matrix> {
    if info.rows() != 1 || info.cols() != arg.cols() {
        bail!(
            "oneHot: info must be a 1x{} row vector, not {}x{}",
            arg.cols(),
            info.rows(),
            info.cols()
        );
    }
    let info = info.to_dense::<i64>()?.to_vec();
    let mut out_cols = 0usize;
    for &k in &info {
        match k {
            -1 => out_cols += 1,
            0 => {}
            k if k > 0 => out_cols += k as usize,
            k => bail!("oneHot: info values must be -1, 0 or positive, not {k}"),
        }
    }
    if out_cols == 0 {
        bail!("oneHot: info must have at least one non-zero entry");
    }
    if arg.value_type() == ValueType::STR {
        // Strings are coded per column by first appearance, then encoded as si64 codes.
        return one_hot_codes(&string_codes(arg)?, &info, out_cols);
    }
    one_hot_codes(arg, &info, out_cols)
}

/// Each string of `arg` replaced by its column's code: 0 for the first distinct string of
/// the column, 1 for the second, and so on (an si64 matrix).
fn string_codes(arg: &Matrix) -> RtResult<Matrix> {
    let dense = arg.to_dense::<String>()?;
    let mut dictionaries: Vec<std::collections::HashMap<&str, i64>> =
        vec![Default::default(); dense.cols()];
    let mut codes = alloc_cells(dense.rows(), dense.cols())?;
    for row in dense.row_iter() {
        for (value, dict) in row.iter().zip(dictionaries.iter_mut()) {
            let next = dict.len() as i64;
            codes.push(*dict.entry(value.as_str()).or_insert(next));
        }
    }
    Ok(Matrix::from(DenseMatrix::from_vec(
        dense.rows(),
        dense.cols(),
        codes,
    )?))
}

/// The one-hot encoding of a numeric matrix (see [`one_hot`]).
fn one_hot_codes(arg: &Matrix, info: &[i64], out_cols: usize) -> RtResult<Matrix> {
    with_numeric_type!(arg.value_type(), T => {
        let dense = arg.to_dense::<T>()?;
        let mut out = alloc_cells(dense.rows(), out_cols)?;
        for row in dense.row_iter() {
            for (&v, &k) in row.iter().zip(info) {
                if k == -1 {
                    out.push(v);
                } else if k > 0 {
                    let hot = v.to_f64();
                    if !(0.0..k as f64).contains(&hot) {
                        bail!("oneHot: value {} is out of range for {k} categories", crate::print::format_g(hot));
                    }
                    let start = out.len();
                    out.resize(start + k as usize, T::ZERO);
                    out[start + hot as usize] = T::ONE;
                }
            }
        }
        Ok(Matrix::from(DenseMatrix::from_vec(dense.rows(), out_cols, out)?))
    }, STR => bail!("oneHot: strings must be coded first"))
}

/// `recode(X, orderPreserving)`: the codes (n×1, `code_vt`) and the dictionary (distinct
/// values, d×1, `X`'s type). Codes follow the sorted order of the values if
/// `order_preserving`, else the order of first appearance.
pub fn recode(
    arg: &Matrix,
    order_preserving: bool,
    code_vt: ValueType,
) -> RtResult<(Matrix, Matrix)> {
    if arg.cols() != 1 {
        bail!(
            "recode: the argument must be a column vector, not {}x{}",
            arg.rows(),
            arg.cols()
        );
    }
    fn typed<T: Element>(
        dense: &DenseMatrix<T>,
        order_preserving: bool,
    ) -> RtResult<(Vec<u64>, Matrix)> {
        let values: Vec<&T> = dense.row_iter().map(|row| &row[0]).collect();
        let mut sorted: Vec<usize> = (0..values.len()).collect();
        sorted.sort_by(|&i, &j| values[i].partial_cmp(values[j]).unwrap_or(Ordering::Equal));
        // Groups of equal values, in sorted order, each with its first position.
        let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
        for &i in &sorted {
            match groups.last_mut() {
                Some((_, members)) if values[members[0]] == values[i] => members.push(i),
                _ => groups.push((i, vec![i])),
            }
        }
        for (first, members) in &mut groups {
            *first = *members.iter().min().unwrap_or(first);
        }
        if !order_preserving {
            groups.sort_by_key(|(first, _)| *first);
        }
        let mut codes = vec![0u64; values.len()];
        let mut dict = Vec::with_capacity(groups.len());
        for (code, (first, members)) in groups.iter().enumerate() {
            dict.push(values[*first].clone());
            members.iter().for_each(|&i| codes[i] = code as u64);
        }
        let d = dict.len();
        Ok((codes, Matrix::from(DenseMatrix::from_vec(d, 1, dict)?)))
    }
    let (codes, dict) = dispatch_matrix!(arg, dense => typed(dense, order_preserving)?);
    let n = codes.len();
    Ok((
        Matrix::from(DenseMatrix::from_vec(n, 1, codes)?).cast(code_vt)?,
        dict,
    ))
}

/// `bin(X, numBins, min, max)`: each cell's bin in `[0, numBins)` over equal-width bins of
/// `[min, max]` (cells ≤ min go to bin 0, cells above max to the last; NaN stays NaN in a float
/// result). `bounds` `None` takes `X`'s minimum and maximum. Computed into `res_vt`.
pub fn bin(
    arg: &Matrix,
    num_bins: i64,
    bounds: Option<(f64, f64)>,
    res_vt: ValueType,
) -> RtResult<Matrix> {
    let values = arg.to_dense::<f64>()?;
    let (min, max) = match bounds {
        Some(bounds) => bounds,
        None => values
            .row_iter()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            }),
    };
    if num_bins <= 0 {
        bail!("bin: numBins must be greater than zero");
    }
    if (!min.is_finite() || !max.is_finite()) && (bounds.is_some() || arg.rows() * arg.cols() > 0) {
        bail!("bin: min and max must be finite numbers");
    }
    if min > max && bounds.is_some() {
        bail!("bin: min must not be greater than max");
    }
    if min == max && num_bins > 1 {
        bail!("bin: min equals max, so numBins must not be greater than 1");
    }
    let width = (max - min) / num_bins as f64;
    with_numeric_type!(res_vt, T => {
        let out = values.map(|&v| {
            if min == max && num_bins == 1 || v <= min {
                return T::ZERO;
            }
            let b = ((v - min) / width).ceil() - 1.0;
            if b.is_nan() {
                T::from_f64(b)
            } else {
                T::from_f64(b.clamp(0.0, (num_bins - 1) as f64))
            }
        })?;
        Ok(Matrix::from(out))
    }, STR => bail!("bin: the result must be numeric"))
}

/// `sample(range, size, withReplacement, seed)`: `size`×1 draws from `[0, range)` in
/// value type `vt`, DAPHNE's algorithm on `mt19937(seed)`: with replacement independent
/// draws; without, distinct values (floats: redraw repeats; integers: selection sampling over
/// `0..range` followed by libstdc++'s `std::shuffle`).
pub fn sample(
    vt: ValueType,
    range: ScalarRef<'_>,
    size: i64,
    with_replacement: bool,
    seed: i64,
) -> RtResult<Matrix> {
    fn typed<T: Numeric + UniformValue>(
        range: T,
        size: i64,
        with_replacement: bool,
        seed: i64,
    ) -> RtResult<Matrix> {
        if size <= 0 {
            bail!("sample: size must be > 0");
        }
        if range <= T::ZERO {
            bail!("sample: range must be > 0");
        }
        let n = size as usize;
        if !with_replacement && !T::IS_FLOAT && range.to_f64() < size as f64 {
            bail!("sample: without replacement, range must be >= size");
        }
        let seed = if seed == -1 {
            crate::abi::now_nanos() as i64
        } else {
            seed
        };
        let mut engine = Mt19937::new(seed as u32);
        let upper = T::from_f64(next_toward_zero(range.to_f64()));
        let mut out: Vec<T> = alloc_cells(n, 1)?;
        if with_replacement {
            out.extend((0..n).map(|_| T::uniform(&mut engine, T::ZERO, upper)));
        } else if T::IS_FLOAT {
            while out.len() < n {
                let v = T::uniform(&mut engine, T::ZERO, upper);
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        } else {
            let range_count = range.to_f64() as u64;
            let mut i = 0u64;
            while i < range_count && out.len() < n {
                let draw = T::uniform(&mut engine, T::ZERO, upper).to_f64();
                if draw % ((range_count - i) as f64) < (n - out.len()) as f64 {
                    out.push(T::from_f64(i as f64));
                }
                i += 1;
            }
            shuffle(&mut out, &mut engine);
        }
        Ok(Matrix::from(DenseMatrix::from_vec(n, 1, out)?))
    }
    let args = (size, with_replacement, seed);
    match vt {
        ValueType::F64 => typed(f64::from_scalar_ref(range)?, args.0, args.1, args.2),
        ValueType::F32 => typed(f32::from_scalar_ref(range)?, args.0, args.1, args.2),
        ValueType::SI64 => typed(i64::from_scalar_ref(range)?, args.0, args.1, args.2),
        ValueType::SI32 => typed(i32::from_scalar_ref(range)?, args.0, args.1, args.2),
        ValueType::UI32 => typed(u32::from_scalar_ref(range)?, args.0, args.1, args.2),
        ValueType::UI8 => typed(u8::from_scalar_ref(range)?, args.0, args.1, args.2),
        _ => bail!("sample is not supported for value type {}", vt.cpp_name()),
    }
}

/// `std::nextafter(x, 0)` for a positive `x`.
fn next_toward_zero(x: f64) -> f64 {
    f64::from_bits(x.to_bits() - 1)
}

/// libstdc++ 12's `std::shuffle` with a 32-bit engine: two swaps per draw while the squared
/// range fits the engine, one draw per position otherwise.
fn shuffle<T>(values: &mut [T], engine: &mut Mt19937) {
    let n = values.len() as u64;
    if n < 2 {
        return;
    }
    if u64::from(u32::MAX) / n >= n {
        let mut i = 1u64;
        if n.is_multiple_of(2) {
            let j = uniform_u64(engine, 1);
            values.swap(i as usize, j as usize);
            i += 1;
        }
        while i != n {
            let swap_range = i + 1;
            let x = uniform_u64(engine, swap_range * (swap_range + 1) - 1);
            values.swap(i as usize, (x / (swap_range + 1)) as usize);
            i += 1;
            values.swap(i as usize, (x % (swap_range + 1)) as usize);
            i += 1;
        }
    } else {
        for i in 1..n {
            let j = uniform_u64(engine, i);
            values.swap(i as usize, j as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column<T: Element>(values: Vec<T>) -> Matrix {
        let n = values.len();
        Matrix::from(DenseMatrix::from_vec(n, 1, values).unwrap())
    }

    fn cells<T: Element>(m: &Matrix) -> (usize, usize, Vec<T>) {
        (m.rows(), m.cols(), m.dense::<T>().unwrap().to_vec())
    }

    #[test]
    fn ctable_shapes() {
        let (ys, xs) = (column(vec![1i64, 4, 5, 4]), column(vec![2i64, 3, 1, 3]));
        let t = ctable(&ys, &xs, ScalarRef::Float(1.0), ValueType::F64, -1, -1).unwrap();
        let (r, c, v) = cells::<f64>(&t);
        assert_eq!((r, c), (6, 4));
        assert_eq!((v[6], v[19], v[21]), (1.0, 2.0, 1.0));
        let cropped = ctable(&ys, &xs, ScalarRef::Int(3), ValueType::SI64, 4, 3).unwrap();
        assert_eq!(
            cells::<i64>(&cropped),
            (4, 3, vec![0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0])
        );
        let padded = ctable(&ys, &xs, ScalarRef::Int(1), ValueType::SI64, 8, 5).unwrap();
        assert_eq!((padded.rows(), padded.cols()), (8, 5));
        assert!(
            ctable(
                &ys,
                &column(vec![1i64]),
                ScalarRef::Int(1),
                ValueType::SI64,
                -1,
                -1
            )
            .is_err()
        );
    }

    #[test]
    fn one_hot_and_recode() {
        let x =
            Matrix::from(DenseMatrix::from_vec(2, 3, vec![1.0, 7.0, 2.0, 0.0, 8.0, 1.0]).unwrap());
        let info = Matrix::from(DenseMatrix::from_vec(1, 3, vec![2i64, 0, -1]).unwrap());
        assert_eq!(
            cells::<f64>(&one_hot(&x, &info).unwrap()),
            (2, 3, vec![0.0, 1.0, 2.0, 1.0, 0.0, 1.0])
        );
        let bad = Matrix::from(DenseMatrix::from_vec(1, 3, vec![1i64, 0, -1]).unwrap());
        assert!(one_hot(&x, &bad).is_err());
        let words = column(["b", "a", "b", "c"].map(String::from).to_vec());
        let (codes, dict) = recode(&words, true, ValueType::SI64).unwrap();
        assert_eq!(cells::<i64>(&codes).2, [1, 0, 1, 2]);
        assert_eq!(cells::<String>(&dict).2, ["a", "b", "c"]);
        let (codes, dict) = recode(&words, false, ValueType::SI64).unwrap();
        assert_eq!(cells::<i64>(&codes).2, [0, 1, 0, 2]);
        assert_eq!(cells::<String>(&dict).2, ["b", "a", "c"]);
    }

    #[test]
    fn bins() {
        let x = column(vec![0.0, 1.0, 2.5, 5.0, 10.0, f64::NAN]);
        let b = bin(&x, 4, Some((1.0, 5.0)), ValueType::F64).unwrap();
        let v = cells::<f64>(&b).2;
        assert_eq!(v[..5], [0.0, 0.0, 1.0, 3.0, 3.0]);
        assert!(v[5].is_nan());
        let empty = bin(
            &Matrix::from(DenseMatrix::<f64>::filled(3, 0, 0.0).unwrap()),
            42,
            Some((100.0, 200.0)),
            ValueType::F64,
        )
        .unwrap();
        assert_eq!((empty.rows(), empty.cols()), (3, 0));
        assert!(bin(&x, 0, Some((1.0, 5.0)), ValueType::F64).is_err());
        assert!(bin(&x, 2, Some((1.0, 1.0)), ValueType::F64).is_err());
    }

    #[test]
    fn samples() {
        let s = sample(ValueType::SI64, ScalarRef::Int(10), 10, false, 42).unwrap();
        let mut v = cells::<i64>(&s).2;
        v.sort_unstable();
        assert_eq!(v, (0..10).collect::<Vec<_>>());
        let r = sample(ValueType::F64, ScalarRef::Float(1.0), 5, true, 1).unwrap();
        assert!(cells::<f64>(&r).2.iter().all(|v| (0.0..1.0).contains(v)));
        assert!(sample(ValueType::SI64, ScalarRef::Int(3), 5, false, 1).is_err());
        let mut odd: Vec<u32> = (0..7).collect();
        shuffle(&mut odd, &mut Mt19937::new(5));
        odd.sort_unstable();
        assert_eq!(odd, (0..7).collect::<Vec<_>>());
    }
}
