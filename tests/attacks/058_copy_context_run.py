# class: 5 leaving the context
# mode: always
# tries: contextvars.copy_context().run(work) in the same thread, inside the BudgetContext
# expected (secure): charged to the context (same thread, same budget)
import contextvars

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: A @ A)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        contextvars.copy_context().run(lambda: A @ A)
    return {"used": b.flops_used, "expected": expected}


main(attack)
