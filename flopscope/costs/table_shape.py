"""Cost table: array manipulation, indexing helpers and the rest of the top-level
NumPy surface (COST_MODEL v1). Registers into ``table.OPS``.

The policy, one line per kind of op:

* a copy that touches data (tile, repeat, pad, take, roll, diag, triu, meshgrid, ...)
  costs numel(output): COST_MODEL's row "tile, repeat, pad, take, take_along_axis,
  roll, diag (either way), diagonal, triu, tril, meshgrid", and the same style for
  their relatives (tri, indices, choose, delete, insert, resize, the as*array family);
* an op that writes into an existing array (put, place, putmask, copyto, fill_diagonal,
  put_along_axis) costs the number of elements it writes or tests;
* an op whose output size depends on data (compress, extract, trim_zeros) costs what
  it scans, which is known from shapes: numel of its input;
* a view or a pure shape computation (flip, rot90, rollaxis, the split family,
  unstack, frombuffer, from_dlpack) is free.

Every rule takes ints (the runtime) and SymPy dimensions (the analyzer, the docs).
"""

from __future__ import annotations

import operator
from typing import Any

from flopscope.costs import dims
from flopscope.costs import rules as R
from flopscope.costs.dims import numel
from flopscope.costs.registry import (
    Example,
    ShapeError,
    kwonly,
    p_array,
    p_arrays,
    p_pass,
    p_static,
    p_varargs,
)
from flopscope.costs.shapes import broadcast, normalize_axes, normalize_axis, slice_length
from flopscope.costs.table import OPS, _op  # noqa: F401

UnknownDim = R.UnknownDim


# --------------------------------------------------------------------------- helpers


def _plain(value: Any) -> Any:
    """An ndarray (or NumPy scalar) static argument as Python values; SymPy stays SymPy."""
    if hasattr(value, "tolist") and not hasattr(value, "free_symbols"):
        return value.tolist()
    return value


_is_int = R.is_index


def _is_scalar_dim(x: Any) -> bool:
    """An int, or a SymPy expression standing for one."""
    return _is_int(x) or hasattr(x, "free_symbols")


def _dim(x: Any) -> Any:
    if _is_int(x):
        return operator.index(x)
    return x


def _nonneg(d: Any, what: str) -> Any:
    if type(d) is int and d < 0:
        raise ShapeError(f"{what} must be non-negative")
    return d


def _count_dim(d: Any, what: str) -> int:
    """A dimension that must be a number (a count of output arrays)."""
    c = dims.concrete(d)
    if c is None:
        raise dims.UndecidableDimension(f"{what} is a symbolic size, so the number of results is unknown")
    return c


def _sum(values) -> Any:
    return R.sum_dims(values)


def _numel_all(out: Any) -> Any:
    """numel of a shape, or the total of a tuple of shapes (a multi-output op)."""
    if isinstance(out, tuple) and out and all(isinstance(s, tuple) for s in out):
        return _sum(numel(s) for s in out)
    return numel(out)


def _numel_cost(shape_rule):
    def cost(shapes, **static):
        return _numel_all(shape_rule(shapes, **static))

    cost.__name__ = f"numel_of_{shape_rule.__name__}"
    return cost


# --------------------------------------------------------------------------- copies: numel(output)


def tile_shape(shapes, *, reps, **_):
    reps = _plain(reps)
    tup = tuple(_dim(r) for r in reps) if isinstance(reps, (tuple, list)) else (_dim(reps),)
    for r in tup:
        _nonneg(r, "reps")
    s = tuple(shapes[0])
    if len(tup) < len(s):
        tup = (1,) * (len(s) - len(tup)) + tup
    s = (1,) * (len(tup) - len(s)) + s
    return tuple(d * r for d, r in zip(s, tup))


def repeat_shape(shapes, *, repeats, axis=None, **_):
    s = tuple(shapes[0])
    if axis is None:
        s, ax = (numel(s),), 0
    else:
        ax = normalize_axis(axis, len(s))
    d = s[ax]
    reps = _plain(repeats)
    if isinstance(reps, (tuple, list)):
        reps = [_dim(r) for r in reps]
        for r in reps:
            if type(r) is int and r < 0:
                raise ShapeError("repeats may not contain negative values.")
        if len(reps) == 1:
            new = d * reps[0]
        elif dims.same(d, len(reps)):
            new = _sum(reps)
        else:
            raise ShapeError(f"operands could not be broadcast together with shape ({d},) ({len(reps)},)")
    else:
        r = _dim(reps)
        if type(r) is int and r < 0:
            raise ShapeError("repeats may not contain negative values.")
        new = d * r
    return s[:ax] + (new,) + s[ax + 1:]


