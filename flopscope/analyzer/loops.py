"""Closed-form sums over loop indices, trip counts, and sign proofs.

``for i in range(a, b, c)`` runs ``T = max(0, ceil((b - a) / c))`` times; the
cost of its body, a function of ``i``, is summed in closed form. Polynomial
bodies use Faulhaber's formulas (fast); anything else falls back to SymPy's
``summation``, and to an unevaluated ``Sum`` (evaluated numerically) when no
closed form exists. A range that might be empty gives ``Piecewise`` with 0, so
an empty range never contributes a negative number.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy


@dataclass
class LoopBounds:
    """What is known about a loop index: lo <= var <= hi (inclusive)."""

    var: sympy.Symbol
    lo: Any
    hi: Any


@lru_cache(maxsize=None)
def _power_sum(k: int):
    """S_k(T) = sum_{t=0}^{T-1} t^k as a polynomial in T (Faulhaber)."""
    T = sympy.Symbol("T", integer=True, nonnegative=True)
    t = sympy.Symbol("t", integer=True, nonnegative=True)
    return T, sympy.expand(sympy.summation(t**k, (t, 0, T - 1)))


def sum_over_trips(expr, var: sympy.Symbol, start, step, trips):
    """sum_{t=0}^{trips-1} expr(var = start + step*t), in closed form when possible."""
    expr = sympy.sympify(expr)
    if var not in expr.free_symbols:
        return expr * trips
    t = sympy.Dummy("t", integer=True, nonnegative=True)
    inner = sympy.expand(expr.subs(var, start + step * t))
    if inner.is_polynomial(t):
        poly = sympy.Poly(inner, t)
        total = sympy.Integer(0)
        for (k,), coeff in poly.terms():
            T, s_k = _power_sum(k)
            total += coeff * s_k.subs(T, trips)
        return sympy.expand(total)
    try:
        result = sympy.summation(inner, (t, 0, trips - 1))
    except Exception:  # noqa: BLE001 - SymPy raises many types for sums it cannot do
        result = None
    if result is None or result.has(sympy.Sum):
        return sympy.Sum(inner, (t, 0, trips - 1))
    return result


def trip_count(start, stop, step):
    """ceil((stop - start) / step), not clipped at 0 (see ``nonnegative``)."""
    start, stop, step = (sympy.sympify(x) for x in (start, stop, step))
    if step == 1:
        return stop - start
    if step == -1:
        return start - stop
    return sympy.ceiling((stop - start) / step)


def substitute_extreme(expr, bounds: list[LoopBounds], lowest: bool):
    """Replace loop indices by the bound that minimises (or maximises) a linear ``expr``.

    Innermost loops first, since their bounds may mention outer indices.
    """
    for b in reversed(bounds):
        if b.var not in expr.free_symbols:
            continue
        coeff = sympy.expand(expr).coeff(b.var)
        if coeff.free_symbols & {x.var for x in bounds} or sympy.expand(expr).has(b.var**2):
            return None
        if coeff.is_nonnegative:
            expr = expr.subs(b.var, b.lo if lowest else b.hi)
        elif coeff.is_nonpositive:
            expr = expr.subs(b.var, b.hi if lowest else b.lo)
        else:
            return None
    return expr


def provably_nonnegative(expr, bounds: list[LoopBounds]) -> bool:
    """True if ``expr >= 0`` for every value of the enclosing loop indices and sizes."""
    expr = sympy.expand(sympy.sympify(expr))
    if expr.is_nonnegative:
        return True
    low = substitute_extreme(expr, bounds, lowest=True)
    if low is None:
        return False
    low = sympy.expand(low)
    return bool(low.is_nonnegative)


def provably_positive(expr, bounds: list[LoopBounds]) -> bool:
    return provably_nonnegative(sympy.sympify(expr) - 1, bounds)
