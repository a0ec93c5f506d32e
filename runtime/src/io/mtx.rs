//! MatrixMarket (`.mtx`) reading: `coordinate` (sparse triplets, 1-based) and `array`
//! (dense, column-major) layouts; `real`, `double`, `integer` and `pattern` fields; `general`,
//! `symmetric` and `skew-symmetric` storage. `real` gives f64, `integer` si64, `pattern` f64
//! ones; a `.meta` file next to it, if present, sets the value type.

use super::{file_error, read_bytes, read_meta};
use crate::dense::DenseMatrix;
use crate::error::RtResult;
use crate::matrix::Matrix;

/// Reads a MatrixMarket file as a dense matrix.
pub fn read_matrix(path: &str) -> RtResult<Matrix> {
    let bytes = read_bytes(path)?;
    let text = String::from_utf8_lossy(&bytes);
    let malformed = |what: &str| file_error(path, format!("malformed MatrixMarket file: {what}"));
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("").to_ascii_lowercase();
    let words: Vec<&str> = header.split_whitespace().collect();
    if words.len() != 5 || words[0] != "%%matrixmarket" || words[1] != "matrix" {
        return Err(malformed(
            "missing '%%MatrixMarket matrix <layout> <field> <symmetry>' header",
        ));
    }
    let (coordinate, field, symmetry) = (words[2] == "coordinate", words[3], words[4]);
    if !matches!(field, "real" | "double" | "integer" | "pattern") {
        return Err(malformed(&format!("unsupported field '{field}'")));
    }
    let sign = match symmetry {
        "general" => None,
        "symmetric" => Some(1.0),
        "skew-symmetric" => Some(-1.0),
        other => return Err(malformed(&format!("unsupported symmetry '{other}'"))),
    };
    let mut data = lines.filter(|l| !l.trim_start().starts_with('%') && !l.trim().is_empty());
    let size: Vec<usize> = data
        .next()
        .ok_or_else(|| malformed("missing size line"))?
        .split_whitespace()
        .map(|w| w.parse().map_err(|_| malformed("bad size line")))
        .collect::<RtResult<_>>()?;
    let (rows, cols) = match size[..] {
        [r, c, _] if coordinate => (r, c),
        [r, c] if !coordinate => (r, c),
        _ => return Err(malformed("bad size line")),
    };
    let mut cells = vec![
        0.0;
        rows.checked_mul(cols)
            .ok_or_else(|| malformed("too large"))?
    ];
    let number = |w: Option<&str>| -> RtResult<f64> {
        w.ok_or_else(|| malformed("missing value"))?
            .parse()
            .map_err(|_| malformed("bad value"))
    };
    let mut set = |r: usize, c: usize, v: f64| -> RtResult<()> {
        if r >= rows || c >= cols {
            return Err(malformed(&format!(
                "entry ({}, {}) out of bounds",
                r + 1,
                c + 1
            )));
        }
        cells[r * cols + c] = v;
        if let Some(sign) = sign
            && r != c
        {
            if c >= rows || r >= cols {
                return Err(malformed("a symmetric matrix must be square"));
            }
            cells[c * cols + r] = sign * v;
        }
        Ok(())
    };
    if coordinate {
        for line in data {
            let mut w = line.split_whitespace();
            let r = number(w.next())? as usize;
            let c = number(w.next())? as usize;
            let v = if field == "pattern" {
                1.0
            } else {
                number(w.next())?
            };
            if r == 0 || c == 0 {
                return Err(malformed("positions are 1-based"));
            }
            set(r - 1, c - 1, v)?;
        }
    } else {
        let mut values = data.flat_map(str::split_whitespace);
        for c in 0..cols {
            let start = if sign.is_some() { c } else { 0 };
            for r in start..rows {
                set(r, c, number(values.next())?)?;
            }
        }
    }
    let dense = Matrix::from(DenseMatrix::from_vec(rows, cols, cells)?);
    let vt = match read_meta(path) {
        Ok(meta) => meta.value_type,
        Err(_) if field == "integer" => Some(crate::ValueType::SI64),
        Err(_) => None,
    };
    match vt {
        Some(vt) => dense.cast(vt),
        None => Ok(dense),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinate_and_array() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.mtx").to_string_lossy().into_owned();
        std::fs::write(
            &path,
            "%%MatrixMarket matrix coordinate integer symmetric\n% c\n3 3 2\n1 1 5\n3 1 -2\n",
        )
        .unwrap();
        let m = read_matrix(&path).unwrap();
        assert_eq!(
            m.dense::<i64>().unwrap().to_vec(),
            [5, 0, -2, 0, 0, 0, -2, 0, 0]
        );
        std::fs::write(
            &path,
            "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4.5\n",
        )
        .unwrap();
        assert_eq!(
            read_matrix(&path).unwrap().dense::<f64>().unwrap().to_vec(),
            [1.0, 3.0, 2.0, 4.5]
        );
        std::fs::write(
            &path,
            "%%MatrixMarket matrix coordinate real general\n1 1 1\n2 1 1.0\n",
        )
        .unwrap();
        assert!(read_matrix(&path).unwrap_err().message().contains("a.mtx"));
    }
}