def _pad_pairs(pad_width, ndim):
    """numpy.pad's pad_width broadcast to ((before, after),) * ndim."""
    pw = _plain(pad_width)

    def depth(x):
        return 1 + depth(x[0]) if isinstance(x, (tuple, list)) and x else (1 if isinstance(x, (tuple, list)) else 0)

    if depth(pw) == 0:
        pairs = [(pw, pw)] * ndim
    elif depth(pw) == 1:
        if len(pw) == 1:
            pairs = [(pw[0], pw[0])] * ndim
        elif len(pw) == 2:
            pairs = [(pw[0], pw[1])] * ndim
        else:
            raise ShapeError(f"could not broadcast input array from shape ({len(pw)},) into shape ({ndim},2)")
    elif depth(pw) == 2:
        rows = [tuple(r) for r in pw]
        if len(rows) == 1:
            rows = rows * ndim
        if len(rows) != ndim or any(len(r) not in (1, 2) for r in rows):
            raise ShapeError(f"operands could not be broadcast together with remapped shapes [original->remapped]: ({len(rows)},{len(rows[0])}) and requested shape ({ndim},2)")
        pairs = [(r[0], r[-1]) for r in rows]
    else:
        raise ShapeError("pad_width has too many dimensions")
    out = []
    for b, a in pairs:
        b, a = _dim(b), _dim(a)
        if not (_is_scalar_dim(b) and _is_scalar_dim(a)):
            raise ShapeError("`pad_width` must be of integral type.")
        if (type(b) is int and b < 0) or (type(a) is int and a < 0):
            raise ShapeError("index can't contain negative values")
        out.append((b, a))
    return out


def pad_shape(shapes, *, pad_width, mode="constant", **_):
    if callable(mode):
        # a callable mode runs Python code on the data, unmetered
        raise TypeError("numpy.pad with a callable mode runs Python code on the array: refused by flopscope")
    s = tuple(shapes[0])
    return tuple(d + b + a for d, (b, a) in zip(s, _pad_pairs(pad_width, len(s))))


def take_shape(shapes, *, axis=None, **_):
    a, ind = tuple(shapes[0]), tuple(shapes[1])
    if axis is None:
        return ind
    ax = normalize_axis(axis, len(a))
    return a[:ax] + ind + a[ax + 1:]


def take_along_axis_shape(shapes, *, axis=-1, **_):
    a, ind = tuple(shapes[0]), tuple(shapes[1])
    if axis is None:
        if len(ind) != 1:
            raise ShapeError("when axis=None, `indices` must have a single dimension.")
        return ind
    if len(ind) != len(a):
        raise ShapeError("`indices` and `arr` must have the same number of dimensions")
    ax = normalize_axis(axis, len(a))
    out = []
    for i, (x, y) in enumerate(zip(a, ind)):
        out.append(y if i == ax else broadcast((x,), (y,))[0])
    return tuple(out)


def roll_shape(shapes, *, shift=0, axis=None, **_):
    s = tuple(shapes[0])
    if axis is not None:
        axes = _plain(axis)
        for a in (axes if isinstance(axes, (tuple, list)) else [axes]):
            normalize_axis(a, len(s))
    return s


def diag_shape(shapes, *, k=0, **_):
    s = tuple(shapes[0])
    k = _dim(k)
    if len(s) == 1:
        n = s[0] + (k if type(k) is int and k >= 0 else -k if type(k) is int else abs(k))
        return (n, n)
    if len(s) == 2:
        return (R._trace(s, k, 0, 1)[1],)  # the diagonal's length
    raise ShapeError("Input must be 1- or 2-d.")


def diagflat_shape(shapes, *, k=0, **_):
    return diag_shape(((numel(shapes[0]),),), k=k)


def diagonal_shape(shapes, *, offset=0, axis1=0, axis2=1, **_):
    shape = tuple(shapes[0])
    batch, _cost = R._trace(shape, offset, axis1, axis2)  # validates the axes
    a1, a2 = normalize_axis(axis1, len(shape)), normalize_axis(axis2, len(shape))
    length = R._trace((shape[a1], shape[a2]), offset, 0, 1)[1]
    return batch + (length,)


def tri_mask_shape(shapes, **_):
    """triu / tril: the shape of m; a 1-D m gives the (n, n) matrix NumPy builds."""
    s = tuple(shapes[0])
    if len(s) == 0:
        raise ShapeError("tril/triu need an array of at least one dimension")
    if len(s) == 1:
        return (s[0], s[0])
    return s


def meshgrid_shape(shapes, *, sparse=False, indexing="xy", **_):
    if indexing not in ("xy", "ij"):
        raise ShapeError("Valid values for `indexing` are 'xy' and 'ij'.")
    lengths = [numel(s) for s in shapes]
    nd = len(lengths)
    if indexing == "xy" and nd > 1:
        order = [1, 0] + list(range(2, nd))
    else:
        order = list(range(nd))
    full = tuple(lengths[i] for i in order)  # axis j of the grid runs over input order[j]
    if sparse is True:
        out = []
        for i in range(nd):
            j = order.index(i)
            out.append(tuple(lengths[i] if k == j else 1 for k in range(nd)))
        return tuple(out)
    return tuple(full for _ in range(nd))


