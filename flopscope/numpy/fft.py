"""``flopscope.numpy.fft``: metered numpy.fft, built from the cost table."""

from __future__ import annotations

import numpy as _np

from flopscope.numpy import _build

globals().update(_build.build("fft"))
globals().update(_build.free_names("fft", _np.fft))

__getattr__ = _build.module_getattr("fft", _np.fft)
