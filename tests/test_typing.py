"""A typed fnp: signatures and docstrings from the cost table, generated stubs, mypy.

* every metered function's ``inspect.signature`` is its table entry's parameter list,
  built on first use (importing flopscope.numpy builds none);
* its docstring carries NumPy's summary line and the worked cost of ``flopscope costs``;
* the stubs and the docstrings' formula file are what tools/gen_stubs.py generates now;
* mypy passes on the examples and on competition-style solvers, and names a wrong keyword.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import inspect
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import flopscope.numpy as fnp
import flopscope.numpy.fft  # noqa: F401
import flopscope.numpy.linalg  # noqa: F401
import flopscope.numpy.random  # noqa: F401
from flopscope.costs import OPS
from flopscope.costs.registry import bind
from flopscope.numpy._signatures import TableSignature, numpy_summary

ROOT = Path(__file__).resolve().parents[1]
MODULES = (fnp, fnp.linalg, fnp.fft, fnp.random)
# Competition-style solvers of the corpus that mypy --check-untyped-defs passes (others reuse
# a list variable for an array, or index an Optional: findings about the solver, not the stubs).
SOLVERS = ("01_mc_while_chunks", "03_diag_moments_blend", "07_orthogonal_mc_qr", "14_asset_lattice_rqmc")


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_stubs", ROOT / "tools" / "gen_stubs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def metered_functions() -> list:
    """Every metered callable flopscope.numpy exposes, with its table entry."""
    out = []
    for module in MODULES:
        for value in vars(module).values():
            if callable(value) and isinstance(getattr(value, "__signature__", None), TableSignature):
                out.append(value)
                for kind in ("reduce", "accumulate", "outer"):
                    if hasattr(value, kind) and hasattr(value, "ufunc"):
                        out.append(getattr(value, kind))
    for cls in (fnp.random.Generator, fnp.random.RandomState):
        out += [v for v in vars(cls).values() if isinstance(getattr(v, "__signature__", None), TableSignature)]
    return out


def test_signatures_are_numpys_as_the_table_declares():
    assert str(inspect.signature(fnp.einsum)) == (
        "(subscripts, *operands, out=None, dtype=None, order=None, casting=None, optimize=None)")
    assert str(inspect.signature(fnp.sum)) == (
        "(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None)")
    assert str(inspect.signature(fnp.exp)).startswith("(x, /, out=None, *, where=None, casting=None")
    assert str(inspect.signature(fnp.linalg.svd)) == "(a, full_matrices=True, compute_uv=True, hermitian=False, *, k=None)"
    assert str(inspect.signature(fnp.add.reduce)).startswith("(array, axis=0, dtype=None, out=None, keepdims=False")
    rng = fnp.random.default_rng(0)
    assert list(inspect.signature(rng.normal).parameters) == ["loc", "scale", "size"]  # bound: no self
    assert str(inspect.signature(fnp.random.Generator.normal)) == "(self, /, loc=None, scale=None, size=None)"


def test_every_metered_function_has_its_table_signature():
    functions = metered_functions()
    assert len(functions) > 500
    P = inspect.Parameter
    for f in functions:
        spec = f.spec
        params = list(inspect.signature(f).parameters.values())
        if params and params[0].name == "self":
            params = params[1:]
        assert [p.name for p in params] == [p.name for p in spec.params], spec.name
        for p, q in zip(params, spec.params):
            assert (p.kind is P.POSITIONAL_ONLY) == (not q.keyword and q.kind != "varargs"), (spec.name, p.name)
            assert (p.kind is P.KEYWORD_ONLY) == (not q.positional), (spec.name, p.name)
            assert (p.kind is P.VAR_POSITIONAL) == (q.kind == "varargs"), (spec.name, p.name)
            if not q.required and p.kind is not P.VAR_POSITIONAL:
                assert p.default is q.default or p.default == q.default, (spec.name, p.name)
            if q.required:
                assert p.default is P.empty, (spec.name, p.name)


@pytest.mark.parametrize("call", [
    ("sum", (np.ones(3),), {"axes": 0}),
    ("sum", (np.ones(3),), {"axis": 0, "keepdims": True}),
    ("exp", (np.ones(3),), {"x": 1}),
    ("einsum", ("i->", np.ones(3)), {"optimise": True}),
    ("concatenate", ([np.ones(2)],), {"axis": 0}),
    ("clip", (np.ones(3), 0, 1, None, 0), {}),
])
def test_the_signature_binds_what_the_runtime_binds(call):
    """inspect's binding and the runtime's agree on which calls fit."""
    name, args, kwargs = call
    spec = OPS[name]
    try:
        bind(spec, args, kwargs)
        runtime_ok = True
    except TypeError:
        runtime_ok = False
    try:
        inspect.signature(getattr(fnp, name)).bind(*args, **kwargs)
        sig_ok = True
    except TypeError:
        sig_ok = False
    assert sig_ok == runtime_ok
    assert (name, sig_ok) in {("sum", False), ("sum", True), ("exp", False), ("einsum", False),
                              ("concatenate", True), ("clip", False)}


def test_a_table_signature_behaves_as_a_signature():
    sig = inspect.signature(fnp.mean)
    plain = inspect.Signature(list(sig.parameters.values()))
    assert sig == plain and hash(sig) == hash(plain)
    assert pickle.loads(pickle.dumps(sig)) == plain
    assert str(sig.replace(return_annotation=int)).endswith("-> int")
    assert str(inspect.signature(functools.partial(fnp.mean, axis=0))).startswith("(a, *, axis=0")


def test_importing_flopscope_numpy_builds_no_signature():
    """The signatures are built when read: the import only attaches the table entry."""
    code = ("import flopscope.numpy as fnp, inspect\n"
            "from flopscope.numpy._signatures import TableSignature\n"
            "sigs = [v.__signature__ for v in vars(fnp).values() if isinstance(getattr(v, '__signature__', None), TableSignature)]\n"
            "print(len(sigs), sum(s._spec is None for s in sigs))\n"
            "str(inspect.signature(fnp.sum))\n"
            "print(sum(s._spec is None for s in sigs))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 300 and out[1:] == ["0", "1"]


def test_docstrings_carry_numpys_summary_and_the_worked_cost():
    from flopscope.reference import entry

    doc = fnp.sum.__doc__
    assert doc.startswith("Sum of array elements over a given axis.\n")
    assert "Cost (COST_MODEL v1.1): numel(input)." in doc
    assert doc.rstrip().endswith("= m*n;  sum((m, n), axis=0) at m=256, n=256: 65,536 FLOPs")
    assert fnp.exp.__doc__.startswith("Calculate the exponential of all elements in the input array.")
    assert fnp.random.Generator.normal.__doc__.startswith("Draw random samples from a normal (Gaussian) distribution.")
    for f in (fnp.einsum, fnp.linalg.svd, fnp.fft.rfft, fnp.random.normal, fnp.matmul):
        e = entry(f.spec)
        assert f.__doc__.splitlines()[0] == numpy_summary(_numpy_function(f.spec.name)) != ""
        assert f"= {e.formula};  {e.call} at " in f.__doc__ and f": {e.value:,} FLOPs" in f.__doc__


def _numpy_function(name: str):
    obj = np
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def test_numpy_summary_skips_a_signature_line():
    class Fake:
        __doc__ = "add(x1, x2, /, out=None)\n\nAdd arguments\n    element-wise.\n\nParameters\n"

    assert numpy_summary(Fake) == "Add arguments element-wise."
    assert numpy_summary(None) == ""


def test_generated_files_are_current():
    gen = _load_generator()
    stale = gen.stale(ROOT)
    assert stale == [], f"generated files are stale, run make stubs: {stale}"


def test_stubs_name_every_metered_function():
    """Each runtime module's metered functions are all in its stub, typed."""
    for module, stub in ((fnp, "flopscope/numpy/__init__.pyi"), (fnp.linalg, "flopscope/numpy/linalg.pyi"),
                         (fnp.fft, "flopscope/numpy/fft.pyi"), (fnp.random, "flopscope/numpy/random.pyi")):
        tree = ast.parse((ROOT / stub).read_text())
        declared = set()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                declared.add(node.name)
            elif isinstance(node, ast.AnnAssign):
                declared.add(node.target.id)
            elif isinstance(node, (ast.ImportFrom, ast.ClassDef)):
                declared |= {a.asname or a.name for a in getattr(node, "names", [])} | {getattr(node, "name", "")}
        runtime = {k for k, v in vars(module).items() if hasattr(v, "spec") and not k.startswith("_")}
        assert runtime - declared == set(), stub
    text = (ROOT / "flopscope/numpy/__init__.pyi").read_text()
    assert "def sum(a: ArrayLike, axis: SupportsIndex | Sequence[SupportsIndex] | None = None, " in text
    assert "def __call__(self, x: ArrayLike, /, out: " in text  # ufuncs: x is positional-only


