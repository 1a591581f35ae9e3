"""Array manipulation and indexing helpers: worked charges, NumPy's results, refusals,
and the top-level names that are refused by design (flopscope/costs/table_shape.py,
flopscope/costs/inventory.py)."""

from __future__ import annotations

import numpy as np
import pytest

import flopscope as flops
import flopscope.numpy as fnp
from flopscope.costs import OPS
from flopscope.costs.inventory import BLOCKED_BY_MODULE, FREE_NAMES_BY_MODULE
from flopscope.costs.table_shape import tril_count

A34 = np.arange(12.0).reshape(3, 4)
V4 = np.array([1.0, 2.0, 3.0, 4.0])
T234 = np.arange(24.0).reshape(2, 3, 4)


def charge(fn, *args, **kwargs):
    """(result, FLOPs charged) of one metered call."""
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        r = fn(*args, **kwargs)
    return r, ctx.flops_used


def same(got, want):
    if isinstance(want, (tuple, list)):
        assert type(got) is type(want) and len(got) == len(want)
        for g, w in zip(got, want):
            same(g, w)
        return
    if want is None:
        assert got is None
        return
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    assert np.asarray(got).dtype == np.asarray(want).dtype
    if isinstance(want, np.ndarray):
        assert isinstance(got, flops.FlopscopeArray)


# (op, args, kwargs, the charge worked out by hand)
WORKED = [
    ("tile", (A34, (2, 2)), {}, 48),  # (6, 8)
    ("tile", (V4, 3), {}, 12),
    ("repeat", (A34, [1, 2, 1]), {"axis": 0}, 16),  # (4, 4)
    ("repeat", (A34, 3), {}, 36),  # flattened, each element 3 times
    ("pad", (np.ones((10, 10)), 1), {}, 144),  # (12, 12)
    ("pad", (A34, ((1, 2), (0, 3))), {"mode": "reflect"}, 42),  # (6, 7)
    ("take", (A34, [0, 2, 2, 1]), {"axis": 1}, 12),  # (3, 4)
    ("take", (A34, [5, 7]), {}, 2),
    ("take_along_axis", (A34, np.array([[1, 0], [2, 2], [3, 0]])), {"axis": 1}, 6),
    ("roll", (A34, 1), {"axis": 0}, 12),
    ("diag", (V4,), {"k": 1}, 25),  # (5, 5)
    ("diag", (A34,), {}, 3),
    ("diag", (A34,), {"k": 2}, 2),
    ("diag", (A34,), {"k": -1}, 2),
    ("diagflat", (A34,), {}, 144),  # (12, 12)
    ("diagonal", (T234,), {"axis1": 1, "axis2": 2}, 6),  # (2, 3)
    ("triu", (A34,), {}, 12),
    ("tril", (V4,), {}, 16),  # a 1-D operand gives the (4, 4) matrix
    ("meshgrid", (np.ones(30), np.ones(40)), {}, 2400),  # two (40, 30) grids
    ("meshgrid", (np.ones(30), np.ones(40)), {"sparse": True}, 70),  # (1, 30) and (40, 1)
    ("meshgrid", (np.ones(30), np.ones(40)), {"copy": False}, 0),  # broadcast views
    ("meshgrid", (np.ones(2), np.ones(3), np.ones(4)), {"indexing": "ij"}, 72),
    ("tri", (3, 5), {}, 15),
    ("indices", ((2, 3),), {}, 12),  # (2, 2, 3)
    ("indices", ((2, 3),), {"sparse": True}, 5),
    ("resize", (V4, (3, 5)), {}, 15),
    ("asanyarray", (A34,), {}, 12),
    ("ascontiguousarray", (3.0,), {}, 1),
    ("asfortranarray", (A34,), {}, 12),
    ("asarray_chkfinite", (A34,), {}, 12),
    ("require", (A34,), {"requirements": "F"}, 12),
    ("concat", ([A34, A34],), {"axis": 1}, 24),
    ("row_stack", ([A34, V4],), {}, 16),
    ("choose", (np.array([[0], [1], [1]]), [V4, -V4]), {}, 12),  # broadcast (3, 4)
    ("compress", ([True, False, True], A34), {"axis": 0}, 12),  # numel(a)
    ("extract", (A34 > 4, A34), {}, 12),
    ("select", ([V4 > 1, V4 > 2], [V4, -V4]), {}, 8),  # 2 conditions x 4
    ("delete", (A34, [0, 2, 2]), {"axis": 1}, 6),  # (3, 2): a repeated index counts once
    ("delete", (A34, 5), {}, 11),
    ("delete", (A34, [True, False, True, False]), {"axis": 1}, 6),
    ("insert", (A34, 1, V4), {"axis": 0}, 16),  # (4, 4)
    ("insert", (A34, [1, 1, 3], 0.0), {"axis": 1}, 21),  # (3, 7)
    ("insert", (np.arange(5), 1, [7, 8, 9]), {}, 8),
    ("trim_zeros", (np.array([0, 0, 3, 0, 5, 0]),), {}, 6),
    ("ix_", ([0, 1], [1, 2, 3]), {}, 5),
    ("diag_indices", (4,), {"ndim": 3}, 4),
    ("diag_indices_from", (np.ones((5, 5)),), {}, 5),
    ("tril_indices", (4,), {"k": 1, "m": 5}, 20),  # the 4 x 5 mask
    ("triu_indices_from", (A34,), {"k": 1}, 12),
    ("unravel_index", ([1, 5, 11], (3, 4)), {}, 6),  # 2 coordinates x 3 indices
    ("ravel_multi_index", (([1, 2, 0], [1, 3, 2]), (3, 4)), {}, 6),
]


