"""The runtime: budgets, errors that charge nothing, time limits, contexts per thread and task."""

import asyncio
import math
import threading
import time

import numpy as np
import pytest

import flopscope as flops
import flopscope.numpy as fnp


# ----------------------------------------------------------------- BudgetContext arguments


@pytest.mark.parametrize("bad", [0, -1, -0.5, math.inf, math.nan, "100", None, True, [10]])
def test_flop_budget_must_be_positive_and_finite(bad):
    with pytest.raises(ValueError, match="flop_budget must be a positive finite number"):
        flops.BudgetContext(flop_budget=bad)


def test_numpy_numbers_are_accepted_as_budgets():
    assert flops.BudgetContext(flop_budget=np.int64(10)).flop_budget == 10
    assert flops.BudgetContext(flop_budget=1e6).flop_budget == 1e6


@pytest.mark.parametrize("bad", ["", ".a", "a.", "a..b", 3])
def test_namespace_names_are_checked(bad):
    with pytest.raises(ValueError, match="namespace"):
        flops.BudgetContext(flop_budget=10, namespace=bad)
    with pytest.raises(ValueError, match="namespace"):
        flops.namespace(bad)


@pytest.mark.parametrize("bad", [0, -1, math.inf, "1", True])
def test_wall_time_limit_is_checked(bad):
    with pytest.raises(ValueError, match="wall_time_limit_s"):
        flops.BudgetContext(flop_budget=10, wall_time_limit_s=bad)


def test_budget_state_is_read_only():
    with flops.BudgetContext(flop_budget=1000) as b:
        fnp.exp(fnp.ones(10))
        with pytest.raises(AttributeError):
            b.flops_used = 0
        with pytest.raises(AttributeError):
            b.flop_budget = 10**9
        with pytest.raises(AttributeError):
            b._ledger = None
        with pytest.raises(AttributeError):
            del b.flops_used
    assert b.flops_used == 10
    assert b.flops_remaining == 990


def test_contexts_do_not_nest():
    with flops.BudgetContext(flop_budget=100):
        with pytest.raises(flops.BudgetContextError, match="do not nest"):
            with flops.BudgetContext(flop_budget=100):
                pass


def test_the_same_context_can_be_reentered_by_recursion():
    @flops.budget(flop_budget=10_000)
    def f(k):
        fnp.exp(fnp.ones(10))
        return f(k - 1) if k else 0

    f(3)
    assert f.budget_context.flops_used == 40


# ----------------------------------------------------------------- exhausting the budget


def test_budget_exhausted_raises_before_the_op_runs_and_charges_nothing():
    out = fnp.zeros(100)
    with flops.BudgetContext(flop_budget=150) as b:
        x = fnp.ones(100)
        fnp.exp(x)
        assert b.flops_used == 100
        with pytest.raises(flops.BudgetExhaustedError) as info:
            fnp.exp(x, out=out)
    assert b.flops_used == 100
    assert np.all(out == 0)  # the op did not run
    err = info.value
    assert err.op == "exp" and err.cost == 100 and err.flops_remaining == 50
    message = str(err)
    assert "exp" in message and "100" in message and "50" in message
    assert "test_runtime.py" in err.site
    assert isinstance(err, flops.FlopscopeError)


def test_exact_fit_is_allowed():
    with flops.BudgetContext(flop_budget=100) as b:
        fnp.exp(fnp.ones(100))
    assert b.flops_remaining == 0


def test_operator_over_budget_raises_too():
    a = fnp.ones((10, 10))
    with flops.BudgetContext(flop_budget=999) as b:
        with pytest.raises(flops.BudgetExhaustedError, match="matmul"):
            a @ a
    assert b.flops_used == 0


# ----------------------------------------------------------------- invalid arguments are refused for free


