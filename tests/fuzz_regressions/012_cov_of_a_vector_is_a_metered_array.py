# shapes: n=5,m=1,k=5
# cov of a 1-D array returns a 0-d array, not a NumPy scalar (like cross, i0 and
# real_if_close): the runtime keeps it metered, so `acc + fnp.cov(A1)` charges 1
# per iteration. The analyzer took the result for a free NumPy scalar (0, not 6).
import flopscope.numpy as fnp

A1 = fnp.ones((m,))
acc2 = 0
for i in range(n, -1, -1):
    acc2 = acc2 + fnp.cov(A1)
