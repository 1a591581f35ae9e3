# class: 7 writable ledger / price table
# mode: lockdown
# tries: find the harness's BudgetContext with gc and object.__setattr__(ctx, '_ledger', fresh_ledger) after the work, so ctx.flops_used reads a clean ledger
# expected (secure): under lockdown mode: the tampering refused (LockdownError / AttributeError from flopscope / BudgetContextError), or the 400x400 matmul (and inv) still charged exactly to the harness's context
from _attack import lockdown

lockdown()

import flopscope as flops  # noqa: E402
import flopscope.numpy as fnp  # noqa: E402
from _attack import main, measure  # noqa: E402

N = 400


def attack():
    A = fnp.eye(N) * 2.0
    expected = measure(lambda: (A @ A, fnp.linalg.inv(A)))
    fnp.linalg.inv(fnp.eye(3))  # warm the caches (outside any context: the unlimited default)
    import gc
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        pass
        A @ A
        fnp.linalg.inv(A)
        for ctx in [o for o in gc.get_objects() if type(o) is flops.BudgetContext and o.active]:
            object.__setattr__(ctx, '_ledger', flops.BudgetContext(1)._ledger)
    return {"used": b.flops_used, "expected": expected}


main(attack)
