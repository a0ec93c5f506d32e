//! Matrix-level ops: binding, `reverse`, `order`, diagonals and triangles, `replace`, the
//! elementwise ternary, outer ops, cumulative aggregations, preprocessing (`ctable`,
//! `oneHot`, `recode`, `bin`, `quantize`), `sample`, metadata (`typeOf`, `isSymmetric`,
//! `sparsity`) and `map` with a compiled scalar UDF.

use std::ffi::c_char;

use super::{borrow_matrix, borrow_object, borrow_str, ffi_guard, leak_str, new_handle, to_index};
use crate::element::{Element, ScalarRef};
use crate::error::RtResult;
use crate::kernels::aggregation::AggOp;
use crate::kernels::ew_binary::BinaryOp;
use crate::kernels::{matrix_ops, metadata, preprocessing};
use crate::matrix::Matrix;
use crate::object::Object;
use crate::value_type::ValueType;

/// `cbind(a, b)` in `res_vt` (matrices; frames: `daphne_frame_cbind`).
///
/// # Safety
/// `a` and `b` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_cbind(a: *mut Object, b: *mut Object, res_vt: i32) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (a, b) = unsafe { (borrow_matrix(a)?, borrow_matrix(b)?) };
        matrix_ops::cbind(a, b, ValueType::decode(res_vt)?).map(new_handle)
    })
}

/// `rbind(a, b)` in `res_vt` (matrices; frames: `daphne_frame_rbind`).
///
/// # Safety
/// `a` and `b` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_rbind(a: *mut Object, b: *mut Object, res_vt: i32) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (a, b) = unsafe { (borrow_matrix(a)?, borrow_matrix(b)?) };
        matrix_ops::rbind(a, b, ValueType::decode(res_vt)?).map(new_handle)
    })
}

/// `c ? t : e` cell by cell: `t`/`e` have `c`'s shape or are 1×1; result in `res_vt`.
///
/// # Safety
/// `c`, `t` and `e` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_cond(
    c: *mut Object,
    t: *mut Object,
    e: *mut Object,
    res_vt: i32,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (c, t, e) = unsafe { (borrow_matrix(c)?, borrow_matrix(t)?, borrow_matrix(e)?) };
        matrix_ops::cond(c, t, e, ValueType::decode(res_vt)?).map(new_handle)
    })
}

/// `reverse(X)`: the rows in reverse order.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_reverse(arg: *mut Object) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| matrix_ops::reverse(unsafe { borrow_matrix(arg) }?).map(new_handle))
}

/// `order(X, col_0, …, asc_0, …, returnIndexes)`: `cols` and `ascending` are arrays of
/// `count` entries (the sort keys, most significant first). Returns the sorted rows, or the
/// n×1 ui64 permutation if `return_indexes`.
///
/// # Safety
/// `arg` is null or a live handle; `cols` and `ascending` point to `count` readable entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_order(
    arg: *mut Object,
    cols: *const i64,
    ascending: *const bool,
    count: i64,
    return_indexes: bool,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let arg = unsafe { borrow_matrix(arg) }?;
        let count = to_index(count, "number of sort columns")?;
        if count > 0 && (cols.is_null() || ascending.is_null()) {
            bail!("order: null column or direction array");
        }
        let (cols, ascending) = if count == 0 {
            (&[][..], &[][..])
        } else {
            // SAFETY: non-null, with `count` entries by this function's contract.
            unsafe {
                (
                    std::slice::from_raw_parts(cols, count),
                    std::slice::from_raw_parts(ascending, count),
                )
            }
        };
        let cols = cols
            .iter()
            .map(|&c| to_index(c, "sort column"))
            .collect::<RtResult<Vec<_>>>()?;
        matrix_ops::order(arg, &cols, ascending, return_indexes).map(new_handle)
    })
}

/// `diagMatrix(v)`: the n×n matrix with the n×1 vector `v` on the diagonal.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_diag_matrix(arg: *mut Object) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| matrix_ops::diag_matrix(unsafe { borrow_matrix(arg) }?).map(new_handle))
}

/// `diagVector(X)`: the diagonal of a square matrix as n×1.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_diag_vector(arg: *mut Object) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| matrix_ops::diag_vector(unsafe { borrow_matrix(arg) }?).map(new_handle))
}

