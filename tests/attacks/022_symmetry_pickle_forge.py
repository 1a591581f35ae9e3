# class: 2 forged symmetry
# mode: always
# tries: hand-craft a pickle whose __reduce__ names flopscope's SymmetricTensor restore function with non-symmetric data; pickle.loads it
# expected (secure): SymmetryError on load, or the work on it charged at the full price
import pickle

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400
restore = flops.as_symmetric(fnp.eye(2)).__reduce__()[0]


class Forge:
    def __init__(self, data):
        self.data = data

    def __reduce__(self):
        return (restore, (self.data, ((0, 1),)))


def attack():
    A = np.random.default_rng(1).standard_normal((N, N))
    expected = measure(lambda: fnp.einsum("ij,jk->ik", A, A.copy()))
    blob = pickle.dumps(Forge(A))
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        S = pickle.loads(blob)
        r = fnp.einsum("ij,jk->ik", S, S)
    assert np.allclose(r, A @ A)
    return {"used": b.flops_used, "expected": expected}


main(attack)
