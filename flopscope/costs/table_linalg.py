"""Cost table: the linalg family (COST_MODEL v1). Registers into ``table.OPS``.

Every public callable of ``numpy.linalg`` that computes is here, under
``"linalg.<name>"``:

* factorizations and solvers of square matrices (solve, inv, det, slogdet,
  cholesky, eig, eigh, eigvals, eigvalsh, tensorsolve, tensorinv): n^3 per matrix;
* the SVD-like family (qr, svd, svdvals, lstsq, pinv, matrix_rank): m*n*min(m, n);
  ``svd(a, k=K)`` is flopscope's top-K extension, m*n*K;
* norms, cond, matrix_power, multi_dot;
* NumPy's linalg aliases of top-level ops (matmul, outer, tensordot, trace,
  vecdot, cross; diagonal and matrix_transpose are free), priced like the top
  level.

Batch (stacked) dimensions multiply the per-matrix cost. The rules validate
shapes the way NumPy does, so a call NumPy refuses (a non-square matrix for
``solve``) is refused before anything is charged.
"""

from __future__ import annotations

import operator
from typing import Any

from flopscope.costs import dims
from flopscope.costs import rules as R
from flopscope.costs.dims import numel
from flopscope.costs.registry import Example, ShapeError, kwonly, p_array, p_arrays, p_pass, p_static
from flopscope.costs.shapes import broadcast, normalize_axis, reduce_shape
from flopscope.costs.table import OPS, _op  # noqa: F401

# --------------------------------------------------------------------------- shape checks


def _stacked(shape) -> tuple:
    """(batch, m, n) of a stack of matrices; NumPy refuses fewer than two dimensions."""
    shape = tuple(shape)
    if len(shape) < 2:
        raise ShapeError(f"{len(shape)}-dimensional array given. Array must be at least two-dimensional")
    return shape[:-2], shape[-2], shape[-1]


def _square(shape) -> tuple:
    """(batch, n) of a stack of square matrices."""
    batch, m, n = _stacked(shape)
    if not dims.same(m, n):
        raise ShapeError("Last 2 dimensions of the array must be square")
    return batch, n


def _cube(n):
    return n * n * n


def _mnk(m, n):
    """m * n * min(m, n): the cost of one SVD-like factorization of an m x n matrix."""
    return m * n * dims.dmin(m, n)


def _as_int(value: Any, what: str):
    """An integer static argument (an int or a SymPy integer expression)."""
    if hasattr(value, "free_symbols"):
        return value
    if isinstance(value, bool):
        raise ShapeError(f"{what} must be an integer")
    try:
        return operator.index(value)
    except TypeError:
        raise ShapeError(f"{what} must be an integer") from None


# --------------------------------------------------------------------------- n^3 family


def square_cost(shapes, **_):
    batch, n = _square(shapes[0])
    return numel(batch) * _cube(n)


def square_same_shape(shapes, **_):
    _square(shapes[0])
    return tuple(shapes[0])


def square_batch_shape(shapes, **_):
    return _square(shapes[0])[0]


def slogdet_shape(shapes, **_):
    batch = _square(shapes[0])[0]
    return (batch, batch)


def eigvals_shape(shapes, **_):
    batch, n = _square(shapes[0])
    return batch + (n,)


def eig_shape(shapes, **_):
    batch, n = _square(shapes[0])
    return (batch + (n,), batch + (n, n))


def _solve(a, b):
    batch_a, n = _square(a)
    b = tuple(b)
    if len(b) == 0:
        raise ShapeError("solve: Input operand 1 does not have enough dimensions")
    if len(b) == 1:  # a vector right-hand side: (m,m),(m)->(m)
        if not dims.same(b[0], n):
            raise ShapeError(f"solve1: Input operand 1 has a mismatch in its core dimension 0 (size {b[0]} is different from {n})")
        return batch_a + (n,), batch_a
    if not dims.same(b[-2], n):
        raise ShapeError(f"solve: Input operand 1 has a mismatch in its core dimension 0 (size {b[-2]} is different from {n})")
    batch = broadcast(batch_a, b[:-2])
    return batch + (n, b[-1]), batch


def solve_shape(shapes, **_):
    return _solve(shapes[0], shapes[1])[0]


