//! Frame ops: casts between matrices and frames, column selection by label or position,
//! `setColLabels`, `setColLabelsPrefix`, `cbind`/`rbind` of frames, and the relational ops
//! `cartesian`, `innerJoin`, `semiJoin`, `groupJoin` and `groupSum` (DAPHNE's `Cartesian.h`,
//! `InnerJoin.h`, `SemiJoin.h`, `GroupJoin.h` and `Group.h`).
//!
//! Join keys are integers (any integer or bool column, compared as si64) or strings; both key
//! columns of a join must be of the same kind. Results are built by gathering rows, so columns
//! keep their value types and the result labels are the inputs' labels.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::dense::DenseMatrix;
use crate::element::Element;
use crate::error::RtResult;
use crate::frame::Frame;
use crate::kernels::indexing::{self, Axis};
use crate::kernels::matrix_ops;
use crate::matrix::Matrix;
use crate::numeric::Numeric;
use crate::value_type::ValueType;

/// `as.frame(X)`: one column per matrix column, labelled `col_0`, `col_1`, ….
pub fn from_matrix(matrix: &Matrix) -> RtResult<Frame> {
    let columns = (0..matrix.cols())
        .map(|c| indexing::slice(matrix, Axis::Cols, c as i64, c as i64 + 1))
        .collect::<RtResult<Vec<_>>>()?;
    Frame::new(columns, None)
}

/// `as.matrix(F)`: all columns converted to the first column's value type.
pub fn to_matrix(frame: &Frame) -> RtResult<Matrix> {
    let Some(first) = frame.columns().first() else {
        bail!("cannot cast a frame without columns to a matrix");
    };
    let vt = first.value_type();
    let mut out = first.cast(vt)?;
    for column in &frame.columns()[1..] {
        out = matrix_ops::cbind(&out, column, vt)?;
    }
    Ok(out)
}

/// `F[, "label"]`: a one-column frame.
pub fn column_by_label(frame: &Frame, label: &str) -> RtResult<Frame> {
    let index = frame.column_index(label)?;
    select_columns(frame, &[index])
}

/// The frame with the columns `indexes`, in that order (its row count kept, also when no
/// column is selected).
pub fn select_columns(frame: &Frame, indexes: &[usize]) -> RtResult<Frame> {
    if let Some(&i) = indexes.iter().find(|&&i| i >= frame.cols()) {
        bail!(
            "column {i} is out of bounds for a frame with {} columns",
            frame.cols()
        );
    }
    frame.select_columns(indexes)
}

/// `F[lo:hi, ]` (rows, with the index conventions of [`indexing::resolve_range`]).
pub fn slice_rows(frame: &Frame, lo: i64, hi: i64) -> RtResult<Frame> {
    let range = indexing::resolve_range("sliceRow", Axis::Rows, lo, hi, frame.rows())?;
    let columns = frame
        .columns()
        .iter()
        .map(|c| indexing::slice(c, Axis::Rows, range.start as i64, range.end as i64))
        .collect::<RtResult<Vec<_>>>()?;
    Frame::new(columns, Some(frame.labels().to_vec()))
}

/// `F[, lo:hi]` (columns).
pub fn slice_cols(frame: &Frame, lo: i64, hi: i64) -> RtResult<Frame> {
    let range = indexing::resolve_range("sliceCol", Axis::Cols, lo, hi, frame.cols())?;
    select_columns(frame, &range.collect::<Vec<_>>())
}

/// `setColLabelsPrefix(F, prefix)`: every label becomes `prefix.label`.
pub fn set_labels_prefix(frame: &Frame, prefix: &str) -> RtResult<Frame> {
    frame.with_labels(
        frame
            .labels()
            .iter()
            .map(|l| format!("{prefix}.{l}"))
            .collect(),
    )
}

/// `cbind(F, G)`: the columns of both (same number of rows; labels must stay unique).
pub fn cbind(a: &Frame, b: &Frame) -> RtResult<Frame> {
    if a.rows() != b.rows() && a.cols() > 0 && b.cols() > 0 {
        bail!(
            "cbind: the frames must have the same number of rows, but have {} and {}",
            a.rows(),
            b.rows()
        );
    }
    let columns = a.columns().iter().chain(b.columns()).cloned().collect();
    let labels = a.labels().iter().chain(b.labels()).cloned().collect();
    Frame::new(columns, Some(labels))
}

