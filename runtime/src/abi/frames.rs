//! Frames (creation, casts, labels, column selection, binding), lists and CSR matrices.

use std::ffi::c_char;

use super::{borrow_matrix, borrow_object, borrow_str, ffi_guard, new_handle, to_index};
use crate::csr::CsrMatrix;
use crate::error::RtResult;
use crate::frame::Frame;
use crate::kernels::frame_ops;
use crate::list::List;
use crate::object::Object;
use crate::value_type::ValueType;

/// Reads `count` entries of a C array; null is allowed only for `count == 0`.
///
/// # Safety
/// `items` is null or points to `count` readable entries.
unsafe fn array<'a, T>(items: *const T, count: i64) -> RtResult<&'a [T]> {
    let count = to_index(count, "number of arguments")?;
    if count == 0 {
        return Ok(&[]);
    }
    if items.is_null() {
        bail!("null argument array");
    }
    // SAFETY: non-null with `count` entries by the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(items, count) })
}

/// Reads `count` strings.
///
/// # Safety
/// `labels` is null or points to `count` NUL-terminated strings.
unsafe fn strings(labels: *const *const c_char, count: i64) -> RtResult<Vec<String>> {
    // SAFETY: forwarded from the caller's contract.
    unsafe { array(labels, count) }?
        .iter()
        // SAFETY: each entry is a NUL-terminated string by the caller's contract.
        .map(|&label| unsafe { borrow_str(label) }.map(|l| l.into_owned()))
        .collect()
}

/// `createFrame(c_0, …, [label_0, …])`: `count` n×1 column matrices; `labels` is null for
/// the default labels `col_0, …`, else `count` strings.
///
/// # Safety
/// `columns` points to `count` live handles; `labels` is null or points to `count` strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_create_frame(
    columns: *const *mut Object,
    labels: *const *const c_char,
    count: i64,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let handles = unsafe { array(columns, count) }?;
        let columns = handles
            .iter()
            // SAFETY: each handle is live by this function's contract.
            .map(|&h| unsafe { borrow_matrix(h) }.cloned())
            .collect::<RtResult<Vec<_>>>()?;
        let labels = if labels.is_null() {
            None
        } else {
            // SAFETY: forwarded from this function's contract.
            Some(unsafe { strings(labels, count) }?)
        };
        Frame::new(columns, labels).map(new_handle)
    })
}

/// `as.frame(X)`: one column per matrix column (labels `col_0, …`).
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_matrix_to_frame(arg: *mut Object) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| frame_ops::from_matrix(unsafe { borrow_matrix(arg) }?).map(new_handle))
}

/// `as.matrix(F)` (all columns converted to the first column's type); `res_vt` ≥ 0 then
/// converts to that value type.
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_frame_to_matrix(arg: *mut Object, res_vt: i32) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let matrix = frame_ops::to_matrix(unsafe { borrow_object(arg) }?.as_frame()?)?;
        if res_vt < 0 {
            return Ok(new_handle(matrix));
        }
        matrix.cast(ValueType::decode(res_vt)?).map(new_handle)
    })
}

/// `F[, "label"]`: a one-column frame.
///
/// # Safety
/// `arg` is null or a live handle; `label` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_frame_column_by_label(
    arg: *mut Object,
    label: *const c_char,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (arg, label) = unsafe { (borrow_object(arg)?, borrow_str(label)?) };
        frame_ops::column_by_label(arg.as_frame()?, &label).map(new_handle)
    })
}

/// `F[lo:hi, ]` on a frame (bounds as in `daphne_slice_rows`).
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_frame_slice_rows(
    arg: *mut Object,
    lo: i64,
    hi: i64,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        frame_ops::slice_rows(unsafe { borrow_object(arg) }?.as_frame()?, lo, hi).map(new_handle)
    })
}

/// `F[, lo:hi]` on a frame (bounds as in `daphne_slice_cols`).
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_frame_slice_cols(
    arg: *mut Object,
    lo: i64,
    hi: i64,
) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        frame_ops::slice_cols(unsafe { borrow_object(arg) }?.as_frame()?, lo, hi).map(new_handle)
    })
}

