"""Gram matrix X.T @ X of a tall matrix (see benches/workloads/gram.daphne); NumPy also
detects the transposed operand and calls syrk."""
import numpy as np
from common import args, now, report

a = args()
X = np.random.default_rng(41).random((int(a["rows"]), int(a["cols"])))
t0 = now()
G = X.T @ X
t1 = now()
report(t0, t1, G.sum())
