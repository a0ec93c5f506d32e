//! Creating matrices: from a buffer of compiled code, `fill`, `seq` and `rand`.

use std::ffi::c_char;

use super::{borrow_str, ffi_guard, new_handle, to_index};
use crate::csr;
use crate::dense::{DenseMatrix, alloc_cells};
use crate::element::ScalarRef;
use crate::error::RtResult;
use crate::kernels::{generation, rand};
use crate::matrix::Matrix;
use crate::object::Object;
use crate::value_type::ValueType;

/// A `rows`×`cols` matrix of value type `vt` copied from `data`: `rows * cols` cells in
/// row-major order, in `vt`'s native layout (bool: one byte, non-zero is true; str: an array of
/// `const char*`). `data` may be null when there are no cells.
///
/// # Safety
/// `data` points to `rows * cols` readable cells of that layout (no alignment needed); for
/// strings, each pointer is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_matrix_from_buffer(
    vt: i32,
    rows: i64,
    cols: i64,
    data: *const u8,
) -> *mut Object {
    ffi_guard(|| {
        let (vt, rows, cols) = (
            ValueType::decode(vt)?,
            to_index(rows, "number of rows")?,
            to_index(cols, "number of columns")?,
        );
        // SAFETY: forwarded from this function's contract.
        unsafe { matrix_from_buffer(vt, rows, cols, data) }.map(new_handle)
    })
}

/// `fill(value, rows, cols)` with a signed integer or bool carrier.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_fill_i64(vt: i32, value: i64, rows: i64, cols: i64) -> *mut Object {
    fill(vt, ScalarRef::Int(value), rows, cols)
}

/// `fill(value, rows, cols)` with an unsigned integer carrier.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_fill_u64(vt: i32, value: u64, rows: i64, cols: i64) -> *mut Object {
    fill(vt, ScalarRef::UInt(value), rows, cols)
}

/// `fill(value, rows, cols)` with a floating-point carrier.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_fill_f64(vt: i32, value: f64, rows: i64, cols: i64) -> *mut Object {
    fill(vt, ScalarRef::Float(value), rows, cols)
}

/// `fill(value, rows, cols)` with a string: a `std::string` matrix.
///
/// # Safety
/// `value` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn daphne_fill_str(
    value: *const c_char,
    rows: i64,
    cols: i64,
) -> *mut Object {
    ffi_guard(|| {
        // SAFETY: forwarded from this function's contract.
        let value = unsafe { borrow_str(value) }?;
        fill_matrix(ValueType::STR, ScalarRef::Str(&value), rows, cols)
    })
}

/// `seq(from, to, inc)` in value type `vt`, with signed integer carriers.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_seq_i64(vt: i32, from: i64, to: i64, inc: i64) -> *mut Object {
    seq(
        vt,
        ScalarRef::Int(from),
        ScalarRef::Int(to),
        ScalarRef::Int(inc),
    )
}

/// `seq(from, to, inc)` in value type `vt`, with unsigned integer carriers.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_seq_u64(vt: i32, from: u64, to: u64, inc: u64) -> *mut Object {
    seq(
        vt,
        ScalarRef::UInt(from),
        ScalarRef::UInt(to),
        ScalarRef::UInt(inc),
    )
}

/// `seq(from, to, inc)` in value type `vt`, with floating-point carriers.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_seq_f64(vt: i32, from: f64, to: f64, inc: f64) -> *mut Object {
    seq(
        vt,
        ScalarRef::Float(from),
        ScalarRef::Float(to),
        ScalarRef::Float(inc),
    )
}

/// `rand(rows, cols, min, max, sparsity, seed)` with signed integer bounds.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_rand_i64(
    vt: i32,
    rows: i64,
    cols: i64,
    min: i64,
    max: i64,
    sparsity: f64,
    seed: i64,
) -> *mut Object {
    random(
        rand::rand,
        vt,
        (rows, cols),
        (ScalarRef::Int(min), ScalarRef::Int(max)),
        sparsity,
        seed,
    )
}

