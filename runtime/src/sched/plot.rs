//! Gantt charts of scheduler traces: [`render_gantt`] reads a trace written by
//! `--sched-trace` (see [`super::trace`]) and draws an SVG with one lane per worker, one bar per
//! chunk (coloured by pipeline), and a per-worker load summary below: busy time as a bar
//! against the traced span, with the share of the span, chunk count and rows as text.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::prelude::*;
use serde_json::Value;

use crate::error::{RtResult, RuntimeError};

/// One chunk read back from a trace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TracedChunk {
    /// Worker (the event's `tid`).
    pub worker: usize,
    /// Pipeline id.
    pub pipeline: u64,
    /// Rows in the chunk.
    pub rows: u64,
    /// Start in microseconds.
    pub start_us: f64,
    /// Duration in microseconds.
    pub duration_us: f64,
}

/// Per-worker totals of a trace.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WorkerLoad {
    /// Sum of chunk durations, microseconds.
    pub busy_us: f64,
    /// Chunks run.
    pub chunks: usize,
    /// Rows processed.
    pub rows: u64,
}

/// Reads the chunk events of a trace file (a missing closing `]` is tolerated).
pub fn read_trace(path: &Path) -> RtResult<Vec<TracedChunk>> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        RuntimeError::new(format!(
            "cannot read trace file `{}`: {error}",
            path.display()
        ))
    })?;
    parse_trace(&text).map_err(|error| {
        RuntimeError::new(format!("invalid trace file `{}`: {error}", path.display()))
    })
}

/// Parses trace-event JSON text into its chunk events.
fn parse_trace(text: &str) -> Result<Vec<TracedChunk>, String> {
    let trimmed = text.trim_end();
    let events: Vec<Value> = if trimmed.ends_with(']') {
        serde_json::from_str(trimmed)
    } else {
        serde_json::from_str(&format!("{}]", trimmed.trim_end_matches(',')))
    }
    .map_err(|error| error.to_string())?;
    let number = |event: &Value, key: &str| event.get(key).and_then(Value::as_f64);
    Ok(events
        .iter()
        .filter(|event| event.get("cat").and_then(Value::as_str) == Some("chunk"))
        .filter_map(|event| {
            let args = event.get("args")?;
            Some(TracedChunk {
                worker: event.get("tid")?.as_u64()? as usize,
                pipeline: args.get("pipeline")?.as_u64()?,
                rows: args.get("end")?.as_u64()? - args.get("begin")?.as_u64()?,
                start_us: number(event, "ts")?,
                duration_us: number(event, "dur")?,
            })
        })
        .collect())
}

/// Per-worker busy time, chunk and row counts, indexed by worker.
pub fn worker_loads(chunks: &[TracedChunk]) -> Vec<WorkerLoad> {
    let workers = chunks
        .iter()
        .map(|chunk| chunk.worker + 1)
        .max()
        .unwrap_or(0);
    let mut loads = vec![WorkerLoad::default(); workers];
    for chunk in chunks {
        let load = &mut loads[chunk.worker];
        load.busy_us += chunk.duration_us;
        load.chunks += 1;
        load.rows += chunk.rows;
    }
    loads
}

/// A distinct colour per pipeline (cycling through a fixed palette).
fn pipeline_colour(index: usize) -> RGBColor {
    const PALETTE: [RGBColor; 8] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(23, 190, 207),
    ];
    PALETTE[index % PALETTE.len()]
}

/// Pipelines beyond this many get no legend (their colours repeat anyway).
const LEGEND_LIMIT: usize = 8;

fn draw_error(error: impl std::fmt::Display) -> RuntimeError {
    RuntimeError::new(format!("cannot draw the Gantt chart: {error}"))
}

