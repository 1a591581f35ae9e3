"""``flopscope.numpy.linalg``: metered numpy.linalg, built from the cost table."""

from __future__ import annotations

import numpy as _np

from flopscope.numpy import _build

globals().update(_build.build("linalg"))
globals().update(_build.free_names("linalg", _np.linalg))

__getattr__ = _build.module_getattr("linalg", _np.linalg)
