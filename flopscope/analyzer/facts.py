"""What the analysis knows about sizes: symbols, their values, loop indices, data sizes.

The cost rules compare symbolic dimensions (does ``n`` broadcast against ``m``?) and
choose einsum orders from sizes; :class:`Facts` answers them (``decider`` and
``evaluator`` are installed as the hooks of :mod:`flopscope.costs.dims`). It also
decides the truth of a value (``if`` conditions), enumerates the values loop
indices take at the given sizes, and makes fresh symbols for loop indices and for
sizes that depend on array data. Nothing here records costs.
"""

from __future__ import annotations

import itertools
from typing import Any

import sympy

from flopscope.analyzer import loops as L
from flopscope.analyzer.values import (
    BoundMethod,
    Builtin,
    Class,
    Dict,
    Function,
    Instance,
    List,
    Module,
    NoneValue,
    ObjectValue,
    Scalar,
    Str,
    Tuple,
    Value,
)

MAX_CALL_DEPTH = 40
UNROLL_LIMIT = 5000  # iterations of a for loop analyzed one by one (one that is not summed)
WHILE_LIMIT = 100_000  # iterations of a while loop followed one by one (the time limit stops it sooner)


class Facts():
    """Sizes, their values and the decisions that depend on them."""

    def __init__(self, symbols: dict[str, Any], values: dict[str, int | None]) -> None:
        self.symbols = symbols  # name -> sympy.Symbol
        self.values = values  # name -> int or None
        self.substitution = {self.symbols[k]: sympy.Integer(v) for k, v in values.items() if v is not None}
        self.loop_bounds: list[L.LoopBounds] = []
        # per summed loop: set when a decision in its body depends on its index in a way
        # the closed form cannot follow (the loop is then followed at the given sizes)
        self.loop_trouble: list[bool] = []
        self._points: dict = {}  # index_points() per nest of loops
        self.data_symbols: set = set()  # sizes that depend on array data (where(cond), masks)
        self.data_bounds: dict = {}  # data size -> its largest value, where the shapes say (nnz <= w)
        self.data_reasons: dict = {}  # data size -> what it counts
        self._data_dims = itertools.count(1)
        self.index_symbols: set = set()
        self._index_names: dict[str, int] = {}
        self.order_assumed = 0  # einsum orders chosen at assumed sizes
        self.order_assumed_now = False
        # Named sizes: a compound size a program computes and names (n = int(0.5 * B) // per)
        # becomes a symbol of that name, so formulas read n instead of its definition.
        self.definitions: dict = {}  # symbol -> definition (in symbols and earlier names)
        self.loop_depth = 0  # loops (for, while, comprehensions) being analyzed: no names made inside
        self.definition_sites: dict = {}  # symbol -> (line, col)

    def decider(self, relation) -> bool:
        """Settle a comparison between symbolic sizes (for the shape rules)."""
        free = relation.free_symbols
        loop_vars = {b.var for b in self.loop_bounds}
        general_one = isinstance(relation, sympy.Eq) and (relation.lhs == 1 or relation.rhs == 1)
        if free & loop_vars and not free & self.data_symbols:
            # A relation the loops' bounds settle for every index, whatever the sizes
            # (i < n inside range(n)) needs no values.
            proved = self.prove_over_bounds(relation)
            if proved is not None:
                return proved
        if free & self.data_symbols or any(s not in self.substitution for s in free - loop_vars - self.data_symbols):
            if general_one:
                return False  # a size in general position is not 1
            from flopscope.costs.dims import UndecidableDimension

            raise UndecidableDimension(f"cannot decide {relation} without values for its symbols")
        if free & loop_vars:
            # Every size has a value: decide for every value the loop indices take.
            answer = self.decide_over_indices(relation, mark=not general_one)
            if answer is not None:
                return answer
            if general_one:
                return False  # a size in general position is not 1
            from flopscope.costs.dims import UndecidableDimension

            raise UndecidableDimension(f"cannot decide {relation}: it depends on the loop index")
        return bool(relation.xreplace(self.substitution))

    def decide_over_indices(self, relation, mark: bool = True) -> bool | None:
        """A condition on loop indices (every other size has a value): its answer if it
        is the same for every value the indices take at the given sizes, else None, and
        (``mark``) the loops over those indices are followed iteration by iteration."""
        loop_vars = {b.var for b in self.loop_bounds}
        free = relation.free_symbols
        if free & self.data_symbols or any(s not in self.substitution for s in free - loop_vars):
            return None
        relation = relation.xreplace(self.substitution)
        proved = self.prove_over_bounds(relation)
        if proved is not None:
            return proved
        points = self.index_points()
        answers = set()
        if points:
            values = self.evaluate_at_points(relation, points)
            if values is None:
                return None
            answers = {bool(v) for v in values}
        if len(answers) == 1:
            return answers.pop()
        if mark and points is not None:
            self.mark_trouble(free & loop_vars)
        return None

    def prove_over_bounds(self, relation) -> bool | None:
        """A relation (sizes already given their values) that holds, or fails, for every
        index between its loops' bounds (exact for conditions linear in the indices)."""
        sub = self.substitution

        def at(x):
            return None if x is None else sympy.sympify(x).xreplace(sub)

        bounds = [L.LoopBounds(b.var, at(b.lo), at(b.hi), lo_bound=at(b.lo_bound), hi_bound=at(b.hi_bound))
                  for b in self.loop_bounds]
        if isinstance(relation, (sympy.Eq, sympy.Ne)):
            diff = sympy.expand(relation.lhs - relation.rhs)
            if diff == 0:
                return isinstance(relation, sympy.Eq)
            if L.provably_positive(diff, bounds) or L.provably_positive(-diff, bounds):
                return isinstance(relation, sympy.Ne)
            return None
        if isinstance(relation, (sympy.StrictLessThan, sympy.LessThan)):
            diff, strict = relation.rhs - relation.lhs, isinstance(relation, sympy.StrictLessThan)
        elif isinstance(relation, (sympy.StrictGreaterThan, sympy.GreaterThan)):
            diff, strict = relation.lhs - relation.rhs, isinstance(relation, sympy.StrictGreaterThan)
        else:
            return None
        holds = L.provably_positive(diff, bounds) if strict else L.provably_nonnegative(diff, bounds)
        if holds:
            return True
        fails = L.provably_nonnegative(-diff, bounds) if strict else L.provably_positive(-diff, bounds)
        return False if fails else None

    def evaluate_at_points(self, exprs, points: list) -> list | None:
        """The values of an expression (or a tuple of them) at each index point; the
        sizes already have their values. Compiled once when there are many points."""
        single = not isinstance(exprs, tuple)
        items = (exprs,) if single else exprs
        variables = [b.var for b in self.loop_bounds]
        out = None
        if len(points) > 32:
            try:

                fn = sympy.lambdify(variables, list(items), modules=[L.exact_modules(), "math"], printer=L.exact_printer())
                out = [tuple(fn(*(int(p[v]) for v in variables))) for p in points]
            except Exception:  # noqa: BLE001 - fall back to SymPy, point by point
                out = None
        if out is None:
            out = []
            for p in points:
                row = tuple(sympy.sympify(e).xreplace(p) for e in items)
                if any(not (v in (sympy.true, sympy.false) or v.is_number) for v in row):
                    return None
                out.append(row)
        return [row[0] for row in out] if single else out

    def index_points(self, limit: int = 20_000) -> list | None:
        """Every value the enclosing summed loops' indices take at the given sizes
        ({index: value} per iteration), or None when a bound has no value."""
        key = tuple((b.var, b.start, b.step, b.trips) for b in self.loop_bounds)
        if key in self._points:
            return self._points[key]
        points = self._index_points(limit)
        if len(self._points) > 64:
            self._points.clear()
        self._points[key] = points
        return points

    def _index_points(self, limit: int):
        points: list[dict] = [{}]
        for b in self.loop_bounds:
            if b.start is None:
                return None
            out = []
            for p in points:
                start = self.numeric(sympy.sympify(b.start).xreplace(p))
                trips = self.numeric(sympy.sympify(b.trips).xreplace(p))
                if start is None or trips is None or not start.is_Integer:
                    return None
                count = max(int(sympy.ceiling(trips)), 0)
                if len(out) + count > limit:  # (before building them: a count sized by the budget is huge)
                    return None
                for t in range(count):
                    q = dict(p)
                    q[b.var] = sympy.Integer(int(start) + int(b.step) * t)
                    out.append(q)
            points = out
        return points

    def mark_trouble(self, variables) -> None:
        """The summed loops over these indices must be followed iteration by iteration."""
        for level, b in enumerate(self.loop_bounds):
            if b.var in variables:
                self.loop_trouble[level] = True

    def evaluator(self, expr) -> float:
        """A number for a symbolic size, to choose an einsum contraction order."""
        expr = sympy.sympify(expr).xreplace(self.substitution)
        if expr.free_symbols:
            bounds = {b.var: b for b in self.loop_bounds}
            repl = {}
            for sym in expr.free_symbols:
                if sym in bounds:
                    b = bounds[sym]
                    mid = self.numeric((sympy.sympify(b.lo) + sympy.sympify(b.hi)) / 2)
                    repl[sym] = mid if mid is not None else 1000
                else:
                    repl[sym] = 1000
            expr = expr.xreplace(repl)
            self.order_assumed += 1
            self.order_assumed_now = True
        return float(expr)

    def numeric(self, expr: Any) -> Any:
        """Substitute the symbols' values; None if some symbol has none."""
        expr = sympy.sympify(expr)
        if self.substitution:
            expr = sympy.sympify(expr.xreplace(self.substitution))
        if expr.free_symbols:
            return None
        return expr

    def decide(self, value: Value) -> bool | Any | None:
        """True/False when decidable (values allowed), a SymPy condition when it
        depends on symbols without values, None when it depends on data."""
        if isinstance(value, Scalar):
            if not value.known:
                return None
            expr = sympy.sympify(value.expr)
            if expr in (sympy.true, sympy.false):
                return bool(expr)
            if isinstance(expr, sympy.logic.boolalg.Boolean) or expr.is_Relational:
                if self.loop_bounds and expr.free_symbols & {b.var for b in self.loop_bounds}:
                    return self.decide_with_bounds(expr)
                num = self.numeric(expr)
                if num is not None:
                    return bool(num)
                return expr
            num = self.numeric(expr)
            if num is not None:
                return bool(num != 0)
            return sympy.Ne(expr, 0)
        if isinstance(value, (NoneValue,)):
            return False
        if isinstance(value, Str):
            return bool(value.value) if value.known else None
        if isinstance(value, Tuple):
            return bool(value.items)
        if isinstance(value, List) and value.concrete:
            return bool(value.items)
        if isinstance(value, Dict) and value.complete:
            return bool(value.items)
        if isinstance(value, (Function, Class, Module, BoundMethod, Instance, ObjectValue, Builtin)):
            return True
        return None

    def decide_with_bounds(self, expr):
        """A condition on a loop index: decidable only if it holds (or fails) for every index."""
        if expr.is_Relational:
            diff = None
            if isinstance(expr, (sympy.StrictLessThan, sympy.LessThan)):
                diff = expr.rhs - expr.lhs
            elif isinstance(expr, (sympy.StrictGreaterThan, sympy.GreaterThan)):
                diff = expr.lhs - expr.rhs
            if diff is not None:
                strict = isinstance(expr, (sympy.StrictLessThan, sympy.StrictGreaterThan))
                holds = L.provably_positive(diff, self.loop_bounds) if strict else L.provably_nonnegative(diff, self.loop_bounds)
                if holds:
                    return True
                fails = L.provably_nonnegative(-diff, self.loop_bounds) if strict else L.provably_positive(-diff, self.loop_bounds)
                if fails:
                    return False
        return expr  # a Piecewise in the index, summed by the loop

    def costliest_of(self, totals: list) -> list[int]:
        """Which of several alternatives' costs to count, so that what is counted bounds
        each of them: the costliest one where that can be told (data sizes at their
        bounds, symbols at their values), every one of them where it cannot (a cost
        with an unknown part, a data size without a bound, symbols without values)."""
        everything = list(range(len(totals)))
        worst = []
        for total in totals:
            total = sympy.sympify(total)
            if any(str(sym).startswith("unknown") for sym in total.free_symbols):
                return everything
            bounded = L.at_worst(total, self.data_bounds) if total.free_symbols & self.data_symbols else total
            if bounded is None:
                return everything
            worst.append(sympy.sympify(bounded))
        values = [self.numeric(w) for w in worst]
        if all(v is not None and v.is_number and v.is_comparable for v in values):
            top = max(values)
            return [values.index(top)]
        for k, candidate in enumerate(worst):
            if all(k == j or sympy.expand(candidate - other).is_nonnegative for j, other in enumerate(worst)):
                return [k]
        return everything

    def name_size(self, name: str, expr, site) -> sympy.Symbol | None:
        """A symbol standing for a compound size the program names, or None to keep the
        expression (a plain polynomial in the symbols, or one that depends on a loop index
        or on data). The symbol's value at the given sizes is substituted like a symbol's."""
        expr = sympy.sympify(expr)
        free = expr.free_symbols
        if (self.loop_bounds or self.loop_depth or not free or free & (self.index_symbols | self.data_symbols)
                or not expr.has(sympy.floor, sympy.ceiling, sympy.Min, sympy.Max, sympy.Mod, sympy.Piecewise)
                or expr.has(sympy.Float) or not name.isidentifier()):
            return None
        for sym, definition in self.definitions.items():
            # the same size named again (a helper called twice, a recursion at one depth)
            if definition == expr and (str(sym) == name or str(sym).startswith(name + "_")):
                return sym
        taken = {str(s) for s in self.symbols.values()} | {str(s) for s in self.definitions} | {
            str(s) for s in self.index_symbols}
        label, k = name, 1
        while label in taken:
            k += 1
            label = f"{name}_{k}"
        assumptions = {"integer": bool(expr.is_integer)}
        if expr.is_positive:
            assumptions["positive"] = True
        elif expr.is_nonnegative:
            assumptions["nonnegative"] = True
        sym = sympy.Symbol(label, **assumptions)
        self.definitions[sym] = expr
        self.definition_sites[sym] = site
        value = self.numeric(expr)
        if value is not None:
            self.substitution[sym] = value
        return sym

    def unname(self, expr):
        """An expression in the symbols alone: named sizes replaced by their definitions."""
        expr = sympy.sympify(expr)
        for _ in range(len(self.definitions) + 1):
            named = expr.free_symbols & set(self.definitions)
            if not named:
                break
            expr = expr.xreplace({s: self.definitions[s] for s in named})
        return expr

    def fresh_index(self, target) -> sympy.Symbol:
        if isinstance(target, str):
            base = target
        else:
            base = getattr(target, "value", None) if type(target).__name__ == "Name" else "i"
        k = self._index_names.get(base, 0)
        self._index_names[base] = k + 1
        name = base if k == 0 and base not in self.symbols else f"{base}_{k + 1}"
        while name in self.symbols:
            k += 1
            name = f"{base}_{k + 1}"
        sym = sympy.Symbol(name, integer=True)
        self.index_symbols.add(sym)
        return sym

    def data_dim(self, bound=None, reason: str = "a size that depends on array data", prefix: str = "nnz"):
        """A fresh symbol for a size the data decides, with its upper bound when one is known
        (the number of nonzero entries of x is at most numel(x))."""
        sym = sympy.Symbol(f"{prefix}{next(self._data_dims)}", integer=True, nonnegative=True)
        self.data_symbols.add(sym)
        self.data_reasons[sym] = reason
        if bound is not None:
            self.data_bounds[sym] = sympy.sympify(bound)
        return sym
