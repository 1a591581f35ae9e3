"""Tasks: what a judged unit computes and how it is scored.

A task is any object with

* ``name``: a string for the verdict;
* ``inputs(seed) -> dict``: the unit's inputs, built in the worker before the
  submission is imported (plain NumPy, outside any budget);
* ``call(module, inputs, budget, context, submission_dir, scratch_dir) -> (output,
  setup_flops, setup_time_s)``: runs the submission (``module`` is its imported
  namespace, a dict) under ``context()``, a fresh ``BudgetContext`` of ``budget``
  FLOPs that the task enters around the billed part;
* ``score(output, inputs, flops_used, budget) -> float``: lower is better;
* optionally ``validate(output)`` (raise if the output cannot be scored) and
  ``failed_score(inputs) -> float``, the score of a unit that failed (None without it).

``--task mlp`` is :class:`MLPTask`; ``--task package.module:attr`` loads any other
(``attr`` is an object, or a class called without arguments).
"""

from __future__ import annotations

import importlib
import os
import time
from typing import Any, Callable

import numpy as np

TRUTH_SEED = 10_007


class InvalidOutput(Exception):
    """The submission returned something the task cannot score (wrong shape, not finite)."""


class MLPTask:
    """The competition: estimate the per-layer mean activations of a ReLU MLP.

    The network is ``depth`` He-initialised float32 (width, width) matrices from
    ``numpy.random.default_rng(seed)`` (``flopscope.contract``); the input is
    x ~ N(0, I). ``setup(ctx)`` runs outside the budget, ``predict(mlp, budget)``
    inside it and returns a (depth, width) array. The ground truth is a Monte-Carlo
    mean over ``samples`` inputs in plain NumPy, cached on disk by seed. The score
    is the final layer's mean squared error times max(0.1, used / budget); a unit
    that fails scores the zero prediction, times 1.0.
    """

    name = "mlp"

    def __init__(self, width: int = 16, depth: int = 4, samples: int = 20_000, cache_dir: str | None = None):
        for label, v in (("width", width), ("depth", depth), ("samples", samples)):
            if not isinstance(v, int) or v < 1:
                raise ValueError(f"the mlp task's {label} must be a positive integer, got {v!r}")
        self.width, self.depth, self.samples = width, depth, samples
        self.cache_dir = cache_dir or os.path.join(os.path.expanduser("~"), ".cache", "flopscope", "truth")

    def describe(self) -> dict:
        return {"width": self.width, "depth": self.depth, "samples": self.samples}

    def truth(self, seed: int) -> np.ndarray:
        """E[h_l] for every layer, by plain-NumPy Monte Carlo (cached on disk)."""
        path = os.path.join(self.cache_dir, f"mlp-w{self.width}-L{self.depth}-s{seed}-n{self.samples}.npy")
        try:
            cached = np.load(path, allow_pickle=False)
            if cached.shape == (self.depth, self.width):
                return cached
        except (OSError, ValueError):
            pass
        from flopscope.contract import he_weights

        weights = he_weights(self.width, self.depth, seed)
        rng = np.random.default_rng(TRUTH_SEED + seed)
        sums = np.zeros((self.depth, self.width))
        done = 0
        while done < self.samples:
            step = min(4096, self.samples - done)
            h = rng.standard_normal((self.width, step))
            for layer, w in enumerate(weights):
                h = np.maximum(w.astype(np.float64) @ h, 0.0)
                sums[layer] += h.sum(axis=1)
            done += step
        out = sums / self.samples
        try:
            os.makedirs(self.cache_dir, exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp.npy"
            np.save(tmp, out)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache only costs the recomputation
        return out

    def inputs(self, seed: int) -> dict:
        return {"seed": seed, "truth": self.truth(seed)}

    def call(self, module: dict, inputs: dict, budget: float, context: Callable[[], Any], submission_dir: str,
             scratch_dir: str) -> tuple[Any, int, float]:
        import flopscope as flops
        from flopscope import contract

        cls = contract.find_estimator(module)
        estimator = cls()
        setup_flops, setup_time = 0, 0.0
        if hasattr(estimator, "setup"):
            ctx = contract.SetupContext(self.width, self.depth, int(budget), inputs["seed"], submission_dir, scratch_dir)
            t0 = time.perf_counter()
            with flops.BudgetContext(flop_budget=10**18, quiet=True) as setup_budget:
                estimator.setup(ctx)
            setup_time = time.perf_counter() - t0
            setup_flops = setup_budget.flops_used
        mlp = contract.build_mlp(self.width, self.depth, inputs["seed"])
        with context():
            output = estimator.predict(mlp, budget)
        return output, setup_flops, setup_time

    def _checked(self, output: Any) -> np.ndarray:
        try:
            arr = np.asarray(output, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise InvalidOutput(f"predict returned something that is not an array of numbers: {err}") from None
        if arr.shape != (self.depth, self.width):
            raise InvalidOutput(f"predict returned shape {arr.shape}; the task needs ({self.depth}, {self.width})")
        if not np.all(np.isfinite(arr)):
            raise InvalidOutput("predict returned values that are not finite (NaN or infinity)")
        return arr

    def validate(self, output: Any) -> None:
        self._checked(output)

    def score(self, output: Any, inputs: dict, flops_used: int, budget: float) -> float:
        pred = self._checked(output)
        mse = float(np.mean((pred[-1] - inputs["truth"][-1]) ** 2))
        return mse * max(0.1, flops_used / budget)

    def failed_score(self, inputs: dict) -> float:
        return float(np.mean(inputs["truth"][-1] ** 2)) * 1.0


class ScriptTask:
    """``flopscope run``: the script runs top to bottom inside the budget; no score."""

    name = "script"

    def describe(self) -> dict:
        return {}

    def inputs(self, seed: int | None) -> dict:
        return {"seed": seed}

    def validate(self, output: Any) -> None:
        return None

    def score(self, output: Any, inputs: dict, flops_used: int, budget: float) -> None:
        return None

    def failed_score(self, inputs: dict) -> None:
        return None


def load_task(spec: str, **options: Any) -> Any:
    """``mlp`` (with width/depth/samples/cache_dir options), or ``module:attr``."""
    if spec == "mlp":
        return MLPTask(**{k: v for k, v in options.items() if v is not None})
    if spec == "script":
        return ScriptTask()
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"--task: expected 'mlp' or 'module:attr', got {spec!r}")
    try:
        obj = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as err:
        raise ValueError(f"--task {spec}: {err}") from None
    task = obj() if isinstance(obj, type) else obj
    for needed in ("inputs", "call", "score"):
        if not callable(getattr(task, needed, None)):
            raise ValueError(f"--task {spec}: the task has no {needed}() method")
    return task
