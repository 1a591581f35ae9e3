"""Sample calls for the misc family of the cost table (see samples.py): sorting,
searching, sets, histograms, statistics, signal, polynomials and windows."""

from __future__ import annotations

import numpy as np

_RNG = np.random.default_rng(99)
X = _RNG.uniform(0.0, 1.0, size=(3, 8))
V = _RNG.uniform(0.0, 1.0, size=(20,))
W = _RNG.uniform(0.0, 1.0, size=(5,))
SORTED = np.sort(_RNG.uniform(0.0, 1.0, size=(16,)))
INTS = _RNG.integers(0, 5, size=(3, 8))
IV = _RNG.integers(0, 6, size=(20,))
Z = X[:2, :4] + 1j * X[1:, 4:]
P = np.array([1.0, -3.0, 2.0, 0.5])
BYTES = _RNG.integers(0, 256, size=(3, 8)).astype(np.uint8)
BITS = (INTS > 2).astype(np.uint8)

SAMPLES: dict = {
    "sort": ((X,), {"axis": 1}),
    "argsort": ((X,), {"axis": None}),
    "sort_complex": ((Z,), {}),
    "unique": ((INTS,), {"return_index": True, "return_inverse": True, "return_counts": True}),
    "unique_all": ((INTS,), {}),
    "unique_counts": ((INTS,), {}),
    "unique_inverse": ((INTS,), {}),
    "unique_values": ((INTS,), {}),
    "lexsort": (((IV, V),), {}),
    "partition": ((X, 3), {"axis": 1}),
    "argpartition": ((X, [1, 4]), {}),
    "searchsorted": ((SORTED, V), {"side": "right"}),
    "isin": ((INTS, [1, 3]), {}),
    "union1d": ((IV, INTS), {}),
    "intersect1d": ((IV, INTS), {"return_indices": True}),
    "setdiff1d": ((IV, INTS), {}),
    "setxor1d": ((IV, INTS), {}),
    "histogram": ((V,), {"bins": 8}),
    "histogram2d": ((V, V[::-1]), {"bins": [4, 6]}),
    "histogramdd": ((X.T,), {"bins": 5}),
    "histogram_bin_edges": ((V,), {"bins": 12}),
    "bincount": ((IV,), {}),
    "digitize": ((V, [0.1, 0.4, 0.5, 0.9]), {}),
    "convolve": ((V, W), {}),
    "correlate": ((V, W), {"mode": "same"}),
    "interp": ((V, SORTED, np.arange(16.0)), {}),
    "cov": ((X,), {}),
    "corrcoef": ((X, X[:1]), {}),
    "cross": ((X[:, :3], X[:, 3:6]), {}),
    "diff": ((X,), {"n": 2}),
    "ediff1d": ((V,), {"to_begin": [0.0, 1.0]}),
    "gradient": ((X,), {}),
    "trapezoid": ((X,), {}),
    "average": ((X,), {"axis": 1, "weights": np.arange(1.0, 9.0), "returned": True}),
    "ptp": ((X,), {"axis": 0}),
    "nonzero": ((INTS,), {}),
    "argwhere": ((INTS,), {}),
    "flatnonzero": ((INTS,), {}),
    "unwrap": ((X * 10,), {}),
    "angle": ((Z,), {}),
    "real_if_close": ((X + 0j,), {}),
    "iscomplex": ((Z,), {}),
    "isreal": ((Z,), {}),
    "isneginf": ((X,), {}),
    "isposinf": ((X,), {}),
    "fix": ((X * 5,), {}),
    "sinc": ((X,), {}),
    "i0": ((X,), {}),
    "geomspace": ((1.0, 1000.0, 7), {}),
    "array_equiv": ((X, X[0]), {}),
    "vander": ((W,), {"N": 3}),
    "polyval": ((P, V), {}),
    "polyadd": ((P, W), {}),
    "polysub": ((P, W), {}),
    "polymul": ((P, W), {}),
    "polyder": ((P,), {}),
    "polyint": ((P,), {"m": 2}),
    "polydiv": ((W, P[:2]), {}),
    "polyfit": ((V, 2 * V + 1), {"deg": 2}),
    "poly": ((P,), {}),
    "roots": ((P,), {}),
    "bartlett": ((9,), {}),
    "blackman": ((9,), {}),
    "hamming": ((9,), {}),
    "hanning": ((9,), {}),
    "kaiser": ((9, 5.0), {}),
    "real": ((Z,), {}),
    "imag": ((Z,), {}),
    "einsum_path": (("ij,jk->ik", X, X.T), {}),
    "packbits": ((BITS,), {"axis": 1}),
    "unpackbits": ((BYTES,), {"axis": 0}),
}
