"""The ledger: the mutable state of one budget, kept apart from its public face.

A :class:`Ledger` holds the budget, what has been used, the wall-clock deadline
and the op log. The hot path in :mod:`flopscope.runtime.dispatch` reads and
updates it directly (slots, no properties); users see it only through the
read-only :class:`~flopscope.runtime.context.BudgetContext`.

The op log is aggregated: one entry per distinct (op, namespace, call site),
``[code object, {charge id: record}, overflow record]``, and under it one record per
charge (op name, input shapes, cost) seen there, ``[calls, backend seconds,
overhead seconds, charge, FLOPs]``, for the first ``SHAPES_PER_SITE`` charges; later
charges share the overflow record (its charge is None, its FLOPs exact). A call
site is a code object and an instruction offset, turned into file and line only
when the log is read. The log's size is bounded by the number of distinct call
sites, not by the number of calls or of shapes, and the hot path hashes only ints
and strings.

The active ledger and namespace live in a ContextVar, so contexts are per
thread and per asyncio task. A thread with no explicit context charges its own
default ledger (unlimited budget); the session view merges them all.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from contextvars import ContextVar

INF = float("inf")

# How many distinct charges (input shapes) one call site keeps apart; the calls of a
# site beyond them share one record whose FLOPs are still summed exactly.
SHAPES_PER_SITE = 16


class Charge:
    """The charge of one priced call: op name, input shapes, cost. Made on a price
    cache miss and kept in the cache; the op log refers to it, so a charge lives as
    long as a cache or a log holds it and no longer."""

    __slots__ = ("name", "shapes", "cost", "__weakref__")

    def __init__(self, name: str, shapes: tuple, cost: int) -> None:
        self.name, self.shapes, self.cost = name, shapes, cost

    def __repr__(self) -> str:
        return f"Charge({self.name!r}, {self.shapes!r}, {self.cost!r})"


# The charges the runtime made: a record is opened only for one of them, at its cost
# (a price cache rewritten from outside is caught there, or by the ledger's audit).
GENUINE: "weakref.WeakSet[Charge]" = weakref.WeakSet()


def make_charge(name: str, shapes: tuple, cost: int) -> Charge:
    charge = Charge(name, shapes, cost)
    GENUINE.add(charge)
    return charge


# Decoded positions, keyed by the code object itself (ids are reused once a code
# object is freed; code objects compare by content, which is what matters here).
_LINES: dict[tuple, int] = {}
_COLS: dict[tuple, int] = {}
_POSITION_CACHE_LIMIT = 1 << 16


def line_of(code, lasti: int) -> int:
    """The source line of the instruction at byte offset ``lasti`` in ``code``."""
    key = (code, lasti)
    line = _LINES.get(key)
    if line is None:
        line = code.co_firstlineno
        for start, end, ln in code.co_lines():
            if start <= lasti < end:
                if ln is not None:
                    line = ln
                break
        if len(_LINES) >= _POSITION_CACHE_LIMIT:
            _LINES.clear()
        _LINES[key] = line
    return line


def col_of(code, lasti: int) -> int:
    """The 1-based start column of the expression at ``lasti`` (0 where Python cannot tell)."""
    key = (code, lasti)
    col = _COLS.get(key)
    if col is None:
        col = 0
        positions = getattr(code, "co_positions", None)  # Python 3.11+
        if positions is not None:
            for k, (_line, _end, start, _end_col) in enumerate(positions()):
                if 2 * k == lasti:
                    col = (start + 1) if start is not None else 0
                    break
        if len(_COLS) >= _POSITION_CACHE_LIMIT:
            _COLS.clear()
        _COLS[key] = col
    return col


def records(ledger: "Ledger"):
    """The op log's records: (op, namespace, code, instruction offset, record)."""
    for (name, ns, _code_id, lasti), (code, by_charge, overflow) in list(ledger.log.items()):
        for rec in list(by_charge.values()):
            if rec[0]:  # a record looked up for a call that then failed without a charge has none
                yield name, ns, code, lasti, rec
        if overflow is not None and overflow[0]:
            yield name, ns, code, lasti, overflow


def logged_flops(ledger: "Ledger") -> int | None:
    """The FLOPs of every record of the op log (the ledger's usage, when nothing wrote
    to it), or None if a record's FLOPs are not its calls times its charge's cost."""
    total = 0
    for _name, _ns, _code, _lasti, rec in records(ledger):
        charge = rec[3]
        if charge is not None and rec[4] != rec[0] * charge.cost:
            return None
        total += rec[4]
    return total


def sites(ledger: "Ledger"):
    """The op log by source position: (op, namespace, file, line, col, shapes, flops, calls);
    shapes is None for the calls past a site's first ``SHAPES_PER_SITE`` charges."""
    for name, ns, code, lasti, (calls, _backend, _overhead, charge, flops) in records(ledger):
        shapes = None if charge is None else charge.shapes
        if code is None:
            yield name, ns, "<flopscope>", 0, 0, shapes, flops, calls
        else:
            yield name, ns, code.co_filename, line_of(code, lasti), col_of(code, lasti), shapes, flops, calls


