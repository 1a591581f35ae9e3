# class: 4 static arguments read twice
# mode: always
# tries: fnp.fft.fft(x, n=Flip(2, 2**20)): priced with one n, run with another
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
    x = fnp.ones(2**20)
    with flops.BudgetContext(flop_budget=10**13, quiet=True) as b:
        r = fnp.fft.fft(x, n=Flip(2, 2**20))
    actual = r.shape[0]  # the value NumPy actually used, read off the result
    expected = measure(lambda: fnp.fft.fft(x, n=actual))
    return {"used": b.flops_used, "expected": expected, "value_used": actual}


main(attack)
