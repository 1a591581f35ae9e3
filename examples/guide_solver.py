"""The competition guide's first example: a budgeted solver and its summary.

Run it with ``python examples/guide_solver.py``; it prints the guide's numbers
(Used: 66,048 of 50,000,000).
"""

import flopscope as flops
import flopscope.numpy as fnp

n = 256

with flops.BudgetContext(flop_budget=50_000_000, namespace="solver") as budget:
    A = fnp.ones((n, n))
    x = fnp.ones((n,))
    h = fnp.einsum("ij,j->i", A, x)
    h = fnp.exp(h)
    result = fnp.sum(h)

print(budget.summary(by_namespace=True))

cost = flops.einsum_cost("ij,jk->ik", shapes=[(256, 256), (256, 256)])
print(f"\nA 256 x 256 matmul will cost {cost:,} FLOPs")
