"""Static admission: every escape from the meter the analyzer can see is FS112, at its site.

A judged run admits only solvers the meter fully sees: ``flopscope.analyzer.escapes``
lists the FS112 diagnostics of an analysis (docs/analyzer.md, "Escapes from the
meter"). Here: a battery of small escapes, each reported once at the exact line and
column; ordinary code, the solver corpus and the examples report none; and work on
what an escape hands out is predicted as the runtime charges it, never as exact work
the runtime does not charge.
"""

from __future__ import annotations

import glob
import os

import pytest

from flopscope.analyzer import analyze, analyze_source, escapes
from flopscope.analyzer.diagnostics import CODES, ESCAPE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Lines 1-3 of every snippet; the snippet's own code starts on line 4.
HEAD = "import flopscope as flops\nimport flopscope.numpy as fnp\nA = fnp.ones((n, n)) * 2.0\n"

# (id, code after HEAD, the (line, col) of every escape it must report)
ESCAPES = [
    # NumPy itself
    ("import numpy as np", "import numpy as np\n", [(4, 1)]),
    ("import numpy.linalg", "import numpy.linalg\n", [(4, 1)]),
    ("from numpy import", "from numpy import exp\n", [(4, 1)]),
    ("importlib.import_module numpy", "import importlib\nm = importlib.import_module('numpy')\n", [(5, 5)]),
    ("__import__ numpy", "m = __import__('numpy')\n", [(4, 5)]),
    ("__import__ of a computed name", "name = 'num' + 'py'\nm = __import__(name)\n", [(5, 5)]),
    ("np.asarray of a flopscope array", "import numpy as np\nB = np.asarray(A)\n", [(4, 1), (5, 5)]),
    ("scipy", "import scipy.linalg\n", [(4, 1)]),
    # plain views of arrays
    ("view(ndarray)", "B = A.view(fnp.ndarray)\n", [(4, 5)]),
    ("view(type=)", "B = A.view(type=fnp.ndarray)\n", [(4, 5)]),
    ("astype subok=False", "B = A.astype(float, subok=False)\n", [(4, 5)]),
    ("__array__", "B = A.__array__()\n", [(4, 5)]),
    ("__array_interface__", "i = A.__array_interface__\n", [(4, 5)]),
    ("A.base", "b = A.base\n", [(4, 5)]),
    ("A.ctypes", "p = A.ctypes\n", [(4, 5)]),
    ("A.flat", "s = sum(A.flat)\n", [(4, 9)]),
    ("memoryview", "m = memoryview(A)\n", [(4, 5)]),
    # introspection
    ("__closure__", "c = fnp.einsum.__closure__\n", [(4, 5)]),
    ("__code__", "c = fnp.exp.__code__\n", [(4, 5)]),
    ("__globals__", "g = fnp.exp.__globals__\n", [(4, 5)]),
    ("__builtins__", "b = __builtins__\n", [(4, 5)]),
    ("__wrapped__", "w = fnp.exp.__wrapped__\n", [(4, 5)]),
    ("__reduce_ex__", "r = A.__reduce_ex__(2)\n", [(4, 5)]),
    ("__reduce__", "r = A.__reduce__()\n", [(4, 5)]),
    ("type(A).__mro__", "m = type(A).__mro__\n", [(4, 5)]),
    ("__subclasses__", "s = object.__subclasses__()\n", [(4, 5)]),
    ("__dict__ of flopscope.numpy", "d = fnp.__dict__\n", [(4, 5)]),
    ("__dict__ of a flopscope array", "d = A.__dict__\n", [(4, 5)]),
    ("__dict__ written", "class C:\n    pass\nc = C()\nc.__dict__['x'] = 1\n", [(7, 1)]),
    ("__class__ assigned", "A.__class__ = fnp.ndarray\n", [(4, 1)]),
    ("object.__setattr__ on an array", "object.__setattr__(A, 'x', 1)\n", [(4, 1)]),
    ("setattr on flopscope.numpy", "setattr(fnp, 'exp', abs)\n", [(4, 1)]),
    ("delattr on flopscope", "delattr(flops, 'BudgetContext')\n", [(4, 1)]),
    ("assigning fnp.exp", "fnp.exp = abs\n", [(4, 1)]),
    ("vars of flopscope.numpy", "v = vars(fnp)\n", [(4, 5)]),
    ("getattr of __closure__", "c = getattr(fnp.exp, '__closure__')\n", [(4, 5)]),
    ("frame f_back", "def f(frame):\n    return frame.f_back\n", [(5, 12)]),
    ("sys._getframe", "import sys\nf = sys._getframe()\n", [(5, 5)]),
    ("inspect.currentframe", "import inspect\nf = inspect.currentframe()\n", [(5, 5)]),
    ("inspect.stack", "import inspect\ns = inspect.stack()\n", [(5, 5)]),
    ("subclass of an array class", "class Lie(fnp.ndarray):\n    pass\n", [(4, 11)]),
    ("subclass of FlopscopeArray", "class Sub(flops.FlopscopeArray):\n    pass\n", [(4, 11)]),
    ("ndarray constructor", "P = fnp.ndarray((n, n), buffer=A)\n", [(4, 5)]),
    ("base-class method", "R = fnp.ndarray.dot(A, A)\n", [(4, 5)]),
    ("a NumPy scalar's array method", "P = fnp.float64(1.0).reshape(1)\n", [(4, 5)]),
    ("dtype.type scalar's array method", "s = A.dtype.type(1.0)\nP = s.repeat(n)\n", [(5, 5)]),
    ("base of a view, never reached", "def f():\n    return A.reshape(-1).base\n", [(5, 12)]),
    # flopscope's internals
    ("private attribute of a generator", "rng = fnp.random.default_rng(0)\nr = rng._impl\n", [(5, 5)]),
    ("private attribute of the budget view", "led = flops.current_budget()._ledger\n", [(4, 7)]),
    ("private attribute of a budget", "with flops.BudgetContext(flop_budget=10**6) as b:\n    b._ledger.used = 0\n",
     [(5, 5)]),
    ("import flopscope.runtime.dispatch", "import flopscope.runtime.dispatch\n", [(4, 1)]),
    ("from flopscope.runtime import ledger", "from flopscope.runtime import ledger\n", [(4, 1)]),
    ("import flopscope.costs", "import flopscope.costs\n", [(4, 1)]),
    ("from flopscope import costs", "from flopscope import costs\n", [(4, 1)]),
    ("flops.runtime", "r = flops.runtime\n", [(4, 5)]),
    ("fnp._np", "m = fnp._np\n", [(4, 5)]),
    ("from flopscope.numpy import _np", "from flopscope.numpy import _np\n", [(4, 1)]),
    # work elsewhere
    ("gc", "import gc\n", [(4, 1)]),
    ("ctypes", "import ctypes\n", [(4, 1)]),
    ("sys.settrace", "import sys\nsys.settrace(None)\n", [(5, 1)]),
    ("sys.setprofile through an alias", "import sys as s\ns.setprofile(None)\n", [(5, 1)]),
    ("from sys import settrace", "from sys import settrace\n", [(4, 1)]),
    ("sys.modules written", "import sys\nsys.modules['numpy'] = None\n", [(5, 1)]),
    ("sys.modules deleted", "import sys\ndel sys.modules['x']\n", [(5, 5)]),
    ("importlib.reload", "import importlib\nimportlib.reload(fnp)\n", [(5, 1)]),
    ("threading", "import threading\n", [(4, 1)]),
    ("_thread", "import _thread\n", [(4, 1)]),
    ("asyncio.to_thread", "import asyncio\nt = asyncio.to_thread(print)\n", [(5, 5)]),
    ("concurrent.futures", "from concurrent.futures import ThreadPoolExecutor\n", [(4, 1)]),
    ("multiprocessing", "import multiprocessing\n", [(4, 1)]),
    ("subprocess", "import subprocess\n", [(4, 1)]),
    ("os.fork", "import os\npid = os.fork()\n", [(5, 7)]),
    ("os.system", "import os\nos.system('true')\n", [(5, 1)]),
    ("os.execv", "import os\nos.execv('/bin/true', ['true'])\n", [(5, 1)]),
    ("os.spawnl", "import os\nos.spawnl(os.P_WAIT, '/bin/true')\n", [(5, 1)]),
    ("from os import posix_spawn", "from os import posix_spawn\n", [(4, 1)]),
    ("socket", "import socket\n", [(4, 1)]),
    ("contextvars", "import contextvars\n", [(4, 1)]),
    ("signal.signal", "import signal\nsignal.signal(signal.SIGINT, None)\n", [(5, 1)]),
    ("errstate(call=)", "with fnp.errstate(call=print):\n    B = fnp.exp(A)\n", [(4, 6)]),
    ("seterrcall", "fnp.seterrcall(print)\n", [(4, 1)]),
    ("pickle", "import pickle\n", [(4, 1)]),
    ("copyreg", "import copyreg\n", [(4, 1)]),
    # wherever it is: not reached by the analysis, in a loop analyzed more than once
    ("in a function never called", "def never():\n    import numpy\n    return 0\n", [(5, 5)]),
    ("in a branch not taken", "if n < 0:\n    import gc\n", [(5, 5)]),
    ("in a loop", "for i in range(n):\n    c = fnp.exp.__closure__\n    B = fnp.exp(A)\n", [(5, 9)]),
    ("several rules at one site", "d = flops.runtime.__dict__\n", [(4, 5)]),
]


