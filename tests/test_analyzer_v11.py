"""COST_MODEL v1.1 through the analyzer: flopscope.stats, data files, index expressions,
error state, the budget view, and 0-d results that stay metered. Each program is analyzed
and run; the prediction equals what the runtime measures, at every site."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import sympy

from flopscope.analyzer import analyze_source
from flopscope.check import AGREE, check_program, run_program
from flopscope.costs import OPS

ROOT = Path(__file__).resolve().parents[1]
HEAD = "import os\nimport flopscope as flops\nimport flopscope.numpy as fnp\nfrom flopscope import stats\n"


def agree(tmp_path, body: str, shapes: list[str], files: dict | None = None):
    """Write the program (and its data files), check it, and return the CheckResult."""
    for name, arrays in (files or {}).items():
        if name.endswith(".npz"):
            np.savez(tmp_path / name, **arrays)
        else:
            np.save(tmp_path / name, arrays)
    path = tmp_path / "solver.py"
    path.write_text(HEAD + textwrap.dedent(body))
    result = check_program(str(path), shapes=shapes)
    assert result.verdict == AGREE, [(s.line, s.col, s.op, s.predicted, s.measured, s.verdict) for s in result.sites] + [
        (d.code, d.message) for d in result.analysis.diagnostics]
    return result


def codes(result) -> set:
    return {d.code for d in result.diagnostics}


# ---------------------------------------------------------------------- flopscope.stats

STATS_OPS = sorted(s.name for s in OPS if s.name.startswith("stats.") and not s.name.endswith(".rvs"))


@pytest.mark.parametrize("name", STATS_OPS)
def test_every_stats_method_is_predicted_as_charged(name, tmp_path):
    dist, method = name.split(".")[1:]
    arg = "fnp.linspace(0.01, 0.99, n)" if method in ("ppf", "isf") else "fnp.linspace(-3.0, 3.0, n)"
    r = agree(tmp_path, f"""
        x = {arg}
        a = stats.{dist}.{method}(x)
        b = stats.{dist}.{method}(x, loc=fnp.ones((m, 1)), scale=2.0)
        c = stats.{dist}(0.5, fnp.full(n, 3.0)).{method}(x)
        """, ["n=7,m=3"])
    assert r.measured_total == 7 + 7 + 21 + 7 + 7  # linspace, a, b (m*n), full, c


def test_rvs_and_frozen_rvs(tmp_path):
    r = agree(tmp_path, """
        rng = fnp.random.default_rng(3)
        a = stats.norm.rvs(size=(n, m), random_state=rng)
        b = stats.expon.rvs(loc=fnp.zeros(m), random_state=4)
        c = stats.laplace(1.0, 2.0).rvs(size=n, random_state=5)
        d = stats.cauchy.rvs()
        e = d * 2.0
        """, ["n=5,m=4"])
    assert r.measured_total == 20 + 4 + 5 + 1 + 1  # the zeros are free


def test_stats_refusals_are_errors_at_their_site():
    src = HEAD + "x = stats.norm.mean(fnp.ones(3))\ny = stats.nosuch.cdf(1.0)\n"
    a = analyze_source(src, "s.py")
    messages = {d.code: d.message for d in a.diagnostics}
    assert "FS102" in messages and "norm.mean" in messages["FS102"]
    assert "FS119" in messages and "nosuch" in messages["FS119"]


# ---------------------------------------------------------------------- data files


def test_npz_and_npy_shapes_come_from_the_headers(tmp_path):
    r = agree(tmp_path, """
        HERE = os.path.dirname(os.path.abspath(__file__))
        data = fnp.load(os.path.join(HERE, "asset.npz"))
        W, b = data["W"], data["b"]
        h = fnp.maximum(W @ b, 0.0)
        with fnp.load(os.path.join(HERE, "asset.npz")) as again:
            keys = again.files
            t = again["table"] * 2.0
        v = fnp.load(os.path.join(HERE, "vec.npy"))
        s = fnp.sum(v) + fnp.sum(h)
        fnp.save(os.path.join(HERE, "out.npy"), h)
        fnp.savez(os.path.join(HERE, "out.npz"), h=h, s=s)
        """, [], files={"asset.npz": {"W": np.ones((6, 9)), "b": np.ones(9), "table": np.ones((2, 3))},
                        "vec.npy": np.ones(11)})
    assert r.measured_total == 54 + 6 + 6 + 11 + 6 + 1


def test_a_missing_asset_is_one_diagnostic_and_an_unknown_shape(tmp_path):
    path = tmp_path / "s.py"
    path.write_text(HEAD + "d = fnp.load('nowhere.npz')\nx = fnp.exp(d['W'])\n")
    a = analyze_source(path.read_text(), str(path))
    assert "FS122" in codes(a) and a.label == "unknown"
    assert "nowhere.npz" in next(d.message for d in a.diagnostics if d.code == "FS122")


def test_a_missing_key_and_a_pickle_are_errors(tmp_path):
    np.savez(tmp_path / "a.npz", W=np.ones(3))
    path = tmp_path / "s.py"
    path.write_text(HEAD + "d = fnp.load(os.path.join(os.path.dirname(__file__), 'a.npz'))\nx = d['V']\n"
                     "y = fnp.load('a.npz', allow_pickle=True)\n")
    a = analyze_source(path.read_text(), str(path))
    by_code = {d.code: d.message for d in a.diagnostics}
    assert "'V' is not in" in by_code["FS108"] and "'W'" in by_code["FS108"]
    assert "pickle" in by_code["FS102"]


# ---------------------------------------------------------------------- index expressions, error state


def test_index_expressions_are_predicted_as_charged(tmp_path):
    r = agree(tmp_path, """
        x = fnp.ones(n)
        a = fnp.r_[x, 0:m, 3.0, [1.0, 2.0]]
        b = fnp.c_[x, x, x]
        c = fnp.r_["0,2", x, x]
        d = fnp.r_[0:1:5j]
        g = fnp.mgrid[0:n, 0:m]
        o = fnp.ogrid[0:n, 0:m]
        h = fnp.mgrid[0:n]
        idx = fnp.s_[0:3]
        e = x[idx] + x[fnp.index_exp[::2]] + x[fnp.s_[1:, None]]
        """, ["n=6,m=4"])
    assert r.measured_total == (6 + 4 + 1 + 2) + 18 + 12 + 5 + 2 * 24 + 10 + 6 + 3 + 15


def test_error_state_is_free_and_callbacks_are_errors(tmp_path):
    r = agree(tmp_path, """
        old = fnp.seterr(divide="ignore")
        with fnp.errstate(invalid="ignore"):
            y = fnp.log(fnp.zeros(n)) * 0.0
        fnp.seterr(**old)
        state = fnp.geterr()
        """, ["n=5"])
    assert r.measured_total == 10
    a = analyze_source(HEAD + "with fnp.errstate(call=print):\n    pass\nfnp.seterr(all='log')\n", "s.py")
    assert [d.code for d in a.diagnostics].count("FS102") == 2


# ---------------------------------------------------------------------- the budget view


def test_current_budget_sizes_the_last_phase(tmp_path):
    r = agree(tmp_path, """
        with flops.BudgetContext(flop_budget=10_000, quiet=True):
            A = fnp.ones((n, n))
            B = A @ A
            left = flops.current_budget().flops_remaining
            reps = left // (2 * n * n)
            for _ in range(reps):
                B = fnp.exp(B) + 1.0
            used = flops.current_budget().flops_used
        """, ["n=8"])
    assert r.measured_total == 512 + (10_000 - 512) // 128 * 128
    assert r.analysis.budgets[0].within is True


def test_current_budget_outside_a_context_is_an_error():
    a = analyze_source(HEAD + "left = flops.current_budget().flops_remaining\n", "s.py")
    assert "FS108" in codes(a)


# ---------------------------------------------------------------------- 0-d results stay metered


def test_reduction_results_feed_charged_arithmetic(tmp_path):
    r = agree(tmp_path, """
        A = fnp.ones((n, m))
        s = fnp.sum(A)
        t = s * s + 1.0
        u = abs(t - 3.0)
        v = max(s, t, u)
        w = round(v, 2) + sum([s, t])
        p = float(s) * 2.0 + int(t) + s.item()
        c = s > 0.5
        e = A[0, 1] * A[1, 0]
        """, ["n=3,m=4"])
    # sum 12; t 2; u 2; max 2 comparisons; round 1, sum([s, t]) 2, + 1; p: the conversions are
    # free; the comparison 1; e 1 (an element read out of A stays metered)
    assert r.measured_total == 12 + 2 + 2 + 2 + 4 + 1 + 1


def test_a_python_accumulator_that_becomes_metered_is_summed_in_closed_form(tmp_path):
    src = HEAD + "A = fnp.ones((n, m))\ntotal = 0.0\nfor i in range(n):\n    total = total + fnp.sum(A[:i])\n"
    a = analyze_source(src, "s.py", shapes=["n", "m"])
    assert a.label == "exact" and "FS116" not in codes(a)  # summed, not followed iteration by iteration
    n, m = (a.symbols and sympy.Symbol(k, integer=True, nonnegative=True) for k in ("n", "m"))
    syms = {str(x): x for x in a.total.free_symbols}
    expected = syms["m"] * syms["n"] * (syms["n"] - 1) / 2 + syms["n"]  # the sums, and one add per iteration
    assert sympy.expand(a.total - expected) == 0
    agree(tmp_path, src[len(HEAD):], ["n=9,m=5"])


# ---------------------------------------------------------------------- outputs name the model


def test_outputs_name_cost_model_1_1(tmp_path):
    path = tmp_path / "s.py"
    path.write_text(HEAD + "x = fnp.exp(fnp.ones(4))\nprint(flops.COST_MODEL_VERSION)\n")
    out = subprocess.run([sys.executable, "-m", "flopscope", "analyze", str(path), "--format", "json"],
                         capture_output=True, text=True)
    assert json.loads(out.stdout)["cost_model"] == "COST_MODEL v1.1"
    out = subprocess.run([sys.executable, "-m", "flopscope", "--version"], capture_output=True, text=True)
    assert "cost model v1.1" in out.stdout
    assert run_program(str(path)).stdout.strip() == "1.1"


# ---------------------------------------------------------------------- check runs a real module


def test_check_runs_a_solver_with_a_dataclass_and_a_sibling_module(tmp_path):
    (tmp_path / "helpers.py").write_text("SCALE = 2.0\n")
    path = tmp_path / "solver.py"
    path.write_text(textwrap.dedent("""
        from dataclasses import dataclass, field

        import flopscope.numpy as fnp
        from helpers import SCALE


        @dataclass
        class Config:
            width: int = 4
            layers: list = field(default_factory=list)


        class Model:
            def predict(self, n):
                cfg = Config()
                return fnp.exp(fnp.ones((n, cfg.width))) * float(SCALE)


        out = Model().predict(3)
        """))
    as_script = check_program(str(path))
    assert as_script.run_error is None and as_script.measured_total == 24
    as_entry = check_program(str(path), shapes=["n=5"], entry="Model.predict")
    assert as_entry.run_error is None and as_entry.measured_total == 40 and as_entry.verdict == AGREE
    assert any("top level charged 24 FLOPs" in note for note in as_entry.notes)
    assert "solver" not in sys.modules and str(tmp_path) not in sys.path
