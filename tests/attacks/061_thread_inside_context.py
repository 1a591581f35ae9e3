# class: 5 leaving the context (threads)
# mode: lockdown
# tries: threading.Thread started inside the BudgetContext does a 400x400 matmul: the thread does not inherit the context and charges the unlimited session default
# expected (secure): under flops.lockdown(): starting the thread refused (LockdownError), or the work charged to the context
from _attack import lockdown

lockdown()

import threading  # noqa: E402

import flopscope as flops  # noqa: E402
import flopscope.numpy as fnp  # noqa: E402
from _attack import main, measure  # noqa: E402

N = 400


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: A @ A)
    out, errors = [], []

    def work():
        try:
            out.append(A @ A)
        except BaseException as e:  # noqa: BLE001 - re-raised in the main thread
            errors.append(e)

    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        t = threading.Thread(target=work)
        t.start()
        t.join()
    if errors:
        raise errors[0]
    assert out and out[0].shape == (N, N)
    return {"used": b.flops_used, "expected": expected}


main(attack)
