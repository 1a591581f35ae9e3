"""numpy.linalg and numpy.fft under flopscope: worked numbers for every counted op
(COST_MODEL v1, computed by hand here), NumPy's results and result types,
refusals that charge nothing, and backend failures that keep their charge."""

from __future__ import annotations

import numpy as np
import pytest

import flopscope as flops
import flopscope.numpy as fnp

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.uniform(0.1, 1.0, size=shape)


def well(n, batch=()):
    """A well-conditioned (diagonally dominant) stack of n x n matrices."""
    return rand(*batch, n, n) + n * np.eye(n)


def spd(n):
    a = rand(n, n)
    return a @ a.T + n * np.eye(n)


def charge(fn, *args, **kwargs):
    """(result, flops charged) of one metered call."""
    with flops.BudgetContext(flop_budget=10**12) as ctx:
        result = fn(*args, **kwargs)
    return result, ctx.flops_used


la = fnp.linalg
ff = fnp.fft

# (label, metered call, its worked cost by hand)
WORKED = [
    # n^3 per matrix
    ("solve 64x64 by a vector", lambda: la.solve(well(64), rand(64)), 64**3),  # 262,144
    ("solve stacked (3,8,8) by (3,8,2)", lambda: la.solve(well(8, (3,)), rand(3, 8, 2)), 3 * 512),
    ("solve (8,8) broadcast against (5,8,4)", lambda: la.solve(well(8), rand(5, 8, 4)), 5 * 512),
    ("inv 64x64", lambda: la.inv(well(64)), 262_144),
    ("inv stacked (4,16,16)", lambda: la.inv(well(16, (4,))), 4 * 4096),
    ("det 32x32", lambda: la.det(well(32)), 32_768),
    ("slogdet (2,10,10)", lambda: la.slogdet(well(10, (2,))), 2_000),
    ("cholesky 20x20", lambda: la.cholesky(spd(20)), 8_000),
    ("eig 10x10", lambda: la.eig(well(10)), 1_000),
    ("eigh 12x12", lambda: la.eigh(spd(12)), 1_728),
    ("eigvals 6x6", lambda: la.eigvals(well(6)), 216),
    ("eigvalsh 7x7", lambda: la.eigvalsh(spd(7)), 343),
    ("tensorsolve (2,3,6) by (2,3): a 6x6 solve", lambda: la.tensorsolve(well(6).reshape(2, 3, 6), rand(2, 3)), 216),
    ("tensorinv (4,6,8,3), ind=2: a 24x24 inverse", lambda: la.tensorinv(well(24).reshape(4, 6, 8, 3)), 13_824),
    # m * n * min(m, n)
    ("qr 100x50", lambda: la.qr(rand(100, 50)), 250_000),
    ("qr complete (2,30,20)", lambda: la.qr(rand(2, 30, 20), mode="complete"), 2 * 12_000),
    ("svdvals 50x100", lambda: la.svdvals(rand(50, 100)), 250_000),
    ("svd 100x50", lambda: la.svd(rand(100, 50)), 250_000),
    ("svd top-8 of 100x50", lambda: la.svd(rand(100, 50), k=8), 100 * 50 * 8),  # 40,000
    ("svd top-3 values of (2,30,20)", lambda: la.svd(rand(2, 30, 20), compute_uv=False, k=3), 2 * 30 * 20 * 3),
    ("lstsq 100x50", lambda: la.lstsq(rand(100, 50), rand(100)), 250_000),
    ("pinv 30x20", lambda: la.pinv(rand(30, 20)), 12_000),
    ("matrix_rank 30x20", lambda: la.matrix_rank(rand(30, 20)), 12_000),
    ("matrix_rank of a vector", lambda: la.matrix_rank(rand(5)), 5),
    # norms and cond
    ("norm of a vector", lambda: la.norm(rand(100)), 100),
    ("norm of a matrix (fro)", lambda: la.norm(rand(30, 20)), 600),
    ("norm ord=1 of a matrix", lambda: la.norm(rand(30, 20), 1), 600),
    ("norm ord=inf of a matrix", lambda: la.norm(rand(30, 20), np.inf), 600),
    ("norm ord=2 of a matrix", lambda: la.norm(rand(30, 20), 2), 12_000),
    ("norm ord='nuc' of a matrix", lambda: la.norm(rand(30, 20), "nuc"), 12_000),
    ("norm ord=3 along axis 1", lambda: la.norm(rand(30, 20), 3, axis=1), 600),
    ("norm ord=-2 over axes (1, 2)", lambda: la.norm(rand(4, 30, 20), -2, axis=(1, 2)), 4 * 12_000),
    ("vector_norm inf", lambda: la.vector_norm(rand(30, 20), ord=np.inf), 600),
    ("vector_norm over axes (0, 2)", lambda: la.vector_norm(rand(3, 4, 5), axis=(0, 2), keepdims=True), 60),
    ("matrix_norm fro of (4,30,20)", lambda: la.matrix_norm(rand(4, 30, 20)), 2_400),
    ("matrix_norm ord=-2 of (4,30,20)", lambda: la.matrix_norm(rand(4, 30, 20), ord=-2), 48_000),
    ("cond 30x20 (p=None)", lambda: la.cond(rand(30, 20)), 12_000),
    ("cond 20x20 p='fro'", lambda: la.cond(well(20), "fro"), 8_000 + 400),
    ("cond (3,5,5) p=-inf", lambda: la.cond(well(5, (3,)), -np.inf), 3 * (125 + 25)),
    # matrix_power: (floor_log2(k) + popcount(k) - 1) * n^3, k < 0 adds n^3
    ("matrix_power k=13, 16x16", lambda: la.matrix_power(well(16) / 16, 13), (3 + 3 - 1) * 4096),  # 20,480
    ("matrix_power k=-13, 16x16", lambda: la.matrix_power(well(16), -13), 20_480 + 4096),
    ("matrix_power k=2", lambda: la.matrix_power(well(16), 2), 4096),
    ("matrix_power k=8 stacked (2,4,4)", lambda: la.matrix_power(well(4, (2,)) / 4, 8), 2 * 3 * 64),
    ("matrix_power k=-1", lambda: la.matrix_power(well(16), -1), 4096),
    ("matrix_power k=1", lambda: la.matrix_power(well(16), 1), 0),
    ("matrix_power k=0", lambda: la.matrix_power(well(16), 0), 0),
    # multi_dot: the optimal chain order
    ("multi_dot (10,100),(100,5),(5,50)", lambda: la.multi_dot([rand(10, 100), rand(100, 5), rand(5, 50)]),
     10 * 100 * 5 + 10 * 5 * 50),  # 7,500; the other order costs 75,000
    ("multi_dot with 1-D ends", lambda: la.multi_dot([rand(100), rand(100, 5), rand(5, 50), rand(50)]),
     100 * 5 + 5 * 50 + 5),  # (v A)(B w) = 755; ((v A) B) w would be 800
    ("multi_dot of four (A(BC))D", lambda: la.multi_dot([rand(40, 20), rand(20, 30), rand(30, 10), rand(10, 30)]),
     20 * 30 * 10 + 40 * 20 * 10 + 40 * 10 * 30),  # 26,000
    ("multi_dot of two is dot", lambda: la.multi_dot([rand(10, 100), rand(100, 5)]), 5_000),
    # linalg aliases of top-level ops
    ("linalg.matmul (8,16)@(16,4)", lambda: la.matmul(rand(8, 16), rand(16, 4)), 512),
    ("linalg.outer 30 x 20", lambda: la.outer(rand(30), rand(20)), 600),
    ("linalg.tensordot axes=2", lambda: la.tensordot(rand(4, 5, 6), rand(5, 6, 7)), 840),
    ("linalg.trace (3,10,12)", lambda: la.trace(rand(3, 10, 12)), 30),
    ("linalg.trace offset=3", lambda: la.trace(rand(3, 10, 12), offset=3), 27),
    ("linalg.vecdot (10,20).(20,)", lambda: la.vecdot(rand(10, 20), rand(20)), 200),
    ("linalg.cross (5,3)x(5,3)", lambda: la.cross(rand(5, 3), rand(5, 3)), 45),
    ("linalg.cross axis=0", lambda: la.cross(rand(3, 4), rand(3, 1), axis=0), 36),
    # fft: 5 n clog2(n) per transform; real transforms 5 (n // 2) clog2(n)
    ("fft (8,64)", lambda: ff.fft(rand(8, 64)), 8 * 5 * 64 * 6),  # 15,360
    ("fft n=100 along axis 0 of (64,3)", lambda: ff.fft(rand(64, 3), n=100, axis=0), 3 * 5 * 100 * 7),
    ("ifft 64", lambda: ff.ifft(rand(64)), 1_920),
    ("hfft of 65: n = 128", lambda: ff.hfft(rand(65)), 5 * 128 * 7),
    ("rfft 64", lambda: ff.rfft(rand(64)), 5 * 32 * 6),  # 960
    ("rfft n=100", lambda: ff.rfft(rand(64), n=100), 5 * 50 * 7),
    ("irfft (4,33): n = 64", lambda: ff.irfft(rand(4, 33)), 4 * 960),
    ("irfft n=9", lambda: ff.irfft(rand(33), n=9), 5 * 4 * 4),
    ("ihfft 64", lambda: ff.ihfft(rand(64)), 960),
    ("fftn (4,8,16)", lambda: ff.fftn(rand(4, 8, 16)), 5 * 512 * (2 + 3 + 4)),  # 23,040
    ("ifftn s=(16,16) axes=(1,2)", lambda: ff.ifftn(rand(4, 8, 16), s=(16, 16), axes=(1, 2)), 4 * 5 * 256 * 8),
    ("fft2 (4,8,16)", lambda: ff.fft2(rand(4, 8, 16)), 4 * 5 * 128 * 7),  # 17,920
    ("ifft2 (8,16)", lambda: ff.ifft2(rand(8, 16)), 5 * 128 * 7),
    ("rfftn (8,16)", lambda: ff.rfftn(rand(8, 16)), 5 * 64 * 7),  # 2,240
    ("rfft2 (3,8,16)", lambda: ff.rfft2(rand(3, 8, 16)), 3 * 2_240),
    ("irfftn (8,9): real (8,16)", lambda: ff.irfftn(rand(8, 9)), 2_240),
    ("irfft2 (3,8,9)", lambda: ff.irfft2(rand(3, 8, 9)), 3 * 2_240),
]


