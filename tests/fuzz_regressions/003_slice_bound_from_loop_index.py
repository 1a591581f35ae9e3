# shapes: n=1,m=4,k=8
# Slices bounded by a loop index (A[i:], A[:j]) could not be sized: every comparison
# that mentioned a loop index was undecidable (FS107, unknown).
import flopscope.numpy as fnp

A3 = fnp.full((3, m + 2, m), 2.0)
acc = 0.0
for i in range(k):
    acc = acc + fnp.sum(fnp.expm1(A3[i:]))
B = fnp.ones((m, k))
for i in range(1, m):
    for j in range(i, m):
        fnp.exp(B[:j])
        fnp.tanh(B[j:, :i])
