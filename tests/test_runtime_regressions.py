"""Cases that once failed: holes and bugs found by an adversarial review of the runtime.

Each test is the reported snippet, asserting the fixed behaviour.
"""

import asyncio
from collections import deque

import numpy as np
import pytest

import flopscope as flops
import flopscope.numpy as fnp


def test_an_errstate_handler_that_raises_does_not_make_the_work_free():
    n = 1000
    x = fnp.ones(n)
    x[0] = -1.0
    out = fnp.empty(n)

    def bail(kind, flag):
        raise ValueError(kind)

    with flops.BudgetContext(flop_budget=10 * n) as b:
        for _ in range(5):
            with np.errstate(invalid="call", call=bail):
                with pytest.raises(ValueError):
                    np.sqrt(x, out=out)
    assert b.flops_used == 5 * n  # the work ran five times, and is charged five times


def test_a_context_copied_into_another_thread_refuses_to_charge():
    n = 60
    A = fnp.ones((n, n))

    async def main():
        with flops.BudgetContext(flop_budget=n**3) as b:
            results = await asyncio.gather(*[asyncio.to_thread(lambda: A @ A) for _ in range(3)], return_exceptions=True)
        return b, results

    b, results = asyncio.run(main())
    assert all(isinstance(r, flops.BudgetContextError) for r in results)
    assert b.flops_used == 0


def test_a_copied_context_after_exit_refuses_to_charge():
    import contextvars

    with flops.BudgetContext(flop_budget=100) as b:
        ctx = contextvars.copy_context()
    with pytest.raises(flops.BudgetContextError, match="already exited"):
        ctx.run(lambda: fnp.exp(fnp.ones(3)))
    assert b.flops_used == 0


def test_gufunc_axes_are_refused_not_mispriced():
    a, b = fnp.ones((2, 2, 10)), fnp.ones((2, 10, 1))
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        with pytest.raises(flops.UnsupportedOperationError, match="axes"):
            fnp.matmul(a, b, axes=[(0, 1), (0, 1), (0, 1)])
        with pytest.raises(flops.UnsupportedOperationError):
            np.matmul(a, b, axes=[(0, 1), (0, 1), (0, 1)])
    assert ctx.flops_used == 0


def test_array_tolerances_of_isclose_are_counted():
    X = fnp.asarray(np.linspace(0, 2, 1000))
    with flops.BudgetContext(flop_budget=10**6) as ctx:
        fnp.isclose(0.0, 1.0, rtol=X, atol=0)
        fnp.allclose(0.0, 1.0, rtol=0, atol=X)
    assert ctx.flops_used == 2000


def test_a_larger_out_of_matmul_is_charged_for_its_batch():
    out = np.empty((10, 5, 5))
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        r = fnp.matmul(fnp.ones((5, 5)), fnp.ones((5, 5)), out=out)
    assert r is out
    assert ctx.flops_used == 10 * 125


def test_the_same_context_in_two_asyncio_tasks():
    @flops.budget(flop_budget=10**9)
    async def work(n):
        x = fnp.ones(n)
        await asyncio.sleep(0.01 if n == 3 else 0.02)
        return fnp.sum(x)

    async def main():
        return await asyncio.gather(work(3), work(4))

    assert asyncio.run(main()) == [3.0, 4.0]
    assert work.budget_context.flops_used == 7
    assert not work.budget_context.active


def test_refused_arguments_are_not_charged():
    with flops.BudgetContext(flop_budget=10**6) as ctx:
        with pytest.raises(OverflowError):
            fnp.ones(1000, dtype=np.int8) + 1000
        with pytest.raises(Exception) as numpy_err:
            fnp.matmul.reduce(fnp.ones((3, 3, 3)))
    assert ctx.flops_used == 0
    with pytest.raises(type(numpy_err.value)):
        np.matmul.reduce(np.ones((3, 3, 3)))


