# class: 8 reliability
# mode: always
# tries: a namespace entered (__enter__) inside a BudgetContext and never left; the context then exits, and the NEXT BudgetContext must still open and charge normally
# expected (secure): the next context opens and charges N**3 (outcome charged); a BudgetContextError there is 'broken'
import flopscope as flops
import flopscope.numpy as fnp
from _attack import is_flopscope_error, main, measure

N = 200


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: A @ A)
    try:
        with flops.BudgetContext(flop_budget=10**12, quiet=True):
            flops.namespace("leak").__enter__()
            A @ A
    except Exception as e:  # noqa: BLE001 - refusing the unbalanced exit is acceptable
        if not is_flopscope_error(e):
            raise
    try:
        with flops.BudgetContext(flop_budget=10**12, quiet=True) as b2:
            A @ A
    except Exception as e:  # noqa: BLE001
        return {"outcome": "broken", "error": f"{type(e).__name__}: {e}"[:200]}
    return {"used": b2.flops_used, "expected": expected}


main(attack)
