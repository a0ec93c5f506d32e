//! DAPHNE's exact text forms: C++ iostream floats and the `print` of every data object.
//!
//! `std::cout << x` for a double is glibc `printf("%.6g", x)`: six significant digits, rounded
//! from the exact binary value with ties to even; scientific notation when the decimal exponent
//! after rounding is below -4 or at least 6; trailing zeros (and a dangling point) dropped; an
//! exponent with a sign and at least two digits; `nan`/`-nan` by the sign bit, `inf`, `-inf`,
//! `-0`. Rust's `{:.5e}` is correctly rounded with ties to even, so [`push_g`] takes its six
//! digits and exponent and lays them out the way `%g` does.

use std::fmt::{self, Write as _};
use std::io;

use crate::dense::DenseMatrix;
use crate::element::Element;
use crate::matrix::Matrix;
use crate::object::{Data, Object};

/// Formats `value` like C++ `std::cout << value` (`%g`, precision 6).
pub fn format_g(value: f64) -> String {
    let mut out = String::new();
    push_g(&mut out, value);
    out
}

/// Appends `value` formatted like C++ `std::cout << value` (`%g`, precision 6).
pub fn push_g(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str(if value.is_sign_negative() {
            "-nan"
        } else {
            "nan"
        });
        return;
    }
    if value.is_infinite() {
        out.push_str(if value < 0.0 { "-inf" } else { "inf" });
        return;
    }
    let mut scientific = StackText::default();
    // `{:.5e}` is at most 13 bytes ("-1.79769e308"); `StackText` holds 32.
    let _ = write!(scientific, "{value:.5e}");
    let text = scientific.as_str();
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    // Six significant digits: "d.ddddd" without the point.
    let mut digits = [0u8; 6];
    for (slot, digit) in digits
        .iter_mut()
        .zip(mantissa.bytes().filter(u8::is_ascii_digit))
    {
        *slot = digit;
    }
    let n_significant = digits
        .iter()
        .rposition(|&d| d != b'0')
        .map_or(1, |last| last + 1);
    let significant = std::str::from_utf8(&digits[..n_significant]).unwrap_or("0");

    if negative {
        out.push('-');
    }
    if !(-4..6).contains(&exponent) {
        out.push_str(&significant[..1]);
        if n_significant > 1 {
            out.push('.');
            out.push_str(&significant[1..]);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exponent < 0 { '-' } else { '+' },
            exponent.unsigned_abs()
        );
    } else if exponent >= 0 {
        let n_int = exponent as usize + 1;
        let all = std::str::from_utf8(&digits).unwrap_or("0");
        out.push_str(&all[..n_int]);
        if n_significant > n_int {
            out.push('.');
            out.push_str(&significant[n_int..]);
        }
    } else {
        out.push_str("0.");
        for _ in 0..(-exponent - 1) {
            out.push('0');
        }
        out.push_str(significant);
    }
}

/// Writes `matrix` the way DAPHNE's `DenseMatrix::print` does: a `DenseMatrix(RxC, type)`
/// header, then each row's values separated by single spaces and ended by a newline.
pub fn write_matrix(out: &mut dyn io::Write, matrix: &Matrix) -> io::Result<()> {
    dispatch_matrix!(matrix, dense => write_dense(out, dense))
}

/// [`write_matrix`] for a typed matrix.
pub fn write_dense<T: Element>(out: &mut dyn io::Write, matrix: &DenseMatrix<T>) -> io::Result<()> {
    write_cells(out, "DenseMatrix", matrix)
}

/// Writes any data object as DAPHNE prints it: dense and CSR matrices (`CSRMatrix(RxC, vt)`
/// then the rows with zeros filled in), frames (`Frame(RxC, [label:vt, …])` then the rows) and
/// lists (`List(n, DenseMatrix, vt)` then each element).
pub fn write_object(out: &mut dyn io::Write, object: &Object) -> io::Result<()> {
    let to_io = |error: crate::RuntimeError| io::Error::other(error.message().to_owned());
    match object.data() {
        Data::Dense(matrix) => write_matrix(out, matrix),
        Data::Csr(_) => {
            let dense = object.as_matrix().map_err(to_io)?;
            dispatch_matrix!(dense, dense => write_cells(out, "CSRMatrix", dense))
        }
        Data::Frame(frame) => {
            let mut text = frame.type_name();
            text.push('\n');
            for r in 0..frame.rows() {
                for (c, column) in frame.columns().iter().enumerate() {
                    if c > 0 {
                        text.push(' ');
                    }
                    push_cell(&mut text, column, r);
                }
                text.push('\n');
                if text.len() > 1 << 16 {
                    out.write_all(text.as_bytes())?;
                    text.clear();
                }
            }
            out.write_all(text.as_bytes())
        }
        Data::List(list) => {
            writeln!(out, "{}", list.type_name())?;
            list.elements()
                .iter()
                .try_for_each(|m| write_matrix(out, m))
        }
    }
}

/// Appends the printed form of cell `(row, 0)` of `column`.
pub fn push_cell(out: &mut String, column: &Matrix, row: usize) {
    dispatch_matrix!(column, dense => if let Some(value) = dense.get(row, 0) {
        value.push_printed(out);
    })
}

