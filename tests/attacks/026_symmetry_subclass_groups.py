# class: 2 forged symmetry
# mode: always
# tries: subclass flops.SymmetricTensor with a symmetry/_groups class attribute claiming (0, 1) and view non-symmetric data as it
# expected (secure): refused, or charged at the full price
import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


class Fake(flops.SymmetricTensor):
    _groups = ((0, 1),)

    def __array_finalize__(self, obj):
        pass


def attack():
    A = np.random.default_rng(5).standard_normal((N, N))
    expected = measure(lambda: (fnp.einsum("ij,jk->ik", A, A.copy()), fnp.exp(A), fnp.sum(A)))
    X = fnp.asarray(A)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        S = X.view(Fake)
        fnp.einsum("ij,jk->ik", S, S)
        fnp.exp(S)
        fnp.sum(S)
    return {"used": b.flops_used, "expected": expected}


main(attack)
