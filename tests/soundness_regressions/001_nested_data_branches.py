# shapes: n=8
# seeds: 0, 1, 2
# a bound region inside a bound region: the inner branch's sites are judged with the outer region (they ran when the outer branch not counted ran)
import flopscope as flops
import flopscope.numpy as fnp

SEED = 0
rng = fnp.random.default_rng(SEED)
x = rng.standard_normal(n)
A = rng.standard_normal((n, n))
if float(x[0]) > 0.0:
    B = A @ A @ A
else:
    if float(x[1]) > 0.0:
        y = fnp.exp(A)
    else:
        y = fnp.sum(x)
