"""``import flopscope.numpy as fnp``: NumPy, metered.

Every function here is generated from the cost table (``flopscope.costs``):
it takes NumPy's arguments, returns NumPy's result as a metered array, and
charges the op's cost to the active budget before it runs. Names that NumPy
has and flopscope does not meter raise UnsupportedOperationError on access.
"""

from __future__ import annotations

import numpy as _np

from flopscope.numpy import _build, _index
from flopscope.runtime.array import FlopscopeArray
from flopscope.runtime.context import namespace

globals().update(_build.build(""))
globals().update(_index.build())  # r_, c_, mgrid, ogrid (priced); s_, index_exp (free)
_build.install_operators()

# Constants, dtypes and types: plain NumPy objects, free.
globals().update(_build.free_names("", _np))
# The array type: constructing one (fnp.ndarray(shape, buffer=...)) gives a metered array,
# so that no flopscope export makes a plain one. isinstance(x, fnp.ndarray) holds for
# flopscope's arrays; NumPy's own class is numpy.ndarray.
from flopscope.runtime.array import FlopscopeArray as ndarray  # noqa: E402

_SUBMODULES = ("linalg", "fft", "random")
_getattr = _build.module_getattr("", _np)


def __getattr__(name: str):
    # The submodules load on first use, so that importing flopscope does not
    # import numpy.random and numpy.fft.
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"flopscope.numpy.{name}")
    return _getattr(name)


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))


import flopscope.runtime.symmetric  # noqa: E402,F401  (symmetric operands: the runtime's hook for them)
