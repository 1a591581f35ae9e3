"""A triangular loop: the shapes depend on the loop index.

Row block i has i rows, so the loop costs sum over i of 2*i*n FLOPs, plus one
FLOP per iteration for adding the 0-d sum to ``total`` (COST_MODEL v1.1: a counted
op's single value stays metered):
    flopscope analyze examples/triangular.py --shapes n=100
gives n**3 - n**2 + n (990,100 at n = 100).
"""

import flopscope.numpy as fnp

n = 100

total = 0.0
for i in range(n):
    block = fnp.ones((i, n))
    total += fnp.sum(fnp.exp(block))
print(total)
