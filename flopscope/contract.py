"""The Estimator contract of the ReLU-MLP competition, shared by ``check``, ``analyze`` and ``judge``.

A submission is a Python file with a class (``Estimator``, else the one class that
has ``predict(self, mlp, budget)``). The harness:

1. builds it with no arguments;
2. calls ``setup(ctx)`` if it has one, outside any budget (``ctx``: a
   :class:`SetupContext`: ``width``, ``depth``, ``flop_budget``, ``seed``,
   ``submission_dir`` (the solver's folder, where its assets lie) and
   ``scratch_dir`` (a folder it may write));
3. calls ``predict(mlp, budget)`` inside a fresh ``BudgetContext(flop_budget=budget)``.
   ``mlp`` is an :class:`MLP`: ``width``, ``depth``, ``weights`` (``depth`` metered
   float32 arrays of shape (width, width), He-initialised: N(0, 2/width)), ``seed``.
   The network maps x to relu(W_L ... relu(W_1 x)); ``predict`` returns the mean
   activation of every layer for x ~ N(0, I): an array of shape (depth, width).

The analyzer models the same contract on symbols: ``w`` (width), ``L`` (depth),
``B`` (the budget).
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

CONTRACTS = ("estimator",)
ESTIMATOR_CLASS = "Estimator"
# The symbols the analyzer uses for the contract's sizes.
WIDTH, DEPTH, BUDGET = "w", "L", "B"


@dataclass(frozen=True)
class MLP:
    """The network a ``predict`` call is given. ``weights[l]`` maps layer l's input to its
    pre-activation: h_l = relu(weights[l] @ h_{l-1})."""

    width: int
    depth: int
    weights: list = field(repr=False)
    seed: int = 0


@dataclass(frozen=True)
class SetupContext:
    """What ``setup(ctx)`` is told (it runs outside the budget)."""

    width: int
    depth: int
    flop_budget: int
    seed: int
    submission_dir: str
    scratch_dir: str


def he_weights(width: int, depth: int, seed: int) -> list[np.ndarray]:
    """The competition's weights: ``depth`` float32 (width, width) matrices drawn from
    N(0, 2/width) (He initialisation) by ``numpy.random.default_rng(seed)``. Plain NumPy:
    building the network is the harness's work, not the solver's."""
    rng = np.random.default_rng(seed)
    scale = np.sqrt(2.0 / width)
    return [(rng.standard_normal((width, width)) * scale).astype(np.float32) for _ in range(depth)]


def build_mlp(width: int, depth: int, seed: int = 0) -> MLP:
    """An MLP whose weights are metered views (work on them is charged)."""
    from flopscope.runtime.array import metered

    return MLP(width, depth, [metered(w) for w in he_weights(width, depth, seed)], seed)


class ContractError(Exception):
    """The program does not implement the contract (no estimator class, a wrong signature)."""


def find_estimator(namespace: dict) -> type:
    """The submission's estimator class: ``Estimator``, else the single class defined in the
    module with a ``predict(self, mlp, budget)`` method."""
    cls = namespace.get(ESTIMATOR_CLASS)
    if isinstance(cls, type):
        return cls
    module = namespace.get("__name__")
    candidates = [v for v in namespace.values() if isinstance(v, type) and getattr(v, "__module__", None) == module
                  and _has_predict(v)]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ContractError("no estimator class: define class Estimator with predict(self, mlp, budget)")
    names = ", ".join(sorted(c.__name__ for c in candidates))
    raise ContractError(f"several classes have predict(self, mlp, budget) ({names}): name the one to judge Estimator")


def _has_predict(cls: type) -> bool:
    fn = getattr(cls, "predict", None)
    if not callable(fn):
        return False
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return False
    return len(params) >= 3


def setup_context(width: int, depth: int, flop_budget: int, seed: int, solver_path: str, scratch_dir: str) -> SetupContext:
    return SetupContext(width, depth, int(flop_budget), seed, os.path.dirname(os.path.abspath(solver_path)), scratch_dir)