def entries(ledger: "Ledger"):
    """The decoded op log: (op, namespace, file, line, shapes, cost, calls, backend, overhead, flops);
    shapes and cost are None for the calls past a site's first ``SHAPES_PER_SITE`` charges."""
    for name, ns, code, lasti, (calls, backend, overhead, charge, flops) in records(ledger):
        shapes, cost = (None, None) if charge is None else (charge.shapes, charge.cost)
        if code is None:
            file, line = "<flopscope>", 0
        else:
            file, line = code.co_filename, line_of(code, lasti)
        yield name, ns, file, line, shapes, cost, calls, backend, overhead, flops


class Ledger:
    __slots__ = (
        "budget",
        "used",
        "deadline",
        "log",
        "namespace",
        "wall_limit",
        "elapsed",
        "entered_at",
        "depth",
        "owner",
        "explicit",
        "created_at",
        "quiet",
        "forked",
        "__weakref__",
    )

    def __init__(self, budget: float, namespace: str | None, wall_limit: float | None, explicit: bool) -> None:
        self.budget = budget
        self.used = 0
        self.deadline = INF
        self.log: dict = {}
        self.namespace = namespace
        self.wall_limit = wall_limit
        self.elapsed = 0.0  # wall seconds of completed entries
        self.entered_at: float | None = None
        self.depth = 0
        self.owner: int | None = None
        self.explicit = explicit
        self.created_at = time.perf_counter()
        self.quiet = False
        self.forked = False

    def wall_time(self) -> float:
        if self.explicit:
            if self.entered_at is not None:
                return self.elapsed + (time.perf_counter() - self.entered_at)
            return self.elapsed
        return time.perf_counter() - self.created_at


# The active (ledger, namespace) pair for this thread / task; None means the
# thread's default ledger with no namespace.
ACTIVE: ContextVar[tuple | None] = ContextVar("flopscope_active", default=None)
# The entries of contexts and namespaces, innermost last: (the frame the entry
# replaced, the object that entered). A ContextVar, so each asyncio task unwinds its
# own entries.
_SAVED: ContextVar[tuple] = ContextVar("flopscope_saved", default=())


def push_frame(frame: tuple, owner: object) -> None:
    _SAVED.set(_SAVED.get() + ((ACTIVE.get(), owner),))
    ACTIVE.set(frame)


def pop_frame(owner: object) -> bool:
    """Leave the innermost entry made by ``owner``, and every entry made inside it that
    was never left (a namespace entered and forgotten). Only the object that entered
    can leave: an object that is not entered here changes nothing (False)."""
    saved = _SAVED.get()
    for k in range(len(saved) - 1, -1, -1):
        if saved[k][1] is owner:
            ACTIVE.set(saved[k][0])
            _SAVED.set(saved[:k])
            return True
    return False


# Explicit ledgers whose BudgetContext is entered right now, in this process.
OPEN: list = []


class _Session:
    """Every ledger of this process since import (or the last reset)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ledgers: list[Ledger] = []
        self.started_at = time.perf_counter()
        self.generation = 0
        self.local = threading.local()

    def default_frame(self) -> tuple:
        """This thread's default (ledger, namespace) frame, created on first use."""
        frame = getattr(self.local, "frame", None)
        if frame is None or getattr(self.local, "generation", -1) != self.generation:
            ledger = Ledger(INF, None, None, explicit=False)
            ledger.owner = threading.get_ident()  # a thread's default ledger is its own
            frame = (ledger, "")
            self.local.frame = frame
            self.local.generation = self.generation
            with self.lock:
                self.ledgers.append(ledger)
        return frame

    def register(self, ledger: Ledger) -> None:
        with self.lock:
            if not any(x is ledger for x in self.ledgers):
                self.ledgers.append(ledger)

    def reset(self) -> None:
        with self.lock:
            # Contexts that are active right now stay in the view.
            self.ledgers = [x for x in self.ledgers if x.explicit and x.depth > 0]
            self.started_at = time.perf_counter()
            self.generation += 1


SESSION = _Session()


def current_frame() -> tuple:
    frame = ACTIVE.get()
    if frame is None or frame[0] is None:
        if OPEN:
            base = _open_frame()
        else:
            base = SESSION.default_frame()
        if frame is None:
            return base
        return (base[0], frame[1])
    return frame


def _open_frame() -> tuple:
    """No context is visible here, but a BudgetContext is entered: in this thread (the
    work runs in an empty contextvars.Context) it is charged; in another thread (a
    thread or executor started inside it) the work is refused rather than charged to
    an unlimited default."""
    from flopscope.runtime.errors import BudgetContextError

    me = threading.get_ident()
    for ledger in reversed(OPEN):
        if ledger.owner == me:
            return (ledger, ledger.namespace or "")
    raise BudgetContextError(
        "counted work in a thread that did not enter the active BudgetContext: a BudgetContext charges only the "
        "thread that entered it, and work elsewhere while it is active is refused (run the work in that thread)")


def _forked_child() -> None:
    """In a forked child the parent's contexts are copies nobody reads: refuse them."""
    for ledger in OPEN:
        ledger.owner = -1
        ledger.forked = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked_child)
