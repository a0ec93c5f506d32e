//! Scheduler traces in Chrome's trace-event JSON format (opens in Perfetto and
//! `chrome://tracing`).
//!
//! With a trace path configured, every participant of a pipeline collects one event per chunk
//! (worker, rows, start, end) in a local vector and hands it over once when it leaves the
//! pipeline; the calling thread appends the pipeline's events to the file when the pipeline
//! ends, so recording costs two clock reads per chunk and no shared state on the hot path.
//!
//! File layout: a JSON array of complete events (`"ph": "X"`, times in microseconds since the
//! first traced pipeline). Chunks have `"cat": "chunk"`, `"tid"` = worker, and `args`
//! `pipeline`, `invocation`, `scheme`, `begin`, `end`; each pipeline invocation adds one
//! `"cat": "pipeline"` event on its own track (tid [`PIPELINE_TID`]). Thread-name metadata
//! events label the tracks. The file is flushed after every pipeline and its closing `]` is
//! written by [`flush`], which runs at process exit (registered with `atexit`) or may be called
//! explicitly; the trace-event format allows the `]` to be missing, so a crashed run still
//! leaves a readable file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use crate::error::{RtResult, RuntimeError};

use super::config::Scheme;

/// The trace track that holds one event per pipeline invocation.
pub const PIPELINE_TID: usize = 1_000_000;

/// One chunk as run by one worker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ChunkEvent {
    /// The worker that ran it.
    pub worker: usize,
    /// First row.
    pub begin: usize,
    /// One past the last row.
    pub end: usize,
    /// Start, microseconds since [`now_us`]'s origin.
    pub start_us: f64,
    /// End, same origin.
    pub end_us: f64,
}

/// One finished pipeline invocation with its chunks.
#[derive(Debug)]
pub(crate) struct PipelineRecord {
    /// The pipeline's id.
    pub id: u64,
    /// The invocation's sequence number in this process.
    pub invocation: u64,
    /// The scheme that ran.
    pub scheme: Scheme,
    /// Rows of the pipeline.
    pub rows: usize,
    /// Start and end, as in [`ChunkEvent`].
    pub start_us: f64,
    /// End of the pipeline.
    pub end_us: f64,
    /// The chunks, in any order.
    pub chunks: Vec<ChunkEvent>,
}

/// Microseconds since the first call in this process.
pub(crate) fn now_us() -> f64 {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e6
}

/// An open trace file.
struct TraceFile {
    path: PathBuf,
    out: BufWriter<File>,
    named_workers: Vec<usize>,
}

impl TraceFile {
    fn open(path: &Path) -> RtResult<Self> {
        let file = File::create(path).map_err(|error| {
            RuntimeError::new(format!(
                "cannot create trace file `{}`: {error}",
                path.display()
            ))
        })?;
        let mut trace = Self {
            path: path.to_owned(),
            out: BufWriter::new(file),
            named_workers: Vec::new(),
        };
        let header = format!(
            "[\n{{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{{\"name\":\"daphne scheduler\"}}}},\n\
             {{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":{PIPELINE_TID},\"args\":{{\"name\":\"pipelines\"}}}}"
        );
        trace.write(&header)?;
        Ok(trace)
    }

    fn write(&mut self, text: &str) -> RtResult<()> {
        self.out.write_all(text.as_bytes()).map_err(|error| {
            RuntimeError::new(format!(
                "cannot write trace file `{}`: {error}",
                self.path.display()
            ))
        })
    }