/// `upperTri(X, diag, values)` if `upper`, else `lowerTri(X, diag, values)`.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_tri(
    arg: *mut Object,
    upper: bool,
    diag: bool,
    values: bool,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let arg = unsafe { borrow_object(arg) }?;
        match crate::kernels::sparse::tri(arg, upper, diag, values)? {
            Some(result) => Ok(new_handle(result)),
            None => matrix_ops::tri(arg.as_matrix()?, upper, diag, values).map(new_handle),
        }
    })
}

/// `replace(X, pattern, replacement)` with `f64` carriers (NaN matches NaN).
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_replace_f64(
    arg: *mut Object,
    pattern: f64,
    replacement: f64,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        replace(
            arg,
            ScalarRef::Float(pattern),
            ScalarRef::Float(replacement),
        )
    }
}

/// `replace(X, pattern, replacement)` with `i64` carriers.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_replace_i64(
    arg: *mut Object,
    pattern: i64,
    replacement: i64,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { replace(arg, ScalarRef::Int(pattern), ScalarRef::Int(replacement)) }
}

/// `replace(X, pattern, replacement)` with `u64` carriers.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_replace_u64(
    arg: *mut Object,
    pattern: u64,
    replacement: u64,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { replace(arg, ScalarRef::UInt(pattern), ScalarRef::UInt(replacement)) }
}

/// `replace(X, pattern, replacement)` on a string matrix.
///
/// # Safety
/// `arg` is null or a live handle; the strings are null or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_replace_str(
    arg: *mut Object,
    pattern: *const c_char,
    replacement: *const c_char,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (arg, pattern, replacement) = unsafe {
            (
                borrow_matrix(arg)?,
                borrow_str(pattern)?,
                borrow_str(replacement)?,
            )
        };
        matrix_ops::replace(arg, ScalarRef::Str(&pattern), ScalarRef::Str(&replacement))
            .map(new_handle)
    })
}

/// # Safety
/// `arg` is null or a live handle from this runtime.
unsafe fn replace(
    arg: *mut Object,
    pattern: ScalarRef<'_>,
    replacement: ScalarRef<'_>,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from the caller's contract.
        let arg = unsafe { borrow_matrix(arg) }?;
        matrix_ops::replace(arg, pattern, replacement).map(new_handle)
    })
}

/// `outer<Op>(a, b)`: `a[i] op b[j]` for a column `a` and a row `b` ([`BinaryOp`] code `op`),
/// in `res_vt`.
///
/// # Safety
/// `a` and `b` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_outer(
    op: i32,
    res_vt: i32,
    a: *mut Object,
    b: *mut Object,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (a, b) = unsafe { (borrow_matrix(a)?, borrow_matrix(b)?) };
        matrix_ops::outer(BinaryOp::decode(op)?, a, b, ValueType::decode(res_vt)?).map(new_handle)
    })
}

/// `cumSum`/`cumProd`/`cumMin`/`cumMax` ([`AggOp`] `SUM PROD MIN MAX`) per column, in `res_vt`.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_agg_cum(op: i32, res_vt: i32, arg: *mut Object) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let arg = unsafe { borrow_matrix(arg) }?;
        matrix_ops::cum_agg(AggOp::decode(op)?, arg, ValueType::decode(res_vt)?).map(new_handle)
    })
}

/// `quantize(X, min, max)`: f32 cells to ui8.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_quantize(arg: *mut Object, min: f64, max: f64) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        matrix_ops::quantize(unsafe { borrow_matrix(arg) }?, min as f32, max as f32).map(new_handle)
    })
}

/// `ctable(ys, xs, weight, rows, cols)` with an `i64` weight carrier; the result has value
/// type `res_vt`; `rows`/`cols` < 0 mean automatic.
///
/// # Safety
/// `ys` and `xs` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ctable_i64(
    ys: *mut Object,
    xs: *mut Object,
    weight: i64,
    res_vt: i32,
    rows: i64,
    cols: i64,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { ctable(ys, xs, ScalarRef::Int(weight), res_vt, rows, cols) }
}

