# class: 5 leaving the context (threads)
# mode: lockdown
# tries: concurrent.futures.ThreadPoolExecutor inside the BudgetContext runs four 400x400 matmuls in pool threads (charged to the session default)
# expected (secure): under flops.lockdown(): the pool refused (LockdownError), or the work charged to the context
from _attack import lockdown

lockdown()

import concurrent.futures  # noqa: E402

import flopscope as flops  # noqa: E402
import flopscope.numpy as fnp  # noqa: E402
from _attack import main, measure  # noqa: E402

N = 400


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: [A @ A for _ in range(4)])
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            rs = list(ex.map(lambda _: A @ A, range(4)))
    assert len(rs) == 4
    return {"used": b.flops_used, "expected": expected}


main(attack)
