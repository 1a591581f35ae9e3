"""The abstract interpreter: walks a solver's libcst tree and collects cost events.

It runs the program once, symbolically: sizes are SymPy expressions, arrays
carry symbolic shapes, and every counted call asks the cost table (the same
rules the runtime charges) for its cost on those shapes. Control flow:

* ``for`` over ``range`` with symbolic bounds is analyzed once with a symbolic
  index and its events summed in closed form; variables the body changes
  (a growing array, a counter) are followed by induction, or the loop is
  unrolled at the given sizes, or the part is reported unknown;
* ``for`` over lists, tuples, ``zip``/``enumerate`` of known length is unrolled;
* ``if`` on sizes picks its branch (``Piecewise`` when a symbol has no value);
  ``if`` on array data takes the costlier branch, labelled an upper bound;
* ``while`` on sizes iterates at the given sizes; otherwise it is unknown;
* user functions and methods are analyzed at each call with its arguments.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import libcst as cst
import sympy
from libcst.metadata import MetadataWrapper, PositionProvider

from flopscope.analyzer import loops as L
from flopscope.analyzer.builtins import BuiltinsMixin, SuperValue
from flopscope.analyzer.exprs import ExprMixin
from flopscope.analyzer.model import BOUND, EXACT, UNKNOWN, BudgetInfo, Diagnostic, Event, Site, worse
from flopscope.analyzer.ops import OpsMixin
from flopscope.analyzer.values import _ids as _array_ids
from flopscope.analyzer.random_values import RandomMixin
from flopscope.analyzer.values import (
    Array,
    BoundMethod,
    BudgetValue,
    Builtin,
    Class,
    Dict,
    FlopscopeApi,
    Function,
    Instance,
    List,
    Module,
    NamespaceValue,
    NoneValue,
    ObjectValue,
    Opaque,
    Range,
    Scalar,
    Str,
    Tuple,
    Unknown,
    Value,
)

MAX_CALL_DEPTH = 40
UNROLL_LIMIT = 5000  # iterations analyzed one by one (while loops, non-inductive for loops)


class AnalysisError(Exception):
    """An internal limit or a construct that stops the analysis of one part."""


class ReturnSignal(Exception):
    def __init__(self, value: Value):
        self.value = value


class BreakSignal(Exception):
    pass


class ContinueSignal(Exception):
    pass


class Scope:
    __slots__ = ("vars", "parent", "kind", "module", "global_names", "nonlocal_names")

    def __init__(self, parent: "Scope | None", kind: str) -> None:
        self.vars: dict[str, Value] = {}
        self.parent = parent
        self.kind = kind
        self.module = self if parent is None else parent.module
        self.global_names: set[str] = set()
        self.nonlocal_names: set[str] = set()

    def lookup(self, name: str) -> Value | None:
        scope: Scope | None = self
        first = True
        while scope is not None:
            if (first or scope.kind != "class") and name in scope.vars:
                return scope.vars[name]
            first = False
            scope = scope.parent
        return None

    def target_for(self, name: str) -> "Scope":
        if name in self.global_names:
            return self.module
        if name in self.nonlocal_names:
            scope = self.parent
            while scope is not None:
                if name in scope.vars and scope.kind == "function":
                    return scope
                scope = scope.parent
        return self


class Frame:
    """One user-function activation: its qualname, class, and pending early returns."""

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname
        self.returns: list[Value] = []
        self.owner: Class | None = None
        self.early = False  # a data-dependent return: the call's cost is an upper bound


class Analyzer(ExprMixin, OpsMixin, BuiltinsMixin, RandomMixin):
    def __init__(self, source: str, path: str, symbols: dict[str, Any], values: dict[str, int | None]):
        self.path = path
        self.source = source
        self.symbols = symbols  # name -> sympy.Symbol
        self.values = values  # name -> int or None
        self.events: list[Event] = []
        self.diagnostics: dict[tuple, Diagnostic] = {}
        self.budgets: list[BudgetInfo] = []
        self.ns_stack: list[str] = []
        self.budget_stack: list[BudgetInfo] = []
        self.func_stack: list[Frame] = []
        self.loop_bounds: list[L.LoopBounds] = []
        # per summed loop: set when a decision in its body depends on its index in a
        # way the closed form cannot follow (the loop is then followed at the given sizes)
        self.loop_trouble: list[bool] = []
        self._points: dict = {}  # index_points() per nest of loops
        self.loop_flags: list[set] = []  # early exits seen inside each enclosing loop
        self.write_logs: list[list] = []
        self.append_logs: list[list] = []
        self.label_stack: list[str] = [EXACT]
        self.region_stack: list[int] = []
        self._regions = itertools.count(1)
        self._unknowns = itertools.count(1)
        self._index_names: dict[str, int] = {}
        self.depth = 0
        self.module_scope = Scope(None, "module")
        self.positions: Any = None
        self.substitution = {self.symbols[k]: sympy.Integer(v) for k, v in values.items() if v is not None}
        self.data_symbols: set = set()  # sizes that depend on array data (where(cond), masks)
        self._data_dims = itertools.count(1)
        self.order_assumed = 0  # einsum orders chosen at assumed sizes
        self.order_assumed_now = False
        self.index_symbols: set = set()

    # ------------------------------------------------------------------ hooks for the cost rules

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
        if free & self.data_symbols or any(self.values.get(str(s)) is None for s in free - loop_vars - self.data_symbols):
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
        if free & self.data_symbols or any(self.values.get(str(s)) is None for s in free - loop_vars):
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
        bounds = [L.LoopBounds(b.var, sympy.sympify(b.lo).xreplace(self.substitution),
                               sympy.sympify(b.hi).xreplace(self.substitution)) for b in self.loop_bounds]
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
                from flopscope.analyzer.result import exact_modules, exact_printer

                fn = sympy.lambdify(variables, list(items), modules=[exact_modules(), "math"], printer=exact_printer())
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
                for t in range(max(int(sympy.ceiling(trips)), 0)):
                    q = dict(p)
                    q[b.var] = sympy.Integer(int(start) + int(b.step) * t)
                    out.append(q)
                if len(out) > limit:
                    return None
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

    # ------------------------------------------------------------------ helpers

    def pos(self, node: cst.CSTNode) -> Site:
        try:
            start = self.positions[node].start
        except KeyError:
            return Site(0, 0)
        return Site(start.line, start.column + 1)

    def diag(self, node: cst.CSTNode | None, code: str, severity: str, message: str) -> None:
        site = self.pos(node) if node is not None else Site(1, 1)
        key = (site.line, site.col, code, message)
        if key not in self.diagnostics:
            self.diagnostics[key] = Diagnostic(site.line, site.col, code, severity, message)

    @property
    def label(self) -> str:
        return self.label_stack[-1]

    def namespace(self) -> str:
        return ".".join(self.ns_stack)

    def charge(self, node: cst.CSTNode, op: str, cost: Any, label: str = EXACT) -> None:
        cost = sympy.sympify(cost)
        self.events.append(
            Event(
                site=self.pos(node),
                op=op,
                per_call=cost,
                count=sympy.Integer(1),
                total=cost,
                namespace=self.namespace(),
                functions=tuple(f.qualname for f in self.func_stack),
                budgets=tuple(b.ident for b in self.budget_stack),
                label=worse(self.label, label),
                region=self.region_stack[-1] if self.region_stack else None,
            )
        )

    def charge_unknown(self, node: cst.CSTNode, op: str, reason: str, code: str = "FS101") -> Value:
        """A cost the analyzer cannot determine: a located diagnostic and an unknown term."""
        sym = sympy.Symbol(f"unknown{next(self._unknowns)}", nonnegative=True)
        self.charge(node, op, sym, UNKNOWN)
        self.diag(node, code, "warning", reason)
        return Unknown(reason)

    def call_event(self, node: cst.CSTNode, qualname: str) -> None:
        self.events.append(
            Event(
                site=self.pos(node), op=f"call {qualname}", per_call=sympy.Integer(0), count=sympy.Integer(1),
                total=sympy.Integer(0), namespace=self.namespace(), functions=tuple(f.qualname for f in self.func_stack),
                budgets=tuple(b.ident for b in self.budget_stack), label=self.label, kind="call",
                region=self.region_stack[-1] if self.region_stack else None,
            )
        )

    def numeric(self, expr: Any) -> Any:
        """Substitute the symbols' values; None if some symbol has none."""
        expr = sympy.sympify(expr)
        if self.substitution:
            expr = sympy.sympify(expr.xreplace(self.substitution))
        if expr.free_symbols:
            return None
        return expr

    # ------------------------------------------------------------------ entry points

    def run_module(self, module: cst.Module) -> None:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.positions = wrapper.resolve(PositionProvider)
        self.exec_block(wrapper.module.body, self.module_scope)

    # ------------------------------------------------------------------ statements

    def exec_block(self, stmts, scope: Scope) -> None:
        for stmt in stmts:
            self.exec_stmt(stmt, scope)

    def exec_body(self, body, scope: Scope) -> None:
        if isinstance(body, cst.IndentedBlock):
            self.exec_block(body.body, scope)
        elif isinstance(body, cst.SimpleStatementSuite):
            for small in body.body:
                self.exec_small(small, scope)
        else:
            self.exec_block(body, scope)

    def exec_stmt(self, stmt: cst.CSTNode, scope: Scope) -> None:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small, scope)
            return
        handler = getattr(self, f"stmt_{type(stmt).__name__}", None)
        if handler is None:
            self.diag(stmt, "FS103", "warning", f"{type(stmt).__name__} statements are not analyzed; their cost is not counted")
            self.opaque_region(stmt)
            return
        handler(stmt, scope)

    def opaque_region(self, node: cst.CSTNode) -> None:
        """A construct the analyzer skips: if it contains counted calls, the cost is unknown."""
        finder = _CallFinder()
        node.visit(finder)
        if finder.calls:
            self.charge_unknown(node, "unanalyzed code", "code the analyzer does not follow may contain counted calls; its cost is unknown", "FS103")

    def exec_small(self, small: cst.CSTNode, scope: Scope) -> None:
        if isinstance(small, cst.Expr):
            self.eval(small.value, scope)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, scope)
            for target in small.targets:
                self.assign(target.target, value, scope, small)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.assign(small.target, self.eval(small.value, scope), scope, small)
        elif isinstance(small, cst.AugAssign):
            self.aug_assign(small, scope)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, scope) if small.value is not None else NoneValue()
            raise ReturnSignal(value)
        elif isinstance(small, cst.Break):
            raise BreakSignal()
        elif isinstance(small, cst.Continue):
            raise ContinueSignal()
        elif isinstance(small, (cst.Pass,)):
            pass
        elif isinstance(small, cst.Import):
            self.do_import(small, scope)
        elif isinstance(small, cst.ImportFrom):
            self.do_import_from(small, scope)
        elif isinstance(small, cst.Global):
            scope.global_names.update(n.name.value for n in small.names)
        elif isinstance(small, cst.Nonlocal):
            scope.nonlocal_names.update(n.name.value for n in small.names)
        elif isinstance(small, cst.Del):
            pass
        elif isinstance(small, cst.Assert):
            self.eval(small.test, scope)
        elif isinstance(small, cst.Raise):
            raise ReturnSignal(Unknown("raised an exception"))
        else:
            self.diag(small, "FS103", "warning", f"{type(small).__name__} is not analyzed")

    # ------------------------------------------------------------------ assignment

    def pop_write_log(self) -> list:
        """End a nested write log; its entries join the enclosing one (first old value wins)."""
        log = self.write_logs.pop()
        if self.write_logs:
            self.write_logs[-1].extend(log)
        return log

    def write(self, container: Any, key: Any, value: Value) -> None:
        """Every store goes through here, so loops can see what their body changed."""
        if self.write_logs:
            log = self.write_logs[-1]
            old = _get_slot(container, key)
            log.append((container, key, old))
        _set_slot(container, key, value)

    def assign(self, target: cst.CSTNode, value: Value, scope: Scope, node: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            if scope.kind == "module" and name in self.symbols and isinstance(value, Scalar):
                value = self.module_constant(name, value, node)
            self.write(scope.target_for(name), name, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            items = self.unpack(value, len(target.elements), node)
            for element, item in zip(target.elements, items):
                self.assign(element.value, item, scope, node)
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value, scope)
            if isinstance(obj, (Instance, ObjectValue)):
                self.write(obj, "attr:" + target.attr.value, value)
            elif isinstance(obj, Class):
                self.write(obj, "cls:" + target.attr.value, value)
        elif isinstance(target, cst.Subscript):
            obj = self.eval(target.value, scope)
            self.store_item(obj, target, value, scope)
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, value, scope, node)

    def module_constant(self, name: str, value: Scalar, node) -> Value:
        """``n = 256`` at module level, with ``n`` in --shapes: n is the symbol."""
        sym = self.symbols[name]
        if self.values.get(name) is None and value.known and not value.expr.free_symbols:
            self.values[name] = int(value.expr)
            self.substitution[sym] = sympy.Integer(int(value.expr))
        return Scalar(sym, "int")

    def unpack(self, value: Value, n: int, node) -> list[Value]:
        if isinstance(value, Tuple) and len(value.items) == n:
            return list(value.items)
        if isinstance(value, List) and value.concrete and len(value.items) == n:
            return list(value.items)
        if isinstance(value, Array) and value.shape:
            first = value.shape[0]
            if self.numeric(first) is not None and int(self.numeric(first)) != n:
                self.diag(node, "FS108", "error", f"cannot unpack an array of length {first} into {n} names")
            return [self.index_array(value, (Scalar(sympy.Integer(0)),), node) for _ in range(n)]
        if isinstance(value, (Tuple, List)):
            self.diag(node, "FS108", "error", f"cannot unpack {len(getattr(value, 'items', []))} values into {n} names")
        return [Unknown("unpacked from a value the analyzer cannot follow") for _ in range(n)]

    def aug_assign(self, node: cst.AugAssign, scope: Scope) -> None:
        op = _AUG_OPS[type(node.operator)]
        current = self.eval(node.target, scope)
        right = self.eval(node.value, scope)
        result = self.binary(node, op, current, right, inplace=True)
        self.assign(node.target, result, scope, node)

    # ------------------------------------------------------------------ imports

    def do_import(self, node: cst.Import, scope: Scope) -> None:
        for alias in node.names:
            full = _dotted(alias.name)
            self.check_escape(node, full)
            if alias.asname is not None:
                self.write(scope, alias.asname.name.value, Module(full))
            else:
                self.write(scope, full.split(".")[0], Module(full.split(".")[0]))

    def do_import_from(self, node: cst.ImportFrom, scope: Scope) -> None:
        if node.relative or node.module is None:
            module = None
        else:
            module = _dotted(node.module)
        if module is not None:
            self.check_escape(node, module)
        if isinstance(node.names, cst.ImportStar):
            if module in ("flopscope.numpy", "numpy"):
                self.diag(node, "FS103", "warning", f"'from {module} import *' is not followed; import the module instead")
            return
        for alias in node.names:
            name = _dotted(alias.name)
            bound = alias.asname.name.value if alias.asname is not None else name
            if module is None:
                value: Value = Unknown("a relative import")
            else:
                value = self.module_attr(Module(module), name, node)
            self.write(scope, bound, value)

    def check_escape(self, node, module: str) -> None:
        """Threads and context copies run work where a BudgetContext does not see it."""
        root = module.split(".")[0]
        if root in ("threading", "contextvars", "concurrent", "multiprocessing", "_thread"):
            self.diag(node, "FS112", "warning",
                      f"{module}: work run in other threads or copied contexts is not charged to this BudgetContext "
                      "(it raises there, or goes to the session total)")

    # ------------------------------------------------------------------ compound statements

    def stmt_FunctionDef(self, node: cst.FunctionDef, scope: Scope) -> None:
        qual = node.name.value
        if scope.kind == "class":
            qual = f"{scope.vars.get('__qualname__', Str('?')).value}.{qual}"
        elif self.func_stack:
            qual = f"{self.func_stack[-1].qualname}.<locals>.{qual}"
        defaults = {}
        for param in _all_params(node.params):
            if param.default is not None:
                defaults[param.name.value] = self.eval(param.default, scope)
        closure = scope if scope.kind != "class" else scope.parent
        func = Function(node, node.name.value, qual, closure, defaults)
        value: Value = func
        for dec in reversed(node.decorators):
            value = self.apply_decorator(dec, value, scope)
        self.write(scope, node.name.value, value)

    def apply_decorator(self, dec: cst.Decorator, func: Value, scope: Scope) -> Value:
        expr = dec.decorator
        target = self.eval(expr, scope)
        if isinstance(target, Builtin) and target.name in ("staticmethod", "classmethod", "property"):
            if isinstance(func, Function):
                func.kind = target.name
            return func
        if isinstance(target, BudgetValue) and isinstance(func, Function):
            info = target.info
            info.kind = "decorator"
            info.function = func.qualname
            func.budget = info
            return func
        if isinstance(target, NamespaceValue) and isinstance(func, Function):
            func.namespace = target.name
            return func
        if isinstance(target, Opaque) and target.what in ("functools.cache", "functools.lru_cache", "functools.wraps"):
            return func
        self.diag(dec, "FS113", "info", "a decorator the analyzer does not know is treated as returning the function unchanged")
        return func

    def stmt_ClassDef(self, node: cst.ClassDef, scope: Scope) -> None:
        bases = tuple(self.eval(arg.value, scope) for arg in node.bases if not arg.keyword)
        cls_scope = Scope(scope, "class")
        qual = node.name.value if not self.func_stack else f"{self.func_stack[-1].qualname}.<locals>.{node.name.value}"
        cls_scope.vars["__qualname__"] = Str(qual)
        self.exec_body(node.body, cls_scope)
        attrs = {k: v for k, v in cls_scope.vars.items() if k != "__qualname__"}
        cls = Class(node.name.value, attrs, tuple(b for b in bases if isinstance(b, Class)), node)
        self.write(scope, node.name.value, cls)

    def stmt_If(self, node: cst.If, scope: Scope) -> None:
        self.branch(node, node.test, lambda: self.exec_body(node.body, scope), self._else_runner(node.orelse, scope), scope)

    def _else_runner(self, orelse, scope):
        if orelse is None:
            return lambda: None
        if isinstance(orelse, cst.If):
            return lambda: self.stmt_If(orelse, scope)
        return lambda: self.exec_body(orelse.body, scope)

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
            return bool(value.value)
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

    def branch(self, node, test, run_then, run_else, scope: Scope) -> None:
        cond_value = self.eval(test, scope)
        decision = self.decide(cond_value)
        if decision is True:
            run_then()
            return
        if decision is False:
            run_else()
            return
        if decision is None:
            self.data_branch(node, run_then, run_else, scope)
            return
        self.symbolic_branch(node, decision, run_then, run_else, scope)

    def symbolic_branch(self, node, cond, run_then, run_else, scope: Scope) -> None:
        """A condition on symbols without values: each branch's cost weighted by Piecewise."""
        mark = len(self.events)
        then_events, then_state, then_exit = self.run_isolated(run_then, mark)
        else_events, else_state, else_exit = self.run_isolated(run_else, mark)
        exits = [sig for sig in (then_exit, else_exit) if sig is not None]
        for ev in then_events:
            self.events.append(_weight(ev, cond))
        for ev in else_events:
            self.events.append(_weight(ev, sympy.Not(cond)))
        self.merge_states(then_state, else_state, cond, node)
        if exits:
            loop_vars = {b.var for b in self.loop_bounds}
            free = sympy.sympify(cond).free_symbols
            if (free & loop_vars and not any(self.values.get(str(x)) is None for x in free - loop_vars)
                    and self.index_points() is not None):
                # The exit depends on a loop index, every size has a value: the loops over
                # those indices (and the loop a break or continue leaves) are followed
                # iteration by iteration, where the exit is decided.
                self.mark_trouble(free & loop_vars)
                if any(not isinstance(sig, ReturnSignal) for sig in exits) and self.loop_trouble:
                    self.loop_trouble[-1] = True
            self.diag(node, "FS114", "info", "a branch on a symbol without value leaves early: the enclosing loop or function is an upper bound")
            for sig in exits:
                self.note_exit(sig)

    def data_branch(self, node, run_then, run_else, scope: Scope) -> None:
        """A condition on array data: analyze both, keep the costlier, label an upper bound."""
        mark = len(self.events)
        region = next(self._regions)
        self.region_stack.append(region)
        self.label_stack.append(BOUND)
        try:
            results = [self.run_isolated(runner, mark) for runner in (run_then, run_else)]
        finally:
            self.label_stack.pop()
            self.region_stack.pop()
        (then_evs, then_state, then_exit), (else_evs, else_state, else_exit) = results
        t_then = sympy.Add(*[e.total for e in then_evs if e.kind == "charge"])
        t_else = sympy.Add(*[e.total for e in else_evs if e.kind == "charge"])
        keep_then = self.costlier(t_then, t_else)
        kept, dropped = (then_evs, else_evs) if keep_then else (else_evs, then_evs)
        self.events.extend(kept)
        for ev in dropped:  # the sites of the other branch, so that a check can place them
            self.events.append(ev.scaled(total=sympy.Integer(0), count=sympy.Integer(0), label=BOUND))
        self.merge_states(then_state, else_state, None, node)
        self.diag(node, "FS105", "info", "this branch depends on array data: the costlier branch is counted (an upper bound)")
        if then_exit and else_exit and type(then_exit) is type(else_exit) and not isinstance(then_exit, ReturnSignal):
            raise then_exit  # both branches break (or continue): so does the code around them
        for sig in (then_exit, else_exit):
            if sig is not None:
                self.note_exit(sig)

    def run_isolated(self, runner, mark: int, probe: bool = False) -> tuple:
        """Run one branch and take it back out: (its events, the state it wrote, the
        return/break/continue it left by or None). The state before it is restored;
        with ``probe`` (a trial run that must leave no trace) list appends are too."""
        self.write_logs.append([])
        if probe:
            self.append_logs.append([])
        exit_sig = None
        try:
            runner()
        except (ReturnSignal, BreakSignal, ContinueSignal) as sig:
            exit_sig = sig
        finally:
            if probe:
                for lst, n_before in _list_lengths_before(self.append_logs.pop()):
                    del lst.items[n_before:]
        log = self.pop_write_log()
        state = _snapshot_writes(log)
        _undo_writes(log)
        events = self.events[mark:]
        del self.events[mark:]
        return events, state, exit_sig

    def note_exit(self, sig) -> None:
        """A branch that may leave early: its loop (break/continue) or function (return)
        then runs less than analyzed, so that part is an upper bound."""
        if isinstance(sig, ReturnSignal):
            if self.func_stack:
                frame = self.func_stack[-1]
                frame.returns.append(sig.value)
                frame.early = True
        elif self.loop_flags:
            self.loop_flags[-1].add("break" if isinstance(sig, BreakSignal) else "continue")

    def costlier(self, a, b) -> bool:
        diff = sympy.expand(a - b)
        num = self.numeric(diff)
        if num is not None:
            return bool(num >= 0)
        if diff.is_nonnegative:
            return True
        if diff.is_nonpositive:
            return False
        return True

    def merge_states(self, then_state: dict, else_state: dict, cond, node) -> None:
        """After a branch: a variable set differently in the two branches."""
        keys = list(dict.fromkeys(list(then_state) + list(else_state)))
        for key in keys:
            container, slot = key
            a = then_state.get(key, _MISSING)
            b = else_state.get(key, _MISSING)
            if a is _MISSING:
                a = _get_slot(container, slot)
            if b is _MISSING:
                b = _get_slot(container, slot)
            self.write(container, slot, self.merge_values(a, b, cond))

    def merge_values(self, a, b, cond) -> Value:
        if a is b or a is _MISSING or b is _MISSING:
            return b if a is _MISSING else a
        if isinstance(a, Scalar) and isinstance(b, Scalar):
            if a.known and b.known:
                if sympy.sympify(a.expr) == sympy.sympify(b.expr):
                    return a
                if cond is not None:
                    return Scalar(sympy.Piecewise((a.expr, cond), (b.expr, True)), a.kind)
            return Scalar(None, a.kind)
        if isinstance(a, Array) and isinstance(b, Array) and len(a.shape) == len(b.shape):
            dims = []
            for x, y in zip(a.shape, b.shape):
                if sympy.sympify(x) == sympy.sympify(y):
                    dims.append(x)
                elif cond is not None:
                    dims.append(sympy.Piecewise((x, cond), (y, True)))
                else:
                    dims.append(sympy.Max(x, y))  # costs grow with every dimension: an upper bound
            return Array(tuple(dims), a.metered or b.metered, a.dtype, symmetry=a.symmetry if a.symmetry == b.symmetry else ())
        if type(a) is type(b) and isinstance(a, (Tuple,)) and len(a.items) == len(b.items):
            return Tuple(tuple(self.merge_values(x, y, cond) for x, y in zip(a.items, b.items)))
        return Unknown("set differently in the two branches of an if")

    def stmt_For(self, node: cst.For, scope: Scope) -> None:
        iterable = self.eval(node.iter, scope)
        self.for_loop(node, node.target, iterable, lambda: self.exec_body(node.body, scope), scope)
        if node.orelse is not None:
            self.exec_body(node.orelse.body, scope)

    def for_loop(self, node, target, iterable: Value, run_body, scope: Scope) -> None:
        if isinstance(iterable, Range):
            self.range_loop(node, target, iterable, run_body, scope)
            return
        items = self.iteration_items(iterable, node)
        if items is None:
            if isinstance(iterable, List) and not iterable.concrete:
                self.list_family_loop(node, target, iterable, run_body, scope)
                return
            self.assign(target, Unknown("an element of a sequence the analyzer cannot follow"), scope, node)
            self.unknown_loop(node, run_body, "iterates over a sequence of unknown length")
            return
        self.iterate(node, target, items, run_body, scope)

    def iteration_items(self, iterable: Value, node) -> list | None:
        if isinstance(iterable, (Tuple,)):
            return list(iterable.items)
        if isinstance(iterable, List):
            return list(iterable.items) if iterable.concrete else None
        if isinstance(iterable, Dict) and iterable.complete:
            return [_key_value(k) for k in iterable.items]
        if isinstance(iterable, Str):
            return [Str(c) for c in iterable.value]
        if isinstance(iterable, Array) and iterable.shape:
            n = self.numeric(iterable.shape[0])
            if n is not None and sympy.sympify(iterable.shape[0]).is_Integer and int(n) <= UNROLL_LIMIT:
                return [self.index_array(iterable, (Scalar(sympy.Integer(k)),), node) for k in range(int(n))]
            return None
        return None

    def unknown_loop(self, node, run_body, why: str, mark: int | None = None) -> None:
        """Analyze the body once to find its sites; their cost is unknown.

        ``mark`` includes earlier events in the unknown part (a while's condition)."""
        mark = len(self.events) if mark is None else mark
        self.write_logs.append([])
        try:
            run_body()
        except (BreakSignal, ContinueSignal, ReturnSignal):
            pass
        log = self.pop_write_log()
        changed = _snapshot_writes(log)
        for (container, slot), value in changed.items():
            self.write(container, slot, _forget(value))
        for i in range(mark, len(self.events)):
            ev = self.events[i]
            sym = sympy.Symbol(f"unknown{next(self._unknowns)}", nonnegative=True)
            self.events[i] = ev.scaled(count=sympy.Symbol(f"count{sym.name[7:]}", nonnegative=True), total=sym, label=UNKNOWN)
        self.diag(node, "FS104", "warning", f"this loop {why}: the cost of its body is unknown")

    def fresh_index(self, target) -> sympy.Symbol:
        if isinstance(target, str):
            base = target
        else:
            base = target.value if isinstance(target, cst.Name) else "i"
        k = self._index_names.get(base, 0)
        self._index_names[base] = k + 1
        name = base if k == 0 and base not in self.symbols else f"{base}_{k + 1}"
        while name in self.symbols:
            k += 1
            name = f"{base}_{k + 1}"
        sym = sympy.Symbol(name, integer=True)
        self.index_symbols.add(sym)
        return sym

    def range_loop(self, node, target, rng: Range, run_body, scope: Scope) -> None:
        start, stop, step = rng.start, rng.stop, rng.step
        if not all(isinstance(x, Scalar) and x.known for x in (start, stop, step)):
            self.assign(target, Scalar(None, "int"), scope, node)
            self.unknown_loop(node, run_body, "has range bounds that depend on array data")
            return
        a, b, c = (sympy.sympify(x.expr) for x in (start, stop, step))
        if not c.is_Integer or c == 0:
            cv = self.numeric(c)
            if cv is None or cv == 0:
                self.assign(target, Scalar(None, "int"), scope, node)
                self.unknown_loop(node, run_body, "has a symbolic range step")
                return
            c = sympy.Integer(int(cv))
        self.summed_loop(node, target, a, c, L.trip_count(a, b, c), run_body, scope)

    def summed_loop(self, node, target, a, c, trips, run_body, scope: Scope, item_of=None) -> None:
        """A loop of ``trips`` iterations with index a + c*t, its body's cost summed in closed form.

        ``item_of(index)`` gives the loop target's value (the index itself by default).
        """
        nonneg = L.provably_nonnegative(trips, self.loop_bounds)
        if trips.is_number and int(trips) <= 0:
            return  # an empty range: nothing runs
        var = self.fresh_index(target if item_of is None else "k")
        last = a + c * (trips - 1)
        lo, hi = (a, last) if c > 0 else (last, a)
        args = (node, target, var, a, c, trips, lo, hi, run_body, scope)
        status, varying = self.symbolic_loop_pass(*args, carried=None, item_of=item_of)
        if status == "ok":
            self.finish_loop(node, nonneg, trips)
            return
        if status == "changed":
            promoted = self.promotions(varying, node, target, a, run_body, scope, item_of)
            if promoted:
                # total = 0.0; for ...: total = total + fnp.sum(x): the Python number becomes a
                # 0-d metered array in the first iteration and stays one. The first iteration
                # costs the same either way (checked), so the loop is summed with the array
                # from the start; after the loop it is the array if the loop surely ran.
                runs = self.loop_runs(node, trips)
                before = {key: _get_slot(*key) for key in promoted}
                for (container, slot), value in promoted.items():
                    self.write(container, slot, value)
                status, varying = self.symbolic_loop_pass(*args, carried=None, item_of=item_of)
                if status == "ok":
                    self.finish_loop(node, nonneg, trips)
                    if runs is not True:
                        # the loop did not run (the numbers stay Python numbers), or may not
                        for (container, slot), old in before.items():
                            after = _get_slot(container, slot)
                            self.write(container, slot, old if runs is False else self.merge_values(old, after, None))
                    return
        if status == "changed":
            # The body changes state from one iteration to the next: try induction.
            induction = self.induction(varying, var, a, c)
            if induction is not None:
                status, again = self.symbolic_loop_pass(*args, carried=induction, item_of=item_of)
                if status == "ok":
                    self.finish_loop(node, nonneg, trips)
                    return
                # The second pass did not reproduce the induction: every carried slot
                # gets its value from before the loop back (the pass set them all, as
                # functions of the index, before it ran the body).
                if status == "changed":
                    self.restore_changed(again)
                for (container, slot), (v0, _step) in induction.items():
                    _set_slot(container, slot, v0)
        why = None
        if status == "trouble":
            why = ("a decision in this loop's body (a size, a condition, an einsum order) depends on its index in a way "
                   "the closed form does not follow: it was followed iteration by iteration, at the given sizes")
        self.unrolled_loop(node, target, a, c, trips, run_body, scope, item_of, why)

    def symbolic_loop_pass(self, node, target, var, a, c, trips, lo, hi, run_body, scope, carried, item_of=None):
        """One pass over the body with a symbolic index. Returns ("ok", None) when the
        loop is summed, ("changed", state) when the body changed loop-carried state."""
        mark = len(self.events)
        if carried:
            t = (var - a) / c
            for (container, slot), (v0, step_fn) in carried.items():
                _set_slot(container, slot, step_fn(t))
        self.write_logs.append([])
        self.append_logs.append([])
        self.loop_bounds.append(L.LoopBounds(var, lo, hi, a, c, trips))
        self.loop_trouble.append(False)
        self.loop_flags.append(set())
        diagnostics = dict(self.diagnostics)
        ident_mark = next(_array_ids)  # arrays made by the body have larger identities
        self.assign(target, Scalar(var, "int") if item_of is None else item_of(var), scope, node)
        try:
            run_body()
        except (ContinueSignal, BreakSignal) as sig:
            self.loop_flags[-1].add("continue" if isinstance(sig, ContinueSignal) else "break")
            if self.index_points() is not None:
                # an exit decided by sizes: followed at the given sizes, it is exact
                self.loop_trouble[-1] = True
        finally:
            self.loop_bounds.pop()
            trouble = self.loop_trouble.pop()
            flags = self.loop_flags.pop()
            log = self.pop_write_log()
            appends = self.append_logs.pop()
        if trouble:
            # A decision in the body depends on the index (a slice bound, an einsum
            # order, a broadcast): this pass is dropped, the loop is followed at the
            # given sizes instead.
            _undo_writes(log)
            for lst, n_before in _list_lengths_before(appends):
                del lst.items[n_before:]
            del self.events[mark:]
            self.diagnostics = diagnostics
            return ("trouble", None)
        changed = _snapshot_writes(log)
        entry = _entry_values(log)
        target_names = _target_names(target)
        varying = {}
        for key, new in changed.items():
            container, slot = key
            if slot in target_names and container is scope.target_for(slot):
                continue
            old = entry[key]
            if carried and key in carried:
                expected = carried[key][1]((var - a) / c + 1)
                if not _same_value(new, expected):
                    varying[key] = (carried[key][0], new)
                continue
            if old is _MISSING:
                continue  # a variable first set inside the loop: its last value is fine
            if not _same_value(old, new):
                varying[key] = (old, new)
        if varying:
            _undo_writes(log)
            for lst, n_before in _list_lengths_before(appends):
                del lst.items[n_before:]
            del self.events[mark:]
            return ("changed", varying)
        # Lists that grew: the appended items become a run of `trips` items.
        for lst, n_before in _list_lengths_before(appends):
            added = lst.items[n_before:]
            del lst.items[n_before:]
            for item in added:
                if isinstance(item, Array) and item.ident > ident_mark:
                    # a new array every iteration: its items are distinct objects at runtime
                    item = dataclasses.replace(item, ident=0)
                lst.runs.append((trips, item, var if _mentions(item, var) else None, a, c))
        if carried:
            for (container, slot), (v0, step_fn) in carried.items():
                _set_slot(container, slot, step_fn(trips))
        early = ", ".join(sorted(flags))
        if early:
            self.diag(node, "FS114", "info", f"'{early}' inside this loop: its cost is an upper bound")
        for i in range(mark, len(self.events)):
            ev = self.events[i]
            total = L.sum_over_trips(ev.total, var, a, c, trips)
            count = L.sum_over_trips(ev.count, var, a, c, trips)
            label = ev.label if not early else worse(ev.label, BOUND)
            self.events[i] = ev.scaled(total=total, count=count, label=label)
        # The loop target keeps its last value after the loop.
        last = a + c * (trips - 1)
        self.assign(target, Scalar(last, "int") if item_of is None else item_of(last), scope, node)
        self._pending_mark = mark
        return ("ok", None)

    def loop_runs(self, node, trips) -> bool | None:
        """Whether a loop of ``trips`` iterations runs at least once: True or False when the
        sizes settle it (a diagnostic says when only the given values do), else None (an
        enclosing loop whose index decides it is then followed iteration by iteration)."""
        if L.provably_positive(trips, self.loop_bounds):
            return True
        loop_vars = {b.var for b in self.loop_bounds}
        free = sympy.sympify(trips).free_symbols
        if free & loop_vars:
            if self.index_points() is not None and not any(self.values.get(str(x)) is None for x in free - loop_vars):
                self.mark_trouble(free & loop_vars)
            return None
        n = self.numeric(trips)
        if n is None:
            return None
        self.diag(node, "FS116", "info", "whether this loop runs at all decides whether a number it accumulates "
                  "stays a Python number: that was decided at the given sizes, where the formula holds")
        return bool(n >= 1)

    def promotions(self, varying: dict, node, target, a, run_body, scope, item_of) -> dict:
        """Loop-carried Python numbers that the body turns into 0-d metered arrays, as
        {slot: the array value}, when the first iteration charges the same with the array
        in their place (so the loop can be summed as if it held the array from the start).
        Empty if there are none, or if the first iteration would charge differently."""
        promoted = {}
        for key, (old, new) in varying.items():
            if isinstance(old, Scalar) and isinstance(new, Array) and not new.shape and new.metered:
                promoted[key] = Array((), True, new.dtype)
        if not promoted:
            return {}

        def first_iteration(state: dict):
            def run():
                for (container, slot), value in state.items():
                    self.write(container, slot, value)
                self.assign(target, Scalar(a, "int") if item_of is None else item_of(a), scope, node)
                run_body()
            return run

        mark = len(self.events)
        saved = dict(self.diagnostics)
        as_is, _state, exit_a = self.run_isolated(first_iteration({}), mark, probe=True)
        as_array, _state, exit_b = self.run_isolated(first_iteration(promoted), mark, probe=True)
        self.diagnostics = saved
        if type(exit_a) is not type(exit_b):
            return {}

        def totals(events):
            out: dict = {}
            for ev in events:
                if ev.kind == "charge":
                    k = (ev.site, ev.op)
                    out[k] = out.get(k, 0) + ev.total
            return out

        t_a, t_b = totals(as_is), totals(as_array)
        if set(t_a) != set(t_b) or any(sympy.expand(t_a[k] - t_b[k]) != 0 for k in t_a):
            return {}
        return promoted

    def finish_loop(self, node, nonneg: bool, trips) -> None:
        mark = self._pending_mark
        if nonneg:
            return
        # ceiling(x) > 0 exactly when x > 0: a condition an enclosing loop can split on
        cond = sympy.StrictGreaterThan(trips.args[0] if isinstance(trips, sympy.ceiling) else trips, 0)
        for i in range(mark, len(self.events)):
            ev = self.events[i]
            self.events[i] = ev.scaled(
                total=sympy.Piecewise((ev.total, cond), (0, True)),
                count=sympy.Piecewise((ev.count, cond), (0, True)),
            )

    def restore_changed(self, varying) -> None:
        for (container, slot), (old, _new) in varying.items():
            _set_slot(container, slot, old)

    def induction(self, varying: dict, var, a, c):
        """State that changes by a fixed step each iteration: v_t = v_0 + t * delta."""
        plan = {}
        for key, (old, new) in varying.items():
            step = _linear_step(old, new, var)
            if step is None:
                return None
            plan[key] = (old, step)
        return plan

    def unrolled_loop(self, node, target, a, c, trips, run_body, scope: Scope, item_of=None, why: str | None = None) -> None:
        """Analyze each iteration at the given sizes (formula valid at these sizes)."""
        n = self.numeric(trips)
        a_num = self.numeric(a)
        if n is None or a_num is None or int(n) > UNROLL_LIMIT:
            # An enclosing loop whose index sets this range is followed iteration by
            # iteration instead (then this range has a value).
            if self.index_points() is not None:
                self.mark_trouble((sympy.sympify(trips).free_symbols | sympy.sympify(a).free_symbols)
                                  & {b.var for b in self.loop_bounds})
            self.assign(target, Scalar(None, "int") if item_of is None else Unknown("an element"), scope, node)
            self.unknown_loop(node, run_body, "changes its state from one iteration to the next in a way the analyzer cannot sum")
            return
        self.diag(node, "FS116", "info", why or "this loop changes its state each iteration: it was followed iteration by iteration, at the given sizes")
        index = [sympy.Integer(int(a_num) + int(c) * k) for k in range(max(int(n), 0))]
        items = [Scalar(i, "int") if item_of is None else item_of(i) for i in index]
        self.iterate(node, target, items, run_body, scope)

    def iterate(self, node, target, items, run_body, scope: Scope) -> None:
        """Run the body once per known item; a data-dependent early exit makes it a bound."""
        mark = len(self.events)
        self.loop_flags.append(set())
        try:
            for item in items:
                self.assign(target, item, scope, node)
                try:
                    run_body()
                except BreakSignal:
                    break
                except ContinueSignal:
                    continue
        finally:
            flags = self.loop_flags.pop()
        if flags:
            self.diag(node, "FS114", "info", f"'{', '.join(sorted(flags))}' inside this loop: its cost is an upper bound")
            for i in range(mark, len(self.events)):
                self.events[i] = self.events[i].scaled(label=worse(self.events[i].label, BOUND))

    def list_family_loop(self, node, target, lst: List, run_body, scope: Scope) -> None:
        """``for x in xs`` where xs holds symbolic runs of items: each run is a summed loop."""
        self.iterate(node, target, list(lst.items), run_body, scope)
        for run in lst.runs:
            count, item, var = run[0], run[1], run[2]
            if var is None:
                self.summed_loop(node, target, sympy.Integer(0), sympy.Integer(1), count, run_body, scope,
                                 item_of=lambda k, item=item: item)
            else:
                start, step = run[3], run[4]
                self.summed_loop(node, target, sympy.Integer(0), sympy.Integer(1), count, run_body, scope,
                                 item_of=lambda k, item=item, var=var, start=start, step=step: _subs_value(item, var, start + step * k))

    def stmt_While(self, node: cst.While, scope: Scope) -> None:
        mark = len(self.events)
        self.loop_flags.append(set())
        try:
            self.while_loop(node, scope)
        finally:
            flags = self.loop_flags.pop()
        if flags:
            self.diag(node, "FS114", "info", f"'{', '.join(sorted(flags))}' inside this loop: its cost is an upper bound")
            for i in range(mark, len(self.events)):
                self.events[i] = self.events[i].scaled(label=worse(self.events[i].label, BOUND))

    def while_loop(self, node: cst.While, scope: Scope) -> None:
        iterations = 0
        while True:
            mark = len(self.events)
            decision = self.decide(self.eval(node.test, scope))
            if decision is not None and not isinstance(decision, bool) and decision.free_symbols & {b.var for b in self.loop_bounds}:
                # a condition on an enclosing loop's index: decided if it is the same for
                # every index value, else that loop is followed at the given sizes
                over = self.decide_over_indices(decision)
                decision = decision if over is None else over
            if decision is False:
                if node.orelse is not None:
                    self.exec_body(node.orelse.body, scope)
                return
            if decision is not True:
                why = "has a condition on array data" if decision is None else "has a condition on sizes without values"
                self.unknown_loop(node, lambda: self.exec_body(node.body, scope), why, mark)
                return
            iterations += 1
            if iterations > UNROLL_LIMIT:
                self.charge_unknown(node, "while loop", f"this while loop ran more than {UNROLL_LIMIT} iterations at the given sizes; the rest is unknown", "FS115")
                return
            try:
                self.exec_body(node.body, scope)
            except BreakSignal:
                return
            except ContinueSignal:
                continue

    def stmt_With(self, node: cst.With, scope: Scope) -> None:
        entered = []
        for item in node.items:
            value = self.eval(item.item, scope)
            if isinstance(value, BudgetValue):
                if value.info.kind != "decorator":
                    self.budget_stack.append(value.info)
                    ns = value.info.namespace
                    entered.append(("budget", list(self.ns_stack)))
                    self.ns_stack = [ns] if ns else []
                else:
                    entered.append(("none", None))
            elif isinstance(value, NamespaceValue):
                self.ns_stack.append(value.name)
                entered.append(("ns", None))
            else:
                entered.append(("none", None))
            if item.asname is not None:
                self.assign(item.asname.name, value, scope, node)
        try:
            self.exec_body(node.body, scope)
        finally:
            for kind, saved in reversed(entered):
                if kind == "budget":
                    self.budget_stack.pop()
                    self.ns_stack = saved
                elif kind == "ns":
                    self.ns_stack.pop()

    def stmt_Try(self, node: cst.Try, scope: Scope) -> None:
        self.exec_body(node.body, scope)
        if node.orelse is not None:
            self.exec_body(node.orelse.body, scope)
        if node.finalbody is not None:
            self.exec_body(node.finalbody.body, scope)
        for handler in node.handlers:
            finder = _CallFinder()
            handler.visit(finder)
            if finder.calls:
                self.diag(handler, "FS117", "info", "except blocks are assumed not to run; their cost is not counted")

    # ------------------------------------------------------------------ calls of user functions

    def call_function(self, node, func: Function, args: list[Value], kwargs: dict[str, Value], self_value: Value | None = None) -> Value:
        if self.depth >= MAX_CALL_DEPTH:
            return self.charge_unknown(node, f"call {func.qualname}", f"calls nest deeper than {MAX_CALL_DEPTH} (recursion?): the cost is unknown", "FS110")
        scope = Scope(func.scope, "function")
        params = func.node.params
        positional = list(args)
        if self_value is not None:
            positional.insert(0, self_value)
        try:
            bound = _bind_params(params, positional, kwargs, func.defaults)
        except TypeError as err:
            self.diag(node, "FS108", "error", f"{func.qualname}(): {err}")
            return Unknown(str(err))
        for name, value in bound.items():
            scope.vars[name] = value
        self.call_event(node, func.qualname)
        frame = Frame(func.qualname)
        frame.owner = _owner_class(func, self_value)
        self.func_stack.append(frame)
        self.depth += 1
        budget_pushed = False
        saved_ns = None
        if func.budget is not None:
            self.budget_stack.append(func.budget)
            budget_pushed = True
            saved_ns = list(self.ns_stack)
            self.ns_stack = [func.budget.namespace] if func.budget.namespace else []
        if func.namespace is not None:
            if saved_ns is None:
                saved_ns = list(self.ns_stack)
            self.ns_stack.append(func.namespace)
        self.label_stack.append(self.label)
        result: Value = NoneValue()
        mark = len(self.events)
        saved_flags = self.loop_flags
        self.loop_flags = []  # a break inside the callee is not the caller's
        try:
            self.exec_body(func.node.body, scope)
        except ReturnSignal as ret:
            result = ret.value
        except (BreakSignal, ContinueSignal):
            self.diag(node, "FS103", "warning", "break/continue outside a loop")
        finally:
            self.loop_flags = saved_flags
            self.label_stack.pop()
            self.depth -= 1
            self.func_stack.pop()
            if budget_pushed:
                self.budget_stack.pop()
            if saved_ns is not None:
                self.ns_stack = saved_ns
        for early in frame.returns:
            result = self.merge_values(result, early, None)
        if frame.early:
            self.diag(node, "FS114", "info", f"{func.qualname} may return early on array data: its cost is an upper bound")
            for i in range(mark, len(self.events)):
                self.events[i] = self.events[i].scaled(label=worse(self.events[i].label, BOUND))
        return result

    def instantiate(self, node, cls: Class, args, kwargs) -> Value:
        inst = Instance(cls)
        init = cls.lookup("__init__")
        if isinstance(init, Function):
            self.call_function(node, init, args, kwargs, self_value=inst)
        return inst


