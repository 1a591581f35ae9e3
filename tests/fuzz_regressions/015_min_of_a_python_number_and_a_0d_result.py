# shapes: n=5,m=4,k=3
# COST_MODEL v1.1: Python's min() compares its items pairwise; a comparison in which
# a 0-d metered result takes part costs 1, one between Python numbers is free.
import flopscope.numpy as fnp

A = fnp.ones((n, m))
s = fnp.sum(A)
t = 0.5
u = min(s, t)
v = max(t, s)
w = min(t, 2.0)
total = 0
for i in range(k):
    total = total + fnp.max(A[i])
x = max(total, s)