/// Draws the Gantt chart of the trace at `json_path` into the SVG file `svg_path`.
pub fn render_gantt(json_path: &Path, svg_path: &Path) -> RtResult<()> {
    let chunks = read_trace(json_path)?;
    if chunks.is_empty() {
        bail!("trace file `{}` holds no chunk events", json_path.display());
    }
    let loads = worker_loads(&chunks);
    let workers = loads.len();
    let origin = chunks
        .iter()
        .map(|chunk| chunk.start_us)
        .fold(f64::INFINITY, f64::min);
    let end = chunks
        .iter()
        .map(|chunk| chunk.start_us + chunk.duration_us)
        .fold(f64::NEG_INFINITY, f64::max);
    let span_ms = ((end - origin) / 1e3).max(1e-3);
    let pipelines: BTreeMap<u64, usize> = chunks
        .iter()
        .map(|chunk| chunk.pipeline)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .enumerate()
        .map(|(index, id)| (id, index))
        .collect();

    let lane_height = 28u32;
    let gantt_height = 90 + lane_height * workers as u32;
    let summary_height = 70 + lane_height * workers as u32;
    let root = SVGBackend::new(svg_path, (1100, gantt_height + summary_height)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let (top, bottom) = root.split_vertically(gantt_height);

    // Lane `k` (worker `workers - 1 - k`, so worker 0 is on top) is centred on `y = k`, which
    // puts one axis label per lane.
    let lane_of = |worker: usize| (workers - 1 - worker) as f64;
    let lane_label = |y: &f64| {
        let lane = y.round();
        if (y - lane).abs() < 0.01 && lane >= 0.0 && (lane as usize) < workers {
            format!("worker {}", workers - 1 - lane as usize)
        } else {
            String::new()
        }
    };
    let lanes = -0.5..workers as f64 - 0.5;
    let mut gantt = ChartBuilder::on(&top)
        .caption(
            format!(
                "scheduler trace: {} chunks, {} pipelines, {workers} workers",
                chunks.len(),
                pipelines.len()
            ),
            ("sans-serif", 20),
        )
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(80)
        // Room on the right for the legend.
        .build_cartesian_2d(0.0..span_ms * 1.2, lanes.clone())
        .map_err(draw_error)?;
    gantt
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(workers)
        .y_label_formatter(&lane_label)
        .x_desc("time (ms)")
        .draw()
        .map_err(draw_error)?;
    for (&pipeline, &index) in &pipelines {
        let colour = pipeline_colour(index);
        let series = gantt
            .draw_series(
                chunks
                    .iter()
                    .filter(|chunk| chunk.pipeline == pipeline)
                    .map(|chunk| {
                        let lane = lane_of(chunk.worker);
                        let start = (chunk.start_us - origin) / 1e3;
                        let stop = start + (chunk.duration_us / 1e3).max(span_ms * 1e-4);
                        Rectangle::new(
                            [(start, lane - 0.4), (stop, lane + 0.4)],
                            colour.mix(0.85).filled(),
                        )
                    }),
            )
            .map_err(draw_error)?;
        if pipelines.len() <= LEGEND_LIMIT {
            series
                .label(format!("pipeline {pipeline}"))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], colour.filled())
                });
        }
    }
    if pipelines.len() <= LEGEND_LIMIT {
        gantt
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(draw_error)?;
    }

    let busiest = loads
        .iter()
        .map(|load| load.busy_us)
        .fold(0.0, f64::max)
        .max(1e-3)
        / 1e3;
    let mut summary = ChartBuilder::on(&bottom)
        .caption("per-worker load (busy time)", ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..busiest.max(span_ms) * 1.45, lanes)
        .map_err(draw_error)?;
    summary
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(workers)
        .y_label_formatter(&lane_label)
        .x_desc("busy time (ms)")
        .draw()
        .map_err(draw_error)?;
    summary
        .draw_series(loads.iter().enumerate().map(|(worker, load)| {
            let lane = lane_of(worker);
            Rectangle::new(
                [(0.0, lane - 0.3), (load.busy_us / 1e3, lane + 0.3)],
                BLUE.mix(0.6).filled(),
            )
        }))
        .map_err(draw_error)?;
    summary
        .draw_series(loads.iter().enumerate().map(|(worker, load)| {
            Text::new(
                format!(
                    "{:.2} ms ({:.0}% of {:.2} ms), {} chunks, {} rows",
                    load.busy_us / 1e3,
                    100.0 * load.busy_us / 1e3 / span_ms,
                    span_ms,
                    load.chunks,
                    load.rows
                ),
                (load.busy_us / 1e3 + busiest * 0.02, lane_of(worker) + 0.15),
                ("sans-serif", 13),
            )
        }))
        .map_err(draw_error)?;
    root.present().map_err(draw_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: &str = r#"[
{"name":"thread_name","ph":"M","pid":1,"tid":0,"args":{"name":"worker 0"}},
{"name":"rows 0..5","cat":"chunk","ph":"X","pid":1,"tid":0,"ts":10.0,"dur":4.0,"args":{"pipeline":1,"invocation":0,"scheme":"GSS","begin":0,"end":5}},
{"name":"rows 5..8","cat":"chunk","ph":"X","pid":1,"tid":1,"ts":11.0,"dur":6.0,"args":{"pipeline":1,"invocation":0,"scheme":"GSS","begin":5,"end":8}},
{"name":"pipeline 1","cat":"pipeline","ph":"X","pid":1,"tid":1000000,"ts":10.0,"dur":8.0,"args":{"pipeline":1}},"#;

    #[test]
    fn reads_an_unterminated_trace() {
        let chunks = parse_trace(TRACE).unwrap();
        assert_eq!(chunks.len(), 2);
        let loads = worker_loads(&chunks);
        assert_eq!(
            loads[1],
            WorkerLoad {
                busy_us: 6.0,
                chunks: 1,
                rows: 3
            }
        );
    }

    #[test]
    fn renders_an_svg() {
        let dir = std::env::temp_dir().join(format!("daphne-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let json = dir.join("trace.json");
        let svg = dir.join("gantt.svg");
        std::fs::write(&json, TRACE).unwrap();
        render_gantt(&json, &svg).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.starts_with("<svg"));
        assert!(text.contains("worker 1"));
        assert!(text.contains("3 rows"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
