# shapes: n=6,m=3,k=6
# solve of a batch of 1 x 1 systems with i right-hand sides, i the loop index: at i = 0
# the output is empty and the runtime charges 0. The rule's n^3 per matrix does not
# vanish there by itself, so the summed formula counted i = 0 too (18 instead of 12).
import flopscope.numpy as fnp

A = fnp.eye(1) * 3.0 + fnp.zeros((m, 1, 1))
for i in range(3):
    X = fnp.linalg.solve(A, fnp.ones((m, 1, i)))
