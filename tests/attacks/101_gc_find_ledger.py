# class: 7 writable ledger / price table
# mode: lockdown
# tries: gc.get_objects() to find the active Ledger, then set .used = 0 after the work
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
        leds = [o for o in gc.get_objects() if type(o).__name__ == 'Ledger' and getattr(o, 'depth', 0) > 0]
        A @ A
        fnp.linalg.inv(A)
        for led in leds:
            led.used = 0
    return {"used": b.flops_used, "expected": expected}


main(attack)
