"""The metering hot path: price an op from the table, check, run, charge, record.

Every counted call, whether ``fnp.exp(x)``, ``a + b``, ``A.sum()`` or
``np.exp(A)`` on a metered array, goes through one of the entry points below
(``make_unary`` / ``make_binary`` for ufuncs, ``make_reduction``, ``call_bound``
for every other table op, ``call_einsum``, ``call_free``). Each one:

1. turns the operands into plain ndarrays (a view, no copy) and reads shapes;
2. looks the cost up in a per-op cache keyed by shapes and static arguments;
   on a miss it runs the op's shape rule (which validates: a refused call gets
   NumPy's own error message and charges nothing) and its cost rule;
3. checks the wall-clock deadline and the budget, raising before the op runs;
4. runs NumPy, then charges the ledger and adds to its op log, keeping the
   backend time (inside NumPy) apart from the overhead (everything else).

The op log is keyed by (op, namespace, call-site code, instruction offset), and
under each site by the charge (an (op, shapes, cost) triple that lives in the
price caches) for its first ``SHAPES_PER_SITE`` charges (see ledger.py): the hot
path hashes only ints and strings. The call site is the first frame outside
flopscope's own runtime files.

A NumPy error that refuses the arguments charges nothing: NumPy raises it again
for data-free stand-ins of the operands (see ``refused``). Any other failure keeps
the charge, because the work was done: LinAlgError on a singular matrix,
FloatingPointError under ``errstate``, an exception raised by an error handler
(code that NumPy called after computing), KeyboardInterrupt.

A BudgetContext is charged only from the thread that entered it: a context
copied into another thread (``asyncio.to_thread``, ``copy_context().run``)
raises BudgetContextError there instead of racing the budget check.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any, Callable

import numpy as np

from flopscope.costs import OPS
from flopscope.costs.registry import OpSpec, ShapeError, bind, normalize_sequences
from flopscope.runtime.errors import BudgetContextError, BudgetExhaustedError, TimeExhaustedError, UnsupportedOperationError
from flopscope.runtime.ledger import ACTIVE, GENUINE, SHAPES_PER_SITE, Charge, current_frame, make_charge

_nd = np.ndarray
_view = np.ndarray.view
_pc = time.perf_counter
_getframe = sys._getframe
_active_get = ACTIVE.get
_generic = np.generic
_asarray = np.asarray
_get_ident = threading.get_ident
_NUMPY_DIR = os.path.dirname(np.__file__)
_PY_SCALARS = (int, float, complex, bool)
# NumPy's compiled (Cython) modules, numpy.random's samplers among them, name their
# frames by the relative source path: "numpy/random/_generator.pyx".
_NUMPY_CYTHON = "numpy/"

# Files whose frames are flopscope's own; the call site is the first frame outside them.
INTERNAL_FILES: set[str] = {__file__}

# Filled in by flopscope.runtime.array (the metered ndarray subclass).
FA: type = _nd
# Filled in by flopscope.runtime.symmetric: the SymmetricTensor type and its call paths
# (reached only after the FA / ndarray checks, so the common case never pays for them).
ST: type = type("_NoSymmetricTensor", (), {})
SYM: Any = None

# Entries per price cache (one per op): past it the oldest entry makes room, one at a
# time, so an op that sees many shapes in rotation keeps its hits (no clear-all cliff).
_CACHE_LIMIT = 1 << 15


def register_internal(module_file: str) -> None:
    INTERNAL_FILES.add(module_file)


# --------------------------------------------------------------------- operands


def operand(x: Any) -> tuple[Any, tuple]:
    """(what to hand NumPy, shape): the very object that is priced is the one NumPy
    gets. Python scalars stay Python scalars (NEP 50); anything else is converted
    once here (honest() refuses what could answer differently the second time)."""
    t = type(x)
    if t is FA:
        r = _view(x, _nd)
        return r, r.shape
    if t is _nd:
        return x, x.shape
    if t in _PY_SCALARS:
        return x, ()
    x = honest(x)
    t = type(x)
    if t is FA or t is ST:
        r = _view(x, _nd)
        return r, r.shape
    if t is _nd:
        return x, x.shape
    if t in _PY_SCALARS or isinstance(x, _generic):
        return x, ()
    r = np.asarray(x)
    return r, r.shape


# Types whose values cannot lie: exact builtins and NumPy's own scalar types.
_PLAIN_VALUES = frozenset((int, float, complex, bool, str, bytes, type(None), slice, type(Ellipsis), range))
_HONEST_DEPTH = 32


def foreign(what: str) -> UnsupportedOperationError:
    return UnsupportedOperationError(
        f"{what} is refused as an argument of a metered call: flopscope prices what NumPy will compute, "
        "and only flopscope arrays, NumPy arrays, Python numbers and lists of them have a shape that cannot "
        "differ from the data (convert it first, e.g. with fnp.asarray(list(...)))")


def honest(x: Any, depth: int = 0) -> Any:
    """``x`` as something whose shape and value NumPy will read exactly as the cost rule
    does, converted once: a user subclass of a flopscope array becomes a plain metered
    view (its own ``shape`` is not consulted), an int-like (``__index__``) becomes a
    Python int, lists and tuples (and their subclasses) are copied item by item; an
    ndarray subclass that is not flopscope's, or an object that hands NumPy its own
    data (``__array__``, the array interfaces), is refused."""
    t = type(x)
    if t in _PLAIN_VALUES or t is FA or t is _nd or t is ST:
        return x
    if depth > _HONEST_DEPTH:
        raise foreign("a sequence nested more than 32 deep")
    if t is list or t is tuple or isinstance(x, (list, tuple)):
        items = list.copy(x) if isinstance(x, list) else tuple.__getitem__(x, slice(None))
        out = [honest(v, depth + 1) for v in items]
        if t is list or t is tuple:
            if all(a is b for a, b in zip(out, items)):
                return x
            return out if t is list else tuple(out)
        return out if isinstance(x, list) else tuple(out)
    if isinstance(x, _nd):
        if isinstance(x, FA):  # a user subclass of FlopscopeArray: its data, as a plain metered view
            return _view(x, FA)
        raise foreign(f"an ndarray subclass ({t.__module__}.{t.__qualname__})")
    if isinstance(x, _generic):
        if t.__module__ == "numpy":
            return x
        raise foreign(f"a subclass of a NumPy scalar type ({t.__module__}.{t.__qualname__})")
    if isinstance(x, int):  # subclasses of the builtin numbers: their value, not their methods
        return int.__index__(x)
    if isinstance(x, float):
        return float.__float__(x)
    if isinstance(x, complex):
        return complex.__pos__(x)
    if any(hasattr(t, name) or hasattr(x, name) for name in ("__array__", "__array_interface__", "__array_struct__")):
        raise foreign(f"an object of type {t.__module__}.{t.__qualname__} that hands NumPy its own data")
    if hasattr(t, "__index__") and not isinstance(x, type):
        import operator

        return operator.index(x)  # read once: NumPy gets the number the cost rule saw
    return x


def shape_of(x: Any) -> tuple:
    """The shape NumPy will see: never an object's own ``shape`` attribute (only
    flopscope's and NumPy's arrays are asked; anything else is converted)."""
    t = type(x)
    if t is FA or t is _nd or t is ST:
        return x.shape
    if t in _PY_SCALARS or x is None:
        return ()
    return np.asarray(x).shape


def unwrap(x: Any) -> Any:
    """Replace metered arrays by plain views, inside lists, tuples and dicts too."""
    t = type(x)
    if t is FA:
        return _view(x, _nd)
    if t is list or t is tuple:
        items = [_view(v, _nd) if type(v) is FA else unwrap(v) for v in x]
        return items if t is list else tuple(items)
    if t is ST:
        return _view(x, _nd)
    return x


def unwrap_kwargs(kwargs: dict) -> dict:
    return {k: unwrap(v) for k, v in kwargs.items()}


def wrap(r: Any) -> Any:
    """Metered views of NumPy's results: arrays, and NumPy scalars as 0-d metered arrays
    (a value read out of the data stays metered); Python numbers (``ndim``) stay Python."""
    t = type(r)
    if t is _nd:
        return _view(r, FA)
    if t is tuple:
        return tuple(wrap(v) for v in r)
    if t is list:
        return [wrap(v) for v in r]
    if isinstance(r, _generic):
        return _view(_asarray(r), FA)
    if isinstance(r, tuple):  # a namedtuple result (EighResult, SVDResult, ...): same type
        return t(*(wrap(v) for v in r))
    return r


def wrap_counted(r: Any) -> Any:
    """A counted op's result, metered: arrays, NumPy scalars and Python numbers (a
    sampler's single draw, ``allclose``'s answer) all become metered arrays, a 0-d one
    for a single value (COST_MODEL v1.1: only float(), int(), bool(), .item() and
    .tolist() leave the meter)."""
    t = type(r)
    if t is _nd:
        return _view(r, FA)
    if t is tuple:
        return tuple(wrap_counted(v) for v in r)
    if t is list:
        return [wrap_counted(v) for v in r]
    if t in _PY_SCALARS or isinstance(r, _generic):
        return _view(_asarray(r), FA)
    if isinstance(r, tuple):
        return t(*(wrap_counted(v) for v in r))
    return r


def metered_scalar(r: Any) -> Any:
    """A ufunc's or reduction's non-array result (a NumPy scalar) as a 0-d metered array."""
    if isinstance(r, _generic) or type(r) in _PY_SCALARS:
        return _view(_asarray(r), FA)
    return r


# --------------------------------------------------------------------- refusals


def _dummy(x: Any, operands: set | None = None) -> Any:
    """Zero-stride stand-ins for the array operands (every ndarray when ``operands``
    is None, else those whose id is in it); other metered arrays become plain views."""
    if isinstance(x, _nd):
        if operands is None or id(x) in operands:
            return np.broadcast_to(np.zeros((), dtype=x.dtype), x.shape)
        return _view(x, _nd) if type(x) is FA else x
    if isinstance(x, list):
        return [_dummy(v, operands) for v in x]
    if isinstance(x, tuple):
        return tuple(_dummy(v, operands) for v in x)
    return x


def _writable_dummy(x: Any) -> Any:
    """A zero-stride stand-in for an output array (nothing is allocated), writable if
    the output is (a read-only output is refused as NumPy refuses it)."""
    if isinstance(x, _nd):
        if not x.flags.writeable:
            return np.broadcast_to(np.zeros((), dtype=x.dtype), x.shape)
        return np.lib.stride_tricks.as_strided(np.zeros(1, dtype=x.dtype), x.shape, (0,) * x.ndim, writeable=True)
    if isinstance(x, tuple):
        return tuple(_writable_dummy(v) for v in x)
    if isinstance(x, list):
        return [_writable_dummy(v) for v in x]
    return x


def refuse(fn: Callable, args: tuple, kwargs: dict, err: ShapeError, operands: list | None = None) -> None:
    """Raise NumPy's own error for a call our shape rule refused.

    NumPy is called on zero-stride stand-ins of the operands (same shapes and
    dtypes, no data), so nothing real is computed; other arguments (tensordot's
    axes) keep their values. If NumPy does not object, our rule's message is
    raised instead.
    """
    ids = None if operands is None else {id(x) for x in operands}
    args = tuple(args)
    stand_ins = _dummy(args, ids)
    nin = getattr(fn, "nin", None)
    if isinstance(nin, int) and len(args) > nin:  # a ufunc's positional outputs
        stand_ins = stand_ins[:nin] + tuple(_writable_dummy(a) for a in args[nin:])
    try:
        # Outputs get writable stand-ins: a read-only one would make NumPy complain
        # about it ("output array is read-only") instead of the arguments' real fault.
        fn(*stand_ins, **{k: _writable_dummy(v) if k == "out" else _dummy(v, ids) for k, v in kwargs.items()})
    except Exception as numpy_error:  # noqa: BLE001 - re-raised as NumPy's own
        raise numpy_error.with_traceback(None) from None
    raise ValueError(str(err)) from None


# --------------------------------------------------------------------- charging


def frame() -> tuple:
    fr = _active_get()
    if fr is None or fr[0] is None:
        return current_frame()
    return fr


def _site() -> tuple[str, int]:
    f = _getframe(2)
    internal = INTERNAL_FILES
    while f is not None and f.f_code.co_filename in internal:
        f = f.f_back
    if f is None:
        return ("<flopscope>", 0)
    return f.f_code.co_filename, f.f_lineno


def _time_out(ledger, name: str, now: float, ran: bool):
    elapsed = ledger.wall_limit - (ledger.deadline - now)
    return TimeExhaustedError(name, elapsed, ledger.wall_limit, ran)


def _exhausted(ledger, ns: str, name: str, cost: int) -> BudgetExhaustedError:
    f, line = _site()
    return BudgetExhaustedError(name, cost, ledger.used, ledger.budget, ns or None, f"{f}:{line}")


def site_record(ledger, ns: str, charge: Charge, cost: int) -> list:
    """The op-log record for this charge at the caller's call site, created if new.

    It is looked up before the backend runs: after a large NumPy call the
    caches are cold, so the work left for afterwards is four counter updates.
    A record whose call then fails keeps ``calls == 0`` and is not reported.
    """
    f = _getframe(2)
    internal = INTERNAL_FILES
    code = f.f_code  # (read once per frame: in lockdown each read is an audit event)
    while code.co_filename in internal:
        f = f.f_back
        if f is None:
            break
        code = f.f_code
    if f is None:
        code, key = None, (charge.name, ns, 0, 0)
    else:
        key = (charge.name, ns, id(code), f.f_lasti)
    site = ledger.log.get(key)
    if site is None:
        site = ledger.log[key] = [code, {}, None]  # the site keeps the code object, so its id stays unique
    by_charge = site[1]
    rec = by_charge.get(id(charge))  # (the record holds the charge, so its id stays unique)
    if rec is None:
        if cost != charge.cost:  # a price cache written to from outside
            raise BudgetContextError(f"the price of {charge.name} was modified outside the meter: the run is void")
        if len(by_charge) < SHAPES_PER_SITE:
            if charge not in GENUINE:  # (a charge flopscope did not make)
                raise BudgetContextError(f"the price of {charge.name} was not made by the meter: the run is void")
            rec = by_charge[id(charge)] = [0, 0.0, 0.0, charge, 0]
        else:  # a site whose shapes keep changing: the rest of its calls share one record
            rec = site[2]
            if rec is None:
                rec = site[2] = [0, 0.0, 0.0, None, 0]
    return rec


def settle(ledger, rec: list, cost: int, t0: float, t1: float, t2: float, name: str) -> None:
    """Charge ``cost`` to the ledger and the record; raise if the deadline passed while it ran."""
    ledger.used += cost
    rec[0] += 1
    rec[1] += t2 - t1
    rec[2] += (t1 - t0) + (_pc() - t2)
    rec[4] += cost
    if t2 > ledger.deadline:
        raise _time_out(ledger, name, t2, ran=True)


# RuntimeError: numpy.cov refuses weights of the wrong length with one.
_REFUSALS = (TypeError, ValueError, IndexError, OverflowError, MemoryError, RuntimeError)


def refused(err: BaseException, fn: Callable, args: tuple, kwargs: dict) -> bool:
    """True if NumPy refused the call's arguments rather than failing on their data.

    Decided by validation, never by reading where the error came from: NumPy is
    called again on data-free stand-ins of the operands (zero-stride arrays of the
    same shapes and dtypes) with floating-point error handling off, and the call
    counts as refused only if the stand-ins are refused too, with an error of a type
    NumPy uses for bad arguments. An error that only the data raises (a handler
    installed with errstate or seterrcall, a LinAlgError, a failing element of an
    object array) leaves the charge standing: NumPy did the work. A call that takes
    a Python callable is never re-run: its charge stands.
    """
    if not isinstance(err, _REFUSALS) or isinstance(err, (np.linalg.LinAlgError, RecursionError)):
        return False
    if _has_callable(args) or _has_callable(tuple(kwargs.values())):
        return False
    nin = getattr(fn, "nin", None)
    stand_ins = _dummy(tuple(args))
    if isinstance(nin, int) and len(stand_ins) > nin:  # a ufunc's positional outputs
        stand_ins = stand_ins[:nin] + tuple(_writable_dummy(a) for a in args[nin:])
    kw = {k: _writable_dummy(v) if k == "out" else _dummy(v) for k, v in kwargs.items()}
    try:
        with np.errstate(all="ignore"):
            fn(*stand_ins, **kw)
    except _REFUSALS as again:
        return not isinstance(again, np.linalg.LinAlgError)
    except BaseException:  # noqa: BLE001 - anything else: the charge stands
        return False
    return False


def _has_callable(values: tuple) -> bool:
    for v in values:
        if callable(v) and not isinstance(v, (np.ufunc, type, np.dtype)):
            return True
        if type(v) in (list, tuple) and _has_callable(tuple(v)):
            return True
    return False


def failed(err: BaseException, ledger, rec: list, cost: int, t0: float, t1: float, name: str,
           fn: Callable, args: tuple, kwargs: dict) -> None:
    """NumPy raised. Keep the charge unless NumPy refused the arguments outright."""
    if refused(err, fn, args, kwargs):
        return
    settle(ledger, rec, cost, t0, t1, _pc(), name)


def foreign_thread(ledger, name: str) -> BudgetContextError:
    if ledger.explicit and ledger.depth == 0:
        return BudgetContextError(f"{name} was called in a BudgetContext that has already exited")
    return BudgetContextError(
        f"{name} was called in another thread than the one that entered this BudgetContext; "
        "a BudgetContext charges only its own thread (run the work in that thread)"
    )


def execute(name: str, cost: int, charge: tuple, fn: Callable, args: tuple, kwargs: dict, t0: float, wrapper: Callable) -> Any:
    """Check the deadline and the budget, run ``fn``, charge, and wrap the result."""
    fr = _active_get()
    if fr is None or fr[0] is None:
        fr = current_frame()
    ledger, ns = fr
    if ledger.owner != _get_ident():
        raise foreign_thread(ledger, name)
    if t0 > ledger.deadline:
        raise _time_out(ledger, name, t0, ran=False)
    if ledger.used + cost > ledger.budget:
        raise _exhausted(ledger, ns, name, cost)
    rec = site_record(ledger, ns, charge, cost)
    t1 = _pc()
    try:
        r = fn(*args, **kwargs)
    except BaseException as err:
        failed(err, ledger, rec, cost, t0, t1, name, fn, args, kwargs)
        raise
    t2 = _pc()
    r = wrapper(r)
    settle(ledger, rec, cost, t0, t1, t2, name)
    return r


def unwrap_args(args: tuple) -> tuple:
    """``unwrap`` of a call's positional arguments, plain arrays passed as they are."""
    return tuple([a if type(a) is _nd else _view(a, _nd) if type(a) is FA else unwrap(a) for a in args])