@pytest.mark.parametrize("label,call,cost", WORKED, ids=[w[0] for w in WORKED])
def test_worked_number(label, call, cost):
    _, used = charge(call)
    assert used == cost


def test_every_counted_linalg_and_fft_op_has_a_worked_number():
    from flopscope.costs import OPS

    counted = {s.name for s in OPS if s.name.startswith(("linalg.", "fft.")) and not s.is_free}
    covered = set()
    for label, _, _ in WORKED:
        head = label.split()[0]
        covered.add(head if "." in head else ("fft." if head.startswith(("fft", "ifft", "rfft", "irfft", "hfft", "ihfft")) else "linalg.") + head)
    assert counted - covered == set()
    assert len(counted) == 43


# --------------------------------------------------------------------------- results


def _same(got, want):
    # NumPy's arrays and scalars alike come back metered: a single value is a 0-d metered
    # array (COST_MODEL v1.1); tuples and namedtuples keep their type.
    metered = isinstance(want, (np.ndarray, np.generic, float, int))
    assert type(got) is (flops.FlopscopeArray if metered else type(want)), (type(got), type(want))
    if isinstance(want, tuple):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
        return
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    assert np.asarray(got).dtype == np.asarray(want).dtype


@pytest.mark.parametrize("name,args,kwargs", [
    ("eigh", (spd(5),), {}),
    ("eig", (well(4),), {}),
    ("svd", (rand(6, 4),), {}),
    ("svd", (rand(2, 6, 4),), {"full_matrices": False}),
    ("qr", (rand(6, 4),), {}),
    ("qr", (rand(6, 4),), {"mode": "raw"}),
    ("qr", (rand(6, 4),), {"mode": "r"}),
    ("slogdet", (well(4),), {}),
    ("slogdet", (well(4, (3,)),), {}),
    ("lstsq", (rand(6, 4), rand(6, 2)), {}),
    ("lstsq", (rand(3, 4), rand(3)), {}),
    ("det", (well(4),), {}),
    ("matrix_rank", (rand(2, 6, 4),), {}),
    ("norm", (rand(3, 4),), {"axis": 0, "keepdims": True}),
    ("multi_dot", ([rand(3), rand(3, 4), rand(4)],), {}),
    ("cond", (well(4),), {"p": "nuc"}),
])
def test_results_are_numpys_with_the_same_types(name, args, kwargs):
    want = getattr(np.linalg, name)(*args, **kwargs)
    got, _ = charge(getattr(fnp.linalg, name), *args, **kwargs)
    _same(got, want)


