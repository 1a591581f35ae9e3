"""``flopscope.stats``: metered continuous distributions, SciPy-style (COST_MODEL v1.1).

``flops.stats.norm.cdf(x)``, ``norm.ppf(q, loc=mu, scale=s)``, ``expon.rvs(size=n,
random_state=rng)``: the names, arguments and results of ``scipy.stats``, with
each call charged by the cost table (flopscope/costs/table_stats.py):

* ``pdf logpdf cdf logcdf sf logsf ppf isf``: numel(broadcast of x, loc, scale),
  one pointwise pass, like a unary ufunc;
* ``rvs``: numel(output), like the samplers.

Distributions: norm, uniform, expon, logistic, laplace, cauchy, gumbel_r,
gumbel_l, halfnorm, rayleigh. ``norm(loc, scale)`` freezes the parameters, as in
SciPy. Results are metered arrays (a 0-d one for a single value). NumPy's
semantics for bad parameters: NaN where ``scale <= 0`` (SciPy gives NaN there
too), NaN for a probability outside [0, 1]; ``rvs`` with ``scale <= 0`` raises
ValueError, as SciPy does, and charges nothing. A value that is not a real
number (a string, None, a complex number) raises TypeError, charging nothing.

SciPy's special functions do the work; they are imported on the first call.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from flopscope.costs import COST_MODEL_NAME, OPS
from flopscope.costs.registry import ShapeError, bind
from flopscope.costs.table_stats import DENSITY_METHODS, DISTRIBUTIONS, METHODS, QUANTILE_METHODS
from flopscope.runtime import dispatch
from flopscope.runtime.errors import UnsupportedOperationError
from flopscope.runtime.ledger import make_charge

_nd = np.ndarray
_REAL_KINDS = frozenset("biuf")


def _implementation(dist: str, method: str) -> Callable:
    from flopscope.stats import _standard  # SciPy, on first use

    if method in DENSITY_METHODS:
        return _standard.density(dist, method)
    if method in QUANTILE_METHODS:
        return _standard.quantile(dist, method)
    return _standard.draw(dist)


def _check_real(name: str, argname: str, raw: Any) -> None:
    kind = raw.dtype.kind if isinstance(raw, (_nd, np.generic)) else None
    if kind is None:
        if type(raw) in (int, float, bool):
            return
        raw = np.asarray(raw)
        kind = raw.dtype.kind
    if kind not in _REAL_KINDS:
        raise TypeError(f"{name}: {argname} must be a real number or an array of real numbers, "
                        f"not {type(raw).__name__} of dtype {raw.dtype}")


class _Method:
    """One metered method: ``stats.<dist>.<method>``, priced from the table, cached by shapes."""

    __slots__ = ("name", "spec", "dist", "method", "fn", "cache", "params")

    def __init__(self, dist: str, method: str) -> None:
        self.name = f"stats.{dist}.{method}"
        self.spec = OPS[self.name]
        self.dist, self.method = dist, method
        self.fn: Callable | None = None
        self.cache: dict = {}
        self.params = [p.name for p in self.spec.params]

    def impl(self) -> Callable:
        fn = self.fn
        if fn is None:
            fn = self.fn = _implementation(self.dist, self.method)
        return fn

    def price(self, shapes: tuple, static: dict, raw_args: tuple, raw_kwargs: dict) -> tuple:
        key = (shapes, dispatch._static_key(static))
        entry = self.cache.get(key) if key[1] is not None else None
        if entry is None:
            try:
                self.spec.shape(shapes, **static)
                cost = self.spec.cost(shapes, **static)
            except ShapeError as err:
                raise ValueError(f"{self.name.partition('.')[2]}: {err}") from None
            entry = (cost, make_charge(self.name, shapes, cost))
            if key[1] is not None:
                dispatch._cache_put(self.cache, key, entry)
        return entry


def _pointwise(m: _Method) -> Callable:
    """pdf, cdf, ppf, ...: ``f(x, loc=0, scale=1)``."""
    label = m.name.partition(".")[2]
    first = m.params[0]
    cache, name, operand, execute, wrap = m.cache, m.name, dispatch.operand, dispatch.execute, dispatch.wrap_counted
    pc = dispatch._pc

    def call(*args: Any, **kwargs: Any) -> Any:
        t0 = pc()
        if len(args) == 1 and not kwargs:  # the common call: f(x)
            raw, shape = operand(args[0])
            _check_real(label, first, raw)
            entry = cache.get(shape)
            if entry is None:
                entry = m.price((shape,), {}, args, kwargs)
                dispatch._cache_put(cache, shape, entry)
            fn = m.fn or m.impl()
            return execute(name, entry[0], entry[1], fn, (raw,), {}, t0, wrap)
        b = bind(m.spec, args, kwargs)
        raws = {}
        for param in m.params:
            if param in b.given and b.given[param] is not None:
                raw, _shape = operand(b.given[param])
                _check_real(label, param, raw)
                raws[param] = raw
        if first not in raws:
            raise TypeError(f"{label}() missing required argument {first!r}")
        shapes = tuple(np.shape(raws[p]) for p in m.params if p in raws)
        cost, charge = m.price(shapes, {}, args, kwargs)
        first_raw = raws.pop(first)
        return execute(name, cost, charge, m.fn or m.impl(), (first_raw,), raws, t0, wrap)

    call.__name__ = m.method
    return call


def _rvs(m: _Method) -> Callable:
    """``rvs(loc=0, scale=1, size=None, random_state=None)``."""
    label = m.name.partition(".")[2]

    def call(*args: Any, **kwargs: Any) -> Any:
        t0 = dispatch._pc()
        b = bind(m.spec, args, kwargs)
        params = {}
        for name in ("loc", "scale"):
            if name in b.given and b.given[name] is not None:
                raw, _shape = dispatch.operand(b.given[name])
                _check_real(label, name, raw)
                params[name] = raw
        size = b.static.get("size")
        if size is not None:
            size = tuple(int(d) for d in (size if isinstance(size, (tuple, list)) else (size,)))
        shapes = tuple(np.shape(params[k]) for k in ("loc", "scale") if k in params)
        static = {"size": size}
        cost, charge = m.price(shapes, static, args, kwargs)
        scale = params.get("scale")
        if scale is not None and not np.all(np.asarray(scale) > 0):
            raise ValueError(f"{label}: scale must be positive (SciPy's domain error); nothing was charged")
        shape = m.spec.shape(shapes, **static)
        from flopscope.stats._standard import random_source

        random_source(b.given.get("random_state"))  # a bad random_state raises before the charge
        m.impl()
        kw = dict(params)
        kw["random_state"] = b.given.get("random_state")
        kw["_shape"] = tuple(shape)
        return dispatch.execute(m.name, cost, charge, m.impl(), (), kw, t0, dispatch.wrap_counted)

    call.__name__ = "rvs"
    return call


class Distribution:
    """A continuous distribution of ``flopscope.stats``: ``norm.cdf(x, loc=0, scale=1)``, ...
    Calling it freezes loc and scale: ``norm(0, 2).pdf(x)``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.__doc__ = f"flopscope.stats.{name}: {DISTRIBUTIONS[name][1]} (metered; see flopscope.stats)."
        for method in METHODS:
            m = _Method(name, method)
            fn = _rvs(m) if method == "rvs" else _pointwise(m)
            fn.__qualname__ = f"{name}.{method}"
            fn.__doc__ = (f"{name}.{method}: {m.spec.doc}. Cost ({COST_MODEL_NAME}): {m.spec.formula}.")
            fn.spec = m.spec  # type: ignore[attr-defined]
            object.__setattr__(self, method, fn)

    def __call__(self, loc: Any = 0.0, scale: Any = 1.0) -> "Frozen":
        return Frozen(self, loc, scale)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnsupportedOperationError(
            f"flopscope.stats.{self.name}.{name} is not supported: the metered methods are "
            f"{', '.join(METHODS)}"
        )

    def __repr__(self) -> str:
        return f"<flopscope.stats.{self.name}: {DISTRIBUTIONS[self.name][1]}>"


