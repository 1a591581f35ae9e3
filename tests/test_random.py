"""numpy.random, metered: seeded results equal NumPy's, charges follow COST_MODEL v1
(samplers numel(output), permutation/shuffle n, choice with replacement numel(output) and
without n * clog2(n)), refused calls charge nothing, unclassified methods are refused, and
the analyzer predicts what the runtime charges."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

import flopscope as flops
import flopscope.numpy as fnp
from flopscope.analyzer import analyze_source
from flopscope.check import run_program
from flopscope.costs import OPS

RANDOM_OPS = [spec.name for spec in OPS if spec.name.startswith("random.") and spec.category != "free"]

# Valid values for the scalar parameters of the samplers.
PARAMS = {
    "a": "2.0", "b": "3.0", "n": "10", "p": "0.5", "df": "3.0", "scale": "2.0", "dfnum": "3.0", "dfden": "4.0",
    "shape": "2.0", "loc": "1.0", "ngood": "5", "nbad": "6", "nsample": "3", "mean": "1.0", "sigma": "0.5",
    "nonc": "1.5", "lam": "3.0", "left": "0.0", "mode": "0.5", "right": "1.0", "low": "5", "high": "10",
    "mu": "0.0", "kappa": "1.0",
}
# Array parameters (the event samplers): source text building a valid value of that shape.
ARRAYS = {
    "alpha": "X.ones({s})", "pvals": "X.full({s}, 1 / {k})", "mean": "X.zeros({s})", "cov": "X.eye({k})",
    "colors": "X.ones({s}, dtype=int)", "x": "X.ones({s})",
}


def _sub(x, values):
    if isinstance(x, str):
        return values.get(x, x)
    if isinstance(x, tuple):
        return tuple(_sub(v, values) for v in x)
    return x


def example_call(name: str, values: dict | None = None) -> str:
    """``R.<method>(...)`` text of the op's worked example (X: the numpy module, R: the generator)."""
    spec = OPS[name]
    ex = spec.example
    values = dict(ex.values) if values is None else values
    parts = []
    arrays = [p for p in spec.params if p.kind == "array" and p.required]
    for p, shape in zip(arrays, ex.shapes):
        shape = _sub(shape, values)
        if shape == ():
            parts.append(PARAMS[p.name])
        else:
            parts.append(ARRAYS[p.name].format(s=shape, k=shape[-1]))
    for key, v in ex.static:
        v = _sub(v, values)
        parts.append(repr(v) if key.startswith("d") and key[1:].isdigit() else f"{key}={v!r}")
    if name.endswith("multivariate_hypergeometric"):
        parts.insert(1, "4")
    return f"R.{name.rpartition('.')[2]}({', '.join(parts)})"


def owners(name: str, module):
    """(NumPy's generator, flopscope's generator) for the op's family, seeded alike."""
    family = name.split(".")[1]
    if family == "Generator":
        return np.random.default_rng(7), module.random.default_rng(7)
    if family == "RandomState":
        return np.random.RandomState(7), module.random.RandomState(7)
    np.random.seed(7)
    return np.random, module.random


def same(got, want):
    if isinstance(want, np.ndarray):
        assert isinstance(got, flops.FlopscopeArray)
        np.testing.assert_array_equal(np.asarray(got), want)
        assert got.dtype == want.dtype and got.shape == want.shape
    elif isinstance(want, bytes):
        assert got == want
    else:  # a single draw: NumPy's scalar, flopscope's 0-d metered array (COST_MODEL v1.1)
        assert isinstance(got, flops.FlopscopeArray) and got.shape == ()
        assert got.dtype == np.asarray(want).dtype
        assert got.item() == want or (got.item() != got.item() and want != want)


# --------------------------------------------------------------------- every op vs NumPy


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # random_integers
@pytest.mark.parametrize("name", RANDOM_OPS)
def test_seeded_result_equals_numpys_and_charge_equals_the_table(name):
    text = example_call(name)
    R, _ = owners(name, np)
    want = eval(text, {"X": np, "R": R})
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        _, R = owners(name, fnp)
        before = ctx.flops_used  # building the example's arrays may itself be charged
        got = eval(text, {"X": fnp, "R": R})
    if name.endswith("shuffle"):
        assert got is None and want is None
    else:
        same(got, want)
    spec = OPS[name]
    ex = spec.example
    helpers = {"pvals": 16, "colors": 0}  # X.full((16,), ...) is charged; ones/zeros/eye are free
    extra = sum(helpers.get(p.name, 0) for p in spec.params if p.kind == "array" and p.required)
    values = dict(ex.values)
    shapes = tuple(_sub(s, values) for s in ex.shapes)
    expected = spec.cost(shapes, **{k: _sub(v, values) for k, v in ex.static})
    assert expected > 0
    assert ctx.flops_used == expected + extra
    assert name in [r.op for r in ctx.op_log]


