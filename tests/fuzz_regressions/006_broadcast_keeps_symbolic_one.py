# shapes: n=2,m=5,k=1
# k = 1 here: broadcasting (k, 1, m + 2) against a scalar gave the literal 1 for k's
# axis. Equal at these sizes, but the loop then saw A2 change shape from one
# iteration to the next; with R11 growing beside it, induction failed and leaked
# the loop index into R11's shape (see 005): value None, labelled exact.
import flopscope.numpy as fnp

A2 = fnp.ones((k, 1, m + 2))
R11 = fnp.zeros((0, k))
for i in range(1, n + 1, 3):
    for j in range(m):
        A2 = A2 + fnp.positive(A2)
    R11 = fnp.concatenate([R11, fnp.ones((1, k))], axis=0)
fnp.exp(R11)