def meshgrid_cost(shapes, *, copy=True, sparse=False, indexing="xy", **_):
    out = meshgrid_shape(shapes, sparse=sparse, indexing=indexing)
    if copy is False:
        return 0  # broadcast views of the inputs: nothing is written
    return _sum(numel(s) for s in out)


def tri_shape(shapes, *, N, M=None, **_):
    n = _nonneg(_dim(N), "N")
    m = n if M is None else _nonneg(_dim(M), "M")
    return (n, m)


def indices_shape(shapes, *, dimensions, sparse=False, **_):
    d = _plain(dimensions)
    d = tuple(_dim(x) for x in (d if isinstance(d, (tuple, list)) else [d]))
    for x in d:
        _nonneg(x, "dimensions")
    if sparse is True:
        return tuple(tuple(x if j == i else 1 for j in range(len(d))) for i, x in enumerate(d))
    return (len(d),) + d


def choose_shape(shapes, **_):
    if len(shapes) < 2:
        raise ShapeError("choose needs at least one choice")
    return broadcast(*shapes)


def compress_shape(shapes, *, axis=None, **_):
    cond, a = tuple(shapes[0]), tuple(shapes[1])
    if len(cond) != 1:
        raise ShapeError("condition must be a 1-d array")
    if axis is None:
        return (UnknownDim("number of True entries of the condition", dims.dmin(cond[0], numel(a))),)
    ax = normalize_axis(axis, len(a))
    return a[:ax] + (UnknownDim("number of True entries of the condition", dims.dmin(cond[0], a[ax])),) + a[ax + 1:]


def compress_cost(shapes, **_):
    return numel(shapes[1])


def extract_shape(shapes, **_):
    return (UnknownDim("number of nonzero entries of the condition", numel(shapes[0])),)


def first_numel_cost(shapes, **_):
    return numel(shapes[0])


def select_shape(shapes, **_):
    k = (len(shapes) - 1) // 2
    if k == 0:
        raise ShapeError("select with an empty condition list is not possible")
    if len(shapes) != 2 * k + 1:
        raise ShapeError("list of cases must be same length as list of conditions")
    return broadcast(*shapes)


def select_cost(shapes, **_):
    # one np.where pass over the output per condition
    k = (len(shapes) - 1) // 2
    return k * numel(select_shape(shapes))


def _axis_and_length(shape, axis):
    if axis is None:
        return (numel(shape),), 0
    return tuple(shape), normalize_axis(axis, len(shape))


def delete_shape(shapes, *, obj, axis=None, **_):
    s, ax = _axis_and_length(tuple(shapes[0]), axis)
    d = s[ax]
    obj = _plain(obj)
    if isinstance(obj, slice):
        removed = slice_length(d, obj.start, obj.stop, obj.step)
    elif isinstance(obj, (tuple, list)):
        if obj and all(isinstance(x, bool) for x in obj):
            if not dims.same(d, len(obj)):
                raise ShapeError(f"boolean array argument obj to delete must be one dimensional and match the axis length of {d}")
            removed = sum(1 for x in obj if x)
        else:
            idx = [_dim(x) for x in obj]
            if not all(_is_int(x) for x in idx):
                raise ShapeError("arrays used as indices must be of integer (or boolean) type")
            n = dims.concrete(d)
            if n is None:
                if any(x < 0 for x in idx):
                    raise dims.UndecidableDimension("delete with negative indices into a symbolic axis")
                removed = len(set(idx))
            else:
                for x in idx:
                    if not -n <= x < n:
                        raise ShapeError(f"index {x} is out of bounds for axis {ax} with size {n}")
                removed = len({x % n for x in idx})
    else:
        x = _dim(obj)
        if not _is_scalar_dim(x):
            raise ShapeError("obj must be an integer, a slice or a sequence of indices")
        n = dims.concrete(d)
        if n is not None and _is_int(x) and not -n <= x < n:
            raise ShapeError(f"index {x} is out of bounds for axis {ax} with size {n}")
        removed = 1
    return s[:ax] + (d - removed,) + s[ax + 1:]


