//! [`Frame`]: a table of typed, labelled columns (DaphneDSL `frame`).
//!
//! Each column is an n×1 [`Matrix`] of its own value type, so every matrix kernel applies to a
//! column and columns are shared (not copied) between frames. Labels default to `col_0`,
//! `col_1`, … and must be unique.

use std::collections::HashSet;

use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::value_type::ValueType;

/// A frame: equally long typed columns with a label each.
#[derive(Debug, Clone)]
pub struct Frame {
    rows: usize,
    columns: Vec<Matrix>,
    labels: Vec<String>,
}

/// The default label of column `index`: `col_<index>`.
pub fn default_label(index: usize) -> String {
    format!("col_{index}")
}

impl Frame {
    /// A frame from n×1 columns and one label per column (`None`: the default labels).
    /// Columns of different lengths, a wrong number of labels or duplicate labels are errors.
    pub fn new(columns: Vec<Matrix>, labels: Option<Vec<String>>) -> RtResult<Self> {
        let labels =
            labels.unwrap_or_else(|| (0..columns.len()).map(default_label).collect::<Vec<_>>());
        if labels.len() != columns.len() {
            bail!(
                "a frame with {} columns needs {} labels, not {}",
                columns.len(),
                columns.len(),
                labels.len()
            );
        }
        let rows = columns.first().map_or(0, Matrix::rows);
        for (column, label) in columns.iter().zip(&labels) {
            if column.cols() != 1 {
                bail!(
                    "frame column '{label}' must be a column matrix, not {}x{}",
                    column.rows(),
                    column.cols()
                );
            }
            if column.rows() != rows {
                bail!(
                    "frame columns must have the same number of rows: '{label}' has {}, the first column {rows}",
                    column.rows()
                );
            }
        }
        check_unique(&labels)?;
        Ok(Self {
            rows,
            columns,
            labels,
        })
    }

    /// The columns at `picks` (valid indexes, see `frame_ops::select_columns`), in that order;
    /// the row count is kept even when no column is picked.
    pub fn select_columns(&self, picks: &[usize]) -> RtResult<Self> {
        let columns = picks.iter().map(|&i| self.columns[i].clone()).collect();
        let labels: Vec<String> = picks.iter().map(|&i| self.labels[i].clone()).collect();
        check_unique(&labels)?;
        Ok(Self {
            rows: self.rows,
            columns,
            labels,
        })
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The number of columns.
    pub fn cols(&self) -> usize {
        self.columns.len()
    }

    /// The columns, each n×1.
    pub fn columns(&self) -> &[Matrix] {
        &self.columns
    }

    /// The column labels.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The value type of each column.
    pub fn schema(&self) -> Vec<ValueType> {
        self.columns.iter().map(Matrix::value_type).collect()
    }

    /// The position of the column labelled `label`; an unknown label is an error.
    pub fn column_index(&self, label: &str) -> RtResult<usize> {
        match self.labels.iter().position(|l| l == label) {
            Some(index) => Ok(index),
            None => bail!("the frame has no column labelled '{label}'"),
        }
    }

    /// The column labelled `label`.
    pub fn column_by_label(&self, label: &str) -> RtResult<&Matrix> {
        Ok(&self.columns[self.column_index(label)?])
    }

    /// The same columns with new labels.
    pub fn with_labels(&self, labels: Vec<String>) -> RtResult<Self> {
        Self::new(self.columns.clone(), Some(labels))
    }

    /// `Frame(RxC, [label:vt, …])`, as printed and returned by `typeOf`.
    pub fn type_name(&self) -> String {
        let columns: Vec<String> = self
            .labels
            .iter()
            .zip(&self.columns)
            .map(|(label, column)| format!("{label}:{}", column.value_type().cpp_name()))
            .collect();
        format!(
            "Frame({}x{}, [{}])",
            self.rows,
            self.cols(),
            columns.join(", ")
        )
    }
}

/// Fails if a label occurs twice.
fn check_unique(labels: &[String]) -> RtResult<()> {
    let mut seen = HashSet::new();
    for label in labels {
        if !seen.insert(label.as_str()) {
            bail!("the frame column label '{label}' occurs more than once");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dense::DenseMatrix;

    fn column<T: crate::Element>(values: Vec<T>) -> Matrix {
        let n = values.len();
        Matrix::from(DenseMatrix::from_vec(n, 1, values).unwrap())
    }

    #[test]
    fn construction_and_type_name() {
        let f = Frame::new(vec![column(vec![1i64, 2]), column(vec![0.5, 1.5])], None).unwrap();
        assert_eq!(f.type_name(), "Frame(2x2, [col_0:int64_t, col_1:double])");
        assert_eq!(f.column_index("col_1"), Ok(1));
        assert!(f.column_by_label("x").is_err());
        let g = f.with_labels(vec!["a".into(), "b".into()]).unwrap();
        assert_eq!(g.labels(), ["a", "b"]);
        assert!(f.with_labels(vec!["a".into(), "a".into()]).is_err());
        assert!(Frame::new(vec![column(vec![1i64]), column(vec![1i64, 2])], None).is_err());
        assert!(Frame::new(vec![column(vec![1i64])], Some(vec![])).is_err());
        assert_eq!(
            Frame::new(vec![], None).unwrap().type_name(),
            "Frame(0x0, [])"
        );
    }
}
