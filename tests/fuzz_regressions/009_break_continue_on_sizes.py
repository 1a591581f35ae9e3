# shapes: n=5,m=4,k=3
# break and continue on a loop index or on a size (not on data) made the loop an upper
# bound (FS114): 352 predicted, 192 charged. With every size given, the loop is now
# followed iteration by iteration, where each exit is decided: exact.
import flopscope.numpy as fnp

A = fnp.ones((n, m))
for i in range(n):
    if i > 2:
        break
    fnp.exp(A)
for i in range(m):
    if i % 2 == 0:
        continue
    fnp.sin(A)
for i in range(n):
    fnp.cos(A)
    if n > 3:
        break


def h(X):
    if X.shape[0] > 2:
        return fnp.exp(X)
    return fnp.tanh(X) + X


h(A)
h(A[:1])
B = fnp.ones((1, m))
for i in range(1, n):
    fnp.sum(B)
    B = fnp.ones((i, m))
fnp.exp(B)
