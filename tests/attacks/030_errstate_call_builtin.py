# class: 3 charged work counted as a refusal
# mode: always
# tries: fnp.errstate(invalid='call', call=len): a builtin handler that raises TypeError from C (no Python frame), so the failed sqrt looks like NumPy refusing its arguments while out= keeps the result
# expected (secure): errstate(call=...) refused with UnsupportedOperationError, or the sqrt charged
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main

N = 10**6


def attack():
    x = fnp.ones(N)
    x[0] = -1.0
    out = fnp.empty(N)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        with fnp.errstate(invalid="call", call=len):
            try:
                fnp.sqrt(x, out=out)
            except TypeError:
                pass
    assert float(out[1]) == 1.0
    return {"used": b.flops_used, "expected": N}


main(attack)
