//! CSV reading and writing: `,` separated, no header, `"`-quoted strings (a doubled `""`
//! inside; a quoted field may span lines), `nan`/`inf`/`-inf` floats. Numeric matrices are
//! parsed in parallel, one chunk of whole lines per thread. Floats are written like C
//! `printf("%f")` (DAPHNE's `WriteCsv`), strings quoted only when they contain `, \n \r "`.

use std::borrow::Cow;
use std::io::{self, Write};

use super::{FileMetadata, file_error, read_bytes};
use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::{Element, ScalarRef};
use crate::error::RtResult;
use crate::frame::Frame;
use crate::matrix::Matrix;
use crate::value_type::ValueType;

/// Reads a `rows`×`cols` matrix of value type `vt`.
pub fn read_matrix(path: &str, rows: usize, cols: usize, vt: ValueType) -> RtResult<Matrix> {
    let bytes = read_bytes(path)?;
    with_element_type!(vt, T => Ok(Matrix::from(parse_matrix::<T>(path, &bytes, rows, cols)?)))
}

fn parse_matrix<T: Element>(
    path: &str,
    bytes: &[u8],
    rows: usize,
    cols: usize,
) -> RtResult<DenseMatrix<T>> {
    if T::VT == ValueType::STR || bytes.contains(&b'"') {
        let records = records(path, bytes, rows)?;
        let mut out = alloc_cells(rows, cols)?;
        for (r, record) in records.iter().enumerate() {
            check_width(path, r, record.len(), cols)?;
            for field in record {
                out.push(parse_field(path, field)?);
            }
        }
        return DenseMatrix::from_vec(rows, cols, out);
    }
    let chunks = split_lines(
        bytes,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    let parsed: Vec<RtResult<(usize, Vec<T>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| scope.spawn(move || parse_lines::<T>(path, chunk, cols)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(file_error(path, "a CSV parser thread panicked")))
            })
            .collect()
    });
    let mut out = alloc_cells(rows, cols)?;
    let mut n_rows = 0;
    for part in parsed {
        let (lines, cells) = part?;
        n_rows += lines;
        if n_rows > rows {
            break;
        }
        out.extend(cells);
    }
    if n_rows != rows {
        return Err(file_error(
            path,
            format!("expected {rows} rows as the .meta file says, but found {n_rows}"),
        ));
    }
    DenseMatrix::from_vec(rows, cols, out)
}

/// Splits `bytes` into about `parts` pieces that end at line ends.
fn split_lines(bytes: &[u8], parts: usize) -> Vec<&[u8]> {
    let target = bytes.len() / parts.max(1) + 1;
    let mut chunks = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let cut = if rest.len() <= target {
            rest.len()
        } else {
            rest[target..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |p| target + p + 1)
        };
        chunks.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    chunks
}

/// Parses unquoted lines of `cols` numeric fields each; returns the line count and the cells.
fn parse_lines<T: Element>(path: &str, chunk: &[u8], cols: usize) -> RtResult<(usize, Vec<T>)> {
    let mut cells = Vec::with_capacity(chunk.len() / 4);
    let mut lines = 0;
    for line in chunk.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let before = cells.len();
        for field in line.split(|&b| b == b',') {
            let text = std::str::from_utf8(field).map_err(|_| file_error(path, "invalid UTF-8"))?;
            cells.push(parse_field(path, text)?);
        }
        check_width(path, lines, cells.len() - before, cols)?;
        lines += 1;
    }
    Ok((lines, cells))
}

fn check_width(path: &str, row: usize, found: usize, cols: usize) -> RtResult<()> {
    if found != cols {
        return Err(file_error(
            path,
            format!("row {row} has {found} fields, but the .meta file says {cols} columns"),
        ));
    }
    Ok(())
}

/// One field converted to `T` (numbers with C++ `sto*` semantics).
fn parse_field<T: Element>(path: &str, text: &str) -> RtResult<T> {
    T::from_scalar_ref(ScalarRef::Str(text)).map_err(|e| file_error(path, e.message()))
}

/// Splits the file into `rows` records of fields, honouring quotes.
fn records<'a>(path: &str, bytes: &'a [u8], rows: usize) -> RtResult<Vec<Vec<Cow<'a, str>>>> {
    let text = std::str::from_utf8(bytes).map_err(|_| file_error(path, "invalid UTF-8"))?;
    let mut records = Vec::with_capacity(rows);
    let mut rest = text;
    while records.len() < rows {
        if rest.is_empty() {
            return Err(file_error(
                path,
                format!(
                    "expected {rows} rows as the .meta file says, but found {}",
                    records.len()
                ),
            ));
        }
        let mut fields = Vec::new();
        loop {
            let (field, after) = next_field(path, rest)?;
            fields.push(field);
            match after.as_bytes().first() {
                Some(b',') => rest = &after[1..],
                Some(b'\r') if after.as_bytes().get(1) == Some(&b'\n') => {
                    rest = &after[2..];
                    break;
                }
                Some(b'\n') => {
                    rest = &after[1..];
                    break;
                }
                None => {
                    rest = after;
                    break;
                }
                Some(_) => return Err(file_error(path, "unexpected text after a quoted field")),
            }
        }
        records.push(fields);
    }
    Ok(records)
}

