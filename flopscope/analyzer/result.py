"""Summarising an analysis: from raw events to the formulas a user reads.

The interpreter produces raw events; this module aggregates them per call
site, per user function, per namespace and per budget, expands the formulas
(stable ordering), evaluates them at the symbols' values, and labels each part
exact, upper bound or unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy

from flopscope.analyzer import loops as L
from flopscope.analyzer.diagnostics import ESCAPE
from flopscope.analyzer.loops import exact_modules, exact_printer
from flopscope.analyzer.model import BOUND, EXACT, UNKNOWN, Event, worse


def escapes(analysis: Analysis) -> list:
    """The escapes from the meter in an analysis (FS112 diagnostics), in source order.

    An escape computes where a BudgetContext does not see it, or reaches NumPy or
    flopscope's internals directly (``import numpy``, ``sys.settrace``, threads,
    ``__closure__``, ...): a judge that admits only solvers the meter fully sees
    refuses a submission for which this list is not empty. The whole source is
    scanned, reached by the analysis or not."""
    return [d for d in analysis.diagnostics if d.code == ESCAPE]


@dataclass(frozen=True)
class SiteSummary:
    line: int
    col: int
    op: str
    formula: Any  # cost of one call (may mention a loop index)
    count: Any
    total: Any
    value: int | None
    label: str
    namespace: str
    region: int | None = None
    end_line: int = 0  # where the call ends (see model.Site)
    end_col: int = 0


@dataclass(frozen=True)
class Subtotal:
    name: str
    total: Any
    value: int | None
    label: str
    calls: Any = None


@dataclass(frozen=True)
class BudgetCheck:
    line: int
    col: int
    flop_budget: Any
    formula: Any
    value: int | None
    within: bool | None
    label: str
    namespace: str | None
    kind: str
    function: str | None
    limit: int | None = None  # the budget's value at the given sizes
    certain: int | None = None  # what runs whatever the data (exact sites outside bound regions)


@dataclass
class Analysis:
    path: str
    symbols: dict  # name -> int | None
    sites: list
    functions: list
    namespaces: list
    budgets: list
    total: Any
    value: int | None
    label: str
    diagnostics: list
    known_value: int | None = None  # the total without its unknown parts
    entry: str | None = None
    extra: dict = field(default_factory=dict)
    setup: Subtotal | None = None  # the contract's setup(ctx) (and __init__): outside the budget, not in the total
    stopped: str | None = None  # why (and where) the analysis stopped early, if it did
    definitions: list = field(default_factory=list)  # (named size, its definition, value, line, col)
    data_sizes: list = field(default_factory=list)  # (data size, what it counts, its bound or None, bound's value)

    def in_symbols(self, expr):
        """A formula in the symbols alone: the named sizes replaced by their definitions."""
        expr = sympy.sympify(expr)
        named = {d[0]: d[1] for d in self.definitions}
        for _ in range(len(named) + 1):
            used = expr.free_symbols & set(named)
            if not used:
                break
            expr = expr.xreplace({x: named[x] for x in used})
        return expr

    @property
    def exact(self) -> bool:
        return self.label == EXACT

    @property
    def exit_code(self) -> int:
        if any(d.severity == "error" for d in self.diagnostics):
            return 1
        if self.label == UNKNOWN:
            return 1
        if any(b.within is False for b in self.budgets):
            return 1
        return 0


# ---------------------------------------------------------------------- evaluation


def evaluate(expr, substitution: dict) -> int | None:
    """The integer value of a cost formula at the symbols' values (None if a symbol has none)."""
    expr = sympy.sympify(expr)
    if substitution:
        expr = sympy.sympify(expr.xreplace(substitution))
    if expr.has(sympy.Sum):
        expr = expr.replace(lambda e: isinstance(e, sympy.Sum), _numeric_sum)
    if expr.free_symbols:
        return None
    value = sympy.nsimplify(expr) if expr.has(sympy.Float) else expr
    value = sympy.simplify(value) if not value.is_Number else value
    if value.is_Integer:
        return int(value)
    if value.is_Rational or value.is_Float:
        return int(sympy.floor(value + sympy.Rational(1, 2)))
    return None


def _numeric_sum(s: sympy.Sum):
    """A Sum with numeric limits, added term by term (no closed form was found).

    Nested limits (a sum over a triangle: the inner bounds mention the outer index)
    are followed from the outermost in; every term is computed exactly (rationals as
    Fractions), so a large total is not rounded."""
    from fractions import Fraction

    variables = [lim[0] for lim in s.limits]
    bound_symbols = set()
    for lim in s.limits:
        for b in lim[1:]:
            bound_symbols |= sympy.sympify(b).free_symbols
    if (bound_symbols | s.function.free_symbols) - set(variables):
        return s
    modules = [exact_modules(), "math"]
    term = sympy.lambdify(variables, s.function, modules=modules, printer=exact_printer())
    bounds = [sympy.lambdify(variables, [lim[1], lim[2]], modules=modules, printer=exact_printer())
              for lim in s.limits]

    def total(level: int, values: list) -> Fraction:
        if level < 0:
            return Fraction(term(*values))
        lo, hi = bounds[level](*values)
        acc = Fraction(0)
        for v in range(int(lo), int(hi) + 1):  # a Sum's limits are inclusive
            values[level] = v
            acc += total(level - 1, values)
        values[level] = 0
        return acc

    result = total(len(variables) - 1, [0] * len(variables))
    return sympy.Rational(result.numerator, result.denominator)








