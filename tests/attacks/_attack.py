"""Shared judge for the attack programs in this folder (not an attack itself: files whose
names start with "_" are skipped by tests/test_attacks.py and _table.py).

An attack program imports this module, optionally calls ``lockdown()`` first thing,
then calls ``main(attack)``. ``attack()`` does the adversarial work and returns
``{"used": U, "expected": E}`` (FLOPs the meter charged vs. what the honest call costs)
or a dict with its own ``outcome``. ``main`` prints ONE JSON line:

* {"outcome": "charged", "used": U, "expected": U}          secure
* {"outcome": "refused", "error": "SomeError: ...", ...}     secure iff a flopscope error
* {"outcome": "free" | "undercharged" | "overcharged", ...}  insecure
* {"outcome": <anything else>, ...}                          insecure (broken, hang, error, ...)
"""

from __future__ import annotations

import json
import os
import sys

LOCKDOWN_MISSING = False
BIG = 10**15


def lockdown() -> None:
    """flops.lockdown(), first thing. If this flopscope has none yet, note it and go on,
    so the report still shows what the attack gets without it."""
    global LOCKDOWN_MISSING
    import flopscope as flops

    fn = getattr(flops, "lockdown", None)
    if fn is None:
        LOCKDOWN_MISSING = True
        return
    fn()


def is_flopscope_error(e: BaseException) -> bool:
    mod = type(e).__module__ or ""
    if not mod.startswith("flopscope"):
        return False
    try:
        from flopscope.errors import FlopscopeError
    except Exception:  # noqa: BLE001
        return type(e).__name__.endswith("Error")
    return isinstance(e, FlopscopeError) or type(e).__name__ == "LockdownError"


def measure(work, budget=BIG, **kwargs) -> int:
    """FLOPs an honest ``work()`` is charged in a fresh BudgetContext."""
    import flopscope as flops

    with flops.BudgetContext(flop_budget=budget, quiet=True, **kwargs) as b:
        work()
    return b.flops_used


def classify(used, expected) -> str:
    if used == expected:
        return "charged"
    if used == 0:
        return "free"
    return "undercharged" if used < expected else "overcharged"


def emit(d: dict) -> None:
    if LOCKDOWN_MISSING:
        d["lockdown_missing"] = True
    d["secure"] = (d.get("outcome") == "charged" and d.get("used") == d.get("expected")) or (
        d.get("outcome") == "refused" and bool(d.get("flopscope_error"))
    )
    sys.stdout.write("\n" + json.dumps(d, default=str) + "\n")
    sys.stdout.flush()


def refusal(e: BaseException) -> dict:
    return {"outcome": "refused" if is_flopscope_error(e) else "error",
            "error": f"{type(e).__name__}: {str(e)[:200]}", "flopscope_error": is_flopscope_error(e)}


def main(attack) -> None:
    try:
        r = attack()
    except BaseException as e:  # noqa: BLE001 - the judge reports every failure
        emit(refusal(e))
        os._exit(0)
    if "outcome" not in r:
        r = {"outcome": classify(r["used"], r["expected"]), **r}
    emit(r)
    os._exit(0)  # no atexit/finalizer noise after the verdict
