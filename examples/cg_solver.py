"""A linear-algebra solver: conjugate gradient for A x = y, a fixed number of steps.

Each step costs one matrix-vector product (n**2) and a handful of vector
operations (n each):
    flopscope analyze examples/cg_solver.py --shapes n=200,steps=25
"""

import flopscope.numpy as fnp

n = 200
steps = 25

M = fnp.ones((n, n)) * 0.01 + fnp.eye(n)   # a symmetric positive definite matrix
A = M.T @ M
y = fnp.ones(n)

x = fnp.zeros(n)
r = y - A @ x
p = r.copy()
rs = fnp.dot(r, r)
for k in range(steps):
    Ap = A @ p
    alpha = rs / fnp.dot(p, Ap)
    x = x + alpha * p
    r = r - alpha * Ap
    rs_new = fnp.dot(r, r)
    p = r + (rs_new / rs) * p
    rs = rs_new
print(float(fnp.sum(x)))
