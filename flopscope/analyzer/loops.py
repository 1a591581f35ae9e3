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

from flopscope.costs import dims


@dataclass
class LoopBounds:
    """What is known about a loop index: lo <= var <= hi (inclusive); it takes the
    values start + step*t for t in range(trips) (what the analyzer enumerates when a
    decision depends on the index and every size has a value)."""

    var: sympy.Symbol
    lo: Any
    hi: Any
    start: Any = None
    step: Any = None
    trips: Any = None
    # Looser bounds that are simpler expressions: range(a, b, c) with c > 0 also has
    # var <= b - 1 (for c < 0, var >= b + 1), which proves b - var >= 1 where hi, the
    # exact last value a + c*(ceil((b - a)/c) - 1), does not simplify.
    lo_bound: Any = None
    hi_bound: Any = None


@lru_cache(maxsize=None)
def _power_sum(k: int):
    """S_k(T) = sum_{t=0}^{T-1} t^k as a polynomial in T (Faulhaber)."""
    T = sympy.Symbol("T", integer=True, nonnegative=True)
    t = sympy.Symbol("t", integer=True, nonnegative=True)
    return T, sympy.expand(sympy.summation(t**k, (t, 0, T - 1)))


def chunk_of(expr, var, start, step, trips):
    """A chunk in ``expr``: ``Min(C, R - C*u)`` with u the trip number (var = start + step*u)
    and ``trips == ceiling(R0 / C)``, R0 the rest at u = 0 (``for i in range(0, n, C)``
    with ``min(C, n - i)``; ``while done < n`` with ``min(C, n - done)``). Every iteration
    but the last then has the full chunk C. Returns (the Min, C, R0) or None."""
    u = sympy.Dummy("u", integer=True, nonnegative=True)
    trips = sympy.sympify(trips)
    for m in sympy.sympify(expr).atoms(sympy.Min):
        if len(m.args) != 2:
            continue
        for c, rest in (m.args, m.args[::-1]):
            if var in sympy.sympify(c).free_symbols:
                continue
            r_u = sympy.expand(sympy.sympify(rest).subs(var, start + step * u))
            if not r_u.is_polynomial(u) or sympy.degree(r_u, u) != 1 or sympy.expand(r_u.coeff(u, 1) + c) != 0:
                continue
            r0 = r_u.coeff(u, 0)
            if sympy.simplify(trips - sympy.ceiling(r0 / c)) == 0:
                return m, c, r0
    return None


def sum_over_trips(expr, var: sympy.Symbol, start, step, trips):
    """sum_{t=0}^{trips-1} expr(var = start + step*t), in closed form when possible.

    A chunk (see :func:`chunk_of`) is full in every iteration but the last: the sum is
    taken over the full chunks, and the last one added (the caller guards trips >= 1).
    """
    expr = sympy.sympify(expr)
    if var not in expr.free_symbols:
        return expr * trips
    found = chunk_of(expr, var, start, step, trips)
    if found is not None:
        chunk, c, r0 = found
        trips = sympy.sympify(trips)
        last_var = start + step * (trips - 1)
        full = sum_over_trips(expr.xreplace({chunk: c}), var, start, step, trips - 1)
        last = expr.xreplace({chunk: r0 - c * (trips - 1)}).subs(var, last_var)
        return sympy.expand(full + last)
    t = sympy.Dummy("t", integer=True, nonnegative=True)
    inner = sympy.expand(expr.subs(var, start + step * t))
    if inner.has(sympy.Min, sympy.Max):
        # min(CHUNK, n - start): a threshold in t, where the Piecewise split finds it
        inner = inner.replace(lambda e: isinstance(e, (sympy.Min, sympy.Max)) and t in e.free_symbols,
                              lambda e: e.rewrite(sympy.Piecewise))
    if inner.is_polynomial(t):
        poly = sympy.Poly(inner, t)
        total = sympy.Integer(0)
        for (k,), coeff in poly.terms():
            T, s_k = _power_sum(k)
            total += coeff * s_k.subs(T, trips)
        return sympy.expand(total)
    closed = _range_sum(inner, t, sympy.Integer(0), sympy.sympify(trips))
    if closed is not None:
        return closed
    try:
        result = sympy.summation(inner, (t, 0, trips - 1))
    except Exception:  # noqa: BLE001 - SymPy raises many types for sums it cannot do
        result = None
    if result is None or result.has(sympy.Sum):
        return sympy.Sum(inner, (t, 0, trips - 1))
    return result


