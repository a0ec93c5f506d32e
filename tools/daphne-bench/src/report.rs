//! `benches/report.md` and its charts: the reproducibility header, the machine's limits, the
//! main table (compile and execution times from `--timing`, kernel times of both sides, speedup,
//! achieved rates against the limits), the geometric-mean speedup, a sentence per workload
//! below target, and the scheduling study.

use std::fmt::Write as _;
use std::time::Duration;

use crate::Options;
use crate::charts;
use crate::limits::Limits;
use crate::machine::Machine;
use crate::measure::Stats;
use crate::study::{LAYOUTS, SCHEMES, Study};
use crate::suite::{Outcome, Runner, Side, relative};
use crate::workloads::Work;

/// The target for the geometric-mean speedup; workloads below it get a sentence on
/// what bounds them.
pub const GEOMEAN_TARGET: f64 = 1.5;
/// The floor for every workload's speedup.
const FLOOR: f64 = 0.85;

/// Everything the report states besides the results.
pub struct Context<'a> {
    /// The suite's options.
    pub options: &'a Options,
    /// Machine and versions.
    pub machine: &'a Machine,
    /// Measured limits: the best figures of the two measurements.
    pub limits: &'a Limits,
    /// The two measurements, before and after the workloads.
    pub limit_runs: [Limits; 2],
    /// How the sides were started.
    pub runner: &'a Runner,
    /// 1-minute load average before and after the suite.
    pub load_before: String,
    /// See `load_before`.
    pub load_after: String,
    /// Wall time of the suite (the build excluded).
    pub wall: Duration,
}

fn fmt_stats(s: Option<Stats>) -> String {
    s.map_or_else(
        || "–".into(),
        |s| format!("{} [{}–{}]", secs(s.median), secs(s.min), secs(s.max)),
    )
}

fn secs(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.1}")
    } else if x >= 0.1 {
        format!("{x:.3}")
    } else {
        format!("{x:.4}")
    }
}

/// The limit a workload is measured against, in its rate unit.
fn limit_of(work: Work, limits: &Limits) -> (f64, &'static str) {
    match work {
        Work::Bytes(_) => (limits.read_gbs, "GB/s"),
        Work::Flops(_) => (limits.gemm_gflops, "GFLOP/s"),
    }
}

/// Achieved share of the limit in percent.
fn share(side: &Side, work: Work, limits: &Limits) -> Option<f64> {
    Some(100.0 * side.rate(work)? / limit_of(work, limits).0)
}

/// Geometric mean of the speedups of the workloads that ran on both sides.
fn geomean(outcomes: &[Outcome]) -> Option<(f64, usize)> {
    let logs: Vec<f64> = outcomes
        .iter()
        .filter_map(Outcome::speedup)
        .map(f64::ln)
        .collect();
    (!logs.is_empty()).then(|| {
        (
            (logs.iter().sum::<f64>() / logs.len() as f64).exp(),
            logs.len(),
        )
    })
}

fn side_status(side: &Side) -> String {
    match (&side.error, side.runs.len()) {
        (Some(e), 0) => format!("failed: {e}"),
        (Some(e), n) => format!("{n} runs, then failed: {e}"),
        (None, _) => String::new(),
    }
}

