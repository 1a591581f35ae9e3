# class: 5 leaving the context
# mode: always
# tries: asyncio.to_thread(work) from a coroutine run inside the BudgetContext (the thread gets a copy of the context)
# expected (secure): refused in the thread (BudgetContextError), or charged to the context
import asyncio

import flopscope as flops
import flopscope.numpy as fnp
from _attack import main, measure

N = 400


def attack():
    A = fnp.ones((N, N))
    expected = measure(lambda: A @ A)

    async def go():
        return await asyncio.to_thread(lambda: A @ A)

    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        asyncio.run(go())
    return {"used": b.flops_used, "expected": expected}


main(attack)
