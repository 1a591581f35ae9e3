"""Symmetric tensors: ``flops.as_symmetric`` and the ``SymmetricTensor`` it returns.

``as_symmetric(x, symmetry=(0, 1))`` checks the claim (np.allclose against the
transposes that generate each group) and returns a ``SymmetricTensor`` owning a
read-only copy of the data, so nothing written later (an in-place operator,
item assignment, ``out=``, a write through a view of the original) can break
the symmetry while the discount is kept. The declaration is free.

Pointwise ops and reductions on a ``SymmetricTensor`` are charged its unique
elements, einsum its orbits (flopscope.costs.symmetry); the dispatch hot path
recognises the type and comes here. Unary pointwise results, and binary ones in
the discounted case, are SymmetricTensors again. Views (slicing, ``.T``,
``reshape``, ...) and copies are plain metered arrays.
"""

from __future__ import annotations

import sys
import weakref
from typing import Any

import numpy as np

from flopscope.costs import symmetry as sym
from flopscope.runtime import dispatch
from flopscope.runtime.array import FlopscopeArray
from flopscope.runtime.errors import SymmetryError

_nd = np.ndarray
_view = np.ndarray.view


class SymmetricTensor(FlopscopeArray):
    """A read-only metered array declared unchanged by permuting axes within each group.

    ``.symmetry`` gives the groups, e.g. ``((0, 1),)``. Made by :func:`as_symmetric`.
    """

    _groups: tuple = ()

    @property
    def symmetry(self) -> tuple:
        """The declared groups of symmetric axes, e.g. ``((0, 1),)``."""
        return _groups_of(self)

    def __array_finalize__(self, obj: Any) -> None:
        # A view NumPy makes in C (iterating over rows, ...) is a SymmetricTensor by type
        # but declares nothing: only ``make`` sets groups, so a view never keeps a discount.
        self._groups = ()

    def __repr__(self) -> str:
        return f"SymmetricTensor({_view(self, _nd)!r}, symmetry={_groups_of(self)})"

    def __reduce__(self):
        return (_restore, (_view(self, _nd).copy(), _groups_of(self)))

    @property
    def base(self) -> None:
        """None: the data belongs to this tensor alone (see :func:`make`)."""
        return None

    def __setstate__(self, state: Any) -> None:
        raise SymmetryError("a SymmetricTensor's data cannot be replaced: declare a new one with as_symmetric")


def _plain(self: SymmetricTensor) -> FlopscopeArray:
    return _view(self, FlopscopeArray)


