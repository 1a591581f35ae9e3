"""flopscope's exceptions, for ``from flopscope.errors import BudgetExhaustedError``.

The same class objects as ``flops.BudgetExhaustedError`` and the others: each is a
:class:`FlopscopeError`. (They are defined in ``flopscope.runtime.errors``.)
"""

from __future__ import annotations

from flopscope.runtime.errors import (
    BudgetContextError,
    BudgetExhaustedError,
    FlopscopeError,
    LockdownError,
    SymmetryError,
    TimeExhaustedError,
    UnsupportedOperationError,
)

__all__ = [
    "BudgetContextError",
    "BudgetExhaustedError",
    "FlopscopeError",
    "LockdownError",
    "SymmetryError",
    "TimeExhaustedError",
    "UnsupportedOperationError",
]
