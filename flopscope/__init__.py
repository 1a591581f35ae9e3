"""flopscope: compute within a FLOP budget.

``import flopscope as flops`` gives budgets (``BudgetContext``, ``@flops.budget``),
namespaces, summaries and cost queries; ``import flopscope.numpy as fnp`` gives
the metered NumPy namespace. Importing flopscope does not import SymPy or LibCST:
only the analyzer (``flopscope analyze``) needs them.
"""

from __future__ import annotations

from flopscope.costs import COST_MODEL_VERSION
from flopscope.queries import cost, einsum_cost, pointwise_cost, reduction_cost
from flopscope.runtime.array import FlopscopeArray, metered
from flopscope.runtime.context import (
    BudgetContext,
    OpRecord,
    budget,
    budget_summary,
    budget_summary_dict,
    current_namespace,
    namespace,
    reset_session,
)
from flopscope.runtime.errors import (
    BudgetContextError,
    BudgetExhaustedError,
    FlopscopeError,
    SymmetryError,
    TimeExhaustedError,
    UnsupportedOperationError,
)
from flopscope import numpy  # noqa: E402  (builds the metered namespace)
from flopscope.runtime.symmetric import SymmetricTensor, as_symmetric  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "BudgetContext",
    "BudgetContextError",
    "BudgetExhaustedError",
    "COST_MODEL_VERSION",
    "FlopscopeArray",
    "FlopscopeError",
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
    "current_namespace",
    "einsum_cost",
    "metered",
    "namespace",
    "numpy",
    "pointwise_cost",
    "reduction_cost",
    "reset_session",
]