# --------------------------------------------------------------------- ufuncs


class UfuncHandler:
    """What the runtime knows about one ufunc: its spec and a shapes -> cost cache."""

    __slots__ = ("name", "spec", "ufunc", "cache", "call")

    def __init__(self, name: str, spec: OpSpec, ufunc: np.ufunc) -> None:
        self.name = name
        self.spec = spec
        self.ufunc = ufunc
        self.cache: dict = {}
        self.call: Callable = None  # type: ignore[assignment]  (set by make_unary / make_binary)


def _cache_put(cache: dict, key: Any, entry: tuple) -> tuple:
    if len(cache) >= _CACHE_LIMIT:
        try:
            del cache[next(iter(cache))]  # the oldest entry (dicts keep insertion order)
        except (StopIteration, KeyError, RuntimeError):
            cache.clear()
    cache[key] = entry
    return entry


def _price(h: UfuncHandler, key: tuple, raw: tuple, kwargs: dict) -> tuple:
    """Cache miss: validate with the shape rule, price with the cost rule, intern the charge."""
    spec = h.spec
    try:
        spec.shape(key)
        cost = spec.cost(key)
    except ShapeError as err:
        refuse(h.ufunc, raw, kwargs, err)
    return _cache_put(h.cache, key, (cost, make_charge(h.name, key, cost)))


