"""flopscope: compute within a FLOP budget.

``import flopscope as flops`` gives budgets (``BudgetContext``, ``@flops.budget``),
namespaces, summaries and cost queries; ``import flopscope.numpy as fnp`` gives
the metered NumPy namespace, and ``flops.stats`` metered distributions (SciPy-style).
Importing flopscope does not import SymPy, LibCST or SciPy: only the analyzer
(``flopscope analyze``) needs the first two, and ``flops.stats`` the third, on first use.
"""

from __future__ import annotations

from flopscope.costs import COST_MODEL_VERSION

__version__ = "0.1.0"

# Everything else loads on first use (PEP 562), so that ``flopscope analyze``, which
# needs none of the runtime, does not pay for NumPy: ``flops.BudgetContext`` imports
# the runtime the first time it is read, and is an ordinary attribute from then on.
_HOMES = {
    "cost": "flopscope.queries", "einsum_cost": "flopscope.queries", "pointwise_cost": "flopscope.queries",
    "reduction_cost": "flopscope.queries",
    "FlopscopeArray": "flopscope.runtime.array", "metered": "flopscope.runtime.array",
    **{name: "flopscope.runtime.context" for name in (
        "BudgetContext", "BudgetView", "OpRecord", "budget", "budget_summary", "budget_summary_dict",
        "current_budget", "current_namespace", "namespace", "reset_session")},
    **{name: "flopscope.runtime.errors" for name in (
        "BudgetContextError", "BudgetExhaustedError", "FlopscopeError", "LockdownError", "SymmetryError",
        "TimeExhaustedError", "UnsupportedOperationError")},
    "SymmetricTensor": "flopscope.runtime.symmetric", "as_symmetric": "flopscope.runtime.symmetric",
    "lockdown": "flopscope.runtime.lockdown",
    "numpy": None, "stats": None,  # submodules: flops.numpy is flopscope.numpy
}


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'flopscope' has no attribute {name!r}")
    import importlib

    home = _HOMES[name]
    value = importlib.import_module(f"flopscope.{name}") if home is None else getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))


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
