//! Run-time errors: every kernel returns [`RtResult`]; only the ABI layer turns an error into
//! DAPHNE's `[error]: Execution error: …` line and exit code 3.

use std::fmt;

/// A run-time error with a human-readable message (lowercase, no trailing period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeError {
    message: String,
}

impl RuntimeError {
    /// An error with the given message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message, as printed after `Execution error: `.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuntimeError {}

/// The result type of every fallible runtime function.
pub type RtResult<T> = Result<T, RuntimeError>;

/// Returns early with a [`RuntimeError`] built from a format string.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::RuntimeError::new(format!($($arg)*)))
    };
}
