# class: 3 charged work counted as a refusal
# mode: always
# tries: set NumPy's error callback to a C builtin (numpy.seterrcall(len), 'call' mode via numpy.errstate); the metered fnp.sqrt(x, out=out) then fails with a TypeError that has no Python frame, looks like an argument refusal, and is not charged, though out= holds the result
# expected (secure): the fnp.sqrt call charged N (the work ran), or refused with a flopscope error before running
import numpy as np  # only to configure error reporting: the work is a metered fnp call

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main

N = 10**6


def attack():
    x = fnp.ones(N)
    x[0] = -1.0
    out = fnp.empty(N)
    np.seterrcall(len)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        with np.errstate(invalid="call"):
            for _ in range(5):
                try:
                    fnp.sqrt(x, out=out)
                except TypeError:
                    pass
    assert float(out[N - 1]) == 1.0
    return {"used": b.flops_used, "expected": 5 * N}


main(attack)
