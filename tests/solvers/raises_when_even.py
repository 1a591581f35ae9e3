"""Shapes that do not broadcast, reached only when n is even: the program raises there."""
import flopscope.numpy as fnp

x = fnp.exp(fnp.ones(n))
if n % 2 == 0:
    y = fnp.ones(n) + fnp.ones(n + 1)
else:
    y = fnp.ones(n) + fnp.ones(n)
z = fnp.sum(y)