/// `ctable` with an `f64` weight carrier (see [`daphne_ctable_i64`]).
///
/// # Safety
/// `ys` and `xs` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ctable_f64(
    ys: *mut Object,
    xs: *mut Object,
    weight: f64,
    res_vt: i32,
    rows: i64,
    cols: i64,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { ctable(ys, xs, ScalarRef::Float(weight), res_vt, rows, cols) }
}

/// `ctable` with a `u64` weight carrier (see [`daphne_ctable_i64`]).
///
/// # Safety
/// `ys` and `xs` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_ctable_u64(
    ys: *mut Object,
    xs: *mut Object,
    weight: u64,
    res_vt: i32,
    rows: i64,
    cols: i64,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { ctable(ys, xs, ScalarRef::UInt(weight), res_vt, rows, cols) }
}

/// # Safety
/// `ys` and `xs` are null or live handles from this runtime.
unsafe fn ctable(
    ys: *mut Object,
    xs: *mut Object,
    weight: ScalarRef<'_>,
    res_vt: i32,
    rows: i64,
    cols: i64,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from the caller's contract.
        let (ys, xs) = unsafe { (borrow_matrix(ys)?, borrow_matrix(xs)?) };
        preprocessing::ctable(ys, xs, weight, ValueType::decode(res_vt)?, rows, cols)
            .map(new_handle)
    })
}

/// `oneHot(X, info)` (`info`: 1×m si64: -1 keep, 0 drop, k one-hot into k columns).
///
/// # Safety
/// `arg` and `info` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_one_hot(arg: *mut Object, info: *mut Object) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (arg, info) = unsafe { (borrow_matrix(arg)?, borrow_matrix(info)?) };
        preprocessing::one_hot(arg, info).map(new_handle)
    })
}

/// `codes, dict = recode(X, orderPreserving)`: codes (n×1, `code_vt`) to `*codes`, the
/// dictionary (distinct values, X's type) to `*dict`.
///
/// # Safety
/// `arg` is null or a live handle; `codes` and `dict` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_recode(
    arg: *mut Object,
    order_preserving: bool,
    code_vt: i32,
    codes: *mut *mut Object,
    dict: *mut *mut Object,
) {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let arg = unsafe { borrow_matrix(arg) }?;
        let (c, d) = preprocessing::recode(arg, order_preserving, ValueType::decode(code_vt)?)?;
        // SAFETY: the out-pointers are writable by this function's contract.
        unsafe { super::write_results([(codes, c.into()), (dict, d.into())]) }
    })
}

/// `bin(X, numBins[, min, max])` into `res_vt`; without `has_bounds`, `min`/`max` are ignored
/// and X's minimum and maximum are used.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_bin(
    arg: *mut Object,
    num_bins: i64,
    min: f64,
    max: f64,
    has_bounds: bool,
    res_vt: i32,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let arg = unsafe { borrow_matrix(arg) }?;
        let bounds = has_bounds.then_some((min, max));
        preprocessing::bin(arg, num_bins, bounds, ValueType::decode(res_vt)?).map(new_handle)
    })
}

/// `sample(range, size, withReplacement, seed)` in value type `vt`, `i64` range carrier.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_sample_i64(
    vt: i32,
    range: i64,
    size: i64,
    with_replacement: bool,
    seed: i64,
) -> *mut Object {
    sample(vt, ScalarRef::Int(range), size, with_replacement, seed)
}

/// `sample` with a `u64` range carrier.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_sample_u64(
    vt: i32,
    range: u64,
    size: i64,
    with_replacement: bool,
    seed: i64,
) -> *mut Object {
    sample(vt, ScalarRef::UInt(range), size, with_replacement, seed)
}

/// `sample` with an `f64` range carrier.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_sample_f64(
    vt: i32,
    range: f64,
    size: i64,
    with_replacement: bool,
    seed: i64,
) -> *mut Object {
    sample(vt, ScalarRef::Float(range), size, with_replacement, seed)
}

fn sample(
    vt: i32,
    range: ScalarRef<'_>,
    size: i64,
    with_replacement: bool,
    seed: i64,
) -> *mut Object {
    ffi_guard(|| {
        preprocessing::sample(ValueType::decode(vt)?, range, size, with_replacement, seed)
            .map(new_handle)
    })
}

/// `isSymmetric(X)`: 1 or 0; a non-square matrix is an error.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_is_symmetric(arg: *mut Object) -> bool {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| metadata::is_symmetric(unsafe { borrow_matrix(arg) }?))
}