def _escapes(source: str):
    result = analyze_source(source, "solver.py", shapes=["n=8"])
    return result, escapes(result)


def test_the_escape_code_is_documented_as_one_concept():
    assert ESCAPE == "FS112" and CODES[ESCAPE][0] == "warning"
    with open(os.path.join(ROOT, "docs", "analyzer.md")) as fh:
        doc = fh.read()
    assert "### Escapes from the meter (FS112)" in doc
    assert "escapes(analysis)" in doc


@pytest.mark.parametrize("code,sites", [(c, s) for _, c, s in ESCAPES], ids=[i for i, _, _ in ESCAPES])
def test_escape_is_reported_at_its_site(code, sites):
    result, found = _escapes(HEAD + code)
    assert [(d.line, d.col) for d in found] == sites, [(d.line, d.col, d.message) for d in found]
    for d in found:
        assert d.code == "FS112" and d.severity == "warning"
        assert d.message and "\n" not in d.message
    # an escape is a warning: it does not by itself fail the analysis
    assert not any(d.severity == "error" and d.code == "FS112" for d in result.diagnostics)


def test_there_are_enough_escape_cases():
    assert len(ESCAPES) >= 30


ORDINARY = HEAD + """\
import dataclasses
import functools
import math
import os
import warnings
import flopscope.numpy.linalg as la
from flopscope.errors import BudgetExhaustedError
from flopscope.stats import norm


@dataclasses.dataclass(frozen=True)
class Config:
    width: int

    def __post_init__(self):
        object.__setattr__(self, "width", int(self.width))


class Holder:
    def __init__(self):
        self.base = 3
        self.data = [1, 2]
        self.flat = True

    def name(self):
        return type(self).__name__


here = os.path.join(os.path.dirname(__file__), "x.npz")
w, V = la.eigh(A + A.T)
parts = la.eigh(A + A.T)._asdict()
s = fnp.float64(0.5) * A
_private = Holder()
_private._cache = {}
cfg = Config(n)
h = Holder()
B = A.view(fnp.float64).astype(float) + A.astype(float, subok=True)
ok = isinstance(A, fnp.ndarray)
C = la.solve(A + fnp.eye(n), fnp.ones(n))
p = norm.cdf(A)
with warnings.catch_warnings():
    D = fnp.exp(A) * math.pi
left = flops.current_budget()
"""


