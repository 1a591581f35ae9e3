# class: 6 plain arrays from flopscope's exports
# mode: lockdown
# tries: fnp.ndarray.dot(A, A): ndarray's own C method on metered arrays, no dispatch (documented as invisible)
# expected (secure): under flops.lockdown(): refused, or charged N**3
from _attack import lockdown

lockdown()

import flopscope as flops  # noqa: E402
import flopscope.numpy as fnp  # noqa: E402
from _attack import main, measure  # noqa: E402

N = 400


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: A @ A)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        R = fnp.ndarray.dot(A, A)
    assert float(R[0, 0]) == N
    return {"used": b.flops_used, "expected": expected}


main(attack)
