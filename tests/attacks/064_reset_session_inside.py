# class: 5 leaving the context
# mode: always
# tries: flops.reset_session() inside the BudgetContext after the work, hoping the context forgets it
# expected (secure): the context's flops_used unchanged (charged)
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: A @ A)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        A @ A
        flops.reset_session()
    return {"used": b.flops_used, "expected": expected}


main(attack)