def test_namedtuple_results_keep_their_fields_and_hold_metered_arrays():
    a = spd(6)
    w, v = la.eigh(a)
    r = la.eigh(a)
    assert type(r) is type(np.linalg.eigh(a)) and isinstance(r.eigenvalues, flops.FlopscopeArray)
    np.testing.assert_array_equal(r.eigenvectors, v)
    u, s, vh = la.svd(rand(5, 3))
    assert isinstance(vh, flops.FlopscopeArray) and s.shape == (3,)
    assert la.slogdet(well(3)).sign == 1.0


def test_svd_top_k_is_the_leading_part_of_numpys_svd():
    a = rand(100, 50)
    full = np.linalg.svd(a, full_matrices=False)
    top, used = charge(la.svd, a, k=8)
    assert used == 40_000
    assert type(top) is type(full)
    np.testing.assert_array_equal(top.U, full.U[:, :8])
    np.testing.assert_array_equal(top.S, full.S[:8])
    np.testing.assert_array_equal(top.Vh, full.Vh[:8, :])
    # full_matrices does not matter with k
    again, used = charge(la.svd, a, True, k=8)
    np.testing.assert_array_equal(again.Vh, top.Vh)
    values, used = charge(la.svd, a, compute_uv=False, k=3)
    np.testing.assert_array_equal(values, np.linalg.svd(a, compute_uv=False)[:3])
    assert used == 100 * 50 * 3


