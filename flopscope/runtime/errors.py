"""flopscope's exceptions. Every one of them is a :class:`FlopscopeError`."""

from __future__ import annotations


class FlopscopeError(Exception):
    """Base class of every error flopscope raises on purpose."""


class BudgetExhaustedError(FlopscopeError):
    """An operation would take the FLOP budget past its limit; it did not run."""

    def __init__(self, op: str, cost: int, flops_used: int, flop_budget: float, namespace: str | None, site: str | None):
        self.op = op
        self.cost = cost
        self.flops_used = flops_used
        self.flop_budget = flop_budget
        self.flops_remaining = flop_budget - flops_used
        self.namespace = namespace
        self.site = site
        where = f" at {site}" if site else ""
        ns = f" in namespace {namespace!r}" if namespace else ""
        super().__init__(
            f"{op}{where}{ns} would cost {cost:,} FLOPs but only {_fmt(self.flops_remaining)} of the "
            f"{_fmt(flop_budget)} FLOP budget remain ({flops_used:,} used); the operation was not run"
        )


class TimeExhaustedError(FlopscopeError):
    """The context's wall-clock limit (``wall_time_limit_s``) was exceeded."""

    def __init__(self, op: str, elapsed_s: float, limit_s: float, ran: bool):
        self.op = op
        self.elapsed_s = elapsed_s
        self.limit_s = limit_s
        self.ran = ran
        when = "after" if ran else "before"
        super().__init__(
            f"wall-time limit of {limit_s:g} s exceeded: {elapsed_s:.3f} s elapsed, checked {when} {op}"
        )


class BudgetContextError(FlopscopeError, RuntimeError):
    """A BudgetContext was misused (entered inside another, shared across threads, ...)."""


class UnsupportedOperationError(FlopscopeError, AttributeError):
    """The operation is not metered by flopscope (yet, or by design), so it is refused."""


class LockdownError(FlopscopeError, PermissionError):
    """Refused in the locked-down judged mode (``flops.lockdown()``): it would compute
    outside the meter or change it."""


class SymmetryError(FlopscopeError, ValueError):
    """A symmetry claimed with ``as_symmetric`` does not hold."""


def _fmt(x: float) -> str:
    if x == float("inf"):
        return "unlimited"
    return f"{int(x):,}"
