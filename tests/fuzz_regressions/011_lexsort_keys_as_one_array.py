# shapes: n=1,m=1,k=1
# A 2-D array of keys stands for its rows (NumPy and the runtime's binder read it
# so): lexsort(X) of a (2, 1) X sorts by 2 keys of length 1. The analyzer took X
# as one key of shape (2, 1): the result's shape, and the exp after it, were wrong.
import flopscope.numpy as fnp

X = fnp.ones((2, n))
order = fnp.lexsort(X)
fnp.exp(fnp.add(order, 2.0))
rows = fnp.concatenate(fnp.ones((3, m + 1)))
fnp.exp(rows)