def insert_shape(shapes, *, obj, axis=None, **_):
    arr, values = tuple(shapes[0]), tuple(shapes[1])
    s, ax = _axis_and_length(arr, axis)
    d = s[ax]
    obj = _plain(obj)
    padded = (1,) * (len(s) - len(values)) + values  # np.array(values, ndmin=arr.ndim)
    if isinstance(obj, slice):
        count = slice_length(d + 0, obj.start, obj.stop, obj.step)
        c = dims.concrete(count)
        if c is None:
            raise dims.UndecidableDimension("insert with a slice over a symbolic axis")
        new = padded[ax] if c == 1 else count
    elif isinstance(obj, (tuple, list)):
        if any(isinstance(x, (tuple, list)) for x in obj):
            raise ShapeError("index array argument obj to insert must be one dimensional or scalar")
        new = padded[ax] if len(obj) == 1 else len(obj)
    else:
        if not _is_scalar_dim(_dim(obj)):
            raise ShapeError("obj must be an integer, a slice or a sequence of indices")
        new = padded[0]  # values' first axis is moved to `axis`
    return s[:ax] + (d + new,) + s[ax + 1:]


def resize_shape(shapes, *, new_shape, **_):
    ns = _plain(new_shape)
    out = tuple(_dim(x) for x in (ns if isinstance(ns, (tuple, list)) else [ns]))
    for x in out:
        if type(x) is int and x < 0:
            raise ShapeError("all elements of `new_shape` must be non-negative")
    return out


def trim_zeros_shape(shapes, *, axis=None, **_):
    s = tuple(shapes[0])
    axes = normalize_axes(_plain(axis), len(s)) if axis is not None else tuple(range(len(s)))
    return tuple(UnknownDim("trimmed length", d) if i in axes else d for i, d in enumerate(s))


def ascontiguous_shape(shapes, **_):
    s = tuple(shapes[0])
    return s if s else (1,)  # ndim >= 1


def ix_shape(shapes, **_):
    k = len(shapes)
    out = []
    for i, s in enumerate(shapes):
        if len(s) != 1:
            raise ShapeError("Cross index must be 1 dimensional")
        out.append((1,) * i + (s[0],) + (1,) * (k - i - 1))
    return tuple(out)


def ix_cost(shapes, **_):
    return _sum(numel(s) for s in shapes)


def diag_indices_shape(shapes, *, n, ndim=2, **_):
    n = _nonneg(_dim(n), "n")
    return tuple((n,) for _ in range(operator.index(ndim)))


def diag_indices_from_shape(shapes, **_):
    s = tuple(shapes[0])
    if len(s) < 2:
        raise ShapeError("input array must be at least 2-d")
    for d in s[1:]:
        if not dims.same(d, s[0]):
            raise ShapeError("All dimensions of input must be of equal length")
    return tuple((s[0],) for _ in s)


def diag_indices_cost(shapes, **static):
    """diag_indices: one arange(n), shared by the ndim index arrays."""
    return diag_indices_shape(shapes, **static)[0][0]


def diag_indices_from_cost(shapes, **_):
    return diag_indices_from_shape(shapes)[0][0]


def tril_count(n, k, m):
    """Number of (i, j), 0 <= i < n, 0 <= j < m, with j <= i + k."""
    # Row i holds clamp(i + k + 1, 0, m) entries: 0 for i < -k, m for i >= m - k - 1.
    lo = dims.dmin(dims.dmax(-k, 0), n)
    hi = dims.dmin(dims.dmax(m - k - 1, lo), n)
    twice = (hi - lo) * (lo + hi + 2 * k + 1)  # always even: twice a sum of consecutive integers
    ramp = twice // 2 if type(twice) is int else twice / 2
    return ramp + (n - hi) * m


def _tri_nm(n, m):
    n = _nonneg(_dim(n), "n")
    m = n if m is None else _nonneg(_dim(m), "m")
    return n, m


def tril_indices_shape(shapes, *, n, k=0, m=None, **_):
    n, m = _tri_nm(n, m)
    length = tril_count(n, _dim(k), m)
    return ((length,), (length,))


def triu_indices_shape(shapes, *, n, k=0, m=None, **_):
    n, m = _tri_nm(n, m)
    length = n * m - tril_count(n, _dim(k) - 1, m)
    return ((length,), (length,))


def mask_grid_cost(shapes, *, n, m=None, **_):
    """tril_indices / triu_indices: NumPy builds the n x m mask and scans it."""
    n, m = _tri_nm(n, m)
    return n * m


def _from_2d(shapes):
    s = tuple(shapes[0])
    if len(s) != 2:
        raise ShapeError("input array must be 2-d")
    return s


def tril_indices_from_shape(shapes, *, k=0, **_):
    n, m = _from_2d(shapes)
    return tril_indices_shape((), n=n, k=k, m=m)


def triu_indices_from_shape(shapes, *, k=0, **_):
    n, m = _from_2d(shapes)
    return triu_indices_shape((), n=n, k=k, m=m)


def mask_grid_from_cost(shapes, **_):
    n, m = _from_2d(shapes)
    return n * m


