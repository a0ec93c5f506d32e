//! Scheduler properties: every row runs exactly once and combined results equal the serial
//! result, for every scheme × queue layout × victim selection × worker count × push/pull ×
//! pre-partitioning; errors and panics end a pipeline cleanly; nested and concurrent
//! pipelines do not deadlock.
//!
//! The pool has 8 workers (on any machine), so worker counts 1..=8 all run in parallel. Tests
//! take [`POOL_LOCK`] so that no other test's pipeline makes a pipeline fall back to running
//! on its calling thread alone; each checks that the expected number of workers took part.

use std::ops::Range;
use std::sync::{Mutex, MutexGuard, Once};

use daphne_rt::sched::combine::{self, Reduction};
use daphne_rt::sched::{
    self, PipelineDesc, QueueLayout, SchedConfig, Scheme, VictimSelection, run_pipeline,
};
use daphne_rt::{RtResult, RuntimeError};
use proptest::prelude::*;

const POOL_WORKERS: usize = 8;
const CST_CHUNK: usize = 7;
/// Pipelines up to this many rows also check how many workers took part.
const PARTICIPANT_CHECK_ROWS: usize = 10_000;

static POOL_LOCK: Mutex<()> = Mutex::new(());

/// Configures the process once and serializes the tests.
fn setup() -> MutexGuard<'static, ()> {
    static CONFIGURE: Once = Once::new();
    CONFIGURE.call_once(|| {
        sched::configure(SchedConfig {
            num_threads: Some(POOL_WORKERS),
            cst_chunk: Some(CST_CHUNK),
            ..SchedConfig::default()
        })
        .unwrap();
    });
    POOL_LOCK
        .lock()
        .unwrap_or_else(|poison| poison.into_inner())
}

