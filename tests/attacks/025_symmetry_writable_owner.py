# class: 2 forged symmetry
# mode: always
# tries: reach the read-only data owner behind a SymmetricTensor (fnp.ndarray.base.__get__(S)), flip flags.writeable back on, write non-symmetric values, then reduce/einsum at the discount
# expected (secure): refused (cannot make it writeable / flopscope error), or full price
import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


def attack():
    A = np.random.default_rng(4).standard_normal((N, N))
    expected = measure(lambda: fnp.einsum("ij,jk->ik", A, A.copy()))
    S = flops.as_symmetric(fnp.zeros((N, N)))
    owner = fnp.ndarray.base.__get__(S)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        try:
            owner.flags.writeable = True
            owner[...] = A
            forged = True
        except ValueError:  # NumPy will not make it writeable: nothing forged
            forged = False
        r = fnp.einsum("ij,jk->ik", S, S)
    if not forged:  # the data stayed symmetric: the honest price is the discounted one
        expected = measure(lambda: fnp.einsum("ij,jk->ik", S, S))
    else:
        assert np.allclose(r, A @ A)
    return {"used": b.flops_used, "expected": expected, "forged": forged}


main(attack)
