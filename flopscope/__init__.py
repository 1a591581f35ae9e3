"""flopscope: compute within a FLOP budget.

``import flopscope as flops`` gives budgets (``BudgetContext``, ``@flops.budget``),
namespaces, summaries and cost queries; ``import flopscope.numpy as fnp`` gives
the metered NumPy namespace, and ``flops.stats`` metered distributions (SciPy-style).
Importing flopscope does not import SymPy, LibCST or SciPy: only the analyzer
(``flopscope analyze``) needs the first two, and ``flops.stats`` the third, on first use.
"""

from __future__ import annotations

from flopscope.costs import COST_MODEL_VERSION
from flopscope.queries import cost, einsum_cost, pointwise_cost, reduction_cost
from flopscope.runtime.array import FlopscopeArray, metered
from flopscope.runtime.context import (
    BudgetContext,
    BudgetView,
    OpRecord,
    budget,
    budget_summary,
    budget_summary_dict,
    current_budget,
    current_namespace,
    namespace,
    reset_session,
)
from flopscope.runtime.errors import (
    BudgetContextError,
    BudgetExhaustedError,
    FlopscopeError,
    LockdownError,
    SymmetryError,
    TimeExhaustedError,
    UnsupportedOperationError,
)
from flopscope import numpy  # noqa: E402  (builds the metered namespace)
from flopscope.runtime.symmetric import SymmetricTensor, as_symmetric  # noqa: E402
from flopscope.runtime.lockdown import lockdown  # noqa: E402

__version__ = "0.1.0"


def __getattr__(name: str):
    # flopscope.stats loads on first use (it needs SciPy on its first call).
    if name == "stats":
        import importlib

        return importlib.import_module("flopscope.stats")
    raise AttributeError(f"module 'flopscope' has no attribute {name!r}")

__all__ = [
    "BudgetContext",
    "BudgetContextError",
    "BudgetExhaustedError",
    "BudgetView",
    "COST_MODEL_VERSION",
    "FlopscopeArray",
    "FlopscopeError",
    "LockdownError",
    "OpRecord",
    "SymmetricTensor",
    "SymmetryError",
    "TimeExhaustedError",
    "UnsupportedOperationError",
    "as_symmetric",
    "budget",
    "budget_summary",
    "budget_summary_dict",
    "cost",
    "current_budget",
    "current_namespace",
    "einsum_cost",
    "lockdown",
    "metered",
    "namespace",
    "numpy",
    "pointwise_cost",
    "reduction_cost",
    "reset_session",
    "stats",
]