@pytest.mark.parametrize(
    "call,numpy_call",
    [
        (lambda: fnp.einsum("ij,jk->ik", fnp.ones((2, 3)), fnp.ones((4, 4))),
         lambda: np.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((4, 4)))),
        (lambda: fnp.einsum("ij,jk->il", fnp.ones((2, 3)), fnp.ones((3, 4))),
         lambda: np.einsum("ij,jk->il", np.ones((2, 3)), np.ones((3, 4)))),
        (lambda: fnp.einsum("i1", fnp.ones(2)), lambda: np.einsum("i1", np.ones(2))),
        (lambda: fnp.add(fnp.ones(3), fnp.ones(4)), lambda: np.add(np.ones(3), np.ones(4))),
        (lambda: fnp.ones(3) + fnp.ones(4), lambda: np.ones(3) + np.ones(4)),
        (lambda: fnp.ones((2, 3)) @ fnp.ones((4, 2)), lambda: np.ones((2, 3)) @ np.ones((4, 2))),
        (lambda: fnp.sum(fnp.ones((2, 3)), axis=2), lambda: np.sum(np.ones((2, 3)), axis=2)),
        (lambda: fnp.concatenate([fnp.ones((2, 3)), fnp.ones((2, 4))]),
         lambda: np.concatenate([np.ones((2, 3)), np.ones((2, 4))])),
        (lambda: fnp.dot(fnp.ones((2, 3)), fnp.ones((2, 3))), lambda: np.dot(np.ones((2, 3)), np.ones((2, 3)))),
        (lambda: fnp.add(fnp.ones(3), fnp.ones(3), dtype="no-such-type"),
         lambda: np.add(np.ones(3), np.ones(3), dtype="no-such-type")),
    ],
)
def test_invalid_arguments_get_numpys_message_and_cost_nothing(call, numpy_call):
    with pytest.raises(Exception) as numpy_err:
        numpy_call()
    with flops.BudgetContext(flop_budget=10**6) as b:
        with pytest.raises(type(numpy_err.value)) as ours:
            call()
    assert str(ours.value) == str(numpy_err.value)
    assert b.flops_used == 0
    assert b.op_log == ()


def test_backend_failure_after_the_check_keeps_the_charge():
    x = fnp.array([1000.0, 1.0])
    with flops.BudgetContext(flop_budget=100) as b:
        with np.errstate(over="raise"):
            with pytest.raises(FloatingPointError):
                fnp.exp(x)
    assert b.flops_used == 2  # exp raised after it ran: the work was done


# ----------------------------------------------------------------- wall-time limits


def test_time_limit_is_checked_before_an_op():
    x = fnp.ones(10)
    with pytest.raises(flops.TimeExhaustedError, match="after the end of the BudgetContext"):
        with flops.BudgetContext(flop_budget=10**6, wall_time_limit_s=0.05) as b:
            fnp.exp(x)
            time.sleep(0.08)
            with pytest.raises(flops.TimeExhaustedError, match="before exp") as info:
                fnp.exp(x)
    # (the block went on past its limit after catching the error: leaving it raises too)
    assert b.flops_used == 10  # the refused op was not charged
    assert info.value.limit_s == 0.05
    assert info.value.elapsed_s >= 0.05


def test_time_limit_is_checked_after_an_op():
    a = fnp.ones((500, 500))
    # A two-operand einsum runs NumPy's unoptimized loop: far longer than 20 ms.
    with pytest.raises(flops.TimeExhaustedError, match="after the end of the BudgetContext"):
        with flops.BudgetContext(flop_budget=10**12, wall_time_limit_s=0.02) as b:
            with pytest.raises(flops.TimeExhaustedError, match="after einsum") as info:
                fnp.einsum("ij,jk->ik", a, a)
    assert b.flops_used == 500**3  # it ran, so it is charged
    assert info.value.ran and info.value.elapsed_s > 0.02


