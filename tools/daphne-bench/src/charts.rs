//! The SVG charts of the report (plotters): kernel times of both sides, speedups against the
//! targets, the share of the machine's limits, and the scheduling study.

use std::path::Path;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::measure::Stats;
use crate::study::{LAYOUTS, SCHEMES, Study};

/// Colours of the two sides.
const DAPHNE: RGBColor = RGBColor(31, 119, 180);
const NUMPY: RGBColor = RGBColor(255, 127, 14);

/// One series of a grouped bar chart: a name, a colour and a value per category.
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Bar colour.
    pub colour: RGBColor,
    /// Median, minimum and maximum (whiskers) per category; `None` draws nothing.
    pub values: Vec<Option<Stats>>,
}

fn draw_error<E: std::fmt::Debug>(e: E) -> String {
    format!("cannot draw the chart: {e:?}")
}

/// The category name for an x value on a categorical axis (integers are categories).
fn category(names: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() < 0.01 && i >= 0.0 && (i as usize) < names.len() {
        names[i as usize].clone()
    } else {
        String::new()
    }
}

/// A grouped bar chart with min–max whiskers and labelled horizontal reference lines; `y` is
/// the value axis (linear or logarithmic) and `base` the value bars start from.
#[allow(clippy::too_many_arguments)]
fn grouped_bars<Y>(
    path: &Path,
    title: &str,
    y_desc: &str,
    categories: &[String],
    series: &[Series],
    y: Y,
    base: f64,
    lines: &[(f64, String)],
) -> Result<(), String>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let root = SVGBackend::new(path, (1000, 520)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let n = categories.len();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, y)
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&|x| category(categories, *x))
        .y_desc(y_desc)
        .draw()
        .map_err(draw_error)?;
    let width = 0.8 / series.len().max(1) as f64;
    for (k, s) in series.iter().enumerate() {
        let offset = -0.4 + width * k as f64;
        let colour = s.colour;
        chart
            .draw_series(s.values.iter().enumerate().filter_map(|(i, v)| {
                let v = (*v)?;
                let x0 = i as f64 + offset;
                Some(Rectangle::new(
                    [(x0 + 0.05 * width, base), (x0 + 0.95 * width, v.median)],
                    colour.mix(0.85).filled(),
                ))
            }))
            .map_err(draw_error)?
            .label(s.name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], colour.filled()));
        chart
            .draw_series(s.values.iter().enumerate().filter_map(|(i, v)| {
                let v = (*v)?;
                let x = i as f64 + offset + width / 2.0;
                (v.max > v.min).then(|| PathElement::new(vec![(x, v.min), (x, v.max)], BLACK))
            }))
            .map_err(draw_error)?;
    }
    for (value, label) in lines {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(-0.5, *value), (n as f64 - 0.5, *value)],
                RED.mix(0.7).stroke_width(1),
            )))
            .map_err(draw_error)?;
        chart
            .draw_series(std::iter::once(Text::new(
                label.clone(),
                (n as f64 - 0.5 - 0.02 * n as f64, *value),
                ("sans-serif", 12).into_font().color(&RED).pos(Pos::new(
                    HPos::Right,
                    // Below lines under 1 (the floor), above the others, so that nearby
                    // lines keep their labels apart.
                    if *value < 1.0 {
                        VPos::Top
                    } else {
                        VPos::Bottom
                    },
                )),
            )))
            .map_err(draw_error)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperMiddle)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(draw_error)?;
    root.present().map_err(draw_error)
}

/// Median kernel times (log scale) of both sides per workload.
pub fn times(
    path: &Path,
    names: &[String],
    daphne: Vec<Option<Stats>>,
    numpy: Vec<Option<Stats>>,
) -> Result<(), String> {
    let all = daphne.iter().chain(&numpy).flatten();
    let lo = all.clone().map(|s| s.min).fold(f64::INFINITY, f64::min);
    let hi = all.map(|s| s.max).fold(0.0, f64::max);
    let (lo, hi) = if lo.is_finite() && hi > 0.0 {
        (lo / 2.0, hi * 2.0)
    } else {
        (1e-3, 1.0)
    };
    let series = [
        Series {
            name: "DaphneDSL (daphne-rs)".into(),
            colour: DAPHNE,
            values: daphne,
        },
        Series {
            name: "NumPy / SciPy".into(),
            colour: NUMPY,
            values: numpy,
        },
    ];
    grouped_bars(
        path,
        "Kernel time per workload (median, whiskers: min–max)",
        "seconds (log scale)",
        names,
        &series,
        (lo..hi).log_scale(),
        lo,
        &[],
    )
}

/// Speedups over NumPy per workload, the geometric mean last, with the targets drawn.
pub fn speedups(path: &Path, names: &[String], values: &[Option<f64>]) -> Result<(), String> {
    let present = values.iter().flatten();
    let lo = present.clone().fold(0.5f64, |a, &b| a.min(b)) / 1.5;
    let hi = present.fold(2.0f64, |a, &b| a.max(b)) * 1.5;
    let series = [Series {
        name: "NumPy time / DaphneDSL time".into(),
        colour: DAPHNE,
        values: values
            .iter()
            .map(|v| {
                v.map(|v| Stats {
                    median: v,
                    min: v,
                    max: v,
                })
            })
            .collect(),
    }];
    grouped_bars(
        path,
        "Speedup over NumPy (above 1: DaphneDSL faster)",
        "speedup (log scale)",
        names,
        &series,
        (lo..hi).log_scale(),
        lo,
        &[
            (1.0, "parity".into()),
            (0.85, "floor 0.85×".into()),
            (1.5, "geomean target 1.5×".into()),
        ],
    )
}

