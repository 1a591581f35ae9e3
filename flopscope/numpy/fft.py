"""``flopscope.numpy.fft``: metered numpy.fft, built from the cost table."""

from __future__ import annotations

import numpy as _np

from flopscope.numpy import _build

globals().update(_build.build("fft"))

__getattr__ = _build.module_getattr("fft", _np.fft)
