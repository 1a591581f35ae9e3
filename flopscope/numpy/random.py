"""``flopscope.numpy.random``: metered numpy.random, built from the cost table.

Three families of table ops become callables here:

* ``random.<name>``: the legacy module functions (``fnp.random.normal``), which
  draw from NumPy's global RandomState, so ``fnp.random.seed(0)`` then
  ``fnp.random.rand(3)`` gives NumPy's numbers;
* ``random.Generator.<name>``: methods of :class:`Generator`, the metered
  wrapper that ``fnp.random.default_rng(seed)`` returns around NumPy's own
  Generator (same bit stream, same numbers);
* ``random.RandomState.<name>``: methods of :class:`RandomState`, the metered
  wrapper around ``numpy.random.RandomState``.

A method NumPy has and the table does not list raises UnsupportedOperationError
instead of running unmetered. A call whose arguments the shape rules refuse is
replayed on a scratch generator (never the user's, whose stream must not move)
to raise NumPy's own error; nothing is charged.
"""

from __future__ import annotations

from time import perf_counter as _pc
from typing import Any, Callable

import numpy as _np

from flopscope.costs import OPS
from flopscope.costs.registry import ShapeError, bind
from flopscope.numpy import _build, _signatures
from flopscope.runtime import dispatch as _dispatch
from flopscope.runtime.errors import UnsupportedOperationError
from flopscope.runtime.ledger import make_charge as _make_charge

_nprandom = _np.random
_bind = bind
_shape_of = _dispatch.shape_of
_static_key = _dispatch._static_key
_unwrap = _dispatch.unwrap
_unwrap_kwargs = _dispatch.unwrap_kwargs
_execute = _dispatch.execute
_wrap = _dispatch.wrap_counted  # a single draw (size=None) is a 0-d metered array too
_CACHE_LIMIT = 4096


class _Handler:
    """One table op: its spec, a (shapes, statics) -> (cost, charge id) cache, and
    how to reach NumPy's implementation on a scratch generator (for refusals)."""

    __slots__ = ("name", "spec", "cache", "fast", "method", "scratch")

    def __init__(self, name: str, method: str, scratch: Callable[[], Any]) -> None:
        self.name = name
        self.spec = OPS[name]
        self.cache: dict = {}
        self.fast: dict = {}  # plain-argument calls -> (cost, charge id), skipping the binder
        self.method = method
        self.scratch = scratch


_SIMPLE = frozenset((int, float, bool, str, type(None)))


def _fast_key(args: tuple, kwargs: dict) -> Any:
    """A cache key for a call made of plain numbers, strings and int tuples (the common
    ``normal(0, 1, size=(n, m))``): it prices the call without binding it. None otherwise."""
    simple = _SIMPLE
    for a in args:
        t = type(a)
        if t not in simple and not (t is tuple and all(type(v) is int for v in a)):
            return None
    if not kwargs:
        return args
    for a in kwargs.values():
        t = type(a)
        if t not in simple and not (t is tuple and all(type(v) is int for v in a)):
            return None
    return (args, tuple(kwargs.items()))


def _call(h: _Handler, fn: Callable, args: tuple, kwargs: dict) -> Any:
    """Bind, price (cached), check, run NumPy's ``fn``, charge. Returns NumPy's result,
    metered (the user's ``out`` when one was given)."""
    t0 = _pc()
    fast = _fast_key(args, kwargs)
    if fast is not None:
        entry = h.fast.get(fast)
        if entry is not None:
            return _execute(h.name, entry[0], entry[1], fn, args, kwargs, t0, _wrap)
    spec = h.spec
    b = _bind(spec, args, kwargs)
    shapes = tuple(_shape_of(x) for x in b.operands)
    static = b.static
    skey = _static_key(static)
    entry = h.cache.get((shapes, skey)) if skey is not None else None
    if entry is None:
        try:
            spec.shape(shapes, **static)
            cost = spec.cost(shapes, **static)
        except ShapeError as err:
            scratch = getattr(h.scratch(), h.method)
            _dispatch.refuse(scratch, args, kwargs, err, b.operands)
        entry = (cost, _make_charge(h.name, shapes, cost))
        if skey is not None:
            if len(h.cache) >= _CACHE_LIMIT:
                h.cache.clear()
            h.cache[(shapes, skey)] = entry
    if fast is not None:
        if len(h.fast) >= _CACHE_LIMIT:
            h.fast.clear()
        h.fast[fast] = entry
    cost, charge = entry
    r = _execute(h.name, cost, charge, fn, _unwrap(args), _unwrap_kwargs(kwargs) if kwargs else kwargs, t0, _wrap)
    out = static.get("out")
    return r if out is None else out


