# class: 3 charged work counted as a refusal
# mode: always
# tries: fnp.errstate(invalid='raise'): fnp.sqrt(x, out=out) raises FloatingPointError after computing into out=
# expected (secure): charged N per call (the work ran; documented)
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main

N = 10**6


def attack():
    x = fnp.ones(N)
    x[0] = -1.0
    out = fnp.empty(N)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        with fnp.errstate(invalid="raise"):
            for _ in range(3):
                try:
                    fnp.sqrt(x, out=out)
                except FloatingPointError:
                    pass
    assert float(out[1]) == 1.0
    return {"used": b.flops_used, "expected": 3 * N}


main(attack)
