# class: 4 static arguments read twice
# mode: always
# tries: rng.standard_normal(size=Flip(1, 10**7)) and fnp.random.standard_normal(size=Flip(1, 10**7))
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
    rng = fnp.random.default_rng(0)
    with flops.BudgetContext(flop_budget=10**13, quiet=True) as b:
        r = (rng.standard_normal(size=Flip(1, 10**7)), fnp.random.standard_normal(size=Flip(1, 10**7)))
    actual = (r[0].size, r[1].size)  # the value NumPy actually used, read off the result
    expected = measure(lambda: (rng.standard_normal(size=actual[0]), fnp.random.standard_normal(size=actual[1])))
    return {"used": b.flops_used, "expected": expected, "value_used": actual}


main(attack)
