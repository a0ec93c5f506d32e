"""The random undirected graph of the graph workloads, as scipy.sparse CSR: an upper-triangular
random matrix of density p (diagonal excluded), mirrored, with unit weights."""
import numpy as np
import scipy.sparse as sp


def random_graph(n, p, seed):
    """An n x n symmetric CSR matrix with unit weights."""
    R = sp.random(n, n, density=p, format="csr", random_state=np.random.default_rng(seed))
    UT = sp.triu(R, k=1, format="csr")
    G = (UT + UT.T).tocsr()
    G.data[:] = 1.0
    return G
