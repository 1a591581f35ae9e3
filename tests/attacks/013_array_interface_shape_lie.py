# class: 1 shape lies
# mode: always
# tries: an object exposing __array_interface__ (real 300x300 data) and a lying .shape (1, 1), passed to fnp.linalg.solve and fnp.linalg.det
# expected (secure): charged 2 * 300**3, or refused
import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 300


class Iface:
    def __init__(self, data):
        self._data = data
        self.__array_interface__ = data.__array_interface__
        self.shape = (1, 1)


def attack():
    real = np.eye(N) * 2.0
    expected = measure(lambda: (fnp.linalg.solve(real, real), fnp.linalg.det(real)))
    L = Iface(real)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        s = fnp.linalg.solve(L, L)
        fnp.linalg.det(L)
    assert np.shape(s) == (N, N)
    return {"used": b.flops_used, "expected": expected}


main(attack)
