"""BudgetContext, the ``@budget`` decorator, namespaces and the session view."""

from __future__ import annotations

import functools
import math
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable

from flopscope.runtime import summary as _summary
from flopscope.runtime import lockdown as _lockdown
from flopscope.runtime.errors import BudgetContextError, TimeExhaustedError
from flopscope.runtime.lockdown import Lockable
from flopscope.runtime.ledger import (
    ACTIVE,
    INF,
    OPEN,
    SESSION,
    Ledger,
    current_frame,
    entries,
    logged_flops,
    pop_frame,
    push_frame,
    records,
)


@dataclass(frozen=True)
class OpRecord:
    """One entry of a context's op log.

    Calls of the same op at the same call site, in the same namespace, on the same
    input shapes and at the same cost are counted in one record (``calls``). A call
    site keeps its first 16 distinct shapes apart; the calls after those, on other
    shapes, are one record with ``shapes`` and ``cost`` None and their exact ``flops``.
    """

    op: str
    namespace: str | None
    shapes: tuple | None
    cost: int | None  # FLOPs of one call
    calls: int
    flops: int  # cost * calls
    file: str
    line: int
    backend_time_s: float
    overhead_time_s: float

    @property
    def site(self) -> str:
        return f"{self.file}:{self.line}"


def _check_budget(flop_budget: Any) -> int | float:
    if isinstance(flop_budget, bool) or not isinstance(flop_budget, (int, float)):
        try:
            import numpy as np

            if isinstance(flop_budget, (np.integer, np.floating)):
                flop_budget = flop_budget.item()
            else:
                raise TypeError
        except TypeError:
            raise ValueError(f"flop_budget must be a positive finite number, got {flop_budget!r}") from None
    if isinstance(flop_budget, float) and not math.isfinite(flop_budget) or flop_budget <= 0:
        raise ValueError(f"flop_budget must be a positive finite number, got {flop_budget!r}")
    return flop_budget


def _check_namespace(namespace: Any, what: str) -> str:
    if (type(namespace) is not str or not namespace or namespace.strip(".") != namespace or ".." in namespace
            or not namespace.isprintable()):
        raise ValueError(f"{what} must be a non-empty string of printable characters without leading, trailing "
                         f"or doubled dots, got {namespace!r}")
    return namespace


# Each context's budget as it was declared, apart from the ledger: a ledger whose budget
# or usage was rewritten is caught when its context ends.
_DECLARED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _check_ledger(ledger: Ledger) -> None:
    """The ledger's usage is the sum of its op log's charges, and its budget the one
    declared; otherwise it was written to from outside the meter (BudgetContextError)."""
    logged = logged_flops(ledger)
    declared = _DECLARED.get(ledger, ledger.budget)
    if logged != ledger.used or declared != ledger.budget:
        raise BudgetContextError(
            f"the budget's ledger was modified outside the meter (used {ledger.used!r}, charged "
            f"{'a price other than its charge' if logged is None else format(logged, ',')}; "
            f"budget {ledger.budget!r}, declared {declared!r}): the run is void")


def _check_wall(limit: Any) -> float | None:
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not math.isfinite(limit) or limit <= 0:
        raise ValueError(f"wall_time_limit_s must be a positive finite number of seconds or None, got {limit!r}")
    return float(limit)