@pytest.mark.parametrize("name,args,kwargs,flops_", WORKED, ids=[f"{w[0]}-{i}" for i, w in enumerate(WORKED)])
def test_worked_charge_and_numpys_result(name, args, kwargs, flops_):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # row_stack
        want = getattr(np, name)(*args, **kwargs)
        got, used = charge(getattr(fnp, name), *args, **kwargs)
    same(got, want)
    assert used == flops_


def test_in_place_writes_charge_what_they_write():
    a, b = A34.copy(), A34.copy()
    np.put(a, [1, 5], [9.0, 8.0])
    r, used = charge(fnp.put, b, [1, 5], [9.0, 8.0])
    assert r is None and used == 2
    np.testing.assert_array_equal(a, b)

    a, b = A34.copy(), A34.copy()
    np.put_along_axis(a, np.array([[1], [0], [3]]), 7.0, axis=1)
    _, used = charge(fnp.put_along_axis, b, np.array([[1], [0], [3]]), 7.0, axis=1)
    assert used == 3
    np.testing.assert_array_equal(a, b)

    for name, extra in (("putmask", (A34 > 5, 0.0)), ("place", (A34 > 5, [1.0, 2.0])), ("copyto", (-A34,))):
        a, b = A34.copy(), A34.copy()
        getattr(np, name)(a, *extra)
        _, used = charge(getattr(fnp, name), b, *extra)
        assert used == 12, name
        np.testing.assert_array_equal(a, b)

    # fill_diagonal writes the diagonal: min(5, 3) = 3; wrapping a tall 5 x 3 matrix, ceil(15 / 4) = 4
    for wrap, written in ((False, 3), (True, 4)):
        a, b = np.zeros((5, 3)), np.zeros((5, 3))
        np.fill_diagonal(a, 1.0, wrap=wrap)
        _, used = charge(fnp.fill_diagonal, b, 1.0, wrap=wrap)
        np.testing.assert_array_equal(a, b)
        assert used == written == int(a.sum())