/// The field at the start of `text` and the text after it (starting at the separator).
fn next_field<'a>(path: &str, text: &'a str) -> RtResult<(Cow<'a, str>, &'a str)> {
    let Some(quoted) = text.strip_prefix('"') else {
        let end = text.find([',', '\n', '\r']).unwrap_or(text.len());
        // A lone `\r` (not before `\n`) belongs to the field.
        let end = match &text.as_bytes()[end..] {
            [b'\r', next, ..] if *next != b'\n' => text[end + 1..]
                .find([',', '\n'])
                .map_or(text.len(), |p| end + 1 + p),
            _ => end,
        };
        return Ok((Cow::Borrowed(&text[..end]), &text[end..]));
    };
    let mut value = String::new();
    let mut rest = quoted;
    loop {
        let Some(quote) = rest.find('"') else {
            return Err(file_error(path, "unterminated quoted field"));
        };
        value.push_str(&rest[..quote]);
        rest = &rest[quote + 1..];
        if let Some(after) = rest.strip_prefix('"') {
            value.push('"');
            rest = after;
        } else {
            return Ok((Cow::Owned(value), rest));
        }
    }
}

/// Reads a frame with the schema (or the single value type) of `meta`.
pub fn read_frame(path: &str, meta: &FileMetadata) -> RtResult<Frame> {
    let schema: Vec<(String, ValueType)> = match (&meta.schema, meta.value_type) {
        (Some(schema), _) => schema.clone(),
        (None, Some(vt)) => (0..meta.num_cols)
            .map(|c| (crate::frame::default_label(c), vt))
            .collect(),
        (None, None) => return Err(file_error(path, "the .meta file has no value types")),
    };
    let bytes = read_bytes(path)?;
    let records = records(path, &bytes, meta.num_rows)?;
    for (r, record) in records.iter().enumerate() {
        check_width(path, r, record.len(), meta.num_cols)?;
    }
    let mut columns = Vec::with_capacity(schema.len());
    for (c, (_, vt)) in schema.iter().enumerate() {
        let column = with_element_type!(*vt, T => {
            let cells = records.iter().map(|record| parse_field::<T>(path, &record[c])).collect::<RtResult<Vec<T>>>()?;
            Matrix::from(DenseMatrix::from_vec(records.len(), 1, cells)?)
        });
        columns.push(column);
    }
    let labels = schema.into_iter().map(|(label, _)| label).collect();
    Frame::new(columns, Some(labels)).map_err(|e| file_error(path, e.message()))
}

/// Appends one value as DAPHNE's CSV writer prints it.
fn push_csv(out: &mut String, value: ScalarRef<'_>) {
    match value {
        ScalarRef::Float(v) => out.push_str(&crate::convert::float_to_string(v)),
        ScalarRef::Int(v) => out.push_str(&v.to_string()),
        ScalarRef::UInt(v) => out.push_str(&v.to_string()),
        ScalarRef::Bool(v) => out.push(if v { '1' } else { '0' }),
        ScalarRef::Str(s) if s.contains([',', '\n', '\r', '"']) => {
            out.push('"');
            out.push_str(&s.replace('"', "\"\""));
            out.push('"');
        }
        ScalarRef::Str(s) => out.push_str(s),
    }
}

/// Writes a matrix as CSV.
pub fn write_matrix(out: &mut dyn Write, matrix: &Matrix) -> io::Result<()> {
    fn typed<T: Element>(out: &mut dyn Write, dense: &DenseMatrix<T>) -> io::Result<()> {
        let mut line = String::new();
        for row in dense.row_iter() {
            for (c, value) in row.iter().enumerate() {
                if c > 0 {
                    line.push(',');
                }
                push_csv(&mut line, value.as_scalar_ref());
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
            line.clear();
        }
        Ok(())
    }
    dispatch_matrix!(matrix, dense => typed(out, dense))
}

/// Writes a frame as CSV (no header; the labels go to the `.meta` file).
pub fn write_frame(out: &mut dyn Write, frame: &Frame) -> io::Result<()> {
    let mut line = String::new();
    for r in 0..frame.rows() {
        for (c, column) in frame.columns().iter().enumerate() {
            if c > 0 {
                line.push(',');
            }
            dispatch_matrix!(column, dense => push_csv(&mut line, dense.row(r)[0].as_scalar_ref()));
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
        line.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_records() {
        let text =
            "0,0.0,abc\n1,1.1,\n-22,-22.2,\"d\"\"e\"\n3,inf,\"fg\nhi\"\n-44,-inf,\"mn,op\"\n";
        let rows = records("f", text.as_bytes(), 5).unwrap();
        assert_eq!(rows[1], ["1", "1.1", ""]);
        assert_eq!(rows[2][2], "d\"e");
        assert_eq!(rows[3][2], "fg\nhi");
        assert_eq!(rows[4][2], "mn,op");
        assert!(records("f", b"1\n", 2).is_err());
        assert!(records("f", b"\"open\n", 1).is_err());
    }

    #[test]
    fn numeric_chunks_and_errors() {
        let text: String = (0..1000).map(|i| format!("{i},{}.5\r\n", -i)).collect();
        let m = parse_matrix::<f64>("f", text.as_bytes(), 1000, 2).unwrap();
        assert_eq!(m.row(999), [999.0, -999.5]);
        let chunks = split_lines(text.as_bytes(), 3);
        assert!(chunks.len() >= 3 && chunks.iter().all(|c| c.ends_with(b"\n")));
        assert!(parse_matrix::<f64>("f", text.as_bytes(), 999, 2).is_err());
        assert!(
            parse_matrix::<f64>("f", b"1,2\n3\n", 2, 2)
                .unwrap_err()
                .message()
                .contains("row 1")
        );
        assert!(parse_matrix::<i64>("f", b"x\n", 1, 1).is_err());
        let mut out = Vec::new();
        write_matrix(&mut out, &Matrix::from(m.slice(0..2, 0..2).unwrap())).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0.000000,0.500000\n1.000000,-1.500000\n"
        );
    }
}
