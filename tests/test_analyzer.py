"""The analyzer against its case list, and against the runtime on every case that runs."""

import random

import pytest
import sympy

from analyzer_cases import CASES
from flopscope.analyzer import analyze_source
from flopscope.analyzer.render import text, to_json
from flopscope.costs.symbolic import parse_formula, size_symbol


def _analyze(case, tmp_path):
    path = tmp_path / "solver.py"
    path.write_text(case.source)
    return path, analyze_source(case.source, str(path), shapes=case.shapes, entry=case.entry, args=case.args,
                                budget=case.budget)


def _same_formula(got, want: str, symbols) -> bool:
    """Equal as functions of the symbols: compared exactly at many integer points."""
    local = {name: size_symbol(name) for name in symbols}
    want_expr = parse_formula(want, local)
    got_expr = sympy.sympify(got)
    syms = sorted(got_expr.free_symbols | want_expr.free_symbols, key=str)
    rng = random.Random(0)
    for _ in range(12):
        point = {s: sympy.Integer(rng.randint(1, 60)) for s in syms}
        if sympy.simplify(got_expr.xreplace(point) - want_expr.xreplace(point)) != 0:
            return False
    return True


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case, tmp_path):
    path, result = _analyze(case, tmp_path)
    names = [s.split("=")[0] for s in case.shapes]
    if case.formula is not None:
        assert _same_formula(result.in_symbols(result.total), case.formula, names), (str(result.total), case.formula)
    assert result.value == case.value, (result.value, str(result.total))
    assert result.label == case.label
    assert result.exit_code == case.exit, text(result)
    codes = {d.code for d in result.diagnostics}
    for code in case.codes:
        assert code in codes, (code, [(d.code, d.message) for d in result.diagnostics])
    for (line, col), value in case.sites.items():
        matches = [s for s in result.sites if (s.line, s.col) == (line, col)]
        assert matches and sum(s.value for s in matches) == value, [(s.line, s.col, s.value) for s in result.sites]
    data = to_json(result)  # the JSON view is always complete
    assert data["total"]["value"] == case.value
    assert data["total"]["exact"] == (case.label == "exact")


RUNNABLE = [c for c in CASES if c.runs]


@pytest.mark.parametrize("case", RUNNABLE, ids=[c.name for c in RUNNABLE])
def test_prediction_equals_runtime_measurement(case, tmp_path):
    from flopscope.check import run_program

    path, result = _analyze(case, tmp_path)
    measured = run_program(str(path), shapes=case.shapes, entry=case.entry, args=case.args)
    assert measured.error is None, measured.error
    assert measured.total == result.value
    predicted_by_site = {}
    for s in result.sites:
        predicted_by_site[(s.line, s.col)] = predicted_by_site.get((s.line, s.col), 0) + s.value
    measured_by_site = {k: v["flops"] for k, v in measured.sites.items()}
    assert {k: v for k, v in predicted_by_site.items() if v} == measured_by_site
