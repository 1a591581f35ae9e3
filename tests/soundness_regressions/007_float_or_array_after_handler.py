# shapes: n=8
# seeds: 0, 1, 2
# a name that is a float on one path and a 0-d array on the other (set in a handler) made the rest unknown; it is charged as the array, an upper bound
import flopscope as flops
import flopscope.numpy as fnp

SEED = 0
rng = fnp.random.default_rng(SEED)
x = rng.standard_normal(n)
A = rng.standard_normal((n, n))
s = 0.0
try:
    L = fnp.linalg.cholesky(A)
except fnp.linalg.LinAlgError:
    s = fnp.sum(x)
for i in range(3):
    s = s + 1.0