class Frozen:
    """A distribution with loc and scale fixed: ``norm(mu, s).cdf(x)`` is ``norm.cdf(x, mu, s)``."""

    __slots__ = ("dist", "loc", "scale")

    def __init__(self, dist: Distribution, loc: Any, scale: Any) -> None:
        self.dist, self.loc, self.scale = dist, loc, scale

    def __getattr__(self, name: str) -> Any:
        if name in DENSITY_METHODS or name in QUANTILE_METHODS:
            fn = getattr(self.dist, name)
            return lambda x: fn(x, self.loc, self.scale)
        if name == "rvs":
            fn = self.dist.rvs
            return lambda size=None, random_state=None: fn(self.loc, self.scale, size=size, random_state=random_state)
        return getattr(self.dist, name)

    def __repr__(self) -> str:
        return f"{self.dist.name}(loc={self.loc!r}, scale={self.scale!r}) (frozen, metered)"


norm = Distribution("norm")
uniform = Distribution("uniform")
expon = Distribution("expon")
logistic = Distribution("logistic")
laplace = Distribution("laplace")
cauchy = Distribution("cauchy")
gumbel_r = Distribution("gumbel_r")
gumbel_l = Distribution("gumbel_l")
halfnorm = Distribution("halfnorm")
rayleigh = Distribution("rayleigh")

__all__ = list(DISTRIBUTIONS)

dispatch.register_internal(__file__)