def make_unary(h: UfuncHandler) -> Callable:
    """The metered callable for a one-input ufunc (fnp.exp, -a, abs(a), np.exp(a))."""
    name, cache, uf = h.name, h.cache, h.ufunc

    def call(x, /, *args, **kwargs):
        if args or kwargs:
            return call_ufunc_general(h, (x,) + args, kwargs)
        t0 = _pc()
        tx = type(x)
        if tx is FA:
            xr = _view(x, _nd)
            sx = xr.shape
        elif tx is _nd:
            xr, sx = x, x.shape
        elif tx is ST:
            return SYM.call_ufunc(h, (x,))
        else:
            xr, sx = operand(x)
        key = (sx,)
        entry = cache.get(key)
        if entry is None:
            entry = _price(h, key, (xr,), {})
        cost, charge = entry
        fr = _active_get()
        if fr is None or fr[0] is None:
            fr = current_frame()
        ledger, ns = fr
        if ledger.owner != _get_ident():
            raise foreign_thread(ledger, name)
        if t0 > ledger.deadline:
            raise _time_out(ledger, name, t0, ran=False)
        if ledger.used + cost > ledger.budget:
            raise _exhausted(ledger, ns, name, cost)
        rec = site_record(ledger, ns, charge, cost)
        t1 = _pc()
        try:
            r = uf(xr)
        except BaseException as err:
            failed(err, ledger, rec, cost, t0, t1, name, uf, (xr,), {})
            raise
        t2 = _pc()
        if type(r) is _nd:
            r = _view(r, FA)
        elif type(r) is tuple:
            r = wrap_counted(r)
        else:
            r = metered_scalar(r)
        # settle(), inlined on the hot path
        ledger.used += cost
        rec[0] += 1
        rec[1] += t2 - t1
        rec[2] += (t1 - t0) + (_pc() - t2)
        rec[4] += cost
        if t2 > ledger.deadline:
            raise _time_out(ledger, name, t2, ran=True)
        return r

    h.call = call
    return call


