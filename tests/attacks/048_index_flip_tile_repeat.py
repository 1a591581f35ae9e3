# class: 4 static arguments read twice
# mode: always
# tries: fnp.tile(x, Flip(1, 10**6)) and fnp.repeat(x, Flip(1, 10**6)) on 10 elements
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
    x = fnp.ones(10)
    with flops.BudgetContext(flop_budget=10**13, quiet=True) as b:
        r = (fnp.tile(x, Flip(1, 10**6)), fnp.repeat(x, Flip(1, 10**6)))
    actual = (r[0].size // 10, r[1].size // 10)  # the value NumPy actually used, read off the result
    expected = measure(lambda: (fnp.tile(x, actual[0]), fnp.repeat(x, actual[1])))
    return {"used": b.flops_used, "expected": expected, "value_used": actual}


main(attack)
