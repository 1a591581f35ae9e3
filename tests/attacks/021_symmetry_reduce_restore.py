# class: 2 forged symmetry
# mode: always
# tries: take the restore function from a genuine SymmetricTensor's __reduce__() and call it on non-symmetric data: a tagged SymmetricTensor without the check
# expected (secure): SymmetryError, or the non-symmetric work charged in full
import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


def attack():
    A = np.random.default_rng(0).standard_normal((N, N))
    expected = measure(lambda: (fnp.exp(A), fnp.sum(A)))
    restore, (data, groups) = flops.as_symmetric(fnp.eye(3)).__reduce__()
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        S = restore(A.copy(), groups)
        e = fnp.exp(S)
        fnp.sum(S)
    assert np.allclose(e, np.exp(A))
    return {"used": b.flops_used, "expected": expected}


main(attack)
