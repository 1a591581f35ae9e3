# class: 5 leaving the context
# mode: always
# tries: contextvars.Context().run(work) inside the BudgetContext: an empty context has no active budget, so the work goes to the unlimited session default
# expected (secure): refused (BudgetContextError), or charged to the active context
import contextvars

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: A @ A)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        r = contextvars.Context().run(lambda: A @ A)
    assert r.shape == (N, N)
    return {"used": b.flops_used, "expected": expected}


main(attack)
