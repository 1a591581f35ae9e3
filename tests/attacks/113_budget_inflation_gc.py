# class: 7 writable ledger / price table
# mode: lockdown
# tries: find the active Ledger with gc and raise its budget to 10**30, then run 8x the granted budget
# expected (secure): under lockdown: gc refused (LockdownError), else BudgetExhaustedError before the over-budget work
from _attack import lockdown

lockdown()

import gc  # noqa: E402

import flopscope as flops  # noqa: E402
import flopscope.numpy as fnp  # noqa: E402
from _attack import main  # noqa: E402

N = 400


def attack():
    A = fnp.ones((N, N))
    with flops.BudgetContext(flop_budget=N**3, quiet=True) as b:
        for led in [o for o in gc.get_objects() if type(o).__name__ == "Ledger" and getattr(o, "depth", 0) > 0]:
            led.budget = 10**30
        for _ in range(8):
            A @ A
    return {"outcome": "over_budget", "used": b.flops_used, "budget_granted": N**3, "budget_now": b.flop_budget}


main(attack)