def test_ordinary_code_has_no_escape():
    _, found = _escapes(ORDINARY)
    assert found == [], [(d.line, d.col, d.message) for d in found]


CORPUS = sorted(glob.glob(os.path.join(ROOT, "tests", "corpus", "[0-9][0-9]_*", "solver.py")))
EXAMPLES = sorted(glob.glob(os.path.join(ROOT, "examples", "*.py")))
CONTRACT_EXAMPLES = sorted(glob.glob(os.path.join(ROOT, "examples", "contract", "*.py")))


@pytest.mark.parametrize("path", CORPUS + CONTRACT_EXAMPLES,
                         ids=[os.path.relpath(p, ROOT) for p in CORPUS + CONTRACT_EXAMPLES])
def test_corpus_solvers_and_contract_examples_have_no_escape(path):
    result = analyze(path, shapes=["w=16,L=4,B=1e7"], contract="estimator")
    assert escapes(result) == [], [(d.line, d.col, d.message) for d in escapes(result)]


@pytest.mark.parametrize("path", EXAMPLES, ids=[os.path.relpath(p, ROOT) for p in EXAMPLES])
def test_examples_have_no_escape(path):
    result = analyze(path)
    assert escapes(result) == [], [(d.line, d.col, d.message) for d in escapes(result)]