def _range_sum(e, t, lo, hi, depth: int = 0):
    """sum_{t=lo}^{hi-1} e, in closed form, or None.

    Polynomials in ``t`` use Faulhaber's formulas; a ``Piecewise`` whose conditions
    are thresholds on ``t`` (``t < u``, ``t >= u``, as a branch on a loop index or
    the emptiness of an inner range give) is split where its condition changes:
    ``cut = Max(lo, Min(hi, u))``, the first part summed over [lo, cut), the rest
    over [cut, hi). ``lo <= hi`` is not assumed to be known: an empty range gives
    0 for the parts before the cut (callers guard a possibly empty range anyway).
    """
    if depth > 12:
        return None
    if t not in e.free_symbols:
        return e * (hi - lo)
    if e.is_Add:
        parts = [_range_sum(a, t, lo, hi, depth + 1) for a in e.args]
        return None if any(p is None for p in parts) else sympy.Add(*parts)
    if e.is_polynomial(t):
        total = sympy.Integer(0)
        for (k,), coeff in sympy.Poly(e, t).terms():
            T, s_k = _power_sum(k)
            total += coeff * (s_k.subs(T, hi) - s_k.subs(T, lo))
        return total
    if e.is_Mul:
        coeff, dep = e.as_independent(t, as_Add=False)
        if coeff != 1:
            inner = _range_sum(dep, t, lo, hi, depth + 1)
            return None if inner is None else coeff * inner
        if dep.has(sympy.Piecewise):
            folded = sympy.piecewise_fold(dep)
            if folded != dep:
                return _range_sum(folded, t, lo, hi, depth + 1)
        return None
    if isinstance(e, (sympy.Min, sympy.Max)):
        return _range_sum(e.rewrite(sympy.Piecewise), t, lo, hi, depth + 1)
    if isinstance(e, sympy.Piecewise):
        (f, c), rest = e.args[0], e.args[1:]
        if c is sympy.true:
            return _range_sum(f, t, lo, hi, depth + 1)
        if not rest:
            return None
        g = rest[0].expr if rest[0].cond is sympy.true else sympy.Piecewise(*rest)
        if t not in c.free_symbols:
            a, b = _range_sum(f, t, lo, hi, depth + 1), _range_sum(g, t, lo, hi, depth + 1)
            return None if a is None or b is None else sympy.Piecewise((a, c), (b, True))
        if isinstance(c, sympy.And):
            first, *others = c.args
            nested = sympy.Piecewise((sympy.Piecewise((f, sympy.And(*others)), (g, True)), first), (g, True))
            return _range_sum(nested, t, lo, hi, depth + 1)
        if isinstance(c, sympy.Or):
            first, *others = c.args
            nested = sympy.Piecewise((f, first), (sympy.Piecewise((f, sympy.Or(*others)), (g, True)), True))
            return _range_sum(nested, t, lo, hi, depth + 1)
        threshold = _threshold(c, t)
        if threshold is None:
            return None
        u, below = threshold
        cut = sympy.Max(lo, sympy.Min(hi, u))
        before, after = (f, g) if below else (g, f)
        a = _range_sum(before, t, lo, cut, depth + 1)
        b = _range_sum(after, t, cut, hi, depth + 1)
        return None if a is None or b is None else a + b
    return None


def _threshold(cond, t):
    """A condition on the integer ``t`` as ``t < u`` (u, True) or ``t >= u`` (u, False)."""
    if isinstance(cond, (sympy.StrictLessThan, sympy.LessThan)):
        d, strict = sympy.expand(cond.lhs - cond.rhs), isinstance(cond, sympy.StrictLessThan)
    elif isinstance(cond, (sympy.StrictGreaterThan, sympy.GreaterThan)):
        d, strict = sympy.expand(cond.rhs - cond.lhs), isinstance(cond, sympy.StrictGreaterThan)
    else:
        return None
    # now the condition is d < 0 (strict) or d <= 0, with d = alpha*t + beta
    if not d.is_polynomial(t) or sympy.degree(d, t) != 1:
        return None
    alpha, beta = d.coeff(t, 1), d.coeff(t, 0)
    if not alpha.is_number or alpha == 0:
        return None
    x = -beta / alpha
    if alpha > 0:  # t < x, or t <= x
        return (sympy.ceiling(x) if strict else sympy.floor(x) + 1), True
    return (sympy.floor(x) + 1 if strict else sympy.ceiling(x)), False  # t > x, or t >= x


def trip_count(start, stop, step):
    """ceil((stop - start) / step), not clipped at 0 (see ``nonnegative``)."""
    start, stop, step = (sympy.sympify(x) for x in (start, stop, step))
    if step == 1:
        return stop - start
    if step == -1:
        return start - stop
    return sympy.ceiling((stop - start) / step)


