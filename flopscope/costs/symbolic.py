"""The SymPy side of the dimension helpers (imported lazily, never by the runtime).

It defines the integer functions the cost formulas use (``clog2``, ``floor_log2``,
``popcount``) as SymPy functions that evaluate exactly on integer arguments and
print as themselves, so a formula string such as ``5*n*clog2(n)`` reads like the
cost model and parses back with :func:`parse_formula`.

Comparisons between symbolic dimensions (does ``n`` broadcast against ``m``?)
cannot always be decided from the expressions alone. They go to a decision hook
that the analyzer installs (it knows the symbols' values); without one, an
undecidable comparison raises :class:`~flopscope.costs.dims.UndecidableDimension`.
"""

from __future__ import annotations

import sympy
from sympy import Max, Min  # noqa: F401  (re-exported for dims.py)

from flopscope.costs.dims import DECIDER, UndecidableDimension


def _guard_monotonic_sign() -> None:
    """Work around a SymPy defect that makes wrong size comparisons look proved.

    SymPy's ``_monotonic_sign`` (sympy/core/exprtools.py, 1.14) answers 1 for
    ``1/(x*y)`` with x, y positive integers, as if the reciprocal of a product were at
    least 1; from it ``20/(x*y) - 10`` is "non-negative" and ``Min(floor(2e10/(L*w**2)),
    200000)`` evaluates to 200000, which is false for w = 256, L = 32. Costs built on such
    a Min would be wrong. Where a symbol appears under a negative power we let SymPy
    answer "unknown" instead (conservative: a proof may then fail, never succeed wrongly).
    """
    from sympy.core import exprtools

    original = getattr(exprtools, "_flopscope_original_monotonic_sign", exprtools._monotonic_sign)

    def _monotonic_sign(expr):
        for p in expr.atoms(sympy.Pow):
            if p.exp.is_negative and not p.base.is_number:
                return None
        return original(expr)

    exprtools._flopscope_original_monotonic_sign = original
    exprtools._monotonic_sign = _monotonic_sign


_guard_monotonic_sign()


class clog2(sympy.Function):
    """ceil(log2(n)), with clog2(0) = clog2(1) = 0."""

    is_integer = True
    is_nonnegative = True

    @classmethod
    def eval(cls, n):
        if n.is_Integer:
            v = int(n)
            return sympy.Integer((v - 1).bit_length() if v > 1 else 0)
        return None


class floor_log2(sympy.Function):
    """floor(log2(n)) for n >= 1."""

    is_integer = True
    is_nonnegative = True

    @classmethod
    def eval(cls, n):
        if n.is_Integer and int(n) >= 1:
            return sympy.Integer(int(n).bit_length() - 1)
        return None


class popcount(sympy.Function):
    """Number of one bits of n >= 0."""

    is_integer = True
    is_nonnegative = True

    @classmethod
    def eval(cls, n):
        if n.is_Integer and int(n) >= 0:
            return sympy.Integer(bin(int(n)).count("1"))
        return None


FUNCTIONS = {"clog2": clog2, "floor_log2": floor_log2, "popcount": popcount}


def size_symbol(name: str) -> sympy.Symbol:
    """The symbol for a size: a positive integer."""
    return sympy.Symbol(name, integer=True, positive=True)


def index_symbol(name: str) -> sympy.Symbol:
    """The symbol for a loop index: a non-negative integer."""
    return sympy.Symbol(name, integer=True, nonnegative=True)


def parse_formula(text: str, symbols: dict[str, sympy.Symbol] | None = None):
    """Parse a formula string printed by flopscope back into SymPy."""
    local = dict(FUNCTIONS)
    if symbols:
        local.update(symbols)
    return sympy.sympify(text, locals=local)


def floordiv(a, b):
    return sympy.floor(sympy.sympify(a) / b)


def ceildiv(a, b):
    return sympy.ceiling(sympy.sympify(a) / b)


def _decide(relation) -> bool:
    if relation is sympy.true:
        return True
    if relation is sympy.false:
        return False
    hook = DECIDER.get()
    if hook is None:
        raise UndecidableDimension(f"cannot decide {relation} without values for its symbols")
    return bool(hook(relation))


_EQ_CACHE: dict = {}


def decide_eq(a, b) -> bool:
    """Decide a == b for sizes. Shape rules ask the same questions many times
    (is n 1? is n m?), so answers are cached per decision hook."""
    if a is b:
        return True
    key = (DECIDER.get(), a, b)
    try:
        return _EQ_CACHE[key]
    except KeyError:
        pass
    except TypeError:  # unhashable: decide without the cache
        return _decide_eq(a, b)
    result = _decide_eq(a, b)
    if len(_EQ_CACHE) > 100_000:
        _EQ_CACHE.clear()
    _EQ_CACHE[key] = result
    return result


def _decide_eq(a, b) -> bool:
    a, b = sympy.sympify(a), sympy.sympify(b)
    diff = sympy.expand(a - b)
    if diff == 0:
        return True
    if diff.is_number:
        return False
    if diff.is_positive or diff.is_negative:
        return False
    if DECIDER.get() is None and (a == 1 or b == 1):
        # Without values, a symbolic size is taken in general position: not 1,
        # so it never broadcasts. With values, the analyzer's hook decides.
        return False
    return _decide(sympy.Eq(a, b))


def decide_lt(a, b) -> bool:
    diff = sympy.expand(sympy.sympify(b) - sympy.sympify(a))
    if diff.is_number:
        return bool(diff > 0)
    if diff.is_positive:
        return True
    if diff.is_nonpositive:
        return False
    return _decide(sympy.Lt(a, b))