/// `rand(rows, cols, min, max, sparsity, seed)` with unsigned integer bounds.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_rand_u64(
    vt: i32,
    rows: i64,
    cols: i64,
    min: u64,
    max: u64,
    sparsity: f64,
    seed: i64,
) -> *mut Object {
    random(
        rand::rand,
        vt,
        (rows, cols),
        (ScalarRef::UInt(min), ScalarRef::UInt(max)),
        sparsity,
        seed,
    )
}

/// `rand(rows, cols, min, max, sparsity, seed)` with floating-point bounds.
#[unsafe(no_mangle)]
pub extern "C" fn daphne_rand_f64(
    vt: i32,
    rows: i64,
    cols: i64,
    min: f64,
    max: f64,
    sparsity: f64,
    seed: i64,
) -> *mut Object {
    random(
        rand::rand,
        vt,
        (rows, cols),
        (ScalarRef::Float(min), ScalarRef::Float(max)),
        sparsity,
        seed,
    )
}

fn fill(vt: i32, value: ScalarRef<'_>, rows: i64, cols: i64) -> *mut Object {
    ffi_guard(|| fill_matrix(ValueType::decode(vt)?, value, rows, cols))
}

fn fill_matrix(vt: ValueType, value: ScalarRef<'_>, rows: i64, cols: i64) -> RtResult<*mut Object> {
    let (rows, cols) = (
        to_index(rows, "number of rows")?,
        to_index(cols, "number of columns")?,
    );
    generation::fill(vt, value, rows, cols).map(new_handle)
}

fn seq(vt: i32, from: ScalarRef<'_>, to: ScalarRef<'_>, inc: ScalarRef<'_>) -> *mut Object {
    ffi_guard(|| generation::seq(ValueType::decode(vt)?, from, to, inc).map(new_handle))
}

/// Draws a random matrix with `kernel` (dense or CSR) after checking the dimensions.
fn random<R: Into<Object>>(
    kernel: fn(ValueType, usize, usize, ScalarRef<'_>, ScalarRef<'_>, f64, i64) -> RtResult<R>,
    vt: i32,
    (rows, cols): (i64, i64),
    (min, max): (ScalarRef<'_>, ScalarRef<'_>),
    sparsity: f64,
    seed: i64,
) -> *mut Object {
    ffi_guard(|| {
        let (rows, cols) = (
            to_index(rows, "number of rows")?,
            to_index(cols, "number of columns")?,
        );
        kernel(ValueType::decode(vt)?, rows, cols, min, max, sparsity, seed).map(new_handle)
    })
}

/// `rand(…)` with a CSR result (`--select-matrix-repr`), `f64` carriers: value type `vt` is
/// f64, f32 or si64; DAPHNE's CSR kernel bit for bit (`spec/exact-numerics.md` §1.5).
#[unsafe(no_mangle)]
pub extern "C" fn daphne_rand_csr_f64(
    vt: i32,
    rows: i64,
    cols: i64,
    min: f64,
    max: f64,
    sparsity: f64,
    seed: i64,
) -> *mut Object {
    random(
        csr::rand_csr,
        vt,
        (rows, cols),
        (ScalarRef::Float(min), ScalarRef::Float(max)),
        sparsity,
        seed,
    )
}

/// `rand(…)` with a CSR result and `i64` carriers (see [`daphne_rand_csr_f64`]).
#[unsafe(no_mangle)]
pub extern "C" fn daphne_rand_csr_i64(
    vt: i32,
    rows: i64,
    cols: i64,
    min: i64,
    max: i64,
    sparsity: f64,
    seed: i64,
) -> *mut Object {
    random(
        csr::rand_csr,
        vt,
        (rows, cols),
        (ScalarRef::Int(min), ScalarRef::Int(max)),
        sparsity,
        seed,
    )
}

/// A value type whose cells compiled code stores as plain bytes in native byte order.
trait NativeLayout: Sized {
    /// Bytes per cell.
    const SIZE: usize;
    /// Reads one cell from exactly `SIZE` bytes.
    fn from_native(bytes: &[u8]) -> Self;
}

macro_rules! native_layout {
    ($($t:ty),*) => {$(
        impl NativeLayout for $t {
            const SIZE: usize = size_of::<$t>();
            fn from_native(bytes: &[u8]) -> Self {
                <$t>::from_ne_bytes(std::array::from_fn(|i| bytes[i]))
            }
        }
    )*};
}

