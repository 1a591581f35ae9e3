"""Statements: the analyzer's entry point, walking a solver's libcst tree.

:class:`Analyzer` runs the program once, symbolically: assignments (every store
through the journal, so loops and branches see what changed), imports (which
names are flopscope, NumPy, math), function and class definitions, decorators
(``@flops.budget``, ``@flops.namespace``), ``if`` / ``for`` / ``while`` / ``with``
/ ``try``, and calls of user functions, each analyzed at its call with its
arguments. Layers below: flow (branches and loops), builtins, evaluation
(expressions), pricing (the cost table), record (events and state), facts (sizes).
"""

from __future__ import annotations

import builtins as _py_builtins

import libcst as cst
import sympy

from flopscope.analyzer.diagnostics import (
    ARRAY_ESCAPES,
    IMPORT_CALLS,
    NUMPY_SCALAR_TYPES,
    SETTERS,
    attribute_escape,
    import_escape,
    is_meter_path,
    name_escape,
    private_escape,
    store_escape,
)
from flopscope.analyzer.facts import MAX_CALL_DEPTH
from flopscope.analyzer.flow import Flow, merge_events
from flopscope.analyzer.model import BOUND, UNKNOWN, worse
from flopscope.analyzer.record import (
    BreakSignal,
    CallFinder,
    ContinueSignal,
    Frame,
    MemoFrame,
    RaiseSignal,
    ReturnSignal,
    Scope,
    memo_frames,
    world,
)
from flopscope.analyzer.values import (
    Array,
    BudgetValue,
    Builtin,
    Class,
    Dict,
    Function,
    Instance,
    List,
    Module,
    NamespaceValue,
    NoneValue,
    ObjectValue,
    Opaque,
    Scalar,
    Str,
    Tuple,
    Unknown,
    Value,
    NoFingerprint,
    fingerprint,
    fresh,
    is_meter_value,
    reusable,
)
from flopscope.costs.methods import ARRAY_METHODS, IN_PLACE, OP, VIEW


_AUG_OPS = {
    cst.AddAssign: "add", cst.SubtractAssign: "subtract", cst.MultiplyAssign: "multiply",
    cst.DivideAssign: "divide", cst.FloorDivideAssign: "floor_divide", cst.ModuloAssign: "remainder",
    cst.PowerAssign: "power", cst.MatrixMultiplyAssign: "matmul", cst.BitAndAssign: "bitwise_and",
    cst.BitOrAssign: "bitwise_or", cst.BitXorAssign: "bitwise_xor", cst.LeftShiftAssign: "left_shift",
    cst.RightShiftAssign: "right_shift",
}

