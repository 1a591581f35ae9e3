"""Differential fuzzing: the analyzer's prediction against the runtime's measurement.

Random valid solver programs (tests/fuzz_grammar.py) are analyzed at random sizes
and run at the same sizes. For each program:

1. the analyzer's value equals the FLOPs the runtime measured;
2. the analyzer's formula, evaluated at the sizes, gives the same number;
3. the result is labelled exact, and per call site (line, col) the predicted
   values equal the measured ones.

Programs with a branch on array data (a separate, smaller run) must be labelled
an upper bound and measure at most the prediction.

The number of programs comes from FLOPSCOPE_FUZZ_EXAMPLES (default 40, a few
seconds). Without it the run is derandomized (the same programs every time);
with it the programs are random, so a long run explores new ground:

    FLOPSCOPE_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py

(the fuzz runs are marked ``fuzz``: ``pytest -m fuzz`` selects them alone). The
session summary line says how many programs were checked, and how long it took.

Set FLOPSCOPE_FUZZ_SAVE=DIR to also write every failing program there, ready to
be added to tests/fuzz_regressions/ (every file there is checked on every run).
"""

from __future__ import annotations

import hashlib
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings

from flopscope.analyzer import analyze_source
from flopscope.check import run_program
from fuzz_grammar import Program, programs

EXAMPLES_ENV = "FLOPSCOPE_FUZZ_EXAMPLES"
EXAMPLES = int(os.environ.get(EXAMPLES_ENV, "40"))
RANDOM = EXAMPLES_ENV in os.environ
REGRESSIONS = Path(__file__).parent / "fuzz_regressions"

# What the runs checked (printed at the end of the session by conftest.py).
FUZZ_STATS = {"programs": 0, "data_programs": 0, "seconds": 0.0, "mismatches": 0, "regressions": 0}

SETTINGS = dict(
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                           HealthCheck.function_scoped_fixture],
)


# ---------------------------------------------------------------------- the comparison


def formula_value(expr, values: dict) -> int | None:
    """The formula's integer value at these sizes (Piecewise, ceiling, Min, Sum... allowed)."""
    subs = {sympy.Symbol(name, integer=True, positive=True): sympy.Integer(v) for name, v in values.items()}
    v = _numeric(sympy.sympify(expr).xreplace(subs))
    if not v.is_Number:
        v = sympy.simplify(v)
    return int(v) if v.is_Integer else None


def _numeric(expr):
    """Unevaluated Sums (no closed form) with numeric limits, added up term by term."""
    if not expr.has(sympy.Sum):
        return expr

    def add_up(s):
        limits = list(s.limits)
        own = {lim[0] for lim in limits}
        if any((sympy.sympify(b).free_symbols - own) for lim in limits for b in lim[1:]):
            return s  # a bound in an enclosing Sum's index: done inside that Sum
        return _add_terms(s.function, limits)

    return expr.replace(lambda e: isinstance(e, sympy.Sum), add_up)


def _add_terms(function, limits):
    if not limits:
        return _numeric(function)
    var, lo, hi = limits[-1]  # the outermost limit is the last
    total = sympy.Integer(0)
    for t in range(int(lo), int(hi) + 1):
        at = {var: sympy.Integer(t)}
        inner = [(x, sympy.sympify(a).xreplace(at), sympy.sympify(b).xreplace(at)) for x, a, b in limits[:-1]]
        total += _add_terms(function.xreplace(at), inner)
    return total


