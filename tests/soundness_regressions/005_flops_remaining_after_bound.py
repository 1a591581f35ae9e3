# shapes: n=8
# seeds: 0, 1, 2, 3
# flops_remaining after a branch on data sized a loop whose sites were labelled exact
import flopscope as flops
import flopscope.numpy as fnp

SEED = 0
rng = fnp.random.default_rng(SEED)
x = rng.standard_normal(n)
A = rng.standard_normal((n, n))
with flops.BudgetContext(flop_budget=2000, quiet=True):
    if float(fnp.sum(x)) > 0.0:
        y = fnp.exp(A)
    left = flops.current_budget().flops_remaining
    for i in range(left // (4 * n)):
        z = fnp.tanh(x)
