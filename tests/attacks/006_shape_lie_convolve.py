# class: 1 shape lies
# mode: always
# tries: 1-d objects whose .shape says (1,) while __array__ hands fnp.convolve 20000-element vectors
# expected (secure): charged len(a)*len(v) = 4e8, or refused
import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 20000


class Liar:
    def __init__(self, data, shape):
        self._data, self.shape, self.ndim = data, shape, len(shape)

    def __array__(self, dtype=None, copy=None):
        return self._data

    def __len__(self):
        return self.shape[0]


def attack():
    real = np.ones(N)
    expected = measure(lambda: fnp.convolve(real, real))
    L = Liar(real, (1,))
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        r = fnp.convolve(L, L)
    assert np.shape(r) == (2 * N - 1,)
    return {"used": b.flops_used, "expected": expected}


main(attack)
