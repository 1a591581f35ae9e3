"""Every op in the table: NumPy's result, and a charge equal to the table's cost."""

import numpy as np
import pytest

import flopscope as flops
import flopscope.numpy as fnp
from flopscope.costs import OPS, bind
from flopscope.costs.table_io import INDEX_EXPRESSIONS, NON_ARRAY_FUNCTIONS
from flopscope.numpy._build import numpy_callable
from samples import UNINITIALIZED, sample

# Every array op NumPy has (random samplers are compared seed for seed in tests/test_random.py;
# files, error state and index expressions in tests/test_files_and_index.py).
TOP_LEVEL = [spec.name for spec in OPS
             if numpy_callable(spec.name) is not None and not spec.name.startswith(("random.", "ufunc.", "stats."))
             and spec.name not in INDEX_EXPRESSIONS | NON_ARRAY_FUNCTIONS]


def metered(name: str):
    """flopscope.numpy's callable for a table name ("sum", "linalg.solve")."""
    owner = fnp
    *modules, attr = name.split(".")
    for m in modules:
        owner = getattr(owner, m)
    return getattr(owner, attr)


def _same(got, want, name):
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(want), name
        for g, w in zip(got, want):
            _same(g, w, name)
        return
    if name in UNINITIALIZED:
        assert np.shape(got) == np.shape(want) and np.asarray(got).dtype == np.asarray(want).dtype
        return
    if name == "einsum":  # three operands run pairwise in the table's order
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12)
        return
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    assert np.asarray(got).dtype == np.asarray(want).dtype, name
    if isinstance(want, np.ndarray) or (OPS[name].category != "free" and isinstance(want, (np.generic, int, float, bool))):
        # a counted op's single value is a 0-d metered array, not NumPy's scalar (COST_MODEL v1.1)
        assert isinstance(got, flops.FlopscopeArray), f"{name} should return a metered array"
        assert np.shape(got) == np.shape(want), name
    else:
        assert type(got) is type(want), (name, type(got), type(want))


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_result_equals_numpys_and_charge_equals_the_table(name):
    args, kwargs = sample(name)
    want = numpy_callable(name)(*args, **kwargs)
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        got = metered(name)(*args, **kwargs)
    _same(got, want, name)
    spec = OPS[name]
    b = bind(spec, args, kwargs)
    shapes = tuple(np.shape(x) for x in b.operands)
    expected = spec.cost(shapes, **b.static)
    assert ctx.flops_used == expected, name
    # The second identical call takes the runtime's cached path: same result, same charge.
    with flops.BudgetContext(flop_budget=10**9) as again:
        got = metered(name)(*args, **kwargs)
    _same(got, want, name)
    assert again.flops_used == expected, name
    if spec.category == "free":
        assert ctx.op_log == ()
    else:
        assert expected > 0, f"{name}'s sample should cost something"
        assert [r.op for r in ctx.op_log] == [name]


def test_every_table_op_has_a_sample():
    missing = []
    for name in TOP_LEVEL:
        try:
            sample(name)
        except KeyError:
            missing.append(name)
    assert missing == []


def test_every_numpy_ufunc_is_in_the_table_or_blocked():
    from flopscope.costs.inventory import BLOCKED_BY_MODULE

    ufuncs = sorted(n for n in dir(np) if isinstance(getattr(np, n), np.ufunc))
    blocked = [n for n in ufuncs if n not in OPS]
    assert blocked == ["isnat"]  # datetime: refused by design
    assert "datetime" in BLOCKED_BY_MODULE[""]["isnat"]
    with pytest.raises(flops.UnsupportedOperationError, match="refused"):
        fnp.isnat
