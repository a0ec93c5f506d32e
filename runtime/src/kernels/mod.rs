//! The kernel library, one module per op family.
//!
//! Kernels take [`crate::Matrix`] references and scalars, compute with DAPHNE's semantics, and
//! return [`crate::RtResult`]; they never print errors or exit (that is [`crate::abi`]'s job).
//! Elementwise kernels compute in the result value type chosen by the compiler: operands are
//! first converted to it, then the operation runs on one Rust type (see [`crate::numeric`]).

pub mod aggregation;
pub mod blas;
pub mod ew_binary;
pub mod ew_unary;
pub mod frame_ops;
pub mod generation;
pub mod indexing;
pub mod linalg;
pub mod matrix_ops;
pub mod metadata;
pub mod preprocessing;
pub mod rand;
pub mod reorganization;
pub mod sparse;
pub mod strings;
