"""``flopscope check``: predicted equals measured on every example, and it catches what is wrong."""

import dataclasses
import json
from pathlib import Path

import pytest

from flopscope.check import AGREE, MISMATCH, WITHIN, check_program
from flopscope.cli import main

ROOT = Path(__file__).resolve().parents[1]

# Every example, with the sizes it is checked at.
EXAMPLES = [
    ("guide_solver.py", ["n=256"], None, []),
    ("mlp_forward.py", ["n=64,depth=3"], None, []),
    ("triangular.py", ["n=40"], None, []),
    ("estimator.py", ["n=128,d=16"], "Ridge.predict", ["X=array(n, d)"]),
    ("einsum_chain.py", ["b=16,d=12,r=4"], None, []),
    ("cg_solver.py", ["n=50,steps=7"], None, []),
    ("phases.py", ["n=64,m=16"], None, []),
    ("spectral.py", ["n=32,d=4,k=2"], None, []),
    ("relu_moments.py", ["w=64,L=8"], None, []),
]


def test_every_example_is_listed():
    on_disk = {p.name for p in (ROOT / "examples").glob("*.py")}
    assert on_disk == {e[0] for e in EXAMPLES}


@pytest.mark.parametrize("name,shapes,entry,args", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_check_agrees_on_every_example(name, shapes, entry, args):
    result = check_program(str(ROOT / "examples" / name), shapes=shapes, entry=entry, args=args)
    assert result.verdict == AGREE, [(s.line, s.col, s.op, s.predicted, s.measured) for s in result.sites]
    assert result.predicted_total == result.measured_total > 0
    assert all(s.verdict == AGREE for s in result.sites)
    assert result.exit_code == 0


def test_a_deliberately_wrong_cost_rule_is_caught(tmp_path, monkeypatch):
    """The analyzer reads the table; the runtime's handlers were built from it at import.
    Altering the exp rule in the table makes the prediction wrong; check must say so."""
    from flopscope.costs import OPS

    spec = OPS["exp"]
    wrong = dataclasses.replace(spec, cost_rule=lambda shapes, **_: 2 * spec.cost_rule(shapes))
    monkeypatch.setitem(OPS._ops, "exp", wrong)
    result = check_program(str(ROOT / "examples" / "guide_solver.py"), shapes=["n=256"])
    assert result.verdict == MISMATCH and result.exit_code == 1
    bad = [s for s in result.sites if s.verdict == MISMATCH]
    assert [(s.op, s.predicted, s.measured) for s in bad] == [("exp", 512, 256)]


def test_a_predicted_overrun_agrees(tmp_path):
    src = tmp_path / "s.py"
    src.write_text(
        "import flopscope as flops\nimport flopscope.numpy as fnp\n"
        "with flops.BudgetContext(flop_budget=1000):\n"
        "    A = fnp.ones((n, n))\n"
        "    B = fnp.exp(A)\n"
        "    C = A @ A\n"
    )
    result = check_program(str(src), shapes=["n=20"])
    assert result.run_error["type"] == "BudgetExhaustedError"
    assert (result.run_error["line"], result.run_error["col"]) == (6, 9)
    assert result.verdict == AGREE and result.exit_code == 0
    exp_site = next(s for s in result.sites if s.op == "exp")
    assert (exp_site.predicted, exp_site.measured, exp_site.verdict) == (400, 400, AGREE)


def test_an_unpredicted_overrun_is_a_mismatch(tmp_path, monkeypatch):
    from flopscope.costs import OPS

    spec = OPS["matmul"]
    monkeypatch.setitem(OPS._ops, "matmul", dataclasses.replace(spec, cost_rule=lambda shapes, **_: 1))
    src = tmp_path / "s.py"
    src.write_text("import flopscope as flops\nimport flopscope.numpy as fnp\n"
                   "with flops.BudgetContext(flop_budget=1000):\n    A = fnp.ones((n, n))\n    C = A @ A\n")
    result = check_program(str(src), shapes=["n=20"])
    assert result.run_error["type"] == "BudgetExhaustedError"
    assert result.verdict == MISMATCH


def test_bounds_hold_on_data_dependent_branches(tmp_path):
    src = tmp_path / "s.py"
    src.write_text(
        "import flopscope.numpy as fnp\n"
        "A = fnp.ones((n, n))\n"
        "if fnp.sum(A) > 0:\n"
        "    B = fnp.exp(A)\n"
        "else:\n"
        "    B = A @ A\n"
    )
    result = check_program(str(src), shapes=["n=10"])
    assert result.verdict == WITHIN and result.exit_code == 0
    # the sum, the comparison of its 0-d result (1 FLOP), then the costlier branch
    assert result.predicted_total == 100 + 1 + 1000 and result.measured_total == 100 + 1 + 100


def test_unknown_parts_cannot_be_confirmed(tmp_path):
    src = tmp_path / "s.py"
    src.write_text("import flopscope.numpy as fnp\nx = fnp.ones(n)\nwhile fnp.sum(x) < 50:\n    x = x + 1\n")
    result = check_program(str(src), shapes=["n=10"])
    assert result.verdict == "unknown" and result.exit_code == 1


def test_a_crashing_program_is_reported(tmp_path, capsys):
    src = tmp_path / "s.py"
    src.write_text("import flopscope.numpy as fnp\nx = fnp.exp(fnp.ones(n))\nraise SystemError('solver bug')\n")
    result = check_program(str(src), shapes=["n=3"])
    assert result.run_error["type"] == "SystemError" and result.run_error["line"] == 3
    # the analyzer saw the raise at these sizes (FS127): the cost until then agrees, but a
    # program that raises is never a clean result
    assert result.verdict == AGREE and result.exit_code == 1
    assert any(d.code == "FS127" and d.line == 3 for d in result.analysis.diagnostics)
    code = main(["check", str(src), "--shapes", "n=3"])
    out = capsys.readouterr().out
    assert code == 1 and "note: the program raised SystemError at" in out and "(FS127)" in out
    # a raise the analyzer could not see coming (it depends on the data) is a mismatch
    src.write_text("import flopscope.numpy as fnp\nx = fnp.exp(fnp.ones(n))\nif fnp.sum(x) > 1:\n"
                   "    raise SystemError('solver bug')\ny = fnp.exp(x)\n")
    result = check_program(str(src), shapes=["n=3"])
    assert result.run_error["line"] == 4 and result.verdict == MISMATCH and result.exit_code == 1


def test_check_cli_text_and_json(capsys):
    code = main(["check", str(ROOT / "examples" / "guide_solver.py"), "--shapes", "n=256"])
    out = capsys.readouterr().out
    assert code == 0
    assert "total: predicted 66,048 (exact)  measured 66,048  agree" in out
    assert "result: predicted = measured at every site (3 sites)" in out
    code = main(["check", str(ROOT / "examples" / "guide_solver.py"), "--shapes", "n=256", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["total"]["verdict"] == "agree" and data["total"]["measured"] == 66048
    assert data["total"]["formula"] == "n**2 + 2*n"
    assert {s["op"]: (s["predicted"], s["measured"], s["verdict"]) for s in data["sites"]} == {
        "einsum('ij,j->i')": (65536, 65536, "agree"), "exp": (256, 256, "agree"), "sum": (256, 256, "agree")}


def test_check_needs_values(capsys, tmp_path):
    src = tmp_path / "s.py"
    src.write_text("import flopscope.numpy as fnp\nx = fnp.exp(fnp.ones(n))\n")
    code = main(["check", str(src), "--shapes", "n"])
    assert code == 2 and "every symbol needs a value" in capsys.readouterr().err
