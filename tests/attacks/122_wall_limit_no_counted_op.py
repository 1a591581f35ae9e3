# class: 8 reliability
# mode: always
# tries: wall_time_limit_s=0.2, then 1 s of solver time with no counted op (sleep): is the limit enforced at __exit__?
# expected (secure): TimeExhaustedError (at the latest at __exit__): outcome refused; leaving silently is 'not_enforced'
import time

import flopscope as flops
from _attack import main


def attack():
    with flops.BudgetContext(flop_budget=10**9, wall_time_limit_s=0.2, quiet=True) as b:
        time.sleep(1.0)
    return {"outcome": "not_enforced", "wall_time_s": b.wall_time_s, "limit": 0.2}


main(attack)