def make_binary(h: UfuncHandler) -> Callable:
    """The metered callable for a two-input ufunc (fnp.add, a + b, a @ b, np.add(a, b))."""
    name, cache, uf = h.name, h.cache, h.ufunc

    def call(x, y, /, *args, **kwargs):
        if args or kwargs:
            return call_ufunc_general(h, (x, y) + args, kwargs)
        t0 = _pc()
        tx = type(x)
        if tx is FA:
            xr = _view(x, _nd)
            sx = xr.shape
        elif tx is _nd:
            xr, sx = x, x.shape
        elif tx is ST:
            return SYM.call_ufunc(h, (x, y))
        else:
            xr, sx = operand(x)
        ty = type(y)
        if ty is FA:
            yr = _view(y, _nd)
            sy = yr.shape
        elif ty is _nd:
            yr, sy = y, y.shape
        elif ty is ST:
            return SYM.call_ufunc(h, (x, y))
        else:
            yr, sy = operand(y)
        key = (sx, sy)
        entry = cache.get(key)
        if entry is None:
            entry = _price(h, key, (xr, yr), {})
        cost, charge = entry
        fr = _active_get()
        if fr is None or fr[0] is None:
            fr = current_frame()
        ledger, ns = fr
        if ledger.owner != _get_ident():
            raise foreign_thread(ledger, name)
        if t0 > ledger.deadline:
            raise _time_out(ledger, name, t0, ran=False)
        if ledger.used + cost > ledger.budget:
            raise _exhausted(ledger, ns, name, cost)
        rec = site_record(ledger, ns, charge, cost)
        t1 = _pc()
        try:
            r = uf(xr, yr)
        except BaseException as err:
            failed(err, ledger, rec, cost, t0, t1, name, uf, (xr, yr), {})
            raise
        t2 = _pc()
        if type(r) is _nd:
            r = _view(r, FA)
        elif type(r) is tuple:
            r = wrap_counted(r)
        else:
            r = metered_scalar(r)
        # settle(), inlined on the hot path
        ledger.used += cost
        rec[0] += 1
        rec[1] += t2 - t1
        rec[2] += (t1 - t0) + (_pc() - t2)
        rec[4] += cost
        if t2 > ledger.deadline:
            raise _time_out(ledger, name, t2, ran=True)
        return r

    h.call = call
    return call


