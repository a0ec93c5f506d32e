//! `daphne-kernel`: the types of the extension-kernel ABI (docs/kernel-abi.md), for kernels
//! written in Rust. C authors use `runtime/include/daphne_kernel.h`, which declares the same
//! layout; the runtime re-exports this crate as `daphne_rt::kernel_abi`.
//!
//! A kernel is an `extern "C"` function `(results..., arguments..., ctx)`:
//! - a scalar result is a `*mut T`; a matrix result a `*mut *mut DenseMatrix`, which the kernel
//!   sets to a matrix it allocated with [`Context::alloc_dense`];
//! - a scalar argument is passed by value (`bool` as a C `bool`); a matrix argument is a
//!   `*const DenseMatrix`, valid and read-only for the duration of the call;
//! - the last parameter is the `*mut Context`; a kernel reports an error with
//!   [`Context::fail`] and returns (the program then stops with exit code 3).
//!
//! This crate has no dependencies, so a `cdylib` that uses it contains only its own code.

#![warn(missing_docs)]

use std::ffi::{CString, c_char, c_void};

/// The ABI version in [`Context::abi_version`]; it changes when a layout here changes.
pub const ABI_VERSION: u32 = 1;

/// Value-type codes ([`DenseMatrix::value_type`]), the runtime's `ValueType` codes.
pub mod value_type {
    /// `double`.
    pub const F64: i32 = 0;
    /// `float`.
    pub const F32: i32 = 1;
    /// `int64_t`.
    pub const SI64: i32 = 2;
    /// `int32_t`.
    pub const SI32: i32 = 3;
    /// `int8_t`.
    pub const SI8: i32 = 4;
    /// `uint64_t`.
    pub const UI64: i32 = 5;
    /// `uint32_t`.
    pub const UI32: i32 = 6;
    /// `uint8_t`.
    pub const UI8: i32 = 7;
    /// `bool` (one byte, 0 or 1).
    pub const BOOL: i32 = 8;
}

/// A dense row-major matrix as a kernel sees it: cell `(r, c)` is `values[r * row_skip + c]`.
#[repr(C)]
#[derive(Debug)]
pub struct DenseMatrix {
    /// The cells' value type (a [`value_type`] code).
    pub value_type: i32,
    /// The number of rows.
    pub num_rows: i64,
    /// The number of columns.
    pub num_cols: i64,
    /// The distance, in cells, between the starts of consecutive rows (at least `num_cols`).
    pub row_skip: i64,
    /// The first cell; read-only for arguments, writable for matrices from `alloc_dense`.
    pub values: *mut c_void,
    /// Owned by the runtime; kernels leave it alone.
    pub handle: *mut c_void,
}

/// A Rust type that is the cell type of some [`value_type`].
pub trait Cell: Copy + 'static {
    /// The [`value_type`] code of this type.
    const VALUE_TYPE: i32;
}

macro_rules! cells {
    ($($t:ty => $code:ident),* $(,)?) => {
        $(impl Cell for $t {
            const VALUE_TYPE: i32 = value_type::$code;
        })*
    };
}

cells!(f64 => F64, f32 => F32, i64 => SI64, i32 => SI32, i8 => SI8, u64 => UI64, u32 => UI32, u8 => UI8, bool => BOOL);

impl DenseMatrix {
    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.num_rows as usize
    }

    /// The number of columns.
    pub fn cols(&self) -> usize {
        self.num_cols as usize
    }

    /// Row `r` as a slice of `T`, or `None` when `T` is not the matrix's value type or `r` is
    /// out of bounds.
    pub fn row<T: Cell>(&self, r: usize) -> Option<&[T]> {
        if T::VALUE_TYPE != self.value_type || r >= self.rows() {
            return None;
        }
        // SAFETY: the runtime guarantees `values` holds `num_rows` rows of `num_cols` cells of
        // the declared value type, `row_skip` cells apart, for the duration of the call.
        Some(unsafe { std::slice::from_raw_parts((self.values as *const T).add(r * self.row_skip as usize), self.cols()) })
    }

    /// Row `r` as a mutable slice, like [`DenseMatrix::row`]; only for matrices the kernel
    /// allocated with [`Context::alloc_dense`].
    pub fn row_mut<T: Cell>(&mut self, r: usize) -> Option<&mut [T]> {
        if T::VALUE_TYPE != self.value_type || r >= self.rows() {
            return None;
        }
        // SAFETY: as in `row`; a matrix from `alloc_dense` is exclusively the kernel's until it
        // returns it.
        Some(unsafe { std::slice::from_raw_parts_mut((self.values as *mut T).add(r * self.row_skip as usize), self.cols()) })
    }
}

/// What the runtime passes as the last argument of every kernel call.
#[repr(C)]
#[derive(Debug)]
pub struct Context {
    /// [`ABI_VERSION`] of the calling runtime.
    pub abi_version: u32,
    /// Allocates a zero-filled `rows`×`cols` matrix of a [`value_type`]; null (with the error
    /// recorded) for a bad type or size. The matrix belongs to the call until the kernel
    /// returns it as a result.
    pub alloc_dense: unsafe extern "C" fn(ctx: *mut Context, value_type: i32, rows: i64, cols: i64) -> *mut DenseMatrix,
    /// Records an error (a NUL-terminated message); the program stops after the kernel returns.
    pub set_error: unsafe extern "C" fn(ctx: *mut Context, message: *const c_char),
}

impl Context {
    /// A zero-filled `rows`×`cols` matrix of `T` to return as a result; `None` when the runtime
    /// refused (the error is then recorded, and the kernel should return).
    /// The matrix stays valid until the kernel returns.
    pub fn alloc_dense<'a, T: Cell>(&mut self, rows: usize, cols: usize) -> Option<&'a mut DenseMatrix> {
        // SAFETY: `self` is the live context of the current call.
        let m = unsafe { (self.alloc_dense)(self, T::VALUE_TYPE, rows as i64, cols as i64) };
        // SAFETY: a non-null result is a valid matrix owned by the call.
        unsafe { m.as_mut() }
    }

    /// Records `message` as the kernel's error.
    pub fn fail(&mut self, message: &str) {
        let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
        // SAFETY: `self` is the live context; `text` is NUL-terminated and outlives the call.
        unsafe { (self.set_error)(self, text.as_ptr()) }
    }
}
