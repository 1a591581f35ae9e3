# class: 6 plain arrays from flopscope's exports
# mode: always
# tries: rng._impl: the plain numpy Generator inside flopscope's metered Generator; sample 10**7 normals from it
# expected (secure): refused, or charged numel(output) = 10**7
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 10**7


def attack():
    rng = fnp.random.default_rng(0)
    expected = measure(lambda: rng.standard_normal(N))
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        r = rng._impl.standard_normal(N)
    assert r.size == N
    return {"used": b.flops_used, "expected": expected}


main(attack)