def test_views_are_free_and_equal_numpys():
    cases = [
        ("rot90", (T234,), {"axes": (1, 2)}),
        ("flip", (T234,), {"axis": 1}),
        ("fliplr", (A34,), {}),
        ("flipud", (A34,), {}),
        ("rollaxis", (T234, 2), {}),
        ("split", (A34, 2), {"axis": 1}),
        ("array_split", (np.arange(10.0), 3), {}),
        ("hsplit", (A34, [1, 3]), {}),
        ("vsplit", (A34, 3), {}),
        ("dsplit", (T234, 2), {}),
        ("unstack", (T234,), {"axis": 1}),
        ("frombuffer", (b"\x01\x02\x03\x04",), {"dtype": np.uint8}),
        ("from_dlpack", (A34,), {}),
    ]
    for name, args, kwargs in cases:
        want = getattr(np, name)(*args, **kwargs)
        got, used = charge(getattr(fnp, name), *args, **kwargs)
        same(got, want)
        assert used == 0, name
        assert OPS[name].category == "free"


def test_shape_rules_agree_with_numpy_over_a_grid():
    spec = OPS["array_split"]
    for d in range(0, 9):
        for sections in (1, 2, 3, 5, [2, 5], [-3], [1, 1, 20]):
            want = [p.shape for p in np.array_split(np.ones((2, d)), sections, axis=1)]
            assert list(spec.shape(((2, d),), indices_or_sections=sections, axis=1)) == want
    for n in range(0, 6):
        for m in (None, 0, 1, 3, 7):
            for k in range(-4, 5):
                want = len(np.tril_indices(n, k, m)[0])
                got = OPS["tril_indices"].shape((), n=n, k=k, m=m)[0][0]
                assert got == want == tril_count(n, k, n if m is None else m), (n, k, m)
                assert OPS["triu_indices"].shape((), n=n, k=k, m=m)[0][0] == len(np.triu_indices(n, k, m)[0])
    for obj in (0, -1, [0, 0, 3], [True, False, True, True], [], [-4, 3]):
        for axis in (None, 1):
            if isinstance(obj, list) and obj and isinstance(obj[0], bool) and axis is None:
                continue
            want = np.delete(A34, obj, axis=axis).shape
            assert OPS["delete"].shape(((3, 4),), obj=obj, axis=axis) == want, (obj, axis)
    for obj in (0, -2, [1], [0, 2], [1, 1, 1]):
        for values in (5.0, [1.0, 2.0, 3.0], [[1.0], [2.0], [3.0]]):
            try:
                want = np.insert(A34, obj, values, axis=1).shape
            except ValueError:
                continue
            got = OPS["insert"].shape(((3, 4), np.shape(values)), obj=obj, axis=1)
            assert got == want, (obj, values)
    for pw in (0, 2, (1,), (1, 2), ((1, 2),), ((1, 2), (3, 4)), [[0], [5]]):
        assert OPS["pad"].shape(((3, 4),), pad_width=pw) == np.pad(A34, pw).shape, pw


def test_symbolic_formulas():
    from flopscope.costs.symbolic import size_symbol

    n, m = size_symbol("n"), size_symbol("m")
    assert OPS["pad"].cost(((n, m),), pad_width=1) == (n + 2) * (m + 2)
    assert OPS["meshgrid"].cost(((n,), (m,))) == 2 * n * m
    assert OPS["tile"].cost(((n, m),), reps=(2, 3)) == 6 * n * m
    length = OPS["tril_indices"].shape((), n=n)[0][0]
    assert (length - n * (n + 1) / 2).simplify() == 0


def test_methods_charge_like_the_functions():
    a = fnp.asarray(A34)
    picks = fnp.asarray(np.array([0, 1, 1, 0]))
    checks = [
        (lambda: a.repeat(2, axis=1), np.repeat(A34, 2, axis=1), 24),
        (lambda: a.take([1, 2]), np.take(A34, [1, 2]), 2),
        (lambda: a.diagonal(1), np.diagonal(A34, 1), 3),
        (lambda: a.compress([False, True, True], axis=0), np.compress([False, True, True], A34, axis=0), 12),
        (lambda: picks.choose([V4, -V4]), np.choose([0, 1, 1, 0], [V4, -V4]), 4),
    ]
    for call, want, flops_ in checks:
        got, used = charge(call)
        same(got, want)
        assert used == flops_
    b = fnp.asarray(A34.copy())
    _, used = charge(b.put, [0, 3], 0.0)
    assert used == 2 and b[0, 0] == 0 and b[0, 3] == 0


