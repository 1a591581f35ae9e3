# class: 2 forged symmetry
# mode: always
# tries: declare a NON-symmetric 400x400 matrix symmetric after scaling it by 2**-30 (every deviation is below allclose's absolute 1e-8), scale it back (the pointwise result keeps the tag), then einsum it with itself at the symmetric discount
# expected (secure): as_symmetric raises SymmetryError, or the work is charged at the non-symmetric price
import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


def attack():
    A = np.random.default_rng(0).standard_normal((N, N))  # far from symmetric
    expected = measure(lambda: fnp.einsum("ij,kj->ik", A * 2.0**-30 * 2.0**30, A.copy()))
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        S = flops.as_symmetric(fnp.asarray(A) * 2.0**-30)  # 160,000 charged for the scaling
        S2 = S * 2.0**30
        r = fnp.einsum("ij,kj->ik", S2, S2)
    assert np.allclose(r, A @ A.T)
    return {"used": b.flops_used - N * N, "expected": expected}


main(attack)
