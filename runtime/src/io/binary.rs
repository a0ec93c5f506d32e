//! DAPHNE's binary format `.dbdf` for dense matrices (`spec/daphne-reference.md` §3):
//! little-endian; header `version=1:u8 | dt=1 (dense):u8 | rows:u64 | cols:u64 | vt:u8`, one
//! body entry `rx=0:u64 | cx=0:u64`, a block header `rows:u32 | cols:u32 | bt=1 (dense):u8`,
//! then `vt:u8` and the cells row-major. Value-type codes are those of DAPHNE's code
//! (`SI8=0 SI32=1 SI64=2 UI8=3 UI32=4 UI64=5 F32=6 F64=7`); strings and bools are not supported.

use std::io::{self, Write};

use super::{file_error, read_bytes};
use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::Element;
use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::value_type::ValueType;

/// A fixed-width number stored little-endian in `.dbdf` files.
trait BinaryCell: Element + Copy {
    /// The width in bytes.
    const WIDTH: usize;
    /// Appends the little-endian bytes.
    fn put(self, out: &mut Vec<u8>);
    /// Reads from exactly `WIDTH` bytes.
    fn get(bytes: &[u8]) -> Self;
}

macro_rules! binary_cell {
    ($($t:ty),*) => {$(
        impl BinaryCell for $t {
            const WIDTH: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> Self {
                let mut raw = [0u8; std::mem::size_of::<$t>()];
                raw.copy_from_slice(bytes);
                <$t>::from_le_bytes(raw)
            }
        }
    )*};
}

binary_cell!(f64, f32, i64, i32, i8, u64, u32, u8);

/// DAPHNE's `ValueTypeCode` of a value type, if the format supports it.
fn code_of(vt: ValueType) -> Option<u8> {
    Some(match vt {
        ValueType::SI8 => 0,
        ValueType::SI32 => 1,
        ValueType::SI64 => 2,
        ValueType::UI8 => 3,
        ValueType::UI32 => 4,
        ValueType::UI64 => 5,
        ValueType::F32 => 6,
        ValueType::F64 => 7,
        ValueType::BOOL | ValueType::STR => return None,
    })
}

/// Evaluates `$body` with `$T` bound to the Rust type of the `.dbdf` code `$code`.
macro_rules! with_code_type {
    ($code:expr, $T:ident => $body:expr, _ => $other:expr) => {
        match $code {
            0 => {
                type $T = i8;
                $body
            }
            1 => {
                type $T = i32;
                $body
            }
            2 => {
                type $T = i64;
                $body
            }
            3 => {
                type $T = u8;
                $body
            }
            4 => {
                type $T = u32;
                $body
            }
            5 => {
                type $T = u64;
                $body
            }
            6 => {
                type $T = f32;
                $body
            }
            7 => {
                type $T = f64;
                $body
            }
            _ => $other,
        }
    };
}

const HEADER: usize = 1 + 1 + 8 + 8 + 1;
const BODY: usize = 8 + 8 + 4 + 4 + 1 + 1;

/// Writes a dense matrix.
pub fn write_matrix(out: &mut dyn Write, matrix: &Matrix) -> io::Result<()> {
    let unsupported = || {
        io::Error::other(format!(
            "the .dbdf format cannot hold {} matrices",
            matrix.value_type().cpp_name()
        ))
    };
    let code = code_of(matrix.value_type()).ok_or_else(unsupported)?;
    let (rows, cols) = (matrix.rows(), matrix.cols());
    let (rows32, cols32) = (
        u32::try_from(rows).map_err(|_| unsupported())?,
        u32::try_from(cols).map_err(|_| unsupported())?,
    );
    let mut head = Vec::with_capacity(HEADER + BODY);
    head.extend_from_slice(&[1, 1]);
    head.extend_from_slice(&(rows as u64).to_le_bytes());
    head.extend_from_slice(&(cols as u64).to_le_bytes());
    head.push(code);
    head.extend_from_slice(&[0; 16]);
    head.extend_from_slice(&rows32.to_le_bytes());
    head.extend_from_slice(&cols32.to_le_bytes());
    head.extend_from_slice(&[1, code]);
    out.write_all(&head)?;
    fn cells<T: BinaryCell>(out: &mut dyn Write, dense: &DenseMatrix<T>) -> io::Result<()> {
        let mut buffer = Vec::with_capacity(dense.cols() * T::WIDTH);
        for row in dense.row_iter() {
            row.iter().for_each(|v| v.put(&mut buffer));
            out.write_all(&buffer)?;
            buffer.clear();
        }
        Ok(())
    }
    with_code_type!(code, T => cells(out, matrix.dense::<T>().ok_or_else(unsupported)?), _ => Err(unsupported()))
}

/// Reads a dense matrix.
pub fn read_matrix(path: &str) -> RtResult<Matrix> {
    let bytes = read_bytes(path)?;
    let malformed = |what: &str| file_error(path, format!("malformed .dbdf file: {what}"));
    if bytes.len() < HEADER + BODY {
        return Err(malformed("too short"));
    }
    if bytes[0] != 1 || bytes[1] != 1 {
        return Err(malformed(
            "unsupported version or data type (only dense matrices)",
        ));
    }
    let u64_at = |at: usize| u64::get(&bytes[at..at + 8]) as usize;
    let (rows, cols, code) = (u64_at(2), u64_at(10), bytes[18]);
    if bytes[HEADER + 16 + 8] != 1 || bytes[HEADER + 16 + 9] != code {
        return Err(malformed("unsupported block type"));
    }
    fn cells<T: BinaryCell>(body: &[u8], rows: usize, cols: usize) -> RtResult<Matrix> {
        let n = rows
            .checked_mul(cols)
            .filter(|n| n.checked_mul(T::WIDTH) == Some(body.len()));
        if n.is_none() {
            bail!("the data size does not match {rows}x{cols} cells");
        }
        let mut out = alloc_cells(rows, cols)?;
        out.extend(body.chunks_exact(T::WIDTH).map(T::get));
        Ok(Matrix::from(DenseMatrix::from_vec(rows, cols, out)?))
    }
    let body = &bytes[HEADER + BODY..];
    with_code_type!(code, T => cells::<T>(body, rows, cols).map_err(|e| malformed(e.message())),
        _ => Err(malformed(&format!("unknown value type code {code}"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_round_trip() {
        let m = Matrix::from(DenseMatrix::from_vec(1, 2, vec![1i32, -2]).unwrap());
        let mut out = Vec::new();
        write_matrix(&mut out, &m).unwrap();
        assert_eq!(out.len(), HEADER + BODY + 8);
        assert_eq!((out[0], out[1], out[18], out[HEADER + 24]), (1, 1, 1, 1));
        assert_eq!(&out[HEADER + BODY..], [1, 0, 0, 0, 254, 255, 255, 255]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.dbdf").to_string_lossy().into_owned();
        std::fs::write(&path, &out).unwrap();
        assert_eq!(
            read_matrix(&path).unwrap().dense::<i32>().unwrap().to_vec(),
            [1, -2]
        );
        std::fs::write(&path, &out[..out.len() - 1]).unwrap();
        assert!(read_matrix(&path).unwrap_err().message().contains("m.dbdf"));
        let strings = Matrix::from(DenseMatrix::filled(1, 1, String::new()).unwrap());
        assert!(write_matrix(&mut Vec::new(), &strings).is_err());
    }
}