/// What bounds a workload below target, from the measurements.
fn bound_sentence(o: &Outcome, limits: &Limits) -> String {
    let work = o.workload.work;
    let (_, unit) = limit_of(work, limits);
    let limit_name = match work {
        Work::Bytes(_) => format!("the measured read bandwidth ({:.1} GB/s)", limits.read_gbs),
        Work::Flops(_) => format!(
            "the measured dgemm peak ({:.1} GFLOP/s)",
            limits.gemm_gflops
        ),
    };
    if let Some(e) = o.daphne.error.as_ref().filter(|_| o.daphne.runs.is_empty()) {
        let densified = e.contains("cannot allocate a") && e.contains("matrix");
        return if densified {
            format!(
                "DaphneDSL did not finish: a kernel on the CSR graph produced a dense \
                 n × n matrix ({e}); the graph kernels densify, so the CSR input cannot help."
            )
        } else {
            format!("DaphneDSL did not finish ({e}).")
        };
    }
    let (Some(ours), Some(theirs)) = (
        share(&o.daphne, work, limits),
        share(&o.numpy, work, limits),
    ) else {
        return "no comparison (one side has no runs).".into();
    };
    let rate = o.daphne.rate(work).unwrap_or(0.0);
    let mut s = format!(
        "DaphneDSL reaches {rate:.1} {unit}, {ours:.0}% of {limit_name}; NumPy {theirs:.0}%. "
    );
    s += &if ours >= 70.0 {
        match work {
            Work::Bytes(_) => {
                "It is bound by memory bandwidth: little is left to gain on this machine."
                    .to_string()
            }
            Work::Flops(_) => {
                "It is bound by the BLAS: both sides call the same OpenBLAS routines.".to_string()
            }
        }
    } else if matches!(work, Work::Flops(_)) && (0.85..=1.18).contains(&(theirs / ours)) {
        "Both sides run at the same rate on the same OpenBLAS routines, so the BLAS (at this size \
         and this machine's load) bounds it, not our code."
            .to_string()
    } else if theirs >= 1.25 * ours {
        format!(
            "NumPy gets {:.1}× more out of the same machine, so our kernels, not the machine, bound it.",
            theirs / ours
        )
    } else {
        match work {
            Work::Bytes(_) => "Neither side is near the bandwidth limit: per-element work \
                (materialised intermediates, index arithmetic, allocation and page faults of results) bounds both."
                .to_string(),
            Work::Flops(_) => "Neither side is near the dgemm peak: the products are small or thin \
                (low arithmetic intensity), so memory traffic and the element-wise steps around them bound both."
                .to_string(),
        }
    };
    if let Some((rows, region)) = &o.profile {
        let top: Vec<String> = rows
            .iter()
            .take(3)
            .map(|(name, line, calls, secs)| {
                format!(
                    "`{name}` (line {line}, {calls}×) {:.0}%",
                    100.0 * secs / region
                )
            })
            .collect();
        if !top.is_empty() {
            let _ = write!(
                s,
                " In the timed region (`--statistics`): {}.",
                top.join(", ")
            );
        }
    }
    if let Some(t) = o.daphne.warmup.as_ref().and_then(|run| run.timing.as_ref())
        && t.startup + t.parsing + t.compilation > 0.2 * t.total
    {
        let _ = write!(
            s,
            " With a cold compile cache, start-up and compilation take {:.0}% of the process.",
            100.0 * (t.startup + t.parsing + t.compilation) / t.total
        );
    }
    s
}

