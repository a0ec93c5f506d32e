"""Per-row sum and max of a rows x cols matrix (see benches/workloads/row_agg.daphne)."""
import numpy as np
from common import args, now, report

a = args()
X = np.random.default_rng(21).random((int(a["rows"]), int(a["cols"])))
t0 = now()
r = X.sum(axis=1)
m = X.max(axis=1)
t1 = now()
report(t0, t1, r.sum() + m.sum())