def test_fft_results_are_numpys():
    x = rand(4, 8, 6)
    for name, kwargs in (("fft", {"n": 5}), ("rfftn", {"s": (6, 4), "axes": (0, 2)}), ("irfft2", {}),
                         ("hfft", {"axis": 1}), ("ihfft", {"n": 7, "norm": "forward"}), ("fftshift", {"axes": 0})):
        want = getattr(np.fft, name)(x, **kwargs)
        got, _ = charge(getattr(ff, name), x, **kwargs)
        _same(got, want)
    assert isinstance(ff.fftfreq(8), flops.FlopscopeArray)
    _, used = charge(ff.fftfreq, 8, 0.1)
    assert used == 0
    _, used = charge(ff.ifftshift, x)
    assert used == 0


def test_output_argument_of_fft_is_returned():
    out = np.empty((3, 8), dtype=complex)
    got, used = charge(ff.fft, rand(3, 8), out=out)
    assert got is out and used == 3 * 5 * 8 * 3


# --------------------------------------------------------------------------- refusals and failures


@pytest.mark.parametrize("call,error,match", [
    (lambda: la.solve(rand(4, 3), rand(4)), np.linalg.LinAlgError, "square"),
    (lambda: la.solve(well(4), rand(5)), ValueError, "mismatch"),
    (lambda: la.inv(rand(5)), np.linalg.LinAlgError, "at least two-dimensional"),
    (lambda: la.det(rand(2, 3, 4)), np.linalg.LinAlgError, "square"),
    (lambda: la.eigh(rand(3, 4)), np.linalg.LinAlgError, "square"),
    (lambda: la.cholesky(rand(3, 4)), np.linalg.LinAlgError, "square"),
    (lambda: la.lstsq(rand(5, 3), rand(4)), np.linalg.LinAlgError, "Incompatible"),
    (lambda: la.qr(rand(4, 3), mode="bogus"), ValueError, "Unrecognized mode"),
    (lambda: la.svd(rand(10, 6), k=0), ValueError, "1 <= k <= min"),
    (lambda: la.svd(rand(10, 6), k=7), ValueError, "1 <= k <= min"),
    (lambda: la.svd(rand(10, 6), k=2.5), ValueError, "must be an integer"),
    (lambda: la.svd(rand(10, 6), hermitian=True), np.linalg.LinAlgError, "square"),
    (lambda: la.norm(rand(3, 4), "fro", axis=0), ValueError, "Invalid norm order"),
    (lambda: la.norm(rand(3, 4), 3), ValueError, "Invalid norm order for matrices"),
    (lambda: la.norm(rand(2, 3, 4), 2), ValueError, "Improper number of dimensions"),
    (lambda: la.matrix_norm(rand(4)), ValueError, "out of bounds"),
    (lambda: la.cond(rand(4, 3), 1), np.linalg.LinAlgError, "square"),
    (lambda: la.matrix_power(well(3), 2.0), TypeError, "exponent must be an integer"),
    (lambda: la.matrix_power(rand(3, 4), 2), np.linalg.LinAlgError, "square"),
    (lambda: la.multi_dot([rand(3, 3)]), ValueError, "at least two arrays"),
    (lambda: la.multi_dot([rand(3, 4), rand(5, 6), rand(6, 2)]), ValueError, "not aligned"),
    (lambda: la.multi_dot([rand(3, 4), rand(4), rand(4, 2)]), np.linalg.LinAlgError, "two-dimensional"),
    (lambda: la.tensorinv(rand(4, 6, 8, 3), ind=0), ValueError, "Invalid ind"),
    (lambda: la.tensorsolve(rand(2, 3, 5), rand(2, 3)), np.linalg.LinAlgError, "prod"),
    (lambda: la.outer(rand(2, 2), rand(3)), ValueError, "one-dimensional"),
    (lambda: la.cross(rand(4, 2), rand(4, 3)), ValueError, "3-dimensional vectors"),
    (lambda: ff.fft(rand(8), n=0), ValueError, "Invalid number of FFT data points"),
    (lambda: ff.irfft(rand(1)), ValueError, "Invalid number of FFT data points"),
    (lambda: ff.fft(rand(8), axis=2), IndexError, "out of range"),
    (lambda: ff.fftn(rand(4, 4), s=(4,), axes=(0, 1)), ValueError, "Shape and axes have different lengths"),
])
def test_refusals_charge_nothing(call, error, match):
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        with pytest.raises(error, match=match):
            call()
    assert ctx.flops_used == 0
    assert ctx.op_log == ()


