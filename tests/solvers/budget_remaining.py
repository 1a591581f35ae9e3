"""Size a final loop from what the budget has left after a data-dependent try/except."""
import flopscope as flops
import flopscope.numpy as fnp

B = 200_000


def factor(S):
    try:
        return fnp.linalg.cholesky(S)
    except fnp.linalg.LinAlgError:
        lam, U = fnp.linalg.eigh(S)
        lam = fnp.maximum(lam, 1e-3)
        return U * fnp.sqrt(lam)[None, :]


with flops.BudgetContext(flop_budget=B):
    rng = fnp.random.default_rng(0)
    X = rng.standard_normal((n, n))
    S = X.T @ X / n
    Lc = factor(S)
    per_step = n * n + n
    left = flops.current_budget().flops_remaining
    steps = int(0.9 * left) // per_step
    acc = fnp.zeros(n)
    for i in range(steps):
        z = rng.standard_normal(n)
        acc = acc + Lc @ z
