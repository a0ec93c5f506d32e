"""Shared helpers of the NumPy side of the benchmark suite: `name=value` arguments and the
`BENCH_*` lines the driver (tools/daphne-bench) reads, the same lines the DaphneDSL side prints."""

import sys
import time


def args():
    """The `name=value` command-line arguments as a dict of strings."""
    return dict(a.split("=", 1) for a in sys.argv[1:])


def now():
    """A monotonic clock in nanoseconds (the counterpart of DaphneDSL's now())."""
    return time.perf_counter_ns()


def report(t0, t1, check, iters=None):
    """Prints the timed region, a result check and, for iterative workloads, the iterations."""
    if iters is not None:
        print(f"BENCH_ITERS {iters}")
    print(f"BENCH_CHECK {float(check):.6g}")
    print(f"BENCH_NS {t1 - t0}")