/// Achieved share (%) of the machine's limit (bandwidth or BLAS peak) per workload.
pub fn limits(
    path: &Path,
    names: &[String],
    daphne: Vec<Option<f64>>,
    numpy: Vec<Option<f64>>,
) -> Result<(), String> {
    let wrap = |v: Vec<Option<f64>>| -> Vec<Option<Stats>> {
        v.into_iter()
            .map(|v| {
                v.map(|v| Stats {
                    median: v,
                    min: v,
                    max: v,
                })
            })
            .collect()
    };
    let hi = daphne
        .iter()
        .chain(&numpy)
        .flatten()
        .fold(100.0f64, |a, &b| a.max(b))
        * 1.1;
    let series = [
        Series {
            name: "DaphneDSL".into(),
            colour: DAPHNE,
            values: wrap(daphne),
        },
        Series {
            name: "NumPy / SciPy".into(),
            colour: NUMPY,
            values: wrap(numpy),
        },
    ];
    grouped_bars(
        path,
        "Share of the machine's limit (memory bandwidth or dgemm peak)",
        "% of limit",
        names,
        &series,
        0.0..hi,
        0.0,
        &[(100.0, "measured limit".into())],
    )
}

/// The scheduling study of one workload: scheme on x, median time on y, one line per layout
/// and thread count; AUTO is the last column, the best static configuration is circled.
pub fn study(path: &Path, study: &Study) -> Result<(), String> {
    let names: Vec<String> = SCHEMES.iter().map(|s| s.to_string()).collect();
    let medians = |layout: &str, threads: usize| -> Vec<Option<f64>> {
        SCHEMES
            .iter()
            .map(|scheme| {
                study
                    .points
                    .iter()
                    .find(|(c, _)| {
                        c.scheme == *scheme && c.layout == layout && c.threads == threads
                    })
                    .and_then(|(_, side)| side.kernel())
                    .map(|s| s.median)
            })
            .collect()
    };
    let all: Vec<f64> = study
        .points
        .iter()
        .filter_map(|(_, s)| s.kernel())
        .map(|s| s.median)
        .collect();
    let hi = all.iter().fold(0.0f64, |a, &b| a.max(b)).max(1e-3) * 1.15;
    let root = SVGBackend::new(path, (1000, 520)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let n = SCHEMES.len();
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "Scheduling study: {} (--vec, median time)",
                study.workload.title
            ),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..hi)
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&|x| category(&names, *x))
        .x_desc("partitioning scheme")
        .y_desc("seconds")
        .draw()
        .map_err(draw_error)?;
    // AUTO's column, shaded.
    let auto = (n - 1) as f64;
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(auto - 0.5, 0.0), (auto + 0.5, hi)],
            RGBColor(230, 230, 230).filled(),
        )))
        .map_err(draw_error)?;
    let colours = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(148, 103, 189),
    ];
    for threads in [1, 2] {
        for (layout, colour) in LAYOUTS.iter().zip(colours) {
            let values = medians(layout, threads);
            if values.iter().all(Option::is_none) {
                continue;
            }
            // One thread: thin and light; two threads: thick.
            let (colour, width) = if threads == 1 {
                (colour.mix(0.55), 1)
            } else {
                (colour.mix(1.0), 3)
            };
            let style = colour.stroke_width(width);
            let points: Vec<(f64, f64)> = values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
                .collect();
            chart
                .draw_series(std::iter::once(PathElement::new(points.clone(), style)))
                .map_err(draw_error)?
                .label(format!(
                    "{layout}, {threads} thread{}",
                    if threads == 1 { "" } else { "s" }
                ))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], style));
            chart
                .draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                .map_err(draw_error)?;
        }
    }
    if all.is_empty() {
        let reason = study
            .points
            .iter()
            .find_map(|(_, side)| side.error.clone())
            .unwrap_or_else(|| "no runs".into());
        chart
            .draw_series(std::iter::once(Text::new(
                format!("no configuration ran: {reason}"),
                (n as f64 / 2.0 - 0.5, hi / 2.0),
                ("sans-serif", 14)
                    .into_font()
                    .color(&RED)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            )))
            .map_err(draw_error)?;
        return root.present().map_err(draw_error);
    }
    if let Some((best, stats)) = study.best_static() {
        let x = SCHEMES.iter().position(|s| *s == best.scheme).unwrap_or(0) as f64;
        chart
            .draw_series([
                Circle::new((x, stats.median), 9, BLACK.stroke_width(2)).into_dyn(),
                Text::new(
                    format!(
                        "best static: {} {} {}T",
                        best.scheme, best.layout, best.threads
                    ),
                    (x, stats.median + hi * 0.04),
                    ("sans-serif", 13)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
                .into_dyn(),
            ])
            .map_err(draw_error)?;
    }
    chart
        .draw_series(std::iter::once(Text::new(
            "AUTO".to_string(),
            (auto, hi * 0.98),
            ("sans-serif", 13)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        )))
        .map_err(draw_error)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(draw_error)?;
    root.present().map_err(draw_error)
}