def call_ufunc_general(h: UfuncHandler, args: tuple, kwargs: dict) -> Any:
    """A ufunc call with ``out=``, ``where=``, ``dtype=`` or other keywords."""
    if h.ufunc.signature is not None and ("axes" in kwargs or ("axis" in kwargs and h.name != "vecdot")):
        raise UnsupportedOperationError(
            f"{h.name} with axes=/axis= is not supported by flopscope: it is refused rather than mispriced"
        )
    r, out = call_bound(h.name, h.spec, h.ufunc, args, kwargs, wrap_counted, None)
    if out is not None:
        outs = out if isinstance(out, tuple) else (out,)
        if len(outs) == 1:
            return outs[0] if outs[0] is not None else r
        return tuple(o if o is not None else rv for o, rv in zip(outs, r))
    return r


def call_ufunc_method(h: UfuncHandler, method: str, args: tuple, kwargs: dict) -> Any:
    """``add.reduce``, ``add.accumulate``, ``multiply.outer``: priced by the table's
    ``ufunc.<method>`` entries. ``at`` and ``reduceat`` are not metered yet."""
    spec = OPS.get(f"ufunc.{method}")
    fn = getattr(h.ufunc, method, None)
    if spec is None or fn is None:
        raise UnsupportedOperationError(f"{h.name}.{method} is not supported by flopscope yet: it is refused rather than run unmetered")
    if "array" in kwargs:
        args = ()  # NumPy's override protocol passes array= both ways
    if h.ufunc.signature is not None:
        # generalized ufuncs (matmul, vecdot, ...) have no reduce/accumulate/outer: NumPy's own error
        refuse(fn, tuple(args), kwargs, ShapeError(f"{h.name}.{method} is not defined"))
    r, out = call_bound(f"{h.name}.{method}", spec, fn, args, kwargs, wrap_counted, None)
    if isinstance(out, tuple):  # the override protocol always passes out= as a tuple
        out = out[0] if len(out) == 1 else out
    return r if out is None else out


