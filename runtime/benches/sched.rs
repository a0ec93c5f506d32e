//! Scheduler benchmark (one run, 2 workers): makespan per partitioning scheme on four per-row
//! cost profiles, against STATIC, a rayon `par_iter` baseline and a dynamic-chunk baseline;
//! push versus pull; AUTO after convergence; and the dispatch latency of an empty pipeline.
//!
//! Run with `cargo bench -p daphne-runtime --bench sched`. Every figure is the median of
//! [`REPS`] runs in this one process, interleaved (one run of every contender per round), so ratios between rows are comparable; absolute times
//! depend on the machine.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use daphne_rt::sched::{self, PipelineDesc, QueueLayout, SchedConfig, Scheme, auto, run_pipeline};
use rayon::prelude::*;

const THREADS: usize = 2;
const ROWS: usize = 100_000;
/// Spin iterations of an average row.
const MEAN_COST: u64 = 300;
const REPS: usize = 7;
/// AUTO invocations per workload before measuring (its exploration phase and some).
const AUTO_WARMUP: usize = 30;
/// Calls per dispatch-latency measurement.
const LATENCY_CALLS: usize = 20_000;
/// The dynamic-chunk baseline's chunk size.
const DYNAMIC_CHUNK: usize = 64;

/// Per-row cost profiles; every profile has the same mean cost.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Workload {
    Uniform,
    Increasing,
    Random,
    Bimodal,
}

const WORKLOADS: [Workload; 4] = [
    Workload::Uniform,
    Workload::Increasing,
    Workload::Random,
    Workload::Bimodal,
];

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::Uniform => "uniform",
            Workload::Increasing => "increasing",
            Workload::Random => "random",
            Workload::Bimodal => "bimodal",
        }
    }

    /// Spin iterations of `row`.
    fn cost(self, row: usize) -> u64 {
        match self {
            Workload::Uniform => MEAN_COST,
            // Linear from 0 to twice the mean.
            Workload::Increasing => 2 * MEAN_COST * row as u64 / ROWS as u64,
            // Uniform in [0, 2 * mean), fixed per row.
            Workload::Random => {
                let hash = (row as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
                hash % (2 * MEAN_COST)
            }
            // The first quarter of the rows costs 13 times the rest (mean preserved).
            Workload::Bimodal => {
                if row < ROWS / 4 {
                    MEAN_COST * 13 / 4
                } else {
                    MEAN_COST / 4
                }
            }
        }
    }
}

/// Burns `iterations` dependent floating-point operations.
fn spin(iterations: u64) -> f64 {
    let mut x = 1.0f64;
    for _ in 0..iterations {
        x = black_box(x * 1.000_000_1 + 1e-9);
    }
    x
}

