# shapes: n=1,m=1,k=1
# acc2 becomes a 0-d metered array in the inner loop, which does not run at n = 1:
# there it stays a Python number, and s4 costs nothing. The analyzer merged "number or
# array" into an unknown value; it now decides whether the loop runs (FS116 where only
# the given values settle it, or iteration by iteration when an index decides it).
import flopscope.numpy as fnp

A1 = fnp.ones((1,))
for i in range(n):
    acc2 = 0.0
    for j in range(1, n):
        A3 = fnp.exp(A1)
        acc2 = acc2 + fnp.sum(fnp.stack([fnp.exp(A1[q]) for q in range(1)]))
    s4 = acc2 * acc2 + 1.0
for i in range(n):
    acc3 = 0.0
    for j in range(i):
        acc3 = acc3 + fnp.sum(A1)
    s5 = acc3 * 2.0
A5 = fnp.exp(A1)