/// `rbind(F, G)`: the rows of both; the schemas must match (labels are `F`'s).
pub fn rbind(a: &Frame, b: &Frame) -> RtResult<Frame> {
    if a.schema() != b.schema() {
        bail!("rbind: the frames must have the same column types");
    }
    if a.labels() != b.labels() {
        bail!("rbind: the frames must have the same column labels");
    }
    let columns = a
        .columns()
        .iter()
        .zip(b.columns())
        .map(|(x, y)| matrix_ops::rbind(x, y, x.value_type()))
        .collect::<RtResult<Vec<_>>>()?;
    Frame::new(columns, Some(a.labels().to_vec()))
}

/// A join key: an integer (any integer or bool column, as si64) or a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Int(i64),
    Str(String),
}

/// The keys of the column `label` of `frame`; float columns are an error naming `op`.
fn join_keys(op: &str, frame: &Frame, label: &str) -> RtResult<Vec<Key>> {
    let column = frame.column_by_label(label)?;
    match column.value_type() {
        ValueType::STR => Ok(column
            .to_dense::<String>()?
            .to_vec()
            .into_iter()
            .map(Key::Str)
            .collect()),
        vt if vt.is_float() => bail!(
            "{op}: the key column '{label}' must hold integers or strings, not {}",
            vt.cpp_name()
        ),
        _ => Ok(column
            .to_dense::<i64>()?
            .to_vec()
            .into_iter()
            .map(Key::Int)
            .collect()),
    }
}

/// The keys of `lhs[l_on]` and `rhs[r_on]`, which must be of the same kind.
fn key_pair(
    op: &str,
    lhs: &Frame,
    rhs: &Frame,
    l_on: &str,
    r_on: &str,
) -> RtResult<(Vec<Key>, Vec<Key>)> {
    let (l, r) = (join_keys(op, lhs, l_on)?, join_keys(op, rhs, r_on)?);
    let is_str = |f: &Frame, label| {
        f.column_by_label(label)
            .map(|c| c.value_type() == ValueType::STR)
    };
    if is_str(lhs, l_on)? != is_str(rhs, r_on)? {
        bail!(
            "{op}: the key columns '{l_on}' and '{r_on}' must both hold strings or both integers"
        );
    }
    Ok((l, r))
}

/// The frame made of the rows `l_rows` of `lhs` next to the rows `r_rows` of `rhs`.
fn glue_rows(lhs: &Frame, l_rows: &[usize], rhs: &Frame, r_rows: &[usize]) -> RtResult<Frame> {
    let columns = lhs
        .columns()
        .iter()
        .map(|c| indexing::take_rows(c, l_rows))
        .chain(rhs.columns().iter().map(|c| indexing::take_rows(c, r_rows)))
        .collect::<RtResult<Vec<_>>>()?;
    let labels = lhs.labels().iter().chain(rhs.labels()).cloned().collect();
    Frame::new(columns, Some(labels))
}

/// `cartesian(l, r)`: every row of `l` (outer loop) with every row of `r`, columns of `l`
/// first.
pub fn cartesian(lhs: &Frame, rhs: &Frame) -> RtResult<Frame> {
    let (nl, nr) = (lhs.rows(), rhs.rows());
    if nl.checked_mul(nr).is_none() {
        bail!("cartesian: a {nl}x{nr}-row product is too large");
    }
    let l_rows: Vec<usize> = (0..nl).flat_map(|i| std::iter::repeat_n(i, nr)).collect();
    let r_rows: Vec<usize> = (0..nl).flat_map(|_| 0..nr).collect();
    glue_rows(lhs, &l_rows, rhs, &r_rows)
}

/// `innerJoin(l, r, lOn, rOn)`: a hash join; for each row of `l` in order, its matching rows
/// of `r` in order, columns of `l` first.
pub fn inner_join(lhs: &Frame, rhs: &Frame, l_on: &str, r_on: &str) -> RtResult<Frame> {
    let (l_keys, r_keys) = key_pair("innerJoin", lhs, rhs, l_on, r_on)?;
    let mut index: HashMap<&Key, Vec<usize>> = HashMap::new();
    for (r, key) in r_keys.iter().enumerate() {
        index.entry(key).or_default().push(r);
    }
    let (mut l_rows, mut r_rows) = (Vec::new(), Vec::new());
    for (l, key) in l_keys.iter().enumerate() {
        for &r in index.get(key).map_or(&[][..], Vec::as_slice) {
            l_rows.push(l);
            r_rows.push(r);
        }
    }
    glue_rows(lhs, &l_rows, rhs, &r_rows)
}

