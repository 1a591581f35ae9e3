# class: 8 reliability
# mode: always
# tries: a fully symmetric rank-11 tensor (2,)*11 einsum'd with itself under wall_time_limit_s=2: pricing the orbits (11! permutations) must not run unbounded before any limit check
# expected (secure): priced within the wall limit + 3 s and charged exactly what flops.einsum_cost gives for it (same table), or refused by flopscope in time; "slow"/"hang" otherwise
import signal
import time

import flopscope as flops
import flopscope.numpy as fnp
from _attack import is_flopscope_error, main

LIMIT = 2.0


class Hang(Exception):
    pass


def on_alarm(*_):
    raise Hang()


def attack():
    T = flops.as_symmetric(fnp.ones((2,) * 11), symmetry=tuple(range(11)))
    subs = "abcdefghijk,abcdefghijk->"
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(40)
    t0 = time.perf_counter()
    try:
        with flops.BudgetContext(flop_budget=10**12, wall_time_limit_s=LIMIT, quiet=True) as b:
            fnp.einsum(subs, T, T)
    except Hang:
        return {"outcome": "hang", "seconds": 40}
    except Exception as e:  # noqa: BLE001
        dt = time.perf_counter() - t0
        if is_flopscope_error(e) and dt <= LIMIT + 3:
            return {"outcome": "refused", "error": f"{type(e).__name__}: {e}"[:200], "flopscope_error": True, "seconds": dt}
        return {"outcome": "slow" if dt > LIMIT + 3 else "error", "error": f"{type(e).__name__}: {e}"[:200], "seconds": dt}
    finally:
        signal.alarm(0)
    dt = time.perf_counter() - t0
    if dt > LIMIT + 3:
        return {"outcome": "slow", "seconds": dt, "used": b.flops_used}
    # the honest price is what the cost table says for this call (flops.einsum_cost, same rules)
    expected = flops.einsum_cost(subs, shapes=[(2,) * 11] * 2, symmetry=[tuple(range(11))] * 2, identity=[0, 0])
    return {"used": b.flops_used, "expected": expected, "seconds": dt}


main(attack)
