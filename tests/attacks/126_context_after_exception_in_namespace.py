# class: 8 reliability
# mode: always
# tries: an exception escapes a  that was entered twice by hand and left once, inside a @flops.budget function; the decorator's next call must still charge its own context
# expected (secure): the second call charged (total 2 * N**3), or refused with a flopscope error; 'broken' if the second call fails otherwise
import flopscope as flops
import flopscope.numpy as fnp
from _attack import is_flopscope_error, main, measure

N = 200
A = fnp.ones((N, N))


@flops.budget(flop_budget=10**12, quiet=True)
def solve(fail):
    ns = flops.namespace("p")
    ns.__enter__()
    with ns:
        A @ A
        if fail:
            raise KeyError("boom")


def attack():
    expected = measure(lambda: A @ A)
    try:
        solve(True)
    except KeyError:
        pass
    except Exception as e:  # noqa: BLE001
        if not is_flopscope_error(e):
            raise
    try:
        solve(False)
    except Exception as e:  # noqa: BLE001
        return {"outcome": "broken", "error": f"{type(e).__name__}: {e}"[:200]}
    return {"used": solve.budget_context.flops_used, "expected": 2 * expected}


main(attack)
