"""Per-column sum and max of a rows x cols matrix (see benches/workloads/col_agg.daphne)."""
import numpy as np
from common import args, now, report

a = args()
X = np.random.default_rng(22).random((int(a["rows"]), int(a["cols"])))
t0 = now()
c = X.sum(axis=0)
m = X.max(axis=0)
t1 = now()
report(t0, t1, c.sum() + m.sum())