def unravel_index_shape(shapes, *, shape, **_):
    s = _plain(shape)
    s = tuple(s) if isinstance(s, (tuple, list)) else (s,)
    ind = tuple(shapes[0])
    return tuple(ind for _ in s)


def ravel_multi_index_shape(shapes, **static):
    d = _plain(static["dims"])
    d = tuple(d) if isinstance(d, (tuple, list)) else (d,)
    if len(shapes) != len(d):
        raise ShapeError(f"parameter multi_index must be a sequence of length {len(d)}")
    return broadcast(*shapes)


def ravel_multi_index_cost(shapes, **static):
    # one multiply-add per coordinate of every output index
    return len(shapes) * numel(ravel_multi_index_shape(shapes, **static))


# --------------------------------------------------------------------------- in-place writes


def none_shape(shapes, **_):
    return ()


def put_cost(shapes, **_):
    return numel(shapes[1])  # one write per index


def put_along_axis_cost(shapes, *, axis, **_):
    return numel(take_along_axis_shape(shapes[:2], axis=axis))


def fill_diagonal_cost(shapes, *, wrap=False, **_):
    s = tuple(shapes[0])
    if len(s) < 2:
        return 0  # NumPy refuses it
    if len(s) == 2:
        n, m = s
        if wrap is True:
            return dims.ceildiv(n * m, m + 1)  # a.flat[::m + 1]
        return dims.dmin(n, m)
    return s[0]  # all dimensions are equal: one write per diagonal element


# --------------------------------------------------------------------------- free views


def rot90_shape(shapes, *, k=1, axes=(0, 1), **_):
    s = list(shapes[0])
    axes = tuple(_plain(axes))
    if len(axes) != 2:
        raise ShapeError("len(axes) must be 2.")
    a, b = normalize_axis(axes[0], len(s)), normalize_axis(axes[1], len(s))
    if a == b:
        raise ShapeError("Axes must be different.")
    if operator.index(k) % 2:
        s[a], s[b] = s[b], s[a]
    return tuple(s)


def flip_shape(shapes, *, axis=None, **_):
    s = tuple(shapes[0])
    if axis is not None:
        normalize_axes(_plain(axis), len(s))
    return s


def fliplr_shape(shapes, **_):
    s = tuple(shapes[0])
    if len(s) < 2:
        raise ShapeError("Input must be >= 2-d.")
    return s


def flipud_shape(shapes, **_):
    s = tuple(shapes[0])
    if len(s) < 1:
        raise ShapeError("Input must be >= 1-d.")
    return s


def rollaxis_shape(shapes, *, axis, start=0, **_):
    s = tuple(shapes[0])
    n = len(s)
    ax = normalize_axis(axis, n)
    st = operator.index(start)
    if st < 0:
        st += n
    if not 0 <= st < n + 1:
        raise ShapeError(f"'start' arg requires {-n} <= start < {n + 1}, but {start} was passed in")
    if ax < st:
        st -= 1
    order = [i for i in range(n) if i != ax]
    order.insert(st, ax)
    return tuple(s[i] for i in order)


def _split(s, sections, ax, equal):
    d = s[ax]
    sec = _plain(sections)
    if isinstance(sec, (tuple, list)):
        bounds = [None] + [_dim(x) for x in sec] + [None]
        sizes = []
        for i in range(len(bounds) - 1):
            start = 0 if bounds[i] is None else bounds[i]
            stop = bounds[i + 1]
            sizes.append(slice_length(d, start, stop, 1))
    else:
        count = operator.index(sec)
        if count <= 0:
            raise ShapeError("number sections must be larger than 0.")
        if equal and type(d) is int and d % count:
            raise ShapeError("array split does not result in an equal division")
        sizes = [dims.ceildiv(d - i, count) for i in range(count)]
    return tuple(s[:ax] + (z,) + s[ax + 1:] for z in sizes)


def array_split_shape(shapes, *, indices_or_sections, axis=0, **_):
    s = tuple(shapes[0])
    return _split(s, indices_or_sections, normalize_axis(axis, len(s)), False)


def split_shape(shapes, *, indices_or_sections, axis=0, **_):
    s = tuple(shapes[0])
    return _split(s, indices_or_sections, normalize_axis(axis, len(s)), True)


def hsplit_shape(shapes, *, indices_or_sections, **_):
    s = tuple(shapes[0])
    if len(s) == 0:
        raise ShapeError("hsplit only works on arrays of 1 or more dimensions")
    return _split(s, indices_or_sections, 1 if len(s) > 1 else 0, True)


def vsplit_shape(shapes, *, indices_or_sections, **_):
    s = tuple(shapes[0])
    if len(s) < 2:
        raise ShapeError("vsplit only works on arrays of 2 or more dimensions")
    return _split(s, indices_or_sections, 0, True)