def test_non_list_sequences_are_charged_once():
    A = fnp.ones((4, 5))
    with flops.BudgetContext(flop_budget=10**6) as ctx:
        fnp.stack(deque([A, A]))
        np.stack(deque([A, A]))
    assert ctx.flops_used == 80
    assert {r.op for r in ctx.op_log} == {"stack"}
    with pytest.raises(TypeError, match="iterator"):
        fnp.stack(x for x in [A, A])


def test_a_namespace_object_can_be_reentered():
    NS = flops.namespace("rec")

    def f(n):
        with NS:
            fnp.sum(fnp.ones(3))
            if n:
                f(n - 1)

    with flops.BudgetContext(flop_budget=1000, namespace="s") as b:
        f(2)
    spaces = b.summary_dict(by_namespace=True)["by_namespace"]
    assert spaces == {
        "s.rec": {"flops_used": 3, "calls": 1, "backend_time_s": spaces["s.rec"]["backend_time_s"], "overhead_time_s": spaces["s.rec"]["overhead_time_s"]},
        "s.rec.rec": {"flops_used": 3, "calls": 1, "backend_time_s": spaces["s.rec.rec"]["backend_time_s"], "overhead_time_s": spaces["s.rec.rec"]["overhead_time_s"]},
        "s.rec.rec.rec": {"flops_used": 3, "calls": 1, "backend_time_s": spaces["s.rec.rec.rec"]["backend_time_s"], "overhead_time_s": spaces["s.rec.rec.rec"]["overhead_time_s"]},
    }


def test_namespace_and_budget_decorators_on_async_and_generator_functions():
    @flops.namespace("phase")
    async def step():
        await asyncio.sleep(0)
        return fnp.sum(fnp.ones(4))

    @flops.namespace("gen")
    def produce(k):
        for _ in range(k):
            yield fnp.exp(fnp.ones(2))

    with flops.BudgetContext(flop_budget=1000, namespace="s") as b:
        asyncio.run(step())
        list(produce(3))
    spaces = {k: v["flops_used"] for k, v in b.summary_dict(by_namespace=True)["by_namespace"].items()}
    assert spaces == {"s.phase": 4, "s.gen": 6}


def test_out_arguments_return_the_out_object():
    A = fnp.ones((3, 4))
    o = fnp.empty(4)
    with flops.BudgetContext(flop_budget=10**6):
        assert np.add.reduce(A, 0, out=o) is o
        assert fnp.sum(A, 0, None, o) is o
        assert A.sum(0, None, o) is o
        o2 = fnp.empty(3)
        assert fnp.dot(A, fnp.ones(4), o2) is o2
        o3 = fnp.empty((3, 4))
        assert fnp.clip(A, 0, 1, o3) is o3
        z = np.empty(())
        assert np.add.reduce(fnp.ones(5), out=z) is z


def test_clip_where_is_counted():
    with flops.BudgetContext(flop_budget=10**6) as ctx:
        fnp.clip(fnp.ones(3), 0, 1, where=np.ones((4, 3), bool), out=np.zeros((4, 3)))
    assert ctx.flops_used == 12


def test_an_empty_part_does_not_make_a_non_empty_output_free():
    A = fnp.ones((400, 500))
    with flops.BudgetContext(flop_budget=10**7) as ctx:
        fnp.full_like(fnp.zeros(0), 3.0, shape=(100, 100))
        fnp.concatenate([fnp.zeros((0, 500)), A])
        fnp.block([A, fnp.zeros((400, 0))])
        fnp.append(A, [])
    assert ctx.flops_used == 10_000 + 3 * 200_000
    with flops.BudgetContext(flop_budget=10) as ctx2:
        fnp.exp(fnp.zeros((0, 5)))
        fnp.where(fnp.ones((1,), bool), fnp.ones((0,)), 1.0)
    assert ctx2.flops_used == 0


