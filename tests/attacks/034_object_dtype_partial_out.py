# class: 3 charged work counted as a refusal
# mode: always
# tries: object-dtype fnp.multiply(a, b, out=out) where the LAST element is None: the C loop multiplies N-1 Python ints, then int*None raises TypeError from C (no Python frame): looks like a refusal, charged 0, while out= holds N-1 products
# expected (secure): charged N (the loop ran), or refused before running
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main

N = 10**6


def attack():
    a = fnp.empty(N, dtype=object)
    a[:] = 3
    a[N - 1] = None
    out = fnp.empty(N, dtype=object)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        try:
            fnp.multiply(a, a, out=out)
        except TypeError:
            pass
    assert out[N - 2] == 9
    return {"used": b.flops_used, "expected": N}


main(attack)
