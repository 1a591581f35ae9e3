# class: 4 static arguments read twice
# mode: always
# tries: fnp.histogram(x, bins=Flip(2, 2**16)) on 10**6 values
# expected (secure): charged what the honest call with the value NumPy actually used costs (whichever value that was), or refused
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

class Flip:
    """An integer that answers LO the first time it is read and HI every time after."""

    def __init__(self, lo, hi):
        self.lo, self.hi, self.reads = lo, hi, 0

    def __index__(self):
        self.reads += 1
        return self.lo if self.reads == 1 else self.hi

    __int__ = __index__


def attack():
    x = fnp.linspace(0, 1, 10**6)
    with flops.BudgetContext(flop_budget=10**13, quiet=True) as b:
        r = fnp.histogram(x, bins=Flip(2, 2**16))
    actual = r[0].size  # the value NumPy actually used, read off the result
    expected = measure(lambda: fnp.histogram(x, bins=actual))
    return {"used": b.flops_used, "expected": expected, "value_used": actual}


main(attack)
