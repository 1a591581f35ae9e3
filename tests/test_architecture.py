"""The shape of the house: data flows one way.

* ``flopscope.costs`` imports nothing of the runtime or the analyzer;
* the analyzer's modules form layers, each importing only the ones below it:
  values -> facts -> record -> pricing -> evaluation -> builtins -> flow -> statements
  -> result -> render (loops, model, assets, argspec, diagnostics, limits, positions, suppress are leaves);
* ``import flopscope`` imports neither SymPy, LibCST nor SciPy, and the analyzer's
  command line does not import NumPy (it reads no array).
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "flopscope"
LAYERS = ["values", "facts", "record", "pricing", "evaluation", "builtins", "flow", "statements", "result", "render",
          "html_report", "driver"]
LEAVES = {"loops", "model", "assets", "argspec", "diagnostics", "limits", "positions", "suppress"}


def imported_modules(path: Path) -> set[str]:
    """Every flopscope module a file imports, at its top or inside a function."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("flopscope"):
            out.add(node.module)
            for alias in node.names:
                out.add(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("flopscope")}
    return out


def test_costs_knows_nothing_of_the_runtime_or_the_analyzer():
    for path in (PKG / "costs").glob("*.py"):
        bad = {m for m in imported_modules(path) if m.startswith(("flopscope.runtime", "flopscope.analyzer",
                                                                  "flopscope.numpy", "flopscope.stats"))}
        assert bad == set(), (path.name, bad)


@pytest.mark.parametrize("layer", LAYERS)
def test_analyzer_layers_import_only_downward(layer):
    below = set(LAYERS[:LAYERS.index(layer)]) | LEAVES
    mods = imported_modules(PKG / "analyzer" / f"{layer}.py")
    analyzer = {m.split(".")[2] for m in mods if m.startswith("flopscope.analyzer.") and m.count(".") >= 2}
    assert analyzer <= below, f"{layer} imports {sorted(analyzer - below)}, which are not below it"


def test_every_analyzer_module_is_placed():
    on_disk = {p.stem for p in (PKG / "analyzer").glob("*.py")} - {"__init__"}
    assert on_disk == set(LAYERS) | LEAVES


def test_import_flopscope_is_light():
    code = ("import sys, flopscope, flopscope.numpy, flopscope.numpy.linalg, flopscope.numpy.fft, "
            "flopscope.numpy.random, flopscope.errors, flopscope.contract\n"
            "print(sorted(m for m in ('sympy', 'libcst', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_analyzer_command_does_not_import_numpy(tmp_path):
    """``flopscope analyze`` loads SymPy and LibCST, and not NumPy or the runtime: its
    start-up is the part of its time a short solver sees (issue 13)."""
    solver = tmp_path / "s.py"
    solver.write_text("import flopscope as flops\nimport flopscope.numpy as fnp\n"
                      "with flops.BudgetContext(flop_budget=10**6):\n    x = fnp.exp(fnp.ones(n))\n")
    code = ("import sys\nfrom flopscope.cli import main\n"
            f"rc = main(['analyze', {str(solver)!r}, '--shapes', 'n=8'])\n"
            "print(sorted(m for m in ('numpy', 'flopscope.runtime.dispatch') if m in sys.modules), rc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[] 0"
    assert "total: n  = 8  (exact)" in out


def test_sympy_reciprocal_sign_defect_is_guarded():
    """SymPy 1.14's _monotonic_sign says 1/(x*y) >= 1 for positive integers x, y, so
    Min(floor(2e10/(L*w**2)), 200000) collapsed to 200000 (false for w=256, L=32).
    flopscope.costs.symbolic guards it: the Min stays a Min, and its value is right."""
    import sympy

    from flopscope.costs.symbolic import size_symbol

    w, L = size_symbol("w"), size_symbol("L")
    m = sympy.Min(sympy.floor(20_000_000_000 / (L * w**2)), 200_000)
    assert isinstance(m, sympy.Min)
    assert m.xreplace({w: 256, L: 32}) == 20_000_000_000 // (32 * 256**2)
    assert (20 / (w * L) - 10).is_nonnegative is None
