//! File I/O: `readMatrix`, `readFrame` and `write` (`spec/daphne-reference.md` §3).
//!
//! The format follows the file extension: `.csv` and `.parquet` (each with a `.meta` JSON
//! sidecar, read and written; matrices and frames), `.dbdf` (DAPHNE's binary format, dense and
//! CSR matrices) and `.mtx` (MatrixMarket, read only). `write` writes the data and the `.meta`
//! file each to a temporary file first and renames it into place, so readers never see a
//! half-written file. Every error names the file.
//!
//! [`read_meta`] is also the compiler's compile-time helper: it types `readMatrix("f.csv")`.

mod binary;
mod csv;
mod meta;
mod mtx;
mod parquet;

use std::fs;
use std::path::Path;

pub use meta::{FileMetadata, read_meta, vt_from_meta_name, vt_meta_name};

use crate::error::{RtResult, RuntimeError};
use crate::frame::Frame;
use crate::object::{Data, Object};

/// The lower-case extension of `path` (without the dot), or an empty string.
fn extension(path: &str) -> String {
    Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn unsupported(path: &str) -> RuntimeError {
    RuntimeError::new(format!(
        "file extension not supported: '{}' (file '{path}')",
        extension(path)
    ))
}

/// Wraps an error message with the file it concerns.
pub(crate) fn file_error(path: &str, what: impl std::fmt::Display) -> RuntimeError {
    RuntimeError::new(format!("file '{path}': {what}"))
}

/// `readMatrix(path)`: a dense matrix, or a CSR matrix from a `.dbdf` file with a CSR block.
pub fn read_matrix(path: &str) -> RtResult<Object> {
    match extension(path).as_str() {
        "csv" => {
            let meta = read_meta(path)?;
            let Some(vt) = meta.value_type else {
                return Err(file_error(
                    path,
                    "the .meta file describes a frame (schema), not a matrix",
                ));
            };
            csv::read_matrix(path, meta.num_rows, meta.num_cols, vt).map(Object::from)
        }
        "parquet" => parquet::read_matrix(path, &read_meta(path)?).map(Object::from),
        "dbdf" => binary::read_matrix(path),
        "mtx" => mtx::read_matrix(path).map(Object::from),
        _ => Err(unsupported(path)),
    }
}

/// `readFrame(path)` (CSV or Parquet with a schema, or a value type for every column, in its
/// `.meta`).
pub fn read_frame(path: &str) -> RtResult<Frame> {
    match extension(path).as_str() {
        "csv" => csv::read_frame(path, &read_meta(path)?),
        "parquet" => parquet::read_frame(path, &read_meta(path)?),
        _ => Err(unsupported(path)),
    }
}

/// `write(x, path)`: a matrix (CSV, Parquet or `.dbdf`) or a frame (CSV or Parquet), with its
/// `.meta` file.
pub fn write(object: &Object, path: &str) -> RtResult<()> {
    match (object.data(), extension(path).as_str()) {
        (Data::Frame(frame), "csv") => {
            write_atomically(path, |out| csv::write_frame(out, frame))?;
            write_meta_atomically(path, &FileMetadata::of_frame(frame))
        }
        (Data::Dense(_) | Data::Csr(_), "csv") => {
            let matrix = object.as_matrix()?;
            write_atomically(path, |out| csv::write_matrix(out, matrix))?;
            write_meta_atomically(path, &FileMetadata::of_matrix(matrix))
        }
        (Data::Frame(frame), "parquet") => {
            write_atomically(path, |out| parquet::write_frame(out, frame))?;
            write_meta_atomically(path, &FileMetadata::of_frame(frame))
        }
        (Data::Dense(_) | Data::Csr(_), "parquet") => {
            let matrix = object.as_matrix()?;
            write_atomically(path, |out| parquet::write_matrix(out, matrix))?;
            write_meta_atomically(path, &FileMetadata::of_matrix(matrix))
        }
        (Data::Dense(matrix), "dbdf") => {
            write_atomically(path, |out| binary::write_matrix(out, matrix))?;
            write_meta_atomically(path, &FileMetadata::of_matrix(matrix))
        }
        (Data::Csr(csr), "dbdf") => {
            write_atomically(path, |out| binary::write_csr(out, csr))?;
            write_meta_atomically(path, &FileMetadata::of_csr(csr))
        }
        (Data::List(_), _) => Err(file_error(path, "lists cannot be written to files")),
        _ => Err(unsupported(path)),
    }
}

fn write_meta_atomically(path: &str, meta: &FileMetadata) -> RtResult<()> {
    let meta_path = format!("{path}.meta");
    let text = meta.to_json();
    write_atomically(&meta_path, |out| out.write_all(text.as_bytes()))
}

/// Writes through `body` into `<path>.tmp<pid>`, then renames it to `path`.
fn write_atomically(
    path: &str,
    body: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> RtResult<()> {
    let temp = format!("{path}.tmp{}", std::process::id());
    let result = (|| {
        let file = fs::File::create(&temp)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        body(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(&temp, path)
    })();
    result.map_err(|error| {
        // Best effort: the temporary file may not exist.
        let _ = fs::remove_file(&temp);
        file_error(path, format!("cannot write: {error}"))
    })
}

/// Reads a whole file, naming it in the error.
fn read_bytes(path: &str) -> RtResult<Vec<u8>> {
    fs::read(path).map_err(|error| file_error(path, format!("cannot read: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dense::DenseMatrix;
    use crate::matrix::Matrix;

    fn temp_dir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn round_trips_every_format() {
        let dir = temp_dir();
        let m = Matrix::from(
            DenseMatrix::from_vec(2, 3, vec![1.1, -22.2, f64::NAN, f64::INFINITY, 0.0, -0.5])
                .unwrap(),
        );
        for ext in ["csv", "dbdf", "parquet"] {
            let path = dir
                .path()
                .join(format!("m.{ext}"))
                .to_string_lossy()
                .into_owned();
            write(&Object::from(m.clone()), &path).unwrap();
            let back = read_matrix(&path).unwrap();
            let back = back.as_matrix().unwrap();
            let (a, b) = (
                m.dense::<f64>().unwrap().to_vec(),
                back.dense::<f64>().unwrap().to_vec(),
            );
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(&b) {
                assert!(x == y || (x.is_nan() && y.is_nan()), "{ext}: {x} vs {y}");
            }
        }
        let strings = Matrix::from(
            DenseMatrix::from_vec(
                1,
                3,
                vec!["a,b".to_owned(), "q\"x".to_owned(), "l1\nl2".to_owned()],
            )
            .unwrap(),
        );
        for ext in ["csv", "parquet"] {
            let path = dir
                .path()
                .join(format!("s.{ext}"))
                .to_string_lossy()
                .into_owned();
            write(&Object::from(strings.clone()), &path).unwrap();
            assert_eq!(
                read_matrix(&path)
                    .unwrap()
                    .as_matrix()
                    .unwrap()
                    .dense::<String>()
                    .unwrap()
                    .to_vec(),
                strings.dense::<String>().unwrap().to_vec()
            );
        }
        let frame = Frame::new(
            vec![
                Matrix::from(DenseMatrix::from_vec(2, 1, vec![1i64, -2]).unwrap()),
                Matrix::from(
                    DenseMatrix::from_vec(2, 1, vec!["x".to_owned(), "".to_owned()]).unwrap(),
                ),
            ],
            Some(vec!["a".into(), "b".into()]),
        )
        .unwrap();
        for ext in ["csv", "parquet"] {
            let path = dir
                .path()
                .join(format!("f.{ext}"))
                .to_string_lossy()
                .into_owned();
            write(&Object::from(frame.clone()), &path).unwrap();
            let back = read_frame(&path).unwrap();
            assert_eq!(back.type_name(), "Frame(2x2, [a:int64_t, b:std::string])");
            assert_eq!(back.columns()[0].dense::<i64>().unwrap().to_vec(), [1, -2]);
            assert_eq!(
                back.columns()[1].dense::<String>().unwrap().to_vec(),
                ["x", ""]
            );
        }
        // A CSR matrix keeps its representation in .dbdf files.
        let sparse = crate::csr::CsrMatrix::from_dense(&m).unwrap();
        let path = dir.path().join("c.dbdf").to_string_lossy().into_owned();
        write(&Object::from(sparse), &path).unwrap();
        assert_eq!(
            read_matrix(&path).unwrap().type_name(),
            "CSRMatrix(2x3, double)"
        );
        assert!(
            fs::read_dir(dir.path()).unwrap().all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp"))
        );
    }

    #[test]
    fn errors_name_the_file() {
        let error = read_matrix("/nonexistent/x.csv").unwrap_err();
        assert!(error.message().contains("/nonexistent/x.csv"), "{error}");
        // A Parquet file with a .meta file but no data, and one that is not Parquet.
        let dir = temp_dir();
        let path = dir.path().join("p.parquet").to_string_lossy().into_owned();
        fs::write(
            format!("{path}.meta"),
            r#"{"numRows":1,"numCols":1,"valueType":"f64"}"#,
        )
        .unwrap();
        assert!(
            read_matrix(&path)
                .unwrap_err()
                .message()
                .contains("p.parquet")
        );
        fs::write(&path, "not parquet").unwrap();
        assert!(
            read_matrix(&path)
                .unwrap_err()
                .message()
                .contains("p.parquet")
        );
        assert!(
            read_matrix("x.foo")
                .unwrap_err()
                .message()
                .contains("file extension not supported: 'foo'")
        );
        let m = Object::from(Matrix::from(DenseMatrix::filled(1, 1, 1.0).unwrap()));
        assert!(
            write(&m, "/nonexistent/dir/x.csv")
                .unwrap_err()
                .message()
                .contains("/nonexistent/dir/x.csv")
        );
    }
}
