# class: 7 writable ledger / price table
# mode: lockdown
# tries: find flopscope's ACTIVE ContextVar among contextvars.copy_context()'s keys and set it to None: the work goes to the unlimited session default
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
    import contextvars
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        var = next(v for v in contextvars.copy_context() if v.name == 'flopscope_active')
        token = var.set(None)
        A @ A
        fnp.linalg.inv(A)
        var.reset(token)
    return {"used": b.flops_used, "expected": expected}


main(attack)
