# shapes: n=3,m=1,k=8
# keepdims=True reached the shape rules as SymPy's true, not Python's True: the
# analyzer dropped the kept axis, then refused the einsum (FS108) and the helper's
# X.shape[1] (the runtime charged both).
import flopscope.numpy as fnp


def h1(X):
    return fnp.negative(X) + X.shape[1]


A2 = fnp.ones((3, 4))
A3 = fnp.zeros((m, 3))
A8 = A2.std(axis=1, keepdims=True)
A9 = fnp.einsum('ab,ac->b', A8, fnp.ones((3, 3)))
B8 = fnp.sum(A2, axis=0, keepdims=True)
B9 = B8 @ fnp.ones((4, n))
A10 = fnp.dot(A3, A8)
A11 = h1(A10)
