# shapes: n=3,m=5,k=2
# Induction's second pass sets every carried variable (here R, which grows by one
# row per iteration) to its value as a function of the loop index before it runs the
# body. When the pass failed (B doubles: not a fixed step) only the variables that
# broke it were restored, so R kept a shape in the loop index after the loop: the
# index leaked into the total (value None, labelled exact).
import flopscope.numpy as fnp

R = fnp.zeros((0, k))
B = fnp.ones((2,))
for i in range(n):
    B = fnp.concatenate([B, B])
    R = fnp.concatenate([R, fnp.ones((1, k))], axis=0)
fnp.exp(R)
fnp.sum(B)