class Analyzer(Flow):
    """The abstract interpreter: a program's statements, run on abstract values."""

    def run_module(self, module: cst.Module) -> None:
        from flopscope.analyzer.positions import index

        self.module_node = module
        self.positions, order = index(module)
        for node, message in scan_escapes(order):
            self.escape(node, message)
        del order
        self.exec_block(module.body, self.module_scope)

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
        try:
            self.progress.line = self.positions[stmt][0]
        except (KeyError, TypeError):
            pass
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
            what = "an exception"
            if small.exc is not None:
                exc = self.eval(small.exc, scope)
                if small.cause is not None:
                    self.eval(small.cause.item, scope)
                what = _exception_text(small.exc, exc)
            site = self.pos(small)
            raise RaiseSignal(what, site.line, site.col)
        else:
            self.diag(small, "FS103", "warning", f"{type(small).__name__} is not analyzed")

    def assign(self, target: cst.CSTNode, value: Value, scope: Scope, node: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            if scope.kind == "module" and name in self.symbols and isinstance(value, Scalar):
                value = self.module_constant(name, value, node)
            elif isinstance(value, Scalar) and value.known and value.kind == "int" and scope.kind != "class":
                sym = self.name_size(name, value.expr, self.pos(target))
                if sym is not None:
                    value = Scalar(sym, "int")
            self.write(scope.target_for(name), name, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            items = self.unpack(value, len(target.elements), node)
            for element, item in zip(target.elements, items):
                self.assign(element.value, item, scope, node)
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value, scope)
            self.escape(target, store_escape(target.attr.value, is_meter_value(obj)))
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
        """Importing NumPy, flopscope's internals, threads, processes, ...: an escape from the meter."""
        self.escape(node, import_escape(module))

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
        if _is_dataclass(node) or any(isinstance(b, Opaque) and b.what.endswith("NamedTuple") for b in bases):
            cls.fields = tuple(self._class_fields(node, cls_scope))
        self.write(scope, node.name.value, cls)

    def _class_fields(self, node: cst.ClassDef, cls_scope: Scope):
        """A dataclass's fields: its annotated names in order, with their defaults
        (``field(default=...)``, ``field(default_factory=list)``)."""
        for stmt in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if not isinstance(small, cst.AnnAssign) or not isinstance(small.target, cst.Name):
                    continue
                if "ClassVar" in cst.Module([]).code_for_node(small.annotation.annotation):
                    continue
                name = small.target.value
                value = small.value
                if value is None:
                    yield name, None
                elif isinstance(value, cst.Call) and _callee_name(value) in ("field", "dataclasses.field"):
                    default = None
                    for arg in value.args:
                        if arg.keyword is not None and arg.keyword.value == "default":
                            default = self.eval(arg.value, cls_scope)
                        elif arg.keyword is not None and arg.keyword.value == "default_factory":
                            factory = _callee_name(cst.Call(arg.value)) if isinstance(arg.value, (cst.Name, cst.Attribute)) else ""
                            default = (lambda: List([])) if factory == "list" else (lambda: Dict({})) if factory == "dict" else (
                                lambda: Unknown("a dataclass field's default_factory"))
                    yield name, default
                else:
                    yield name, cls_scope.vars.get(name)

    def stmt_If(self, node: cst.If, scope: Scope) -> None:
        self.branch(node, node.test, lambda: self.exec_body(node.body, scope), self._else_runner(node.orelse, scope), scope)

    def _else_runner(self, orelse, scope):
        if orelse is None:
            return lambda: None
        if isinstance(orelse, cst.If):
            return lambda: self.stmt_If(orelse, scope)
        return lambda: self.exec_body(orelse.body, scope)

    def stmt_For(self, node: cst.For, scope: Scope) -> None:
        iterable = self.eval(node.iter, scope)
        self.enter_loop()
        self.loop_end = None
        try:
            self.for_loop(node, node.target, iterable, lambda: self.exec_body(node.body, scope), scope)
        finally:
            self.leave_loop()
        self.loop_else(node, scope)

    def loop_else(self, node, scope: Scope) -> None:
        """A loop's ``else`` runs unless the loop broke: never after a break at the given
        sizes, and as a branch on data (an upper bound) after a break the data decides."""
        ended, self.loop_end = self.loop_end, None
        if node.orelse is None or ended == "break":
            return
        if ended == "maybe":
            self.data_branch(node.orelse, lambda: self.exec_body(node.orelse.body, scope), lambda: None, scope)
            return
        self.exec_body(node.orelse.body, scope)

    def stmt_While(self, node: cst.While, scope: Scope) -> None:
        mark = len(self.events)
        self.loop_flags.append(set())
        self.enter_loop()
        try:
            self.while_loop(node, scope)
        finally:
            flags = self.loop_flags.pop()
            self.leave_loop()
        if flags:
            self.diag(node, "FS114", "info", f"'{', '.join(sorted(flags))}' inside this loop: its cost is an upper bound")
            for i in range(mark, len(self.events)):
                self.events[i] = self.events[i].scaled(label=worse(self.events[i].label, BOUND))

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
        """try / except / else / finally, soundly: the body may stop at any exception, then a
        handler runs; so the body and the costliest of (else, each handler) are counted, an
        upper bound (FS117), unless nothing in them is charged. finally always runs."""
        try:
            if node.handlers:
                self.try_with_handlers(node, scope)
            else:
                self.exec_body(node.body, scope)
        finally:
            if node.finalbody is not None:
                self.exec_body(node.finalbody.body, scope)

    def try_with_handlers(self, node: cst.Try, scope: Scope) -> None:
        finder = CallFinder()
        node.visit(finder)
        if not finder.calls:  # nothing in it can be charged
            raised, left = self._run_try_body(node, scope)
            if left is not None:
                raise left
            if raised is None and node.orelse is not None:
                self.exec_body(node.orelse.body, scope)
            return
        region = next(self._regions)
        self.region_stack.append(region)
        self.label_stack.append(worse(self.label, BOUND))
        left = None
        try:
            raised, left = self._run_try_body(node, scope)
            runners = [lambda h=h: self._run_handler(h, scope) for h in node.handlers]
            if raised is None and left is None:
                runners.append(lambda: self.exec_body(node.orelse.body, scope) if node.orelse is not None else None)
            exits = self.costliest(node, runners, propagate=left is None)
        finally:
            self.label_stack.pop()
            self.region_stack.pop()
        self.diag(node, "FS117", "info", "a try with except handlers: the body may stop at an exception and a handler "
                  "run instead of the rest; the body and the costliest handler are counted (an upper bound)")
        if left is not None:
            # the body returned (or left its loop), unless an exception stopped it first and a
            # handler ran: if every handler leaves too, so does the try; else both ways go on
            if all(x is not None for x in exits):
                raise left
            self.note_exit(left)

    def _run_try_body(self, node: cst.Try, scope: Scope):
        """The try body: (the raise it reaches at the given sizes, the return/break/continue
        it leaves by), each None if it does not."""
        try:
            self.exec_body(node.body, scope)
        except RaiseSignal as sig:
            return sig, None
        except (ReturnSignal, BreakSignal, ContinueSignal) as sig:
            return None, sig
        return None, None

    def _run_handler(self, handler: cst.ExceptHandler, scope: Scope) -> None:
        if handler.type is not None:
            self.eval(handler.type, scope)
        if handler.name is not None:
            self.assign(handler.name.name, Opaque("exception instance"), scope, handler)
        self.exec_body(handler.body, scope)

    def call_function(self, node, func: Function, args: list[Value], kwargs: dict[str, Value], self_value: Value | None = None) -> Value:
        """A user-function call, analyzed at its arguments.

        A call the analysis has already followed in the same context (arguments equal
        in shape and value, the same state around it, no stores outside itself)
        reuses that analysis: Strassen's seven products of one size, a table helper
        called per layer. A call that recurses on the same arguments is cut: it costs
        nothing if the calls around it charge nothing (a pure-Python helper), and is
        an unknown cost otherwise."""
        at = self._value_at_sizes
        try:
            rec = (id(func.node), fingerprint(Tuple((self_value or NoneValue(), *args)), at=at),
                   tuple((k, fingerprint(v, at=at)) for k, v in sorted(kwargs.items())))
        except NoFingerprint:
            rec = None
        frames = memo_frames()
        if rec is not None:
            for i in range(len(frames) - 1, -1, -1):
                if frames[i].rec == rec:
                    return self.cut_recursion(node, func, frames, i)
        key = None
        if rec is not None and getattr(func.scope, "kind", None) in ("module", "class"):
            key = (rec, world(), tuple(f.qualname for f in self.func_stack), tuple(b.ident for b in self.budget_stack),
                   tuple(self.ns_stack), self.label, self.region_stack[0] if self.region_stack else None,
                   tuple((b.var, b.lo, b.hi) for b in self.loop_bounds), self.loop_depth)
            hit = self.memo.get(key)
            if hit is not None:
                self.memo_hits += 1
                if hit[2] != self._symbolic_fingerprint(self_value, args, kwargs):
                    self.diag(func.node, "FS116", "info", f"calls of {func.qualname} were followed at the given sizes: calls "
                              "whose arguments have the same sizes there reuse one analysis, so the formula holds at those sizes")
                self.events.extend(hit[0])
                return fresh(hit[1])
        frame = MemoFrame(rec, func.qualname)
        frames.append(frame)
        mark = len(self.events)
        state = self._memo_state()
        try:
            result = self._call_function(node, func, args, kwargs, self_value)
        finally:
            frames.pop()
        if frame.cuts:
            self._settle_cuts(frame, mark)
        if key is not None and frame.pure and reusable(result) and self._memo_state() == state:
            if len(self.events) - mark > 32:
                # added up per site, so that calls reused inside reused calls (Strassen's
                # seven products at every level) do not multiply the events
                self.events[mark:] = merge_events(self.events[mark:])
            self.memo[key] = (self.events[mark:], result, self._symbolic_fingerprint(self_value, args, kwargs))
        return result

    def _value_at_sizes(self, expr):
        """A size's value where every symbol in it has one (None inside loops being summed:
        there a size may depend on the index)."""
        if self.loop_bounds:
            return None
        value = self.numeric(expr)
        return value if value is not None and value.is_number else None

    @staticmethod
    def _symbolic_fingerprint(self_value, args, kwargs):
        try:
            return (fingerprint(Tuple((self_value or NoneValue(), *args))),
                    tuple((k, fingerprint(v)) for k, v in sorted(kwargs.items())))
        except NoFingerprint:
            return None

    def _memo_state(self) -> tuple:
        """What a call may change besides stores and events: then its analysis is not reused."""
        # (named sizes a call makes stay defined: its reused events may mention them)
        return (len(self.data_symbols), len(self.index_symbols), tuple(self.loop_trouble), self.order_assumed, self.stop)

    def cut_recursion(self, node, func: Function, frames: list, i: int) -> Value:
        for inner in frames[i + 1:]:
            inner.pure = False  # their analysis holds a cut that only the caller settles
        sym = sympy.Symbol(f"unknown{next(self._unknowns)}", nonnegative=True)
        self.charge(node, f"call {func.qualname}", sym, UNKNOWN)
        frames[i].cuts.append((sym, node))
        return Unknown(f"the result of {func.qualname}, which calls itself on the same arguments")

    def _settle_cuts(self, frame: MemoFrame, mark: int) -> None:
        """A call's recursions on its own arguments: free if nothing else in it charges
        (each deeper call would do the same, so none charges), else an unknown cost."""
        syms = {sym for sym, _ in frame.cuts}

        def is_cut(e) -> bool:
            return bool((sympy.sympify(e.total).free_symbols | sympy.sympify(e.per_call).free_symbols) & syms)

        own = self.events[mark:]
        charged = any(not is_cut(e) and e.kind == "charge" and sympy.sympify(e.total) != 0 for e in own)
        if not charged and frame.pure:
            self.events[mark:] = [e for e in own if not is_cut(e)]
            return
        for _, node in frame.cuts:
            self.diag(node, "FS110", "warning", f"{frame.name} calls itself on the same arguments (sizes and values): "
                      "the analysis cannot see where the recursion ends, so its cost is unknown")

    def _call_function(self, node, func: Function, args: list[Value], kwargs: dict[str, Value], self_value: Value | None = None) -> Value:
        if self.depth >= MAX_CALL_DEPTH:
            for frame in memo_frames():
                frame.pure = False
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
            return self.unknown(node, str(err))
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
        fields = cls.all_fields()
        if fields is not None:
            # the __init__ a dataclass (or NamedTuple) writes: its fields in order, then __post_init__
            names = [name for name, _ in fields]
            if len(args) > len(names) or set(kwargs) - set(names):
                self.diag(node, "FS108", "error", f"{cls.name}(): the arguments do not match its fields ({', '.join(names)})")
                return self.unknown(node, f"{cls.name}()")
            given = dict(zip(names, args))
            for name, default in fields:
                if name in kwargs:
                    value = kwargs[name]
                elif name in given:
                    value = given[name]
                elif default is None:
                    self.diag(node, "FS108", "error", f"{cls.name}() is missing its field {name!r}")
                    value = self.unknown(node, f"{cls.name}.{name}")
                else:
                    value = default() if callable(default) else default
                self.write(inst, "attr:" + name, value)
            post = cls.lookup("__post_init__")
            if isinstance(post, Function):
                self.call_function(node, post, [], {}, self_value=inst)
        return inst

def _callee_name(call: cst.Call) -> str:
    try:
        return _dotted(call.func)
    except ValueError:
        return ""


def _is_dataclass(node: cst.ClassDef) -> bool:
    for dec in node.decorators:
        expr = dec.decorator.func if isinstance(dec.decorator, cst.Call) else dec.decorator
        try:
            if _dotted(expr) in ("dataclass", "dataclasses.dataclass"):
                return True
        except ValueError:
            continue
    return False


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

def _owner_class(func: Function, self_value) -> Class | None:
    cls = self_value.cls if isinstance(self_value, Instance) else self_value if isinstance(self_value, Class) else None
    pending = [cls] if cls is not None else []
    while pending:
        c = pending.pop(0)
        if any(v is func for v in c.attrs.values()):
            return c
        pending.extend(b for b in c.bases if isinstance(b, Class))
    return None


def _exception_text(node, value) -> str:
    """How a raised exception reads in a diagnostic: RuntimeError('setup was not run')."""
    try:
        text = cst.Module([]).code_for_node(node)
    except Exception:  # noqa: BLE001 - only for a message
        text = "an exception"
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------------- escapes from the meter, in the source

_BUILTIN_NAMES = frozenset(n for n in dir(_py_builtins) if not n.startswith("_")) | {"__import__"}
_DICT_WRITES = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"})
_FLOPSCOPE_ARRAY_TYPES = frozenset({"flopscope.FlopscopeArray", "flopscope.SymmetricTensor"})
_PLAIN_ARRAY_TYPES = (".ndarray", ".matrix", ".recarray", ".memmap", ".chararray", ".MaskedArray")
# a NumPy scalar's methods that hand back a plain ndarray (A.reshape, A.repeat, A.astype, ...)
_SCALAR_ARRAY_METHODS = frozenset(n for n, spec in ARRAY_METHODS.items() if spec.kind in (OP, IN_PLACE, VIEW)) - {
    "real", "imag", "conj", "conjugate", "T", "mT"}


def scan_escapes(order: list) -> list:
    """Every escape from the meter the source shows (FS112), as (node, message) pairs,
    wherever it is: code the abstract run does not reach (a function never called, a
    branch not taken) is scanned too. Names are resolved through the file's imports
    (``import sys as s``, ``from os import system``), Python's builtins, and the names
    the file binds to flopscope's objects (``A = fnp.ones(n)``); what only the values
    tell (``setattr`` on an array passed as an argument) the run reports.

    ``order`` is the file's nodes in source order (:func:`positions.index`); each pass
    below reads it as a visitor would walk the tree, parents before children."""
    skip: set = set()  # the dotted names of import aliases are names, not expressions
    for node in order:
        if isinstance(node, cst.ImportAlias):
            skip.update(id(part) for part in _name_parts(node.name))
            if node.asname is not None:
                skip.update(id(part) for part in _name_parts(node.asname.name))
    aliases = _ImportAliases()
    _visit(aliases, order, skip)
    held = _MeterNames(aliases.names)
    for _ in range(4):  # B = A.T after A = fnp.ones(n): a few passes reach a fixed point
        before = len(held.names)
        _visit(held, order, skip)
        if len(held.names) == before:
            break
    scan = _EscapeScan(aliases.names, held)
    _visit(scan, order, skip)
    return scan.found


def _name_parts(node) -> list:
    parts = [node]
    while isinstance(node, cst.Attribute):
        parts.append(node.attr)
        node = node.value
        parts.append(node)
    return parts


def _visit(visitor, order: list, skip: set) -> None:
    """Call ``visitor.visit_<Type>(node)`` for each node of ``order`` that has one."""
    methods: dict = {}
    for node in order:
        kind = type(node)
        method = methods.get(kind, _visit)
        if method is _visit:
            method = methods[kind] = getattr(visitor, "visit_" + kind.__name__, None)
        if method is not None and id(node) not in skip:
            method(node)


class _ImportAliases:
    """name -> the dotted names the file's imports bind to it (in any scope)."""

    def __init__(self) -> None:
        self.names: dict[str, set] = {}

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = _dotted(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.names.setdefault(alias.asname.name.value, set()).add(full)
            else:
                root = full.split(".")[0]
                self.names.setdefault(root, set()).add(root)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = _dotted(node.module)
        for alias in node.names:
            name = _dotted(alias.name)
            bound = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            self.names.setdefault(bound, set()).add(f"{module}.{name}")


def _roots(node) -> list:
    """The names an expression starts from (``A`` in ``A.reshape(-1).base``; both sides of ``x * y``)."""
    while True:
        if isinstance(node, cst.Name):
            return [node.value]
        if isinstance(node, cst.Attribute):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        elif isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.UnaryOperation):
            node = node.expression
        elif isinstance(node, cst.BinaryOperation):
            return _roots(node.left) + _roots(node.right)
        else:
            return []


class _MeterNames:
    """Names the file binds to one of the meter's objects (``A = fnp.ones(n)``,
    ``rng = fnp.random.default_rng(0)``, ``with flops.BudgetContext(...) as b``),
    so that ``rng._impl`` or ``A.reshape(-1).base`` is seen wherever it is."""

    def __init__(self, aliases: dict) -> None:
        self.aliases = aliases
        self.names: set = set()
        self.scalars: set = set()  # names bound to a NumPy scalar (s = fnp.float64(x))

    def scalar(self, node) -> bool:
        """``fnp.float64(x)``, ``A.dtype.type(x)``, or a name bound to one: a NumPy scalar."""
        if isinstance(node, cst.Name):
            return node.value in self.scalars
        if not isinstance(node, cst.Call):
            return False
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "type" and isinstance(func.value, cst.Attribute) \
                and func.value.attr.value == "dtype":
            return True
        names = set()
        if isinstance(func, cst.Name):
            names = set(self.aliases.get(func.value, ()))
        elif isinstance(func, cst.Attribute):
            roots = [r for r in _roots(func) if r in self.aliases]
            dotted = _dotted_or_none(func)
            if roots and dotted is not None:
                rest = dotted.split(".", 1)[1]
                names = {f"{d}.{rest}" for d in self.aliases[roots[0]]}
        return any(is_meter_path(d) and d.split(".")[-1] in NUMPY_SCALAR_TYPES for d in names)

    def rooted(self, node) -> bool:
        return any(r in self.names or any(is_meter_path(d) for d in self.aliases.get(r, ()))
                   for r in _roots(node))

    def bind(self, target, value) -> None:
        if isinstance(target, cst.Name) and self.scalar(value):
            self.scalars.add(target.value)
        if not self.rooted(value):
            return
        if isinstance(target, cst.Name):
            self.names.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                if isinstance(element.value, cst.Name):
                    self.names.add(element.value.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self.bind(node.target, node.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.bind(node.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.bind(node.asname.name, node.item)

    def visit_For(self, node: cst.For) -> None:
        self.bind(node.target, node.iter)


class _EscapeScan:
    def __init__(self, aliases: dict, held: _MeterNames) -> None:
        self.aliases = aliases
        self.held = held
        self.found: list = []
        self.attr_names: set = set()  # ids of the Name nodes that are an attribute's name

    def flag(self, node: cst.CSTNode, message: str | None) -> None:
        if message is not None:
            self.found.append((node, message))

    def resolve(self, node) -> set:
        """The dotted names ``node`` may stand for (``np.linalg`` -> numpy.linalg; a builtin -> its name)."""
        if isinstance(node, cst.Name):
            if node.value in self.aliases:
                return set(self.aliases[node.value])
            return {node.value} if node.value in _BUILTIN_NAMES else set()
        if isinstance(node, cst.Attribute):
            return {f"{d}.{node.attr.value}" for d in self.resolve(node.value)}
        if isinstance(node, cst.Call):
            callee = _normal(self.resolve(node.func)) & IMPORT_CALLS
            name = _first_string(node)
            if callee and name:
                return {name.split(".")[0] if any(c.endswith("__import__") for c in callee) else name}
        return set()

    def meter_path(self, node) -> str | None:
        return next((d for d in sorted(self.resolve(node)) if is_meter_path(d)), None)

    # -------------------------------------------------------------- imports

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self.flag(node, import_escape(_dotted(alias.name)))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = _dotted(node.module)
        self.flag(node, import_escape(module))
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                self.flag(node, import_escape(f"{module}.{_dotted(alias.name)}"))

    # -------------------------------------------------------------- names and attributes

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "__builtins__" and id(node) not in self.attr_names:
            self.flag(node, name_escape(node.value))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.attr_names.add(id(node.attr))
        attr = node.attr.value
        self.flag(node, name_escape(attr))
        if attr == "__dict__" and self.meter_path(node.value):
            self.flag(node, f"__dict__ of {self.meter_path(node.value)}: it reads flopscope's (or NumPy's) own "
                      "objects around their API")
        for dotted in sorted(self.resolve(node)):
            self.flag(node, attribute_escape(dotted))
        if self.held.rooted(node.value):
            if attr == "__dict__":
                self.flag(node, "__dict__: it reads the attributes of flopscope's (or NumPy's) own objects around their API")
            self.flag(node, private_escape(attr))
            if attr in ARRAY_ESCAPES and attr != "data":  # (.data: a common name; the run reports it on arrays)
                self.flag(node, ARRAY_ESCAPES[attr].format(f"A.{attr}"))
        if attr == "ctypes":
            self.flag(node, ARRAY_ESCAPES["ctypes"].format("A.ctypes"))
        if attr in _SCALAR_ARRAY_METHODS and self.held.scalar(node.value):
            self.flag(node, f"{attr}() of a NumPy scalar returns a plain NumPy array: work on it is not metered")

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.attr_names.add(id(node.name))
        for base in node.bases:
            dotted = self.meter_path(base.value) if base.keyword is None else None
            if dotted is not None and not dotted.endswith(("Error", "Exception", "Warning")):
                self.flag(base.value, f"class {node.name.value}({dotted.split('.')[-1]}): a subclass of flopscope's "
                          "(or NumPy's) own class overrides what the meter relies on")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.attr_names.add(id(node.name))

    def visit_Param(self, node: cst.Param) -> None:
        self.attr_names.add(id(node.name))

    # -------------------------------------------------------------- calls

    def visit_Call(self, node: cst.Call) -> None:
        callee = _normal(self.resolve(node.func))
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if callee & IMPORT_CALLS:
            name = _first_string(node)
            if name is None:
                self.flag(node, f"{min(callee & IMPORT_CALLS)}() of a computed name: it may import NumPy or "
                          "flopscope's internals, around the meter")
            else:
                self.flag(node, import_escape(name))
        if callee & {"flopscope.numpy.ndarray", "numpy.ndarray"}:
            self.flag(node, "ndarray(...): it builds a plain NumPy array directly, around the meter")
        if "memoryview" in callee:
            self.flag(node, "memoryview(): it hands out an array's raw memory: work on it is not metered")
        if callee & {"flopscope.numpy.errstate", "numpy.errstate"} and "call" in keywords:
            self.flag(node, "errstate(call=...): a floating-point error callback runs Python code inside "
                      "flopscope's operations")
        if callee & (SETTERS | {"getattr", "hasattr", "vars"}) and positional:
            self.attribute_call(node, min(callee & (SETTERS | {"getattr", "hasattr", "vars"})), positional)
        func = node.func
        if isinstance(func, cst.Attribute):
            if func.attr.value == "view" and self.view_to_plain(positional, keywords):
                self.flag(node, "A.view(ndarray): it asks for the array as another, unmetered array type")
            if func.attr.value == "astype" and "subok" in keywords and not (
                    isinstance(keywords["subok"], cst.Name) and keywords["subok"].value == "True"):
                self.flag(node, "astype(subok=False): it asks for the array as a plain, unmetered NumPy array")
            if func.attr.value in _DICT_WRITES and isinstance(func.value, cst.Attribute) and func.value.attr.value == "__dict__":
                self.flag(func.value, store_escape("__dict__", False, "writing"))

    def attribute_call(self, node: cst.Call, what: str, positional: list) -> None:
        """getattr / setattr / delattr / hasattr / vars with names the source spells out."""
        target = self.meter_path(positional[0])
        name = _string(positional[1]) if len(positional) > 1 else None
        if what == "vars":
            if target:
                self.flag(node, f"vars() of {target}: it reads flopscope's (or NumPy's) own objects around their API")
            return
        if name is not None:
            self.flag(node, name_escape(name))
            for dotted in sorted(self.resolve(positional[0])):
                self.flag(node, attribute_escape(f"{dotted}.{name}"))
        if what in SETTERS:
            verb = what.replace("object.", "").replace("type.", "").strip("_")
            if target:
                self.flag(node, f"{verb}() on {target}: it changes flopscope's (or NumPy's) own objects around their API")
            if name in ("__class__", "__dict__"):
                self.flag(node, f"{verb}() of {name}: it changes what an object is, around the meter")
        elif name == "__dict__" and target:
            self.flag(node, f"__dict__ of {target}: it reads flopscope's (or NumPy's) own objects around their API")

    def view_to_plain(self, positional: list, keywords: dict) -> bool:
        """``A.view(np.ndarray)``, ``A.view(type=...)``, ``A.view(dtype, type)``: a type other than flopscope's."""
        if "type" in keywords:
            given = keywords["type"]
        elif len(positional) >= 2:
            given = positional[1]
        elif len(positional) == 1 and any(is_meter_path(d) and d.endswith(_PLAIN_ARRAY_TYPES)
                                          for d in self.resolve(positional[0])):
            return True
        else:
            return False
        if isinstance(given, cst.Name) and given.value == "None":
            return False
        return not ({d.replace("flopscope.numpy.", "flopscope.") for d in self.resolve(given)} & _FLOPSCOPE_ARRAY_TYPES)

    # -------------------------------------------------------------- stores

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.store(target.target, "assigning")

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.store(node.target, "assigning")

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.store(node.target, "assigning")

    def visit_Del(self, node: cst.Del) -> None:
        self.store(node.target, "deleting")

    def store(self, target, verb: str) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.store(element.value, verb)
        elif isinstance(target, cst.StarredElement):
            self.store(target.value, verb)
        elif isinstance(target, cst.Attribute):
            self.flag(target, store_escape(target.attr.value, self.meter_path(target.value) is not None, verb))
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Attribute) \
                and target.value.attr.value == "__dict__":
            self.flag(target.value, store_escape("__dict__", False, "writing" if verb == "assigning" else verb))


def _dotted_or_none(node) -> str | None:
    try:
        return _dotted(node)
    except ValueError:
        return None


def _normal(names: set) -> set:
    """Builtins reached through the builtins module are the builtins."""
    return {d.removeprefix("builtins.") for d in names}


def _string(node) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _first_string(call: cst.Call) -> str | None:
    """The module name a call of __import__ / import_module gives as a literal, if it does."""
    for arg in call.args:
        if arg.keyword is None and not arg.star:
            return _string(arg.value)
        if arg.keyword is not None and arg.keyword.value == "name":
            return _string(arg.value)
    return None
