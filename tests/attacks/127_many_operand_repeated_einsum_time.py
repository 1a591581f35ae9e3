# class: 8 reliability
# mode: always
# tries: a 9-operand einsum chain with the SAME array 9 times (symmetry search over repeated operands) under wall_time_limit_s=2
# expected (secure): priced and charged/refused within the limit + 3 s; 'slow'/'hang' otherwise
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
    A = fnp.ones((4, 4))
    subs = "ab,bc,cd,de,ef,fg,gh,hi,ij->aj"
    ops = [A] * 9
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(40)
    t0 = time.perf_counter()
    try:
        with flops.BudgetContext(flop_budget=10**12, wall_time_limit_s=LIMIT, quiet=True) as b:
            fnp.einsum(subs, *ops)
    except Hang:
        return {"outcome": "hang", "seconds": 40}
    except Exception as e:  # noqa: BLE001
        dt = time.perf_counter() - t0
        if is_flopscope_error(e) and dt <= LIMIT + 3:
            return {"outcome": "refused", "error": f"{type(e).__name__}: {e}"[:200], "flopscope_error": True}
        return {"outcome": "slow" if dt > LIMIT + 3 else "error", "error": f"{type(e).__name__}: {e}"[:200], "seconds": dt}
    finally:
        signal.alarm(0)
    dt = time.perf_counter() - t0
    if dt > LIMIT + 3:
        return {"outcome": "slow", "seconds": dt, "used": b.flops_used}
    return {"outcome": "charged", "used": b.flops_used, "expected": b.flops_used, "seconds": dt,
            "note": "timing attack: any price within the limit counts"}


main(attack)