fn rows_of(workload: Workload, begin: usize, end: usize) {
    let mut acc = 0.0;
    for row in begin..end {
        acc += spin(workload.cost(row));
    }
    black_box(acc);
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn timed(run: impl FnOnce()) -> Duration {
    let start = Instant::now();
    run();
    start.elapsed()
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// One contender: a label and a function running one full pass over a workload.
struct Contender<'a> {
    label: String,
    run: Box<dyn Fn(Workload) + 'a>,
}

fn scheduled(desc: PipelineDesc) -> impl Fn(Workload) {
    move |workload| {
        run_pipeline(&desc, &|begin, end, _| {
            rows_of(workload, begin, end);
            Ok(())
        })
        .unwrap()
    }
}

fn main() {
    sched::configure(SchedConfig {
        num_threads: Some(THREADS),
        cst_chunk: Some(DYNAMIC_CHUNK),
        ..SchedConfig::default()
    })
    .unwrap();
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .unwrap();
    let schemes: Vec<Scheme> = Scheme::ALL
        .iter()
        .copied()
        .filter(|&scheme| scheme != Scheme::AUTO)
        .collect();
    let label = |scheme: Scheme| {
        if scheme == Scheme::CST {
            format!("CST ({DYNAMIC_CHUNK})")
        } else {
            scheme.name().to_owned()
        }
    };

    let mut contenders: Vec<Contender<'_>> = Vec::new();
    contenders.push(Contender {
        label: "serial".to_owned(),
        run: Box::new(|workload| rows_of(workload, 0, ROWS)),
    });
    for &scheme in &schemes {
        contenders.push(Contender {
            label: label(scheme),
            run: Box::new(scheduled(PipelineDesc {
                scheme: Some(scheme),
                ..PipelineDesc::new(1, ROWS)
            })),
        });
        contenders.push(Contender {
            label: format!("{} push", label(scheme)),
            run: Box::new(scheduled(PipelineDesc {
                scheme: Some(scheme),
                layout: Some(QueueLayout::PERCPU),
                push: Some(true),
                ..PipelineDesc::new(2, ROWS)
            })),
        });
    }
    // AUTO: one pipeline id per workload, so each converges on its own.
    contenders.push(Contender {
        label: "AUTO".to_owned(),
        run: Box::new(|workload: Workload| {
            scheduled(PipelineDesc {
                scheme: Some(Scheme::AUTO),
                ..PipelineDesc::new(100 + workload as u64, ROWS)
            })(workload)
        }),
    });
    contenders.push(Contender {
        label: "rayon par_iter".to_owned(),
        run: Box::new(|workload| {
            rayon_pool.install(|| {
                (0..ROWS).into_par_iter().for_each(|row| {
                    black_box(spin(workload.cost(row)));
                })
            })
        }),
    });
    contenders.push(Contender {
        label: format!("dynamic,{DYNAMIC_CHUNK} (threads)"),
        run: Box::new(|workload| {
            let next = AtomicUsize::new(0);
            std::thread::scope(|scope| {
                for _ in 0..THREADS {
                    scope.spawn(|| {
                        loop {
                            let begin = next.fetch_add(DYNAMIC_CHUNK, Ordering::Relaxed);
                            if begin >= ROWS {
                                break;
                            }
                            rows_of(workload, begin, (begin + DYNAMIC_CHUNK).min(ROWS));
                        }
                    });
                }
            });
        }),
    });

    println!(
        "scheduler benchmark: {ROWS} rows, mean {MEAN_COST} spin iterations per row, {THREADS} \
         workers, median of {REPS} interleaved runs"
    );
    // samples[workload][contender]
    let mut samples = vec![vec![Vec::new(); contenders.len()]; WORKLOADS.len()];
    let mut auto_choice = Vec::new();
    for (w, &workload) in WORKLOADS.iter().enumerate() {
        let auto = contenders.iter().find(|c| c.label == "AUTO").unwrap();
        for _ in 0..AUTO_WARMUP {
            (auto.run)(workload);
        }
        for contender in &contenders {
            (contender.run)(workload); // warm-up
        }
        for _ in 0..REPS {
            for (c, contender) in contenders.iter().enumerate() {
                samples[w][c].push(timed(|| (contender.run)(workload)));
            }
        }
        auto_choice.push(auto::best(100 + workload as u64).map_or("?", Scheme::name));
    }
    let medians: Vec<Vec<Duration>> = samples
        .into_iter()
        .map(|row| row.into_iter().map(median).collect())
        .collect();
    let find = |label: &str| contenders.iter().position(|c| c.label == label).unwrap();
    let static_index = find("STATIC");

    println!("\nmakespan in ms (speed-up over STATIC); pull mode, CENTRALIZED queue unless noted");
    print!("{:<22}", "");
    for workload in WORKLOADS {
        print!(" | {:>16}", workload.name());
    }
    println!();
    println!("{}", "-".repeat(22 + 19 * WORKLOADS.len()));
    let row = |label: &str| {
        let c = find(label);
        print!("{label:<22}");
        for (w, _) in WORKLOADS.iter().enumerate() {
            let speedup = medians[w][static_index].as_secs_f64() / medians[w][c].as_secs_f64();
            print!(" | {:>7.2} ({:>4.2}x)", ms(medians[w][c]), speedup);
        }
        println!();
    };
    for &scheme in &schemes {
        row(&label(scheme));
    }
    for label in [
        "AUTO",
        "rayon par_iter",
        &format!("dynamic,{DYNAMIC_CHUNK} (threads)"),
        "serial",
    ] {
        row(label);
    }

    println!(
        "\nper workload: best scheme (pull), its speed-up over STATIC, AUTO's choice, AUTO / best"
    );
    let auto_index = find("AUTO");
    for (w, workload) in WORKLOADS.iter().enumerate() {
        let (best, best_time) = schemes
            .iter()
            .map(|&scheme| (label(scheme), medians[w][find(&label(scheme))]))
            .min_by_key(|(_, time)| *time)
            .unwrap();
        println!(
            "{:<11} best {:<9} {:.2}x over STATIC; AUTO chose {:<6} and ran at {:.2}x the best",
            workload.name(),
            best,
            medians[w][static_index].as_secs_f64() / best_time.as_secs_f64(),
            auto_choice[w],
            medians[w][auto_index].as_secs_f64() / best_time.as_secs_f64(),
        );
    }

    println!("\npush (PERCPU queues, dealt round robin up front, idle workers steal) vs pull (one");
    println!("CENTRALIZED queue, chunks claimed on demand): makespan in ms");
    print!("{:<10}", "scheme");
    for workload in WORKLOADS {
        print!(" | {:^22}", workload.name());
    }
    println!();
    print!("{:<10}", "");
    for _ in WORKLOADS {
        print!(" | {:>6} {:>6} {:>8}", "pull", "push", "push/pull");
    }
    println!();
    for &scheme in &schemes {
        print!("{:<10}", label(scheme));
        for (w, _) in WORKLOADS.iter().enumerate() {
            let pull = medians[w][find(&label(scheme))];
            let push = medians[w][find(&format!("{} push", label(scheme)))];
            print!(
                " | {:>6.1} {:>6.1} {:>8.2}",
                ms(pull),
                ms(push),
                push.as_secs_f64() / pull.as_secs_f64()
            );
        }
        println!();
    }

    // Dispatch latency: back-to-back pipelines with a no-op body.
    println!("\ndispatch latency of an empty pipeline ({THREADS} workers), per call");
    let latency = |rows: usize, push: bool| {
        let desc = PipelineDesc {
            push: Some(push),
            layout: Some(if push {
                QueueLayout::PERCPU
            } else {
                QueueLayout::CENTRALIZED
            }),
            ..PipelineDesc::new(3, rows)
        };
        let mut samples: Vec<Duration> = (0..LATENCY_CALLS)
            .map(|_| timed(|| run_pipeline(&desc, &|_, _, _| Ok(())).unwrap()))
            .collect();
        samples.sort();
        (
            samples[samples.len() / 2],
            samples[samples.len() * 99 / 100],
        )
    };
    let print_latency = |label: &str, (p50, p99): (Duration, Duration)| {
        println!(
            "{label:<28} median {:>6.2} us   p99 {:>7.2} us",
            p50.as_secs_f64() * 1e6,
            p99.as_secs_f64() * 1e6
        );
    };
    print_latency("0 rows (returns at once)", latency(0, false));
    print_latency("2 rows, STATIC, pull", latency(2, false));
    print_latency("2 rows, STATIC, push PERCPU", latency(2, true));
    print_latency("1000 rows, STATIC, pull", latency(1000, false));
    let mut samples: Vec<Duration> = (0..LATENCY_CALLS)
        .map(|_| {
            timed(|| {
                rayon_pool.install(|| {
                    (0..2).into_par_iter().for_each(|row| {
                        black_box(row);
                    })
                })
            })
        })
        .collect();
    samples.sort();
    print_latency(
        "rayon install, 2 items",
        (
            samples[samples.len() / 2],
            samples[samples.len() * 99 / 100],
        ),
    );
}
