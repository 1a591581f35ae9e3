# shapes: n=8
# seeds: 0, 1, 2
# x[x > t] kept the full length, labelled exact: a mask keeps as many entries as the data decides
import flopscope as flops
import flopscope.numpy as fnp

SEED = 0
rng = fnp.random.default_rng(SEED)
x = rng.standard_normal(n)
A = rng.standard_normal((n, n))
y = x[x > 0.5]
z = fnp.exp(y)
m = (x > 0.0) & (x < 1.0)
w = fnp.tanh(x[~m])
