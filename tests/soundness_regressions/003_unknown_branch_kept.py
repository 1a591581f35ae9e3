# shapes: n=8
# seeds: 0, 1
# a branch of unknown cost (a computed getattr) was dropped for the other one as cheaper; strings built by + are followed
import flopscope as flops
import flopscope.numpy as fnp

SEED = 0
rng = fnp.random.default_rng(SEED)
x = rng.standard_normal(n)
A = rng.standard_normal((n, n))
name = "ex" + "p"
if float(fnp.sum(x)) > 0.0:
    y = getattr(fnp, name)(x)
else:
    y = A @ A
