//! Parquet files (through the `parquet` crate's Arrow reader and writer).
//!
//! As in DAPHNE, a `.parquet` file comes with a `.meta` file that gives the shape and the value
//! type (or the frame schema); every Parquet column is one column of the matrix or frame, its
//! values converted to that type (nulls become 0 or the empty string). `write` stores one
//! column per matrix column (named `0`, `1`, …) or per frame column (named by its label), in
//! the Arrow type of the value type, Snappy-compressed.

use std::fs::File;
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BooleanArray, Float32Array, Float64Array, Int8Array, Int16Array, Int32Array,
    Int64Array, LargeStringArray, RecordBatch, StringArray, StringViewArray, UInt8Array,
    UInt16Array, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::{FileMetadata, file_error};
use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::{Element, ScalarRef};
use crate::error::{RtResult, RuntimeError};
use crate::frame::Frame;
use crate::matrix::Matrix;

/// Reads a matrix of the shape and value type in `meta`.
pub fn read_matrix(path: &str, meta: &FileMetadata) -> RtResult<Matrix> {
    let Some(vt) = meta.value_type else {
        return Err(file_error(
            path,
            "the .meta file describes a frame (schema), not a matrix",
        ));
    };
    let columns = read_columns(path, meta)?;
    let (rows, cols) = (meta.num_rows, meta.num_cols);
    with_element_type!(vt, T => {
        let mut cells = alloc_cells::<T>(rows, cols).map_err(|e| file_error(path, e.message()))?;
        cells.resize(rows * cols, T::default());
        for (c, column) in columns.iter().enumerate() {
            let mut r = 0;
            for array in column {
                for_each_value::<T>(path, array.as_ref(), |value| {
                    cells[r * cols + c] = value;
                    r += 1;
                })?;
            }
        }
        Ok(Matrix::from(DenseMatrix::from_vec(rows, cols, cells)?))
    })
}

/// Reads a frame with the schema in `meta` (or one value type for every column).
pub fn read_frame(path: &str, meta: &FileMetadata) -> RtResult<Frame> {
    let schema: Vec<(String, _)> = match (&meta.schema, meta.value_type) {
        (Some(schema), _) => schema.clone(),
        (None, Some(vt)) => (0..meta.num_cols)
            .map(|c| (crate::frame::default_label(c), vt))
            .collect(),
        (None, None) => return Err(file_error(path, "the .meta file has no value types")),
    };
    let columns = read_columns(path, meta)?;
    let mut out = Vec::with_capacity(schema.len());
    for ((_, vt), column) in schema.iter().zip(&columns) {
        out.push(with_element_type!(*vt, T => {
            let mut cells = alloc_cells::<T>(meta.num_rows, 1)?;
            for array in column {
                for_each_value::<T>(path, array.as_ref(), |value| cells.push(value))?;
            }
            Matrix::from(DenseMatrix::from_vec(meta.num_rows, 1, cells)?)
        }));
    }
    let labels = schema.into_iter().map(|(label, _)| label).collect();
    Frame::new(out, Some(labels)).map_err(|e| file_error(path, e.message()))
}

/// The Arrow arrays of every column, checked against the shape in `meta`.
fn read_columns(path: &str, meta: &FileMetadata) -> RtResult<Vec<Vec<ArrayRef>>> {
    let parquet_error = |e: parquet::errors::ParquetError| file_error(path, e);
    let file = File::open(path).map_err(|e| file_error(path, format!("cannot read: {e}")))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(parquet_error)?
        .build()
        .map_err(parquet_error)?;
    let mut columns = vec![Vec::new(); meta.num_cols];
    let mut rows = 0;
    for batch in reader {
        let batch = batch.map_err(|e| file_error(path, e))?;
        if batch.num_columns() != meta.num_cols {
            return Err(file_error(
                path,
                format!(
                    "the file has {} columns, but its .meta file says {}",
                    batch.num_columns(),
                    meta.num_cols
                ),
            ));
        }
        rows += batch.num_rows();
        for (column, array) in columns.iter_mut().zip(batch.columns()) {
            column.push(Arc::clone(array));
        }
    }
    if rows != meta.num_rows {
        return Err(file_error(
            path,
            format!(
                "the file has {rows} rows, but its .meta file says {}",
                meta.num_rows
            ),
        ));
    }
    Ok(columns)
}

/// Calls `f` with every value of `array` converted to `T` (a null gives `T::default()`).
fn for_each_value<T: Element>(path: &str, array: &dyn Array, mut f: impl FnMut(T)) -> RtResult<()> {
    macro_rules! each {
        ($A:ty, $wrap:expr) => {{
            let typed = array
                .as_any()
                .downcast_ref::<$A>()
                .ok_or_else(|| RuntimeError::new("unexpected Arrow array"))?;
            for i in 0..typed.len() {
                f(if typed.is_null(i) {
                    T::default()
                } else {
                    T::from_scalar_ref($wrap(typed.value(i)))
                        .map_err(|e| file_error(path, e.message()))?
                });
            }
            Ok(())
        }};
    }
    match array.data_type() {
        DataType::Float64 => each!(Float64Array, ScalarRef::Float),
        DataType::Float32 => each!(Float32Array, |v: f32| ScalarRef::Float(f64::from(v))),
        DataType::Int64 => each!(Int64Array, ScalarRef::Int),
        DataType::Int32 => each!(Int32Array, |v: i32| ScalarRef::Int(i64::from(v))),
        DataType::Int16 => each!(Int16Array, |v: i16| ScalarRef::Int(i64::from(v))),
        DataType::Int8 => each!(Int8Array, |v: i8| ScalarRef::Int(i64::from(v))),
        DataType::UInt64 => each!(UInt64Array, ScalarRef::UInt),
        DataType::UInt32 => each!(UInt32Array, |v: u32| ScalarRef::UInt(u64::from(v))),
        DataType::UInt16 => each!(UInt16Array, |v: u16| ScalarRef::UInt(u64::from(v))),
        DataType::UInt8 => each!(UInt8Array, |v: u8| ScalarRef::UInt(u64::from(v))),
        DataType::Boolean => each!(BooleanArray, ScalarRef::Bool),
        DataType::Utf8 => each!(StringArray, ScalarRef::Str),
        DataType::LargeUtf8 => each!(LargeStringArray, ScalarRef::Str),
        DataType::Utf8View => each!(StringViewArray, ScalarRef::Str),
        other => Err(file_error(
            path,
            format!("unsupported Parquet column type {other}"),
        )),
    }
}

