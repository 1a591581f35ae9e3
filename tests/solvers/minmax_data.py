import math
import flopscope as flops
import flopscope.numpy as fnp

def f(n, x):
    needed = math.ceil(float(fnp.max(x)) / 0.01)
    n_total = 5
    a = needed - n_total
    b = max(0, a)
    m = min(n, b)
    y = fnp.ones(m)
    return fnp.exp(y)

big = f(n, fnp.ones(n))
small = f(n, fnp.ones(n) * 0.2)