# --------------------------------------------------------------------- table ops


class OpHandler:
    """A table op bound to its NumPy implementation, with a cost cache."""

    __slots__ = ("name", "spec", "fn", "cache", "wrapper")

    def __init__(self, name: str, spec: OpSpec, fn: Callable) -> None:
        self.name = name
        self.spec = spec
        # Operands reach NumPy as plain ndarrays, so NumPy's own __array_function__
        # dispatch has nothing to do: call the implementation behind it.
        self.fn = getattr(fn, "_implementation", fn)
        self.cache: dict = {}
        # A free op's results are views (wrap); a counted op's are metered, 0-d included.
        self.wrapper = wrap if spec.category == "free" else wrap_counted


# Array types whose cost depends on their shape alone (flopscope's plain metered
# array registers itself; subclasses such as SymmetricTensor take the full path).
PLAIN_ARRAY_TYPES: set = {_nd}
_SCALAR_TYPES = frozenset((int, float, bool, complex, str, type(None)))


def _fast_key(args: tuple, kwargs: dict) -> Any:
    """A key for a call whose arguments are plain arrays (by shape) and hashable
    Python values (by type and value), or None. The same key binds the same way,
    so its price can be reused without binding the call again."""
    key: list = [_FAST]
    for a in args:
        k = _arg_key(a)
        if k is None:
            return None
        key.append(k)
    if kwargs:
        for name, a in kwargs.items():
            k = _arg_key(a)
            if k is None:
                return None
            key.append((name, k))
    return tuple(key)


def _arg_key(a: Any) -> Any:
    t = type(a)
    if t in PLAIN_ARRAY_TYPES:
        return a.shape
    if t in _SCALAR_TYPES:
        return (t, a)
    if t is tuple or t is list:  # (a list of arrays: concatenate, stack, block, ...)
        if len(a) > 64:
            return None
        items = []
        for x in a:
            if type(x) in PLAIN_ARRAY_TYPES:
                items.append(x.shape)
                continue
            k = _arg_key(x)
            if k is None:
                return None
            items.append(k)
        return (t, tuple(items))
    return None


_FAST = object()


def _holds_array(static: dict) -> bool:
    """Whether a static argument is, or contains, an array."""
    for v in static.values():
        t = type(v)
        if t in PLAIN_ARRAY_TYPES or isinstance(v, _nd):
            return True
        if t is tuple and any(isinstance(x, _nd) or (type(x) is tuple and _holds_array({0: x})) for x in v):
            return True
    return False


def _static_key(static: dict) -> Any:
    """A hashable key for static arguments, types included: 10, 10.0, 10 + 0j and
    True are equal in Python but may price (or refuse) differently."""
    try:
        key = tuple(sorted((name, _typed(v)) for name, v in static.items()))
        hash(key)
        return key
    except TypeError:
        return None


def _typed(v: Any) -> Any:
    if type(v) is tuple or type(v) is list:
        return (type(v), tuple(_typed(x) for x in v))
    return (type(v), v)


def call_bound(name: str, spec: OpSpec, fn: Callable, args: tuple, kwargs: dict, wrapper: Callable, cache: dict | None) -> tuple:
    """Bind a NumPy-style call with the table's signature, price it (cached), run it.

    Returns (result, the user's ``out`` object or None).
    """
    t0 = _pc()
    fkey = _fast_key(args, kwargs) if cache is not None else None
    if fkey is not None:
        entry = cache.get(fkey)
        if entry is not None:  # seen before: the same binding, shapes and static args
            raw_kwargs = unwrap_kwargs(kwargs) if kwargs else kwargs
            return execute(name, entry[0], entry[1], fn, unwrap_args(args), raw_kwargs, t0, wrapper), None
    # Everything below reads the arguments once: what is priced is what NumPy gets.
    args = tuple(honest(a) for a in args)
    if kwargs:
        kwargs = {k: honest(v) for k, v in kwargs.items()}
    args, kwargs = normalize_sequences(spec, args, kwargs)
    b = bind(spec, args, kwargs)
    shapes = tuple(shape_of(x) for x in b.operands)
    skey = _static_key(b.static) if cache is not None else None
    entry = None
    if skey is not None:
        key = (shapes, skey)
        entry = cache.get(key)
    raw_args = unwrap(tuple(args))
    raw_kwargs = unwrap_kwargs(kwargs) if kwargs else kwargs
    if entry is None:
        try:
            spec.shape(shapes, **b.static)
            cost = spec.cost(shapes, **b.static)
        except ShapeError as err:
            refuse(fn, args, kwargs, err, b.operands)
        entry = (cost, make_charge(name, shapes, cost))
        if skey is not None:
            _cache_put(cache, key, entry)
    if fkey is not None and b.given.get("out") is None and not _holds_array(b.static):
        # (an array given as a static argument, e.g. repeat's counts or fft's n, is
        # keyed by its shape only: its value sets the cost, so it is priced each call)
        _cache_put(cache, fkey, entry)
    cost, charge = entry
    r = execute(name, cost, charge, fn, raw_args, raw_kwargs, t0, wrapper)
    return r, b.given.get("out")


