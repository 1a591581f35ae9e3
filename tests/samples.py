"""A sample call for every op in the cost table, on small fixed inputs.

``sample(name)`` returns (args, kwargs) made of plain NumPy arrays and Python
values, valid for both ``numpy.<name>`` and ``flopscope.numpy.<name>``.
"""

from __future__ import annotations

import numpy as np

from flopscope.costs import OPS

RNG = np.random.default_rng(1234)
A = RNG.uniform(0.1, 0.9, size=(3, 4))
V = RNG.uniform(0.1, 0.9, size=(4,))
B = RNG.uniform(0.1, 0.9, size=(4, 5))
C = RNG.uniform(0.1, 0.9, size=(5, 2))
T3 = RNG.uniform(0.1, 0.9, size=(3, 4, 5))
T3b = RNG.uniform(0.1, 0.9, size=(4, 5, 6))
I = RNG.integers(1, 9, size=(3, 4))
IV = RNG.integers(1, 4, size=(4,))
NAN = A.copy()
NAN[0, 1] = np.nan
MASK = A > 0.5

INT_UNARY = {"bitwise_count", "bitwise_invert", "bitwise_not", "invert"}
INT_BINARY = {
    "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "bitwise_left_shift",
    "bitwise_right_shift", "gcd", "lcm",
}

SAMPLES = {
    "arccosh": ((A + 1.0,), {}),
    "acosh": ((A + 1.0,), {}),
    "ldexp": ((A, IV), {}),
    "clip": ((A, 0.2, 0.5), {}),
    "nan_to_num": ((NAN,), {}),
    "isclose": ((A, V), {}),
    "allclose": ((A, A), {}),
    "array_equal": ((A, A.copy()), {}),
    "where": ((MASK, A, 0.0), {}),
    "round": ((A,), {"decimals": 2}),
    "around": ((A,), {"decimals": 1}),
    "percentile": ((A, [10, 50]), {"axis": 0}),
    "quantile": ((A, [0.1, 0.5]), {"axis": 1}),
    "nanpercentile": ((NAN, [10, 50]), {"axis": 0}),
    "nanquantile": ((NAN, 0.5), {}),
    "cumulative_sum": ((V,), {}),
    "cumulative_prod": ((A,), {"axis": 1, "include_initial": True}),
    "count_nonzero": ((MASK,), {"axis": 0}),
    "einsum": (("ij,jk,kl->il", A, B, C), {}),
    "matmul": ((A, B), {}),
    "dot": ((A, B), {}),
    "tensordot": ((T3, T3b), {"axes": 2}),
    "inner": ((A, RNG.uniform(size=(5, 4))), {}),
    "vdot": ((A, A), {}),
    "outer": ((V, A), {}),
    "trace": ((A,), {"offset": 1}),
    "kron": ((A, C), {}),
    "vecdot": ((A, V), {}),
    "matvec": ((A, V), {}),
    "vecmat": ((RNG.uniform(size=3), A), {}),
    "array": (([[1.0, 2.0], [3.0, 4.0]],), {"ndmin": 3}),
    "asarray": (([1.0, 2.0, 3.0],), {}),
    "full": (((3, 4), 2.5), {}),
    "full_like": ((A, 3.0), {}),
    "arange": ((1, 10, 2), {}),
    "linspace": ((0.0, 1.0, 7), {}),
    "logspace": ((0.0, 2.0), {"num": 5}),
    "concatenate": (([A, A],), {"axis": 1}),
    "stack": (([A, A, A],), {"axis": 2}),
    "vstack": (([A, V],), {}),
    "hstack": (([A, A],), {}),
    "dstack": (([A, A],), {}),
    "column_stack": (([V, V],), {}),
    "append": ((A, V), {}),
    "block": (([[A, A], [A, A]],), {}),
    "zeros": (((3, 4),), {}),
    "ones": (((3, 4),), {}),
    "empty": (((3, 4),), {}),
    "zeros_like": ((A,), {}),
    "ones_like": ((A,), {}),
    "empty_like": ((A,), {}),
    "eye": ((3, 4), {}),
    "identity": ((3,), {}),
    "reshape": ((A, (4, 3)), {}),
    "ravel": ((A,), {}),
    "transpose": ((T3, (1, 2, 0)), {}),
    "permute_dims": ((T3, (2, 0, 1)), {}),
    "matrix_transpose": ((T3,), {}),
    "swapaxes": ((A, 0, 1), {}),
    "moveaxis": ((T3, 0, -1), {}),
    "squeeze": ((A[None],), {}),
    "expand_dims": ((A, 1), {}),
    "broadcast_to": ((V, (3, 4)), {}),
    "broadcast_arrays": ((A, V), {}),
    "copy": ((A,), {}),
    "astype": ((A, np.float32), {}),
    "atleast_1d": ((3.0,), {}),
    "atleast_2d": ((V, A), {}),
    "atleast_3d": ((A,), {}),
    "shape": ((A,), {}),
    "ndim": ((A,), {}),
    "size": ((A,), {}),
}

# Each family of the table keeps its samples in its own file (tests/samples_<family>.py,
# a SAMPLES dict keyed by the op's table name, e.g. "linalg.solve").
for _family in ("linalg", "fft", "misc", "shape"):
    SAMPLES.update(__import__(f"samples_{_family}").SAMPLES)

UNINITIALIZED = {"empty", "empty_like"}  # compare shape and dtype only


def sample(name: str):
    if name in SAMPLES:
        return SAMPLES[name]
    spec = OPS[name]
    if spec.category == "unary":
        return ((I if name in INT_UNARY else A,), {})
    if spec.category == "binary":
        if name in INT_BINARY:
            return ((I, IV), {})
        return ((A, V), {})
    if spec.category == "reduction":
        data = NAN if name.startswith("nan") else A
        return ((data,), {"axis": 0})
    raise KeyError(f"no sample call for {name!r}: add one to tests/samples.py")
