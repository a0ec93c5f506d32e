//! DAPHNE's binary format `.dbdf` for dense and CSR matrices (`spec/daphne-reference.md` §3,
//! laid out as DAPHNE's `DaphneSerializer` writes them): little-endian; header
//! `version=1:u8 | dt:u8 (1 dense, 2 CSR) | rows:u64 | cols:u64 | vt:u8`, one body entry
//! `rx=0:u64 | cx=0:u64`, a block header `rows:u32 | cols:u32 | bt:u8 (1 dense, 2 CSR) | vt:u8`.
//! A dense block then holds the cells row-major; a CSR block `nnz:u64`, the `rows + 1` row
//! offsets and the `nnz` column indexes (each u64), then the `nnz` values. Value-type codes are
//! those of DAPHNE's code (`SI8=0 SI32=1 SI64=2 UI8=3 UI32=4 UI64=5 F32=6 F64=7`); strings and
//! bools are not supported.

use std::io::{self, Write};

use super::{file_error, read_bytes};
use crate::csr::CsrMatrix;
use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::Element;
use crate::error::RtResult;
use crate::matrix::Matrix;
use crate::object::Object;
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

/// The error for a matrix the format cannot hold.
fn unsupported(vt: ValueType) -> io::Error {
    io::Error::other(format!(
        "the .dbdf format cannot hold {} matrices (or more than 2^32 - 1 rows or columns)",
        vt.cpp_name()
    ))
}

/// Writes the file header, the body entry and the block header of a `rows`×`cols` block of
/// type `kind` (1 dense, 2 CSR) with value type `vt`; returns the value-type code.
fn write_head(
    out: &mut dyn Write,
    kind: u8,
    rows: usize,
    cols: usize,
    vt: ValueType,
) -> io::Result<u8> {
    let code = code_of(vt).ok_or_else(|| unsupported(vt))?;
    let (rows32, cols32) = (
        u32::try_from(rows).map_err(|_| unsupported(vt))?,
        u32::try_from(cols).map_err(|_| unsupported(vt))?,
    );
    let mut head = Vec::with_capacity(HEADER + BODY);
    head.extend_from_slice(&[1, kind]);
    head.extend_from_slice(&(rows as u64).to_le_bytes());
    head.extend_from_slice(&(cols as u64).to_le_bytes());
    head.push(code);
    head.extend_from_slice(&[0; 16]);
    head.extend_from_slice(&rows32.to_le_bytes());
    head.extend_from_slice(&cols32.to_le_bytes());
    head.extend_from_slice(&[kind, code]);
    out.write_all(&head)?;
    Ok(code)
}

/// Writes numbers little-endian, a buffer at a time.
fn write_numbers<T: BinaryCell>(
    out: &mut dyn Write,
    values: impl Iterator<Item = T>,
) -> io::Result<()> {
    let mut buffer = Vec::with_capacity(1 << 16);
    for value in values {
        value.put(&mut buffer);
        if buffer.len() >= 1 << 16 {
            out.write_all(&buffer)?;
            buffer.clear();
        }
    }
    out.write_all(&buffer)
}

/// Writes a dense matrix.
pub fn write_matrix(out: &mut dyn Write, matrix: &Matrix) -> io::Result<()> {
    let vt = matrix.value_type();
    let code = write_head(out, 1, matrix.rows(), matrix.cols(), vt)?;
    fn cells<T: BinaryCell>(out: &mut dyn Write, dense: &DenseMatrix<T>) -> io::Result<()> {
        write_numbers(out, dense.row_iter().flatten().copied())
    }
    with_code_type!(code, T => cells(out, matrix.dense::<T>().ok_or_else(|| unsupported(vt))?), _ => Err(unsupported(vt)))
}

/// Writes a CSR matrix.
pub fn write_csr(out: &mut dyn Write, csr: &CsrMatrix) -> io::Result<()> {
    let vt = csr.value_type();
    let code = write_head(out, 2, csr.rows(), csr.cols(), vt)?;
    out.write_all(&(csr.nnz() as u64).to_le_bytes())?;
    write_numbers(out, csr.row_offsets().iter().map(|&o| o as u64))?;
    write_numbers(out, csr.col_idxs().iter().map(|&c| c as u64))?;
    fn cells<T: BinaryCell>(out: &mut dyn Write, dense: &DenseMatrix<T>) -> io::Result<()> {
        write_numbers(out, dense.row_iter().flatten().copied())
    }
    with_code_type!(code, T => cells(out, csr.values().dense::<T>().ok_or_else(|| unsupported(vt))?), _ => Err(unsupported(vt)))
}

