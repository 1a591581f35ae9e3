# shapes: n=2,m=3,k=5
# An einsum of three operands whose sizes depend on the loop indices: its order was
# chosen at assumed (midpoint) sizes and the whole result labelled an upper bound,
# with no diagnostic (the FS106 note was never emitted).
import flopscope.numpy as fnp

A4 = fnp.ones((1,))
for i in range(n + 1):
    for j in range(n):
        A6 = fnp.full([i, k + n, j], 0.5)
        A7 = fnp.einsum('a,bcd,a->cb', A4, A6, A4)
A1 = fnp.ones((4, m + 2))
A2 = fnp.expand_dims(A1, 0)
for i in range(n + 1):
    A3 = fnp.concatenate([A1, fnp.full((4, i), 2.0)], axis=-1)
    A5 = fnp.einsum('ab,ac,ab->b', A3, A1, A3)
