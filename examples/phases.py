"""Namespaces and budgets: a solver split into phases inside one budget.

    flopscope analyze examples/phases.py --shapes n=128,m=64
shows a subtotal per phase and checks the BudgetContext.
"""

import flopscope as flops
import flopscope.numpy as fnp

n = 128
m = 64

with flops.BudgetContext(flop_budget=5_000_000, namespace="solver") as budget:
    X = fnp.ones((n, m))
    with flops.namespace("init"):
        C = X.T @ X                 # m*m*n
        mu = fnp.mean(X, axis=0)    # n*m
    with flops.namespace("solve"):
        Z = X - mu                  # n*m
        S = fnp.einsum("ij,jk->ik", Z, C)   # n*m*m
    with flops.namespace("refine"):
        for _ in range(3):
            S = fnp.tanh(S)         # n*m, three times
        score = fnp.sum(S)

print(budget.summary(by_namespace=True))
