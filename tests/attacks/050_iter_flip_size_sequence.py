# class: 4 static arguments read twice
# mode: always
# tries: size= given as a Sequence whose iteration answers (1,) the first time and (3000, 3000) afterwards (fnp.random.standard_normal, rng.random, fnp.zeros+fnp.add broadcasting not involved)
# expected (secure): charged what the honest call with the shape NumPy used costs, or refused
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure


class Shape:
    def __init__(self):
        self.reads = 0

    def __len__(self):
        return 1 if self.reads == 0 else 2

    def __iter__(self):
        self.reads += 1
        return iter((1,) if self.reads == 1 else (3000, 3000))

    def __getitem__(self, i):
        return list(iter(self))[i]


def attack():
    rng = fnp.random.default_rng(0)
    with flops.BudgetContext(flop_budget=10**13, quiet=True) as b:
        r = (fnp.random.standard_normal(size=Shape()), rng.random(size=Shape()))
    expected = measure(lambda: (fnp.random.standard_normal(size=r[0].shape), rng.random(size=r[1].shape)))
    return {"used": b.flops_used, "expected": expected, "sizes": [r[0].size, r[1].size]}


main(attack)