def test_every_public_method_of_numpys_generators_is_classified():
    free = {"bit_generator", "spawn", "seed", "get_state", "set_state"}
    for cls in ("Generator", "RandomState"):
        for m in dir(getattr(np.random, cls)):
            if m.startswith("_"):
                continue
            assert f"random.{cls}.{m}" in OPS or m in free, (cls, m)
            assert hasattr(getattr(fnp.random, cls), m)


# --------------------------------------------------------------------- worked numbers


def charged(fn):
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        fn()
    return ctx.flops_used


def test_worked_numbers():
    rng = fnp.random.default_rng(0)
    assert charged(lambda: rng.normal(size=(100, 50))) == 5_000
    assert charged(lambda: rng.choice(1000, 10, replace=False)) == 10_000  # 1000 * clog2(1000)
    assert charged(lambda: fnp.random.choice(1000, 10, replace=False)) == 10_000
    assert charged(lambda: rng.choice(1000, size=(5, 2))) == 10  # with replacement: numel(output)
    assert charged(lambda: rng.choice(np.ones((6, 4)), 3, axis=1, replace=False)) == 8  # n = 4: 4 * clog2(4)
    assert charged(lambda: rng.permutation(np.ones((100, 3)))) == 100
    assert charged(lambda: rng.permutation(256)) == 256
    assert charged(lambda: rng.permutation(np.ones((4, 9)), axis=1)) == 9
    assert charged(lambda: rng.permuted(np.ones((4, 5)), axis=1)) == 20
    assert charged(lambda: fnp.random.rand(3, 4)) == 12
    assert charged(lambda: fnp.random.randn()) == 1
    assert charged(lambda: fnp.random.normal(np.zeros(7))) == 7  # the parameters' broadcast
    assert charged(lambda: fnp.random.normal(np.zeros((3, 1)), np.ones(5))) == 15
    assert charged(lambda: rng.dirichlet([1.0, 1.0, 1.0], size=4)) == 12
    assert charged(lambda: fnp.random.multinomial(10, [0.2, 0.8], size=5)) == 10
    assert charged(lambda: rng.multivariate_normal(np.zeros(3), np.eye(3), size=(2, 5))) == 30
    assert charged(lambda: rng.bytes(16)) == 16
    assert charged(lambda: fnp.random.shuffle([1, 2, 3, 4, 5, 6, 7])) == 7
    assert charged(lambda: rng.normal(size=0)) == 0
    assert charged(lambda: fnp.random.seed(3)) == 0
    assert charged(lambda: fnp.random.default_rng(3)) == 0


def test_out_is_filled_and_returned_and_charged_by_its_shape():
    rng, ref = fnp.random.default_rng(5), np.random.default_rng(5)
    out = fnp.zeros((6, 7))
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        r = rng.standard_normal(out=out)
    assert r is out and ctx.flops_used == 42
    np.testing.assert_array_equal(np.asarray(out), ref.standard_normal((6, 7)))


def test_shuffle_is_in_place_on_a_metered_array():
    x, y = fnp.arange(10.0), np.arange(10.0)
    fnp.random.default_rng(3).shuffle(x)
    np.random.default_rng(3).shuffle(y)
    np.testing.assert_array_equal(np.asarray(x), y)


def test_seed_then_legacy_functions_match_numpy():
    fnp.random.seed(0)
    got = [fnp.random.rand(3), fnp.random.randn(2, 2), fnp.random.randint(0, 10, 5), fnp.random.normal()]
    np.random.seed(0)
    want = [np.random.rand(3), np.random.randn(2, 2), np.random.randint(0, 10, 5), np.random.normal()]
    for g, w in zip(got, want):
        same(g, w)
    assert np.array_equal(np.asarray(fnp.random.default_rng(42).normal(size=(3, 4))),
                          np.random.default_rng(42).normal(size=(3, 4)))


def test_generators_are_metered_wrappers_with_free_members():
    rng = fnp.random.default_rng(1)
    assert isinstance(rng, fnp.random.Generator)
    assert fnp.random.default_rng(rng) is rng
    bg = rng.bit_generator  # a view: its state (free), not its raw draws
    assert bg.state == np.random.default_rng(1).bit_generator.state
    with pytest.raises(flops.UnsupportedOperationError, match="random_raw is refused"):
        bg.random_raw(10)
    with pytest.raises(flops.UnsupportedOperationError):
        bg.ctypes
    legacy = fnp.random.RandomState(3).get_state()
    assert type(legacy[1]) is flops.FlopscopeArray and legacy[1].shape == (624,)
    kids = rng.spawn(2)
    assert all(isinstance(k, fnp.random.Generator) for k in kids)
    assert np.array_equal(np.asarray(kids[0].random(3)), np.random.default_rng(1).spawn(2)[0].random(3))
    again = pickle.loads(pickle.dumps(rng))
    assert isinstance(again, fnp.random.Generator)
    assert np.array_equal(np.asarray(again.random(4)), np.asarray(rng.random(4)))
    g2 = fnp.random.Generator(np.random.PCG64(9))
    assert np.array_equal(np.asarray(g2.random(2)), np.random.Generator(np.random.PCG64(9)).random(2))
    rs = fnp.random.RandomState(4)
    state = rs.get_state()
    a = rs.rand(3)
    rs.set_state(state)
    assert np.array_equal(np.asarray(rs.rand(3)), np.asarray(a))
    one = rng.integers(5)
    assert isinstance(one, flops.FlopscopeArray) and one.shape == () and one.dtype == np.int64


