//! DaphneDSL syntax: lexer, recursive-descent parser and source diagnostics.
//!
//! `parse` turns a script's text into an [`ast::Script`]; errors come back as
//! [`Diagnostic`]s that [`diag::render`] prints with `file:line:col`, the source line and a caret.

pub mod ast;
pub mod diag;
mod lexer;
mod parser;

pub use diag::Diagnostic;
pub use parser::{parse, parse_file};
