# shapes: n=8
# seeds: 0, 1, 2
# a branch whose cost depends on a size the data decides was taken as the cheaper one
import flopscope as flops
import flopscope.numpy as fnp

SEED = 0
rng = fnp.random.default_rng(SEED)
x = rng.standard_normal(n)
A = rng.standard_normal((n, n))
idx = fnp.nonzero(x > -0.5)[0]
if float(fnp.max(x)) > 0.0:
    y = A[:, idx] @ x[idx]
else:
    y = fnp.exp(fnp.ones(3))
