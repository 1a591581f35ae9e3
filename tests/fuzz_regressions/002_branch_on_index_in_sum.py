# shapes: n=3,m=1,k=3
# A branch on the loop index: the per-iteration cost is a Piecewise in the index.
# SymPy's summation left it as a Sum, and piecewise_fold then hoisted the Piecewise
# out of the Sum with its condition on the Sum's own index: the value was None
# while the label said exact.
import flopscope.numpy as fnp

A1 = fnp.ones([4, n + 1])
for i in range(k):
    if i < m:
        Z2 = fnp.sqrt(fnp.abs(A1))
    else:
        s4 = fnp.sum(A1)
        Z2 = A1 * 2.0
    if i % 2 == 0:
        fnp.exp(A1)
for i in range(m - 1, -1, -1):
    s6 = fnp.any(A1)
