//! The workloads of the main table: one DaphneDSL script in `benches/workloads/` and one NumPy
//! script in `benches/numpy/` per workload, run with the same `name=value` sizes, and the work
//! each one does (compulsory memory traffic or floating-point operations) for the achieved rates.

/// What bounds a workload and how much of it one run does.
#[derive(Clone, Copy, Debug)]
pub enum Work {
    /// Compulsory memory traffic in bytes per iteration (inputs read once, outputs written once).
    Bytes(f64),
    /// Floating-point operations per iteration.
    Flops(f64),
}

/// One benchmark workload.
#[derive(Clone, Debug)]
pub struct Workload {
    /// The file stem of `workloads/<name>.daphne` and `numpy/<name>.py`.
    pub name: &'static str,
    /// A short description with the problem size, for the report.
    pub title: String,
    /// The script arguments, the same on both sides.
    pub args: Vec<(&'static str, String)>,
    /// Options of `daphne` beyond `--timing`.
    pub flags: Vec<&'static str>,
    /// The work of one iteration; scripts that print `BENCH_ITERS` multiply it.
    pub work: Work,
}

impl Workload {
    /// The `name=value` arguments.
    pub fn arg_strings(&self) -> Vec<String> {
        self.args.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }
}

/// The graph of the graph workloads: `n` vertices and an upper-triangular rand of density `p`
/// mirrored, so about `n * n * p` stored edges (both directions).
pub struct Graph {
    /// Vertices.
    pub n: usize,
    /// Average number of neighbours per vertex.
    pub degree: f64,
}

impl Graph {
    /// The density of the generating rand, `degree / n`.
    pub fn density(&self) -> f64 {
        self.degree / self.n as f64
    }

    /// The expected number of stored non-zeros of the symmetric matrix.
    pub fn nnz(&self) -> f64 {
        self.n as f64 * self.degree
    }

    /// Compulsory traffic of one sparse sweep: per non-zero an 8-byte value and an 8-byte
    /// column index, per row an 8-byte offset, plus `vectors` dense n-vectors read or written.
    fn sweep_bytes(&self, vectors: f64) -> f64 {
        self.nnz() * 16.0 + self.n as f64 * 8.0 * (1.0 + vectors)
    }
}

/// Problem sizes of the suite, divided by `shrink` for quick trial runs.
pub fn main_table(shrink: usize) -> Vec<Workload> {
    let s = shrink.max(1);
    let n_ew = 20_000_000 / s;
    let (agg_rows, agg_cols) = (5_000_000 / s, 10);
    let n_mm = (2000 / s).max(64);
    let (tall_rows, tall_cols) = (1_000_000 / s, 50);
    let (km_rows, km_cols, km_k, km_iters) = (200_000 / s, 10, 8, 10);
    let graph = Graph {
        n: 400_000 / s,
        degree: 10.0,
    };
    let f = |x: usize| x as f64;
    vec![
        Workload {
            name: "ew_chain",
            title: format!("sum((X * 2 + Y) * (X - 0.5)), 2 × {n_ew} doubles"),
            args: vec![("n", n_ew.to_string())],
            flags: vec![],
            work: Work::Bytes(2.0 * 8.0 * f(n_ew)),
        },
        Workload {
            name: "row_agg",
            title: format!("row sums and row maxima, {agg_rows} × {agg_cols}"),
            args: vec![
                ("rows", agg_rows.to_string()),
                ("cols", agg_cols.to_string()),
            ],
            flags: vec![],
            work: Work::Bytes(8.0 * f(agg_rows) * (f(agg_cols) + 2.0)),
        },
        Workload {
            name: "col_agg",
            title: format!("column sums and column maxima, {agg_rows} × {agg_cols}"),
            args: vec![
                ("rows", agg_rows.to_string()),
                ("cols", agg_cols.to_string()),
            ],
            flags: vec![],
            work: Work::Bytes(8.0 * f(agg_rows) * f(agg_cols)),
        },
        Workload {
            name: "matmul",
            title: format!("A @ B, {n_mm} × {n_mm}"),
            args: vec![("n", n_mm.to_string())],
            flags: vec![],
            work: Work::Flops(2.0 * f(n_mm).powi(3)),
        },
        Workload {
            name: "gram",
            title: format!("t(X) @ X, {tall_rows} × {tall_cols}"),
            args: vec![
                ("rows", tall_rows.to_string()),
                ("cols", tall_cols.to_string()),
            ],
            flags: vec![],
            // A syrk computes one triangle: n·m·(m+1) flops.
            work: Work::Flops(f(tall_rows) * f(tall_cols) * f(tall_cols + 1)),
        },
        Workload {
            name: "linreg",
            title: format!("closed-form linear regression, {tall_rows} × {tall_cols}"),
            args: vec![
                ("rows", tall_rows.to_string()),
                ("cols", tall_cols.to_string()),
            ],
            flags: vec![],
            work: Work::Flops(
                f(tall_rows) * f(tall_cols) * f(tall_cols + 1)
                    + 2.0 * f(tall_rows) * f(tall_cols)
                    + f(tall_cols).powi(3) / 3.0,
            ),
        },
        Workload {
            name: "kmeans",
            title: format!(
                "k-means, {km_iters} iterations, {km_rows} × {km_cols}, {km_k} centroids"
            ),
            args: vec![
                ("rows", km_rows.to_string()),
                ("cols", km_cols.to_string()),
                ("k", km_k.to_string()),
                ("iters", km_iters.to_string()),
            ],
            flags: vec![],
            // Two products per iteration: X @ t(C) and t(P) @ X.
            work: Work::Flops(f(km_iters) * 4.0 * f(km_rows) * f(km_cols) * f(km_k)),
        },
        components(&graph),
        Workload {
            name: "pagerank",
            title: format!(
                "PageRank, 20 iterations, {} vertices, ~{:.1}M edges (CSR)",
                graph.n,
                graph.nnz() / 2e6
            ),
            args: vec![
                ("n", graph.n.to_string()),
                ("p", format!("{:e}", graph.density())),
                ("iters", "20".into()),
                ("alpha", "0.85".into()),
            ],
            flags: vec!["--select-matrix-repr"],
            // G @ (p / deg): reads p and deg, writes p.
            work: Work::Bytes(graph.sweep_bytes(3.0)),
        },
    ]
}

/// Connected components on `graph` (per iteration: a sweep reading c, writing u).
fn components(graph: &Graph) -> Workload {
    Workload {
        name: "components",
        title: format!(
            "connected components, {} vertices, ~{:.1}M edges (CSR)",
            graph.n,
            graph.nnz() / 2e6
        ),
        args: vec![
            ("n", graph.n.to_string()),
            ("p", format!("{:e}", graph.density())),
        ],
        flags: vec!["--select-matrix-repr"],
        work: Work::Bytes(graph.sweep_bytes(2.0)),
    }
}

/// The two workloads of the scheduling study, at the study's (smaller) sizes.
pub fn study(shrink: usize) -> Vec<Workload> {
    let s = shrink.max(1);
    let graph = Graph {
        n: 200_000 / s,
        degree: 10.0,
    };
    let (rows, cols) = (500_000 / s, 50);
    let f = |x: usize| x as f64;
    vec![
        components(&graph),
        Workload {
            name: "linreg",
            title: format!("closed-form linear regression, {rows} × {cols}"),
            args: vec![("rows", rows.to_string()), ("cols", cols.to_string())],
            flags: vec![],
            work: Work::Flops(f(rows) * f(cols) * f(cols + 1)),
        },
    ]
}
