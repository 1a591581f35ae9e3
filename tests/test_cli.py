"""``flopscope analyze`` on the command line: output, JSON, exit codes, errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

from flopscope.cli import main
from flopscope.costs.symbolic import parse_formula

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "examples" / "guide_solver.py"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_guide_example_text(capsys):
    code, out, err = run(capsys, "analyze", str(GUIDE), "--shapes", "n=256")
    assert code == 0, out + err
    assert "COST_MODEL v1" in out
    lines = out.splitlines()
    assert any(line.endswith("einsum('ij,j->i')  n**2  = 65,536") and ":15:9:" in line for line in lines), out
    assert "total: n**2 + 2*n  = 66,048  (exact)" in lines
    budget = [line for line in lines if line.startswith("budget ")]
    assert budget == [f"budget {GUIDE}:12:6 [solver]: predicted 66,048 of 50,000,000 (0.1%), headroom 49,933,952: within budget"]


def test_guide_example_json(capsys):
    code, out, _ = run(capsys, "analyze", str(GUIDE), "--shapes", "n=256", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["total"] == {"formula": "n**2 + 2*n", "value": 66048, "exact": True, "label": "exact", "known_value": 66048}
    assert data["symbols"] == {"n": 256}
    n = sympy.Symbol("n", integer=True, positive=True)
    assert parse_formula(data["total"]["formula"], {"n": n}) == n**2 + 2 * n
    einsum = next(s for s in data["sites"] if s["op"].startswith("einsum"))
    assert (einsum["line"], einsum["col"], einsum["formula"], einsum["count"], einsum["total"], einsum["value"]) == (
        15, 9, "n**2", "1", "n**2", 65536)
    assert data["budgets"][0]["flop_budget"] == 50_000_000
    assert data["budgets"][0]["value"] == 66048 and data["budgets"][0]["within"] is True
    assert data["diagnostics"] == []
    assert data["exit_code"] == 0


def test_symbolic_value_is_null_in_json(capsys, tmp_path):
    src = tmp_path / "s.py"
    src.write_text("import flopscope.numpy as fnp\nA = fnp.ones((n, n))\nB = A @ A\n")
    code, out, _ = run(capsys, "analyze", str(src), "--shapes", "n", "--format", "json")
    data = json.loads(out)
    assert data["total"]["formula"] == "n**3" and data["total"]["value"] is None
    assert data["symbols"] == {"n": None}
    assert code == 0


def test_a_loop_shows_its_trip_count(capsys, tmp_path):
    src = tmp_path / "s.py"
    src.write_text("import flopscope.numpy as fnp\nx = fnp.ones(n)\nfor i in range(k):\n    x = fnp.sin(x)\n")
    code, out, _ = run(capsys, "analyze", str(src), "--shapes", "n=10,k=3")
    assert f"{src}:4:9: sin  n  x k  = 30" in out.splitlines()


def test_exceeded_budget_exits_1(capsys, tmp_path):
    src = tmp_path / "s.py"
    src.write_text("import flopscope as flops\nimport flopscope.numpy as fnp\n"
                   "with flops.BudgetContext(flop_budget=100):\n    fnp.exp(fnp.ones(n))\n")
    code, out, _ = run(capsys, "analyze", str(src), "--shapes", "n=101")
    assert code == 1
    assert "OVER BUDGET" in out
    code, out, _ = run(capsys, "analyze", str(src), "--shapes", "n=100")
    assert code == 0


def test_unknown_cost_exits_1_with_a_located_diagnostic(capsys, tmp_path):
    src = tmp_path / "s.py"
    src.write_text("import flopscope.numpy as fnp\nimport helper\nA = fnp.ones((3, 3))\nhelper.run(A)\n")
    code, out, _ = run(capsys, "analyze", str(src))
    assert code == 1
    assert f"{src}:4:1: FS101 " in out
    assert "(unknown)" in out


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--shapes", "n=abc"], "--shapes: cannot read 'n=abc'"),
        (["--shapes", "n=1,n=2"], "'n' is given twice"),
        (["--arg", "x=array(n)"], "--arg gives arguments to --entry"),
        (["--entry", "nothing"], "no function or class named 'nothing'"),
        (["--entry", "f", "--arg", "x=array(n"], "is not a Python expression"),
        (["--entry", "f"], "parameter 'x' needs a value"),
        (["--budget", "-5"], "--budget: expected a positive integer"),
    ],
)
def test_usage_errors_exit_2(capsys, tmp_path, argv, message):
    src = tmp_path / "s.py"
    src.write_text("import flopscope.numpy as fnp\ndef f(x):\n    return fnp.exp(x)\n")
    code, out, err = run(capsys, "analyze", str(src), *argv)
    assert code == 2
    assert message in err and "Traceback" not in err
    code, out, err = run(capsys, "analyze", str(src), *argv, "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert data["exit_code"] == 2 and message in data["error"]
    assert data["diagnostics"][0]["severity"] == "error"


def test_syntax_error_exits_2_with_its_position(capsys, tmp_path):
    src = tmp_path / "bad.py"
    src.write_text("import flopscope.numpy as fnp\nx = fnp.ones((3,)\ny = 1\n")
    code, out, err = run(capsys, "analyze", str(src))
    assert code == 2
    assert err.startswith(f"{src}:") and "syntax error" in err
    code, out, _ = run(capsys, "analyze", str(src), "--format", "json")
    data = json.loads(out)
    assert code == 2 and data["diagnostics"][0]["code"] == "FS001" and data["diagnostics"][0]["line"] >= 2


def test_missing_file_exits_2(capsys, tmp_path):
    code, out, err = run(capsys, "analyze", str(tmp_path / "nope.py"))
    assert code == 2 and err.strip() == f"flopscope analyze: error: {tmp_path / 'nope.py'}: no such file or folder"


def test_internal_error_is_reported_without_traceback(capsys, tmp_path, monkeypatch):
    import flopscope.analyzer as an

    def boom(*a, **k):
        raise RuntimeError("simulated")

    monkeypatch.setattr(an, "analyze", boom)
    src = tmp_path / "s.py"
    src.write_text("x = 1\n")
    code, out, err = run(capsys, "analyze", str(src))
    assert code == 2 and "internal error: RuntimeError: simulated" in err and "Traceback" not in err
    code, out, _ = run(capsys, "analyze", str(src), "--format", "json")
    assert code == 2 and json.loads(out)["diagnostics"][0]["code"] == "FS999"


def test_argparse_errors_honour_json(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "flopscope", "analyze", "--format", "json", "--no-such-option", "x.py"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    data = json.loads(proc.stdout)
    assert "unrecognized arguments" in data["error"]


def test_help_and_version():
    proc = subprocess.run([sys.executable, "-m", "flopscope", "analyze", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "--shapes" in proc.stdout and "exit codes" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "flopscope", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "cost model v1" in proc.stdout


def test_every_emitted_code_is_documented():
    import re

    from flopscope.analyzer.diagnostics import CODES

    used = set()
    for path in (ROOT / "flopscope").rglob("*.py"):
        used |= set(re.findall(r'"(FS\d{3})"', path.read_text()))
    assert used - set(CODES) == set()
    doc = (ROOT / "docs" / "analyzer.md").read_text()
    assert [c for c in CODES if c not in doc] == []
