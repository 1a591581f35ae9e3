# class: 5 leaving the context
# mode: always
# tries: inside a @flops.budget function, call fn.budget_context.__exit__(None, None, None) and do the work after it (then re-enter so the wrapper's exit balances)
# expected (secure): the early __exit__ refused, or the work charged to fn.budget_context
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400
A = fnp.ones((N, N))


@flops.budget(flop_budget=10**12, quiet=True)
def solve():
    ctx = solve.budget_context
    ctx.__exit__(None, None, None)
    r = A @ A
    ctx.__enter__()
    return r


def attack():
    expected = measure(lambda: A @ A)
    solve()
    return {"used": solve.budget_context.flops_used, "expected": expected}


main(attack)