def dsplit_shape(shapes, *, indices_or_sections, **_):
    s = tuple(shapes[0])
    if len(s) < 3:
        raise ShapeError("dsplit only works on arrays of 3 or more dimensions")
    return _split(s, indices_or_sections, 2, True)


def unstack_shape(shapes, *, axis=0, **_):
    s = tuple(shapes[0])
    if len(s) == 0:
        raise ShapeError("Input array must be at least 1-d.")
    ax = normalize_axis(axis, len(s))
    rest = s[:ax] + s[ax + 1:]
    return tuple(rest for _ in range(_count_dim(s[ax], "the unstacked axis")))


def frombuffer_shape(shapes, *, count=-1, **_):
    c = _dim(count)
    if type(c) is int and c < 0:
        return (UnknownDim("length of the buffer"),)
    return (c,)


# --------------------------------------------------------------------------- registration

_NUMEL = "numel(output)"
_EX_MAT = Example((("m", "n"),), values=(("m", 64), ("n", 64)))
_EX_VEC = Example((("n",),), values=(("n", 64),))


def _counted(name, category, shape, params, formula, example, cost=None):
    return _op(name, category, cost or _numel_cost(shape), shape, params, formula, example)


# Copies that touch data (COST_MODEL: tile, repeat, pad, take, take_along_axis, roll,
# diag, diagonal, triu, tril, meshgrid: numel(output)).
_counted("tile", "manipulation", tile_shape, (p_array("A"), p_static("reps")), _NUMEL,
         Example((("m", "n"),), (("reps", (2, 2)),), (("m", 64), ("n", 64))))
_counted("repeat", "manipulation", repeat_shape, (p_array("a"), p_static("repeats"), p_static("axis", None)),
         "numel(output) (sum of the repeats along the axis)",
         Example((("m", "n"),), (("repeats", 3), ("axis", 0)), (("m", 64), ("n", 64))))
_counted("pad", "manipulation", pad_shape,
         (p_array("array"), p_static("pad_width"), p_static("mode", "constant"))
         + kwonly(p_pass("stat_length"), p_pass("constant_values"), p_pass("end_values"), p_pass("reflect_type")),
         "numel(output), whatever the mode", Example((("m", "n"),), (("pad_width", 1),), (("m", 64), ("n", 64))))
_counted("take", "indexing", take_shape,
         (p_array("a"), p_array("indices"), p_static("axis", None), p_pass("out"), p_pass("mode", "raise")),
         _NUMEL, Example((("m", "n"), ("k",)), (("axis", 0),), (("m", 64), ("n", 64), ("k", 16))))
_counted("take_along_axis", "indexing", take_along_axis_shape,
         (p_array("arr"), p_array("indices"), p_static("axis", -1)),
         _NUMEL, Example((("m", "n"), ("m", "k")), (("axis", 1),), (("m", 64), ("n", 64), ("k", 16))))
_counted("roll", "manipulation", roll_shape, (p_array("a"), p_static("shift"), p_static("axis", None)),
         _NUMEL, Example((("m", "n"),), (("shift", 1),), (("m", 64), ("n", 64))))
_counted("diag", "manipulation", diag_shape, (p_array("v"), p_static("k", 0)),
         "numel(output): (n + |k|)^2 building a matrix, the diagonal's length extracting one", _EX_VEC)
_counted("diagflat", "manipulation", diagflat_shape, (p_array("v"), p_static("k", 0)),
         "numel(output) = (numel(v) + |k|)^2", _EX_VEC)
_counted("diagonal", "manipulation", diagonal_shape,
         (p_array("a"), p_static("offset", 0), p_static("axis1", 0), p_static("axis2", 1)),
         "numel(output): the diagonal's length per matrix", _EX_MAT)
for _name in ("triu", "tril"):
    _counted(_name, "manipulation", tri_mask_shape, (p_array("m"), p_static("k", 0)), _NUMEL, _EX_MAT)
_op("meshgrid", "manipulation", meshgrid_cost, meshgrid_shape,
    (p_varargs("xi"),) + kwonly(p_static("copy", True), p_static("sparse", False), p_static("indexing", "xy")),
    "numel(outputs): the sum over the grids (0 with copy=False: broadcast views)",
    Example((("m",), ("n",)), values=(("m", 30), ("n", 40))))

# Creation in the same style: numel(output).
_counted("tri", "creation", tri_shape,
         (p_static("N"), p_static("M", None), p_pass("k", 0), p_pass("dtype")) + kwonly(p_pass("like")),
         _NUMEL, Example((), (("N", "n"),), (("n", 64),)))
_counted("indices", "creation", indices_shape, (p_static("dimensions"), p_pass("dtype"), p_static("sparse", False)),
         "numel(output) = len(dims) * prod(dims); sparse: sum(dims)",
         Example((), (("dimensions", ("m", "n")),), (("m", 64), ("n", 64))))
