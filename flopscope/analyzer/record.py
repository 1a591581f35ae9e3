"""The record of an analysis: cost events, diagnostics, and the state the program writes.

:class:`Recorder` appends an :class:`~flopscope.analyzer.model.Event` per counted call
(``charge``; ``charge_unknown`` for a cost that cannot be known, with its
diagnostic), keeps the stacks that label events (namespaces, budgets, the user
functions on the call stack, exact / upper-bound labels, bound regions), and
journals every store (``write``) and list append so that loops and branches can
see what their bodies changed and take it back. Scopes and the signals that
leave a block (return, break, continue) live here too.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import libcst as cst
import sympy

from flopscope.analyzer.diagnostics import ESCAPE
from flopscope.analyzer.facts import Facts
from flopscope.analyzer.limits import Progress
from flopscope.analyzer.model import EXACT, UNKNOWN, BudgetInfo, Diagnostic, Event, Site, worse
from flopscope.analyzer.values import Class, Dict, Instance, List, ObjectValue, Unknown, Value, birth, root_unknown


class AnalysisError(Exception):
    """An internal limit or a construct that stops the analysis of one part."""

class ReturnSignal(Exception):
    def __init__(self, value: Value):
        self.value = value

class RaiseSignal(Exception):
    """A ``raise`` reached by the analysis: the program (or the enclosing try) leaves here."""

    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


class BreakSignal(Exception):
    pass

class ContinueSignal(Exception):
    pass

class Scope:
    __slots__ = ("vars", "parent", "kind", "module", "global_names", "nonlocal_names", "born")

    def __init__(self, parent: "Scope | None", kind: str) -> None:
        self.born = birth()
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

class MemoFrame:
    """A user-function call being analyzed, for the reuse of its analysis.

    ``start`` stamps the call's beginning: containers made later are its own. A store
    into an older container makes the call impure (its analysis is then not reused);
    ``cuts`` are recursive calls on the same arguments cut short inside it."""

    __slots__ = ("start", "pure", "rec", "cuts", "name")

    def __init__(self, rec, name: str) -> None:
        self.start = birth()
        self.pure = True
        self.rec = rec
        self.cuts: list = []
        self.name = name


# The calls being analyzed on this thread, innermost last, and a counter of stores
# made outside them (the state a call may read besides its arguments).
_MEMO = threading.local()


def memo_frames() -> list:
    frames = getattr(_MEMO, "frames", None)
    if frames is None:
        frames = _MEMO.frames = []
        _MEMO.world = 0
    return frames


def world() -> int:
    memo_frames()
    return _MEMO.world


def touch(container) -> None:
    """A store into ``container``: calls that did not make it are impure, and the
    state outside them has changed."""
    frames = memo_frames()
    born = getattr(container, "born", -1)
    if not frames or born < frames[-1].start:
        _MEMO.world += 1
    for frame in reversed(frames):
        if born >= frame.start:
            break
        frame.pure = False


class Recorder(Facts):
    """Events, diagnostics, labels, and the journal of stores."""

    def __init__(self, source: str, path: str, symbols: dict[str, Any], values: dict[str, int | None]) -> None:
        super().__init__(symbols, values)
        self.path = path
        self.source = source
        self.module_node: cst.Module | None = None  # the parsed file (set by run_module)
        self._lines: list | None = None
        self._ends: dict = {}
        self.events: list[Event] = []
        self.diagnostics: dict[tuple, Diagnostic] = {}
        self.budgets: list[BudgetInfo] = []
        self.ns_stack: list[str] = []
        self.budget_stack: list[BudgetInfo] = []
        self.func_stack: list[Frame] = []
        self.loop_flags: list[set] = []  # early exits seen inside each enclosing loop
        self.loop_end: str | None = None
        self.loose_call = False  # the op being priced has a loose array argument (values.Array.loose)  # how the loop just analyzed ended: "break", "maybe" (on data), None
        self.write_logs: list[list] = []
        self.append_logs: list[list] = []
        self.label_stack: list[str] = [EXACT]
        self.region_stack: list[int] = []
        self._regions = itertools.count(1)
        self._unknowns = itertools.count(1)
        self.site_unknowns: dict = {}  # (line, col, op) -> the symbol of its unknown cost
        self.unknown_causes: dict = {}  # (line, col) of an unknown site -> Site of the diagnostic it follows from
        self.depth = 0
        self.loop_marks: list[int] = []  # len(events) where each loop being analyzed began
        self.stable_sizes: dict = {}  # data sizes made once per key (flops_remaining at a site, a choice of two sizes), so loops settle
        self.memo: dict = {}  # a call's context and arguments -> (its events, its result)
        self.memo_hits = 0
        self.module_scope = Scope(None, "module")
        self.positions: Any = None
        self.progress = Progress(path=path)  # the line being analyzed, for the watcher (limits.py)
        self.real_path = path  # the file on disk (path may be how it is displayed)
        self.setup_events: list[Event] = []  # the contract's setup (outside the budget)
        self.contract_setup = False
        self.contract_ran = False
        self.stop: str | None = None  # why the analysis stopped early, if it did

    def pos(self, node: cst.CSTNode) -> Site:
        try:
            line, column = self.positions[node]
        except (KeyError, TypeError):
            return Site(0, 0)
        end = self._ends.get(node)
        if end is None:
            end = self._ends[node] = self._end_of(node, line, column + 1)
        return Site(line, column + 1, end[0], end[1])

    def _end_of(self, node: cst.CSTNode, line: int, col: int) -> tuple[int, int]:
        """Where ``node`` ends (its last line, the column after it): an expression's own
        text from its start; any other node (a statement) to the end of its first line."""
        if self._lines is None:
            self._lines = self.source.splitlines()
        lines = self._lines
        if not 0 < line <= len(lines):
            return (line, col)
        first_line_end = (line, len(lines[line - 1].rstrip()) + 1)
        if not isinstance(node, cst.BaseExpression) or self.module_node is None:
            return first_line_end
        try:
            bare = node.with_changes(lpar=(), rpar=()) if getattr(node, "lpar", None) else node
            code = self.module_node.code_for_node(bare).rstrip()
        except Exception:  # noqa: BLE001 - a position is never worth a failed analysis
            return first_line_end
        parts = code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if len(parts) == 1:
            return (line, col + len(parts[0]))
        last_line = line + len(parts) - 1
        if last_line > len(lines):
            return first_line_end
        text, last = lines[last_line - 1], parts[-1].strip()
        at = text.find(last)
        return (last_line, at + len(last) + 1 if at >= 0 else len(text.rstrip()) + 1)

    def diag(self, node: cst.CSTNode | None, code: str, severity: str, message: str) -> None:
        site = self.pos(node) if node is not None else Site(1, 1)
        # an escape from the meter is reported once a site (the scan of the source and
        # the abstract run may both see it): the first message stands
        key = (site.line, site.col, code, None if code == ESCAPE else message)
        if key not in self.diagnostics:
            self.diagnostics[key] = Diagnostic(site.line, site.col, code, severity, message, site.end_line,
                                               site.end_col)

    def escape(self, node: cst.CSTNode | None, message: str | None) -> None:
        """An escape from the meter at ``node`` (FS112); nothing if ``message`` is None."""
        if message is not None:
            self.diag(node, ESCAPE, "warning", message)

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
                region=self.region_stack[0] if self.region_stack else None,
            )
        )

    def charge_unknown(self, node: cst.CSTNode, op: str, reason: str, code: str = "FS101", because=()) -> Value:
        """A cost the analyzer cannot determine: an unknown term and one located diagnostic.

        One cause, one diagnostic: when an operand in ``because`` is an unknown whose
        cause was already reported, the cost is unknown here too but the diagnostic
        stays at the source; the site points to it instead."""
        here = self.pos(node)
        sym = self.unknown_symbol(here, op)
        self.charge(node, op, sym, UNKNOWN)
        root = root_unknown(because)
        if root is not None:
            cause = root.cause
            if cause is not None and cause != here:
                self.unknown_causes.setdefault((here.line, here.col), cause)
            return Unknown(root.reason, reported=True, cause=cause)
        self.diag(node, code, "warning", reason)
        return Unknown(reason, reported=True, cause=here)

    def unknown_symbol(self, site: Site, op: str):
        """The unknown cost of one call at a site: one symbol per site and operation, so a
        site reached again (in every iteration of a loop followed one by one) adds up to
        a count times that symbol, not to a sum of thousands of symbols."""
        key = (site.line, site.col, op)
        sym = self.site_unknowns.get(key)
        if sym is None:
            sym = self.site_unknowns[key] = sympy.Symbol(f"unknown{next(self._unknowns)}", nonnegative=True)
        return sym

    def unknown(self, node: cst.CSTNode, reason: str) -> Unknown:
        """An unknown value whose diagnostic was just given at ``node``."""
        return Unknown(reason, reported=True, cause=self.pos(node))

    def call_event(self, node: cst.CSTNode, qualname: str) -> None:
        self.events.append(
            Event(
                site=self.pos(node), op=f"call {qualname}", per_call=sympy.Integer(0), count=sympy.Integer(1),
                total=sympy.Integer(0), namespace=self.namespace(), functions=tuple(f.qualname for f in self.func_stack),
                budgets=tuple(b.ident for b in self.budget_stack), label=self.label, kind="call",
                region=self.region_stack[0] if self.region_stack else None,
            )
        )

    def opaque_region(self, node: cst.CSTNode) -> None:
        """A construct the analyzer skips: if it contains counted calls, the cost is unknown."""
        finder = CallFinder()
        node.visit(finder)
        if finder.calls:
            self.charge_unknown(node, "unanalyzed code", "code the analyzer does not follow may contain counted calls; its cost is unknown", "FS103")

    def raises_here(self, node: cst.CSTNode, what: str):
        """An operation that raises at the given sizes (shapes that do not match): the
        program leaves here, as at a ``raise``."""
        site = self.pos(node)
        raise RaiseSignal(what, site.line, site.col)

    def raised(self, sig: "RaiseSignal") -> None:
        """The program raises at the given sizes: what ran until then is its cost."""
        self.diagnostics[(sig.line, sig.col, "FS127", sig.message)] = Diagnostic(
            sig.line, sig.col, "FS127", "error",
            f"the program raises {sig.message} here at the given sizes: it stops here, and its cost is what ran until then")

    def stopped(self, reason: str) -> None:
        """The analysis was stopped (time limit, memory ceiling, interrupted): events that
        belong to loops still being summed are dropped, and the rest of the program is one
        unknown cost at the line where it stopped."""
        open_vars = {b.var for b in self.loop_bounds}
        if open_vars:
            self.events = [e for e in self.events
                           if not (sympy.sympify(e.total).free_symbols | sympy.sympify(e.count).free_symbols) & open_vars]
        line = self.progress.line
        self.stop = f"{reason} at line {line}"
        self.progress.stopped, self.progress.stopped_at = reason, line
        self.loop_bounds.clear()
        self.label_stack[:] = [EXACT]
        self.region_stack.clear()
        sym = sympy.Symbol(f"unknown{next(self._unknowns)}", nonnegative=True)
        site = Site(line, 1)
        self.events.append(Event(site=site, op="the rest of the analysis", per_call=sym, count=sympy.Integer(1),
                                 total=sym, namespace="", functions=(), budgets=tuple(b.ident for b in self.budgets),
                                 label=UNKNOWN))
        key = (line, 1, "FS124", reason)
        self.diagnostics[key] = Diagnostic(line, 1, "FS124", "warning",
                                           f"the analysis stopped here ({reason}): the cost of what it had not "
                                           "analyzed yet is unknown")

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
            old = get_slot(container, key)
            log.append((container, key, old))
        set_slot(container, key, value)

    def enter_loop(self) -> None:
        self.loop_marks.append(len(self.events))
        self.loop_depth += 1

    def leave_loop(self) -> None:
        self.loop_marks.pop()
        self.loop_depth -= 1

    def list_append(self, lst: List, value: Value) -> None:
        touch(lst)
        if self.append_logs:
            self.append_logs[-1].append((lst, len(lst.items)))
        lst.items.append(value)

# ---------------------------------------------------------------------- the journal's slots

MISSING = object()

def get_slot(container, key):
    if isinstance(container, Scope):
        return container.vars.get(key, MISSING)
    if isinstance(container, (Instance, ObjectValue)):
        return container.attrs.get(key[5:], MISSING)
    if isinstance(container, Class):
        return container.attrs.get(key[4:], MISSING)
    if isinstance(container, Dict):
        return container.items.get(key, MISSING)
    if isinstance(container, List):
        return container.items[key] if 0 <= key < len(container.items) else MISSING
    return MISSING

def set_slot(container, key, value) -> None:
    touch(container)
    if isinstance(container, Scope):
        if value is MISSING:
            container.vars.pop(key, None)
        else:
            container.vars[key] = value
    elif isinstance(container, (Instance, ObjectValue)):
        if value is MISSING:
            container.attrs.pop(key[5:], None)
        else:
            container.attrs[key[5:]] = value
    elif isinstance(container, Class):
        if value is MISSING:
            container.attrs.pop(key[4:], None)
        else:
            container.attrs[key[4:]] = value
    elif isinstance(container, Dict):
        if value is MISSING:
            container.items.pop(key, None)
        else:
            container.items[key] = value
    elif isinstance(container, List):
        if value is not MISSING and 0 <= key < len(container.items):
            container.items[key] = value

def snapshot_writes(log) -> dict:
    """(container, key) -> final value, for every slot the log touched."""
    out = {}
    for container, key, _old in log:
        out[(id(container), key)] = (container, key)
    return {(c, k): get_slot(c, k) for (c, k) in out.values()}

def entry_values(log) -> dict:
    out = {}
    for container, key, old in log:
        out.setdefault((container, key), old)
    return out

def undo_writes(log) -> None:
    for container, key, old in reversed(log):
        set_slot(container, key, old)

def list_lengths_before(appends) -> list:
    seen = {}
    for lst, n_before in appends:
        if id(lst) not in seen:
            seen[id(lst)] = (lst, n_before)
    return list(seen.values())


class CallFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.calls = 0

    def visit_Call(self, node: cst.Call) -> None:
        self.calls += 1

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        self.calls += 1
