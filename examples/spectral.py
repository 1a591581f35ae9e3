"""Spectral clustering-style pipeline over the wider NumPy surface: random data,
a symmetric Gram matrix (declared, so einsum and exp count unique work), its
eigendecomposition, a Cholesky solve, an FFT and a sort.

    flopscope analyze examples/spectral.py --shapes n=128,d=16,k=4
"""

import flopscope as flops
import flopscope.numpy as fnp

n = 128
d = 16
k = 4

rng = fnp.random.default_rng(7)
X = rng.standard_normal((n, d))

with flops.BudgetContext(flop_budget=20_000_000, namespace="spectral"):
    with flops.namespace("affinity"):
        G = fnp.einsum("id,jd->ij", X, X)           # X twice: i <-> j, unique pairs only
        S = flops.as_symmetric(G, symmetry=(0, 1))  # free: declared and checked
        W = fnp.exp(S / d)                          # unique elements of S, twice
    with flops.namespace("embedding"):
        w, V = fnp.linalg.eigh(W)                   # n**3
        top = V[:, n - k:]                          # free
    with flops.namespace("refine"):
        L = fnp.linalg.cholesky(W + n * fnp.eye(n))  # n**2 for the add, n**3
        Z = fnp.linalg.solve(L, top)                # n**3
        spectrum = fnp.abs(fnp.fft.rfft(Z[:, 0]))   # 5 * (n // 2) * clog2(n), then n // 2 + 1
        order = fnp.argsort(spectrum)               # (n//2 + 1) * clog2(n//2 + 1)
print(order[-3:])
