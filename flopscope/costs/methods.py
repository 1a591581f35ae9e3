"""What every public ndarray method is for the meter: charged as a table op, free, or refused.

The runtime's metered array (flopscope/runtime/array.py) and the analyzer
(flopscope/analyzer/pricing.py) both read this table, so ``A.sum()`` is charged and
predicted alike, and a method one half refuses the other reports. A test checks
that every public ndarray method is listed exactly once.

Kinds:

* ``op``: runs the table op ``op`` with the array first (``A.sum(axis=0)`` is
  ``sum(A, axis=0)``), charged by that op's rule;
* ``in_place``: runs ``op`` in place and returns None (``A.sort()`` is charged as
  ``sort(A)``; ``A.fill(v)`` as ``copyto``, the elements written);
* ``view``: free, returns a metered array (a view or a copy: ``.T``, ``reshape``);
* ``query``: free, returns metadata (``shape``, ``dtype``, ``flags``);
* ``conversion``: free, returns Python values that leave the meter (``item``, ``tolist``);
* ``refused``: raises UnsupportedOperationError with ``note`` as the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

OP, IN_PLACE, VIEW, QUERY, CONVERSION, REFUSED = "op", "in_place", "view", "query", "conversion", "refused"


@dataclass(frozen=True)
class MethodSpec:
    name: str
    kind: str
    op: str | None = None  # the table op an "op" or "in_place" method runs
    note: str = ""


ARRAY_METHODS: dict[str, MethodSpec] = {}


def _register(kind: str, names: str, op: str | None = None, note: str = "") -> None:
    for name in names.split():
        if name in ARRAY_METHODS:
            raise ValueError(f"ndarray method {name!r} is classified twice")
        ARRAY_METHODS[name] = MethodSpec(name, kind, op or (name if kind in (OP, IN_PLACE) else None), note)


_register(OP, "all any argmax argmin argpartition argsort choose clip cumprod cumsum diagonal dot max mean min "
              "nonzero prod put repeat round searchsorted std sum take trace var")
_register(OP, "conj conjugate", "conjugate", "free on a real array (NumPy returns the array itself)")
_register(OP, "compress", "compress", "A.compress(condition, ...) is numpy.compress(condition, A, ...)")
_register(IN_PLACE, "sort")
_register(IN_PLACE, "partition")
_register(IN_PLACE, "fill", "copyto", "charged as copyto: the elements written")
_register(VIEW, "T mT astype base byteswap copy flatten getfield imag ravel real reshape resize setfield setflags "
                "squeeze swapaxes to_device transpose view")
_register(QUERY, "data device dtype flags itemsize nbytes ndim shape size strides")
_register(CONVERSION, "item tobytes tolist")
_register(REFUSED, "dump dumps tofile", note="it writes the raw array to a file or a pickle, outside the meter")
_register(REFUSED, "flat", note="A.flat is NumPy's iterator over the data, and it hands Python a plain (unmetered) "
                                "array: use A.ravel() or A.reshape(-1)")
_register(REFUSED, "ctypes", note="it hands out the data's memory address, for code outside the meter")

# Of these, the attributes (not methods): refused on access.
REFUSED_ATTRIBUTES = frozenset({"flat", "ctypes"})


def of_kind(*kinds: str) -> tuple[str, ...]:
    return tuple(name for name, spec in ARRAY_METHODS.items() if spec.kind in kinds)
