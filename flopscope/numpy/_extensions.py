"""Flopscope's documented extensions of NumPy signatures.

Each entry of ``IMPLEMENTATIONS`` replaces NumPy's implementation of one table op
inside the metered function (NumPy's own function still dispatches to it from
``__array_function__``). The cost rule of the op documents the extension.

* ``linalg.svd(a, ..., k=K)``: the top-K singular triplets, U[..., :K],
  S[..., :K], Vh[..., :K, :] (m * n * K per matrix). Without ``k`` it is NumPy's
  ``svd``.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from flopscope.runtime import dispatch

_np_svd = getattr(np.linalg.svd, "_implementation", np.linalg.svd)
_SVDResult = type(_np_svd(np.eye(1)))  # NumPy's result namedtuple (its class is private)


def _check_k(k: Any, m: int, n: int) -> int:
    bound = min(m, n)
    message = f"svd: k must be an integer with 1 <= k <= min(m, n) = {bound}, got {k!r}"
    if isinstance(k, bool):
        raise ValueError(message)
    try:
        k = operator.index(k)
    except TypeError:
        raise ValueError(message) from None
    if not 1 <= k <= bound:
        raise ValueError(message)
    return k


def svd(a, full_matrices=True, compute_uv=True, hermitian=False, *, k=None):
    """numpy.linalg.svd, plus ``k=K``: the top K singular triplets of the SVD."""
    if k is None:
        return _np_svd(a, full_matrices=full_matrices, compute_uv=compute_uv, hermitian=hermitian)
    a = np.asarray(a)
    if a.ndim < 2:  # NumPy's own error for a non-matrix
        return _np_svd(a, full_matrices=False, compute_uv=compute_uv, hermitian=hermitian)
    k = _check_k(k, a.shape[-2], a.shape[-1])
    if not compute_uv:
        return _np_svd(a, compute_uv=False, hermitian=hermitian)[..., :k]
    u, s, vh = _np_svd(a, full_matrices=False, compute_uv=True, hermitian=hermitian)
    return _SVDResult(u[..., :k], s[..., :k], vh[..., :k, :])


IMPLEMENTATIONS = {"linalg.svd": svd}

dispatch.register_internal(__file__)
