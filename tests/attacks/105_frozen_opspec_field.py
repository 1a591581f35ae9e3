# class: 7 writable ledger / price table
# mode: lockdown
# tries: object.__setattr__ on the frozen OpSpec of matmul and linalg.inv: category = 'free' (its cost() then returns 0)
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
    object.__setattr__(fnp.linalg.inv.spec, 'category', 'free')
    object.__setattr__(fnp.matmul.spec, 'category', 'free')
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        pass
        A @ A
        fnp.linalg.inv(A)
        pass
    return {"used": b.flops_used, "expected": expected}


main(attack)