native_layout!(f64, f32, i64, i32, i8, u64, u32, u8);

impl NativeLayout for bool {
    const SIZE: usize = 1;
    fn from_native(bytes: &[u8]) -> Self {
        bytes[0] != 0
    }
}

/// # Safety
/// As for [`daphne_matrix_from_buffer`].
unsafe fn matrix_from_buffer(
    vt: ValueType,
    rows: usize,
    cols: usize,
    data: *const u8,
) -> RtResult<Matrix> {
    let Some(n_cells) = rows.checked_mul(cols) else {
        bail!("cannot allocate a {rows}x{cols} matrix: too many cells");
    };
    if n_cells > 0 && data.is_null() {
        bail!("null data pointer for a {rows}x{cols} matrix");
    }
    with_numeric_type!(vt, T => {
        let Some(n_bytes) = n_cells.checked_mul(T::SIZE) else {
            bail!("cannot allocate a {rows}x{cols} matrix: too many cells");
        };
        let bytes: &[u8] = if n_bytes == 0 {
            &[]
        } else {
            // SAFETY: `data` is non-null and holds `rows * cols` cells of `T::SIZE` bytes.
            unsafe { std::slice::from_raw_parts(data, n_bytes) }
        };
        let mut cells = alloc_cells::<T>(rows, cols)?;
        cells.extend(bytes.chunks_exact(T::SIZE).map(T::from_native));
        Ok(Matrix::from(DenseMatrix::from_vec(rows, cols, cells)?))
    }, STR => {
        let mut cells = alloc_cells::<String>(rows, cols)?;
        for i in 0..n_cells {
            // SAFETY: `data` holds `rows * cols` string pointers; `read_unaligned` needs no
            // alignment, and each pointer is a NUL-terminated string.
            let text = unsafe { borrow_str(data.cast::<*const c_char>().add(i).read_unaligned()) }?;
            cells.push(text.into_owned());
        }
        Ok(Matrix::from(DenseMatrix::from_vec(rows, cols, cells)?))
    })
}

#[cfg(test)]
mod tests {
    use std::ffi::CString;

    use super::*;

    #[test]
    fn buffers_of_every_layout() {
        let doubles = [1.5f64, -2.0, 0.25, 4.0];
        // SAFETY: four doubles.
        let m =
            unsafe { matrix_from_buffer(ValueType::F64, 2, 2, doubles.as_ptr().cast()) }.unwrap();
        assert_eq!(m.dense::<f64>().unwrap().to_vec(), doubles);
        let bytes = [0u8, 1, 2];
        // SAFETY: three bytes.
        let flags = unsafe { matrix_from_buffer(ValueType::BOOL, 1, 3, bytes.as_ptr()) }.unwrap();
        assert_eq!(flags.dense::<bool>().unwrap().to_vec(), [false, true, true]);
        // SAFETY: two of the three bytes.
        let small = unsafe { matrix_from_buffer(ValueType::SI8, 2, 1, bytes.as_ptr()) }.unwrap();
        assert_eq!(small.dense::<i8>().unwrap().to_vec(), [0, 1]);
        let words = [CString::new("a").unwrap(), CString::new("bc").unwrap()];
        let pointers = [words[0].as_ptr(), words[1].as_ptr()];
        // SAFETY: two string pointers.
        let strings =
            unsafe { matrix_from_buffer(ValueType::STR, 2, 1, pointers.as_ptr().cast()) }.unwrap();
        assert_eq!(strings.dense::<String>().unwrap().to_vec(), ["a", "bc"]);
    }

    #[test]
    fn empty_and_null_buffers() {
        // SAFETY: no cells are read.
        let empty = unsafe { matrix_from_buffer(ValueType::UI64, 0, 5, std::ptr::null()) }.unwrap();
        assert_eq!((empty.rows(), empty.cols()), (0, 5));
        // SAFETY: null is rejected before any read.
        assert!(unsafe { matrix_from_buffer(ValueType::F32, 1, 1, std::ptr::null()) }.is_err());
    }
}
