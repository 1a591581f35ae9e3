# shapes: n=6
# seeds: 0, 1
# a list appended in a loop that skips appends on data (Gram-Schmidt dropping dependent columns): fnp.stack of it was labelled exact at its longest
import flopscope as flops
import flopscope.numpy as fnp

SEED = 0
rng = fnp.random.default_rng(SEED)
x = rng.standard_normal(n)
A = rng.standard_normal((n, n))
G = A * 0.0 + 1.0
cols = []
for v in G:
    if cols:
        Q = fnp.stack(cols)
        v = v - Q.T @ (Q @ v)
    nrm = fnp.linalg.norm(v)
    if float(nrm) < 1e-10:
        continue
    cols.append(v / nrm)
B = fnp.stack(cols)
