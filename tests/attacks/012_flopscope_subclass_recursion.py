# class: 1 shape lies
# mode: always
# tries: a FlopscopeArray subclass that defers __array_ufunc__/__array_function__ to super() and re-views results; operators, ufuncs, methods, fnp calls must neither recurse forever nor go uncharged
# expected (secure): charged exactly what the same calls on plain metered arrays cost
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 200


class Sub(flops.FlopscopeArray):
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return super().__array_ufunc__(ufunc, method, *inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return super().__array_function__(func, types, args, kwargs)


def work(X):
    X + X
    X @ X
    fnp.exp(X)
    X.sum()
    fnp.dot(X, X)
    fnp.linalg.inv(X + fnp.eye(N))
    fnp.matmul(X, X)
    -X


def attack():
    real = fnp.ones((N, N))
    expected = measure(lambda: work(real))
    X = real.view(Sub)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        work(X)
    return {"used": b.flops_used, "expected": expected}


main(attack)