_SCRATCH: dict = {}


def _scratch_legacy() -> Any:
    r = _SCRATCH.get("legacy")
    if r is None:
        r = _SCRATCH["legacy"] = _nprandom.RandomState(0)
    return r


def _scratch_generator() -> Any:
    r = _SCRATCH.get("generator")
    if r is None:
        r = _SCRATCH["generator"] = _nprandom.Generator(_nprandom.PCG64(0))
    return r


# --------------------------------------------------------------------- module functions


def _module_function(name: str) -> Callable:
    attr = name.rpartition(".")[2]
    h = _Handler(name, attr, _scratch_legacy)
    fn = getattr(_nprandom, attr)

    def f(*args, **kwargs):
        return _call(h, fn, args, kwargs)

    f.__name__ = f.__qualname__ = attr
    f.__module__ = __name__
    _signatures.attach(f, h.spec, fn)
    f.spec = h.spec  # type: ignore[attr-defined]
    return f


def _ops_of(owner: str) -> list[str]:
    """Table names directly under ``owner`` ("random", "random.Generator", ...)."""
    return [spec.name for spec in OPS if spec.name.rpartition(".")[0] == owner and spec.category != "free"]


for _name in _ops_of("random"):
    if hasattr(_nprandom, _name.rpartition(".")[2]):
        globals()[_name.rpartition(".")[2]] = _module_function(_name)


# --------------------------------------------------------------------- generator classes


def _method(name: str, scratch: Callable[[], Any]) -> Callable:
    attr = name.rpartition(".")[2]
    h = _Handler(name, attr, scratch)

    def method(self, *args, **kwargs):
        return _call(h, getattr(self._impl, attr), args, kwargs)

    method.__name__ = attr
    method.__qualname__ = f"{name.split('.')[1]}.{attr}"
    _signatures.attach(method, h.spec, getattr(getattr(_nprandom, name.split(".")[1]), attr, None), method=True)
    method.spec = h.spec  # type: ignore[attr-defined]
    return method


