//! `--statistics`: time spent per kernel call site.
//!
//! With statistics on, compiled code brackets every kernel call with
//! [`crate::abi::daphne_stat_start`] and [`crate::abi::daphne_stat_record`]; the totals are
//! printed as a table on stderr when the program finishes, slowest first.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Total time (ns) and number of calls per (kernel, source location).
static STATS: Mutex<Option<HashMap<(String, String), (u128, u64)>>> = Mutex::new(None);

/// Nanoseconds since the first call: a monotonic clock for intervals.
pub fn now() -> i64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_nanos() as i64
}

/// Adds one call of `kernel` at `location` that started at `start` (from [`now`]).
pub fn record(kernel: &str, location: &str, start: i64) {
    let elapsed = (now() - start).max(0) as u128;
    let mut stats = STATS.lock().unwrap_or_else(|e| e.into_inner());
    let entry = stats
        .get_or_insert_with(HashMap::new)
        .entry((kernel.to_string(), location.to_string()))
        .or_insert((0, 0));
    entry.0 += elapsed;
    entry.1 += 1;
}

/// The table of recorded calls, slowest first (`None` when nothing was recorded).
pub fn table() -> Option<String> {
    let stats = STATS.lock().unwrap_or_else(|e| e.into_inner());
    let stats = stats.as_ref()?;
    let mut rows: Vec<_> = stats.iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(b.0)));
    let mut out = format!(
        "{:>4}  {:<24} {:>12} {:>8} {:>12}  {}\n",
        "#", "Operator Name", "Time(s)", "Count", "Avg(s)", "File:Line:Column"
    );
    for (i, ((kernel, location), (total, count))) in rows.into_iter().enumerate() {
        let secs = *total as f64 / 1e9;
        out.push_str(&format!(
            "{:>4}  {:<24} {:>12.6} {:>8} {:>12.6}  {}\n",
            i + 1,
            kernel,
            secs,
            count,
            secs / *count as f64,
            location
        ));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_accumulate_per_kernel_and_location() {
        let t = now();
        record("ew_binary_mm", "s.daphne:1:5", t);
        record("ew_binary_mm", "s.daphne:1:5", t);
        record("sum_all", "s.daphne:2:7", t);
        let table = table().expect("recorded");
        assert!(table.contains("Operator Name"));
        let line = table
            .lines()
            .find(|l| l.contains("ew_binary_mm"))
            .expect("row");
        assert!(line.split_whitespace().any(|w| w == "2"), "{line}");
        assert!(table.contains("s.daphne:2:7"));
    }
}
