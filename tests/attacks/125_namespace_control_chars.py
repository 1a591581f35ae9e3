# class: 8 reliability
# mode: always
# tries: namespace names with control characters (newline, ESC[2J, carriage return, NUL) to forge lines in the summary a harness prints/logs
# expected (secure): refused at construction (ValueError / flopscope error) or rendered escaped (no raw control characters in summary text)
import flopscope as flops
import flopscope.numpy as fnp
from _attack import main

BAD = "x\n  TOTAL flops used: 0\r\x1b[2J\x00"


def attack():
    try:
        ns = flops.namespace(BAD)
    except ValueError as e:
        return {"outcome": "refused", "error": f"ValueError: {e}"[:200], "flopscope_error": True}
    with flops.BudgetContext(flop_budget=10**9, quiet=True) as b:
        with ns:
            fnp.ones(10) + 1.0
    text = b.summary(by_namespace=True)
    raw = [c for c in ("\n  TOTAL", "\r", "\x1b", "\x00") if c in text]
    if raw:
        return {"outcome": "broken", "raw_control_characters": raw}
    return {"used": b.flops_used, "expected": 10}


main(attack)