# ---------------------------------------------------------------------- module-level helpers


_MISSING = object()

_AUG_OPS = {
    cst.AddAssign: "add", cst.SubtractAssign: "subtract", cst.MultiplyAssign: "multiply",
    cst.DivideAssign: "divide", cst.FloorDivideAssign: "floor_divide", cst.ModuloAssign: "remainder",
    cst.PowerAssign: "power", cst.MatrixMultiplyAssign: "matmul", cst.BitAndAssign: "bitwise_and",
    cst.BitOrAssign: "bitwise_or", cst.BitXorAssign: "bitwise_xor", cst.LeftShiftAssign: "left_shift",
    cst.RightShiftAssign: "right_shift",
}


def _dotted(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    raise ValueError(f"not a dotted name: {node}")


def _all_params(params: cst.Parameters):
    out = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
    return out


def _bind_params(params: cst.Parameters, args: list, kwargs: dict, defaults: dict) -> dict:
    """Python's argument binding for a libcst parameter list."""
    bound: dict[str, Value] = {}
    positional = list(params.posonly_params) + list(params.params)
    remaining = list(args)
    for p in positional:
        if remaining:
            bound[p.name.value] = remaining.pop(0)
    star = params.star_arg
    if remaining:
        if isinstance(star, cst.Param):
            bound[star.name.value] = Tuple(tuple(remaining))
        else:
            raise TypeError(f"takes {len(positional)} positional arguments but {len(args)} were given")
    elif isinstance(star, cst.Param):
        bound[star.name.value] = Tuple(())
    extra = {}
    names = {p.name.value for p in positional + list(params.kwonly_params)}
    posonly = {p.name.value for p in params.posonly_params}
    for k, v in kwargs.items():
        if k in names and k not in posonly:
            if k in bound:
                raise TypeError(f"got multiple values for argument '{k}'")
            bound[k] = v
        else:
            extra[k] = v
    if extra:
        if params.star_kwarg is not None:
            bound[params.star_kwarg.name.value] = Dict(dict(extra))
        else:
            raise TypeError(f"got an unexpected keyword argument '{next(iter(extra))}'")
    elif params.star_kwarg is not None:
        bound[params.star_kwarg.name.value] = Dict({})
    for p in positional + list(params.kwonly_params):
        name = p.name.value
        if name not in bound:
            if name in defaults:
                bound[name] = defaults[name]
            else:
                raise TypeError(f"missing required argument '{name}'")
    return bound


def _get_slot(container, key):
    if isinstance(container, Scope):
        return container.vars.get(key, _MISSING)
    if isinstance(container, (Instance, ObjectValue)):
        return container.attrs.get(key[5:], _MISSING)
    if isinstance(container, Class):
        return container.attrs.get(key[4:], _MISSING)
    if isinstance(container, Dict):
        return container.items.get(key, _MISSING)
    if isinstance(container, List):
        return container.items[key] if 0 <= key < len(container.items) else _MISSING
    return _MISSING


def _set_slot(container, key, value) -> None:
    if isinstance(container, Scope):
        if value is _MISSING:
            container.vars.pop(key, None)
        else:
            container.vars[key] = value
    elif isinstance(container, (Instance, ObjectValue)):
        if value is _MISSING:
            container.attrs.pop(key[5:], None)
        else:
            container.attrs[key[5:]] = value
    elif isinstance(container, Class):
        if value is _MISSING:
            container.attrs.pop(key[4:], None)
        else:
            container.attrs[key[4:]] = value
    elif isinstance(container, Dict):
        if value is _MISSING:
            container.items.pop(key, None)
        else:
            container.items[key] = value
    elif isinstance(container, List):
        if value is not _MISSING and 0 <= key < len(container.items):
            container.items[key] = value


def _snapshot_writes(log) -> dict:
    """(container, key) -> final value, for every slot the log touched."""
    out = {}
    for container, key, _old in log:
        out[(id(container), key)] = (container, key)
    return {(c, k): _get_slot(c, k) for (c, k) in out.values()}


def _entry_values(log) -> dict:
    out = {}
    for container, key, old in log:
        out.setdefault((container, key), old)
    return out


def _undo_writes(log) -> None:
    for container, key, old in reversed(log):
        _set_slot(container, key, old)


def _list_lengths_before(appends) -> list:
    seen = {}
    for lst, n_before in appends:
        if id(lst) not in seen:
            seen[id(lst)] = (lst, n_before)
    return list(seen.values())


def _weight(ev: Event, cond) -> Event:
    return ev.scaled(total=sympy.Piecewise((ev.total, cond), (0, True)), count=sympy.Piecewise((ev.count, cond), (0, True)))


def _same_value(a, b) -> bool:
    if a is b:
        return True
    if isinstance(a, Scalar) and isinstance(b, Scalar):
        if a.known and b.known:
            return sympy.expand(sympy.sympify(a.expr) - sympy.sympify(b.expr)) == 0
        return not a.known and not b.known
    if isinstance(a, Array) and isinstance(b, Array):
        return (
            len(a.shape) == len(b.shape)
            and all(sympy.expand(sympy.sympify(x) - sympy.sympify(y)) == 0 for x, y in zip(a.shape, b.shape))
            and a.metered == b.metered
            and a.symmetry == b.symmetry
        )
    if isinstance(a, Tuple) and isinstance(b, Tuple):
        return len(a.items) == len(b.items) and all(_same_value(x, y) for x, y in zip(a.items, b.items))
    if isinstance(a, (NoneValue,)) and isinstance(b, NoneValue):
        return True
    if isinstance(a, Str) and isinstance(b, Str):
        return a.value == b.value
    if isinstance(a, Unknown) and isinstance(b, Unknown):
        return True
    return False


def _linear_step(old, new, var):
    """A function t -> value for state that grows by a constant step per iteration.

    A scalar that becomes data-dependent is widened to "data-dependent" for
    every iteration: such a value cannot change a cost except through a branch
    (an upper bound then) or a shape (unknown then).
    """
    if isinstance(old, Scalar) and isinstance(new, Scalar) and not new.known:
        widened = Scalar(None, new.kind)
        return lambda t, widened=widened: widened
    if isinstance(old, Scalar) and isinstance(new, Scalar) and old.known and new.known:
        delta = sympy.expand(sympy.sympify(new.expr) - sympy.sympify(old.expr))
        if var in delta.free_symbols:
            return None
        x0 = sympy.sympify(old.expr)
        return lambda t, x0=x0, delta=delta, old=old: Scalar(sympy.expand(x0 + t * delta), old.kind)
    if isinstance(old, Array) and isinstance(new, Array) and len(old.shape) == len(new.shape) and old.metered == new.metered:
        deltas = []
        for x, y in zip(old.shape, new.shape):
            d = sympy.expand(sympy.sympify(y) - sympy.sympify(x))
            if var in d.free_symbols:
                return None
            deltas.append(d)
        base = [sympy.sympify(x) for x in old.shape]
        return lambda t, base=base, deltas=deltas, old=old: Array(
            tuple(_as_dim(sympy.expand(x + t * d)) for x, d in zip(base, deltas)), old.metered, old.dtype
        )
    return None


def _as_dim(expr):
    return int(expr) if getattr(expr, "is_Integer", False) else expr


def _mentions(value: Value, var) -> bool:
    if isinstance(value, Array):
        return any(var in sympy.sympify(d).free_symbols for d in value.shape)
    if isinstance(value, Scalar) and value.known:
        return var in sympy.sympify(value.expr).free_symbols
    if isinstance(value, Tuple):
        return any(_mentions(v, var) for v in value.items)
    return False


def _subs_value(value: Value, var, replacement) -> Value:
    if isinstance(value, Array):
        return Array(tuple(_as_dim(sympy.sympify(d).subs(var, replacement)) for d in value.shape), value.metered, value.dtype, symmetry=value.symmetry)
    if isinstance(value, Scalar) and value.known:
        return Scalar(sympy.sympify(value.expr).subs(var, replacement), value.kind)
    if isinstance(value, Tuple):
        return Tuple(tuple(_subs_value(v, var, replacement) for v in value.items))
    return value


def _forget(value: Value) -> Value:
    if isinstance(value, Scalar):
        return Scalar(None, value.kind)
    if isinstance(value, Array):
        return Unknown("an array whose shape changes in a loop the analyzer cannot follow")
    return value if isinstance(value, (Function, Class, Module)) else Unknown("changed in a loop the analyzer cannot follow")


def _target_names(target) -> set:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        out = set()
        for el in target.elements:
            out |= _target_names(el.value)
        return out
    return set()


def _owner_class(func: Function, self_value) -> Class | None:
    cls = self_value.cls if isinstance(self_value, Instance) else self_value if isinstance(self_value, Class) else None
    pending = [cls] if cls is not None else []
    while pending:
        c = pending.pop(0)
        if any(v is func for v in c.attrs.values()):
            return c
        pending.extend(b for b in c.bases if isinstance(b, Class))
    return None


def _key_value(key):
    if isinstance(key, str):
        return Str(key)
    if isinstance(key, int):
        return Scalar(sympy.Integer(key), "int")
    return Unknown("a dict key")


class _CallFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.calls = 0

    def visit_Call(self, node: cst.Call) -> None:
        self.calls += 1

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        self.calls += 1