def solve_cost(shapes, **_):
    out, batch = _solve(shapes[0], shapes[1])
    return numel(batch) * _cube(out[len(batch)])


def _tensorsolve(a, b, axes):
    a, b = list(a), tuple(b)
    an = len(a)
    if axes is not None:
        order = list(range(an))
        for k in axes:
            if k not in order:  # NumPy's list.remove: only non-negative, in-range axes
                raise ShapeError("list.remove(x): x not in list")
            order.remove(k)
            order.insert(an, k)
        a = [a[i] for i in order]
    keep = an - len(b)
    old = tuple(a[-keep:]) if keep else tuple(a)  # NumPy: a.shape[-(an - b.ndim):]
    n = numel(old)
    if not dims.same(numel(a), n * n):
        raise ShapeError("Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    if not dims.same(numel(b), n):
        raise ShapeError("solve1: Input operand 1 has a mismatch in its core dimension 0")
    return old, n


def tensorsolve_shape(shapes, *, axes=None, **_):
    return _tensorsolve(shapes[0], shapes[1], axes)[0]


def tensorsolve_cost(shapes, *, axes=None, **_):
    return _cube(_tensorsolve(shapes[0], shapes[1], axes)[1])


def _tensorinv(a, ind):
    a = tuple(a)
    ind = _as_int(ind, "ind")
    if type(ind) is int and ind <= 0:
        raise ShapeError("Invalid ind argument.")
    n = numel(a[ind:])
    if dims.is_zero(n) or not dims.same(numel(a), n * n):
        raise ShapeError("Last 2 dimensions of the array must be square")
    return a[ind:] + a[:ind], n


def tensorinv_shape(shapes, *, ind=2, **_):
    return _tensorinv(shapes[0], ind)[0]


def tensorinv_cost(shapes, *, ind=2, **_):
    return _cube(_tensorinv(shapes[0], ind)[1])


# --------------------------------------------------------------------------- m*n*min(m, n) family


def mnk_cost(shapes, **_):
    batch, m, n = _stacked(shapes[0])
    return numel(batch) * _mnk(m, n)


def _hermitian_square(shapes, hermitian):
    if hermitian is True:  # NumPy goes through eigh, which needs square matrices
        _square(shapes[0])


def qr_shape(shapes, *, mode="reduced", **_):
    if mode in ("f", "full"):
        mode = "reduced"
    if mode not in ("reduced", "complete", "r", "raw", "e", "economic"):
        raise ShapeError(f"Unrecognized mode '{mode}'")
    batch, m, n = _stacked(shapes[0])
    k = dims.dmin(m, n)
    if mode == "reduced":
        return (batch + (m, k), batch + (k, n))
    if mode == "complete":
        return (batch + (m, m), batch + (m, n))
    if mode == "r":
        return batch + (k, n)
    if mode == "raw":
        return (batch + (n, m), batch + (k,))
    return batch + (m, n)  # the deprecated 'economic' mode


def svdvals_shape(shapes, **_):
    batch, m, n = _stacked(shapes[0])
    return batch + (dims.dmin(m, n),)


def _svd_k(k, m, n):
    """Check the top-K argument of ``svd(a, k=K)``: an int with 1 <= K <= min(m, n)."""
    if isinstance(k, bool) or not (hasattr(k, "free_symbols") or isinstance(k, int) or hasattr(k, "__index__")):
        raise ShapeError(f"svd: k must be an integer with 1 <= k <= min(m, n) = {dims.dmin(m, n)}, got {k!r}")
    if not hasattr(k, "free_symbols"):
        k = operator.index(k)
    if dims.less(k, 1) or dims.less(dims.dmin(m, n), k):
        raise ShapeError(f"svd: k must be an integer with 1 <= k <= min(m, n) = {dims.dmin(m, n)}, got {k!r}")
    return k


def svd_shape(shapes, *, full_matrices=True, compute_uv=True, hermitian=False, k=None, **_):
    _hermitian_square(shapes, hermitian)
    batch, m, n = _stacked(shapes[0])
    if k is not None:
        k = _svd_k(k, m, n)
        if not compute_uv:
            return batch + (k,)
        return (batch + (m, k), batch + (k,), batch + (k, n))
    kk = dims.dmin(m, n)
    if not compute_uv:
        return batch + (kk,)
    if full_matrices:
        return (batch + (m, m), batch + (kk,), batch + (n, n))
    return (batch + (m, kk), batch + (kk,), batch + (kk, n))


def svd_cost(shapes, *, k=None, hermitian=False, **_):
    batch, m, n = _stacked(shapes[0])
    if k is not None:
        return numel(batch) * m * n * _svd_k(k, m, n)
    return numel(batch) * _mnk(m, n)


def pinv_shape(shapes, *, hermitian=False, **_):
    _hermitian_square(shapes, hermitian)
    batch, m, n = _stacked(shapes[0])
    return batch + (n, m)


def _lstsq(a, b):
    a, b = tuple(a), tuple(b)
    if len(b) == 1:
        b = b + (1,)
        one = True
    else:
        one = False
    for s in (a, b):
        if len(s) != 2:
            raise ShapeError(f"{len(s)}-dimensional array given. Array must be two-dimensional")
    m, n = a
    if not dims.same(m, b[0]):
        raise ShapeError("Incompatible dimensions")
    x = (n,) if one else (n, b[1])
    # The residuals' length depends on the computed rank (empty unless rank == n < m).
    if not dims.less(n, m):
        resid = (0,)
    else:
        resid = (R.UnknownDim("residuals: the rank of a decides", 1 if one else b[1]),)
    return (x, resid, (), (dims.dmin(m, n),)), m, n


def lstsq_shape(shapes, **_):
    return _lstsq(shapes[0], shapes[1])[0]


def lstsq_cost(shapes, **_):
    _, m, n = _lstsq(shapes[0], shapes[1])
    return _mnk(m, n)


def matrix_rank_shape(shapes, *, hermitian=False, **_):
    shape = tuple(shapes[0])
    if len(shape) < 2:
        return ()
    _hermitian_square(shapes, hermitian)
    return shape[:-2]


def matrix_rank_cost(shapes, **_):
    shape = tuple(shapes[0])
    if len(shape) < 2:  # NumPy only compares the entries with 0
        return numel(shape)
    return mnk_cost(shapes)


# --------------------------------------------------------------------------- norms, cond, powers


_MATRIX_ORDS_CHEAP = (1.0, -1.0, float("inf"), float("-inf"))


def _ord_key(ord: Any) -> Any:
    """None, a string, or a float (``inf`` from NumPy or SymPy's ``oo`` alike)."""
    if ord is None or isinstance(ord, str):
        return ord
    try:
        return float(ord)
    except (TypeError, ValueError):
        raise ShapeError(f"Invalid norm order {ord!r}") from None


def _vector_ord(ord):
    key = _ord_key(ord)
    if isinstance(key, str):
        raise ShapeError(f"Invalid norm order '{ord}' for vectors")
    return key


def _matrix_norm_cost(shape, row, col, ord) -> Any:
    """Cost of a matrix norm over axes (row, col) of ``shape``."""
    key = _ord_key(ord)
    if key is None or key in ("fro", "f") or key in _MATRIX_ORDS_CHEAP:
        return numel(shape)
    if key in (2.0, -2.0, "nuc"):
        m, n = shape[row], shape[col]
        batch = numel(tuple(d for i, d in enumerate(shape) if i not in (row, col)))
        return batch * _mnk(m, n)
    raise ShapeError("Invalid norm order for matrices.")


def _norm(shape, ord, axis, keepdims):
    """(output shape, cost) of numpy.linalg.norm."""
    shape = tuple(shape)
    nd = len(shape)
    if axis is None:
        key = _ord_key(ord)
        if key is None or (key in ("f", "fro") and nd == 2) or (key == 2.0 and nd == 1):
            return reduce_shape(shape, None, keepdims), numel(shape)
        axes = tuple(range(nd))
    elif isinstance(axis, tuple):
        axes = axis
    else:
        axes = (_as_int(axis, "'axis'"),)
    if len(axes) == 1:
        _vector_ord(ord)
        normalize_axis(axes[0], nd)
        return reduce_shape(shape, axes, keepdims), numel(shape)
    if len(axes) == 2:
        row, col = normalize_axis(axes[0], nd), normalize_axis(axes[1], nd)
        if row == col:
            raise ShapeError("Duplicate axes given.")
        cost = _matrix_norm_cost(shape, row, col, ord)
        return reduce_shape(shape, (row, col), keepdims), cost
    raise ShapeError("Improper number of dimensions to norm.")


def norm_shape(shapes, *, ord=None, axis=None, keepdims=False, **_):
    return _norm(shapes[0], ord, axis, keepdims is True)[0]


def norm_cost(shapes, *, ord=None, axis=None, keepdims=False, **_):
    return _norm(shapes[0], ord, axis, keepdims is True)[1]


def vector_norm_shape(shapes, *, axis=None, keepdims=False, ord=2, **_):
    _vector_ord(ord)
    shape = tuple(shapes[0])
    if isinstance(axis, list):
        raise ShapeError("'axis' must be None, an integer or a tuple of integers")
    return reduce_shape(shape, axis, keepdims is True)


def vector_norm_cost(shapes, **static):
    vector_norm_shape(shapes, **static)
    return numel(shapes[0])


def matrix_norm_shape(shapes, *, keepdims=False, ord="fro", **_):
    _stacked(shapes[0])
    return _norm(shapes[0], ord, (-2, -1), keepdims is True)[0]


def matrix_norm_cost(shapes, *, keepdims=False, ord="fro", **_):
    _stacked(shapes[0])
    return _norm(shapes[0], ord, (-2, -1), keepdims is True)[1]


def _cond(shape, p):
    batch, m, n = _stacked(shape)
    if dims.concrete(m) == 0 or dims.concrete(n) == 0:
        raise ShapeError("cond is not defined on empty arrays")
    key = _ord_key(p)
    if key is None or key in (2.0, -2.0):
        return batch, numel(batch) * _mnk(m, n)
    batch, n = _square(shape)
    _matrix_norm_cost(tuple(shape), len(shape) - 2, len(shape) - 1, p)  # validates p
    return batch, numel(batch) * (_cube(n) + n * n)


def cond_shape(shapes, *, p=None, **_):
    return _cond(shapes[0], p)[0]


def cond_cost(shapes, *, p=None, **_):
    return _cond(shapes[0], p)[1]


def matrix_power_cost(shapes, *, n, **_):
    batch, size = _square(shapes[0])
    k = _as_int(n, "exponent")
    per = _cube(size)
    extra = 0
    if dims.less(k, 0):  # A^-k = (A^-1)^k: one inversion first
        extra = per
        k = -k
    if dims.less(k, 2):
        return numel(batch) * extra
    products = dims.floor_log2(k) + dims.popcount(k) - 1
    return numel(batch) * (products * per + extra)


def matrix_power_shape(shapes, *, n, **_):
    _square(shapes[0])
    _as_int(n, "exponent")
    return tuple(shapes[0])


# --------------------------------------------------------------------------- multi_dot


def _chain(shapes):
    """(output shape, matrix dims p_0..p_k) of a multi_dot chain of three or more."""
    shapes = [tuple(s) for s in shapes]
    first_1d, last_1d = len(shapes[0]) == 1, len(shapes[-1]) == 1
    mats = list(shapes)
    if first_1d:
        mats[0] = (1,) + mats[0]
    if last_1d:
        mats[-1] = mats[-1] + (1,)
    for s in mats:
        if len(s) != 2:
            raise ShapeError(f"{len(s)}-dimensional array given. Array must be two-dimensional")
    for i in range(len(mats) - 1):
        if not dims.same(mats[i][1], mats[i + 1][0]):
            raise ShapeError(f"shapes {mats[i]} and {mats[i + 1]} not aligned: {mats[i][1]} (dim 1) != {mats[i + 1][0]} (dim 0)")
    p = [mats[0][0]] + [s[1] for s in mats]
    out = (() if first_1d else (mats[0][0],)) + (() if last_1d else (mats[-1][1],))
    return out, p


def _cheaper(a, b) -> bool:
    """a < b for costs: ints directly; symbolic costs at the analyzer's sizes."""
    if type(a) is int and type(b) is int:
        return a < b
    evaluate = dims.EVALUATOR.get()
    if evaluate is not None:
        return evaluate(a) < evaluate(b)
    return dims.less(a, b)


def chain_order_cost(p: list):
    """The optimal matrix-chain cost (dynamic programming over split points);
    a product of (a, b) by (b, c) costs a * b * c."""
    k = len(p) - 1
    best = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            choice = None
            for s in range(i, j):
                c = best[i][s] + best[s + 1][j] + p[i] * p[s + 1] * p[j + 1]
                if choice is None or _cheaper(c, choice):
                    choice = c
            best[i][j] = choice
    return best[0][k - 1]


def multi_dot_shape(shapes, **_):
    if len(shapes) < 2:
        raise ShapeError("Expecting at least two arrays.")
    if len(shapes) == 2:  # NumPy calls dot
        return R.dot_shape(shapes)
    return _chain(shapes)[0]


def multi_dot_cost(shapes, **_):
    if len(shapes) == 2:
        return R.dot_cost(shapes)
    return chain_order_cost(_chain(shapes)[1])


# --------------------------------------------------------------------------- aliases of top-level ops


def outer1d_shape(shapes, **_):
    a, b = shapes
    if len(a) != 1 or len(b) != 1:
        raise ShapeError(f"Input arrays must be one-dimensional, but they are x1.ndim={len(a)} and x2.ndim={len(b)}.")
    return (a[0], b[0])


def outer1d_cost(shapes, **_):
    a, b = outer1d_shape(shapes)
    return a * b


def trace_last_shape(shapes, *, offset=0, **_):
    return R.trace_shape(shapes, offset=offset, axis1=-2, axis2=-1)


def trace_last_cost(shapes, *, offset=0, **_):
    return R.trace_cost(shapes, offset=offset, axis1=-2, axis2=-1)


def diagonal_last_shape(shapes, *, offset=0, **_):
    shape = tuple(shapes[0])
    if len(shape) < 2:
        raise ShapeError("diag requires an array of at least two dimensions")
    d1, d2 = shape[-2], shape[-1]
    off = dims.as_dim(offset)
    if type(off) is int and off >= 0:
        length = dims.dmax(dims.dmin(d1, d2 - off), 0) if off else dims.dmin(d1, d2)
    else:
        length = dims.dmax(dims.dmin(d1 + off, d2), 0)
    return shape[:-2] + (length,)


def _cross(a, b, axis):
    a, b = tuple(a), tuple(b)
    for s in (a, b):
        if not s:
            raise ShapeError("tuple index out of range")
    ia, ib = normalize_axis(axis, len(a)), normalize_axis(axis, len(b))
    if not (dims.same(a[ia], 3) and dims.same(b[ib], 3)):
        raise ShapeError(f"Both input arrays must be (arrays of) 3-dimensional vectors, but they are {a[ia]} and {b[ib]} dimensional instead.")
    rest = broadcast(a[:ia] + a[ia + 1:], b[:ib] + b[ib + 1:])
    shape = rest + (3,)
    at = normalize_axis(axis, len(shape))
    return shape[:at] + (3,) + shape[at:-1]


def cross_shape(shapes, *, axis=-1, **_):
    return _cross(shapes[0], shapes[1], axis)


def cross_cost(shapes, *, axis=-1, **_):
    return 3 * numel(_cross(shapes[0], shapes[1], axis))


# --------------------------------------------------------------------------- registration

_L = "linalg"
_EX_SQ = Example((("n", "n"),), values=(("n", 64),))
_EX_MN = Example((("m", "n"),), values=(("m", 100), ("n", 50)))
_N3 = "n^3 per matrix: a (..., n, n) stack of b matrices costs b * n^3"
_MNK = "m * n * min(m, n) per matrix: a (..., m, n) stack of b matrices costs b * m * n * min(m, n)"

for _name, _shape, _extra in (
    ("inv", square_same_shape, ()),
    ("det", square_batch_shape, ()),
    ("slogdet", slogdet_shape, ()),
    ("cholesky", square_same_shape, kwonly(p_pass("upper", False))),
    ("eig", eig_shape, ()),
    ("eigvals", eigvals_shape, ()),
    ("eigh", eig_shape, (p_pass("UPLO", "L"),)),
    ("eigvalsh", eigvals_shape, (p_pass("UPLO", "L"),)),
):
    _op(f"linalg.{_name}", _L, square_cost, _shape,
        (p_array("a", keyword=_name not in ("cholesky",)),) + _extra, _N3, _EX_SQ)

_op("linalg.solve", _L, solve_cost, solve_shape, (p_array("a"), p_array("b")),
    "n^3 per system: a (n, n) against b (n,) or (n, k) costs n^3 (k does not count); "
    "stacked systems multiply by the broadcast batch of a and b",
    Example((("n", "n"), ("n",)), values=(("n", 64),)))
_op("linalg.tensorsolve", _L, tensorsolve_cost, tensorsolve_shape,
    (p_array("a"), p_array("b"), p_static("axes", None)),
    "n^3 with n = numel(b) = prod(a.shape[b.ndim:]): the cost of the equivalent solve",
    Example((("i", "j", "i", "j"), ("i", "j")), values=(("i", 8), ("j", 8))))
_op("linalg.tensorinv", _L, tensorinv_cost, tensorinv_shape,
    (p_array("a"), p_static("ind", 2)),
    "n^3 with n = prod(a.shape[ind:]): the cost of the equivalent inv",
    Example((("i", "j", "i", "j"),), values=(("i", 8), ("j", 8))))

_op("linalg.qr", _L, mnk_cost, qr_shape, (p_array("a"), p_static("mode", "reduced")), _MNK + ", whatever the mode", _EX_MN)
_op("linalg.svdvals", _L, mnk_cost, svdvals_shape, (p_array("x", keyword=False),), _MNK, _EX_MN)
_op("linalg.pinv", _L, mnk_cost, pinv_shape,
    (p_array("a"), p_pass("rcond"), p_static("hermitian", False)) + kwonly(p_pass("rtol")), _MNK, _EX_MN)
_op("linalg.matrix_rank", _L, matrix_rank_cost, matrix_rank_shape,
    (p_array("A"), p_pass("tol"), p_static("hermitian", False)) + kwonly(p_pass("rtol")),
    _MNK + "; a vector or scalar (NumPy only compares it with 0): numel(input)", _EX_MN)
_op("linalg.lstsq", _L, lstsq_cost, lstsq_shape, (p_array("a"), p_array("b"), p_pass("rcond")),
    "m * n * min(m, n) for a (m, n), whatever b", Example((("m", "n"), ("m",)), values=(("m", 100), ("n", 50))))
_op("linalg.svd", _L, svd_cost, svd_shape,
    (p_array("a"), p_static("full_matrices", True), p_static("compute_uv", True), p_static("hermitian", False))
    + kwonly(p_static("k", None)),
    _MNK + ". Flopscope extension svd(a, k=K), K an int with 1 <= K <= min(m, n): the top K singular "
    "triplets U[..., :K], S[..., :K], Vh[..., :K, :] of the SVD (S[..., :K] with compute_uv=False), "
    "costing m * n * K per matrix; full_matrices is ignored with k; any other k raises ValueError "
    "before anything is charged", _EX_MN)

_NORM = ("vector norms (any ord), matrix ord None/'fro'/1/-1/inf/-inf: numel(input); "
         "matrix ord 2/-2/'nuc': b * m * n * min(m, n) for b matrices of m x n")
_op("linalg.norm", _L, norm_cost, norm_shape,
    (p_array("x"), p_static("ord", None), p_static("axis", None), p_static("keepdims", False)),
    _NORM + ". ord=None without axis is the 2-norm of the flattened input (the 'fro' norm of a matrix); "
    "an int axis or ord on a 1-D input picks a vector norm, a pair of axes or ord on a 2-D input a matrix norm",
    Example((("m", "n"),), (("ord", 2),), (("m", 100), ("n", 50))))
_op("linalg.vector_norm", _L, vector_norm_cost, vector_norm_shape,
    (p_array("x", keyword=False),) + kwonly(p_static("axis", None), p_static("keepdims", False), p_static("ord", 2)),
    "numel(input), whatever the ord and axes", Example((("m", "n"),), values=(("m", 256), ("n", 256))))
_op("linalg.matrix_norm", _L, matrix_norm_cost, matrix_norm_shape,
    (p_array("x", keyword=False),) + kwonly(p_static("keepdims", False), p_static("ord", "fro")),
    _NORM + " (over the last two axes)", Example((("m", "n"),), (("ord", "nuc"),), (("m", 100), ("n", 50))))
_op("linalg.cond", _L, cond_cost, cond_shape, (p_array("x"), p_static("p", None)),
    "p None/2/-2: m * n * min(m, n) per matrix (the singular values); other p (1, -1, inf, -inf, 'fro', "
    "'nuc'; square matrices only): n^3 + n*n per matrix (an inverse and the norms)",
    Example((("m", "n"),), values=(("m", 100), ("n", 50))))
_op("linalg.matrix_power", _L, matrix_power_cost, matrix_power_shape, (p_array("a"), p_static("n")),
    "(floor_log2(k) + popcount(k) - 1) * n^3 per matrix for |k| >= 2 (repeated squaring), 0 for k in (0, 1); "
    "a negative k adds n^3 for the inverse and uses |k|",
    Example((("n", "n"),), (("n", 13),), (("n", 16),)))
_op("linalg.multi_dot", _L, multi_dot_cost, multi_dot_shape, (p_arrays("arrays"),) + kwonly(p_pass("out")),
    "the optimal matrix-chain order (dynamic programming over split points), each product of (a, b) by (b, c) "
    "costing a * b * c; a 1-D first (last) array is a row (column) vector; two arrays cost exactly dot",
    Example((("a", "b"), ("b", "c"), ("c", "d")), values=(("a", 10), ("b", 100), ("c", 5), ("d", 50))))

# NumPy's linalg aliases of top-level ops: the top level's rules (NumPy's linalg signatures).
_op("linalg.matmul", "contraction", R.matmul_cost, R.matmul_shape,
    (p_array("x1", keyword=False), p_array("x2", keyword=False)), "batch * m * k * n",
    Example((("m", "k"), ("k", "n")), values=(("m", 256), ("k", 256), ("n", 256))))
_op("linalg.outer", "contraction", outer1d_cost, outer1d_shape,
    (p_array("x1", keyword=False), p_array("x2", keyword=False)), "m * n (two 1-D inputs)",
    Example((("m",), ("n",)), values=(("m", 256), ("n", 256))))
_op("linalg.tensordot", "contraction", R.tensordot_cost, R.tensordot_shape,
    (p_array("x1", keyword=False), p_array("x2", keyword=False)) + kwonly(p_static("axes", 2)),
    "numel(x1) * numel(free dims of x2)",
    Example((("i", "j", "k"), ("j", "k", "l")), (("axes", 2),), (("i", 64), ("j", 64), ("k", 64), ("l", 64))))
_op("linalg.trace", "contraction", trace_last_cost, trace_last_shape,
    (p_array("x", keyword=False),) + kwonly(p_static("offset", 0), p_pass("dtype")),
    "min(m, n) per matrix of the last two axes (the diagonal's length)",
    Example((("m", "n"),), values=(("m", 256), ("n", 256))))
_op("linalg.vecdot", "contraction", R.vecdot_cost, R.vecdot_shape,
    (p_array("x1", keyword=False), p_array("x2", keyword=False)) + kwonly(p_static("axis", -1)),
    "numel(broadcast of the operands)", Example((("m", "n"), ("m", "n")), values=(("m", 256), ("n", 256))))
_op("linalg.cross", "pointwise", cross_cost, cross_shape,
    (p_array("x1", keyword=False), p_array("x2", keyword=False)) + kwonly(p_static("axis", -1)),
    "3 * numel(output)", Example((("n", 3), ("n", 3)), values=(("n", 256),)))
_op("linalg.diagonal", "free", R.free_cost, diagonal_last_shape,
    (p_array("x", keyword=False),) + kwonly(p_static("offset", 0)), "0 (free)",
    Example((("m", "n"),), values=(("m", 256), ("n", 256))))
_op("linalg.matrix_transpose", "free", R.free_cost, R.matrix_transpose_shape,
    (p_array("x", keyword=False),), "0 (free)", Example((("m", "n"),), values=(("m", 256), ("n", 256))))
