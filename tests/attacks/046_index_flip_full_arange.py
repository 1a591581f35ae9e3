# class: 4 static arguments read twice
# mode: always
# tries: fnp.full((Flip(1, 3000), 3000), 1.0) and fnp.arange(Flip(1, 10**7))
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
    pass
    with flops.BudgetContext(flop_budget=10**13, quiet=True) as b:
        r = (fnp.full((Flip(1, 3000), 3000), 1.0), fnp.arange(Flip(1, 10**7)))
    actual = (r[0].shape, r[1].size)  # the value NumPy actually used, read off the result
    expected = measure(lambda: (fnp.full(actual[0], 1.0), fnp.arange(actual[1])))
    return {"used": b.flops_used, "expected": expected, "value_used": actual}


main(attack)