/// Writes a `<kind>(RxC, type)` header and the rows.
fn write_cells<T: Element>(
    out: &mut dyn io::Write,
    kind: &str,
    matrix: &DenseMatrix<T>,
) -> io::Result<()> {
    let mut line = format!(
        "{kind}({}x{}, {})\n",
        matrix.rows(),
        matrix.cols(),
        T::VT.cpp_name()
    );
    for row in matrix.row_iter() {
        for (c, value) in row.iter().enumerate() {
            if c > 0 {
                line.push(' ');
            }
            value.push_printed(&mut line);
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
        line.clear();
    }
    out.write_all(line.as_bytes())
}

/// A small fixed-capacity text buffer, so formatting a float does not allocate.
#[derive(Default)]
struct StackText {
    bytes: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len + text.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of the `cout <<` table in `spec/exact-numerics.md` §3, plus the verified
    /// examples of `spec/daphne-reference.md` §2.
    #[test]
    fn format_g_matches_glibc() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (0.1, "0.1"),
            (1e-5, "1e-05"),
            (1e-4, "0.0001"),
            (9.999995e-5, "0.0001"),
            (9.9999949e-5, "9.99999e-05"),
            (123456.0, "123456"),
            (1234567.0, "1.23457e+06"),
            (999999.5, "1e+06"),
            (999999.4, "999999"),
            (999998.5, "999998"),
            (1234565.0, "1.23456e+06"),
            (1234575.0, "1.23458e+06"),
            (125000.5, "125000"),
            (123456.5, "123456"),
            (12345.75, "12345.8"),
            (1.000025, "1.00002"),
            (99999.95, "99999.9"),
            (9.999995, "10"),
            (0.000123456789, "0.000123457"),
            (0.0001234565, "0.000123457"),
            (1e100, "1e+100"),
            (5e-324, "4.94066e-324"),
            (f64::MIN_POSITIVE, "2.22507e-308"),
            (f64::MAX, "1.79769e+308"),
            (2.5, "2.5"),
            (3.5, "3.5"),
            (0.15, "0.15"),
            (1.0 / 3.0, "0.333333"),
            (2.0 / 3.0, "0.666667"),
            (100.0, "100"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (-1.5e-7, "-1.5e-07"),
            (-123.456789, "-123.457"),
            (f64::from(0.1f32), "0.1"),
            (f64::from(1.0f32 / 3.0), "0.333333"),
            (f64::from(16777217.0f32), "1.67772e+07"),
            (f64::from(f32::MAX), "3.40282e+38"),
            (f64::from(1e-45f32), "1.4013e-45"),
            (f64::NAN, "nan"),
            (-f64::NAN, "-nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (1e13, "1e+13"),
            (1e-6, "1e-06"),
            (0.1234, "0.1234"),
            (5001530.0, "5.00153e+06"),
            (5.5247e-8, "5.5247e-08"),
            (394.5, "394.5"),
            (0.901783, "0.901783"),
            (0.00001, "1e-05"),
            (-1e-300, "-1e-300"),
            (123.0, "123"),
            (-5.0, "-5"),
            (0.5, "0.5"),
        ];
        for &(value, expected) in cases {
            assert_eq!(format_g(value), expected, "formatting {value:e}");
        }
    }

    #[test]
    fn rand_rows_print_like_cout() {
        // `f64(0,1) 17g` → `f64(0,1) cout` for seed 42 (spec/exact-numerics.md §2).
        let exact = "0.79654298428784598 0.18343478789336848 0.77969099761266125 0.59685016158005655 \
            0.44583275754843343 0.099974920543840745 0.45924888785418205 0.33370861151865128 \
            0.1428668144161615 0.65088847342600875";
        let printed: Vec<_> = exact
            .split_whitespace()
            .map(|v| format_g(v.parse().unwrap()))
            .collect();
        assert_eq!(
            printed.join(" "),
            "0.796543 0.183435 0.779691 0.59685 0.445833 0.0999749 0.459249 0.333709 0.142867 0.650888"
        );
    }

    fn printed(matrix: &Matrix) -> String {
        let mut out = Vec::new();
        write_matrix(&mut out, matrix).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn matrix<T: Element>(rows: usize, cols: usize, values: Vec<T>) -> Matrix {
        Matrix::from(DenseMatrix::from_vec(rows, cols, values).unwrap())
    }

    #[test]
    fn matrices_print_like_daphne() {
        assert_eq!(
            printed(&matrix(2, 3, vec![1.0, 2.5, -0.0, 1e6, f64::NAN, 0.1])),
            "DenseMatrix(2x3, double)\n1 2.5 -0\n1e+06 nan 0.1\n"
        );
        assert_eq!(
            printed(&matrix(1, 2, vec![-3i8, 7])),
            "DenseMatrix(1x2, int8_t)\n-3 7\n"
        );
        assert_eq!(
            printed(&matrix(2, 1, vec![255u8, 0])),
            "DenseMatrix(2x1, uint8_t)\n255\n0\n"
        );
        assert_eq!(
            printed(&matrix(1, 2, vec![true, false])),
            "DenseMatrix(1x2, bool)\n1 0\n"
        );
        assert_eq!(
            printed(&matrix(1, 2, vec!["a b".to_owned(), "c".to_owned()])),
            "DenseMatrix(1x2, std::string)\na b c\n"
        );
        assert_eq!(
            printed(&matrix(1, 1, vec![0.1f32])),
            "DenseMatrix(1x1, float)\n0.1\n"
        );
        assert_eq!(
            printed(&matrix::<i64>(0, 3, vec![])),
            "DenseMatrix(0x3, int64_t)\n"
        );
        assert_eq!(
            printed(&matrix::<u64>(3, 0, vec![])),
            "DenseMatrix(3x0, uint64_t)\n\n\n\n"
        );
    }

    #[test]
    fn views_print_only_their_cells() {
        let m = DenseMatrix::from_vec(3, 3, (1..=9i32).collect()).unwrap();
        let view = Matrix::from(m.slice(1..3, 0..2).unwrap());
        assert_eq!(printed(&view), "DenseMatrix(2x2, int32_t)\n4 5\n7 8\n");
    }
}