def substitute_extreme(expr, bounds: list[LoopBounds], lowest: bool, loose: bool = False):
    """Replace loop indices by the bound that minimises (or maximises) a linear ``expr``.

    Innermost loops first, since their bounds may mention outer indices. With
    ``loose``, the looser but simpler bounds (``b - 1`` for ``range(a, b)``) are used
    where a loop has them: still a sound extreme for a proof of a lower bound.
    """
    for b in reversed(bounds):
        if b.var not in expr.free_symbols:
            continue
        expanded = sympy.expand(expr)
        # Only a linear expression reaches its extremes at the bounds. An index inside
        # floor(), Min() or a Piecewise has no coefficient (coeff() gives 0): not linear.
        if not expanded.is_polynomial(b.var) or sympy.degree(expanded, b.var) > 1:
            return None
        coeff = expanded.coeff(b.var)
        if coeff.free_symbols & {x.var for x in bounds}:
            return None
        lo = b.lo_bound if loose and b.lo_bound is not None else b.lo
        hi = b.hi_bound if loose and b.hi_bound is not None else b.hi
        if coeff.is_nonnegative:
            expr = expr.subs(b.var, lo if lowest else hi)
        elif coeff.is_nonpositive:
            expr = expr.subs(b.var, hi if lowest else lo)
        else:
            return None
    return expr


def provably_nonnegative(expr, bounds: list[LoopBounds]) -> bool:
    """True if ``expr >= 0`` for every value of the enclosing loop indices and sizes.
    ``Min(a, b)`` is when both are, ``Max(a, b)`` when either is."""
    expr = sympy.sympify(expr)
    if isinstance(expr, sympy.Min):
        return all(provably_nonnegative(a, bounds) for a in expr.args)
    if isinstance(expr, sympy.Max):
        return any(provably_nonnegative(a, bounds) for a in expr.args)
    expr = sympy.expand(expr)
    if expr.is_nonnegative:
        return True
    for loose in (False, True):
        low = substitute_extreme(expr, bounds, lowest=True, loose=loose)
        if low is not None and sympy.expand(low).is_nonnegative:
            return True
    return False


def provably_positive(expr, bounds: list[LoopBounds]) -> bool:
    """True if ``expr >= 1`` (sizes are integers) for every value of the loop indices."""
    expr = sympy.sympify(expr)
    if isinstance(expr, sympy.Min):
        return all(provably_positive(a, bounds) for a in expr.args)
    if isinstance(expr, sympy.Max):
        return any(provably_positive(a, bounds) for a in expr.args)
    return provably_nonnegative(expr - 1, bounds)


# ---------------------------------------------------------------------- exact numbers from size expressions


def exact_modules() -> dict:
    from fractions import Fraction

    return {"Fraction": Fraction, **_int_fns}


def exact_printer():
    """Python code for a size expression that computes exactly: rationals as Fractions
    (math.floor and math.ceil take them), so nothing is decided by a rounding."""
    from sympy.printing.pycode import PythonCodePrinter

    class ExactPrinter(PythonCodePrinter):
        def _print_Rational(self, expr):
            return f"Fraction({expr.p}, {expr.q})"

        _print_Half = _print_Rational

    return ExactPrinter({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True})


_int_fns = {"clog2": dims.clog2, "floor_log2": dims.floor_log2, "popcount": dims.popcount}


# ---------------------------------------------------------------------- monotone costs


def monotone(expr, x) -> int:
    """+1 if ``expr`` never decreases as the non-negative ``x`` grows (the other symbols
    being non-negative sizes), -1 if it never increases, 0 if that cannot be told from its
    form. A cost that depends on a data size is bounded at one end of that size's range."""
    expr = sympy.sympify(expr)
    if x not in expr.free_symbols:
        return 1
    if expr == x:
        return 1
    if isinstance(expr, sympy.Add):
        signs = {monotone(a, x) for a in expr.args if x in a.free_symbols}
        return signs.pop() if len(signs) == 1 else 0
    if isinstance(expr, sympy.Mul):
        coeff, rest = expr.as_independent(x, as_Add=False)
        if rest == expr:
            # every factor grows with x: a product of non-negative growing factors grows
            factors = rest.args
            if all(_nonneg(f) and monotone(f, x) == 1 for f in factors):
                return 1
            return 0
        sign = monotone(rest, x)
        # c * f(x) with c independent of x: it moves with f where c >= 0, against it where c <= 0
        if coeff.is_nonnegative:
            return sign
        if coeff.is_nonpositive:
            return -sign
        return 0
    if isinstance(expr, sympy.Pow):
        base, e = expr.args
        if x not in e.free_symbols and e.is_positive and _nonneg(base):
            return monotone(base, x)
        return 0
    if isinstance(expr, (sympy.floor, sympy.ceiling, sympy.Min, sympy.Max)) or type(expr).__name__ in ("clog2", "floor_log2"):
        signs = {monotone(a, x) for a in expr.args if x in a.free_symbols}
        return signs.pop() if len(signs) == 1 else 0
    if isinstance(expr, sympy.Piecewise) and len(expr.args) == 2 and expr.args[1].cond == sympy.true:
        # (e, g > 0), (0, True): a cost that starts once g > 0, for a non-negative e and g
        # both growing with x, grows with x (a loop that runs once its trip count is positive)
        (e, cond), (other, _) = expr.args
        if other == 0 and isinstance(cond, (sympy.StrictGreaterThan, sympy.GreaterThan)):
            g = cond.lhs - cond.rhs
            if _nonneg(e) and monotone(e, x) == 1 and monotone(g, x) == 1:
                return 1
    return 0


