# shapes: n=5,m=3,k=4
# The vectors' length is the symbol m, 3 at these sizes: the runtime computes the
# cross product. The table's rule wanted a literal 2 or 3, so the analyzer reported
# "this call raises at runtime" and left the cost unknown.
import flopscope.numpy as fnp

A = fnp.ones((n, m))
B = fnp.cross(A, A)
fnp.sum(B)
