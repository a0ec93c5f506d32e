"""Connected components, DAPHNE's algorithm (see benches/workloads/components.daphne), as a
direct scipy.sparse translation: c = max(rowmax(G * c^T), c) until nothing changes."""
import numpy as np
from common import args, now, report
from graph import random_graph

a = args()
n = int(a["n"])
G = random_graph(n, float(a["p"]), 71)
t0 = now()
c = np.arange(1.0, n + 1.0)
diff = 1
it = 0
while diff > 0:
    u = np.maximum(G.multiply(c[None, :]).tocsr().max(axis=1).toarray().ravel(), c)
    diff = np.count_nonzero(u != c)
    c = u
    it += 1
t1 = now()
report(t0, t1, c.sum(), it)
