//! Process-wide buffered standard output and standard error.
//!
//! All printing goes through two buffered writers so that large prints are cheap. Standard error
//! behaves like C++ `std::cerr`: standard output is flushed before each write (`cerr` is tied to
//! `cout`), and standard error is flushed after it (`cerr` is unit-buffered), so the relative
//! order of the two streams on a terminal is DAPHNE's. Standard output is flushed by [`flush`]
//! (`daphne_flush`, `daphne_runtime_finish`) and before an error is reported.

use std::io::{self, BufWriter, Write};
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};

/// Where a print goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

impl Stream {
    /// `Stderr` if `to_stderr`, else `Stdout` (the `toStderr` argument of DaphneDSL `print`).
    pub fn select(to_stderr: bool) -> Self {
        if to_stderr {
            Stream::Stderr
        } else {
            Stream::Stdout
        }
    }
}

const BUFFER_BYTES: usize = 1 << 16;

static STDOUT: LazyLock<Mutex<BufWriter<io::Stdout>>> =
    LazyLock::new(|| Mutex::new(BufWriter::with_capacity(BUFFER_BYTES, io::stdout())));
static STDERR: LazyLock<Mutex<BufWriter<io::Stderr>>> =
    LazyLock::new(|| Mutex::new(BufWriter::with_capacity(BUFFER_BYTES, io::stderr())));

/// Locks a writer; a panic while printing leaves it usable (bytes already buffered stay).
fn lock<W>(writer: &'static Mutex<W>) -> MutexGuard<'static, W> {
    writer.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Creates both writers now, so that the first print does not pay for it.
pub fn init() {
    LazyLock::force(&STDOUT);
    LazyLock::force(&STDERR);
}

/// Runs `write` on the buffered writer of `stream`.
pub fn write_to(
    stream: Stream,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match stream {
        Stream::Stdout => write(&mut *lock(&STDOUT)),
        Stream::Stderr => {
            lock(&STDOUT).flush()?;
            let mut stderr = lock(&STDERR);
            write(&mut *stderr)?;
            stderr.flush()
        }
    }
}

/// Flushes both streams.
pub fn flush() -> io::Result<()> {
    lock(&STDOUT).flush()?;
    lock(&STDERR).flush()
}

/// Reports a run-time error the way DAPHNE's logger does: flushes pending output, then writes
/// `[error]: Execution error: <message>` and a newline to standard output, and flushes again.
pub fn report_execution_error(message: &str) -> io::Result<()> {
    let mut stdout = lock(&STDOUT);
    stdout.flush()?;
    writeln!(stdout, "[error]: Execution error: {message}")?;
    stdout.flush()?;
    drop(stdout);
    lock(&STDERR).flush()
}
