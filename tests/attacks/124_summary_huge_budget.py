# class: 8 reliability
# mode: always
# tries: BudgetContext(flop_budget=10**400): summary(), summary_dict(), repr, current_budget() and flops.budget_summary() must not crash (float conversion overflow)
# expected (secure): either the constructor refuses it (ValueError / flopscope error: outcome refused) or every report works and the work is charged (outcome charged)
import contextlib
import io

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main


def attack():
    try:
        ctx = flops.BudgetContext(flop_budget=10**400, quiet=True)
    except ValueError as e:
        return {"outcome": "refused", "error": f"ValueError: {e}"[:200], "flopscope_error": True}
    try:
        with ctx as b:
            fnp.ones(10) + 1.0
            repr(flops.current_budget())
            flops.current_budget().flops_remaining
        b.summary()
        b.summary(by_namespace=True)
        b.summary_dict()
        repr(b)
        with contextlib.redirect_stdout(io.StringIO()):
            flops.budget_summary()
    except Exception as e:  # noqa: BLE001
        return {"outcome": "broken", "error": f"{type(e).__name__}: {e}"[:200]}
    return {"used": b.flops_used, "expected": 10}


main(attack)