_counted("resize", "creation", resize_shape, (p_array("a"), p_static("new_shape")), _NUMEL,
         Example((("n",),), (("new_shape", ("m", "n")),), (("m", 64), ("n", 64))))
for _name in ("asanyarray",):
    _counted(_name, "creation", R.same_shape,
             (p_array("a"), p_pass("dtype"), p_pass("order")) + kwonly(p_pass("device"), p_pass("copy"), p_pass("like")),
             "numel(output) (as asarray)", _EX_MAT)
for _name in ("ascontiguousarray", "asfortranarray"):
    _counted(_name, "creation", ascontiguous_shape, (p_array("a"), p_pass("dtype")) + kwonly(p_pass("like")),
             "numel(output) (as asarray; ndim >= 1)", _EX_MAT)
_counted("asarray_chkfinite", "creation", R.same_shape, (p_array("a"), p_pass("dtype"), p_pass("order")),
         "numel(output) (as asarray; the finiteness check is the same pass)", _EX_MAT)
_counted("require", "creation", R.same_shape,
         (p_array("a"), p_pass("dtype"), p_pass("requirements")) + kwonly(p_pass("like")),
         "numel(output) (as asarray)", _EX_MAT)

# Joining aliases: the rules of concatenate and vstack.
_counted("concat", "joining", R.concatenate_shape,
         (p_arrays("arrays"), p_static("axis", 0), p_pass("out")) + kwonly(p_pass("dtype"), p_pass("casting")),
         _NUMEL, Example((("m", "n"), ("m", "n")), values=(("m", 64), ("n", 64))))
_counted("row_stack", "joining", R.vstack_shape, (p_arrays("tup"),) + kwonly(p_pass("dtype"), p_pass("casting")),
         _NUMEL, Example((("m", "n"), ("m", "n")), values=(("m", 64), ("n", 64))))

# Indexing helpers.
_counted("choose", "indexing", choose_shape,
         (p_array("a"), p_arrays("choices"), p_pass("out"), p_pass("mode", "raise")),
         "numel(broadcast output)", Example((("n",), ("n",), ("n",)), values=(("n", 64),)))
_op("compress", "indexing", compress_cost, compress_shape,
    (p_array("condition"), p_array("a"), p_static("axis", None), p_pass("out")),
    "numel(a): every element is tested, whatever the condition holds",
    Example((("m",), ("m", "n")), (("axis", 0),), (("m", 64), ("n", 64))))
_op("extract", "indexing", first_numel_cost, extract_shape, (p_array("condition"), p_array("arr")),
    "numel(condition): every entry is tested", Example((("m", "n"), ("m", "n")), values=(("m", 64), ("n", 64))))
_op("select", "indexing", select_cost, select_shape,
    (p_arrays("condlist"), p_arrays("choicelist"), p_array("default", 0)),
    "k * numel(output) for k conditions (one where() pass per condition)",
    Example((("n",), ("n",), ("n",), ("n",), ()), values=(("n", 64),)))
_counted("delete", "indexing", delete_shape, (p_array("arr"), p_static("obj"), p_static("axis", None)),
         "numel(output)", Example((("m", "n"),), (("obj", 0), ("axis", 0)), (("m", 64), ("n", 64))))
_counted("insert", "indexing", insert_shape,
         (p_array("arr"), p_static("obj"), p_array("values"), p_static("axis", None)),
         "numel(output)", Example((("m", "n"), ("n",)), (("obj", 0), ("axis", 0)), (("m", 64), ("n", 64))))
_op("trim_zeros", "indexing", first_numel_cost, trim_zeros_shape,
    (p_array("filt"), p_static("trim", "fb"), p_static("axis", None)),
    "numel(filt): the scan for the nonzero extent", _EX_VEC)
_op("ix_", "indexing", ix_cost, ix_shape, (p_varargs("args"),),
    "sum of the index vectors' lengths (each is read once)",
    Example((("m",), ("n",)), values=(("m", 64), ("n", 64))))
_op("diag_indices", "creation", diag_indices_cost, diag_indices_shape, (p_static("n"), p_static("ndim", 2)),
    "n: one arange(n), shared by the ndim index arrays", Example((), (("n", "n"),), (("n", 64),)))
_op("diag_indices_from", "creation", diag_indices_from_cost, diag_indices_from_shape, (p_array("arr"),),
    "n: one arange(n), shared by the ndim index arrays", _EX_MAT)
_op("tril_indices", "creation", mask_grid_cost, tril_indices_shape, (p_static("n"), p_static("k", 0), p_static("m", None)),
    "n * m: the mask NumPy builds and scans", Example((), (("n", "n"),), (("n", 64),)))
