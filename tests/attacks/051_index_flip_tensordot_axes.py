# class: 4 static arguments read twice
# mode: always
# tries: fnp.tensordot(A, B, axes=Flip(0, 1)) on 1000x1000: axes=0 is an outer product (10**12 outputs, refused by the budget) and axes=1 a matmul: whichever runs must be what is charged
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
    A = fnp.ones((1000, 1000))
    with flops.BudgetContext(flop_budget=10**13, quiet=True) as b:
        r = fnp.tensordot(A, A, axes=Flip(1, 2))
    actual = r.ndim  # the value NumPy actually used, read off the result
    expected = measure(lambda: fnp.tensordot(A, A, axes=2 if actual == 0 else 1))
    return {"used": b.flops_used, "expected": expected, "value_used": actual}


main(attack)