/// A cheap per-row value.
fn value(row: usize) -> u64 {
    (row as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20
}

/// What one pipeline observed.
#[derive(Default)]
struct Observed {
    chunks: Vec<Range<usize>>,
    sum: u64,
    min: u64,
    max: u64,
}

/// Sum, minimum and maximum of `value` over some rows.
type Totals = (u64, u64, u64);

/// The serial totals of `value` over `0..rows` (cached per row count).
fn serial(rows: usize) -> Totals {
    static CACHE: Mutex<Vec<(usize, Totals)>> = Mutex::new(Vec::new());
    let mut cache = CACHE.lock().unwrap_or_else(|poison| poison.into_inner());
    if let Some((_, result)) = cache.iter().find(|(known, _)| *known == rows) {
        return *result;
    }
    let result = (0..rows)
        .map(value)
        .fold((0u64, u64::MAX, 0u64), |(sum, min, max), v| {
            (sum.wrapping_add(v), min.min(v), max.max(v))
        });
    cache.push((rows, result));
    result
}

/// Runs `desc` as one reduction pipeline recording chunks and the sum, minimum and maximum of
/// `value` over the rows, then (up to [`PARTICIPANT_CHECK_ROWS`] rows, to keep the test fast)
/// as a plain pipeline checking the participant count.
fn observe(desc: &PipelineDesc, expected_workers: usize) -> RtResult<Observed> {
    let observed = combine::par_reduce(
        desc,
        || Observed {
            min: u64::MAX,
            ..Observed::default()
        },
        |acc, begin, end| {
            acc.chunks.push(begin..end);
            for row in begin..end {
                let v = value(row);
                acc.sum = acc.sum.wrapping_add(v);
                acc.min = acc.min.min(v);
                acc.max = acc.max.max(v);
            }
            Ok(())
        },
        |acc, partial| {
            acc.chunks.extend(partial.chunks);
            acc.sum = acc.sum.wrapping_add(partial.sum);
            acc.min = acc.min.min(partial.min);
            acc.max = acc.max.max(partial.max);
        },
    )?;
    if desc.rows > PARTICIPANT_CHECK_ROWS {
        return Ok(observed);
    }
    run_pipeline(desc, &|_, _, state| {
        if state.workers() != expected_workers || state.worker() >= state.workers() {
            return Err(RuntimeError::new(format!(
                "worker {} of {} (expected {expected_workers} workers)",
                state.worker(),
                state.workers()
            )));
        }
        Ok(())
    })?;
    Ok(observed)
}

/// Asserts exactly-once coverage and serial-equal results.
fn check(desc: &PipelineDesc, expected_workers: usize) {
    let label = format!("{desc:?}");
    let mut observed =
        observe(desc, expected_workers).unwrap_or_else(|error| panic!("{label}: {error}"));
    observed.chunks.sort_by_key(|chunk| chunk.start);
    let mut next = 0;
    for chunk in &observed.chunks {
        assert!(
            chunk.start == next && chunk.end > chunk.start,
            "{label}: chunk {chunk:?} at row {next}"
        );
        next = chunk.end;
    }
    assert_eq!(next, desc.rows, "{label}: rows covered");
    let (sum, min, max) = serial(desc.rows);
    assert_eq!(observed.sum, sum, "{label}: ADD");
    assert_eq!(observed.min, min, "{label}: MIN");
    assert_eq!(observed.max, max, "{label}: MAX");
}

const LAYOUTS: [QueueLayout; 3] = [
    QueueLayout::CENTRALIZED,
    QueueLayout::PERGROUP,
    QueueLayout::PERCPU,
];
const VICTIMS: [VictimSelection; 4] = [
    VictimSelection::SEQ,
    VictimSelection::SEQPRI,
    VictimSelection::RANDOM,
    VictimSelection::RANDOMPRI,
];

fn desc(
    rows: usize,
    scheme: Scheme,
    layout: QueueLayout,
    victim: VictimSelection,
    workers: usize,
    mode: usize,
) -> PipelineDesc {
    PipelineDesc {
        scheme: Some(scheme),
        layout: Some(layout),
        victim: Some(victim),
        workers: Some(workers),
        push: Some(mode & 1 == 1),
        pre_partition: Some(mode & 2 == 2),
        ..PipelineDesc::new(1000 + scheme.code() as u64, rows)
    }
}

#[test]
fn every_row_once_for_every_configuration() {
    let _guard = setup();
    for &scheme in Scheme::ALL {
        for layout in LAYOUTS {
            for victim in VICTIMS {
                for workers in 1..=POOL_WORKERS {
                    for mode in 0..4 {
                        let mut sizes = vec![0, 1, 97, 1009];
                        if workers > 2 {
                            sizes.push(workers - 1);
                        }
                        for rows in sizes {
                            check(&desc(rows, scheme, layout, victim, workers, mode), workers);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn every_row_once_for_a_million_rows() {
    let _guard = setup();
    let mut index = 0;
    for &scheme in Scheme::ALL {
        for layout in LAYOUTS {
            for victim in VICTIMS {
                for workers in 1..=POOL_WORKERS {
                    // Push/pull and pre-partitioning rotate so that each appears for every
                    // scheme, layout and victim selection.
                    index += 1;
                    check(
                        &desc(1_000_000, scheme, layout, victim, workers, index % 4),
                        workers,
                    );
                }
            }
        }
    }
}

fn scheme_strategy() -> impl Strategy<Value = Scheme> {
    prop::sample::select(Scheme::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// ROWS, COLS, ADD, MIN and MAX results equal the serial ones, with random grain sizes.
    #[test]
    fn combined_results_equal_serial(
        rows in 0usize..3000,
        width in 1usize..5,
        workers in 1usize..=POOL_WORKERS,
        scheme in scheme_strategy(),
        layout in prop::sample::select(LAYOUTS.to_vec()),
        victim in prop::sample::select(VICTIMS.to_vec()),
        mode in 0usize..4,
        grain in 1usize..40,
    ) {
        let _guard = setup();
        let desc = PipelineDesc { grain: Some(grain), ..desc(rows, scheme, layout, victim, workers, mode) };
        let cell = |row: usize, column: usize| (value(row) as i64 % 1000) - 500 + column as i64;

        let mut by_rows = vec![0i64; rows * width];
        combine::par_rows(&desc, &mut by_rows, width, |begin, _end, out, _| {
            for (offset, cells) in out.chunks_mut(width).enumerate() {
                for (column, slot) in cells.iter_mut().enumerate() {
                    *slot = cell(begin + offset, column);
                }
            }
            Ok(())
        }).unwrap();
        let serial: Vec<i64> = (0..rows).flat_map(|row| (0..width).map(move |column| cell(row, column))).collect();
        prop_assert_eq!(&by_rows, &serial);

        let mut by_cols = vec![0i64; rows * width];
        combine::par_cols(&desc, &mut by_cols, width, |begin, end, block, _| {
            for row in begin..end {
                for column in 0..width {
                    block.set(column, row, cell(row, column));
                }
            }
            Ok(())
        }).unwrap();
        let transposed: Vec<i64> = (0..width).flat_map(|column| (0..rows).map(move |row| cell(row, column))).collect();
        prop_assert_eq!(by_cols, transposed);

        for reduction in [Reduction::Add, Reduction::Min, Reduction::Max] {
            let folded: Vec<i64> = combine::par_fold(&desc, reduction, width, |acc: &mut [i64], begin, end| {
                for row in begin..end {
                    for (column, slot) in acc.iter_mut().enumerate() {
                        let v = cell(row, column);
                        *slot = match reduction {
                            Reduction::Add => *slot + v,
                            Reduction::Min => (*slot).min(v),
                            Reduction::Max => (*slot).max(v),
                        };
                    }
                }
                Ok(())
            }).unwrap();
            let expected: Vec<i64> = (0..width).map(|column| {
                let values = (0..rows).map(|row| cell(row, column));
                match reduction {
                    Reduction::Add => values.sum(),
                    Reduction::Min => values.min().unwrap_or(i64::MAX),
                    Reduction::Max => values.max().unwrap_or(i64::MIN),
                }
            }).collect();
            prop_assert_eq!(folded, expected);
        }
    }
}

#[test]
fn a_panicking_task_fails_the_pipeline_and_the_pool_survives() {
    let _guard = setup();
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for layout in LAYOUTS {
        for mode in 0..4 {
            let desc = desc(
                10_000,
                Scheme::SS,
                layout,
                VictimSelection::RANDOM,
                POOL_WORKERS,
                mode,
            );
            let error = run_pipeline(&desc, &|begin, _, _| {
                if begin == 5_000 {
                    panic!("row 5000 is cursed");
                }
                Ok(())
            })
            .unwrap_err();
            assert!(
                error
                    .message()
                    .contains("panicked on rows 5000..5001: row 5000 is cursed"),
                "{}",
                error.message()
            );
            let error = run_pipeline(&desc, &|begin, _, _| {
                if begin == 77 {
                    return Err(RuntimeError::new("shape mismatch"));
                }
                Ok(())
            })
            .unwrap_err();
            assert_eq!(error.message(), "shape mismatch");
            // The pool still works, with every worker.
            check(&desc, POOL_WORKERS);
        }
    }
    std::panic::set_hook(previous_hook);
}

#[test]
fn nested_pipelines_run_on_the_calling_thread() {
    let _guard = setup();
    let outer = PipelineDesc {
        scheme: Some(Scheme::SS),
        ..PipelineDesc::new(1, 64)
    };
    let total = combine::par_reduce(
        &outer,
        || 0u64,
        |acc, begin, end| {
            for row in begin..end {
                let inner = PipelineDesc {
                    scheme: Some(Scheme::GSS),
                    ..PipelineDesc::new(2, 100)
                };
                *acc += combine::par_reduce(
                    &inner,
                    || 0u64,
                    |sum, b, e| {
                        *sum += (b..e).map(|x| x as u64).sum::<u64>();
                        Ok(())
                    },
                    |sum, part| *sum += part,
                )? + row as u64;
            }
            Ok(())
        },
        |acc, part| *acc += part,
    )
    .unwrap();
    assert_eq!(total, 64 * 4950 + 63 * 64 / 2);
}

#[test]
fn concurrent_pipelines_do_not_deadlock() {
    let _guard = setup();
    std::thread::scope(|scope| {
        for thread in 0..4 {
            scope.spawn(move || {
                for round in 0..200 {
                    let rows = 1 + (thread * 7919 + round * 104_729) % 5000;
                    let sum = combine::par_fold(
                        &PipelineDesc {
                            scheme: Some(Scheme::ALL[round % Scheme::ALL.len()]),
                            ..PipelineDesc::new(3, rows)
                        },
                        Reduction::Add,
                        1,
                        |acc: &mut [u64], begin, end| {
                            acc[0] += (begin..end).map(|row| row as u64).sum::<u64>();
                            Ok(())
                        },
                    )
                    .unwrap();
                    assert_eq!(sum[0], (rows as u64 - 1) * rows as u64 / 2);
                }
            });
        }
    });
}
