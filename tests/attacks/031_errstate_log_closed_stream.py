# class: 3 charged work counted as a refusal
# mode: always
# tries: fnp.errstate(all='log') / fnp.seterr(all='log'): NumPy writes to the log object, which can be a closed stream whose .write raises ValueError from C
# expected (secure): 'log' mode refused with UnsupportedOperationError, or the work charged
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main

N = 10**6


def attack():
    x = fnp.zeros(N)
    out = fnp.empty(N)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        with fnp.errstate(all="log"):
            try:
                fnp.log(x, out=out)
            except ValueError:
                pass
    return {"used": b.flops_used, "expected": N}


main(attack)