class BudgetContext(metaclass=Lockable):
    """A FLOP budget (and optional wall-clock limit) for the code inside ``with``.

    Every counted operation inside the block is charged to this context; one
    that would exceed ``flop_budget`` raises :class:`BudgetExhaustedError`
    before it runs. ``namespace`` is the root of the dotted names that
    ``flops.namespace(...)`` scopes extend; it is attribution only.
    """

    __slots__ = ("_ledger",)

    def __init__(self, flop_budget: int | float, namespace: str | None = None, wall_time_limit_s: float | None = None,
                 quiet: bool = False):
        budget = _check_budget(flop_budget)
        if namespace is not None:
            _check_namespace(namespace, "namespace")
        wall = _check_wall(wall_time_limit_s)
        if not isinstance(quiet, bool):
            raise ValueError(f"quiet must be True or False, got {quiet!r}")
        ledger = Ledger(budget, namespace, wall, explicit=True)
        ledger.quiet = quiet
        _DECLARED[ledger] = budget
        object.__setattr__(self, "_ledger", ledger)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"BudgetContext is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"BudgetContext is read-only: cannot delete {name!r}")

    # ------------------------------------------------------------------ entering

    def __enter__(self) -> "BudgetContext":
        self._enter(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._exit(self, exc[0] if exc else None)

    def _enter(self, owner: object) -> None:
        """Enter on behalf of ``owner``: only ``owner`` can leave this entry."""
        ledger = self._ledger
        me = threading.get_ident()
        frame = ACTIVE.get()
        if frame is not None and frame[0] is not None:
            if frame[0] is not ledger:
                raise BudgetContextError(
                    "a BudgetContext is already active here; BudgetContexts do not nest "
                    "(use flops.namespace(...) to attribute a phase inside one budget)"
                )
        if ledger.depth and ledger.owner != me:
            raise BudgetContextError("this BudgetContext is already active in another thread")
        if ledger.depth == 0:
            now = time.perf_counter()
            ledger.entered_at = now
            ledger.owner = me
            if ledger.wall_limit is not None:
                ledger.deadline = now + (ledger.wall_limit - ledger.elapsed)
            SESSION.register(ledger)
            OPEN.append(ledger)
        ledger.depth += 1
        push_frame((ledger, ledger.namespace or ""), owner)

    def _exit(self, owner: object, exc_type: Any = None) -> None:
        """Leave ``owner``'s entry (and what the code inside left entered). An exit
        that entered nothing here (a context never entered, or already left, or the
        shared context of a decorated function) changes nothing. Leaving past the
        wall-clock limit raises TimeExhaustedError, unless an error is on its way."""
        ledger = self._ledger
        if ledger.depth == 0 or ledger.owner != threading.get_ident() or not pop_frame(owner):
            return
        ledger.depth -= 1
        now = time.perf_counter()
        late = ledger.wall_limit is not None and now > ledger.deadline
        if ledger.depth == 0:
            ledger.elapsed += now - ledger.entered_at
            ledger.entered_at = None
            ledger.owner = None
            ledger.deadline = INF
            for i in range(len(OPEN) - 1, -1, -1):
                if OPEN[i] is ledger:
                    del OPEN[i]
            _check_ledger(ledger)
            _lockdown.verify()
        if late and exc_type is None:
            raise TimeExhaustedError("the end of the BudgetContext", ledger.wall_time(), ledger.wall_limit, True)

    # ------------------------------------------------------------------ state

    @property
    def flop_budget(self) -> int | float:
        return self._ledger.budget

    @property
    def flops_used(self) -> int:
        return self._ledger.used

    @property
    def flops_remaining(self) -> int | float:
        return self._ledger.budget - self._ledger.used

    @property
    def namespace(self) -> str | None:
        return self._ledger.namespace

    @property
    def wall_time_limit_s(self) -> float | None:
        return self._ledger.wall_limit

    @property
    def quiet(self) -> bool:
        """Whether this context stays silent on exit and on warnings. flopscope's
        contexts print nothing by themselves; harnesses pass quiet=True to be sure."""
        return self._ledger.quiet

    @property
    def active(self) -> bool:
        return self._ledger.depth > 0

    @property
    def op_log(self) -> tuple[OpRecord, ...]:
        return op_records(self._ledger)

    @property
    def wall_time_s(self) -> float:
        return self._ledger.wall_time()

    @property
    def flopscope_backend_time_s(self) -> float:
        return sum(rec[1] for *_site, rec in records(self._ledger))

    @property
    def flopscope_overhead_time_s(self) -> float:
        return sum(rec[2] for *_site, rec in records(self._ledger))

    @property
    def residual_wall_time_s(self) -> float:
        return self.summary_dict()["residual_wall_time_s"]

    def summary_dict(self, by_namespace: bool = False) -> dict:
        return _summary.build([self._ledger], self._ledger.namespace, by_namespace, session=False)

    def summary(self, by_namespace: bool = False) -> str:
        return _summary.render(self.summary_dict(by_namespace=True), by_namespace)

    def __repr__(self) -> str:
        ns = f", namespace={self.namespace!r}" if self.namespace else ""
        return f"BudgetContext(flop_budget={self.flop_budget:,}{ns}, flops_used={self.flops_used:,})"


def op_records(ledger: Ledger) -> tuple[OpRecord, ...]:
    merged: dict[tuple, list] = {}
    for op, ns, file, line, shapes, cost, calls, backend, overhead, flops in entries(ledger):
        # Two instructions on one line (a + b + c) are one record per op and shapes.
        key = (op, ns, file, line, shapes, cost)
        rec = merged.get(key)
        if rec is None:
            merged[key] = [calls, backend, overhead, flops]
        else:
            rec[0] += calls
            rec[1] += backend
            rec[2] += overhead
            rec[3] += flops
    return tuple(
        OpRecord(op, ns or None, shapes, cost, calls, flops, file, line, backend, overhead)
        for (op, ns, file, line, shapes, cost), (calls, backend, overhead, flops) in merged.items()
    )


_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect
_CO_GENERATOR = 0x20  # inspect.CO_GENERATOR


def _wrap_in(fn: Callable, enter: Callable[[], Any]) -> Callable:
    """Wrap ``fn`` so that its body runs inside ``enter()`` (a fresh context manager
    per call), for plain functions, coroutine functions and generator functions."""
    flags = getattr(getattr(fn, "__code__", None), "co_flags", 0)
    if flags & _CO_COROUTINE:

        @functools.wraps(fn)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            with enter():
                return await fn(*args, **kwargs)

        return async_wrapper
    if flags & _CO_GENERATOR:

        @functools.wraps(fn)
        def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
            # The body runs on each next()/send(): enter around every step.
            gen = fn(*args, **kwargs)
            value = None
            try:
                while True:
                    with enter():
                        try:
                            item = gen.send(value)
                        except StopIteration as stop:
                            return stop.value
                    value = yield item
            finally:
                gen.close()

        return gen_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with enter():
            return fn(*args, **kwargs)

    return wrapper


def budget(flop_budget: int | float, namespace: str | None = None, wall_time_limit_s: float | None = None,
           quiet: bool = False) -> Callable:
    """Decorator: run every call of the function inside one shared BudgetContext.

    Calls accumulate on the same budget and op log; the context is available as
    ``fn.budget_context``. Plain, async and generator functions are supported.
    """
    ctx = BudgetContext(flop_budget, namespace=namespace, wall_time_limit_s=wall_time_limit_s, quiet=quiet)

    def decorate(fn: Callable) -> Callable:
        if not callable(fn):
            raise TypeError(f"@flops.budget(...) decorates a function, not {type(fn).__name__}")
        wrapper = _wrap_in(fn, lambda: _Entry(ctx))
        wrapper.budget_context = ctx  # type: ignore[attr-defined]
        return wrapper

    return decorate


class _Entry:
    """One call's entry into a decorated function's shared BudgetContext: only this
    object can leave it (``fn.budget_context.__exit__()`` from inside does nothing)."""

    __slots__ = ("_ctx",)

    def __init__(self, ctx: BudgetContext) -> None:
        self._ctx = ctx

    def __enter__(self) -> BudgetContext:
        self._ctx._enter(self)
        return self._ctx

    def __exit__(self, *exc: Any) -> None:
        self._ctx._exit(self, exc[0] if exc else None)


class namespace(metaclass=Lockable):
    """``with flops.namespace("phase"):`` attributes the ops inside to a dotted sub-namespace.

    Namespaces are labels only: they do not create budgets or split the limit.
    One namespace object may be entered several times at once (recursion, tasks).
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = _check_namespace(name, "namespace name")

    def __enter__(self) -> "namespace":
        frame = ACTIVE.get()
        ledger, ns = (None, "") if frame is None else frame
        push_frame((ledger, f"{ns}.{self.name}" if ns else self.name), self)
        return self

    def __exit__(self, *exc: Any) -> None:
        pop_frame(self)  # a namespace not entered here: nothing happens

    def __call__(self, fn: Callable) -> Callable:
        name = self.name
        return _wrap_in(fn, lambda: namespace(name))


class BudgetView(metaclass=Lockable):
    """A read-only view of a BudgetContext's state, from :func:`current_budget`.

    Its numbers are live (they follow the context as it spends); nothing set on
    it changes the budget.
    """

    __slots__ = ("_ledger",)

    def __init__(self, ledger: Ledger) -> None:
        object.__setattr__(self, "_ledger", ledger)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"the budget view is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"the budget view is read-only: cannot delete {name!r}")

    @property
    def flop_budget(self) -> int | float:
        return self._ledger.budget

    @property
    def flops_used(self) -> int:
        return self._ledger.used

    @property
    def flops_remaining(self) -> int | float:
        return self._ledger.budget - self._ledger.used

    @property
    def namespace(self) -> str | None:
        return self._ledger.namespace

    @property
    def wall_time_s(self) -> float:
        return self._ledger.wall_time()

    @property
    def wall_time_limit_s(self) -> float | None:
        return self._ledger.wall_limit

    @property
    def wall_time_remaining_s(self) -> float | None:
        limit = self._ledger.wall_limit
        return None if limit is None else max(limit - self._ledger.wall_time(), 0.0)

    def __repr__(self) -> str:
        return (f"BudgetView(flop_budget={_fmt_count(self.flop_budget)}, flops_used={self.flops_used:,}, "
                f"flops_remaining={_fmt_count(self.flops_remaining)})")


def _fmt_count(x: int | float) -> str:
    return "unlimited" if x == INF else f"{int(x):,}"


def current_budget() -> BudgetView | None:
    """A read-only view of the active BudgetContext (budget, used, remaining, wall time),
    or None outside one. Adaptive solvers size their last phase from it."""
    frame = ACTIVE.get()
    if frame is None or frame[0] is None:
        return None
    ledger = frame[0]
    if ledger.owner != threading.get_ident():
        return None
    return BudgetView(ledger)


def current_namespace() -> str | None:
    return current_frame()[1] or None


def budget_summary_dict(by_namespace: bool = False) -> dict:
    """The session view: every context and default ledger since import (or reset)."""
    with SESSION.lock:
        ledgers = list(SESSION.ledgers)
    return _summary.build(ledgers, None, by_namespace, session=True, session_started=SESSION.started_at)


def budget_summary(by_namespace: bool = False) -> str:
    """Print the session summary and return its text."""
    with SESSION.lock:
        ledgers = list(SESSION.ledgers)
    data = _summary.build(ledgers, None, True, session=True, session_started=SESSION.started_at)
    text = _summary.render(data, by_namespace)
    print(text)
    return text


def reset_session() -> None:
    """Forget the session view (contexts keep their own state)."""
    SESSION.reset()