# --------------------------------------------------------------------- refusals


@pytest.mark.parametrize("call, error", [
    (lambda r: r.normal(0, -1, size=3), "scale < 0"),
    (lambda r: r.normal(size=-3), "negative dimensions"),
    (lambda r: r.normal(np.zeros(3), size=(2,)), "shape mismatch"),
    (lambda r: r.choice(5, 10, replace=False), "larger sample"),
    (lambda r: r.uniform(size=2.5), "integer"),
    (lambda r: r.integers(10, 5, size=4), "high"),
    (lambda r: r.permutation(np.ones(3), axis=2), "out of bounds"),
    (lambda r: r.beta(1.0), "missing"),
])
def test_refused_calls_charge_nothing_and_leave_the_stream_alone(call, error):
    rng = fnp.random.default_rng(11)
    with pytest.raises(Exception) as got:
        call(np.random.default_rng(11))
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        with pytest.raises(type(got.value), match=error):
            call(rng)
        assert ctx.flops_used == 0
        assert ctx.op_log == ()
    assert np.array_equal(np.asarray(rng.random(3)), np.random.default_rng(11).random(3))


def test_legacy_refusals_charge_nothing():
    with flops.BudgetContext(flop_budget=10**9) as ctx:
        with pytest.raises(ValueError, match="negative dimensions"):
            fnp.random.rand(-2)
        with pytest.raises(ValueError):
            fnp.random.poisson(-1.0, size=3)
        with pytest.raises(ValueError):
            fnp.random.RandomState(0).choice(np.ones((2, 2)), 1)
    assert ctx.flops_used == 0


def test_budget_is_checked_before_drawing():
    rng = fnp.random.default_rng(2)
    with flops.BudgetContext(flop_budget=100) as ctx:
        with pytest.raises(flops.BudgetExhaustedError):
            rng.normal(size=(20, 20))
        assert ctx.flops_used == 0
    assert np.array_equal(np.asarray(rng.random(2)), np.random.default_rng(2).random(2))


def test_unclassified_methods_and_names_are_refused(monkeypatch):
    rng = fnp.random.default_rng(0)
    monkeypatch.delattr(fnp.random.Generator, "normal")  # as if NumPy grew a sampler the table lacks
    with pytest.raises(flops.UnsupportedOperationError, match="Generator.normal"):
        rng.normal(size=3)
    with pytest.raises(AttributeError):
        rng.no_such_method
    with pytest.raises(flops.UnsupportedOperationError, match="test suite"):
        fnp.random.test


# --------------------------------------------------------------------- the analyzer


def _program(name: str) -> str:
    family = name.split(".")[1]
    owner = {"Generator": "fnp.random.default_rng(0)", "RandomState": "fnp.random.RandomState(0)"}.get(family, "fnp.random")
    return ("import flopscope.numpy as fnp\nX = fnp\nR = " + owner + "\n" + "result = " + example_call(name) + "\n")


# The Generator and legacy families (RandomState shares the legacy rules) through the
# analyzer and the runtime: predicted == measured, exactly.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("name", [n for n in RANDOM_OPS if not n.startswith("random.RandomState.")])
def test_analyzer_predicts_what_the_runtime_charges(name, tmp_path):
    source = _program(name)
    path = tmp_path / "solver.py"
    path.write_text(source)
    predicted = analyze_source(source, str(path))
    measured = run_program(str(path))
    assert measured.error is None, measured.error
    assert predicted.value == measured.total, (source, str(predicted.total), [d.message for d in predicted.diagnostics])
    assert predicted.label == "exact"


def test_analyzer_symbolic_formulas():
    source = (
        "import flopscope.numpy as fnp\n"
        "rng = fnp.random.default_rng(0)\n"
        "a = rng.normal(size=(n, m))\n"
        "b = rng.choice(n, size=k, replace=False)\n"
        "c = fnp.random.rand(n, m)\n"
        "d = rng.permutation(a)\n"
    )
    import sympy

    result = analyze_source(source, "<s>", shapes=["n=1000", "m=8", "k=5"])
    n, m = sympy.Symbol("n", positive=True, integer=True), sympy.Symbol("m", positive=True, integer=True)
    assert result.value == 8_000 + 10_000 + 8_000 + 1_000
    assert "clog2" in str(result.total)
    assert result.label == "exact"
