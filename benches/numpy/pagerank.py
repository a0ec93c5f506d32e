"""PageRank (see benches/workloads/pagerank.daphne) with a scipy.sparse CSR matrix-vector product."""
import numpy as np
from common import args, now, report
from graph import random_graph

a = args()
n, iters, alpha = int(a["n"]), int(a["iters"]), float(a["alpha"])
G = random_graph(n, float(a["p"]), 71)
t0 = now()
deg = np.maximum(np.asarray(G.sum(axis=1)).ravel(), 1.0)
p = np.full(n, 1.0 / n)
for _ in range(iters):
    p = (G @ (p / deg)) * alpha + (1.0 - alpha) / n
t1 = now()
report(t0, t1, p.sum(), iters)