def expand(expr):
    expr = sympy.sympify(expr)
    if expr.has(sympy.Piecewise):
        # piecewise_fold would hoist a Piecewise out of a Sum, and with it conditions
        # on the Sum's own index: the Sums are set aside while the rest is folded.
        hidden = {}
        if expr.has(sympy.Sum):
            sums = expr.atoms(sympy.Sum)
            outer = [s for s in sums if not any(s != o and o.has(s) for o in sums)]
            hidden = {s: sympy.Dummy("sum") for s in outer}
            expr = expr.xreplace(hidden)
        expr = sympy.piecewise_fold(expr)
        if hidden:
            return sympy.expand(expr).xreplace({d: s for s, d in hidden.items()})
    return sympy.expand(expr)


# ---------------------------------------------------------------------- summaries


def _label_of(events, data=frozenset()) -> str:
    """The worst label of the charges; a charge whose cost depends on a size the data
    decides is valued at that size's bound, so it is an upper bound at best."""
    label = EXACT
    for e in events:
        if e.kind == "charge":
            label = worse(label, e.label)
            if label == EXACT and data and sympy.sympify(e.total).free_symbols & data:
                label = BOUND
    return label


def summarise(analyzer, path: str, entry: str | None) -> Analysis:
    subs = dict(analyzer.substitution)  # the symbols' values, and the named sizes' where they have one
    data = set(analyzer.data_symbols)
    data_bounds = {x: sympy.sympify(b) for x, b in analyzer.data_bounds.items()}

    def worst_value(expr):
        """The value of a data size's bound, which may mention other data sizes."""
        t = sympy.sympify(expr).xreplace(subs)
        for _ in range(4):
            if t is None or not t.free_symbols & data:
                break
            t = L.at_worst(t, data_bounds)
        return None if t is None else evaluate(t, subs)

    def value_of(evs, total):
        """A group's value; where sizes the data decides take part, the sum of each event at
        its worst (each data size at its bound, or 0): an upper bound, or None."""
        charges = [e for e in evs if e.kind == "charge"]
        if not any(sympy.sympify(e.total).free_symbols & data for e in charges):
            return evaluate(total, subs)
        acc = 0
        for e in charges:
            # every other size at its value first: what is left to bound is the data sizes
            t = sympy.sympify(e.total).xreplace(subs)
            start = t
            for _ in range(4):  # a bound may mention another data size (a mask of a masked array)
                if not t.free_symbols & data:
                    break
                t = L.at_worst(t, data_bounds)
                if t is None:
                    break
            if t is None or t.free_symbols & data:
                # not monotone in a data size: try every value up to the bounds, at the given sizes
                t = L.worst_by_search(start, {x: sympy.sympify(b).xreplace(subs) for x, b in data_bounds.items()})
                if t is None:
                    return None
            v = evaluate(t, subs)
            if v is None:
                return None
            acc += v
        return acc

    charges = [e for e in analyzer.events if e.kind == "charge"]
    calls = [e for e in analyzer.events if e.kind == "call"]

    sites: dict[tuple, list[Event]] = {}
    for e in charges:
        sites.setdefault((e.site.line, e.site.col, e.op), []).append(e)
    # A site reached in several bound regions (a helper called in two branches on data,
    # two ops on one line) joins them: `check` then judges them as one region.
    parent: dict = {}

    def find(r):
        while parent.get(r, r) != r:
            r = parent[r]
        return r

    def join(regions):
        roots = sorted({find(r) for r in regions if r is not None})
        for r in roots[1:]:
            parent[r] = roots[0]

    by_place: dict[tuple, list] = {}
    for (line, col, _op), evs in sites.items():
        by_place.setdefault((line, col), []).extend(e.region for e in evs)
    for regions in by_place.values():
        join(regions)

    def region_of(evs):
        regions = [e.region for e in evs if e.region is not None]
        return find(regions[0]) if regions else None

    site_rows = []
    for (line, col, op), evs in sorted(sites.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        total = expand(sympy.Add(*[e.total for e in evs]))
        count = expand(sympy.Add(*[e.count for e in evs]))
        per_calls = {sympy.sympify(e.per_call) if e.per_call is not None else None for e in evs}
        formula = expand(evs[0].per_call) if len(per_calls) == 1 and None not in per_calls else None
        site_rows.append(SiteSummary(line, col, op, formula, count, total, value_of(evs, total), _label_of(evs, data),
                                     evs[0].namespace, region_of(evs), evs[0].site.end_line, evs[0].site.end_col))

    funcs: dict[str, list] = {}
    for e in charges:
        for q in dict.fromkeys(e.functions):
            funcs.setdefault(q, []).append(e)
    func_calls: dict[str, list] = {}
    for e in calls:
        func_calls.setdefault(e.op[5:], []).append(e.count)
    func_rows = []
    for q in sorted(set(funcs) | set(func_calls)):
        evs = funcs.get(q, [])
        total = expand(sympy.Add(*[e.total for e in evs]))
        ncalls = expand(sympy.Add(*func_calls.get(q, [])))
        func_rows.append(Subtotal(q, total, value_of(evs, total), _label_of(evs, data), ncalls))

    spaces: dict[str, list] = {}
    for e in charges:
        spaces.setdefault(e.namespace, []).append(e)
    ns_rows = []
    if any(ns for ns in spaces):
        for ns in sorted(spaces):
            evs = spaces[ns]
            total = expand(sympy.Add(*[e.total for e in evs]))
            ns_rows.append(Subtotal(ns or "(no namespace)", total, value_of(evs, total), _label_of(evs, data)))

    def certain_of(evs):
        """The FLOPs that run whatever the data: the exact sites outside every bound region
        (a lower bound of the cost, where the total is a bound or unknown)."""
        sure = [e for e in evs if e.region is None and _label_of([e], data) == EXACT]
        return value_of(sure, expand(sympy.Add(*[e.total for e in sure]))) if sure else 0

    budget_rows = []
    for b in analyzer.budgets:
        evs = [e for e in charges if b.ident in e.budgets]
        total = expand(sympy.Add(*[e.total for e in evs]))
        value = value_of(evs, total)
        limit = evaluate(b.flop_budget, subs) if b.flop_budget is not None else None
        label = _label_of(evs, data)
        within = None
        if value is not None and limit is not None and label != UNKNOWN:
            within = value <= limit
            if not within and label == BOUND:
                within = None  # an upper bound over the limit does not prove an overrun
        certain = None
        if within is None and limit is not None:
            certain = certain_of(evs)
            if certain is not None and certain > limit:
                within = False  # what runs whatever the data is already over
        budget_rows.append(BudgetCheck(b.line, b.col, b.flop_budget, total, value, within, label, b.namespace, b.kind,
                                       b.function, limit, certain))

    total = expand(sympy.Add(*[e.total for e in charges]))
    label = _label_of(charges, data)
    value = value_of(charges, total)
    unknown_syms = {s for s in total.free_symbols if s.name.startswith("unknown")}
    known_value = value_of([e for e in charges if not sympy.sympify(e.total).free_symbols & unknown_syms],
                           total.xreplace({s: 0 for s in unknown_syms})) if unknown_syms else value
    diagnostics = sorted(analyzer.diagnostics.values(), key=lambda d: (d.line, d.col, d.code))
    certain_total = value if label == EXACT else certain_of(charges)
    setup = None
    setup_charges = [e for e in getattr(analyzer, "setup_events", []) if e.kind == "charge"]
    if getattr(analyzer, "setup_events", None) is not None and getattr(analyzer, "contract_ran", False):
        setup_total = expand(sympy.Add(*[e.total for e in setup_charges]))
        setup = Subtotal("setup", setup_total, value_of(setup_charges, setup_total), _label_of(setup_charges, data))
    used = set()
    for expr in [total] + [r.total for r in site_rows] + [r.total for r in func_rows] + (
            [setup.total] if setup is not None else []):
        used |= sympy.sympify(expr).free_symbols
    definitions = []
    pending = [x for x in analyzer.definitions if x in used]
    while pending:  # the named sizes the formulas use, and those their definitions use
        x = pending.pop(0)
        if any(d[0] == x for d in definitions):
            continue
        definition = analyzer.definitions[x]
        site = analyzer.definition_sites.get(x)
        line, col = (site.line, site.col) if site is not None else (0, 0)
        definitions.append((x, definition, evaluate(definition, subs), line, col))
        pending += [y for y in definition.free_symbols if y in analyzer.definitions]
    definitions.sort(key=lambda d: (d[3], d[4], str(d[0])))
    data_sizes = []
    for x in sorted(used & data, key=lambda v: int(str(v).lstrip('abcdefghijklmnopqrstuvwxyz_') or 0)):
        bound = data_bounds.get(x)
        data_sizes.append((x, analyzer.data_reasons.get(x, ""), bound, worst_value(bound) if bound is not None else None))
    return Analysis(path, dict(analyzer.values), site_rows, func_rows, ns_rows, budget_rows, total, value, label,
                    diagnostics, known_value, entry, {"index_symbols": set(analyzer.index_symbols),
                                                               "unknown_causes": dict(analyzer.unknown_causes),
                                                               "certain_value": certain_total}, setup,
                    getattr(analyzer, "stop", None), definitions, data_sizes)