/// Reads a matrix: a dense block gives a dense matrix, a CSR block a CSR matrix.
pub fn read_matrix(path: &str) -> RtResult<Object> {
    let bytes = read_bytes(path)?;
    let malformed = |what: &str| file_error(path, format!("malformed .dbdf file: {what}"));
    if bytes.len() < HEADER + BODY {
        return Err(malformed("too short"));
    }
    let kind = bytes[1];
    if bytes[0] != 1 || !matches!(kind, 1 | 2) {
        return Err(malformed(
            "unsupported version or data type (only dense and CSR matrices)",
        ));
    }
    let u64_at = |at: usize| u64::get(&bytes[at..at + 8]) as usize;
    let (rows, cols, code) = (u64_at(2), u64_at(10), bytes[18]);
    if bytes[HEADER + 16 + 8] != kind || bytes[HEADER + 16 + 9] != code {
        return Err(malformed("unsupported block type"));
    }
    let body = &bytes[HEADER + BODY..];
    let result = if kind == 1 {
        with_code_type!(code, T => dense_cells::<T>(body, rows, cols).map(Object::from),
            _ => return Err(malformed(&format!("unknown value type code {code}"))))
    } else {
        with_code_type!(code, T => csr_cells::<T>(body, rows, cols).map(Object::from),
            _ => return Err(malformed(&format!("unknown value type code {code}"))))
    };
    result.map_err(|e| malformed(e.message()))
}

fn dense_cells<T: BinaryCell>(body: &[u8], rows: usize, cols: usize) -> RtResult<Matrix> {
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

fn csr_cells<T: BinaryCell>(body: &[u8], rows: usize, cols: usize) -> RtResult<CsrMatrix> {
    let Some(nnz_bytes) = body.get(..8) else {
        bail!("the number of non-zeros is missing");
    };
    let nnz = u64::get(nnz_bytes) as usize;
    let expected = rows
        .checked_add(1 + nnz)
        .and_then(|n| n.checked_mul(8))
        .and_then(|n| n.checked_add(nnz.checked_mul(T::WIDTH)?))
        .and_then(|n| n.checked_add(8));
    if expected != Some(body.len()) {
        bail!("the data size does not match {rows}x{cols} cells with {nnz} non-zeros");
    }
    let (offsets, rest) = body[8..].split_at((rows + 1) * 8);
    let (col_idxs, values) = rest.split_at(nnz * 8);
    let as_usizes = |bytes: &[u8]| -> Vec<usize> {
        bytes
            .chunks_exact(8)
            .map(|b| u64::get(b) as usize)
            .collect()
    };
    let mut cells = alloc_cells(nnz, 1)?;
    cells.extend(values.chunks_exact(T::WIDTH).map(T::get));
    let values = Matrix::from(DenseMatrix::from_vec(nnz, 1, cells)?);
    CsrMatrix::new(rows, cols, as_usizes(offsets), as_usizes(col_idxs), values)
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
        let back = read_matrix(&path).unwrap();
        assert_eq!(
            back.as_matrix().unwrap().dense::<i32>().unwrap().to_vec(),
            [1, -2]
        );
        std::fs::write(&path, &out[..out.len() - 1]).unwrap();
        assert!(read_matrix(&path).unwrap_err().message().contains("m.dbdf"));
        let strings = Matrix::from(DenseMatrix::filled(1, 1, String::new()).unwrap());
        assert!(write_matrix(&mut Vec::new(), &strings).is_err());
    }

    #[test]
    fn csr_layout_and_round_trip() {
        let dense =
            Matrix::from(DenseMatrix::from_vec(3, 2, vec![0.0, 1.5, 0.0, 0.0, -2.0, 3.0]).unwrap());
        let csr = CsrMatrix::from_dense(&dense).unwrap();
        let mut out = Vec::new();
        write_csr(&mut out, &csr).unwrap();
        // The 53-byte header of DAPHNE's serializer, 4 row offsets, 3 column indexes, 3 values.
        assert_eq!(out.len(), 53 + 4 * 8 + 3 * 8 + 3 * 8);
        assert_eq!((out[1], out[HEADER + 24], out[HEADER + 25]), (2, 2, 7));
        assert_eq!(u64::get(&out[45..53]), 3);
        assert_eq!(u64::get(&out[53 + 3 * 8..53 + 4 * 8]), 3);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.dbdf").to_string_lossy().into_owned();
        std::fs::write(&path, &out).unwrap();
        let back = read_matrix(&path).unwrap();
        assert_eq!(back.type_name(), "CSRMatrix(3x2, double)");
        assert_eq!(
            back.as_matrix().unwrap().dense::<f64>().unwrap().to_vec(),
            dense.dense::<f64>().unwrap().to_vec()
        );
        std::fs::write(&path, &out[..out.len() - 8]).unwrap();
        assert!(
            read_matrix(&path)
                .unwrap_err()
                .message()
                .contains("non-zeros")
        );
    }
}
