# class: 4 static arguments read twice
# mode: always
# tries: fnp.linalg.matrix_power(A, Flip(2, 1023)) on 300x300 (A = I/2): priced for k=2 (1 product) and run for k=1023 (18 products), or the reverse
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
    A = fnp.eye(300) * 0.5
    with flops.BudgetContext(flop_budget=10**13, quiet=True) as b:
        r = fnp.linalg.matrix_power(A, Flip(2, 2**10 - 1))
    actual = 2 if float(r[0, 0]) == 0.25 else 1023  # the value NumPy actually used, read off the result
    expected = measure(lambda: fnp.linalg.matrix_power(A, actual))
    return {"used": b.flops_used, "expected": expected, "value_used": actual}


main(attack)
