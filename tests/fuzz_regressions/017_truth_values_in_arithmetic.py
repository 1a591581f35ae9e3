# shapes: n=1,m=1,k=1
# A comparison of Python numbers is a bool, and Python adds bools as 0 and 1: the
# analyzer crashed adding SymPy's false to 0.0 (TypeError inside SymPy).
import flopscope.numpy as fnp


def h1(X, c):
    acc1 = 0.0
    for i in range(n):
        s2 = c * c + 1.0
        if i > 2:
            break
        acc1 = acc1 + (c > c)
    return fnp.exp(X) * acc1


A6 = fnp.ones((1,))
A7 = h1(A6, 2.0)
B = fnp.ones((n > 3) * 2 + 1)
