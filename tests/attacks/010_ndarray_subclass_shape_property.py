# class: 1 shape lies
# mode: always
# tries: an ndarray subclass (of fnp.ndarray) whose shape property says (1, 1); fnp.dot of two 400x400 ones
# expected (secure): charged 400**3, or refused
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


class Lie(fnp.ndarray):
    @property
    def shape(self):
        return (1, 1)


def attack():
    real = fnp.ones((N, N))
    expected = measure(lambda: fnp.dot(real, real))
    X = real.view(Lie)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        r = fnp.dot(X, X)
    assert fnp.ndarray.shape.__get__(r) == (N, N)
    return {"used": b.flops_used, "expected": expected}


main(attack)
