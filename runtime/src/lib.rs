//! `daphne-runtime` (`daphne_rt`): the native runtime that compiled DaphneDSL programs call.
//!
//! Compiled code, JIT-compiled in the compiler process or linked into a native binary against
//! `libdaphne_rt.a`, calls the `extern "C"` functions of [`abi`]. Everything below that layer
//! is plain Rust that returns [`RtResult`].
//!
//! Code map, bottom-up:
//! - [`value_type`], [`element`], [`convert`], [`numeric`]: the ten value types, conversions
//!   with C++ `static_cast` / `std::to_string` / `std::stoll` semantics, and C++ arithmetic.
//! - [`dense`], [`matrix`]: `DenseMatrix<T>` (a view into a shared buffer) and the type-erased
//!   dense [`Matrix`]; [`csr`] (CSR matrices and their `rand`), [`frame`], [`list`]; [`object`]:
//!   the reference-counted [`Object`] behind every ABI handle.
//! - [`mod@print`], [`output`]: DAPHNE's exact text output (`%g` floats, matrix layout) and the
//!   process-wide buffered standard streams.
//! - [`bulk`]: contiguous fast paths (no zero-initialised outputs, huge pages, one chunk per
//!   core) used by the elementwise and aggregation kernels.
//! - [`random`]: bit-exact `std::mt19937` and libstdc++ distributions.
//! - [`kernels`]: one module per op family (elementwise, aggregation, generation, rand,
//!   reorganization, indexing, linear algebra on OpenBLAS/LAPACK, matrix ops, preprocessing,
//!   frames, strings).
//! - [`io`]: CSV and Parquet with `.meta`, `.dbdf`, MatrixMarket; [`io::read_meta`] for the
//!   compiler. A small pool (`pool`) recycles large freed cell buffers.
//! - [`abi`]: the C ABI and [`abi::kernel_symbols`], the symbol table for the JIT.
//! - [`kernel_abi`] (the `daphne-kernel` crate): the types extension kernels see
//!   (docs/kernel-abi.md); `include/daphne_kernel.h` declares them for C.
//!
//! Architecture invariants: this crate never links LLVM or MLIR; no panic crosses the C ABI;
//! only [`abi`] prints errors or exits the process. The op-code enums ([`ValueType`],
//! [`BinaryOp`], [`UnaryOp`], [`AggOp`]) are the single source of truth for the codes that
//! the compiler passes.

#![warn(
    missing_docs,
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    clippy::missing_safety_doc
)]

#[macro_use]
mod error;
#[macro_use]
mod code_enum;
pub mod value_type;
#[macro_use]
pub mod element;
#[macro_use]
pub mod matrix;
pub mod abi;
pub mod bulk;
pub mod convert;
pub mod csr;
pub mod dense;
pub mod frame;
pub mod io;
pub mod kernels;
pub mod list;
pub mod numeric;
pub mod object;
pub mod output;
mod pool;
pub mod print;
pub mod random;
pub mod sched;
pub mod stats;

pub use daphne_kernel as kernel_abi;
pub use dense::DenseMatrix;
pub use element::{Element, ScalarRef};
pub use error::{RtResult, RuntimeError};
pub use kernels::aggregation::AggOp;
pub use kernels::ew_binary::BinaryOp;
pub use kernels::ew_unary::UnaryOp;
pub use matrix::Matrix;
pub use object::{Data, Object};
pub use value_type::ValueType;