class _Metered:
    """Shared behaviour of the metered Generator and RandomState wrappers."""

    __slots__ = ("_impl",)
    _numpy_class: type = object

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("__") and hasattr(self._numpy_class, name):
            raise UnsupportedOperationError(
                f"flopscope.numpy.random.{type(self).__name__}.{name} is not supported by flopscope: it has no cost "
                "rule, so it is refused rather than run unmetered"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"metered {self._impl!r}"

    # Pickling and copying carry NumPy's object (its state): free.
    def __reduce__(self):
        return (_rewrap, (type(self), self._impl))

    def __getstate__(self):
        return self._impl.__getstate__()

    def __setstate__(self, state) -> None:
        self._impl.__setstate__(state)


def _rewrap(cls: type, impl: Any) -> Any:
    obj = object.__new__(cls)
    obj._impl = impl
    return obj


class Generator(_Metered):
    """Metered ``numpy.random.Generator``: every sampler is charged by the table's
    ``random.Generator.<name>`` rule; construction, ``bit_generator`` and ``spawn`` are free."""

    __slots__ = ()
    _numpy_class = _nprandom.Generator
    spec = OPS["random.Generator"]

    def __init__(self, bit_generator: Any) -> None:
        self._impl = _nprandom.Generator(bit_generator)

    @property
    def bit_generator(self) -> Any:
        return _BitGeneratorView(self._impl.bit_generator)

    def spawn(self, n_children: int) -> list:
        return [_rewrap(Generator, g) for g in self._impl.spawn(n_children)]


def _metered_state(state: Any) -> Any:
    """A generator's state with its arrays (MT19937's key) metered: reading it is free,
    and arithmetic on it is charged like any other."""
    if isinstance(state, _np.ndarray):
        return _dispatch.wrap(state.copy())
    if isinstance(state, tuple):
        return tuple(_metered_state(v) for v in state)
    if isinstance(state, dict):
        return {k: _metered_state(v) for k, v in state.items()}
    return state


class _BitGeneratorView:
    """``Generator.bit_generator``: its state and seed sequence (free). Its raw draws
    (``random_raw``) and its C interfaces are refused: no metered sampler charges them."""

    __slots__ = ("_bg",)

    def __init__(self, bg: Any) -> None:
        object.__setattr__(self, "_bg", bg)

    @property
    def state(self) -> Any:
        return _metered_state(self._bg.state)

    @property
    def seed_seq(self) -> Any:
        return self._bg.seed_seq

    def __getattr__(self, name: str) -> Any:
        raise UnsupportedOperationError(
            f"bit_generator.{name} is refused: a bit generator's raw draws and C interfaces are not metered "
            "(use the Generator's samplers)")

    def __setattr__(self, name: str, value: Any) -> None:
        raise UnsupportedOperationError("a Generator's bit generator is read-only here")

    def __repr__(self) -> str:
        return f"metered view of {self._bg!r}"


class RandomState(_Metered):
    """Metered ``numpy.random.RandomState``: samplers charged by the table's
    ``random.RandomState.<name>`` rules; seeding and state access are free."""

    __slots__ = ()
    _numpy_class = _nprandom.RandomState
    spec = OPS["random.RandomState"]

    def __init__(self, seed: Any = None) -> None:
        self._impl = _nprandom.RandomState(_unwrap(seed))

    def seed(self, seed: Any = None) -> None:
        self._impl.seed(_unwrap(seed))

    def get_state(self, legacy: bool = True) -> Any:
        return _metered_state(self._impl.get_state(legacy))

    def set_state(self, state: Any) -> None:
        self._impl.set_state(state)


for _cls, _owner, _scratch in ((Generator, "random.Generator", _scratch_generator),
                               (RandomState, "random.RandomState", _scratch_legacy)):
    for _name in _ops_of(_owner):
        setattr(_cls, _name.rpartition(".")[2], _method(_name, _scratch))


class SeedSequence:
    """``numpy.random.SeedSequence``, free: it hashes entropy into seeds and draws no
    floats. ``generate_state`` is free too; the words it returns are metered arrays.
    Pass it to ``default_rng`` to seed a metered Generator."""

    __slots__ = ("_impl",)
    spec = OPS["random.SeedSequence"]

    def __init__(self, entropy: Any = None, *, spawn_key: Any = (), pool_size: int = 4, n_children_spawned: int = 0) -> None:
        self._impl = _nprandom.SeedSequence(_unwrap(entropy), spawn_key=spawn_key, pool_size=pool_size,
                                            n_children_spawned=n_children_spawned)

    def generate_state(self, n_words: int, dtype: Any = _np.uint32) -> Any:
        return _wrap(self._impl.generate_state(n_words, dtype))

    def spawn(self, n_children: int) -> list:
        out = []
        for child in self._impl.spawn(n_children):
            wrapped = object.__new__(SeedSequence)
            wrapped._impl = child
            out.append(wrapped)
        return out

    entropy = property(lambda self: self._impl.entropy)
    spawn_key = property(lambda self: self._impl.spawn_key)
    pool_size = property(lambda self: self._impl.pool_size)
    n_children_spawned = property(lambda self: self._impl.n_children_spawned)
    state = property(lambda self: self._impl.state)

    def __repr__(self) -> str:
        return f"metered {self._impl!r}"


def default_rng(seed: Any = None) -> Generator:
    """Metered ``numpy.random.default_rng``: free; the Generator it returns is metered."""
    if isinstance(seed, Generator):
        return seed
    if isinstance(seed, _nprandom.Generator):
        return _rewrap(Generator, seed)
    if isinstance(seed, SeedSequence):
        seed = seed._impl
    return _rewrap(Generator, _nprandom.default_rng(_unwrap(seed)))


default_rng.spec = OPS["random.default_rng"]  # type: ignore[attr-defined]

globals().update(_build.free_names("random", _nprandom))


def get_state(legacy: bool = True) -> Any:
    """numpy.random.get_state, free; its arrays (MT19937's key) come back metered."""
    return _metered_state(_nprandom.get_state(legacy))

__getattr__ = _build.module_getattr("random", _nprandom)

_dispatch.register_internal(__file__)
