"""The cost reference is generated from the table, and the committed copy is current."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

from flopscope import reference
from flopscope.costs import OPS
from flopscope.costs.symbolic import parse_formula, size_symbol

ROOT = Path(__file__).resolve().parents[1]


def test_committed_cost_reference_is_current():
    generated = reference.render_markdown(reference.entries()) + "\n"
    committed = (ROOT / "docs" / "cost-reference.md").read_text()
    assert committed == generated, "docs/cost-reference.md is stale: run `make docs`"


def test_every_op_is_in_the_reference():
    text = (ROOT / "docs" / "cost-reference.md").read_text()
    missing = [spec.name for spec in OPS if f"`{spec.name}`" not in text]
    assert missing == []


@pytest.mark.parametrize("e", reference.entries(), ids=lambda e: e.name)
def test_formula_at_the_example_values_is_the_worked_number(e):
    """The rule on symbols and the rule on integers agree (and every counted op has a worked example)."""
    if OPS[e.name].is_free:
        assert e.value == 0
        return
    assert e.formula is not None and e.value is not None, f"{e.name} has no worked example"
    syms = {k: size_symbol(k) for k in e.values}
    expr = parse_formula(e.formula, syms)
    assert sympy.sympify(expr).xreplace({syms[k]: v for k, v in e.values.items()}) == e.value
    assert e.value > 0


def test_costs_cli():
    def run(*args):
        return subprocess.run([sys.executable, "-m", "flopscope", "costs", *args], capture_output=True, text=True, cwd=ROOT)

    proc = run("einsum")
    assert proc.returncode == 0
    assert "= i*j;  einsum((i, j), (j,), subscripts='ij,j->i') at i=256, j=256: 65,536" in proc.stdout
    data = json.loads(run("matmul", "--format", "json").stdout)
    assert data == [{"name": "matmul", "category": "contraction", "formula_text": "batch * m * k * n",
                     "formula": "k*m*n", "example": "matmul((m, k), (k, n))", "values": {"m": 256, "k": 256, "n": 256},
                     "value": 16777216}]
    proc = run("no_such_op")
    assert proc.returncode == 2 and "no op named" in proc.stderr
