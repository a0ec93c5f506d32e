//! `--sched-trace`: the trace file is valid Chrome trace-event JSON whose chunk events tile
//! every pipeline's rows, and the Gantt renderer draws it. A test binary of its own, because
//! the trace path is part of the process-wide configuration.

use std::collections::BTreeMap;

use daphne_rt::sched::plot::{self, TracedChunk};
use daphne_rt::sched::{self, PipelineDesc, QueueLayout, SchedConfig, Scheme, run_pipeline, trace};

#[test]
fn traces_every_chunk_and_draws_a_gantt_chart() {
    let dir = std::env::temp_dir().join(format!("daphne-sched-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("trace.json");
    sched::configure(SchedConfig {
        num_threads: Some(4),
        trace_path: Some(json.clone()),
        ..SchedConfig::default()
    })
    .unwrap();
    let pipelines = [
        (10, Scheme::GSS, QueueLayout::CENTRALIZED, false),
        (11, Scheme::FAC2, QueueLayout::PERCPU, true),
        (12, Scheme::AF, QueueLayout::CENTRALIZED, false),
        (13, Scheme::AUTO, QueueLayout::PERCPU, false),
    ];
    for (id, scheme, layout, push) in pipelines {
        let desc = PipelineDesc {
            scheme: Some(scheme),
            layout: Some(layout),
            push: Some(push),
            ..PipelineDesc::new(id, 20_000)
        };
        run_pipeline(&desc, &|begin, end, _| {
            for row in begin..end {
                // About a microsecond per row, so that every worker gets to take part.
                let mut x = row as f64;
                for _ in 0..300 {
                    x = std::hint::black_box(x * 1.000_000_1 + 1e-9);
                }
            }
            Ok(())
        })
        .unwrap();
    }
    trace::flush().unwrap();

    let text = std::fs::read_to_string(&json).unwrap();
    let events: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|event| event["cat"] == "pipeline")
            .count(),
        pipelines.len()
    );
    let chunks = plot::read_trace(&json).unwrap();
    let mut by_pipeline: BTreeMap<u64, Vec<TracedChunk>> = BTreeMap::new();
    for chunk in chunks {
        assert!(chunk.worker < 4);
        assert!(chunk.duration_us >= 0.0);
        by_pipeline.entry(chunk.pipeline).or_default().push(chunk);
    }
    assert_eq!(by_pipeline.len(), pipelines.len());
    for chunks in by_pipeline.values() {
        assert_eq!(chunks.iter().map(|chunk| chunk.rows).sum::<u64>(), 20_000);
    }

    let svg = dir.join("gantt.svg");
    plot::render_gantt(&json, &svg).unwrap();
    let drawing = std::fs::read_to_string(&svg).unwrap();
    assert!(drawing.contains("<svg") && drawing.contains("worker 0"));
    std::fs::remove_dir_all(&dir).unwrap();
}
