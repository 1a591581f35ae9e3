"""The op log stays the size of the program, not of its data (issue 13).

A call site keeps its first SHAPES_PER_SITE shapes apart; calls on further shapes
share one record whose FLOPs are summed exactly. Budgets, summaries and the
per-site measurement of ``flopscope check`` stay exact whatever the shapes do.
"""

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from flopscope.runtime.ledger import SHAPES_PER_SITE, records, sites


def _ledger(ctx):
    return ctx._ledger


def test_changing_shapes_keep_one_site_and_exact_flops():
    base = fnp.asarray(np.ones((500, 3)))
    with flops.BudgetContext(flop_budget=10**9, quiet=True) as ctx:
        for k in range(1, 401):
            fnp.exp(base[:k])  # one site, 400 shapes: numel 3k
    want = sum(flops.cost("exp", (k, 3)) for k in range(1, 401))  # from the table
    assert ctx.flops_used == want
    recs = list(records(_ledger(ctx)))
    assert len(_ledger(ctx).log) == 1  # one (op, namespace, call site)
    assert len(recs) == SHAPES_PER_SITE + 1
    assert sum(r[4] for *_s, r in recs) == want
    assert sum(r[0] for *_s, r in recs) == 400
    ops = ctx.summary_dict()["operations"]
    assert ops["exp"]["flops_used"] == want and ops["exp"]["calls"] == 400


def test_op_records_name_the_first_shapes_and_pool_the_rest():
    base = fnp.asarray(np.ones(100))
    with flops.BudgetContext(flop_budget=10**9, quiet=True) as ctx:
        for k in [*range(1, 31), 1]:  # (the shape (1,) again, at the same site, at the end)
            fnp.sqrt(base[:k])
    by_shapes = {r.shapes: r for r in ctx.op_log}
    assert by_shapes[((1,),)].calls == 2 and by_shapes[((1,),)].flops == 2
    assert len(by_shapes) == SHAPES_PER_SITE + 1
    pooled = by_shapes[None]
    assert pooled.cost is None
    assert pooled.calls == 30 - SHAPES_PER_SITE
    assert pooled.flops == sum(flops.cost("sqrt", (k,)) for k in range(SHAPES_PER_SITE + 1, 31))
    assert sum(r.flops for r in ctx.op_log) == ctx.flops_used == sum(flops.cost("sqrt", (k,)) for k in [*range(1, 31), 1])


def test_site_measurement_is_exact_with_changing_shapes():
    base = fnp.asarray(np.ones((64, 64)))
    with flops.BudgetContext(flop_budget=10**9, quiet=True) as ctx:
        for k in range(1, 41):
            a = base[:k, :k]
            fnp.matmul(a, a)  # k**3 each
    rows = [r for r in sites(_ledger(ctx)) if r[0] == "matmul"]
    assert sum(r[6] for r in rows) == sum(flops.cost("matmul", (k, k), (k, k)) for k in range(1, 41)) == ctx.flops_used
    assert len({(r[3], r[4]) for r in rows}) == 1  # one line and column


def test_a_namespace_and_a_site_apart_stay_apart():
    x = fnp.asarray(np.ones(10))
    with flops.BudgetContext(flop_budget=10**9, quiet=True) as ctx:
        with flops.namespace("a"):
            fnp.exp(x)
        with flops.namespace("b"):
            fnp.exp(x)
        fnp.exp(x)
    assert len(_ledger(ctx).log) == 3
    assert ctx.summary_dict(by_namespace=True)["by_namespace"]["a"]["flops_used"] == flops.cost("exp", (10,))
