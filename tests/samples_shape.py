"""Sample calls for the shape family of the cost table (see samples.py).

Ops that write into their first argument (put, place, ...) get arrays of their
own, so that they never change the arrays other samples share. Every sample
also runs when its arrays are replaced by np.ones of the same shape and dtype
(tests/test_analyzer_ops.py): indices are 1, masks are True.
"""

from __future__ import annotations

import numpy as np

_RNG = np.random.default_rng(99)
_A = _RNG.uniform(0.1, 0.9, size=(3, 4))
_V = _RNG.uniform(0.1, 0.9, size=(4,))
_T = _RNG.uniform(0.1, 0.9, size=(2, 3, 4))
_IDX = np.array([1, 0, 3, 1])
_COND = np.array([True, False, True])


def _own(shape=(3, 4)):
    return _RNG.uniform(0.1, 0.9, size=shape)


SAMPLES: dict = {
    "tile": ((_A, (2, 2)), {}),
    "repeat": ((_A, [1, 2, 1]), {"axis": 0}),
    "pad": ((_A, ((1, 2), (0, 3))), {"mode": "edge"}),
    "take": ((_A, _IDX), {"axis": 1}),
    "take_along_axis": ((_A, np.array([[1], [0], [1]])), {"axis": 1}),
    "roll": ((_A, 2), {"axis": 1}),
    "diag": ((_V,), {"k": 1}),
    "diagflat": ((_A,), {}),
    "diagonal": ((_T,), {"axis1": 1, "axis2": 2}),
    "triu": ((_A,), {"k": 1}),
    "tril": ((_A,), {}),
    "meshgrid": ((_V, np.arange(3.0)), {}),
    "tri": ((3, 5), {"k": 1}),
    "indices": (((2, 3),), {}),
    "resize": ((_V, (3, 5)), {}),
    "asanyarray": ((_A,), {}),
    "ascontiguousarray": ((_A.T,), {}),
    "asfortranarray": ((_A,), {}),
    "asarray_chkfinite": ((_A,), {}),
    "require": ((_A,), {"requirements": ["F"]}),
    "concat": (([_A, _A],), {"axis": 1}),
    "row_stack": (([_A, _V],), {}),
    "choose": ((np.array([0, 1, 1, 0]), [_V, 2 * _V]), {}),
    "compress": ((_COND, _A), {"axis": 0}),
    "extract": ((_A > 0.5, _A), {}),
    "select": (([_V > 0.5, _V > 0.2], [_V, 2 * _V]), {"default": -1.0}),
    "delete": ((_A, [0, 2]), {"axis": 1}),
    "insert": ((_A, 1, _V), {"axis": 0}),
    "trim_zeros": ((np.array([0.0, 0.0, 1.5, 2.0, 0.0]),), {}),
    "ix_": ((np.array([0, 1]), np.array([1, 2, 3])), {}),
    "diag_indices": ((4,), {"ndim": 3}),
    "diag_indices_from": ((np.ones((4, 4)),), {}),
    "tril_indices": ((4,), {"k": 1, "m": 5}),
    "triu_indices": ((4,), {"k": -1}),
    "tril_indices_from": ((_A,), {}),
    "triu_indices_from": ((_A,), {"k": 1}),
    "unravel_index": ((np.array([1, 5, 11]), (3, 4)), {}),
    "ravel_multi_index": (((np.array([1, 2, 0]), np.array([1, 3, 2])), (3, 4)), {}),
    "put": ((_own(), np.array([1, 5]), np.array([9.0, 8.0])), {}),
    "put_along_axis": ((_own(), np.array([[1], [0], [1]]), 7.0), {"axis": 1}),
    "putmask": ((_own(), _A > 0.5, 0.0), {}),
    "place": ((_own(), _A > 0.5, [1.0, 2.0]), {}),
    "copyto": ((_own(), _A), {}),
    "fill_diagonal": ((_own((5, 3)), 4.0), {"wrap": True}),
    "rot90": ((_T,), {"axes": (1, 2)}),
    "flip": ((_T,), {"axis": 1}),
    "fliplr": ((_A,), {}),
    "flipud": ((_A,), {}),
    "rollaxis": ((_T, 2), {}),
    "split": ((_A, 2), {"axis": 1}),
    "array_split": ((_A, [1, 3]), {"axis": 1}),
    "hsplit": ((_A, 2), {}),
    "vsplit": ((_A, 3), {}),
    "dsplit": ((_T, 2), {}),
    "unstack": ((_T,), {"axis": 1}),
    "frombuffer": ((b"\x00" * 16,), {"dtype": np.uint8, "count": 8}),
    "from_dlpack": ((_A,), {}),
}