def test_time_limit_is_checked_when_the_block_ends():
    # no counted op after the limit: the end of the block still checks it
    with pytest.raises(flops.TimeExhaustedError, match="after the end of the BudgetContext") as info:
        with flops.BudgetContext(flop_budget=10**6, wall_time_limit_s=0.03) as b:
            fnp.exp(fnp.ones(4))
            time.sleep(0.06)
    assert info.value.ran and info.value.elapsed_s >= 0.06 and not b.active
    # an error already on its way is not replaced
    with pytest.raises(KeyError):
        with flops.BudgetContext(flop_budget=10**6, wall_time_limit_s=0.03):
            time.sleep(0.06)
            raise KeyError("x")


def test_time_limit_accumulates_over_decorated_calls():
    @flops.budget(flop_budget=10**6, wall_time_limit_s=0.1)
    def step():
        time.sleep(0.04)
        return fnp.exp(fnp.ones(3))

    step()
    step()
    with pytest.raises(flops.TimeExhaustedError):
        step()


# ----------------------------------------------------------------- op log and sessions


def test_op_log_records_op_namespace_shapes_cost_and_call_site():
    with flops.BudgetContext(flop_budget=10**6, namespace="s") as b:
        a = fnp.ones((4, 5))
        for _ in range(3):
            y = a + 1.0  # site A
        with flops.namespace("p"):
            fnp.sum(y, axis=0)  # site B
    log = b.op_log
    assert len(log) == 2
    add, total = log
    assert (add.op, add.namespace, add.shapes, add.cost, add.calls, add.flops) == ("add", "s", ((4, 5), ()), 20, 3, 60)
    assert (total.op, total.namespace, total.shapes, total.cost, total.calls) == ("sum", "s.p", ((4, 5),), 20, 1)
    assert add.file.endswith("test_runtime.py") and total.file == add.file
    assert total.line == add.line + 2
    assert add.site == f"{add.file}:{add.line}"


def test_ops_outside_contexts_go_to_the_session(capsys):
    fnp.exp(fnp.ones(7))
    with flops.BudgetContext(flop_budget=100) as b:
        fnp.exp(fnp.ones(5))
    data = flops.budget_summary_dict()
    assert data["flops_used"] == 12
    assert data["flop_budget"] == math.inf  # the session default is unlimited
    assert b.flops_used == 5
    text = flops.budget_summary(by_namespace=True)
    assert "Total budget: unlimited" in text and "flopscope FLOP Budget Summary [session]" in text
    assert "(no namespace)" in text
    flops.reset_session()
    assert flops.budget_summary_dict()["flops_used"] == 0


def test_contexts_are_per_thread():
    barrier = threading.Barrier(2)
    results = {}

    def worker(name, n):
        with flops.BudgetContext(flop_budget=10**6, namespace=name) as b:
            barrier.wait()
            for _ in range(50):
                fnp.exp(fnp.ones(n))
        results[name] = b.flops_used

    threads = [threading.Thread(target=worker, args=("a", 3)), threading.Thread(target=worker, args=("b", 5))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"a": 150, "b": 250}


def test_a_context_cannot_be_active_in_two_threads():
    ctx = flops.BudgetContext(flop_budget=100)
    errors = []
    with ctx:
        def other():
            try:
                with ctx:
                    pass
            except flops.BudgetContextError as e:
                errors.append(str(e))

        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert errors and "another thread" in errors[0]


def test_contexts_are_per_async_task():
    async def task(n):
        with flops.BudgetContext(flop_budget=10**6) as b:
            for _ in range(5):
                fnp.exp(fnp.ones(n))
                await asyncio.sleep(0)
        return b.flops_used

    async def main():
        return await asyncio.gather(task(2), task(3))

    assert asyncio.run(main()) == [10, 15]


def test_async_functions_can_be_decorated():
    @flops.budget(flop_budget=1000)
    async def f():
        await asyncio.sleep(0)
        return fnp.sum(fnp.ones(10))

    assert asyncio.run(f()) == 10
    assert f.budget_context.flops_used == 10