def call_op(h: OpHandler, args: tuple, kwargs: dict) -> Any:
    """A table op called NumPy-style: bind, price (cached), check, run, charge."""
    r, out = call_bound(h.name, h.spec, h.fn, args, kwargs, h.wrapper, h.cache)
    return r if out is None else out


def make_reduction(h: OpHandler) -> Callable:
    """The metered callable for a reduction: numel(input) whatever the axis.

    NumPy validates the axis and the rest; a refused call charges nothing.
    """
    name, cache, fn, wrapper = h.name, h.cache, h.fn, h.wrapper
    # out= may come positionally (np.sum(a, axis, dtype, out)): its place after `a`
    names = [p.name for p in h.spec.params if p.positional]
    out_at = names.index("out") - 1 if "out" in names else None

    def call(a, *args, **kwargs):
        t0 = _pc()
        ta = type(a)
        if ta is FA:
            ar = _view(a, _nd)
            sa = ar.shape
        elif ta is _nd:
            ar, sa = a, a.shape
        elif ta is ST:
            return SYM.call_reduction(h, a, args, kwargs)
        else:
            ar, sa = operand(a)
        key = (sa,)
        entry = cache.get(key)
        if entry is None:
            cost = h.spec.cost(key)
            entry = _cache_put(cache, key, (cost, make_charge(name, key, cost)))
        cost, charge = entry
        out = None
        if kwargs:
            out = kwargs.get("out")
            kwargs = unwrap_kwargs(kwargs)
        if args:
            if out_at is not None and len(args) > out_at:
                out = args[out_at]
            args = unwrap(args)
        fr = _active_get()
        if fr is None or fr[0] is None:
            fr = current_frame()
        ledger, ns = fr
        if ledger.owner != _get_ident():
            raise foreign_thread(ledger, name)
        if t0 > ledger.deadline:
            raise _time_out(ledger, name, t0, ran=False)
        if ledger.used + cost > ledger.budget:
            raise _exhausted(ledger, ns, name, cost)
        rec = site_record(ledger, ns, charge, cost)
        t1 = _pc()
        try:
            r = fn(ar, *args, **kwargs)
        except BaseException as err:
            failed(err, ledger, rec, cost, t0, t1, name, fn, (ar, *args), kwargs)
            raise
        t2 = _pc()
        if out is not None:
            r = out
        elif type(r) is _nd:
            r = _view(r, FA)
        else:
            r = wrapper(r)
        # settle(), inlined on the hot path
        ledger.used += cost
        rec[0] += 1
        rec[1] += t2 - t1
        rec[2] += (t1 - t0) + (_pc() - t2)
        rec[4] += cost
        if t2 > ledger.deadline:
            raise _time_out(ledger, name, t2, ran=True)
        return r

    return call


_JOIN = object()  # the first item of a joining op's own cache keys


def make_joining(h: OpHandler) -> Callable:
    """The metered callable for an op that joins a list of arrays (concatenate, stack,
    vstack, ...): a list or tuple of plain or metered arrays, with keyword arguments
    that are plain Python values (axis=0), is priced by its shapes from the op's cache
    without binding the call; anything else, and every first sight, takes call_op."""
    name, cache, fn, wrapper = h.name, h.cache, h.fn, h.wrapper
    scalars = _SCALAR_TYPES

    def call(*args, **kwargs):
        t0 = _pc()
        if len(args) != 1:  # (the list by keyword, or more positional arguments)
            return call_op(h, args, kwargs)
        arrays = args[0]
        ta = type(arrays)
        if (ta is not list and ta is not tuple) or len(arrays) > 64:
            return call_op(h, args, kwargs)
        raws, shapes = [], []
        for x in arrays:
            tx = type(x)
            if tx is FA:
                x = _view(x, _nd)
            elif tx is not _nd:
                return call_op(h, args, kwargs)
            raws.append(x)
            shapes.append(x.shape)
        if kwargs:
            given = []
            for k, v in kwargs.items():
                if type(v) not in scalars:
                    return call_op(h, args, kwargs)
                given.append((k, type(v), v))
            key = (_JOIN, ta, tuple(shapes), tuple(given))
        else:
            key = (_JOIN, ta, tuple(shapes))
        entry = cache.get(key)
        if entry is not None:
            return execute(name, entry[0], entry[1], fn, (raws,), kwargs, t0, wrapper)
        r = call_op(h, args, kwargs)  # priced (and validated) the general way, once
        entry = cache.get(_fast_key(args, kwargs))
        if entry is not None:
            _cache_put(cache, key, entry)
        return r

    return call


