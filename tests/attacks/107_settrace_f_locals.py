# class: 7 writable ledger / price table
# mode: lockdown
# tries: sys.settrace: a tracer that rewrites the local 'cost' to 0 in flopscope's dispatch frames (Python writes a trace function's f_locals back)
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
    import sys

    def tracer(frame, event, arg):
        if 'flopscope' in frame.f_code.co_filename:
            def local(fr, ev, a):
                if 'cost' in fr.f_locals and isinstance(fr.f_locals['cost'], int):
                    fr.f_locals['cost'] = 0
                return local
            return local
        return None
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        sys.settrace(tracer)
        A @ A
        fnp.linalg.inv(A)
        sys.settrace(None)
    return {"used": b.flops_used, "expected": expected}


main(attack)
