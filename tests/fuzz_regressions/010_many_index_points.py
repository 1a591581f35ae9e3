# shapes: n=12,m=3,k=2
# Slices and a three-operand einsum whose sizes depend on two nested loop indices, at
# sizes where the analyzer decides over many index values (a compiled, exact check):
# the slices are proved from the loop bounds, the einsum order is checked at every
# (i, j). Both used to be unknown (FS107) or an upper bound (FS106). The branch on
# floor((i + j)/3) has no closed form: its cost stays a double Sum, which the value
# computation could not add up (it assumed one limit per Sum, and rounded floats).
import flopscope.numpy as fnp

A = fnp.ones((n, n))
for i in range(1, n):
    for j in range(i, n):
        B = A[:j, i:]
        C = B + fnp.ones((1, n - i))
        fnp.einsum('ab,bc,cd->ad', A[:i], A, A[:, :j])
        if (i + j) // 3 > 2:
            fnp.exp(C)
