"""The solver corpus (tests/corpus/NN_name/solver.py) runs under the metered runtime.

Each solver is loaded as a real module, built, set up and asked to predict the way the
harness does it (flopscope.contract), at two small sizes. It must return a finite
(L, w) array, stay within its budget while spending at least 1% of it, and be
roughly right: the mean absolute error of its last layer against a plain-NumPy
Monte-Carlo ground truth (20,000 samples, float64) must be under
0.5 * mean(true last layer) + 0.05. The bound is loose on purpose: it catches broken
solvers, it does not rank them.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import importlib.util
import os
import sys

import numpy as np
import pytest

import flopscope as flops
from flopscope import contract

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
SOLVERS = sorted(glob.glob(os.path.join(CORPUS, "[0-9][0-9]_*", "solver.py")))
SOLVER_IDS = [os.path.basename(os.path.dirname(p)) for p in SOLVERS]
ASSET_SOLVERS = [p for p in SOLVERS if glob.glob(os.path.join(os.path.dirname(p), "*.npz"))]

# (width, depth, budget, seed)
SIZES = [(16, 4, 10**7, 0), (32, 6, 5 * 10**7, 1)]
TRUTH_SAMPLES = 20_000
TRUTH_SEED = 20240601
MIN_SPEND = 0.01


@functools.lru_cache(maxsize=None)
def true_means(width: int, depth: int, seed: int) -> np.ndarray:
    """E[h_l] for l = 1..L by plain-NumPy Monte-Carlo on the contract's weights, float64."""
    weights = [W.astype(np.float64) for W in contract.he_weights(width, depth, seed)]
    h = np.random.default_rng(TRUTH_SEED + seed).standard_normal((width, TRUTH_SAMPLES))
    rows = []
    for W in weights:
        h = np.maximum(W @ h, 0.0)
        rows.append(h.mean(axis=1))
    return np.stack(rows)


@contextlib.contextmanager
def loaded_solver(path: str):
    """solver.py as a real module: registered in sys.modules, its folder first on sys.path."""
    folder = os.path.dirname(os.path.abspath(path))
    name = "corpus_" + os.path.basename(folder) + "_solver"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(name, None)
        with contextlib.suppress(ValueError):
            sys.path.remove(folder)


def run_solver(path: str, width: int, depth: int, budget: int, seed: int, scratch: str, *, setup: bool = True):
    """Build, set up (outside any budget) and predict inside a fresh BudgetContext."""
    with loaded_solver(path) as module:
        cls = contract.find_estimator(module.__dict__)
        estimator = cls()
        if setup and hasattr(estimator, "setup"):
            estimator.setup(contract.setup_context(width, depth, budget, seed, path, scratch))
        mlp = contract.build_mlp(width, depth, seed)
        with flops.BudgetContext(flop_budget=budget, quiet=True) as ctx:
            result = estimator.predict(mlp, budget)
    return result, ctx


def test_corpus_is_large_enough():
    assert len(SOLVERS) >= 16, SOLVERS
    assert len(ASSET_SOLVERS) >= 2, ASSET_SOLVERS


@pytest.mark.parametrize("width,depth,budget,seed", SIZES, ids=[f"w{w}-L{L}" for w, L, _, _ in SIZES])
@pytest.mark.parametrize("path", SOLVERS, ids=SOLVER_IDS)
def test_solver_predicts_within_budget(path, width, depth, budget, seed, tmp_path):
    result, ctx = run_solver(path, width, depth, budget, seed, str(tmp_path))

    est = np.asarray(result, dtype=np.float64)
    assert est.shape == (depth, width)
    assert np.isfinite(est).all()

    assert ctx.flops_used <= budget
    assert ctx.flops_used >= MIN_SPEND * budget, f"spent only {ctx.flops_used:,} of {budget:,}"

    truth = true_means(width, depth, seed)
    err = float(np.abs(est[-1] - truth[-1]).mean())
    bound = 0.5 * float(truth[-1].mean()) + 0.05
    assert err < bound, f"last-layer mean abs error {err:.4f} >= {bound:.4f}"


@pytest.mark.parametrize("path", ASSET_SOLVERS, ids=[os.path.basename(os.path.dirname(p)) for p in ASSET_SOLVERS])
def test_asset_solver_needs_setup(path, tmp_path):
    with pytest.raises(RuntimeError, match="setup was not run"):
        run_solver(path, 16, 4, 10**7, 0, str(tmp_path), setup=False)


def test_loader_cleans_up(tmp_path):
    before_path, before_mods = list(sys.path), set(sys.modules)
    run_solver(SOLVERS[0], 16, 4, 10**6, 0, str(tmp_path))
    assert sys.path == before_path
    assert not {m for m in set(sys.modules) - before_mods if m.startswith("corpus_")}