/// `keys, tids = semiJoin(l, r, lOn, rOn)`: the rows of `l` whose key occurs in `r`, in
/// order: a one-column frame (label `lOn`) of their keys and the n×1 ui64 matrix of their
/// positions in `l`.
pub fn semi_join(
    lhs: &Frame,
    rhs: &Frame,
    l_on: &str,
    r_on: &str,
) -> RtResult<(Frame, DenseMatrix<u64>)> {
    let (l_keys, r_keys) = key_pair("semiJoin", lhs, rhs, l_on, r_on)?;
    let present: std::collections::HashSet<&Key> = r_keys.iter().collect();
    let rows: Vec<usize> = (0..l_keys.len())
        .filter(|&l| present.contains(&l_keys[l]))
        .collect();
    let keys = indexing::take_rows(lhs.column_by_label(l_on)?, &rows)?;
    let tids = rows.iter().map(|&r| r as u64).collect::<Vec<_>>();
    Ok((
        Frame::new(vec![keys], Some(vec![l_on.to_owned()]))?,
        DenseMatrix::from_vec(tids.len(), 1, tids)?,
    ))
}

/// `res, tids = groupJoin(l, r, lOn, rOn, rAgg)`: for every distinct key of `l` that occurs
/// in `r`, the sum of `r[rAgg]` over the matching rows of `r` (in `r`'s order, starting from
/// 0, in the value type of `rAgg`): a frame `[lOn, SUM(rAgg)]` and the n×1 ui64 positions of
/// each key's first row in `l`. Groups come in the order of their first row in `l` (DAPHNE
/// emits them in its hash table's order, which C++ leaves unspecified).
pub fn group_join(
    lhs: &Frame,
    rhs: &Frame,
    l_on: &str,
    r_on: &str,
    r_agg: &str,
) -> RtResult<(Frame, DenseMatrix<u64>)> {
    let (l_keys, r_keys) = key_pair("groupJoin", lhs, rhs, l_on, r_on)?;
    let agg = rhs.column_by_label(r_agg)?;
    // Each distinct key of `l`: its group number, in order of first occurrence.
    let mut groups: HashMap<&Key, usize> = HashMap::new();
    let mut firsts = Vec::new();
    for (l, key) in l_keys.iter().enumerate() {
        if let Entry::Vacant(slot) = groups.entry(key) {
            slot.insert(firsts.len());
            firsts.push(l);
        }
    }
    let members: Vec<Option<usize>> = r_keys.iter().map(|k| groups.get(k).copied()).collect();
    let mut matched = vec![false; firsts.len()];
    members.iter().flatten().for_each(|&g| matched[g] = true);
    let kept: Vec<usize> = (0..firsts.len()).filter(|&g| matched[g]).collect();
    let sums = with_numeric_type!(agg.value_type(), T => {
        Matrix::from(group_sums::<T>(agg, &members, firsts.len(), &kept)?)
    }, STR => bail!("groupJoin: cannot sum the string column '{r_agg}'"));
    let rows: Vec<usize> = kept.iter().map(|&g| firsts[g]).collect();
    let keys = indexing::take_rows(lhs.column_by_label(l_on)?, &rows)?;
    let labels = vec![l_on.to_owned(), format!("SUM({r_agg})")];
    let tids = rows.iter().map(|&r| r as u64).collect::<Vec<_>>();
    Ok((
        Frame::new(vec![keys, sums], Some(labels))?,
        DenseMatrix::from_vec(tids.len(), 1, tids)?,
    ))
}

/// Sums the cells of the column `values` per group (`members[i]`: the group of row `i`, if
/// any), in row order from 0, and returns the sums of the groups `kept` as an n×1 matrix.
fn group_sums<T: Numeric>(
    values: &Matrix,
    members: &[Option<usize>],
    n_groups: usize,
    kept: &[usize],
) -> RtResult<DenseMatrix<T>> {
    let values = values.to_dense::<T>()?.to_vec();
    let mut sums = vec![T::ZERO; n_groups];
    for (value, group) in values.iter().zip(members) {
        if let Some(g) = *group {
            sums[g] = sums[g].add(*value);
        }
    }
    let out: Vec<T> = kept.iter().map(|&g| sums[g]).collect();
    DenseMatrix::from_vec(out.len(), 1, out)
}

