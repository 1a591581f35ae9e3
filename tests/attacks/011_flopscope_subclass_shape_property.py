# class: 1 shape lies
# mode: always
# tries: a flops.FlopscopeArray subclass whose shape property says (2, 2); fnp.linalg.inv and fnp.linalg.solve on 300x300
# expected (secure): charged 2 * 300**3, or refused
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 300


class Lie(flops.FlopscopeArray):
    @property
    def shape(self):
        return (2, 2)


def attack():
    real = fnp.eye(N) * 2.0
    expected = measure(lambda: (fnp.linalg.inv(real), fnp.linalg.solve(real, real)))
    X = real.view(Lie)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        r = fnp.linalg.inv(X)
        s = fnp.linalg.solve(X, X)
    assert fnp.ndarray.shape.__get__(r) == (N, N) and fnp.ndarray.shape.__get__(s) == (N, N)
    return {"used": b.flops_used, "expected": expected}


main(attack)
