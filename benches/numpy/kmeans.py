"""k-means in DAPHNE's formulation (see benches/workloads/kmeans.daphne)."""
import numpy as np
from common import args, now, report

a = args()
rows, cols, k, iters = int(a["rows"]), int(a["cols"]), int(a["k"]), int(a["iters"])
rng = np.random.default_rng(61)
X = rng.random((rows, cols))
C = rng.random((k, cols))
t0 = now()
for _ in range(iters):
    D = (X @ C.T) * -2.0 + (C ** 2.0).sum(axis=1)[None, :]
    minD = D.min(axis=1, keepdims=True)
    P = (D <= minD).astype(np.float64)
    P = P / P.sum(axis=1, keepdims=True)
    P_denom = P.sum(axis=0)
    C = (P.T @ X) / P_denom[:, None]
t1 = now()
report(t0, t1, C.sum())
