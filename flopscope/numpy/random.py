"""``flopscope.numpy.random``: metered numpy.random, built from the cost table."""

from __future__ import annotations

import numpy as _np

from flopscope.numpy import _build

globals().update(_build.build("random"))

__getattr__ = _build.module_getattr("random", _np.random)