def call_free(fn: Callable, args: tuple, kwargs: dict) -> Any:
    """A free op: run it on plain views and hand back metered results. The wall-clock
    limit is checked here too (a solver doing only free work still runs out of time)."""
    fr = _active_get()
    if fr is not None and fr[0] is not None:
        now = _pc()
        if now > fr[0].deadline:
            raise _time_out(fr[0], getattr(fn, "__name__", "a free op"), now, ran=False)
    return wrap(fn(*unwrap(tuple(args)), **(unwrap_kwargs(kwargs) if kwargs else kwargs)))


# --------------------------------------------------------------------- einsum

_EINSUM_CACHE: dict = {}
_np_einsum = np.einsum


def _einsum_price(subscripts: str, shapes: tuple, raws: list, kwargs: dict) -> tuple:
    from flopscope.costs import einsum as es

    spec = OPS["einsum"]
    try:
        spec.shape(shapes, subscripts=subscripts)
        cost = spec.cost(shapes, subscripts=subscripts)
        path = None
        # Three or more operands run in the table's order, unless dtype= or casting=
        # ask for NumPy's own (unoptimized) evaluation and its casting checks.
        if len(shapes) > 2 and cost and not ({"dtype", "casting"} & set(kwargs)):
            path = es.plan(es.parse(subscripts, shapes)).numpy_path()
    except ShapeError as err:
        kw = {k: v for k, v in kwargs.items() if k != "optimize"}
        refuse(np.einsum, (subscripts, *raws), kw, err)
    return _cache_put(_EINSUM_CACHE, (subscripts, shapes), (cost, path, make_charge("einsum", shapes, cost)))


def call_einsum(operands: tuple, kwargs: dict) -> Any:
    """einsum: priced from the table, cached per (subscripts, shapes).

    Three or more operands run in the table's cheapest pairwise order, so what is
    executed is what is charged.
    """
    t0 = _pc()
    if operands and type(operands[0]) is str:
        subscripts = operands[0]
        arrays = operands[1:]
    else:
        from flopscope.costs import einsum as es

        try:
            subscripts, arrays = es.sublist_to_subscripts(operands)
        except (ShapeError, TypeError, ValueError, IndexError) as err:
            raise ValueError(f"einsum: could not read the operands and subscript lists: {err}") from None
    raws = []
    shapes = []
    symmetric = False
    for x in arrays:
        t = type(x)
        if t is FA:
            r = _view(x, _nd)
            raws.append(r)
            shapes.append(r.shape)
        elif t is _nd:
            raws.append(x)
            shapes.append(x.shape)
        else:
            symmetric = symmetric or t is ST
            r, s = operand(x)
            raws.append(r)
            shapes.append(s)
    shapes_t = tuple(shapes)
    n_arrays = len(arrays)
    if symmetric or (n_arrays == 2 and arrays[0] is arrays[1]) or (n_arrays > 2 and len({id(x) for x in arrays}) < n_arrays):
        # declared symmetry or the same object twice: unique work (flopscope.runtime.symmetric)
        entry = SYM.einsum_price(subscripts, shapes_t, arrays, raws, kwargs)
    else:
        entry = _EINSUM_CACHE.get((subscripts, shapes_t)) if not kwargs else None
    if entry is None:
        entry = _einsum_price(subscripts, shapes_t, raws, kwargs)
    cost, path, charge = entry
    if kwargs:
        out = kwargs.get("out")
        kwargs = unwrap_kwargs(kwargs)
    else:
        out = None
    if path is not None:
        kwargs = dict(kwargs)
        kwargs["optimize"] = path
    # The charge step of ``execute``, inlined: einsum is the hottest table op.
    fr = _active_get()
    if fr is None or fr[0] is None:
        fr = current_frame()
    ledger, ns = fr
    if ledger.owner != _get_ident():
        raise foreign_thread(ledger, "einsum")
    if t0 > ledger.deadline:
        raise _time_out(ledger, "einsum", t0, ran=False)
    if ledger.used + cost > ledger.budget:
        raise _exhausted(ledger, ns, "einsum", cost)
    rec = site_record(ledger, ns, charge, cost)
    t1 = _pc()
    try:
        r = _np_einsum(subscripts, *raws, **kwargs)
    except BaseException as err:
        failed(err, ledger, rec, cost, t0, t1, "einsum", _np_einsum, (subscripts, *raws), kwargs)
        raise
    t2 = _pc()
    if out is not None:
        r = out
    elif type(r) is _nd:
        r = _view(r, FA)
    else:
        r = metered_scalar(r)
    # settle(), inlined on the hot path
    ledger.used += cost
    rec[0] += 1
    rec[1] += t2 - t1
    rec[2] += (t1 - t0) + (_pc() - t2)
    rec[4] += cost
    if t2 > ledger.deadline:
        raise _time_out(ledger, "einsum", t2, ran=True)
    return r
