# class: 8 reliability
# mode: always
# tries: wall_time_limit_s=0.3 while looping over FREE fnp ops (zeros, reshape, copy, transpose) for 2 s
# expected (secure): TimeExhaustedError from a free op or at __exit__; 'not_enforced' otherwise
import time

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main


def attack():
    with flops.BudgetContext(flop_budget=10**9, wall_time_limit_s=0.3, quiet=True) as b:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 2.0:
            Z = fnp.zeros((500, 500))
            fnp.copy(Z).reshape(-1)
            fnp.transpose(Z)
    return {"outcome": "not_enforced", "wall_time_s": b.wall_time_s, "limit": 0.3}


main(attack)