def _as_plain_method(name: str):
    def method(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(_plain(self), name)(*args, **kwargs)

    method.__name__ = name
    return method


def _as_plain_property(name: str):
    return property(lambda self: getattr(_plain(self), name), doc=f"``{name}`` of the plain metered array (no symmetry)")


# Views and copies are plain metered arrays: a view may not keep the declared symmetry.
for _name in ("reshape", "transpose", "swapaxes", "ravel", "flatten", "squeeze", "copy", "astype", "view", "__getitem__",
              "__copy__", "__deepcopy__"):
    setattr(SymmetricTensor, _name, _as_plain_method(_name))
for _name in ("T", "mT", "real", "imag"):
    setattr(SymmetricTensor, _name, _as_plain_property(_name))
del _name


def _restore(plain: Any, groups: Any) -> SymmetricTensor:
    """Unpickling: the claim is checked again (a pickle is just data)."""
    return as_symmetric(plain, symmetry=[tuple(g) for g in groups] if groups else ())


def make(data: np.ndarray, groups: tuple) -> SymmetricTensor:
    """Wrap ``data`` (a fresh ndarray nobody else holds) as a read-only SymmetricTensor.
    Views of a read-only array cannot be made writeable again; the one array that
    could, the owner of the data, is hidden (``S.base`` is None)."""
    data.flags.writeable = False
    out = _view(data, SymmetricTensor)
    out._groups = groups
    key = id(out)
    _DECLARED[key] = (weakref.ref(out, lambda _ref, key=key: _DECLARED.pop(key, None)), groups)
    return out


# id -> (weak reference, groups) of every tensor as_symmetric declared.
_DECLARED: dict = {}


def as_symmetric(x: Any, symmetry: Any = (0, 1)) -> SymmetricTensor:
    """Declare ``x`` unchanged by permuting the axes of each group; free.

    ``symmetry`` is one group of axes, ``(0, 1)`` or ``(0, 1, 2)`` (every
    permutation of those axes), or a list of disjoint groups ``[(0, 1), (2, 3)]``.
    The claim is checked against the transposes generating each group, relative
    to the data's scale (see ``_check``); a false claim, or axes out of range, overlapping or of unequal
    length, raises :class:`flopscope.SymmetryError`. The result owns a read-only
    copy of the data.
    """
    data = np.array(_view(x, _nd) if isinstance(x, _nd) else x, copy=True)
    if data.dtype.kind not in "biufc":
        raise SymmetryError(f"as_symmetric needs numbers, got an array of dtype {data.dtype}")
    try:
        groups = sym.normalize_groups(symmetry, data.shape)
    except sym.SymmetrySpecError as err:
        raise SymmetryError(str(err)) from None
    _check(data, groups)
    return make(data, groups)


# Declared symmetry is checked relative to the data's own scale: entries that mirror
# each other may differ by 1e-9 of their own size (rounding in A @ A.T), or by a few
# units in the last place of the largest entry. Scaling the data scales the tolerance,
# so no amount of asymmetry passes by being made small.
_RTOL = 1e-9
_SCALE_ULPS = 64 * np.finfo(np.float64).eps


def _check(data: np.ndarray, groups: tuple) -> None:
    with np.errstate(all="ignore"):
        scale = float(np.nanmax(np.abs(data))) if data.size else 0.0
        for g in groups:
            for a, b in sym.generators(g):
                swapped = np.swapaxes(data, a, b)
                diff = np.abs(data - swapped)
                allowed = _RTOL * np.maximum(np.abs(data), np.abs(swapped)) + _SCALE_ULPS * scale
                both_nan = np.isnan(data) & np.isnan(swapped)
                bad = ~((diff <= allowed) | both_nan | (data == swapped))
                if np.any(bad):
                    worst = float(np.nanmax(np.where(bad, diff, 0.0))) if not np.all(np.isnan(diff[bad])) else float("nan")
                    raise SymmetryError(
                        f"the array is not symmetric in axes {a} and {b} (symmetry group {g}): "
                        f"the largest deviation is {worst:g}"
                    )


# --------------------------------------------------------------------- metered calls

_UFUNC_CACHE: dict = {}
_REDUCTION_CACHE: dict = {}


def _groups_of(x: Any) -> tuple:
    """The groups ``make`` declared for this very tensor (an attribute set on a view is
    not a declaration: only tensors made by as_symmetric are in the register)."""
    if type(x) is not SymmetricTensor:
        return ()
    entry = _DECLARED.get(id(x))
    if entry is None or entry[0]() is not x:
        return ()
    return entry[1]


def _price(cache: dict, name: str, category: str, shapes: tuple, groups: tuple) -> tuple | None:
    key = (name, shapes, groups)
    entry = cache.get(key)
    if entry is None:
        priced = sym.symmetric_cost(category, shapes, groups)
        if priced is None:
            entry = (None, None, None)
        else:
            cost, out_groups = priced
            entry = (cost, dispatch.make_charge(name, shapes, cost), out_groups)
        if len(cache) >= 4096:
            cache.clear()
        cache[key] = entry
    return entry


def _retag(r: Any, groups: tuple) -> Any:
    """NumPy's result as a SymmetricTensor (a tuple of them for two-output ufuncs)."""
    if type(r) is tuple:
        return tuple(_retag(v, groups) for v in r)
    if type(r) is _nd and r.ndim:
        return make(r, groups)
    return dispatch.wrap_counted(r)


def call_ufunc(h: Any, inputs: tuple) -> Any:
    """A unary or binary ufunc with at least one SymmetricTensor operand, no keywords."""
    plain = tuple(_view(x, _nd) if isinstance(x, _nd) else x for x in inputs)
    if h.spec.category not in sym.POINTWISE_CATEGORIES or h.ufunc.signature is not None:
        return h.call(*[_view(x, FlopscopeArray) if type(x) is SymmetricTensor else x for x in inputs])
    shapes = tuple(dispatch.shape_of(x) for x in plain)
    groups = tuple(_groups_of(x) for x in inputs)
    cost, charge, out_groups = _price(_UFUNC_CACHE, h.name, h.spec.category, shapes, groups)
    if cost is None:  # no discount: the ordinary path on plain metered views
        return h.call(*[_view(x, FlopscopeArray) if type(x) is SymmetricTensor else x for x in inputs])
    t0 = dispatch._pc()
    return dispatch.execute(h.name, cost, charge, h.ufunc, plain, {}, t0, lambda r: _retag(r, out_groups))


def call_reduction(h: Any, a: SymmetricTensor, args: tuple, kwargs: dict) -> Any:
    """A reduction (sum, mean, max, ...) of a SymmetricTensor: its unique elements, whatever the axis.

    NumPy validates the axis and the rest; a refused call charges nothing. The result is plain.
    """
    t0 = dispatch._pc()
    spec = h.spec
    ar = _view(a, _nd)
    cost, charge, _ = _price(_REDUCTION_CACHE, h.name, spec.category, (ar.shape,), (_groups_of(a),))
    if cost is None:  # not a discounted category: the table's own cost
        cost = spec.cost((ar.shape,))
        charge = dispatch.make_charge(h.name, (ar.shape,), cost)
    out = None
    if kwargs:
        out = kwargs.get("out")
        kwargs = dispatch.unwrap_kwargs(kwargs)
    if args:
        names = [p.name for p in spec.params if p.positional]
        out_at = names.index("out") - 1 if "out" in names else None
        if out_at is not None and len(args) > out_at:
            out = args[out_at]
        args = dispatch.unwrap(tuple(args))
    r = dispatch.execute(h.name, cost, charge, h.fn, (ar,) + tuple(args), kwargs, t0, h.wrapper)
    return r if out is None else out


_EINSUM_CACHE: dict = {}


def einsum_price(subscripts: str, shapes: tuple, arrays: tuple, raws: list, kwargs: dict) -> tuple:
    """(cost, numpy path, charge id) of an einsum with symmetric or repeated operands."""
    pattern = sym.pattern_of(arrays, [_groups_of(x) for x in arrays])
    if sym.is_trivial(pattern):
        return dispatch._EINSUM_CACHE.get((subscripts, shapes)) if not kwargs else None
    key = (subscripts, shapes, pattern)
    entry = _EINSUM_CACHE.get(key) if not kwargs else None
    if entry is not None:
        return entry
    # The plain pricing validates the call (NumPy's own error, nothing charged) and
    # gives the contraction order, which declared symmetry does not change.
    _plain_cost, path, _charge = dispatch._einsum_price(subscripts, shapes, raws, kwargs)
    cost = sym.einsum_cost(shapes, subscripts=subscripts, pattern=pattern)
    entry = (cost, path, dispatch.make_charge("einsum", shapes, cost))
    if len(_EINSUM_CACHE) >= 4096:
        _EINSUM_CACHE.clear()
    _EINSUM_CACHE[key] = entry
    return entry


dispatch.SYM = sys.modules[__name__]
dispatch.ST = SymmetricTensor
dispatch.register_internal(__file__)
