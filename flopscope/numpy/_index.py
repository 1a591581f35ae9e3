"""Index expressions for ``flopscope.numpy``: ``r_``, ``c_``, ``mgrid``, ``ogrid`` (priced),
``s_`` and ``index_exp`` (NumPy's own objects: they build slices, free).

``fnp.r_[0:n, x]`` is subscripted like an array. The subscript is turned into the
description the cost table's rules read (see flopscope/costs/table_io.py): one
entry per item, the arrays among them as operands. The call is priced from that
description before NumPy's own ``r_`` builds the result on plain arrays; the
result is metered.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from flopscope.costs import OPS
from flopscope.costs.registry import ShapeError
from flopscope.runtime import dispatch
from flopscope.runtime.errors import UnsupportedOperationError
from flopscope.runtime.ledger import make_charge

_nd = np.ndarray
_PY_NUMBERS = (int, float, complex, bool)


def _number(v: Any) -> Any:
    """A slice bound as a Python number (a 0-d array or NumPy scalar is read once, here)."""
    if v is None or type(v) in _PY_NUMBERS:
        return v
    if isinstance(v, (np.generic, _nd)) and np.ndim(v) == 0:
        return np.asarray(v).item()
    return v


class _Priced:
    """Shared pricing of a subscripted index expression: cache, check, run, charge."""

    __slots__ = ("name", "spec", "target", "cache")

    def __init__(self, name: str) -> None:
        self.name = name
        self.spec = OPS[name]
        self.target = getattr(np, name)
        self.cache: dict = {}

    def _run(self, operands: list, build_key, static: dict) -> Any:
        t0 = dispatch._pc()
        shapes = tuple(dispatch.shape_of(x) for x in operands)
        key = (shapes, dispatch._static_key(static))
        entry = self.cache.get(key) if key[1] is not None else None
        target = self.target

        def run(*raw: Any) -> Any:
            return target[build_key(raw)]

        if entry is None:
            try:
                self.spec.shape(shapes, **static)
                cost = self.spec.cost(shapes, **static)
            except ShapeError as err:
                if "numpy.matrix" in str(err):
                    raise UnsupportedOperationError(f"flopscope.numpy.{self.name}: {err}") from None
                dispatch.refuse(run, tuple(operands), {}, err)
            entry = (cost, make_charge(self.name, shapes, cost))
            if key[1] is not None:
                dispatch._cache_put(self.cache, key, entry)
        cost, charge = entry
        raw = tuple(dispatch.operand(x)[0] if isinstance(x, _nd) else dispatch.unwrap(x) for x in operands)
        return dispatch.execute(self.name, cost, charge, run, raw, {}, t0, dispatch.wrap_counted)


class ConcatIndex(_Priced):
    """``r_`` and ``c_``: concatenation along an axis, priced numel(output) like concatenate."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        items = key if isinstance(key, tuple) else (key,)
        desc: list = []
        operands: list = []
        layout: list = []  # how to rebuild the subscript from the operands
        for item in items:
            if isinstance(item, slice):
                entry = ("slice", _number(item.start), _number(item.stop), _number(item.step))
                desc.append(entry)
                layout.append(("slice", slice(*entry[1:])))
            elif isinstance(item, str):
                desc.append(("directive", item))
                layout.append(("const", item))
            elif type(item) in _PY_NUMBERS or isinstance(item, np.generic):
                desc.append(("scalar", len(operands)))
                layout.append(("operand", len(operands)))
                operands.append(item)
            else:
                desc.append(("array", len(operands)))
                layout.append(("operand", len(operands)))
                operands.append(item)
        spec_defaults = {p.name: p.default for p in self.spec.params if p.name != "items"}
        static = {"items": tuple(desc), **spec_defaults}

        def build_key(raw: tuple) -> tuple:
            return tuple(raw[v] if kind == "operand" else v for kind, v in layout)

        return self._run(operands, build_key, static)

    def __repr__(self) -> str:
        return f"flopscope.numpy.{self.name} (metered numpy.{self.name}: numel(output))"


class GridIndex(_Priced):
    """``mgrid`` and ``ogrid``: grids from slices, priced numel of the arrays built."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        single = isinstance(key, slice)
        items = (key,) if single else key
        if not isinstance(items, tuple) or not all(isinstance(s, slice) for s in items) or not items:
            raise TypeError(f"{self.name}[...] takes slices, e.g. {self.name}[0:n, 0:m]")
        slices = tuple((_number(s.start), _number(s.stop), _number(s.step)) for s in items)
        static = {"slices": slices, "single": single, "sparse": self.name == "ogrid"}
        rebuilt = slice(*slices[0]) if single else tuple(slice(*s) for s in slices)
        return self._run([], lambda raw: rebuilt, static)

    def __repr__(self) -> str:
        return f"flopscope.numpy.{self.name} (metered numpy.{self.name}: numel of the arrays built)"


def build() -> dict[str, Any]:
    """The index expressions of flopscope.numpy, by name."""
    out: dict[str, Any] = {name: ConcatIndex(name) for name in ("r_", "c_")}
    out.update({name: GridIndex(name) for name in ("mgrid", "ogrid")})
    out["s_"] = np.s_  # NumPy's own: it builds slices and tuples, free
    out["index_exp"] = np.index_exp
    return out


dispatch.register_internal(__file__)
