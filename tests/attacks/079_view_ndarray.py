# class: 6 plain arrays from flopscope's exports
# mode: lockdown
# tries: A.view(fnp.ndarray): a plain view (documented as invisible to the meter); then build a 400x400 matrix from the plain array with its own methods (repeat/reshape) and multiply it with .dot
# expected (secure): under lockdown mode: the route refused (flopscope error), or it yields a metered array so repeat + dot are charged exactly (N*N + N**3)
from _attack import lockdown

lockdown()

import flopscope as flops  # noqa: E402
import flopscope.numpy as fnp  # noqa: E402
from _attack import main, measure  # noqa: E402

N = 400


def work(P):
    M = P.reshape(-1)[:1].astype(float).repeat(N * N).reshape(N, N)
    return M.dot(M)


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: work(fnp.ones(3)))
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        P = A.view(fnp.ndarray)
        R = work(P)
    assert R.shape == (N, N)
    return {"used": b.flops_used, "expected": expected, "route_type": type(P).__name__}


main(attack)