def _nonneg(expr) -> bool:
    expr = sympy.sympify(expr)
    if expr.is_nonnegative:
        return True
    if isinstance(expr, (sympy.Mul, sympy.Add, sympy.Min, sympy.floor, sympy.ceiling)):
        return all(_nonneg(a) for a in expr.args)
    if isinstance(expr, sympy.Max):
        return any(_nonneg(a) for a in expr.args)
    if isinstance(expr, sympy.Pow):
        return _nonneg(expr.args[0])
    if isinstance(expr, sympy.Piecewise):
        return all(_nonneg(piece) for piece, _ in expr.args)
    return False


def at_worst(expr, bounds: dict, depth: int = 0):
    """An upper bound of ``expr`` over the data sizes: each at its bound where the cost
    grows with it, at 0 where it shrinks. Where it is not monotone as a whole, its parts
    are bounded apart (a sum by the sum of its terms' bounds, a product of non-negative
    factors by the product, a piecewise cost by its costliest piece); None if a size has
    no bound or a part is not monotone in it."""
    expr = sympy.sympify(expr)
    data = expr.free_symbols & set(bounds)
    if not data:
        return expr
    whole = _monotone_substitution(expr, bounds)
    if whole is not None or depth > 12:
        return whole
    if isinstance(expr, sympy.Piecewise):
        parts = [at_worst(piece, bounds, depth + 1) for piece, _cond in expr.args]
        return None if any(p is None for p in parts) else sympy.Max(*parts)
    if isinstance(expr, sympy.Add):
        parts = [at_worst(term, bounds, depth + 1) for term in expr.args]
        return None if any(p is None for p in parts) else sympy.Add(*parts)
    if isinstance(expr, sympy.Mul) and all(_nonneg(f) for f in expr.args):
        parts = [at_worst(f, bounds, depth + 1) for f in expr.args]
        return None if any(p is None for p in parts) else sympy.Mul(*parts)
    return None


def _monotone_substitution(expr, bounds: dict):
    for x in sorted(expr.free_symbols & set(bounds), key=str):
        sign = monotone(expr, x)
        if sign == 0:
            return None
        expr = expr.xreplace({x: bounds[x] if sign > 0 else sympy.Integer(0)})
    return expr


SEARCH_LIMIT = 20_000  # points tried by worst_by_search


def worst_by_search(expr, bounds: dict, limit: int = SEARCH_LIMIT):
    """The largest value ``expr`` takes with each data size an integer from 0 to its
    bound (numbers here: every other size has its value), found by trying every point;
    None if the points are more than ``limit`` or the value is not a number. For a cost
    that is not monotone in a data size (fewer samples when more units are alive), this
    is the bound the shapes allow."""
    import itertools
    from fractions import Fraction

    expr = sympy.sympify(expr)
    xs = sorted(expr.free_symbols, key=str)
    if not xs or any(x not in bounds for x in xs) or expr.has(sympy.Sum):
        return None
    tops = []
    for x in xs:
        b = sympy.sympify(bounds[x])
        if not b.is_Integer or b < 0:
            return None
        tops.append(int(b))
    points = 1
    for t in tops:
        points *= t + 1
    if points > limit:
        return None
    try:
        fn = sympy.lambdify(xs, expr, modules=[exact_modules(), "math"], printer=exact_printer())
        best = max(Fraction(fn(*p)) for p in itertools.product(*(range(t + 1) for t in tops)))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, NameError):
        return None
    return sympy.Rational(best.numerator, best.denominator)
