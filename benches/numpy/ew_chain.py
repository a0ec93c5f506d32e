"""Element-wise chain with a full sum over n doubles (see benches/workloads/ew_chain.daphne)."""
import numpy as np
from common import args, now, report

a = args()
n = int(a["n"])
rng = np.random.default_rng(11)
X = rng.random(n)
Y = rng.random(n)
t0 = now()
s = np.sum((X * 2.0 + Y) * (X - 0.5))
t1 = now()
report(t0, t1, s)
