# class: 5 leaving the context
# mode: always
# tries: pop the harness's context with a stray namespace __exit__, then open the solver's OWN BudgetContext(10**15) for the heavy work, then push a namespace back
# expected (secure): the stray __exit__ or the nested BudgetContext refused, or the work charged to the harness's context
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: A @ A)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as harness:
        flops.namespace("x").__exit__(None, None, None)
        with flops.BudgetContext(flop_budget=10**15, quiet=True):
            A @ A
    return {"used": harness.flops_used, "expected": expected}


main(attack)
