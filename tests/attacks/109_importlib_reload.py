# class: 7 writable ledger / price table
# mode: lockdown
# tries: importlib.reload(flopscope.runtime.ledger) then the dispatch and numpy modules: new ContextVar, new hot path, nothing active
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
    import importlib
    import sys
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        for name in ('flopscope.runtime.ledger', 'flopscope.runtime.dispatch', 'flopscope.runtime.array', 'flopscope.numpy._build', 'flopscope.numpy', 'flopscope.numpy.linalg'):
            importlib.reload(sys.modules[name])
        fnp2 = sys.modules['flopscope.numpy']
        A2 = fnp2.eye(N) * 2.0
        A2 @ A2
        fnp2.linalg.inv(A2)
        del A2
        A @ A
        fnp.linalg.inv(A)
        pass
    return {"used": b.flops_used, "expected": expected}


main(attack)
