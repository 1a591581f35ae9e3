"""Running an analysis and summarising its events.

The interpreter produces raw events; this module aggregates them per call
site, per user function, per namespace and per budget, expands the formulas
(stable ordering), evaluates them at the symbols' values, and labels each part
exact, upper bound or unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst
import sympy

from flopscope.analyzer.argspec import ArgEvaluator, UsageError, parse_shapes, split_arg
from flopscope.analyzer.loops import exact_modules, exact_printer
from flopscope.analyzer.model import BOUND, EXACT, UNKNOWN, Event, worse
from flopscope.costs.symbolic import size_symbol


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


def _label_of(events) -> str:
    label = EXACT
    for e in events:
        if e.kind == "charge":
            label = worse(label, e.label)
    return label


def summarise(analyzer, path: str, entry: str | None) -> Analysis:
    subs = {analyzer.symbols[k]: sympy.Integer(v) for k, v in analyzer.values.items() if v is not None}
    charges = [e for e in analyzer.events if e.kind == "charge"]
    calls = [e for e in analyzer.events if e.kind == "call"]

    sites: dict[tuple, list[Event]] = {}
    for e in charges:
        sites.setdefault((e.site.line, e.site.col, e.op), []).append(e)
    site_rows = []
    for (line, col, op), evs in sorted(sites.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        total = expand(sympy.Add(*[e.total for e in evs]))
        count = expand(sympy.Add(*[e.count for e in evs]))
        per_calls = {sympy.srepr(sympy.sympify(e.per_call)) for e in evs}
        formula = expand(evs[0].per_call) if len(per_calls) == 1 else None
        site_rows.append(SiteSummary(line, col, op, formula, count, total, evaluate(total, subs), _label_of(evs),
                                     evs[0].namespace, evs[0].region))

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
        func_rows.append(Subtotal(q, total, evaluate(total, subs), _label_of(evs), ncalls))

    spaces: dict[str, list] = {}
    for e in charges:
        spaces.setdefault(e.namespace, []).append(e)
    ns_rows = []
    if any(ns for ns in spaces):
        for ns in sorted(spaces):
            evs = spaces[ns]
            total = expand(sympy.Add(*[e.total for e in evs]))
            ns_rows.append(Subtotal(ns or "(no namespace)", total, evaluate(total, subs), _label_of(evs)))

    budget_rows = []
    for b in analyzer.budgets:
        evs = [e for e in charges if b.ident in e.budgets]
        total = expand(sympy.Add(*[e.total for e in evs]))
        value = evaluate(total, subs)
        limit = evaluate(b.flop_budget, subs) if b.flop_budget is not None else None
        label = _label_of(evs)
        within = None
        if value is not None and limit is not None and label != UNKNOWN:
            within = value <= limit
            if not within and label == BOUND:
                within = None  # an upper bound over the limit does not prove an overrun
        budget_rows.append(BudgetCheck(b.line, b.col, b.flop_budget, total, value, within, label, b.namespace, b.kind, b.function))

    total = expand(sympy.Add(*[e.total for e in charges]))
    label = _label_of(charges)
    value = evaluate(total, subs)
    unknown_syms = {s for s in total.free_symbols if s.name.startswith("unknown")}
    known_value = evaluate(total.xreplace({s: 0 for s in unknown_syms}), subs) if unknown_syms else value
    diagnostics = sorted(analyzer.diagnostics.values(), key=lambda d: (d.line, d.col, d.code))
    return Analysis(path, dict(analyzer.values), site_rows, func_rows, ns_rows, budget_rows, total, value, label,
                    diagnostics, known_value, entry, {"index_symbols": set(analyzer.index_symbols)})


# ---------------------------------------------------------------------- running


def analyze(path: str, shapes: list[str] | None = None, entry: str | None = None, args: list[str] | None = None,
            budget: str | None = None, display_path: str | None = None) -> Analysis:
    try:
        with open(path, encoding="utf-8") as fh:
            source = fh.read()
    except OSError as err:
        raise UsageError(f"{path}: cannot read the file ({err.strerror})") from None
    return analyze_source(source, display_path or path, shapes=shapes, entry=entry, args=args, budget=budget)


class SourceSyntaxError(UsageError):
    pass


def analyze_source(source: str, path: str = "<source>", shapes: list[str] | None = None, entry: str | None = None,
                   args: list[str] | None = None, budget: str | None = None) -> Analysis:
    from flopscope.analyzer.record import ReturnSignal
    from flopscope.analyzer.statements import Analyzer
    from flopscope.analyzer.values import Class, Function, Instance, ObjectValue, Scalar

    values = parse_shapes(shapes or [])
    symbols = {name: size_symbol(name) for name in values}
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as err:
        raise SourceSyntaxError(f"{path}:{err.raw_line}:{err.raw_column + 1}: syntax error: {err.message}") from None

    analyzer = Analyzer(source, path, symbols, values)
    declared_late: list[str] = []

    def declare(name: str):
        if name not in symbols:
            symbols[name] = size_symbol(name)
            values[name] = None
            declared_late.append(name)
        return symbols[name]

    arg_values = {}
    evaluator = ArgEvaluator(symbols, declare)
    for text in args or []:
        name, expr = split_arg(text)
        if name in arg_values:
            raise UsageError(f"--arg {name} is given twice")
        arg_values[name] = evaluator.evaluate(name, expr)
    if arg_values and entry is None:
        raise UsageError("--arg gives arguments to --entry; name the function to analyze with --entry NAME")
    budget_value = None
    if budget is not None:
        try:
            budget_value = int(str(budget).replace("_", ""))
            if budget_value <= 0:
                raise ValueError
        except ValueError:
            raise UsageError(f"--budget: expected a positive integer number of FLOPs, got {budget!r}") from None

    from flopscope.costs import dims as _dims

    tokens = (_dims.DECIDER.set(analyzer.decider), _dims.EVALUATOR.set(analyzer.evaluator))
    try:
        analyzer.module_scope.vars["__name__"] = _str("__main__" if entry is None else "solver")
        try:
            analyzer.run_module(module)
        except ReturnSignal:
            pass
        if entry is not None:
            _run_entry(analyzer, entry, arg_values, symbols, Class, Function, Instance, ObjectValue, Scalar)
    finally:
        _dims.DECIDER.reset(tokens[0])
        _dims.EVALUATOR.reset(tokens[1])
    for name in declared_late:
        analyzer.diag(None, "FS121", "info", f"symbol {name} has no value; give one with --shapes {name}=VALUE")
    result = summarise(analyzer, path, entry)
    if budget_value is not None:
        label = result.label
        within = None if result.value is None or label == UNKNOWN else result.value <= budget_value
        if within is False and label == BOUND:
            within = None
        result.budgets.append(BudgetCheck(0, 0, sympy.Integer(budget_value), result.total, result.value, within, label,
                                          None, "--budget", None))
    return result


def _str(value: str):
    from flopscope.analyzer.values import Str

    return Str(value)


def _run_entry(analyzer, entry: str, arg_values: dict, symbols, Class, Function, Instance, ObjectValue, Scalar) -> None:
    from flopscope.analyzer.statements import _all_params

    analyzer.events.clear()  # module-level code ran only to define things
    parts = entry.split(".")
    scope = analyzer.module_scope
    target = scope.vars.get(parts[0])
    if target is None:
        names = sorted(k for k, v in scope.vars.items() if isinstance(v, (Function, Class)))
        raise UsageError(f"--entry {entry}: no function or class named {parts[0]!r} at the top of the module"
                         + (f" (found: {', '.join(names)})" if names else ""))
    self_value = None
    func = target
    if len(parts) == 2:
        if not isinstance(target, Class):
            raise UsageError(f"--entry {entry}: {parts[0]!r} is not a class")
        func = target.lookup(parts[1])
        if not isinstance(func, Function):
            raise UsageError(f"--entry {entry}: class {parts[0]} has no method {parts[1]!r}")
        self_value = _make_instance(analyzer, target, arg_values, symbols, Instance, ObjectValue, Function, Scalar)
    elif len(parts) > 2:
        raise UsageError(f"--entry {entry}: use NAME or Class.method")
    if not isinstance(func, Function):
        raise UsageError(f"--entry {entry}: {parts[0]!r} is not a function")
    params = [p.name.value for p in _all_params(func.node.params)]
    if self_value is not None and params and func.kind not in ("staticmethod",):
        params = params[1:]
    kwargs = _bind_params(params, func, arg_values, symbols, Scalar, lambda name: (
        f"--entry {entry}: parameter {name!r} needs a value: add --arg '{name}=...' "
        f"(array(...), obj(...), a number or a symbol)"))
    unused = set(arg_values) - set(params) - {"self"}
    if unused and self_value is None:
        raise UsageError(f"--entry {entry}: no parameter named {', '.join(sorted(unused))} (parameters: {', '.join(params) or 'none'})")
    call_node = func.node
    analyzer.call_function(call_node, func, [], kwargs, self_value=self_value if func.kind != "staticmethod" else None)


def _bind_params(params, func, arg_values: dict, symbols: dict, Scalar, missing) -> dict:
    """Keyword arguments for an entry's parameters: from --arg, else the function's
    default, else the --shapes symbol of that name; ``missing(name)`` is the error."""
    kwargs = {}
    for name in params:
        if name in arg_values:
            kwargs[name] = arg_values[name]
        elif name in func.defaults:
            continue
        elif name in symbols:
            kwargs[name] = Scalar(symbols[name], "int")
        else:
            raise UsageError(missing(name))
    return kwargs


def _make_instance(analyzer, cls, arg_values, symbols, Instance, ObjectValue, Function, Scalar):
    from flopscope.analyzer.statements import _all_params

    given = arg_values.get("self")
    if isinstance(given, ObjectValue):
        return Instance(cls, dict(given.attrs))
    inst = Instance(cls)
    init = cls.lookup("__init__")
    if isinstance(init, Function):
        params = [p.name.value for p in _all_params(init.node.params)][1:]
        kwargs = _bind_params(params, init, arg_values, symbols, Scalar, lambda name: (
            f"--entry: {cls.name}.__init__ needs {name!r}: add --arg '{name}=...', or give "
            f"the instance's attributes with --arg 'self=obj(...)'"))
        mark = len(analyzer.events)
        analyzer.call_function(init.node, init, [], kwargs, self_value=inst)
        del analyzer.events[mark:]  # building self is not part of the entry's cost
    return inst
