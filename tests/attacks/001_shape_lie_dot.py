# class: 1 shape lies
# mode: always
# tries: an object whose .shape says (1, 1) while __array__ hands fnp.dot a 400x400 matrix
# expected (secure): charged 400**3 (what fnp.dot costs on the real data), or refused
import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


class Liar:
    def __init__(self, data, shape):
        self._data, self.shape, self.ndim = data, shape, len(shape)

    def __array__(self, dtype=None, copy=None):
        return self._data


def attack():
    real = np.ones((N, N))
    expected = measure(lambda: fnp.dot(real, real))
    L = Liar(real, (1, 1))
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        r = fnp.dot(L, L)
    assert np.shape(r) == (N, N)
    return {"used": b.flops_used, "expected": expected}


main(attack)
