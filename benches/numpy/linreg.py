"""Closed-form ridge regression (see benches/workloads/linreg.daphne)."""
import numpy as np
from common import args, now, report

a = args()
rows, cols = int(a["rows"]), int(a["cols"])
X = np.random.default_rng(51).random((rows, cols))
beta_true = np.arange(1.0, cols + 1.0) / cols
y = X @ beta_true
lam = 0.000001
t0 = now()
A = X.T @ X + lam * np.eye(cols)
b = X.T @ y
beta = np.linalg.solve(A, b)
t1 = now()
report(t0, t1, np.abs(beta - beta_true).max())
