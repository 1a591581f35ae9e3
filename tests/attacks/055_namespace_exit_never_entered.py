# class: 5 leaving the context
# mode: always
# tries: inside the harness's BudgetContext, call flops.namespace('x').__exit__(None, None, None) without entering it: it pops the BudgetContext's own frame, and the work after it goes to the unlimited session default
# expected (secure): the stray __exit__ refused (BudgetContextError), or the work still charged to the context
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: A @ A)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        flops.namespace("x").__exit__(None, None, None)
        A @ A
    return {"used": b.flops_used, "expected": expected}


main(attack)