/// `groupSum(f, grpCol…, sumCol)`: the rows sorted stably by the grouping columns (ascending,
/// the first is the primary key; NaNs compare equal to everything like C++ `<`), one row per
/// run of equal keys with the keys and the sum of `sumCol` over the run (from 0, in row order,
/// in `sumCol`'s value type). Columns: the grouping columns, then `SUM(sumCol)`.
pub fn group_sum(frame: &Frame, group_cols: &[String], sum_col: &str) -> RtResult<Frame> {
    if group_cols.is_empty() {
        bail!("groupSum: needs at least one grouping column");
    }
    let keys = group_cols
        .iter()
        .map(|label| frame.column_by_label(label))
        .collect::<RtResult<Vec<_>>>()?;
    let sum = frame.column_by_label(sum_col)?;
    let compare = |i: usize, j: usize| {
        keys.iter()
            .map(|column| dispatch_matrix!(column, dense => compare_rows(dense, i, j)))
            .find(|&o| o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    };
    let mut order: Vec<usize> = (0..frame.rows()).collect();
    order.sort_by(|&i, &j| compare(i, j));
    let mut members = vec![None; frame.rows()];
    let mut firsts: Vec<usize> = Vec::new();
    for (k, &row) in order.iter().enumerate() {
        if k == 0 || compare(order[k - 1], row) != Ordering::Equal {
            firsts.push(row);
        }
        members[row] = Some(firsts.len() - 1);
    }
    // Rows within a group are summed in sorted (= original, the sort is stable) order.
    let all: Vec<usize> = (0..firsts.len()).collect();
    let sums = with_numeric_type!(sum.value_type(), T => {
        Matrix::from(group_sums::<T>(sum, &members, firsts.len(), &all)?)
    }, STR => bail!("groupSum: cannot sum the string column '{sum_col}'"));
    let mut columns = keys
        .iter()
        .map(|column| indexing::take_rows(column, &firsts))
        .collect::<RtResult<Vec<_>>>()?;
    columns.push(sums);
    let mut labels = group_cols.to_vec();
    labels.push(format!("SUM({sum_col})"));
    Frame::new(columns, Some(labels))
}

/// C++ `<` on the cells `(i, 0)` and `(j, 0)`: incomparable values are equivalent.
fn compare_rows<T: Element>(column: &DenseMatrix<T>, i: usize, j: usize) -> Ordering {
    let (x, y) = (&column.row(i)[0], &column.row(j)[0]);
    x.partial_cmp(y).unwrap_or(Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dense::DenseMatrix;

    #[test]
    fn casts_selection_and_binding() {
        let m = Matrix::from(DenseMatrix::from_vec(2, 2, vec![1i64, 2, 3, 4]).unwrap());
        let f = from_matrix(&m).unwrap();
        assert_eq!(f.type_name(), "Frame(2x2, [col_0:int64_t, col_1:int64_t])");
        assert_eq!(
            to_matrix(&f).unwrap().dense::<i64>().unwrap().to_vec(),
            [1, 2, 3, 4]
        );
        let one = column_by_label(&f, "col_1").unwrap();
        assert_eq!(one.type_name(), "Frame(2x1, [col_1:int64_t])");
        let p = set_labels_prefix(&one, "t").unwrap();
        assert_eq!(p.labels(), ["t.col_1"]);
        assert!(cbind(&f, &one).is_err());
        let both = cbind(&f, &p).unwrap();
        assert_eq!(both.cols(), 3);
        assert_eq!(rbind(&f, &f).unwrap().rows(), 4);
        assert!(rbind(&f, &p).is_err());
        assert_eq!(slice_rows(&f, 1, i64::MIN).unwrap().rows(), 1);
        assert_eq!(slice_cols(&f, 0, 1).unwrap().labels(), ["col_0"]);
        assert!(to_matrix(&Frame::new(vec![], None).unwrap()).is_err());
    }

    fn column<T: Element>(values: Vec<T>) -> Matrix {
        let n = values.len();
        Matrix::from(DenseMatrix::from_vec(n, 1, values).unwrap())
    }

    fn frame(columns: Vec<Matrix>, labels: &[&str]) -> Frame {
        Frame::new(
            columns,
            Some(labels.iter().map(|l| l.to_string()).collect()),
        )
        .unwrap()
    }

    /// The frame as DaphneDSL `print` shows it.
    fn printed(frame: &Frame) -> String {
        let mut out = Vec::new();
        crate::print::write_object(&mut out, &crate::Object::from(frame.clone())).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// `f1` and `f2` of DAPHNE's `test/api/cli/operations/{innerJoin,semiJoin}_1.daphne`.
    fn join_inputs() -> (Frame, Frame) {
        (
            frame(
                vec![column(vec![1i64, 2]), column(vec![3i64, 4])],
                &["a", "b"],
            ),
            frame(
                vec![column(vec![3i64, 4, 5]), column(vec![6i64, 7, 8])],
                &["c", "d"],
            ),
        )
    }

    #[test]
    fn inner_join_matches_daphne() {
        let (f1, f2) = join_inputs();
        assert_eq!(
            printed(&inner_join(&f1, &f2, "b", "c").unwrap()),
            "Frame(2x4, [a:int64_t, b:int64_t, c:int64_t, d:int64_t])\n1 3 3 6\n2 4 4 7\n"
        );
        // Duplicate keys on the right: every match, in the right's order.
        let names = frame(
            vec![
                column(vec!["x".to_owned(), "y".to_owned(), "x".to_owned()]),
                column(vec![1.5, 2.5, 3.5]),
            ],
            &["k", "v"],
        );
        let left = frame(
            vec![column(vec!["x".to_owned(), "z".to_owned()])],
            &["name"],
        );
        let joined = inner_join(&left, &names, "name", "k").unwrap();
        assert_eq!(
            printed(&joined),
            "Frame(2x3, [name:std::string, k:std::string, v:double])\nx x 1.5\nx x 3.5\n"
        );
        assert!(inner_join(&left, &f2, "name", "c").is_err());
        assert!(inner_join(&f1, &names, "a", "v").is_err());
        assert!(inner_join(&f1, &f2, "nope", "c").is_err());
    }

    #[test]
    fn semi_join_matches_daphne() {
        let (f1, f2) = join_inputs();
        let (keys, tids) = semi_join(&f1, &f2, "b", "c").unwrap();
        assert_eq!(printed(&keys), "Frame(2x1, [b:int64_t])\n3\n4\n");
        assert_eq!(tids.to_vec(), [0, 1]);
        let (none, no_tids) = semi_join(&f2, &f1, "d", "a").unwrap();
        assert_eq!((none.rows(), no_tids.rows()), (0, 0));
    }

    #[test]
    fn group_join_sums_matches_per_left_key() {
        let left = frame(vec![column(vec![7i64, 5, 7, 9])], &["id"]);
        let right = frame(
            vec![
                column(vec![5i64, 7, 5, 8]),
                column(vec![1.0, 2.0, 3.5, 4.0]),
            ],
            &["fk", "x"],
        );
        let (res, tids) = group_join(&left, &right, "id", "fk", "x").unwrap();
        assert_eq!(
            printed(&res),
            "Frame(2x2, [id:int64_t, SUM(x):double])\n7 2\n5 4.5\n"
        );
        assert_eq!(tids.to_vec(), [0, 1]);
        let words = frame(vec![column(vec!["a".to_owned()])], &["w"]);
        assert!(group_join(&left, &words, "id", "w", "w").is_err());
    }

    #[test]
    fn group_sum_matches_daphne() {
        // DAPHNE's `test/api/cli/operations/groupSum_1.daphne`.
        let fr = frame(
            vec![
                column(vec![11i64, 11, 22, 33, 33]),
                column(vec![1i64, 1, 2, 3, 4]),
                column(vec![100i64, 200, 300, 400, 500]),
            ],
            &["a", "b", "c"],
        );
        let res = group_sum(&fr, &["a".into(), "b".into()], "c").unwrap();
        assert_eq!(
            printed(&res),
            "Frame(4x3, [a:int64_t, b:int64_t, SUM(c):int64_t])\n11 1 300\n22 2 300\n33 3 400\n33 4 500\n"
        );
        // Unsorted string keys; groups come out sorted.
        let words = frame(
            vec![
                column(vec!["b".to_owned(), "a".to_owned(), "b".to_owned()]),
                column(vec![0.5f32, 1.0, 2.0]),
            ],
            &["w", "x"],
        );
        assert_eq!(
            printed(&group_sum(&words, &["w".into()], "x").unwrap()),
            "Frame(2x2, [w:std::string, SUM(x):float])\na 1\nb 2.5\n"
        );
        assert!(group_sum(&words, &[], "x").is_err());
        assert!(group_sum(&words, &["x".into()], "w").is_err());
    }

    #[test]
    fn cartesian_pairs_every_row() {
        let (f1, f2) = join_inputs();
        let product = cartesian(&f1, &f2).unwrap();
        assert_eq!(
            product.type_name(),
            "Frame(6x4, [a:int64_t, b:int64_t, c:int64_t, d:int64_t])"
        );
        assert!(
            printed(&product).ends_with("1 3 3 6\n1 3 4 7\n1 3 5 8\n2 4 3 6\n2 4 4 7\n2 4 5 8\n")
        );
        let empty = frame(vec![column::<i64>(vec![])], &["e"]);
        assert_eq!(cartesian(&f1, &empty).unwrap().rows(), 0);
        assert!(cartesian(&f1, &f1).is_err()); // duplicate labels
    }
}