    fn append(&mut self, record: &PipelineRecord) -> RtResult<()> {
        let mut text = String::new();
        let scheme = record.scheme.name();
        for chunk in &record.chunks {
            if !self.named_workers.contains(&chunk.worker) {
                self.named_workers.push(chunk.worker);
                text.push_str(&format!(
                    ",\n{{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":{0},\"args\":{{\"name\":\"worker {0}\"}}}}",
                    chunk.worker
                ));
            }
            text.push_str(&format!(
                ",\n{{\"name\":\"rows {}..{}\",\"cat\":\"chunk\",\"ph\":\"X\",\"pid\":1,\"tid\":{},\"ts\":{:.3},\"dur\":{:.3},\"args\":{{\"pipeline\":{},\"invocation\":{},\"scheme\":\"{scheme}\",\"begin\":{},\"end\":{}}}}}",
                chunk.begin,
                chunk.end,
                chunk.worker,
                chunk.start_us,
                (chunk.end_us - chunk.start_us).max(0.0),
                record.id,
                record.invocation,
                chunk.begin,
                chunk.end,
            ));
        }
        text.push_str(&format!(
            ",\n{{\"name\":\"pipeline {}\",\"cat\":\"pipeline\",\"ph\":\"X\",\"pid\":1,\"tid\":{PIPELINE_TID},\"ts\":{:.3},\"dur\":{:.3},\"args\":{{\"pipeline\":{},\"invocation\":{},\"scheme\":\"{scheme}\",\"rows\":{},\"chunks\":{}}}}}",
            record.id,
            record.start_us,
            (record.end_us - record.start_us).max(0.0),
            record.id,
            record.invocation,
            record.rows,
            record.chunks.len(),
        ));
        self.write(&text)?;
        self.out.flush().map_err(|error| {
            RuntimeError::new(format!(
                "cannot write trace file `{}`: {error}",
                self.path.display()
            ))
        })
    }

    fn close(mut self) -> RtResult<()> {
        self.write("\n]\n")?;
        self.out.flush().map_err(|error| {
            RuntimeError::new(format!(
                "cannot write trace file `{}`: {error}",
                self.path.display()
            ))
        })
    }
}

static TRACE: Mutex<Option<TraceFile>> = Mutex::new(None);

/// Appends a pipeline's events to the trace file at `path` (opened, truncated, on first use;
/// a different path closes the previous file first).
pub(crate) fn append(path: &Path, record: &PipelineRecord) -> RtResult<()> {
    let mut trace = TRACE.lock().unwrap_or_else(|poison| poison.into_inner());
    if trace.as_ref().is_some_and(|open| open.path != path)
        && let Some(previous) = trace.take()
    {
        previous.close()?;
    }
    if trace.is_none() {
        *trace = Some(TraceFile::open(path)?);
        register_exit_flush();
    }
    match trace.as_mut() {
        Some(open) => open.append(record),
        None => Ok(()),
    }
}

/// Closes the trace file, if one is open: writes the closing `]` and flushes. Runs at process
/// exit by itself; call it earlier to read a complete file while the process still runs.
pub fn flush() -> RtResult<()> {
    let open = TRACE
        .lock()
        .unwrap_or_else(|poison| poison.into_inner())
        .take();
    match open {
        Some(trace) => trace.close(),
        None => Ok(()),
    }
}

/// Registers [`flush`] with `atexit` once.
fn register_exit_flush() {
    static REGISTERED: OnceLock<()> = OnceLock::new();
    REGISTERED.get_or_init(|| {
        // SAFETY: `flush_at_exit` is an `extern "C"` function that never unwinds.
        unsafe { libc::atexit(flush_at_exit) };
    });
}

/// The `atexit` hook: closes the trace without blocking (a pipeline still holding the lock at
/// exit keeps its file as is) and without unwinding.
extern "C" fn flush_at_exit() {
    let _ = std::panic::catch_unwind(|| {
        if let Ok(mut trace) = TRACE.try_lock()
            && let Some(open) = trace.take()
        {
            // Nothing can report an error during exit; the file then merely lacks its `]`.
            let _ = open.close();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_valid_json() {
        let dir = std::env::temp_dir().join(format!("daphne-trace-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("unit.json");
        let record = PipelineRecord {
            id: 7,
            invocation: 1,
            scheme: Scheme::GSS,
            rows: 10,
            start_us: 1.0,
            end_us: 9.0,
            chunks: vec![
                ChunkEvent {
                    worker: 0,
                    begin: 0,
                    end: 5,
                    start_us: 1.0,
                    end_us: 4.0,
                },
                ChunkEvent {
                    worker: 1,
                    begin: 5,
                    end: 10,
                    start_us: 1.5,
                    end_us: 8.0,
                },
            ],
        };
        append(&path, &record).unwrap();
        append(&path, &record).unwrap();
        flush().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let events: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        let chunks = events
            .iter()
            .filter(|event| event["cat"] == "chunk")
            .count();
        assert_eq!(chunks, 4);
        assert_eq!(
            events
                .iter()
                .filter(|event| event["name"] == "thread_name")
                .count(),
            3
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
