# class: 7 writable ledger / price table
# mode: lockdown
# tries: rewrite the per-op price caches reachable through closures (fnp.matmul/fnp.linalg.inv __closure__ -> handler.cache) to cost 0
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
    def zero(f):
        for cell in f.__closure__:
            c = cell.cell_contents
            caches = [c] if isinstance(c, dict) else [getattr(c, 'cache', None)]
            for cache in caches:
                if isinstance(cache, dict):
                    for k, v in list(cache.items()):
                        if isinstance(v, tuple) and v and isinstance(v[0], int):
                            cache[k] = (0,) + v[1:]
    A @ A
    fnp.linalg.inv(A)
    zero(fnp.matmul)
    zero(fnp.linalg.inv)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        pass
        A @ A
        fnp.linalg.inv(A)
        pass
    return {"used": b.flops_used, "expected": expected}


main(attack)