def test_linalg_error_after_validation_keeps_the_charge():
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
            la.inv(np.ones((8, 8)))
        assert ctx.flops_used == 512
        with pytest.raises(np.linalg.LinAlgError):
            la.cholesky(-np.eye(10))  # not positive definite
        assert ctx.flops_used == 512 + 1000
        with pytest.raises(np.linalg.LinAlgError):
            la.solve(np.zeros((4, 4)), rand(4))
    assert ctx.flops_used == 512 + 1000 + 64


def test_budget_is_checked_before_the_factorization_runs():
    with flops.BudgetContext(flop_budget=262_143) as ctx:
        with pytest.raises(flops.BudgetExhaustedError):
            la.solve(well(64), rand(64))
    assert ctx.flops_used == 0


def test_numpy_functions_on_metered_arrays_are_charged():
    a = fnp.asarray(well(16))
    x = fnp.asarray(rand(64))
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        r = np.linalg.inv(a)
        f = np.fft.rfft(x)
    assert isinstance(r, flops.FlopscopeArray) and isinstance(f, flops.FlopscopeArray)
    assert ctx.flops_used == 4096 + 960


def test_empty_inputs_cost_nothing():
    _, used = charge(la.inv, np.zeros((0, 0)))
    assert used == 0
    _, used = charge(la.qr, np.zeros((3, 0)))
    assert used == 0
    _, used = charge(ff.fft, np.zeros((0, 8)))
    assert used == 0


# --------------------------------------------------------------------------- the analyzer agrees


def test_analyzer_predicts_linalg_and_fft_through_the_table(tmp_path):
    from flopscope.analyzer import analyze_source
    from flopscope.check import run_program

    source = (
        "import flopscope.numpy as fnp\n"
        "import flopscope.numpy.linalg as la\n"
        "A = fnp.eye(n)\n"
        "w, V = la.eigh(A)\n"
        "U, S, Vh = fnp.linalg.svd(A, k=4)\n"
        "p = la.matrix_power(A, 13)\n"
        "q = la.multi_dot([fnp.ones((10, n)), fnp.ones((n, 5)), fnp.ones((5, 50))])\n"
        "c = la.norm(A, 'nuc')\n"
        "d = la.cond(A, 1)\n"
        "X = fnp.fft.rfft2(fnp.ones((3, n, n)))\n"
        "s = fnp.sum(la.svd(A).S)\n"
    )
    path = tmp_path / "solver.py"
    path.write_text("n = 16\n" + source)
    predicted = analyze_source(path.read_text(), str(path))
    n = 16
    want = (n**3 + n * n * 4 + 5 * n**3 + (10 * n * 5 + 10 * 5 * 50) + n**3 + (n**3 + n * n)
            + 3 * 5 * (n * n // 2) * 8 + n**3 + n)
    assert predicted.value == want
    assert predicted.label == "exact"
    assert run_program(str(path)).total == want
