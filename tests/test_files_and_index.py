"""flopscope.numpy's files (load / save / savez / savez_compressed: free, metered results,
pickles refused), error reporting (errstate / seterr / geterr: free, callbacks refused),
index expressions (r_ / c_ / mgrid / ogrid priced numel, s_ / index_exp NumPy's own),
SeedSequence, and how the inventory classifies them."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

import flopscope as flops
import flopscope.numpy as fnp
from flopscope.costs.inventory import classify
from flopscope.numpy._files import NpzArchive

BIG = 10**9


def _same(got, want):
    """Values, dtype and shape equal (got a metered array, want NumPy's)."""
    assert isinstance(got, flops.FlopscopeArray)
    plain = np.asarray(got)
    assert plain.dtype == want.dtype
    assert plain.shape == want.shape
    np.testing.assert_array_equal(plain, want)


# ---------------------------------------------------------------------- files

A = np.arange(12.0).reshape(3, 4)
B = np.array([3, -1, 7], dtype=np.int32)
C = np.array([[True, False]])


def test_load_npy_written_by_numpy(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, A)
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        got = fnp.load(path)
        assert ctx.flops_used == 0
        got_str = fnp.load(str(path))
        assert ctx.flops_used == 0
        doubled = got * 2.0  # arithmetic on a loaded array is charged
        assert ctx.flops_used == 12
    _same(got, A)
    _same(got_str, A)
    _same(doubled, A * 2.0)
    assert [r.op for r in ctx.op_log] == ["multiply"]


def test_load_npy_from_file_object_and_mmap(tmp_path):
    buf = io.BytesIO()
    np.save(buf, B)
    buf.seek(0)
    path = tmp_path / "b.npy"
    np.save(path, B)
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        from_buf = fnp.load(buf)
        mapped = fnp.load(path, mmap_mode="r")
        assert ctx.flops_used == 0
        total = mapped + from_buf
        assert ctx.flops_used == 3
    _same(from_buf, B)
    _same(mapped, B)
    _same(total, B + B)


def test_save_load_npy_round_trip(tmp_path):
    metered = fnp.asarray(A)  # outside the context: asarray is charged
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DeprecationWarning from NumPy (fix_imports)
        with flops.BudgetContext(flop_budget=BIG) as ctx:
            fnp.save(tmp_path / "a.npy", metered)
            fnp.save(str(tmp_path / "b"), B)  # NumPy adds the .npy suffix
            fnp.save(tmp_path / "c.npy", C, fix_imports=True)  # accepted, ignored
            a = fnp.load(tmp_path / "a.npy")
            b = fnp.load(tmp_path / "b.npy")
            c = fnp.load(tmp_path / "c.npy")
            assert ctx.flops_used == 0
            total = a + a
            assert ctx.flops_used == 12
    _same(a, A)
    _same(b, B)
    _same(c, C)
    _same(total, A + A)
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy"), A)  # a plain .npy file


@pytest.mark.parametrize("writer", ["savez", "savez_compressed"])
def test_npz_round_trip(tmp_path, writer):
    path = tmp_path / f"{writer}.npz"
    metered_b = fnp.asarray(B)  # outside the context: asarray is charged
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        getattr(fnp, writer)(path, A, b=metered_b, c=C)
        archive = fnp.load(path)
        assert isinstance(archive, NpzArchive)
        a, b, c = archive["arr_0"], archive["b"], archive["c"]
        assert ctx.flops_used == 0
        summed = a.sum()
        assert ctx.flops_used == 12  # sum: numel(input)
    _same(a, A)
    _same(b, B)
    _same(c, C)
    assert float(summed) == 66.0
    with np.load(path) as ref:
        assert sorted(ref.files) == sorted(archive.files)
    archive.close()


def test_npz_archive_interface(tmp_path):
    path = tmp_path / "z.npz"
    np.savez(path, x=A, y=B)
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        with fnp.load(path) as archive:
            assert sorted(archive.files) == ["x", "y"]
            assert "x" in archive and "y" in archive and "w" not in archive
            assert len(archive) == 2
            assert sorted(iter(archive)) == ["x", "y"]
            assert sorted(archive.keys()) == ["x", "y"]
            assert archive.get("w") is None
            assert archive.get("w", 5) == 5
            _same(archive.get("y"), B)
            items = dict(archive.items())
            assert sorted(items) == ["x", "y"]
            _same(items["x"], A)
            _same(items["y"], B)
            values = archive.values()
            assert len(values) == 2 and all(isinstance(v, flops.FlopscopeArray) for v in values)
    assert ctx.flops_used == 0


def test_npz_missing_key_names_the_held_keys(tmp_path):
    path = tmp_path / "z.npz"
    np.savez(path, alpha=A, beta=B)
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        archive = fnp.load(path)
        with pytest.raises(KeyError) as info:
            archive["gamma"]  # noqa: B018
        archive.close()
    message = str(info.value)
    assert "gamma" in message and "'alpha'" in message and "'beta'" in message
    assert ctx.flops_used == 0


def test_empty_npz_missing_key(tmp_path):
    path = tmp_path / "empty.npz"
    fnp.savez(path)
    archive = fnp.load(path)
    assert archive.files == [] and len(archive) == 0
    with pytest.raises(KeyError, match="no arrays"):
        archive["x"]  # noqa: B018
    archive.close()


def test_load_refusals_charge_nothing(tmp_path):
    np.save(tmp_path / "ok.npy", A)
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        with pytest.raises(FileNotFoundError):
            fnp.load(tmp_path / "missing.npy")
        with pytest.raises(flops.UnsupportedOperationError, match="pickle"):
            fnp.load(tmp_path / "ok.npy", allow_pickle=True)
        with pytest.raises(ValueError, match="[Oo]bject arrays"):
            fnp.load(tmp_path / "obj.npy")
    assert ctx.flops_used == 0
    assert len(ctx.op_log) == 0


# ---------------------------------------------------------------------- error reporting


def test_errstate_context_manager_silences_divide():
    zero = fnp.zeros(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with flops.BudgetContext(flop_budget=BIG) as ctx:
            with fnp.errstate(divide="ignore"):
                out = fnp.log(zero)
            assert ctx.flops_used == 3  # log's charge; errstate is free
            with pytest.raises(RuntimeWarning, match="divide by zero"):
                fnp.log(zero)
    assert np.all(np.asarray(out) == -np.inf)


def test_errstate_decorator_silences_divide():
    zero = fnp.zeros(2)

    @fnp.errstate(divide="ignore")
    def quiet():
        return fnp.log(zero)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with flops.BudgetContext(flop_budget=BIG) as ctx:
            out = quiet()
    assert ctx.flops_used == 2
    np.testing.assert_array_equal(np.asarray(out), [-np.inf, -np.inf])


def test_seterr_and_geterr():
    before = np.geterr()
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        current = fnp.geterr()
        assert isinstance(current, dict) and current == before
        old = fnp.seterr(divide="raise", invalid="ignore")
        try:
            assert old == before
            assert fnp.geterr()["divide"] == "raise" and np.geterr()["invalid"] == "ignore"
            with pytest.raises(FloatingPointError):
                fnp.log(fnp.zeros(1))
        finally:
            fnp.seterr(**old)
        assert fnp.geterr() == before
    assert ctx.flops_used == 1  # the one log; seterr / geterr are free
    assert [r.op for r in ctx.op_log] == ["log"]


@pytest.mark.parametrize("call", [
    lambda: fnp.errstate(call=print),
    lambda: fnp.errstate(all="call"),
    lambda: fnp.errstate(divide="log"),
    lambda: fnp.seterr(divide="log"),
    lambda: fnp.seterr(all="call"),
], ids=["errstate-call", "errstate-all-call", "errstate-log", "seterr-log", "seterr-call"])
def test_callbacks_refused(call):
    before = np.geterr()
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        with pytest.raises(flops.UnsupportedOperationError):
            call()
    assert ctx.flops_used == 0
    assert np.geterr() == before  # nothing changed


# ---------------------------------------------------------------------- r_ and c_

a3 = np.arange(3.0)
b2 = np.array([7, 8])
M = np.arange(6).reshape(2, 3)
N = np.ones((2, 2))
T = np.arange(24.0).reshape(2, 3, 4)
i8 = np.arange(3, dtype=np.int8)
f32 = np.ones(2, np.float32)

R_CASES = [
    ("arrays", lambda X: X.r_[a3, b2]),
    ("list-scalars", lambda X: X.r_[[1, 2, 3], 4, 5.5]),
    ("slice", lambda X: X.r_[0:5]),
    ("slice-step-array", lambda X: X.r_[0:10:2, a3]),
    ("complex-step", lambda X: X.r_[0:1:5j]),
    ("complex-list-scalars", lambda X: X.r_[-1:1:6j, [0] * 3, 5, 6]),
    ("mixed", lambda X: X.r_[a3, 0:4, b2, 9]),
    ("negative-step", lambda X: X.r_[10:0:-3]),
    ("float-step", lambda X: X.r_[0.5:3.0:0.5]),
    ("directive-0,2", lambda X: X.r_["0,2", a3, a3]),
    ("directive-1", lambda X: X.r_["1", M, N]),
    ("directive--1", lambda X: X.r_["-1", M, N]),
    ("directive-0,2,1", lambda X: X.r_["0,2,1", b2, b2]),
    ("directive--1,2,0", lambda X: X.r_["-1,2,0", a3, a3]),
    ("directive-1,2,0", lambda X: X.r_["1,2,0", a3, a3]),
    ("directive-0,3,-1", lambda X: X.r_["0,3,-1", a3, a3]),
    ("2d", lambda X: X.r_[M, M]),
    ("3d-axis2", lambda X: X.r_["2", T, T]),
    ("numpy-scalars", lambda X: X.r_[np.float64(2.0), np.int32(3)]),
    ("bool-scalar", lambda X: X.r_[True, a3]),
    ("complex-scalar", lambda X: X.r_[1 + 2j, a3]),
    ("single-scalar", lambda X: X.r_[5]),
    ("int8-scalar", lambda X: X.r_[i8, 3]),
    ("float32-scalar", lambda X: X.r_[f32, 2.5]),
    ("int8-float32", lambda X: X.r_[i8, f32]),
    ("empty-part", lambda X: X.r_[a3[:0], b2]),
    ("0d-array", lambda X: X.r_[np.array(4.0), a3]),
]
C_CASES = [
    ("columns", lambda X: X.c_[a3, a3]),
    ("columns-mixed-dtype", lambda X: X.c_[a3, np.arange(3)]),
    ("2d-1d", lambda X: X.c_[M.T, a3]),
    ("slice", lambda X: X.c_[0:3, a3]),
    ("complex-step", lambda X: X.c_[0:1:3j, a3]),
    ("2d-2d", lambda X: X.c_[M, N]),
    ("lists", lambda X: X.c_[[1, 2], [3, 4]]),
    ("rows-scalars", lambda X: X.c_[np.array([[1, 2, 3]]), 0, 0, np.array([[4, 5, 6]])]),
    ("directive-0,2", lambda X: X.c_["0,2", a3, a3]),
    ("single", lambda X: X.c_[a3]),
    ("3d", lambda X: X.c_[T, T]),
]


@pytest.mark.parametrize(("name", "build"), [("r_", c[1]) for c in R_CASES] + [("c_", c[1]) for c in C_CASES],
                         ids=[f"r_-{c[0]}" for c in R_CASES] + [f"c_-{c[0]}" for c in C_CASES])
def test_concat_index_matches_numpy(name, build):
    want = build(np)
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        got = build(fnp)
    _same(got, want)
    assert ctx.flops_used == want.size
    assert [(r.op, r.flops) for r in ctx.op_log] == [(name, want.size)]


def test_concat_index_with_metered_operands():
    ma = fnp.asarray(a3)
    m0 = fnp.asarray(2.0)
    stop = fnp.asarray(2)
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        got = fnp.r_[ma, m0, 0:stop]
    _same(got, np.r_[a3, np.asarray(2.0), 0:2])
    assert ctx.flops_used == 6


@pytest.mark.parametrize("build", [
    lambda: fnp.r_["r", a3, a3],
    lambda: fnp.c_["c", a3, a3],
    lambda: fnp.r_["r", M],
], ids=["r_-r", "c_-c", "r_-r-2d"])
def test_matrix_directives_refused(build):
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        with pytest.raises(flops.UnsupportedOperationError, match="matrix"):
            build()
    assert ctx.flops_used == 0


@pytest.mark.parametrize("build", [
    lambda X: X.r_["0", M, a3],  # different numbers of dimensions
    lambda X: X.c_[a3, np.arange(4.0)],  # lengths differ
    lambda X: X.r_[M, a3],
    lambda X: X.r_["0,2", a3, b2],  # rows of different lengths
    lambda X: X.r_[a3, "0,2", a3],  # a directive not first
    lambda X: X.r_["a,b", a3],  # not a directive
    lambda X: X.r_[()],  # nothing to concatenate
], ids=["ndim", "c_-lengths", "r_-2d-1d", "rows", "directive-not-first", "bad-directive", "empty"])
def test_invalid_concatenation_is_numpys_value_error(build):
    with pytest.raises(ValueError) as np_info:
        build(np)
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        with pytest.raises(ValueError) as fs_info:
            build(fnp)
    assert type(fs_info.value) is type(np_info.value)
    assert str(fs_info.value) == str(np_info.value)
    assert ctx.flops_used == 0
    assert len(ctx.op_log) == 0


def test_directive_not_first_message():
    with pytest.raises(ValueError, match="special directives must be the first entry"):
        fnp.r_[a3, "1", a3]


# ---------------------------------------------------------------------- mgrid and ogrid

GRID_KEYS = [
    ("int", np.s_[0:5]),
    ("int-2d", np.s_[0:3, 0:4]),
    ("float-step", np.s_[0:1:0.25]),
    ("complex-step", np.s_[-1:1:5j]),
    ("complex-and-int", np.s_[0:2:3j, 0:5:2]),
    ("negative-step", np.s_[5:0:-1]),
    ("three-slices", np.s_[0:3, 0:2, 0:4]),
    ("negative-and-complex", np.s_[10:0:-3, 0:1:4j]),
    ("no-start", np.s_[:4]),
    ("float-bounds", np.s_[1.5:4.0]),
    ("empty", np.s_[3:1]),
    ("one-point", np.s_[0:4:1j]),
    ("numpy-int-bounds", np.s_[np.int64(2):np.int64(6)]),
    ("float-and-complex", np.s_[0:3:0.5, 1:2:3j]),
    ("one-slice-tuple", np.s_[0:5, ]),
]


@pytest.mark.parametrize("key", [k for _, k in GRID_KEYS], ids=[n for n, _ in GRID_KEYS])
def test_mgrid_matches_numpy(key):
    want = np.mgrid[key]
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        got = fnp.mgrid[key]
    _same(got, want)
    assert ctx.flops_used == want.size
    assert [r.op for r in ctx.op_log] == ["mgrid"]


@pytest.mark.parametrize("key", [k for _, k in GRID_KEYS], ids=[n for n, _ in GRID_KEYS])
def test_ogrid_matches_numpy(key):
    want = np.ogrid[key]
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        got = fnp.ogrid[key]
    if isinstance(want, np.ndarray):
        _same(got, want)
        expected = want.size
    else:
        assert type(got) is type(want) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
        expected = sum(w.size for w in want)
    assert ctx.flops_used == expected


def test_grid_costs_are_numel():
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        fnp.mgrid[0:3, 0:4]
        assert ctx.flops_used == 24  # shape (2, 3, 4)
        fnp.ogrid[0:3, 0:4]
        assert ctx.flops_used == 24 + 7  # (3, 1) and (1, 4)
        fnp.mgrid[0:1:5j, 0:2:3j, 0:4]
        assert ctx.flops_used == 31 + 3 * 5 * 3 * 4
    assert [r.op for r in ctx.op_log] == ["mgrid", "ogrid", "mgrid"]


def test_grid_refuses_non_slices():
    with pytest.raises(TypeError):
        fnp.mgrid[3]


# ---------------------------------------------------------------------- s_ and index_exp


def test_s_and_index_exp_are_numpys_and_free():
    assert fnp.s_ is np.s_
    assert fnp.index_exp is np.index_exp
    x = np.arange(10.0)
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        s = fnp.s_[1:7:2]
        e = fnp.index_exp[2:5, ::-1]
    assert s == slice(1, 7, 2)
    assert e == (slice(2, 5, None), slice(None, None, -1))
    np.testing.assert_array_equal(x[s], [1.0, 3.0, 5.0])
    assert ctx.flops_used == 0


# ---------------------------------------------------------------------- SeedSequence


def test_seed_sequence():
    with flops.BudgetContext(flop_budget=BIG) as ctx:
        seq = fnp.random.SeedSequence(12345)
        words = seq.generate_state(4)
        words64 = seq.generate_state(3, np.uint64)
        rng = fnp.random.default_rng(seq)
        assert ctx.flops_used == 0  # SeedSequence, generate_state, default_rng: free
        draws = rng.random(5)
        assert ctx.flops_used == 5
    _same(words, np.random.SeedSequence(12345).generate_state(4))
    _same(words64, np.random.SeedSequence(12345).generate_state(3, np.uint64))
    np.testing.assert_array_equal(np.asarray(draws), np.random.default_rng(np.random.SeedSequence(12345)).random(5))
    np.testing.assert_array_equal(np.asarray(words), [2688385916, 3048105090, 4196366895, 3152189807])
    assert seq.entropy == 12345 and seq.pool_size == 4


def test_seed_sequence_spawn():
    children = fnp.random.SeedSequence(7).spawn(2)
    ref = np.random.SeedSequence(7).spawn(2)
    for child, want in zip(children, ref):
        assert child.spawn_key == want.spawn_key
        got = fnp.random.default_rng(child).standard_normal(3)
        np.testing.assert_array_equal(np.asarray(got), np.random.default_rng(want).standard_normal(3))


# ---------------------------------------------------------------------- the inventory


@pytest.mark.parametrize("name", ["load", "save", "savez", "savez_compressed", "errstate", "seterr", "geterr"])
def test_inventory_free(name):
    assert classify("", name) == ["free"]


@pytest.mark.parametrize("name", ["loadtxt", "savetxt", "seterrcall"])
def test_inventory_blocked(name):
    assert classify("", name) == ["blocked"]


def test_inventory_seed_sequence():
    assert classify("random", "SeedSequence") == ["free"]