def check_program(source: str, values: dict, path: Path, exact: bool = True) -> list[str]:
    """Analyze and run one program at these sizes; the list of disagreements (empty if none)."""
    shapes = [",".join(f"{k}={v}" for k, v in values.items())]
    path.write_text(source)
    analysis = analyze_source(source, str(path), shapes=shapes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            measured = run_program(str(path), shapes=shapes)
    problems = []
    if measured.error is not None:
        return [f"the program raised at runtime (a generator bug): {type(measured.error).__name__}: "
                f"{measured.error} at {measured.error_site}"]
    notes = [f"{d.line}:{d.col} {d.code} {d.message}" for d in analysis.diagnostics if d.code not in ("FS111",)]
    if exact:
        if analysis.value != measured.total:
            problems.append(f"predicted {analysis.value} ({analysis.label}), measured {measured.total}")
        if analysis.label != "exact":
            problems.append(f"labelled {analysis.label}, not exact")
    else:
        if analysis.value is None or measured.total > analysis.value:
            problems.append(f"measured {measured.total} exceeds the bound {analysis.value} ({analysis.label})")
        if analysis.label != "upper bound":
            problems.append(f"labelled {analysis.label}, not upper bound")
    value = formula_value(analysis.in_symbols(analysis.total), values)
    if value != analysis.value:
        problems.append(f"the formula {analysis.total} is {value} at {values}, the analyzer's value is {analysis.value}")
    if exact:
        predicted: dict = {}
        for s in analysis.sites:
            key = (s.line, s.col)
            predicted[key] = None if (s.value is None or predicted.get(key, 0) is None) else predicted.get(key, 0) + s.value
        predicted = {k: v for k, v in predicted.items() if v != 0}
        by_site = {k: v["flops"] for k, v in measured.sites.items() if v["flops"]}
        for key in sorted(set(predicted) | set(by_site)):
            if predicted.get(key, 0) != by_site.get(key, 0):
                problems.append(f"site {key[0]}:{key[1]}: predicted {predicted.get(key, 0)}, measured {by_site.get(key, 0)}")
    if problems and notes:
        problems.append("diagnostics: " + "; ".join(notes))
    return problems


def _report(program: Program, problems: list[str]) -> str:
    save = os.environ.get("FLOPSCOPE_FUZZ_SAVE")
    if save:
        os.makedirs(save, exist_ok=True)
        name = f"fuzz_{hashlib.sha1(program.source.encode()).hexdigest()[:10]}.py"
        Path(save, name).write_text(program.file_text())
    return "\n".join(problems) + "\n\n--- program (a regression file for tests/fuzz_regressions/) ---\n" + program.file_text()


# ---------------------------------------------------------------------- the fuzz runs


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def _fuzz(workdir, strategy, examples: int, counter: str, exact: bool) -> None:
    """Check ``examples`` programs drawn from ``strategy``; time and count them."""
    start = time.perf_counter()

    @settings(max_examples=examples, **SETTINGS)
    @given(strategy)
    def run(program: Program):
        FUZZ_STATS[counter] += 1
        problems = check_program(program.source, program.values, workdir / "solver.py", exact=exact)
        if problems:
            FUZZ_STATS["mismatches"] += 1
        assert not problems, _report(program, problems)

    try:
        run()
    finally:
        FUZZ_STATS["seconds"] += time.perf_counter() - start


@pytest.mark.fuzz
def test_fuzz_prediction_equals_measurement(workdir):
    _fuzz(workdir, programs(), EXAMPLES, "programs", exact=True)


@pytest.mark.fuzz
def test_fuzz_data_dependent_branches_are_bounds(workdir):
    _fuzz(workdir, programs(data_dependent=True), max(EXAMPLES // 4, 10), "data_programs", exact=False)


# ---------------------------------------------------------------------- regressions


def read_regression(path: Path) -> tuple[str, dict, bool]:
    """A regression file: its source, its sizes (first line '# shapes: n=3,m=2,k=5'),
    and whether it must be exact (an optional '# label: upper bound' line says not)."""
    source = path.read_text()
    first = source.splitlines()[0]
    assert first.startswith("# shapes:"), f"{path.name}: the first line must be '# shapes: n=...,m=...'"
    values = {}
    for part in first.split(":", 1)[1].split(","):
        name, value = part.strip().split("=")
        values[name.strip()] = int(value)
    exact = "# label: upper bound" not in source.splitlines()[1:3]
    return source, values, exact


REGRESSION_FILES = sorted(REGRESSIONS.glob("*.py"))


@pytest.mark.parametrize("path", REGRESSION_FILES, ids=[p.stem for p in REGRESSION_FILES])
def test_fuzz_regression(path, tmp_path):
    source, values, exact = read_regression(path)
    FUZZ_STATS["regressions"] += 1
    problems = check_program(source, values, tmp_path / path.name, exact=exact)
    assert not problems, "\n".join(problems)
