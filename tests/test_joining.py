"""Ops that join a list of arrays (concatenate, stack, vstack, ...) have a priced fast
path of their own (issue 13): the same charges, refusals and results as the general
path, whatever form the call takes."""

import numpy as np
import pytest

import flopscope as flops
import flopscope.numpy as fnp
from flopscope.runtime.errors import BudgetExhaustedError


def _used(fn):
    with flops.BudgetContext(flop_budget=10**9, quiet=True) as b:
        r = fn()
    return b.flops_used, r


@pytest.mark.parametrize("name", ["concatenate", "stack", "vstack", "hstack", "column_stack", "dstack"])
def test_every_form_is_charged_alike(name):
    op = getattr(fnp, name)
    plain = [np.arange(6.0) + k for k in range(3)]
    metered = [fnp.asarray(x) for x in plain]
    want = getattr(np, name)(plain)
    forms = [lambda: op(plain), lambda: op(tuple(plain)), lambda: op(metered), lambda: op(plain[:2] + metered[2:])]
    charges = set()
    for form in forms:
        for _ in range(3):  # first sight (general path), then the cached fast path
            used, r = _used(form)
            charges.add(used)
            assert type(r) is flops.FlopscopeArray and np.array_equal(np.asarray(r), want)
    assert charges == {flops.cost(name, *(x.shape for x in plain))}  # the table's price, on every path


def test_keywords_are_part_of_the_price():
    a = [np.ones((2, 3)), np.ones((2, 3))]
    assert _used(lambda: fnp.concatenate(a, axis=0))[0] == flops.cost("concatenate", (2, 3), (2, 3), axis=0)
    assert _used(lambda: fnp.concatenate(a, axis=1))[1].shape == (2, 6)
    assert _used(lambda: fnp.concatenate(a, axis=None))[1].shape == (12,)
    assert _used(lambda: fnp.vstack(tup=a))[1].shape == (4, 3)  # the list by keyword: the general path


def test_a_refused_join_charges_nothing_then_a_good_one_is_charged():
    bad = [np.ones((2, 3)), np.ones((2, 4))]
    good = [np.ones((2, 3)), np.ones((2, 3))]
    with flops.BudgetContext(flop_budget=10**9, quiet=True) as b:
        for _ in range(2):
            with pytest.raises(ValueError):
                fnp.concatenate(bad, axis=0)
        assert b.flops_used == 0
        for _ in range(3):
            fnp.concatenate(good, axis=0)
        assert b.flops_used == 3 * flops.cost("concatenate", (2, 3), (2, 3), axis=0)


def test_the_budget_stops_a_cached_join_before_it_runs():
    a = [np.ones(100), np.ones(100)]
    fnp.concatenate(a)  # cached outside any context
    with flops.BudgetContext(flop_budget=150, quiet=True) as b:
        with pytest.raises(BudgetExhaustedError):
            fnp.concatenate(a)
        assert b.flops_used == 0