/// `setColLabels(F, label_0, …)`: `count` labels, one per column.
///
/// # Safety
/// `arg` is null or a live handle; `labels` points to `count` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_set_col_labels(
    arg: *mut Object,
    labels: *const *const c_char,
    count: i64,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (arg, labels) = unsafe { (borrow_object(arg)?, strings(labels, count)?) };
        arg.as_frame()?.with_labels(labels).map(new_handle)
    })
}

/// `setColLabelsPrefix(F, prefix)`: labels become `prefix.label`.
///
/// # Safety
/// `arg` is null or a live handle; `prefix` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_set_col_labels_prefix(
    arg: *mut Object,
    prefix: *const c_char,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (arg, prefix) = unsafe { (borrow_object(arg)?, borrow_str(prefix)?) };
        frame_ops::set_labels_prefix(arg.as_frame()?, &prefix).map(new_handle)
    })
}

/// `cbind(F, G)` on frames.
///
/// # Safety
/// `a` and `b` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_frame_cbind(a: *mut Object, b: *mut Object) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (a, b) = unsafe { (borrow_object(a)?, borrow_object(b)?) };
        frame_ops::cbind(a.as_frame()?, b.as_frame()?).map(new_handle)
    })
}

/// `rbind(F, G)` on frames (same schema and labels).
///
/// # Safety
/// `a` and `b` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_frame_rbind(a: *mut Object, b: *mut Object) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (a, b) = unsafe { (borrow_object(a)?, borrow_object(b)?) };
        frame_ops::rbind(a.as_frame()?, b.as_frame()?).map(new_handle)
    })
}

/// `cartesian(l, r)`: every row of `l` with every row of `r`.
///
/// # Safety
/// `lhs` and `rhs` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_cartesian(lhs: *mut Object, rhs: *mut Object) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (lhs, rhs) = unsafe { (borrow_object(lhs)?, borrow_object(rhs)?) };
        frame_ops::cartesian(lhs.as_frame()?, rhs.as_frame()?).map(new_handle)
    })
}

/// `innerJoin(l, r, lOn, rOn[, numRowRes])`: the hash join of `l` and `r` on
/// `l[lOn] == r[rOn]`. `num_row_res` is DAPHNE's result-size hint (-1: unknown); the result
/// does not depend on it.
///
/// # Safety
/// `lhs` and `rhs` are null or live handles; `lhs_on` and `rhs_on` are null or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_inner_join(
    lhs: *mut Object,
    rhs: *mut Object,
    lhs_on: *const c_char,
    rhs_on: *const c_char,
    num_row_res: i64,
) -> *mut Object {
    let _ = num_row_res;
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (lhs, rhs, lhs_on, rhs_on) = unsafe {
            (
                borrow_object(lhs)?,
                borrow_object(rhs)?,
                borrow_str(lhs_on)?,
                borrow_str(rhs_on)?,
            )
        };
        frame_ops::inner_join(lhs.as_frame()?, rhs.as_frame()?, &lhs_on, &rhs_on).map(new_handle)
    })
}

/// `keys, tids = semiJoin(l, r, lOn, rOn[, numRowRes])`: the keys of the rows of `l` that
/// match `r` (a one-column frame) to `*res`, their positions in `l` (n×1 ui64) to
/// `*lhs_tids`. `num_row_res` is a size hint as in [`daphne_inner_join`].
///
/// # Safety
/// `lhs` and `rhs` are null or live handles; `lhs_on` and `rhs_on` are null or NUL-terminated;
/// `res` and `lhs_tids` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_semi_join(
    lhs: *mut Object,
    rhs: *mut Object,
    lhs_on: *const c_char,
    rhs_on: *const c_char,
    num_row_res: i64,
    res: *mut *mut Object,
    lhs_tids: *mut *mut Object,
) {
    let _ = num_row_res;
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (lhs, rhs, lhs_on, rhs_on) = unsafe {
            (
                borrow_object(lhs)?,
                borrow_object(rhs)?,
                borrow_str(lhs_on)?,
                borrow_str(rhs_on)?,
            )
        };
        let (keys, tids) =
            frame_ops::semi_join(lhs.as_frame()?, rhs.as_frame()?, &lhs_on, &rhs_on)?;
        // SAFETY: the out-pointers are writable by this function's contract.
        unsafe { super::write_results([(res, keys.into()), (lhs_tids, tids.into())]) }
    })
}