/// Column `c` of a matrix as an Arrow array of its value type.
fn column_array(m: &Matrix, c: usize) -> ArrayRef {
    fn cells<T: Clone>(d: &DenseMatrix<T>, c: usize) -> impl Iterator<Item = T> + '_ {
        d.row_iter().map(move |row| row[c].clone())
    }
    match m {
        Matrix::F64(d) => Arc::new(Float64Array::from_iter_values(cells(d, c))),
        Matrix::F32(d) => Arc::new(Float32Array::from_iter_values(cells(d, c))),
        Matrix::SI64(d) => Arc::new(Int64Array::from_iter_values(cells(d, c))),
        Matrix::SI32(d) => Arc::new(Int32Array::from_iter_values(cells(d, c))),
        Matrix::SI8(d) => Arc::new(Int8Array::from_iter_values(cells(d, c))),
        Matrix::UI64(d) => Arc::new(UInt64Array::from_iter_values(cells(d, c))),
        Matrix::UI32(d) => Arc::new(UInt32Array::from_iter_values(cells(d, c))),
        Matrix::UI8(d) => Arc::new(UInt8Array::from_iter_values(cells(d, c))),
        Matrix::BOOL(d) => Arc::new(BooleanArray::from(cells(d, c).collect::<Vec<bool>>())),
        Matrix::STR(d) => Arc::new(StringArray::from_iter_values(
            d.row_iter().map(|row| row[c].as_str()),
        )),
    }
}

/// The Parquet bytes of named columns.
fn encode(columns: Vec<(String, ArrayRef)>) -> Result<Vec<u8>, String> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, array)| Field::new(name, array.data_type().clone(), false))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let arrays: Vec<ArrayRef> = columns.into_iter().map(|(_, array)| array).collect();
    let batch = if arrays.is_empty() {
        RecordBatch::new_empty(Arc::clone(&schema))
    } else {
        RecordBatch::try_new(Arc::clone(&schema), arrays).map_err(|e| e.to_string())?
    };
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut bytes = Vec::new();
    let mut writer =
        ArrowWriter::try_new(&mut bytes, schema, Some(props)).map_err(|e| e.to_string())?;
    writer.write(&batch).map_err(|e| e.to_string())?;
    writer.close().map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Writes a matrix (one Parquet column per matrix column).
pub fn write_matrix(out: &mut dyn std::io::Write, matrix: &Matrix) -> std::io::Result<()> {
    let columns = (0..matrix.cols())
        .map(|c| (c.to_string(), column_array(matrix, c)))
        .collect();
    out.write_all(&encode(columns).map_err(std::io::Error::other)?)
}

/// Writes a frame (one Parquet column per frame column, named by its label).
pub fn write_frame(out: &mut dyn std::io::Write, frame: &Frame) -> std::io::Result<()> {
    let columns = frame
        .labels()
        .iter()
        .zip(frame.columns())
        .map(|(label, column)| (label.clone(), column_array(column, 0)))
        .collect();
    out.write_all(&encode(columns).map_err(std::io::Error::other)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_other_arrow_types_and_nulls() {
        // Columns as other writers store them: 16-bit integers, string views, nulls.
        let columns: Vec<(String, ArrayRef)> = vec![
            ("a".into(), Arc::new(Int16Array::from(vec![Some(-3), None]))),
            ("b".into(), Arc::new(StringViewArray::from(vec!["x", "7"]))),
        ];
        let fields: Vec<Field> = columns
            .iter()
            .map(|(name, array)| Field::new(name, array.data_type().clone(), true))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new(
            Arc::clone(&schema),
            columns.into_iter().map(|(_, a)| a).collect(),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.parquet").to_string_lossy().into_owned();
        let mut writer = ArrowWriter::try_new(File::create(&path).unwrap(), schema, None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        let meta = FileMetadata::parse(
            r#"{"numRows":2,"numCols":2,"schema":[{"label":"a","valueType":"f64"},{"label":"b","valueType":"str"}]}"#,
        )
        .unwrap();
        let frame = read_frame(&path, &meta).unwrap();
        assert_eq!(
            frame.columns()[0].dense::<f64>().unwrap().to_vec(),
            [-3.0, 0.0]
        );
        assert_eq!(
            frame.columns()[1].dense::<String>().unwrap().to_vec(),
            ["x", "7"]
        );
        let meta = FileMetadata::parse(r#"{"numRows":2,"numCols":2,"valueType":"si64"}"#).unwrap();
        let error = read_matrix(&path, &meta).unwrap_err();
        assert!(error.message().contains("o.parquet"), "{error}");
        let meta = FileMetadata::parse(r#"{"numRows":3,"numCols":2,"valueType":"str"}"#).unwrap();
        assert!(
            read_matrix(&path, &meta)
                .unwrap_err()
                .message()
                .contains("3")
        );
    }
}