def test_valid_numpy_calls_that_were_refused():
    A = fnp.ones((3, 4))
    B = fnp.ones((4, 5))
    with flops.BudgetContext(flop_budget=10**6) as ctx:
        assert float(fnp.tensordot(A, A, axes=np.array([[0, 1], [0, 1]]))) == 12.0
        assert fnp.tensordot(A, B, axes=(np.int64(1), np.int64(0))).shape == (3, 5)
        assert fnp.full(np.array([3, 2]), 1.0).shape == (3, 2)
        assert fnp.arange(stop=10).shape == (10,)
        assert np.add.reduce(array=A).shape == (4,)
        assert float(fnp.add.reduce(array=fnp.ones(5))) == 5.0
    assert ctx.flops_used == 12 + 60 + 6 + 10 + 12 + 5


def test_type_helpers_and_printing_are_free_on_metered_arrays():
    A = fnp.ones((2, 2))
    with flops.BudgetContext(flop_budget=1) as ctx:
        assert not fnp.iscomplexobj(A)
        assert fnp.isrealobj(A)
        assert fnp.result_type(A, 1.0) == np.float64
        assert fnp.can_cast(A, int) is False
        np.array2string(A)
    assert ctx.flops_used == 0


def test_reset_inside_an_active_context_keeps_it_in_the_view():
    with flops.BudgetContext(flop_budget=100) as b:
        fnp.exp(fnp.ones(20))
        flops.reset_session()
        data = flops.budget_summary_dict()
    assert data["flops_used"] == 20 and data["flop_budget"] == 100
    assert b.flops_used == 20


def test_arange_edge_cases_follow_numpy():
    with flops.BudgetContext(flop_budget=100) as ctx:
        assert fnp.arange(0, 10 + 0j).shape == (0,)
        with pytest.raises(ValueError):
            fnp.arange(0, np.inf)
    assert ctx.flops_used == 0


def test_einsum_refuses_what_numpy_refuses():
    ops = (2.0, np.ones(3), np.ones((1, 1, 1, 3)))
    with pytest.raises(ValueError) as numpy_err:
        np.einsum(",d,...bcd->c", *ops)
    with flops.BudgetContext(flop_budget=10**6) as ctx:
        with pytest.raises(ValueError) as ours:
            fnp.einsum(",d,...bcd->c", *ops)
        with pytest.raises(TypeError):
            fnp.einsum("ij,jk,kl->il", np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2)), dtype=np.float32)
    assert str(ours.value) == str(numpy_err.value)
    assert ctx.flops_used == 0


def test_conj_of_a_real_array_is_the_array_itself():
    b = fnp.asarray(np.array([True, False]))
    with flops.BudgetContext(flop_budget=10) as ctx:
        assert b.conj() is b
        assert b.conj().dtype == np.bool_
        z = fnp.asarray(np.ones(2, complex))
        assert z.conj().dtype == np.complex128
    assert ctx.flops_used == 2 + 2  # asarray of z, then its conjugate


def test_an_invalid_in_place_op_is_refused_with_numpys_own_message():
    # Found by the differential fuzzer (tests/test_fuzz.py): the refusal re-ran NumPy on
    # read-only stand-ins, and NumPy complained about the read-only output instead.
    a, b = fnp.full((5, 5), 0.5), fnp.ones((5, 8))
    plain_a, plain_b = np.full((5, 5), 0.5), np.ones((5, 8))
    for metered, plain in (
        (lambda: a.__itruediv__(b), lambda: plain_a.__itruediv__(plain_b)),
        (lambda: fnp.add(a, b, out=a), lambda: np.add(plain_a, plain_b, out=plain_a)),
        (lambda: fnp.add(a, b, a), lambda: np.add(plain_a, plain_b, plain_a)),
    ):
        with pytest.raises(ValueError) as ours:
            metered()
        with pytest.raises(ValueError) as numpys:
            plain()
        assert str(ours.value) == str(numpys.value)
        assert "read-only" not in str(ours.value)
    with flops.BudgetContext(flop_budget=10**6) as ctx:
        with pytest.raises(ValueError):
            a /= b
    assert ctx.flops_used == 0


