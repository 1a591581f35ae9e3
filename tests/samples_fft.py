"""Sample calls for the fft family of the cost table (see samples.py)."""

from __future__ import annotations

import numpy as np

_RNG = np.random.default_rng(2468)
_X = _RNG.uniform(-1.0, 1.0, size=(3, 8))
_Z = _X + 1j * _RNG.uniform(-1.0, 1.0, size=(3, 8))
_CUBE = _RNG.uniform(-1.0, 1.0, size=(2, 4, 6))

SAMPLES: dict = {
    "fft.fft": ((_Z,), {"n": 12}),
    "fft.ifft": ((_Z,), {"axis": 0}),
    "fft.hfft": ((_Z,), {}),
    "fft.rfft": ((_X,), {"n": 7}),
    "fft.irfft": ((_Z,), {"n": 9}),
    "fft.ihfft": ((_X,), {"norm": "ortho"}),
    "fft.fftn": ((_CUBE,), {}),
    "fft.ifftn": ((_CUBE,), {"s": (4, 5), "axes": (0, 2)}),
    "fft.fft2": ((_CUBE,), {}),
    "fft.ifft2": ((_Z,), {}),
    "fft.rfftn": ((_CUBE,), {"axes": (1, 2)}),
    "fft.rfft2": ((_X,), {"s": (4, 10)}),
    "fft.irfftn": ((_CUBE,), {}),
    "fft.irfft2": ((_Z,), {"s": (3, 16)}),
    "fft.fftfreq": ((8,), {"d": 0.5}),
    "fft.rfftfreq": ((9,), {}),
    "fft.fftshift": ((_X,), {}),
    "fft.ifftshift": ((_X,), {"axes": 1}),
}
