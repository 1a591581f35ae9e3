"""Dimension arithmetic that works on Python ints and on SymPy expressions.

Every cost and shape rule in the table is written against these helpers, so the
same rule serves the runtime (ints, fast, no SymPy import) and the analyzer and
the docs (SymPy expressions). A helper checks for plain ints first and only
touches SymPy when it is handed something else; SymPy is imported lazily through
``flopscope.costs.symbolic``.
"""

from __future__ import annotations

import contextvars
from typing import Any, Callable, Iterable

Dim = Any  # an int, or a SymPy expression standing for a non-negative integer

# Hooks the analyzer installs while it evaluates rules on SymPy dimensions:
# DECIDER settles a relation the expressions alone do not (True/False, or raises
# UndecidableDimension); EVALUATOR turns a symbolic size into a number, which an
# einsum of three or more operands needs to choose its contraction order.
DECIDER: contextvars.ContextVar[Callable[[Any], bool] | None] = contextvars.ContextVar("flopscope_decider", default=None)
EVALUATOR: contextvars.ContextVar[Callable[[Any], float] | None] = contextvars.ContextVar("flopscope_evaluator", default=None)


class UndecidableDimension(ValueError):
    """A shape rule needed to compare symbolic dimensions it cannot decide."""

    def __init__(self, message: str, left: Dim = None, right: Dim = None):
        super().__init__(message)
        self.left = left
        self.right = right


def _sym():
    from flopscope.costs import symbolic

    return symbolic


def as_dim(x: Any) -> Dim:
    """Normalise a dimension: NumPy integers become ints, SymPy stays SymPy."""
    if type(x) is int:
        return x
    if hasattr(x, "free_symbols"):
        return x
    return int(x)


def numel(shape: Iterable[Dim]) -> Dim:
    """Product of a shape's dimensions; 1 for the empty shape (a scalar)."""
    total = 1
    for d in shape:
        total = total * d
    return total


def prod(values: Iterable[Dim]) -> Dim:
    total = 1
    for v in values:
        total = total * v
    return total


def clog2(n: Dim) -> Dim:
    """ceil(log2(n)) with clog2(1) = 0 (and clog2(0) = 0, an empty operand)."""
    if type(n) is int:
        return (n - 1).bit_length() if n > 1 else 0
    return _sym().clog2(n)


def floor_log2(n: Dim) -> Dim:
    """floor(log2(n)) for n >= 1."""
    if type(n) is int:
        return n.bit_length() - 1
    return _sym().floor_log2(n)


def popcount(n: Dim) -> Dim:
    """Number of one bits in the binary expansion of n >= 0."""
    if type(n) is int:
        return bin(n).count("1")
    return _sym().popcount(n)


def dmin(a: Dim, b: Dim) -> Dim:
    if type(a) is int and type(b) is int:
        return a if a <= b else b
    return _sym().Min(a, b)


def dmax(a: Dim, b: Dim) -> Dim:
    if type(a) is int and type(b) is int:
        return a if a >= b else b
    return _sym().Max(a, b)


def floordiv(a: Dim, b: Dim) -> Dim:
    if type(a) is int and type(b) is int:
        return a // b
    return _sym().floordiv(a, b)


def ceildiv(a: Dim, b: Dim) -> Dim:
    if type(a) is int and type(b) is int:
        return -((-a) // b)
    return _sym().ceildiv(a, b)


def same(a: Dim, b: Dim) -> bool:
    """Decide a == b. Symbolic comparisons go through the active decision hook."""
    if type(a) is int and type(b) is int:
        return a == b
    return _sym().decide_eq(a, b)


def is_zero(a: Dim) -> bool:
    if type(a) is int:
        return a == 0
    return _sym().decide_eq(a, 0)


def less(a: Dim, b: Dim) -> bool:
    """Decide a < b."""
    if type(a) is int and type(b) is int:
        return a < b
    return _sym().decide_lt(a, b)


def concrete(a: Dim) -> int | None:
    """The int value of a dimension when it is a number, else None."""
    if type(a) is int:
        return a
    if hasattr(a, "free_symbols"):
        if not a.free_symbols:
            return int(a)
        return None
    return int(a)
