"""Sample calls for the linalg family of the cost table (see samples.py)."""

from __future__ import annotations

import numpy as np

_RNG = np.random.default_rng(4321)
_SQ = _RNG.uniform(0.1, 0.9, size=(4, 4)) + 4 * np.eye(4)  # well conditioned
_SPD = _SQ @ _SQ.T  # symmetric positive definite
_STACK = _RNG.uniform(0.1, 0.9, size=(2, 3, 3)) + 3 * np.eye(3)
_RECT = _RNG.uniform(0.1, 0.9, size=(5, 3))
_VEC = _RNG.uniform(0.1, 0.9, size=(4,))
_V3 = _RNG.uniform(0.1, 0.9, size=(2, 3))
# Ops that fail on a singular matrix get nested lists: tests/test_analyzer_ops.py rebuilds
# ndarray arguments as np.ones (singular), but writes lists out value for value.
_SQ_L = _SQ.tolist()

SAMPLES: dict = {
    "linalg.solve": ((_SQ_L, _VEC.tolist()), {}),
    "linalg.inv": ((_STACK.tolist(),), {}),
    "linalg.det": ((_SQ,), {}),
    "linalg.slogdet": ((_STACK,), {}),
    "linalg.cholesky": ((_SPD.tolist(),), {}),
    "linalg.eig": ((_SQ,), {}),
    "linalg.eigh": ((_SPD,), {}),
    "linalg.eigvals": ((_STACK,), {}),
    "linalg.eigvalsh": ((_SPD,), {"UPLO": "U"}),
    "linalg.tensorsolve": ((_SQ.reshape(2, 2, 2, 2).tolist(), _VEC.reshape(2, 2)), {}),
    "linalg.tensorinv": ((_SQ.reshape(2, 2, 2, 2).tolist(),), {"ind": 2}),
    "linalg.qr": ((_RECT,), {}),
    "linalg.svd": ((_RECT,), {"full_matrices": False}),
    "linalg.svdvals": ((_RECT,), {}),
    "linalg.lstsq": ((_RECT, _RECT[:, 0] + 1.0), {}),
    "linalg.pinv": ((_RECT,), {}),
    "linalg.matrix_rank": ((_RECT,), {}),
    "linalg.norm": ((_RECT,), {"ord": 2}),
    "linalg.vector_norm": ((_RECT,), {"axis": 0, "ord": 3}),
    "linalg.matrix_norm": ((_STACK,), {"ord": "nuc"}),
    "linalg.cond": ((_SQ,), {"p": 1}),
    "linalg.matrix_power": ((_SQ, 5), {}),
    "linalg.multi_dot": (([_VEC, _SQ, _SQ[:, :3], _RECT.T],), {}),
    "linalg.matmul": ((_SQ, _VEC), {}),
    "linalg.outer": ((_VEC, _VEC[:3]), {}),
    "linalg.tensordot": ((_SQ, _SQ), {"axes": 1}),
    "linalg.trace": ((_STACK,), {"offset": 1}),
    "linalg.vecdot": ((_RECT, _RECT), {}),
    "linalg.cross": ((_V3, _V3[::-1]), {}),
    "linalg.diagonal": ((_STACK,), {"offset": -1}),
    "linalg.matrix_transpose": ((_STACK,), {}),
}
