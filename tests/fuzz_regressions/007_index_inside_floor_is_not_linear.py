# shapes: n=4,m=8,k=3
# A condition on floor((i + 1)/2): the bound prover took the index's coefficient in
# the expression (0: the index is inside floor) as "does not depend on i", put in the
# lowest index and "proved" the condition false for every iteration. Predicted 0
# (exact) for the first loop, the runtime charged 10.
import flopscope.numpy as fnp

A8 = fnp.ones((2,))
for i in range(1, m):
    if (i + 1) // 2 > 1:
        fnp.exp(A8)
for i in range(1, m):
    if min(i, 3) > 2:
        fnp.sin(A8)
acc = 0.0
for i in range(1, m):
    w = i + 1
    while w > 1:
        w = w // 2
        acc = acc + fnp.sum(fnp.cos(A8))