_op("triu_indices", "creation", mask_grid_cost, triu_indices_shape, (p_static("n"), p_static("k", 0), p_static("m", None)),
    "n * m: the mask NumPy builds and scans", Example((), (("n", "n"),), (("n", 64),)))
_op("tril_indices_from", "creation", mask_grid_from_cost, tril_indices_from_shape, (p_array("arr"), p_static("k", 0)),
    "n * m: the mask NumPy builds and scans", _EX_MAT)
_op("triu_indices_from", "creation", mask_grid_from_cost, triu_indices_from_shape, (p_array("arr"), p_static("k", 0)),
    "n * m: the mask NumPy builds and scans", _EX_MAT)
_counted("unravel_index", "indexing", unravel_index_shape,
         (p_array("indices"), p_static("shape"), p_pass("order", "C")),
         "numel(output) = len(shape) * numel(indices)", Example((("n",),), (("shape", (8, 8)),), (("n", 64),)))
_op("ravel_multi_index", "indexing", ravel_multi_index_cost, ravel_multi_index_shape,
    (p_arrays("multi_index"), p_static("dims"), p_pass("mode", "raise"), p_pass("order", "C")),
    "len(dims) * numel(output): a multiply-add per coordinate",
    Example((("n",), ("n",)), (("dims", (8, 8)),), (("n", 64),)))

# Writes into an existing array: the elements written (or tested).
_op("put", "indexing", put_cost, none_shape, (p_array("a"), p_array("ind"), p_array("v"), p_pass("mode", "raise")),
    "numel(ind): one write per index", Example((("m", "n"), ("k",), ("k",)), values=(("m", 64), ("n", 64), ("k", 16))))
_op("put_along_axis", "indexing", put_along_axis_cost, none_shape,
    (p_array("arr"), p_array("indices"), p_array("values"), p_static("axis")),
    "numel(indices broadcast against arr): one write per index",
    Example((("m", "n"), ("m", "k"), ()), (("axis", 1),), (("m", 64), ("n", 64), ("k", 16))))
_op("putmask", "indexing", first_numel_cost, none_shape, (p_array("a", keyword=False), p_array("mask"), p_array("values")),
    "numel(a): every mask entry is tested", Example((("m", "n"), ("m", "n"), ()), values=(("m", 64), ("n", 64))))
_op("place", "indexing", first_numel_cost, none_shape, (p_array("arr"), p_array("mask"), p_array("vals")),
    "numel(arr): every mask entry is tested", Example((("m", "n"), ("m", "n"), ()), values=(("m", 64), ("n", 64))))
_op("copyto", "indexing", first_numel_cost, none_shape,
    (p_array("dst"), p_array("src"), p_pass("casting", "same_kind"), p_pass("where", True)),
    "numel(dst): every element is written (or tested against where=)",
    Example((("m", "n"), ("m", "n")), values=(("m", 64), ("n", 64))))
_op("fill_diagonal", "indexing", fill_diagonal_cost, none_shape, (p_array("a"), p_pass("val"), p_static("wrap", False)),
    "the diagonal's length: min(m, n); wrap=True on a tall matrix: ceil(m*n / (n + 1))", _EX_MAT)

# Free: views and pure shape computations.
_EX_FREE = Example((("m", "n"),), values=(("m", 64), ("n", 64)))


def _free(name, shape, params, example=_EX_FREE):
    return _op(name, "free", R.free_cost, shape, params, "0 (free: a view)", example)


_free("rot90", rot90_shape, (p_array("m"), p_static("k", 1), p_static("axes", (0, 1))))
_free("flip", flip_shape, (p_array("m"), p_static("axis", None)))
_free("fliplr", fliplr_shape, (p_array("m"),))
_free("flipud", flipud_shape, (p_array("m"),))
_free("rollaxis", rollaxis_shape, (p_array("a"), p_static("axis"), p_static("start", 0)))
for _name, _shape in (("split", split_shape), ("array_split", array_split_shape)):
    _free(_name, _shape, (p_array("ary"), p_static("indices_or_sections"), p_static("axis", 0)))
for _name, _shape in (("hsplit", hsplit_shape), ("vsplit", vsplit_shape), ("dsplit", dsplit_shape)):
    _free(_name, _shape, (p_array("ary"), p_static("indices_or_sections")))
_free("unstack", unstack_shape, (p_array("x", keyword=False),) + kwonly(p_static("axis", 0)))
_free("frombuffer", frombuffer_shape,
      (p_pass("buffer"), p_pass("dtype"), p_static("count", -1), p_pass("offset", 0)) + kwonly(p_pass("like")),
      Example((), (("count", "n"),), (("n", 64),)))
_free("from_dlpack", R.same_shape, (p_array("x", keyword=False),) + kwonly(p_pass("device"), p_pass("copy")))
