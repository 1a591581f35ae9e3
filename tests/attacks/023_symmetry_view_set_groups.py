# class: 2 forged symmetry
# mode: always
# tries: A.view(flops.SymmetricTensor) on a non-symmetric metered array, then assign ._groups = ((0, 1),) on the instance
# expected (secure): refused (SymmetryError / AttributeError from flopscope), or full price
import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


def attack():
    A = np.random.default_rng(2).standard_normal((N, N))
    expected = measure(lambda: fnp.einsum("ij,jk->ik", A, A.copy()))
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        S = fnp.asarray(A).view(flops.SymmetricTensor)  # asarray: N*N
        S._groups = ((0, 1),)
        r = fnp.einsum("ij,jk->ik", S, S)
    assert np.allclose(r, A @ A)
    return {"used": b.flops_used - N * N, "expected": expected}


main(attack)