def test_an_array_given_as_a_static_argument_is_priced_by_its_value_every_call():
    # Found by review: the generic path's fast cache keyed arrays by shape only, so
    # repeat(a, np.array(1)) then repeat(a, np.array(1000)) reused the first price.
    a = np.ones(10)
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        fnp.repeat(a, np.array(1))
        fnp.repeat(a, np.array(1000))
        fnp.tile(a, (np.array(2),))
        fnp.tile(a, (np.array(300),))
        fnp.fft.fft(a, np.array(16))
        fnp.fft.fft(a, np.array(4096))
    assert [r.cost for r in ctx.op_log] == [10, 10_000, 20, 3_000, 5 * 16 * 4, 5 * 4096 * 12]


def test_numpy_submodule_functions_on_metered_arrays_are_charged_before_fnp_touches_them():
    import subprocess
    import sys

    code = (
        "import numpy as np, flopscope as flops, flopscope.numpy as fnp\n"
        "A = fnp.eye(4) * 2.0\n"
        "with flops.BudgetContext(flop_budget=10**6) as ctx:\n"
        "    np.linalg.inv(A)\n"
        "    np.fft.fft(A[0])\n"
        "print(ctx.flops_used)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert int(out) == 4**3 + 5 * 4 * 2


def test_cov_with_weights_of_the_wrong_length_is_refused_and_charges_nothing():
    # Found by review: NumPy refuses these with RuntimeError, which kept the charge.
    m = np.ones((4, 5))
    with flops.BudgetContext(flop_budget=10**6) as ctx:
        with pytest.raises(RuntimeError, match="incompatible numbers of samples and aweights"):
            fnp.cov(m, aweights=np.ones(3))
        with pytest.raises(RuntimeError, match="incompatible numbers of samples and fweights"):
            fnp.cov(m, fweights=np.ones(3, dtype=int))
        fnp.cov(m, aweights=np.ones(5))
    assert ctx.flops_used == 2 * 4 * 4 * 5


def test_fill_is_charged_as_copyto_numel_of_what_it_writes():
    # Found by review: ndarray.fill was free while fnp.full charges numel(output).
    with flops.BudgetContext(flop_budget=10**6) as ctx:
        a = fnp.empty((100, 10))
        assert a.fill(3.0) is None
        b = fnp.zeros(5, dtype=int)
        b.fill(3.7)  # NumPy casts unsafely, as ndarray.fill does
    assert ctx.flops_used == 1000 + 5
    assert np.all(np.asarray(a) == 3.0) and list(np.asarray(b)) == [3] * 5


def test_the_base_of_a_metered_array_is_metered_too():
    # Found by review: A.base was the plain ndarray a metered result views, so
    # A.base @ A.base ran uncharged.
    A = fnp.ones((16, 16)) * 2.0
    with flops.BudgetContext(flop_budget=10**6) as ctx:
        B = A.base @ A.base
    assert isinstance(A.base, flops.FlopscopeArray)
    assert ctx.flops_used == 16**3
    assert np.array_equal(np.asarray(B), np.full((16, 16), 64.0))


def test_price_caches_evict_oldest_first_not_all_at_once():
    # an op seeing more shapes than its cache holds keeps its recent entries (no clear-all cliff)
    from flopscope.runtime import dispatch

    cache: dict = {}
    limit = dispatch._CACHE_LIMIT
    for k in range(limit + 10):
        dispatch._cache_put(cache, (k,), (k, k))
    assert len(cache) == limit
    assert (0,) not in cache and (9,) not in cache and (10,) in cache and (limit + 9,) in cache
    # and the runtime still charges exactly through a full cache
    with flops.BudgetContext(flop_budget=10**9) as b:
        for n in range(1, 50):
            fnp.exp(fnp.ones(n))
    assert b.flops_used == sum(range(1, 50))
