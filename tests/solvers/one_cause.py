import flopscope as flops
import flopscope.numpy as fnp

def f(n):
    x = fnp.ones((n, n))
    d = flops.nosuch.norm
    y = d.cdf(x)
    z = y * 2
    w = fnp.exp(z)
    s = fnp.sum(w)
    for i in range(10):
        s = s + fnp.sum(w * i)
    q = fnp.mysterious(x)
    r = q + x
    t = fnp.linalg.solve(r, x)
    return s, t