# ----------------------------------------------------------------- metered arrays


def test_operators_are_charged_like_fnp_calls():
    a = fnp.ones((4, 5))
    b = fnp.ones((5, 3))
    v = fnp.ones(5)
    mask = a > 0
    cases = [
        (lambda: a @ b, "matmul", 60),
        (lambda: a @ v, "matmul", 20),
        (lambda: a + v, "add", 20),
        (lambda: 2.0 * a, "multiply", 20),
        (lambda: a - 1, "subtract", 20),
        (lambda: a / a, "divide", 20),
        (lambda: -a, "negative", 20),
        (lambda: a ** 2, "power", 20),
        (lambda: 2 ** a, "power", 20),
        (lambda: a > 0, "greater", 20),
        (lambda: a == a, "equal", 20),
        (lambda: abs(a), "absolute", 20),
        (lambda: ~mask, "invert", 20),
        (lambda: np.exp(a), "exp", 20),
        (lambda: np.add(a, 1), "add", 20),
        (lambda: np.sum(a), "sum", 20),
        (lambda: np.mean(a, axis=0), "mean", 20),
        (lambda: np.einsum("ij,j->i", a, v), "einsum", 20),
        (lambda: a.sum(), "sum", 20),
        (lambda: a.mean(axis=0), "mean", 20),
        (lambda: a.max(), "max", 20),
        (lambda: a.argmax(), "argmax", 20),
        (lambda: a.dot(b), "dot", 60),
        (lambda: a.var(), "var", 20),
        (lambda: a.cumsum(), "cumsum", 20),
        (lambda: a.clip(0, 1), "clip", 20),
        (lambda: a.round(), "round", 20),
        (lambda: np.add.reduce(a, axis=0), "add.reduce", 20),
        (lambda: np.multiply.outer(v, v), "multiply.outer", 25),
    ]
    for fn, op, cost in cases:
        with flops.BudgetContext(flop_budget=10**6) as ctx:
            fn()
        assert [(r.op, r.flops) for r in ctx.op_log] == [(op, cost)], op


def test_in_place_operators_are_charged_and_keep_the_object():
    a = fnp.ones((3, 3))
    with flops.BudgetContext(flop_budget=1000) as ctx:
        before = a
        a += 1
        a *= fnp.ones(3)
        a **= 2
    assert a is before
    assert np.all(np.asarray(a) == 4)
    assert ctx.flops_used == 27
    assert [r.op for r in ctx.op_log] == ["add", "multiply", "power"]


def test_views_and_indexing_are_free_and_stay_metered():
    a = fnp.ones((4, 6))
    with flops.BudgetContext(flop_budget=1000) as ctx:
        views = [a.T, a.reshape(6, 4), a[1:3], a[:, 0], a[a[:, 0] > 0], fnp.transpose(a), np.reshape(a, (24,)),
                 a.astype(np.float32), a.copy(), a.ravel(), fnp.expand_dims(a, 0), a[None]]
        for v in views:
            assert isinstance(v, flops.FlopscopeArray)
        x = a[0, 0]  # an element stays metered: a 0-d metered array (COST_MODEL v1.1)
        assert isinstance(x, flops.FlopscopeArray) and x.shape == ()
        assert all(isinstance(v, flops.FlopscopeArray) and v.shape == () for v in a[0])
    assert ctx.flops_used == 4  # only the comparison a[:, 0] > 0
    with flops.BudgetContext(flop_budget=1000) as ctx2:
        a.T @ a
    assert ctx2.flops_used == 6 * 4 * 6


def test_in_operator_is_charged_as_equal_then_any():
    a = fnp.arange(10)
    with flops.BudgetContext(flop_budget=1000) as ctx:
        assert 3 in a
    assert [(r.op, r.flops) for r in ctx.op_log] == [("equal", 10), ("any", 10)]