/// `res, tids = groupJoin(l, r, lOn, rOn, rAgg)`: per key of `l` that occurs in `r`, the sum
/// of `r[rAgg]` (frame `[lOn, SUM(rAgg)]`) to `*res`, the position of the key's first row in
/// `l` (n×1 ui64) to `*lhs_tids`.
///
/// # Safety
/// `lhs` and `rhs` are null or live handles; the labels are null or NUL-terminated; `res` and
/// `lhs_tids` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_group_join(
    lhs: *mut Object,
    rhs: *mut Object,
    lhs_on: *const c_char,
    rhs_on: *const c_char,
    rhs_agg: *const c_char,
    res: *mut *mut Object,
    lhs_tids: *mut *mut Object,
) {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (lhs, rhs, lhs_on, rhs_on, rhs_agg) = unsafe {
            (
                borrow_object(lhs)?,
                borrow_object(rhs)?,
                borrow_str(lhs_on)?,
                borrow_str(rhs_on)?,
                borrow_str(rhs_agg)?,
            )
        };
        let (sums, tids) =
            frame_ops::group_join(lhs.as_frame()?, rhs.as_frame()?, &lhs_on, &rhs_on, &rhs_agg)?;
        // SAFETY: the out-pointers are writable by this function's contract.
        unsafe { super::write_results([(res, sums.into()), (lhs_tids, tids.into())]) }
    })
}

/// `groupSum(f, grpCol_0, …, sumCol)`: `count` ≥ 1 grouping column labels in `group_cols`.
///
/// # Safety
/// `arg` is null or a live handle; `group_cols` points to `count` NUL-terminated strings;
/// `sum_col` is null or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_group_sum(
    arg: *mut Object,
    group_cols: *const *const c_char,
    count: i64,
    sum_col: *const c_char,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (arg, group_cols, sum_col) = unsafe {
            (
                borrow_object(arg)?,
                strings(group_cols, count)?,
                borrow_str(sum_col)?,
            )
        };
        frame_ops::group_sum(arg.as_frame()?, &group_cols, &sum_col).map(new_handle)
    })
}

/// `createList(m_0, …)`: `count` ≥ 1 matrices of value type `vt`.
///
/// # Safety
/// `elements` points to `count` live handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_create_list(
    elements: *const *mut Object,
    count: i64,
    vt: i32,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let handles = unsafe { array(elements, count) }?;
        let elements = handles
            .iter()
            // SAFETY: each handle is live by this function's contract.
            .map(|&h| unsafe { borrow_matrix(h) }.cloned())
            .collect::<RtResult<Vec<_>>>()?;
        List::new(ValueType::decode(vt)?, elements).map(new_handle)
    })
}

/// `length(l)`.
///
/// # Safety
/// `list` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_list_length(list: *mut Object) -> u64 {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| Ok(unsafe { borrow_object(list) }?.as_list()?.len() as u64))
}

/// `append(l, m)`: a new list.
///
/// # Safety
/// `list` and `element` are null or live handles from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_list_append(
    list: *mut Object,
    element: *mut Object,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (list, element) = unsafe { (borrow_object(list)?, borrow_matrix(element)?) };
        list.as_list()?.append(element.clone()).map(new_handle)
    })
}

/// `rest, element = remove(l, i)`: the list without element `i` to `*rest`, the element to
/// `*element`.
///
/// # Safety
/// `list` is null or a live handle; `rest` and `element` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_list_remove(
    list: *mut Object,
    index: i64,
    rest: *mut *mut Object,
    element: *mut *mut Object,
) {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let list = unsafe { borrow_object(list) }?.as_list()?;
        let (remaining, removed) = list.remove(to_index(index, "list index")?)?;
        // SAFETY: the out-pointers are writable by this function's contract.
        unsafe { super::write_results([(rest, remaining.into()), (element, removed.into())]) }
    })
}

/// The CSR form of a matrix (`--select-matrix-repr` for other producers).
///
/// # Safety
/// `arg` is null or a live handle from this runtime.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_to_csr(arg: *mut Object) -> *mut Object {
    // SAFETY: forwarded from this function's contract.
    ffi_guard(|| CsrMatrix::from_dense(unsafe { borrow_matrix(arg) }?).map(new_handle))
}
