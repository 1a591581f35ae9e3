"""Records the analyzer produces: events, diagnostics, budgets, and the report.

An ``Event`` is one counted call site (or one unknown part) as seen by the
abstract run, with its cost per call, its call count and its total, all SymPy
expressions. Loops and branches transform the events of their bodies (summing
over the loop index, or weighting by a condition); the report aggregates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from flopscope.costs import COST_MODEL_NAME

EXACT, BOUND, UNKNOWN = "exact", "upper bound", "unknown"
_RANK = {EXACT: 0, BOUND: 1, UNKNOWN: 2}


def worse(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


@dataclass(frozen=True)
class Site:
    line: int
    col: int  # 1-based
    # where the node ends: its last line and the column just after it (1-based); 0 if unknown
    end_line: int = field(default=0, compare=False)
    end_col: int = field(default=0, compare=False)


@dataclass
class Event:
    site: Site
    op: str  # display label: "exp", "einsum('ij,j->i')", "call forward", ...
    per_call: Any  # SymPy cost of one call (may mention loop indices)
    count: Any  # SymPy number of calls
    total: Any  # SymPy total cost
    namespace: str
    functions: tuple  # qualnames of the user functions on the call stack
    budgets: tuple  # ids of the enclosing budgets
    label: str = EXACT
    region: int | None = None  # bound regions (data-dependent branches, early exits)
    kind: str = "charge"  # "charge" or "call" (a user-function call, for subtotals)

    def scaled(self, **changes) -> "Event":
        return replace(self, **changes)


@dataclass(frozen=True)
class Diagnostic:
    line: int
    col: int
    code: str
    severity: str  # "error", "warning", "info"
    message: str
    end_line: int = 0  # as Site's
    end_col: int = 0


@dataclass
class BudgetInfo:
    ident: int
    line: int
    col: int
    flop_budget: Any  # SymPy expression (or None if not understood)
    namespace: str | None
    kind: str  # "with" or "decorator"
    function: str | None = None


@dataclass
class Report:
    path: str
    symbols: dict  # name -> value or None
    events: list
    diagnostics: list
    budgets: list
    cost_model: str = COST_MODEL_NAME
    extra: dict = field(default_factory=dict)
