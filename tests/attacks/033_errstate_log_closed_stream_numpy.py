# class: 3 charged work counted as a refusal
# mode: always
# tries: 'log' mode with a CLOSED io.StringIO as the log (numpy.seterrcall(stream)): stream.write raises ValueError from C after the work, so fnp.log(x, out=out) looks refused and costs nothing
# expected (secure): fnp.log charged N per call, or refused by flopscope
import io

import numpy as np  # only to configure error reporting: the work is a metered fnp call

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main

N = 10**6


def attack():
    x = fnp.zeros(N) + 2.0
    x[0] = 0.0
    out = fnp.empty(N)
    stream = io.StringIO()
    stream.close()
    np.seterrcall(stream)
    used0 = None
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        used0 = b.flops_used
        with np.errstate(divide="log"):
            for _ in range(5):
                try:
                    fnp.log(x, out=out)
                except ValueError:
                    pass
    assert abs(float(out[1]) - 0.6931471805599453) < 1e-12
    return {"used": b.flops_used - used0, "expected": 5 * N}


main(attack)