/// Writes `report.md` and the charts into the suite's directory.
pub fn write(ctx: &Context, outcomes: &[Outcome], studies: &[Study]) -> Result<(), String> {
    let dir = &ctx.options.dir;
    let mut r = String::new();
    let opts = ctx.options;
    let _ = writeln!(
        r,
        "# Benchmarks: DaphneDSL (daphne-rs) against NumPy and the machine's limits\n"
    );
    let _ = writeln!(
        r,
        "Written by `make bench` (`tools/daphne-bench`); regenerate it with `make bench`. The \
         issue asks for `bench/report.md`; the suite keeps everything under `benches/` \
         (workloads, NumPy twins, this report, the charts) so that the project's top level keeps \
         its layout.\n"
    );
    if opts.shrink > 1 {
        let _ = writeln!(
            r,
            "**Trial run: every problem size is divided by {} (`--shrink`); these are not the \
             issue's sizes.**\n",
            opts.shrink
        );
    }
    let _ = writeln!(
        r,
        "Suite wall time: {:.0} s (build excluded). 1-minute load average: {} before, {} after \
         (above 0.5 on this 2-core machine means other work ran alongside and the numbers are noisy).\n",
        ctx.wall.as_secs_f64(),
        ctx.load_before,
        ctx.load_after
    );

    let _ = writeln!(r, "## Method\n");
    let _ = writeln!(
        r,
        "- **Timed region.** Both sides generate their data in the program (DaphneDSL `rand`, \
         NumPy `default_rng`; the numbers differ, the sizes and densities are the same) and time \
         only the computation: `now()` around the kernel region in DaphneDSL, \
         `time.perf_counter_ns()` around the same region in Python. Generation, printing and \
         the result check are outside. The **speedup** is NumPy's median over ours, per \
         iteration for iterative workloads (connected components' iteration count depends on \
         the random graph).\n\
         - **Compile and execution** come from `daphne --timing` (JSON on stderr): compile = \
         parsing + compilation, execution = the whole run of the compiled program (data \
         generation included), per process.\n\
         - **Repetitions.** Each workload runs once per side as a warm-up (discarded), then {} \
         times per side, alternating DaphneDSL and NumPy. Times are medians with [min–max].\n\
         - **Threads.** Both sides use {} threads: `OPENBLAS_NUM_THREADS`, `OMP_NUM_THREADS` and \
         `MKL_NUM_THREADS` are set to {} for every process; `daphne` uses the {} cores of the \
         machine for its own parallel loops.\n\
         - **Rates.** Memory-bound workloads count compulsory traffic (inputs read once, outputs \
         written once; CSR with 8-byte values and 8-byte column indices) against the read \
         bandwidth of a STREAM-like summing loop; compute-bound ones count floating-point \
         operations (matmul 2n³, syrk n·m·(m+1), k-means 4·rows·cols·k per iteration) against \
         a dgemm. Both limits are measured in the same run with the same threads, before and \
         after the workloads; the better figure counts (a lower one means other work ran \
         alongside).\n\
         - **Graph workloads.** DaphneDSL builds the graph as DAPHNE's own components script does \
         (`upperTri(rand(n, n, 1, 1, p, seed))` mirrored) with `--select-matrix-repr`, so `rand` \
         draws a CSR matrix in O(nnz); SciPy builds the same shape with `scipy.sparse.random`, \
         `triu` and a transpose. The SciPy kernels are direct translations \
         (`G.multiply(c).max(axis=1)` for components, `G @ v` for PageRank). The peak RSS column \
         shows whether a kernel densified (a dense 400,000 × 400,000 matrix would need 1.28 TB; \
         the runtime refuses it with an out-of-memory error, reported as a failure).\n\
         - **Commands.** DaphneDSL: `{} --timing [flags] {}/workloads/<name>.daphne <args>`; \
         NumPy: `{} {}/numpy/<name>.py <args>` (Debian's python3-numpy and python3-scipy, \
         installed by `tools/setup.sh --bench`).\n",
        opts.reps,
        opts.threads,
        opts.threads,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        relative(&ctx.runner.daphne),
        relative(dir),
        ctx.runner.python.display(),
        relative(dir),
    );

    let _ = writeln!(r, "## Machine and versions\n\n| | |\n|---|---|");
    for (k, v) in &ctx.machine.rows {
        let _ = writeln!(r, "| {k} | {v} |");
    }
    let _ = writeln!(
        r,
        "| repetitions | {} per side (main table), {} per configuration (study), after one warm-up |",
        opts.reps, opts.study_reps
    );
    let _ = writeln!(r, "| threads | {} |\n", opts.threads);

    let l = ctx.limits;
    let _ = writeln!(
        r,
        "## Machine limits (measured in this run, {} threads)\n",
        opts.threads
    );
    let _ = writeln!(
        r,
        "| limit | value (before / after the workloads) | how |\n|---|---|---|"
    );
    let _ = writeln!(
        r,
        "| read bandwidth | {:.1} GB/s ({:.1} / {:.1}) | sum of {} doubles, 8 accumulators per thread, best of 10 |",
        l.read_gbs, ctx.limit_runs[0].read_gbs, ctx.limit_runs[1].read_gbs, l.stream_cells
    );
    let _ = writeln!(
        r,
        "| STREAM triad | {:.1} GB/s ({:.1} / {:.1}) | a = b + s·c on {} doubles, 24 bytes per cell, best of 10 |",
        l.triad_gbs, ctx.limit_runs[0].triad_gbs, ctx.limit_runs[1].triad_gbs, l.stream_cells
    );
    let _ = writeln!(
        r,
        "| BLAS peak | {:.1} GFLOP/s ({:.1} / {:.1}) | OpenBLAS dgemm, n = {}, best of 3 |\n",
        l.gemm_gflops, ctx.limit_runs[0].gemm_gflops, ctx.limit_runs[1].gemm_gflops, l.gemm_n
    );

    let _ = writeln!(r, "## Results\n");
    let _ = writeln!(
        r,
        "Seconds, median [min–max]. Compile = parsing + compilation from `--timing`: cold is the \
         warm-up run with an empty compile cache, cached the measured runs (the same program \
         again). Execution is the compiled program's whole run (generation included); kernel is \
         the timed region.\n\n\
         | workload | DaphneDSL compile, cold | compile, cached | DaphneDSL execution | DaphneDSL kernel | NumPy kernel | speedup |\n\
         |---|---|---|---|---|---|---|"
    );
    for o in outcomes {
        let w = &o.workload;
        let speedup = o.speedup().map_or("–".into(), |s| {
            let mark = if s < FLOOR { " ⚠" } else { "" };
            format!("**{s:.2}×**{mark}")
        });
        let kernel = |s: &Side| {
            if s.runs.is_empty() {
                side_status(s)
            } else {
                fmt_stats(s.kernel())
            }
        };
        let cold = o
            .daphne
            .warmup
            .as_ref()
            .and_then(|run| run.timing.as_ref())
            .map_or("–".into(), |t| match t.cache.as_deref() {
                Some(verdict) => format!("{} (cache {verdict})", secs(t.parsing + t.compilation)),
                None => secs(t.parsing + t.compilation),
            });
        let misses = o
            .daphne
            .runs
            .iter()
            .filter(|run| {
                run.timing
                    .as_ref()
                    .is_some_and(|t| t.cache.as_deref() != Some("hit"))
            })
            .count();
        let cached = match misses {
            0 => fmt_stats(o.daphne.phase(|t| t.parsing + t.compilation)),
            n => format!(
                "{} ({n} of {} runs missed the cache)",
                fmt_stats(o.daphne.phase(|t| t.parsing + t.compilation)),
                o.daphne.runs.len()
            ),
        };
        let _ = writeln!(
            r,
            "| `{}`: {}{} | {} | {} | {} | {} | {} | {} |",
            w.name,
            w.title,
            if w.flags.is_empty() {
                String::new()
            } else {
                format!(" (`{}`)", w.flags.join(" "))
            },
            cold,
            cached,
            fmt_stats(o.daphne.phase(|t| t.execution)),
            kernel(&o.daphne),
            kernel(&o.numpy),
            speedup,
        );
    }
    let gm = geomean(outcomes);
    let ran = outcomes.iter().filter(|o| o.speedup().is_some()).count();
    match gm {
        Some((g, n)) => {
            let _ = writeln!(
                r,
                "\n**Geometric-mean speedup over NumPy: {g:.2}×** over the {n} of {} workloads that \
                 ran on both sides (target ≥ {GEOMEAN_TARGET}×, no workload below {FLOOR}×; ⚠ marks \
                 those below the floor).",
                outcomes.len()
            );
        }
        None => {
            let _ = writeln!(r, "\nNo workload ran on both sides; no geometric mean.");
        }
    }
    if ran < outcomes.len() {
        let _ = writeln!(r, "Workloads that failed count in no mean; see below.");
    }
    let _ = writeln!(
        r,
        "\nAchieved rates against the limits (at the median time), peak resident memory of the \
         process, iterations and the result check of the last run (the data differ between the \
         sides, so the checks agree only roughly):\n\n\
         | workload | DaphneDSL rate | NumPy rate | share of limit (ours / NumPy) | peak RSS (ours / NumPy) | iterations | check (ours / NumPy) |\n\
         |---|---|---|---|---|---|---|"
    );
    for o in outcomes {
        let w = &o.workload;
        let (_, unit) = limit_of(w.work, l);
        let rate = |s: &Side| {
            s.rate(w.work)
                .map_or("–".into(), |v| format!("{v:.1} {unit}"))
        };
        let pct = |s: &Side| share(s, w.work, l).map_or("–".into(), |v| format!("{v:.0}%"));
        let rss = |s: &Side| {
            s.peak_rss()
                .map_or("–".into(), |b| format!("{:.0} MB", b / 1e6))
        };
        let iters = |s: &Side| s.iters().map_or("–".into(), |i| format!("{i:.0}"));
        let _ = writeln!(
            r,
            "| `{}` | {} | {} | {} / {} | {} / {} | {} / {} | {} / {} |",
            w.name,
            rate(&o.daphne),
            rate(&o.numpy),
            pct(&o.daphne),
            pct(&o.numpy),
            rss(&o.daphne),
            rss(&o.numpy),
            iters(&o.daphne),
            iters(&o.numpy),
            o.daphne.check().unwrap_or("–"),
            o.numpy.check().unwrap_or("–"),
        );
    }

    let over = outcomes.iter().any(|o| {
        [&o.daphne, &o.numpy]
            .iter()
            .any(|side| share(side, o.workload.work, l).is_some_and(|p| p > 100.0))
    });
    if over {
        let _ = writeln!(
            r,
            "\nShares above 100% mean the machine ran faster during that workload than during both \
             limit measurements: on a shared virtual machine the CPU's speed varies over time \
             (other tenants, CPU steal), so the shares are only indicative there."
        );
    }
    let _ = writeln!(r, "\n### Below target\n");
    let mut any = false;
    for o in outcomes {
        if o.speedup().is_some_and(|s| s >= GEOMEAN_TARGET) {
            continue;
        }
        any = true;
        let head = o
            .speedup()
            .map_or("no result".into(), |s| format!("{s:.2}×"));
        let _ = writeln!(
            r,
            "- **`{}`** ({head}): {}",
            o.workload.name,
            bound_sentence(o, l)
        );
    }
    if !any {
        let _ = writeln!(r, "Every workload reaches {GEOMEAN_TARGET}×.");
    }

    let names: Vec<String> = outcomes
        .iter()
        .map(|o| o.workload.name.to_string())
        .collect();
    charts::times(
        &dir.join("times.svg"),
        &names,
        outcomes.iter().map(|o| o.daphne.kernel()).collect(),
        outcomes.iter().map(|o| o.numpy.kernel()).collect(),
    )?;
    let mut speed_names = names.clone();
    speed_names.push("geomean".into());
    let mut speeds: Vec<Option<f64>> = outcomes.iter().map(Outcome::speedup).collect();
    speeds.push(gm.map(|g| g.0));
    charts::speedups(&dir.join("speedup.svg"), &speed_names, &speeds)?;
    charts::limits(
        &dir.join("limits.svg"),
        &names,
        outcomes
            .iter()
            .map(|o| share(&o.daphne, o.workload.work, l))
            .collect(),
        outcomes
            .iter()
            .map(|o| share(&o.numpy, o.workload.work, l))
            .collect(),
    )?;
    let _ = writeln!(
        r,
        "\n### Charts\n\n![kernel times](times.svg)\n\n![speedup](speedup.svg)\n\n![share of the limits](limits.svg)\n"
    );

    let _ = writeln!(r, "## Scheduling study\n");
    if studies.is_empty() {
        let _ = writeln!(r, "Skipped (`--no-study`).");
    } else {
        let _ = writeln!(
            r,
            "Every partitioning scheme × queue layout at 1 and 2 threads, with `--vec` \
             (`--partitioning=S --queue_layout=L --num-threads=T`, OpenBLAS pinned to T threads; \
             CST gets `--cst-chunk={}`). To fit `make bench` into 20 minutes the study uses smaller \
             problems than the main table (titles below) and {} repetitions per configuration \
             (after one warm-up run of the workload), going round-robin over the configurations. \
             Cells are median seconds of the timed region; **bold** is the best static \
             (non-AUTO) configuration, AUTO is the last row.\n",
            crate::study::CST_CHUNK,
            opts.study_reps
        );
    }
    for s in studies {
        write_study(&mut r, s);
        let file = format!("sched_{}.svg", s.workload.name);
        charts::study(&dir.join(&file), s)?;
        let _ = writeln!(r, "\n![scheduling study: {}]({file})\n", s.workload.name);
    }
    std::fs::write(dir.join("report.md"), r).map_err(|e| format!("cannot write the report: {e}"))
}

