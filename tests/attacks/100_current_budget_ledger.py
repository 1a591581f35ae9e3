# class: 7 writable ledger / price table
# mode: always
# tries: flops.current_budget()._ledger: the live Ledger behind the read-only view; set .used = 0 after the work
# expected (secure): under always mode: the tampering refused (LockdownError / AttributeError from flopscope / BudgetContextError), or the 400x400 matmul (and inv) still charged exactly to the harness's context
import flopscope as flops  # noqa: E402
import flopscope.numpy as fnp  # noqa: E402
from _attack import main, measure  # noqa: E402

N = 400


def attack():
    A = fnp.eye(N) * 2.0
    expected = measure(lambda: (A @ A, fnp.linalg.inv(A)))
    fnp.linalg.inv(fnp.eye(3))  # warm the caches (outside any context: the unlimited default)
    pass
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        led = flops.current_budget()._ledger
        A @ A
        fnp.linalg.inv(A)
        led.used = 0
    return {"used": b.flops_used, "expected": expected}


main(attack)