/// `sparsity(X)`: the fraction of non-zero cells.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_sparsity(arg: *mut Object) -> f64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| Ok(metadata::sparsity(unsafe { borrow_matrix(arg) }?)))
}

/// `typeOf(x)` of a data object, as a new string: `DenseMatrix(2x3, double)`,
/// `CSRMatrix(…)`, `Frame(2x1, [a:int64_t])`, `List(2, DenseMatrix, double)`. (Scalars' type
/// names are known at compile time: the C++ names of `ValueType`, `const char*` for str.)
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_type_of(arg: *mut Object) -> *const c_char {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| leak_str(unsafe { borrow_object(arg) }?.type_name()))
}

/// `upper(X)` on a string matrix (ASCII `toupper` per byte).
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_upper_matrix(arg: *mut Object) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { map_strings(arg, str::to_ascii_uppercase) }
}

/// `lower(X)` on a string matrix (ASCII `tolower` per byte).
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_lower_matrix(arg: *mut Object) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { map_strings(arg, str::to_ascii_lowercase) }
}

/// # Safety
/// `arg` is null or a live handle from this runtime.
unsafe fn map_strings(arg: *mut Object, f: fn(&str) -> String) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from the caller's contract.
        let arg = unsafe { borrow_matrix(arg) }?;
        let Some(strings) = arg.dense::<String>() else {
            bail!(
                "upper/lower need a string matrix, not {}",
                arg.value_type().cpp_name()
            );
        };
        strings.map(|s| f(s)).map(new_handle)
    })
}

/// `map(X, f)` with a compiled UDF on the `f64` carrier: every cell converted to f64, passed
/// through `f`, the result converted to `res_vt`.
///
/// # Safety
/// `arg` is null or a live handle from this runtime; `f` is callable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_map_f64(
    arg: *mut Object,
    f: extern "C" fn(f64) -> f64,
    res_vt: i32,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { map_cells(arg, f, res_vt) }
}

/// `map(X, f)` with a UDF on the `i64` carrier (signed integers and bool).
///
/// # Safety
/// `arg` is null or a live handle from this runtime; `f` is callable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_map_i64(
    arg: *mut Object,
    f: extern "C" fn(i64) -> i64,
    res_vt: i32,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { map_cells(arg, f, res_vt) }
}

/// `map(X, f)` with a UDF on the `u64` carrier.
///
/// # Safety
/// `arg` is null or a live handle from this runtime; `f` is callable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_map_u64(
    arg: *mut Object,
    f: extern "C" fn(u64) -> u64,
    res_vt: i32,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    unsafe { map_cells(arg, f, res_vt) }
}

/// `map(X, f)` with a UDF on strings: `f` gets each cell as a NUL-terminated string (valid
/// during the call) and returns a string, which is copied (and not freed).
///
/// # Safety
/// `arg` is null or a live handle from this runtime; `f` is callable and returns a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_map_str(
    arg: *mut Object,
    f: extern "C" fn(*const c_char) -> *const c_char,
    res_vt: i32,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let arg = unsafe { borrow_matrix(arg) }?;
        let strings = arg.to_dense::<String>()?;
        let out = strings.try_map(|cell| {
            let cell = std::ffi::CString::new(cell.as_str())
                .map_err(|_| crate::RuntimeError::new("map: a string with a NUL byte"))?;
            // SAFETY: the UDF returns a NUL-terminated string by this function's contract.
            Ok(unsafe { borrow_str(f(cell.as_ptr())) }?.into_owned())
        })?;
        Matrix::from(out)
            .cast(ValueType::decode(res_vt)?)
            .map(new_handle)
    })
}

/// # Safety
/// `arg` is null or a live handle from this runtime.
unsafe fn map_cells<C: Element + Copy>(
    arg: *mut Object,
    f: extern "C" fn(C) -> C,
    res_vt: i32,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from the caller's contract.
        let arg = unsafe { borrow_matrix(arg) }?;
        let mapped = arg.to_dense::<C>()?.map(|&cell| f(cell))?;
        Matrix::from(mapped)
            .cast(ValueType::decode(res_vt)?)
            .map(new_handle)
    })
}
