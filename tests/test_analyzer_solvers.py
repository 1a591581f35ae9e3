"""Whole solver programs through the analyzer and ``flopscope check``.

Each program lies in tests/solvers/. Every number asserted here was measured by the
runtime (``flopscope check`` runs the program and records what it charges), or, for a
size too large to run, computed by a recurrence that the measurements at smaller sizes
confirm. What each test requires:

* exact: predicted == measured, at every site;
* upper bound: measured <= predicted, and the check's verdict is "within bound";
* unknown: the label says so and the diagnostics say why.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flopscope.analyzer import analyze
from flopscope.analyzer.model import BOUND, EXACT, UNKNOWN
from flopscope.analyzer.result import evaluate
from flopscope.check import AGREE, UNKNOWN_V, WITHIN, check_program

ROOT = Path(__file__).resolve().parents[1]
SOLVERS = Path(__file__).resolve().parent / "solvers"
GUARD_S = 300  # a hang guard for the CLI subprocesses, never a speed target


def solver(name: str) -> str:
    return str(SOLVERS / name)


def cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flopscope", *argv], check=False, cwd=ROOT, capture_output=True, text=True,
                          timeout=GUARD_S)


def codes_at(analysis) -> set:
    return {(d.code, d.line, d.col) for d in analysis.diagnostics}


def sites_table(result) -> str:
    return "\n".join(f"{s.line}:{s.col} {s.op}: predicted {s.predicted} ({s.label}) measured {s.measured}: {s.verdict}"
                     for s in result.sites) + f"\ntotal {result.predicted_total} measured {result.measured_total}"


def assert_exact_everywhere(result):
    assert result.label == EXACT and result.verdict == AGREE, sites_table(result)
    assert result.predicted_total == result.measured_total, sites_table(result)
    for s in result.sites:
        assert s.verdict == AGREE and s.predicted == s.measured, sites_table(result)


def assert_bound_holds(result):
    assert result.label == BOUND and result.verdict == WITHIN, sites_table(result)
    assert result.measured_total <= result.predicted_total, sites_table(result)
    for s in result.sites:
        assert s.verdict in (AGREE, WITHIN) and s.measured <= s.predicted, sites_table(result)


# ---------------------------------------------------------------------- 1. one cause, one diagnostic

CASCADE = "tests/solvers/one_cause.py"
NOSUCH, MYSTERIOUS = (6, 9), (13, 9)  # flops.nosuch.norm, fnp.mysterious(x)
AFTER_NOSUCH = [(7, 9), (8, 9), (9, 9), (10, 9), (12, 13), (12, 17), (12, 25)]
AFTER_MYSTERIOUS = [(14, 9), (15, 9)]


def test_one_cause_gives_one_diagnostic_and_the_sites_after_it_follow_from_it():
    proc = cli("analyze", CASCADE, "--entry", "f", "--shapes", "n=8")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    diagnostics = [line for line in proc.stdout.splitlines() if " FS" in line]
    assert diagnostics == [
        f"{CASCADE}:6:9: FS119 module 'flopscope' has no attribute 'nosuch'",
        f"{CASCADE}:13:9: FS119 module 'flopscope.numpy' has no attribute 'mysterious'",
    ], proc.stdout
    lines = {tuple(int(x) for x in line.split(":")[1:3]): line for line in proc.stdout.splitlines()
             if line.startswith(CASCADE + ":") and " FS" not in line}
    for at in AFTER_NOSUCH:
        assert lines[at].endswith("= ?  (unknown: follows from line 6:9)"), lines[at]
    for at in AFTER_MYSTERIOUS:
        assert lines[at].endswith("= ?  (unknown: follows from line 13:9)"), lines[at]
    # the unknown call itself is where its diagnostic is: it follows from nothing else
    assert lines[MYSTERIOUS].endswith("= ?  (unknown)"), lines[MYSTERIOUS]
    assert "total: unknown  = ?  (unknown); the known part is 0" in proc.stdout


def test_one_cause_in_json_follows_from():
    proc = cli("analyze", CASCADE, "--entry", "f", "--shapes", "n=8", "--format", "json")
    doc = json.loads(proc.stdout)
    assert doc["exit_code"] == 1 and doc["total"]["label"] == UNKNOWN
    assert [(d["code"], d["line"], d["col"]) for d in doc["diagnostics"]] == [("FS119", 6, 9), ("FS119", 13, 9)]
    follows = {(s["line"], s["col"]): s.get("follows_from") for s in doc["sites"]}
    assert set(follows) == set(AFTER_NOSUCH) | set(AFTER_MYSTERIOUS) | {MYSTERIOUS}
    for at in AFTER_NOSUCH:
        assert follows[at] == list(NOSUCH)
    for at in AFTER_MYSTERIOUS:
        assert follows[at] == list(MYSTERIOUS)
    assert follows[MYSTERIOUS] is None
    assert all(s["label"] == UNKNOWN and s["value"] is None for s in doc["sites"])


# ---------------------------------------------------------------------- 2. Strassen recursion

def strassen_flops(n: int, leaf: int = 16) -> int:
    """Strassen with LEAF=16: a leaf is one matmul (n**3); above it 18 additions of
    (n/2, n/2) blocks and the fnp.block of the result (n**2). Confirmed by the
    measurements at n=64, 128, 256 below."""
    if n <= leaf:
        return n ** 3
    return 7 * strassen_flops(n // 2, leaf) + 18 * (n // 2) ** 2 + n ** 2


def test_strassen_at_256_is_exact():
    a = analyze(solver("strassen.py"), shapes=["n=256"])
    assert a.label == EXACT
    assert a.value == 13_861_376 == strassen_flops(256)


@pytest.mark.parametrize("n,measured", [(64, 262_656), (128, 1_928_704), (256, 13_861_376)])
def test_strassen_check_agrees(n, measured):
    r = check_program(solver("strassen.py"), shapes=[f"n={n}"])
    assert_exact_everywhere(r)
    assert r.measured_total == measured == strassen_flops(n)


def test_strassen_at_4096_finishes_and_is_exact():
    a = analyze(solver("strassen.py"), shapes=["n=4096"])
    assert a.stopped is None
    assert a.label == EXACT
    assert a.value == strassen_flops(4096) == 34_312_045_056


# ---------------------------------------------------------------------- 3. a pure recursive helper

def test_pure_recursive_helper_costs_nothing():
    a = analyze(solver("fib_pure.py"), shapes=["n=25"])
    assert a.stopped is None
    assert a.label == EXACT and a.value == 0
    assert not a.diagnostics
    r = check_program(solver("fib_pure.py"), shapes=["n=25"])
    assert r.verdict == AGREE and r.predicted_total == r.measured_total == 0


# ---------------------------------------------------------------------- 4. flops_remaining after a try

@pytest.mark.parametrize("n,predicted,measured", [(16, 199_136, 190_720), (8, 201_104, 199_952)])
def test_loop_sized_by_flops_remaining_after_a_try_is_a_bound_that_holds(n, predicted, measured):
    a = analyze(solver("budget_remaining.py"), shapes=[f"n={n}"])
    assert a.label == BOUND and a.value == predicted
    assert ("FS117", 9, 5) in codes_at(a)
    # what is left is a data size: at most the budget minus what was surely charged before
    ((_name, reason, _bound, value),) = a.data_sizes
    assert "flops_remaining" in reason and value == 200_000 - n**3 - 2 * n**2
    loop_sites = [s for s in a.sites if s.line in (27, 28)]
    assert loop_sites and all(s.label == BOUND for s in loop_sites)
    r = check_program(solver("budget_remaining.py"), shapes=[f"n={n}"])
    assert_bound_holds(r)
    assert r.run_error is None
    assert r.predicted_total == predicted and r.measured_total == measured


# ---------------------------------------------------------------------- 5. Gram-Schmidt on a list

def test_gram_schmidt_list_is_a_bound_that_holds():
    a = analyze(solver("gram_schmidt.py"), shapes=["n=6"])
    assert a.label == BOUND and a.value == 444
    assert {"FS105", "FS114"} <= {d.code for d in a.diagnostics}
    r = check_program(solver("gram_schmidt.py"), shapes=["n=6"])
    assert_bound_holds(r)
    assert r.predicted_total == 444 and r.measured_total == 444  # random columns: no column is dropped


# ---------------------------------------------------------------------- 6. try with return in its body

def test_try_with_return_counts_the_handler():
    a = analyze(solver("try_return.py"), shapes=["n=8"])
    assert a.label == BOUND
    assert ("FS117", 5, 5) in codes_at(a)
    handler = {(s.line, s.col): s for s in a.sites}
    # the handler of factor (eigh and what follows) is counted beside the cholesky of its body
    assert handler[(6, 16)].value == 512 and handler[(8, 18)].value == 512
    r = check_program(solver("try_return.py"), shapes=["n=8"])
    assert_bound_holds(r)
    assert r.run_error is None
    measured = {(s.line, s.col): s.measured for s in r.sites}
    assert measured[(8, 18)] == 512  # S is zero: cholesky fails and the handler runs
    assert r.predicted_total == 2_018 and r.measured_total == 1_243


# ---------------------------------------------------------------------- 7. dataclass and NamedTuple

def test_dataclass_defaults_factory_and_namedtuple_are_exact():
    a = analyze(solver("dataclass_fields.py"), shapes=["n=8"])
    assert a.label == EXACT and a.value == 2_196
    calls = {f.name: f.calls for f in a.functions}
    assert calls["Config.run"] == 2 and calls["Shape.area_sum"] == 2
    r = check_program(solver("dataclass_fields.py"), shapes=["n=8"])
    assert_exact_everywhere(r)
    assert r.measured_total == 2_196


# ---------------------------------------------------------------------- 8. min/max with data-decided numbers

def test_min_max_with_a_data_decided_number_is_a_bounded_data_size():
    n = 50
    a = analyze(solver("minmax_data.py"), shapes=[f"n={n}"])
    assert a.label == BOUND
    # each call's length min(n, max(0, needed - 5)) is a data size, at most n
    assert len(a.data_sizes) == 2
    for _name, _reason, bound, value in a.data_sizes:
        assert str(bound) == "n" and value == n
    exp_site = next(s for s in a.sites if s.op == "exp")
    assert exp_site.label == BOUND and exp_site.value == 2 * n
    assert a.value == 5 * n  # two max (n each), one multiply (n), exp at the bound (2n)
    r = check_program(solver("minmax_data.py"), shapes=[f"n={n}"])
    assert_bound_holds(r)
    measured = {(s.line, s.col): s.measured for s in r.sites}
    assert measured[(exp_site.line, exp_site.col)] == 65  # n for max(x) = 1, 15 for max(x) = 0.2
    assert r.measured_total == 215


# ---------------------------------------------------------------------- 9. the estimator contract

CONTRACT = "tests/solvers/estimator_chunks.py"


def test_estimator_contract_is_exact_and_check_agrees():
    a = analyze(solver("estimator_chunks.py"), shapes=["w=16,L=4,B=1e7"], contract="estimator")
    assert a.label == EXACT and a.value == 4_740_704
    assert a.setup is not None and a.setup.value == 48  # 3*w, outside the budget and the total
    assert any(d.code == "FS126" for d in a.diagnostics)  # the chunked while loop in closed form
    assert [b.within for b in a.budgets] == [True]
    r = check_program(solver("estimator_chunks.py"), shapes=["w=16,L=4,B=1e7"], contract="estimator")
    assert_exact_everywhere(r)
    assert r.measured_total == 4_740_704 and r.measurement.extra["setup"] == 48


def test_estimator_contract_from_the_command_line():
    proc = cli("analyze", CONTRACT, "--contract", "estimator", "--shapes", "w=16,L=4,B=1e7", "--format", "json")
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0 and doc["exit_code"] == 0
    assert doc["symbols"] == {"w": 16, "L": 4, "B": 10_000_000}
    assert doc["total"]["label"] == EXACT and doc["total"]["value"] == 4_740_704
    assert doc["setup"] == {"formula": "3*w", "value": 48, "label": EXACT}
    proc = cli("check", CONTRACT, "--contract", "estimator", "--shapes", "w=16,L=4,B=1e7")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "total: predicted 4,740,704 (exact)  measured 4,740,704  agree" in proc.stdout


def test_estimator_formula_holds_at_another_budget():
    a = analyze(solver("estimator_chunks.py"), shapes=["w=16,L=4,B=1e7"], contract="estimator")
    formula = a.in_symbols(a.total)
    at = {x: {"w": 16, "L": 4, "B": 2 * 10**7}[x.name] for x in formula.free_symbols}
    r = check_program(solver("estimator_chunks.py"), shapes=["w=16,L=4,B=2e7"], contract="estimator")
    assert_exact_everywhere(r)
    assert evaluate(formula, at) == r.measured_total == 9_481_344


def test_the_contract_example_of_the_docs_agrees():
    """examples/contract/budget_mc.py, shown in docs/analyzer.md (tests/test_check.py
    lists only the examples at the top of examples/)."""
    path = str(ROOT / "examples" / "contract" / "budget_mc.py")
    for shapes, measured in (("w=16,L=4,B=1e7", 4_740_832), ("w=16,L=4,B=2e7", 9_481_600)):
        r = check_program(path, shapes=[shapes], contract="estimator")
        assert_exact_everywhere(r)
        assert r.measured_total == measured


# ---------------------------------------------------------------------- 10. while True until the data says

def test_while_true_without_progress_is_unknown_and_ends():
    a = analyze(solver("while_true_data.py"), shapes=["n=64"], timeout_s=60)
    assert a.stopped is None  # it ended on its own, not at the time limit
    assert a.label == UNKNOWN
    assert ("FS104", 6, 1) in codes_at(a)
    assert a.known_value == 64  # the standard_normal before the loop
    r = check_program(solver("while_true_data.py"), shapes=["n=64"])
    assert r.verdict == UNKNOWN_V and r.run_error is None


# ---------------------------------------------------------------------- 11. a method of an unknown value

def test_method_of_an_unknown_value_given_a_metered_array_is_unknown():
    a = analyze(solver("unknown_method.py"), shapes=["n=8"])
    assert a.label == UNKNOWN and a.value is None
    site = next(s for s in a.sites if (s.line, s.col) == (9, 5))
    assert site.label == UNKNOWN and site.value is None
    assert ("FS101", 9, 5) in codes_at(a)
    r = check_program(solver("unknown_method.py"), shapes=["n=8"])
    assert r.verdict == UNKNOWN_V and r.run_error is None
    assert r.measured_total == 192  # 64 here, 128 inside the helper module the analyzer does not read


# ---------------------------------------------------------------------- 12. a shape mismatch at the given sizes

def test_shape_mismatch_at_the_given_sizes_raises_there():
    a = analyze(solver("raises_when_even.py"), shapes=["n=8"])
    assert {("FS108", 6, 9), ("FS127", 6, 9)} <= codes_at(a)
    assert a.exit_code == 1
    assert a.label == EXACT and a.value == 8  # what ran until the raise: the exp
    r = check_program(solver("raises_when_even.py"), shapes=["n=8"])
    assert r.run_error is not None
    assert (r.run_error["type"], r.run_error["line"], r.run_error["col"]) == ("ValueError", 6, 9)
    assert r.verdict == AGREE and r.measured_total == r.predicted_total == 8


def test_no_mismatch_when_the_branch_is_not_taken():
    a = analyze(solver("raises_when_even.py"), shapes=["n=7"])
    assert not {d.code for d in a.diagnostics} & {"FS108", "FS127"}
    assert a.label == EXACT and a.value == 21
    r = check_program(solver("raises_when_even.py"), shapes=["n=7"])
    assert r.run_error is None
    assert_exact_everywhere(r)
