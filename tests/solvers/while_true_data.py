"""A while True loop whose body changes no size: only the data decides when it breaks."""
import flopscope.numpy as fnp

rng = fnp.random.default_rng(0)
x = rng.standard_normal(n)
while True:
    y = fnp.exp(x)
    if fnp.sum(y) > 0.0:
        break
