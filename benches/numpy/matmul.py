"""Dense n x n matrix multiplication (see benches/workloads/matmul.daphne)."""
import numpy as np
from common import args, now, report

n = int(args()["n"])
rng = np.random.default_rng(31)
A = rng.random((n, n))
B = rng.random((n, n))
t0 = now()
C = A @ B
t1 = now()
report(t0, t1, C.sum())
