"""The competition guide's decorator example: a forward pass over `depth` layers.

    flopscope analyze examples/mlp_forward.py --shapes n=256,depth=4
predicts depth*n**2 + depth*n + n FLOPs (263,424 at these sizes).
"""

import flopscope as flops
import flopscope.numpy as fnp

n = 256
depth = 4


@flops.budget(flop_budget=50_000_000, namespace="forward-pass")
def forward(W, x):
    h = x
    for layer in range(depth):
        h = fnp.einsum('ij,j->i', W, h)
        h = fnp.maximum(h, 0)
    return fnp.sum(h)


W = fnp.eye(n)  # free: creation of a constant array
x = fnp.ones((n,))
result = forward(W, x)
flops.budget_summary()