@pytest.mark.parametrize("name,args,kwargs", [
    ("tile", (A34, -1), {}),
    ("repeat", (A34, [1, 2]), {"axis": 0}),
    ("repeat", (A34, -1), {}),
    ("pad", (A34, ((1, 2, 3),)), {}),
    ("pad", (A34, -1), {}),
    ("take", (A34, [0, 9]), {"axis": 1}),
    ("take", (A34, [0]), {"axis": 2}),
    ("diag", (T234,), {}),
    ("diagonal", (V4,), {}),
    ("meshgrid", (V4, V4), {"indexing": "yx"}),
    ("delete", (A34, 7), {"axis": 1}),
    ("select", ([V4 > 1], [V4, V4]), {}),
    ("compress", ([[True]], A34), {}),
    ("take_along_axis", (A34, np.array([0, 1])), {"axis": 1}),
    ("unravel_index", ([1, 50], (3, 4)), {}),
    ("ravel_multi_index", (([1, 2],), (3, 4)), {}),
    ("triu", (np.float64(1.0),), {}),
    ("put", (A34.copy(), [99], 1.0), {}),
    ("fill_diagonal", (V4.copy(), 1.0), {}),
])
def test_invalid_calls_raise_numpys_error_and_charge_nothing(name, args, kwargs):
    with pytest.raises(Exception) as numpy_err:
        getattr(np, name)(*args, **kwargs)
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        with pytest.raises(type(numpy_err.value)):
            getattr(fnp, name)(*args, **kwargs)
    assert ctx.flops_used == 0


def test_pad_with_a_callable_mode_is_refused():
    def mode(vector, width, iaxis, kwargs):
        vector[:width[0]] = 0

    with flops.BudgetContext(flop_budget=10**9) as ctx:
        with pytest.raises(TypeError, match="callable mode"):
            fnp.pad(A34, 1, mode=mode)
    assert ctx.flops_used == 0


@pytest.mark.parametrize("name,word", [
    ("loadtxt", "I/O"), ("savetxt", "I/O"), ("fromstring", "I/O"), ("memmap", "I/O"),
    ("set_printoptions", "printing"), ("printoptions", "printing"),
    ("datetime64", "datetime"), ("busday_count", "datetime"), ("isnat", "datetime"),
    ("seterrcall", "callback"), ("geterrcall", "callback"),
    ("vectorize", "Python function"), ("frompyfunc", "Python function"), ("apply_along_axis", "Python function"),
    ("piecewise", "Python function"), ("fromfunction", "Python function"), ("fromiter", "iterator"),
    ("matrix", "matrix"), ("bmat", "matrix"), ("recarray", "record"), ("test", "test suite"),
])
def test_blocked_names_raise_with_their_reason(name, word):
    reason = BLOCKED_BY_MODULE[""][name]
    assert word in reason
    with pytest.raises(flops.UnsupportedOperationError, match="refused") as err:
        getattr(fnp, name)
    assert reason in str(err.value) and f"numpy.{name}" in str(err.value)


def test_free_names_are_numpys_objects_and_cost_nothing():
    free = FREE_NAMES_BY_MODULE[""]
    for name in ("broadcast_shapes", "ndindex", "typename", "array2string", "int_", "double", "shares_memory"):
        assert name in free
        assert getattr(fnp, name) is getattr(np, name)
    with pytest.raises(flops.UnsupportedOperationError, match=r"plain \(unmetered\) NumPy arrays"):
        fnp.nditer
    a = fnp.asarray(A34)
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        assert fnp.broadcast_shapes((3, 1), (1, 4)) == (3, 4)
        assert np.shares_memory(a, a[1:]) is True
        assert "11." in np.array2string(a)
        assert list(fnp.ndindex(2, 2)) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert ctx.flops_used == 0