def test_the_listings_are_there():
    assert len(CORPUS) >= 15 and len(EXAMPLES) >= 5 and CONTRACT_EXAMPLES


# Work on what an escape hands out: predicted as the runtime charges it. An exact
# prediction must equal the measurement; a bound must hold; an unknown claims nothing.
NP_HEAD = "import flopscope as flops\nimport flopscope.numpy as fnp\nimport numpy as np\nA = fnp.ones((n, n)) * 2.0\n"
AGAINST_THE_RUNTIME = [
    ("numpy on a plain view", "B = np.exp(A.view(np.ndarray))\n"),
    ("numpy on numpy's own array", "B = np.exp(np.ones(n))\n"),
    ("numpy on a flopscope array", "B = np.exp(A)\n"),
    ("flopscope on a plain view", "B = fnp.exp(A.view(np.ndarray))\n"),
    ("matmul of two plain views", "P = A.view(type=np.ndarray)\nB = P @ P\n"),
    ("np.asarray, then numpy", "P = np.asarray(A)\nB = P @ P\n"),
    ("np.asarray, then with a flopscope array", "P = np.asarray(A)\nB = P @ A\n"),
    ("np.array, then numpy", "P = np.array(A)\nB = np.exp(P)\n"),
    ("np.ascontiguousarray, then numpy", "P = np.ascontiguousarray(A)\nB = np.exp(P)\n"),
    ("np.asanyarray keeps the meter", "P = np.asanyarray(A)\nB = np.exp(P)\n"),
    ("__array__, then matmul", "P = A.__array__()\nB = P @ P\n"),
    ("astype(subok=False), then matmul", "P = A.astype(float, subok=False)\nB = P @ P\n"),
]


@pytest.mark.parametrize("code", [c for _, c in AGAINST_THE_RUNTIME], ids=[i for i, _ in AGAINST_THE_RUNTIME])
def test_work_behind_an_escape_is_predicted_as_the_runtime_charges_it(code, tmp_path):
    from flopscope.check import run_program

    path = tmp_path / "solver.py"
    path.write_text(NP_HEAD + code)
    result = analyze_source(NP_HEAD + code, str(path), shapes=["n=8"])
    assert escapes(result), "the numpy import at least is an escape"
    measured = run_program(str(path), shapes=["n=8"])
    if measured.error is not None:
        # the runtime refuses it: the analyzer must not claim an exact cost for what follows
        assert result.label != "exact" or any(d.severity == "error" for d in result.diagnostics), measured.error
        return
    if result.label == "exact":
        assert result.value == measured.total, (result.value, measured.total)
    elif result.label == "upper bound":
        assert measured.total <= result.value, (result.value, measured.total)