/// The table of one study: a row per scheme, a column per layout and thread count.
fn write_study(r: &mut String, s: &Study) {
    let _ = writeln!(r, "### {}\n", s.workload.title);
    let best = s
        .best_static()
        .map(|(c, _)| (c.scheme, c.layout, c.threads));
    let mut header = "| scheme |".to_string();
    let mut rule = "|---|".to_string();
    for threads in [1, 2] {
        for layout in LAYOUTS {
            let _ = write!(header, " {layout} {threads}T |");
            rule += "---|";
        }
    }
    let _ = writeln!(r, "{header}\n{rule}");
    let mut errors = Vec::new();
    for scheme in SCHEMES {
        let mut line = format!("| {scheme} |");
        for threads in [1, 2] {
            for layout in LAYOUTS {
                let side = s
                    .points
                    .iter()
                    .find(|(c, _)| c.scheme == scheme && c.layout == layout && c.threads == threads)
                    .map(|(_, side)| side);
                let cell = match side.and_then(Side::kernel) {
                    Some(st) if best == Some((scheme, layout, threads)) => {
                        format!("**{}**", secs(st.median))
                    }
                    Some(st) => secs(st.median),
                    None => {
                        if let Some(e) = side.and_then(|s| s.error.clone()) {
                            errors.push(format!("{scheme} {layout} {threads}T: {e}"));
                        }
                        "failed".into()
                    }
                };
                let _ = write!(line, " {cell} |");
            }
        }
        let _ = writeln!(r, "{line}");
    }
    if let Some((c, st)) = s.best_static() {
        let auto = s
            .points
            .iter()
            .filter(|(c, _)| c.scheme == "AUTO")
            .filter_map(|(c, side)| side.kernel().map(|k| (c, k)))
            .min_by(|a, b| a.1.median.total_cmp(&b.1.median));
        let _ = write!(
            r,
            "\nBest static: {} with {} at {} thread(s), {} s.",
            c.scheme,
            c.layout,
            c.threads,
            secs(st.median)
        );
        if let Some((ac, ak)) = auto {
            let _ = write!(
                r,
                " Best AUTO: {} at {} thread(s), {} s ({:+.0}% against the best static).",
                ac.layout,
                ac.threads,
                secs(ak.median),
                100.0 * (ak.median / st.median - 1.0)
            );
        }
        let _ = writeln!(r);
    }
    if !errors.is_empty() {
        let shown = errors.len().min(3);
        let _ = writeln!(
            r,
            "\n{} configuration(s) failed, for example: {}",
            errors.len(),
            errors[..shown].join("; ")
        );
    }
}
