# class: 5 leaving the context (processes)
# mode: lockdown
# tries: os.fork() inside the BudgetContext: the child does the 400x400 matmul against its COPY of the ledger and sends the result back through a pipe; the parent's ledger never sees it
# expected (secure): under flops.lockdown(): os.fork refused (LockdownError), or the child's work charged to the parent's context
from _attack import lockdown

lockdown()

import os  # noqa: E402
import pickle  # noqa: E402

import flopscope as flops  # noqa: E402
import flopscope.numpy as fnp  # noqa: E402
from _attack import main, measure, refusal  # noqa: E402

N = 400


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: A @ A)
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(rfd)
            try:
                msg = ("ok", float((A @ A)[0, 0]))
            except BaseException as e:  # noqa: BLE001 - reported by the parent
                msg = ("err", refusal(e))
            with os.fdopen(wfd, "wb") as w:
                w.write(pickle.dumps(msg))
            os._exit(0)
        os.close(wfd)
        with os.fdopen(rfd, "rb") as r:
            kind, value = pickle.loads(r.read())
        os.waitpid(pid, 0)
    if kind == "err":
        return value  # the child's work was refused
    assert value == N
    return {"used": b.flops_used, "expected": expected}


main(attack)
