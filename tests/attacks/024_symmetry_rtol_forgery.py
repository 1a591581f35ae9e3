# class: 2 forged symmetry
# mode: always
# tries: hide a non-symmetric part D (|D| ~ 1e3) under a symmetric 1e10 offset so allclose's relative 1e-5 passes, declare it, subtract the (declared) offset: the tag survives on the non-symmetric remainder, which is then einsum'd at the discount
# expected (secure): SymmetryError, or the einsum charged at the non-symmetric price
import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


def attack():
    D = np.random.default_rng(3).standard_normal((N, N)) * 1e3
    big = np.full((N, N), 1e10)
    expected = measure(lambda: fnp.einsum("ij,kj->ik", D, D.copy()))
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        S = flops.as_symmetric(big + D)
        B = flops.as_symmetric(big)
        R = S - B  # pointwise on two symmetric operands: tagged symmetric again
        before = b.flops_used
        r = fnp.einsum("ij,kj->ik", R, R)
    assert not np.allclose(np.asarray(R), np.asarray(R).T)
    return {"used": b.flops_used - before, "expected": expected}


main(attack)