def test_package_data_ships_the_stubs():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'flopscope = ["py.typed", "*.pyi", "**/*.pyi"]' in text
    assert (ROOT / "flopscope" / "py.typed").exists()


def _mypy(tmp_path: Path, files: list, *flags: str) -> subprocess.CompletedProcess:
    # The editable install is an import hook, which mypy does not follow: MYPYPATH finds the
    # package (and its stubs) in the source tree.
    env = dict(os.environ, MYPYPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), "--no-error-summary",
         "--hide-error-context", "--no-color-output", *flags, *map(str, files)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)


def test_mypy_passes_on_the_examples_solvers_and_stubs_and_flags_a_wrong_keyword(tmp_path):
    pytest.importorskip("mypy")
    stubs = [ROOT / p for p in ("flopscope/__init__.pyi", "flopscope/numpy/__init__.pyi", "flopscope/numpy/linalg.pyi",
                                "flopscope/numpy/fft.pyi", "flopscope/numpy/random.pyi", "flopscope/stats/__init__.pyi")]
    examples = sorted((ROOT / "examples").glob("*.py"))
    solvers = [ROOT / "tests" / "corpus" / s / "solver.py" for s in SOLVERS]
    good = _mypy(tmp_path, stubs)  # (no --warn-unused-ignores: an ignore needed by one NumPy's stubs only)
    assert good.returncode == 0, good.stdout + good.stderr
    r = _mypy(tmp_path, examples, "--check-untyped-defs")
    assert r.returncode == 0, r.stdout + r.stderr
    for solver in solvers:  # one at a time: they are all modules named "solver"
        r = _mypy(tmp_path, [solver], "--check-untyped-defs")
        assert r.returncode == 0, r.stdout + r.stderr

    bad = tmp_path / "bad_solver.py"
    bad.write_text(
        "import flopscope as flops\nimport flopscope.numpy as fnp\n\n"
        "with flops.BudgetContext(flop_budget=10**6):\n"
        "    x = fnp.ones((4, 4))\n"
        "    s = fnp.sum(x, axes=0)\n"
        "    h = fnp.einsum('ij,j->i', x, x[0], optimise=True)\n"
        "    e = fnp.exp(x, wher=x > 0)\n"
        "    y = fnp.unmetered_thing(x)\n")
    r = _mypy(tmp_path, [bad])
    lines = r.stdout.splitlines()
    assert r.returncode == 1
    assert 'bad_solver.py:6: error: Unexpected keyword argument "axes" for "sum"  [call-arg]' in lines
    assert any(line.startswith('bad_solver.py:7: error: Unexpected keyword argument "optimise" for "einsum"; '
                               'did you mean "optimize"?') for line in lines)
    assert any('bad_solver.py:8: error: Unexpected keyword argument "wher"' in line for line in lines)
    assert 'bad_solver.py:9: error: Module has no attribute "unmetered_thing"  [attr-defined]' in lines
    assert len([line for line in lines if ": error:" in line]) == 4
