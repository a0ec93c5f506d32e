//! Frame ops: casts between matrices and frames, column selection by label or position,
//! `setColLabels`, `setColLabelsPrefix`, `cbind`/`rbind` of frames.

use crate::error::RtResult;
use crate::frame::Frame;
use crate::kernels::indexing::{self, Axis};
use crate::kernels::matrix_ops;
use crate::matrix::Matrix;

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

/// The frame with the columns `indexes`, in that order.
pub fn select_columns(frame: &Frame, indexes: &[usize]) -> RtResult<Frame> {
    let mut columns = Vec::with_capacity(indexes.len());
    let mut labels = Vec::with_capacity(indexes.len());
    for &i in indexes {
        let Some(column) = frame.columns().get(i) else {
            bail!(
                "column {i} is out of bounds for a frame with {} columns",
                frame.cols()
            );
        };
        columns.push(column.clone());
        labels.push(frame.labels()[i].clone());
    }
    Frame::new(columns, Some(labels))
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
}
