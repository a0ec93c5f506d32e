//! String kernels: concatenation and comparisons.

use std::cmp::Ordering;

use crate::error::RtResult;
use crate::kernels::ew_binary::BinaryOp;

/// `a + b` on strings.
pub fn concat(a: &str, b: &str) -> String {
    let mut out = String::with_capacity(a.len() + b.len());
    out.push_str(a);
    out.push_str(b);
    out
}

/// Compares two strings byte-wise like `std::string` with one of the comparison ops
/// (`EQ NE LT LE GT GE`); any other op is an error.
pub fn compare(op: BinaryOp, a: &str, b: &str) -> RtResult<bool> {
    Ok(comparison(op)?(a.cmp(b)))
}

/// The comparison op as a test on the [`Ordering`] of its operands; non-comparisons are errors.
pub fn comparison(op: BinaryOp) -> RtResult<fn(Ordering) -> bool> {
    Ok(match op {
        BinaryOp::EQ => Ordering::is_eq,
        BinaryOp::NE => Ordering::is_ne,
        BinaryOp::LT => Ordering::is_lt,
        BinaryOp::LE => Ordering::is_le,
        BinaryOp::GT => Ordering::is_gt,
        BinaryOp::GE => Ordering::is_ge,
        _ => bail!(
            "the binary operation {} is not supported on strings",
            op.name()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_and_compare() {
        assert_eq!(concat("ab", "cd"), "abcd");
        assert_eq!(compare(BinaryOp::LT, "abc", "abd"), Ok(true));
        assert_eq!(compare(BinaryOp::LT, "ab", "abc"), Ok(true));
        assert_eq!(compare(BinaryOp::GE, "b", "abc"), Ok(true));
        assert_eq!(compare(BinaryOp::EQ, "x", "x"), Ok(true));
        assert_eq!(compare(BinaryOp::NE, "x", "x"), Ok(false));
        assert_eq!(compare(BinaryOp::LE, "Z", "a"), Ok(true));
        assert_eq!(compare(BinaryOp::GT, "Z", "a"), Ok(false));
        assert!(compare(BinaryOp::MUL, "a", "b").is_err());
    }
}
