# class: 1 shape lies
# mode: always
# tries: an object whose .shape says (1, 1) while __array__ hands fnp.tensordot(L, L, axes=1) the real np.ones((N, N)) data (N=300)
# expected (secure): charged what the honest call on the real data costs, or refused
import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 300


class Liar:
    def __init__(self, data, shape):
        self._data, self.shape, self.ndim = data, shape, len(shape)

    def __array__(self, dtype=None, copy=None):
        return self._data


def attack():
    real = np.ones((N, N))
    expected = measure(lambda: fnp.tensordot(real, real, axes=1))
    L = Liar(real, (1, 1))
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        r = fnp.tensordot(L, L, axes=1)
    r0 = r[0] if isinstance(r, tuple) else r
    assert np.shape(r0) == (N, N), np.shape(r0)
    return {"used": b.flops_used, "expected": expected}


main(attack)