def test_plain_numpy_inputs_are_accepted_and_results_are_metered():
    with flops.BudgetContext(flop_budget=1000) as ctx:
        r = fnp.exp(np.ones(3))
        assert isinstance(r, flops.FlopscopeArray)
        r2 = r + np.ones(3)
        assert isinstance(r2, flops.FlopscopeArray)
        s = fnp.sum([1.0, 2.0, 3.0])
    assert s == 6.0
    assert ctx.flops_used == 9


def test_zero_d_results_are_metered_arrays():
    """COST_MODEL v1.1: a counted op's single value is a 0-d metered array, so arithmetic
    on it is charged; only float(), int(), bool(), .item(), .tolist() leave the meter."""
    with flops.BudgetContext(flop_budget=1000) as ctx:
        s = fnp.sum(fnp.ones(4))
        e = fnp.einsum("i,i->", fnp.ones(3), fnp.ones(3))
        z = fnp.array(5.0)
        for v in (s, e, z):
            assert isinstance(v, flops.FlopscopeArray) and v.ndim == 0
        assert ctx.flops_used == 4 + 3 + 1
        t = s * s + 1.0
        assert isinstance(t, flops.FlopscopeArray) and float(t) == 17.0
        assert ctx.flops_used == 8 + 2
        total = 0.0
        for _ in range(5):
            total = total + fnp.sum(fnp.ones(2))  # 2 for the sum, 1 for the add, every time
        assert ctx.flops_used == 10 + 5 * 3
        before = ctx.flops_used
        py = float(s) * float(s) + s.item() + int(e) + bool(z)  # Python arithmetic: free
        assert py == 16 + 4 + 3 + 1 and ctx.flops_used == before
        assert round(s) == 4 and float(round(s, 1)) == 4.0 and ctx.flops_used == before + 1


def test_printing_and_converting_are_free():
    a = fnp.arange(5.0)
    with flops.BudgetContext(flop_budget=10) as ctx:
        repr(a)
        str(a)
        a.tolist()
        float(a[1])
        list(a)
        np.asarray(a)
        f"{a}"
    assert ctx.flops_used == 0


def test_refused_ops_are_refused_not_run_for_free():
    a = fnp.arange(5.0)
    with pytest.raises(flops.UnsupportedOperationError, match="apply_along_axis is refused: it calls a Python function"):
        fnp.apply_along_axis
    with pytest.raises(flops.UnsupportedOperationError, match="linalg.test is refused"):
        fnp.linalg.test
    with pytest.raises(flops.UnsupportedOperationError, match="random.PCG64 is refused: bit generators"):
        fnp.random.PCG64
    with pytest.raises(flops.UnsupportedOperationError, match="numpy.apply_along_axis is refused on a flopscope array: it calls"):
        np.apply_along_axis(np.sum, 0, a)
    with pytest.raises(flops.UnsupportedOperationError, match="numpy.savetxt is refused on a flopscope array: text I/O"):
        np.savetxt("never-written", a)
    with pytest.raises(flops.UnsupportedOperationError, match="tofile"):
        a.tofile("never-written")
    with pytest.raises(AttributeError, match="has no attribute"):
        fnp.no_such_function
    assert not hasattr(fnp, "apply_along_axis")


def test_every_ndarray_method_is_classified():
    from flopscope.runtime import array

    public = {m for m in dir(np.ndarray) if not m.startswith("_")}
    classified = set(array.METERED_METHODS) | set(array.FREE_METHODS) | set(array.UNSUPPORTED_METHODS)
    assert public - classified == set(), "classify these ndarray methods"
    assert not set(array.METERED_METHODS) & set(array.FREE_METHODS)


def test_import_does_not_load_sympy_or_libcst():
    import subprocess
    import sys

    code = "import sys, flopscope, flopscope.numpy; assert not {'sympy', 'libcst'} & set(sys.modules), sorted({'sympy','libcst'} & set(sys.modules))"
    subprocess.run([sys.executable, "-c", code], check=True)
