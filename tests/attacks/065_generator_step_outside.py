# class: 5 leaving the context
# mode: always
# tries: a generator decorated with flops.namespace runs its body per step; the solver pops the context inside the generator step (namespace __exit__), then the decorator re-pushes on resume
# expected (secure): stray exit refused, or the work charged
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400
A = fnp.ones((N, N))


@flops.namespace("phase")
def steps():
    flops.namespace("y").__exit__(None, None, None)  # pops the decorator's frame
    flops.namespace("y").__exit__(None, None, None)  # ... and the BudgetContext's
    yield A @ A
    flops.namespace("y").__enter__()
    flops.namespace("y").__enter__()


def attack():
    expected = measure(lambda: A @ A)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        for _ in steps():
            pass
    return {"used": b.flops_used, "expected": expected}


main(attack)
