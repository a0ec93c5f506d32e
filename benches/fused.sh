#!/bin/sh
# Fused vectorized pipelines against NumPy and a STREAM-like bandwidth loop, in one run on
# the same threads:
#   ew chain:  sum((X * 2.0 + Y) * (X - 0.5)) over two 2e7-double vectors (one pass, no
#              temporaries: it reads 320 MB), against NumPy's same expression and against a
#              C/OpenMP loop summing x[i] + y[i] over two such arrays (the same memory traffic,
#              the bandwidth bound of the fused loop);
#   row sums:  sum(X, 0) (one sum per row) on 5e6 x 10 doubles, against X.sum(axis=1);
#   col means: mean(X, 1) (one mean per column) on 5e6 x 10, against X.mean(axis=0).
# Every figure is the best of REPS repetitions, measured inside the program (DaphneDSL's
# now()), so compile time and data generation are excluded.
# Usage: benches/fused.sh [reps] [threads]   (default 5 repetitions, 2 threads)
# Needs target/release/daphne (make build), cc with OpenMP, python3 with numpy.
set -eu
cd "$(dirname "$0")/.."
reps=${1:-5}
threads=${2:-2}
n=20000000
rows=5000000
cols=10
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/stream.c" <<'C'
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    long n = atol(argv[1]);
    int reps = atoi(argv[2]);
    double *x = malloc(n * sizeof(double)), *y = malloc(n * sizeof(double));
    #pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) { x[i] = (double)i * 1e-9; y[i] = 1.0 - x[i]; }
    double best = 1e30, sink = 0;
    for (int r = 0; r < reps; r++) {
        double t = omp_get_wtime(), s = 0;
        #pragma omp parallel for simd schedule(static) reduction(+:s)
        for (long i = 0; i < n; i++) s += x[i] + y[i];
        t = omp_get_wtime() - t;
        if (t < best) best = t;
        sink += s;
    }
    printf("%.6f %g\n", best, sink);
    return 0;
}
C
cc -O3 -march=native -ffast-math -fopenmp "$tmp/stream.c" -o "$tmp/stream"

cat > "$tmp/fused.daphne" <<DSL
X = rand($n, 1, 0.0, 1.0, 1, 42);
Y = rand($n, 1, 0.0, 1.0, 1, 43);
Z = rand($rows, $cols, 0.0, 1.0, 1, 44);
chain = 1.0e30; rsum = 1.0e30; cmean = 1.0e30; keep = 0.0;
for (i in 1:$reps) {
    t0 = now();
    s = sum((X * 2.0 + Y) * (X - 0.5));
    t1 = now();
    R = sum(Z, 0);
    t2 = now();
    M = mean(Z, 1);
    t3 = now();
    chain = min(chain, as.f64(t1 - t0) / 1.0e9);
    rsum = min(rsum, as.f64(t2 - t1) / 1.0e9);
    cmean = min(cmean, as.f64(t3 - t2) / 1.0e9);
    keep = keep + s + as.scalar(R[0, 0]) + as.scalar(M[0, 0]);
}
print(chain);
print(rsum);
print(cmean);
print(keep);
DSL

cat > "$tmp/numpy_bench.py" <<PY
import time
import numpy as np
rng = np.random.default_rng(42)
X = rng.random($n); Y = rng.random($n); Z = rng.random(($rows, $cols))
def best(f):
    b = 1e30
    for _ in range($reps):
        t = time.perf_counter(); f(); b = min(b, time.perf_counter() - t)
    return b
print(best(lambda: np.sum((X * 2.0 + Y) * (X - 0.5))))
print(best(lambda: Z.sum(axis=1)))
print(best(lambda: Z.mean(axis=0)))
PY

set -- $(OMP_NUM_THREADS=$threads OMP_PROC_BIND=false "$tmp/stream" $n "$reps")
stream=$1
set -- $(target/release/daphne run --no-cache --num-threads="$threads" "$tmp/fused.daphne")
d_chain=$1; d_rsum=$2; d_cmean=$3
set -- $(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 "$tmp/numpy_bench.py")
np_chain=$1; np_rsum=$2; np_cmean=$3

python3 - "$stream" "$d_chain" "$d_rsum" "$d_cmean" "$np_chain" "$np_rsum" "$np_cmean" "$threads" "$n" <<'PY'
import sys
stream, dc, dr, dm, nc, nr, nm = map(float, sys.argv[1:8])
threads, n = sys.argv[8], int(sys.argv[9])
gb = 2 * 8 * n / 1e9
print(f"fused pipelines, {threads} threads, best of the repetitions (seconds)")
print(f"{'workload':<34}{'daphne':>10}{'numpy':>10}{'x numpy':>10}{'target':>10}")
print(f"{'sum((X*2+Y)*(X-0.5)), 2e7':<34}{dc:>10.4f}{nc:>10.4f}{nc / dc:>10.2f}{'>= 2':>10}")
print(f"{'sum(X, 0) per row, 5e6x10':<34}{dr:>10.4f}{nr:>10.4f}{nr / dr:>10.2f}{'>= 3':>10}")
print(f"{'mean(X, 1) per column, 5e6x10':<34}{dm:>10.4f}{nm:>10.4f}{nm / dm:>10.2f}{'>= 3':>10}")
print(f"STREAM-like 2-array read loop: {stream:.4f} s = {gb / stream:.1f} GB/s; "
      f"fused chain: {gb / dc:.1f} GB/s = {100 * stream / dc:.0f}% of it (target >= 70%)")
PY
