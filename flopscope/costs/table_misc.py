"""Cost table: sorting, searching, sets, histograms, statistics, signal processing,
polynomials and window functions (COST_MODEL v1). Registers into ``table.OPS``.

The rules of this family live here too. Like every rule of the table they use
:mod:`flopscope.costs.dims` arithmetic only, so they run on ints (the runtime)
and on SymPy expressions (the analyzer and the docs). Sizes that depend on the
data (how many unique values, how many roots) are :class:`rules.UnknownDim`; no
cost ever depends on them.
"""

from __future__ import annotations

import operator

from flopscope.costs import dims
from flopscope.costs import rules as R
from flopscope.costs.dims import clog2, dmax, dmin, numel
from flopscope.costs.registry import ShapeError, Example, kwonly, p_array, p_arrays, p_nested, p_pass, p_static, p_varargs
from flopscope.costs.shapes import broadcast, normalize_axis, reduce_shape
from flopscope.costs.table import OPS, _op  # noqa: F401

_unknown = R.UnknownDim


def _int(value, what: str) -> int:
    """A static integer argument (a NumPy integer too); SymPy stays SymPy."""
    if hasattr(value, "free_symbols"):
        return value
    if isinstance(value, bool) or value is None:
        raise ShapeError(f"{what} must be an integer, not {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise ShapeError(f"{what} must be an integer, not {value!r}") from None


def _is_seq(value) -> bool:
    return isinstance(value, (list, tuple)) or (hasattr(value, "shape") and not hasattr(value, "free_symbols")
                                                and len(getattr(value, "shape")) > 0)


def _seq_len(value) -> int:
    if hasattr(value, "shape") and not hasattr(value, "free_symbols"):
        return value.shape[0]
    return len(value)


def _len1d(shape, what: str):
    """The length of an operand that must be one-dimensional."""
    if len(shape) != 1:
        raise ShapeError(f"{what} must be one-dimensional, not {len(shape)}-dimensional")
    return shape[0]


# --------------------------------------------------------------------------- sorting


def _sort_slices(shape, axis):
    """(output shape, cost) of sorting every 1-D slice along ``axis``: n * clog2(n) per slice."""
    shape = tuple(shape)
    if axis is None:
        n = numel(shape)
        return (n,), n * clog2(n)
    ax = normalize_axis(axis, len(shape))
    return shape, numel(shape) * clog2(shape[ax])


def sort_shape(shapes, *, axis=-1, **_):
    return _sort_slices(shapes[0], axis)[0]


def sort_cost(shapes, *, axis=-1, **_):
    return _sort_slices(shapes[0], axis)[1]


def sort_complex_shape(shapes, **_):
    return _sort_slices(shapes[0], -1)[0]


def sort_complex_cost(shapes, **_):
    return _sort_slices(shapes[0], -1)[1]


def _unique(shape, axis):
    shape = tuple(shape)
    if axis is None:
        n = numel(shape)
        return (_unknown("number of unique values", n),), (n,), n * clog2(n)
    ax = normalize_axis(axis, len(shape))
    out = shape[:ax] + (_unknown("number of unique slices", shape[ax]),) + shape[ax + 1:]
    return out, (shape[ax],), numel(shape) * clog2(shape[ax])


def unique_shape(shapes, *, return_index=False, return_inverse=False, return_counts=False, axis=None, **_):
    values, inverse, _cost = _unique(shapes[0], axis)
    k = values[0] if axis is None else values[normalize_axis(axis, len(shapes[0]))]
    outs = [values]
    if return_index:
        outs.append((k,))
    if return_inverse:
        outs.append(tuple(shapes[0]) if axis is None else inverse)
    if return_counts:
        outs.append((k,))
    return outs[0] if len(outs) == 1 else tuple(outs)


def unique_cost(shapes, *, axis=None, **_):
    return _unique(shapes[0], axis)[2]


def _unique_api(*parts):
    """unique_all / unique_counts / unique_inverse / unique_values: flattened input."""

    def shape(shapes, **_):
        k = _unknown("number of unique values", numel(shapes[0]))
        out = tuple(tuple(shapes[0]) if p == "inverse" else (k,) for p in parts)
        return out[0] if len(out) == 1 else out

    return shape


def flat_sort_cost(shapes, **_):
    n = numel(shapes[0])
    return n * clog2(n)


def _lexsort(shapes, axis):
    if not shapes:
        raise ShapeError("need sequence of keys with len > 0 in lexsort")
    first = tuple(shapes[0])
    for s in shapes[1:]:
        if len(s) != len(first) or not all(dims.same(x, y) for x, y in zip(s, first)):
            raise ShapeError("all keys need to be the same shape")
    if not first:
        return (), 0
    ax = normalize_axis(axis, len(first))
    return first, len(shapes) * numel(first) * clog2(first[ax])


def lexsort_shape(shapes, *, axis=-1, **_):
    return _lexsort(shapes, axis)[0]


def lexsort_cost(shapes, *, axis=-1, **_):
    return _lexsort(shapes, axis)[1]


def _partition(shape, kth, axis):
    shape = tuple(shape)
    if axis is None:
        out = (numel(shape),)
        ax = 0
    else:
        if not shape:
            raise ShapeError(f"axis {axis} is out of bounds for array of dimension 0")
        ax = normalize_axis(axis, len(shape))
        out = shape
    if hasattr(kth, "tolist") and not hasattr(kth, "free_symbols"):
        kth = kth.tolist()  # an array of kth
    kths = list(kth) if isinstance(kth, (list, tuple)) else [kth]
    n = out[ax]
    for k in kths:
        k = _int(k, "kth")
        if type(k) is int and type(n) is int and not -n <= k < n:
            raise ShapeError(f"kth(={k}) out of bounds ({n})")
    return out, numel(shape)


def partition_shape(shapes, *, kth, axis=-1, **_):
    return _partition(shapes[0], kth, axis)[0]


def partition_cost(shapes, *, kth, axis=-1, **_):
    return _partition(shapes[0], kth, axis)[1]


def searchsorted_shape(shapes, **_):
    _len1d(shapes[0], "the sorted array a")
    return tuple(shapes[1])


def searchsorted_cost(shapes, **_):
    return numel(shapes[1]) * clog2(_len1d(shapes[0], "the sorted array a"))


# --------------------------------------------------------------------------- sets


def set_cost(shapes, **_):
    n = numel(shapes[0]) + numel(shapes[1])
    return n * clog2(n)


def isin_shape(shapes, **_):
    return tuple(shapes[0])


def set_result_shape(shapes, **_):
    return (_unknown("size of the set result", numel(shapes[0]) + numel(shapes[1]) if len(shapes) > 1 else None),)


def intersect1d_shape(shapes, *, return_indices=False, **_):
    k = _unknown("size of the intersection", dmin(numel(shapes[0]), numel(shapes[1])))
    return ((k,), (k,), (k,)) if return_indices else (k,)


# --------------------------------------------------------------------------- histograms and counting


def _bin_count(bins, what: str = "bins"):
    """Number of bins of a histogram axis: an int count, or edges (len - 1)."""
    if isinstance(bins, str):
        raise ShapeError(
            f"{what}={bins!r}: the bin count of a string rule depends on the data, so flopscope cannot price it "
            "before it runs; pass an int or explicit edges (numpy.histogram_bin_edges gives them)")
    if hasattr(bins, "free_symbols"):
        return bins
    if _is_seq(bins):
        n = _seq_len(bins)
        if type(n) is int and n < 1:
            raise ShapeError(f"{what} must have at least one edge")
        return n - 1
    if hasattr(bins, "shape"):  # a 0-d array
        bins = bins.item() if hasattr(bins, "item") else bins
    b = _int(bins, f"`{what}`")
    if type(b) is int and b < 1:
        raise ShapeError(f"`{what}` must be positive, when an integer")
    return b


def histogram_shape(shapes, *, bins=10, **_):
    b = _bin_count(bins)
    return ((b,), (b + 1,))


def histogram_cost(shapes, *, bins=10, **_):
    return numel(shapes[0]) * clog2(_bin_count(bins))


def _hist2d_bins(bins):
    if isinstance(bins, str) or not _is_seq(bins) or _seq_len(bins) not in (1, 2):
        b = _bin_count(bins)
        return b, b
    items = list(bins)
    if len(items) == 1:
        b = _bin_count(items[0])
        return b, b
    return _bin_count(items[0]), _bin_count(items[1])


def _hist2d(shapes, bins):
    x, y = tuple(shapes[0]), tuple(shapes[1])
    if len(x) != 1 or len(y) != 1 or not dims.same(x[0], y[0]):
        raise ShapeError("x and y must be one-dimensional arrays of the same length")
    return x[0], _hist2d_bins(bins)


def histogram2d_shape(shapes, *, bins=10, **_):
    _n, (bx, by) = _hist2d(shapes, bins)
    return ((bx, by), (bx + 1,), (by + 1,))


def histogram2d_cost(shapes, *, bins=10, **_):
    n, (bx, by) = _hist2d(shapes, bins)
    return n * (clog2(bx) + clog2(by))


def _histdd(shapes, structure, bins):
    """(number of samples N, bins per dimension) of histogramdd.

    A list of D arrays (``structure`` a list) gives D coordinates of N samples; an
    array gives (N, D) samples, or N one-dimensional samples when it is 1-D.
    """
    if isinstance(structure, list):
        d = len(structure)
        lengths = []
        for item in structure:
            if isinstance(item, list):
                lengths.append(len(item))
            else:
                s = tuple(shapes[item])
                lengths.append(s[0] if s else 1)
        n = lengths[0] if lengths else 0
    else:
        s = tuple(shapes[structure])
        if len(s) == 2:
            n, d = s
            if _is_seq(bins) and not isinstance(bins, str) and type(d) is int and len(list(bins)) != d:
                n, d = d, n  # a tuple of D arrays reads as (D, N); the cost N * sum(...) is the same
        elif len(s) <= 1:
            n, d = (s[0] if s else 1), 1
        else:
            raise ShapeError("histogramdd: the sample must be an (N, D) array or a sequence of D arrays")
    if _is_seq(bins) and not isinstance(bins, str):
        items = list(bins)
        if type(d) is int and len(items) != d:
            raise ShapeError("The dimension of bins must be equal to the dimension of the sample x.")
        counts = [_bin_count(b) for b in items]
    else:
        b = _bin_count(bins)
        counts = [b] * d if type(d) is int else None
        if counts is None:
            return n, d, b
    return n, d, counts


def histogramdd_shape(shapes, *, bins=10, structure=0, **_):
    _n, d, counts = _histdd(shapes, structure, bins)
    if not isinstance(counts, list):
        raise ShapeError("histogramdd: the number of dimensions must be known")
    return (tuple(counts), tuple((c + 1,) for c in counts))


def histogramdd_cost(shapes, *, bins=10, structure=0, **_):
    n, d, counts = _histdd(shapes, structure, bins)
    if not isinstance(counts, list):
        return n * d * clog2(counts)
    total = 0
    for c in counts:
        total = total + clog2(c)
    return n * total


def histogram_bin_edges_shape(shapes, *, bins=10, **_):
    if isinstance(bins, str):
        return (_unknown("number of bin edges chosen from the data"),)
    return (_bin_count(bins) + 1,)


def input_numel_cost(shapes, **_):
    return numel(shapes[0])


def bincount_shape(shapes, **_):
    _len1d(shapes[0], "x")
    return (_unknown("max(x) + 1"),)


def digitize_shape(shapes, **_):
    _len1d(shapes[1], "bins")
    return tuple(shapes[0])


def digitize_cost(shapes, **_):
    return numel(shapes[0]) * clog2(_len1d(shapes[1], "bins"))


# --------------------------------------------------------------------------- signal, statistics


_MODES = {"v": "valid", "s": "same", "f": "full", 0: "valid", 1: "same", 2: "full"}


def _convolve(shapes, mode):
    a, v = (tuple(s) for s in shapes[:2])
    if len(a) > 1 or len(v) > 1:
        raise ShapeError("object too deep for desired array")
    n, m = (a[0] if a else 1), (v[0] if v else 1)
    if dims.is_zero(n):
        raise ShapeError("a cannot be empty")
    if dims.is_zero(m):
        raise ShapeError("v cannot be empty")
    key = mode[:1].lower() if isinstance(mode, str) else mode
    try:
        kind = _MODES[key]
    except (KeyError, TypeError):
        raise ShapeError(f"mode must be one of 'valid', 'same', or 'full' (got {mode!r})") from None
    if kind == "full":
        out = n + m - 1
    elif kind == "same":
        out = dmax(n, m)
    else:
        out = dmax(n, m) - dmin(n, m) + 1
    return (out,), n * m


def convolve_shape(shapes, *, mode="full", **_):
    return _convolve(shapes, mode)[0]


def convolve_cost(shapes, *, mode="full", **_):
    return _convolve(shapes, mode)[1]


def correlate_shape(shapes, *, mode="valid", **_):
    return _convolve(shapes, mode)[0]


def correlate_cost(shapes, *, mode="valid", **_):
    return _convolve(shapes, mode)[1]


def interp_shape(shapes, **_):
    xp = _len1d(shapes[1], "xp")
    fp = _len1d(shapes[2], "fp")
    if not dims.same(xp, fp):
        raise ShapeError("fp and xp are not of the same length.")
    if dims.is_zero(xp):
        raise ShapeError("array of sample points is empty")
    return tuple(shapes[0])


def interp_cost(shapes, **_):
    return numel(shapes[0]) * clog2(_len1d(shapes[1], "xp"))


def _cov(shapes, rowvar):
    """(f variables, s observations) as numpy.cov reads m (and y)."""
    m = tuple(shapes[0])
    if len(m) > 2:
        raise ShapeError("m has more than 2 dimensions")
    X = m if len(m) == 2 else (1, m[0]) if m else (1, 1)
    if not rowvar and len(m) == 2:
        X = (X[1], X[0])
    if len(shapes) > 1:
        y = tuple(shapes[1])
        if len(y) > 2:
            raise ShapeError("y has more than 2 dimensions")
        Y = y if len(y) == 2 else (1, y[0]) if y else (1, 1)
        if not rowvar and not dims.same(Y[0], 1):
            Y = (Y[1], Y[0])
        if dims.is_zero(X[0]):
            return 0, 0
        if not dims.same(X[1], Y[1]):
            raise ShapeError("all the input array dimensions except for the concatenation axis must match exactly")
        return X[0] + Y[0], X[1]
    return X[0], X[1]


def cov_shape(shapes, *, rowvar=True, **_):
    f, _s = _cov(shapes, rowvar)
    if dims.is_zero(f):
        return (0, 0)
    return () if dims.same(f, 1) else (f, f)


def cov_cost(shapes, *, rowvar=True, **_):
    f, s = _cov(shapes, rowvar)
    return 2 * f * f * s


def _vector_length(d):
    """A cross product's vector length: 2 or 3 when a symbolic size is decided to be
    one of them (the analyzer decides at the given sizes), else unchanged."""
    if dims.concrete(d) is not None:
        return d
    for c in (3, 2):
        try:
            if dims.same(d, c):
                return c
        except ValueError:  # UndecidableDimension: no values to decide with
            return d
    return d


def _cross(shapes, axisa, axisb, axisc, axis):
    a, b = tuple(shapes[0]), tuple(shapes[1])
    if axis is not None:
        axisa = axisb = axisc = axis
    if not a or not b:
        raise ShapeError("cross: a and b must have at least one dimension")
    ax_a = normalize_axis(axisa, len(a))
    ax_b = normalize_axis(axisb, len(b))
    da, db = _vector_length(a[ax_a]), _vector_length(b[ax_b])
    if dims.concrete(da) not in (2, 3) or dims.concrete(db) not in (2, 3):
        raise ShapeError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    batch = broadcast(a[:ax_a] + a[ax_a + 1:], b[:ax_b] + b[ax_b + 1:])
    if dims.concrete(da) == 2 and dims.concrete(db) == 2:
        return batch
    ax_c = normalize_axis(axisc, len(batch) + 1)
    return batch[:ax_c] + (3,) + batch[ax_c:]


def cross_shape(shapes, *, axisa=-1, axisb=-1, axisc=-1, axis=None, **_):
    return _cross(shapes, axisa, axisb, axisc, axis)


def cross_cost(shapes, *, axisa=-1, axisb=-1, axisc=-1, axis=None, **_):
    return 3 * numel(_cross(shapes, axisa, axisb, axisc, axis))


def _diff(shapes, n, axis):
    a = tuple(shapes[0])
    if not a:
        raise ShapeError("diff requires input that is at least one dimensional")
    n = _int(n, "order")
    if type(n) is int and n < 0:
        raise ShapeError(f"order must be non-negative but got {n}")
    ax = normalize_axis(axis, len(a))
    length = a[ax]
    for extra in shapes[1:]:  # prepend= and append= lengthen the axis
        length = length + (extra[ax] if len(extra) == len(a) else 1)
    batch = numel(a[:ax] + a[ax + 1:])
    cost = 0
    for k in range(1, n + 1):
        cost = cost + batch * dmax(length - k, 0)
    return a[:ax] + (dmax(length - n, 0),) + a[ax + 1:], cost


def diff_shape(shapes, *, n=1, axis=-1, **_):
    return _diff(shapes, n, axis)[0]


def diff_cost(shapes, *, n=1, axis=-1, **_):
    return _diff(shapes, n, axis)[1]


def ediff1d_shape(shapes, **_):
    total = dmax(numel(shapes[0]) - 1, 0)
    for extra in shapes[1:]:  # to_end= and to_begin=
        total = total + numel(extra)
    return (total,)


def gradient_axes(shape, axis):
    if axis is None:
        return tuple(range(len(shape)))
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    out = tuple(normalize_axis(a, len(shape)) for a in axes)
    if len(set(out)) != len(out):
        raise ShapeError("duplicate value in 'axis'")
    return out


def gradient_shape(shapes, *, axis=None, **_):
    f = tuple(shapes[0])
    axes = gradient_axes(f, axis)
    if not axes:
        raise ShapeError("gradient needs an array of at least one dimension")
    return f if len(axes) == 1 else tuple(f for _ in axes)


def gradient_cost(shapes, *, axis=None, **_):
    return numel(shapes[0]) * len(gradient_axes(tuple(shapes[0]), axis))


def trapezoid_shape(shapes, *, axis=-1, **_):
    y = tuple(shapes[0])
    if not y:
        raise ShapeError(f"axis {axis} is out of bounds for array of dimension 0")
    ax = normalize_axis(axis, len(y))
    out = y
    if len(shapes) > 1 and len(shapes[1]) > 1:
        out = broadcast(y, shapes[1])
        ax = normalize_axis(axis, len(out))
    return out[:ax] + out[ax + 1:]


def average_shape(shapes, *, axis=None, keepdims=False, returned=False, **_):
    out = reduce_shape(shapes[0], axis, keepdims is True)
    return (out, out) if returned else out


def average_cost(shapes, **_):
    return numel(shapes[0]) * (2 if len(shapes) > 1 else 1)


def nonzero_shape(shapes, **_):
    a = tuple(shapes[0])
    if not a:
        raise ShapeError("Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead.")
    k = _unknown("number of nonzero elements", numel(a))
    return tuple((k,) for _ in a)


def argwhere_shape(shapes, **_):
    return (_unknown("number of nonzero elements", numel(shapes[0])), len(shapes[0]))


def flatnonzero_shape(shapes, **_):
    return (_unknown("number of nonzero elements", numel(shapes[0])),)


def unwrap_shape(shapes, *, axis=-1, **_):
    p = tuple(shapes[0])
    normalize_axis(axis, len(p))
    return p


def array_equiv_cost(shapes, **_):
    try:
        return numel(broadcast(shapes[0], shapes[1]))
    except ShapeError:
        return 0  # NumPy answers False at once for shapes that do not broadcast


def scalar_shape(shapes, **_):
    return ()


def packbits_shape(shapes, *, axis=None, **_):
    a = tuple(shapes[0])
    if axis is None:
        return (dims.ceildiv(numel(a), 8),)
    ax = normalize_axis(axis, len(a))
    return a[:ax] + (dims.ceildiv(a[ax], 8),) + a[ax + 1:]


def unpackbits_shape(shapes, *, axis=None, count=None, **_):
    a = tuple(shapes[0])
    if axis is None:
        length, ax, a = numel(a) * 8, 0, (numel(a),)
    else:
        ax = normalize_axis(axis, len(a))
        length = a[ax] * 8
    if count is not None:
        c = _int(count, "count")
        length = c if type(c) is int and c >= 0 else dmax(length + c, 0) if type(c) is int else c
    return a[:ax] + (length,) + a[ax + 1:]


# --------------------------------------------------------------------------- polynomials and windows


def _poly_len(shape, what="the coefficients"):
    if len(shape) > 1:
        raise ShapeError(f"{what} must be one-dimensional")
    return shape[0] if shape else 1


def vander_shape(shapes, *, N=None, **_):
    x = _len1d(tuple(shapes[0]), "x")
    cols = x if N is None else _int(N, "N")
    return (x, cols)


def polyval_shape(shapes, **_):
    _poly_len(tuple(shapes[0]))
    return tuple(shapes[1])


def polyval_cost(shapes, **_):
    return dmax(_poly_len(tuple(shapes[0])) - 1, 0) * numel(shapes[1])


def polyadd_shape(shapes, **_):
    return (dmax(_poly_len(tuple(shapes[0])), _poly_len(tuple(shapes[1]))),)


def polymul_shape(shapes, **_):
    n, m = _poly_len(tuple(shapes[0])), _poly_len(tuple(shapes[1]))
    return (n + m - 1,)


def polymul_cost(shapes, **_):
    return _poly_len(tuple(shapes[0])) * _poly_len(tuple(shapes[1]))


def polyder_shape(shapes, *, m=1, **_):
    order = _int(m, "order of derivative")
    if type(order) is int and order < 0:
        raise ShapeError("Order of derivative must be positive (see polyint)")
    p = tuple(shapes[0])
    if not p:
        raise ShapeError("len() of unsized object")
    return (dmax(_poly_len(p) - order, 0),) if order else p


def polyint_shape(shapes, *, m=1, **_):
    order = _int(m, "order of integral")
    if type(order) is int and order < 0:
        raise ShapeError("Order of integral must be positive (see polyder)")
    return (_poly_len(tuple(shapes[0])) + order,)


def polydiv_shape(shapes, **_):
    n, m = _poly_len(tuple(shapes[0])), _poly_len(tuple(shapes[1]))
    return ((dmax(n - m + 1, 1),), (_unknown("length of the remainder", n),))


def polydiv_cost(shapes, **_):
    return _poly_len(tuple(shapes[0])) * _poly_len(tuple(shapes[1]))


def _polyfit(shapes, deg):
    x, y = tuple(shapes[0]), tuple(shapes[1])
    deg = _int(deg, "deg")
    if type(deg) is int and deg < 0:
        raise ShapeError("expected deg >= 0")
    if len(x) != 1:
        raise ShapeError("expected 1D vector for x")
    if dims.is_zero(x[0]):
        raise ShapeError("expected non-empty vector for x")
    if len(y) not in (1, 2):
        raise ShapeError("expected 1D or 2D array for y")
    if not dims.same(x[0], y[0]):
        raise ShapeError("expected x and y to have same length")
    return x[0], deg + 1, y[1:]


def polyfit_shape(shapes, *, deg, full=False, cov=False, **_):
    m, c, k = _polyfit(shapes, deg)
    coef = (c,) + k
    if full:
        return (coef, (_unknown("residuals (empty when rank-deficient)", numel(k) if k else 1),), (), (c,), ())
    if cov is not False and cov is not None and cov != 0:
        return (coef, (c, c) + k)
    return coef


def polyfit_cost(shapes, *, deg, **_):
    m, c, _k = _polyfit(shapes, deg)
    return m * c * dmin(m, c) + m * c


def _poly(shape):
    s = tuple(shape) if shape else (1,)
    if len(s) == 2 and dims.same(s[0], s[1]) and not dims.is_zero(s[0]):
        n = s[0]
        return n, n ** 3 + n * n
    if len(s) == 1:
        return s[0], s[0] * s[0]
    raise ShapeError("input must be 1d or non-empty square 2d array.")


def poly_shape(shapes, **_):
    n, _cost = _poly(shapes[0])
    return () if dims.is_zero(n) else (n + 1,)


def poly_cost(shapes, **_):
    return _poly(shapes[0])[1]


def roots_shape(shapes, **_):
    _poly_len(tuple(shapes[0]), "Input")
    return (_unknown("number of roots (leading zeros are dropped)", dmax(_poly_len(tuple(shapes[0]), "Input") - 1, 0)),)


def roots_cost(shapes, **_):
    n = dmax(_poly_len(tuple(shapes[0]), "Input") - 1, 0)
    return n * n * n


def window_shape(shapes, *, M, **_):
    if hasattr(M, "free_symbols"):
        return (M,)
    if isinstance(M, float) and M == int(M):
        M = int(M)
    m = _int(M, "M")
    return (max(m, 0),)


def einsum_path_shape(shapes, **_):
    return ((), ())


# --------------------------------------------------------------------------- registration

_SORTING = "sorting"
_MISC = "misc"
_EX_N = Example((("n",),), values=(("n", 1024),))
_EX_MN = Example((("m", "n"),), values=(("m", 64), ("n", 1024)))
_EX_TWO = Example((("n",), ("m",)), values=(("n", 1024), ("m", 1024)))
_SORT_PARAMS = (p_array("a"), p_static("axis", -1), p_pass("kind"), p_pass("order")) + kwonly(p_pass("stable"))
_PART_PARAMS = (p_array("a"), p_static("kth"), p_static("axis", -1), p_pass("kind", "introselect"), p_pass("order"))

for _name in ("sort", "argsort"):
    _op(_name, _SORTING, sort_cost, sort_shape, _SORT_PARAMS,
        "n * clog2(n) per sorted slice: numel * clog2(axis length); axis=None sorts the flattened numel",
        Example((("m", "n"),), (("axis", -1),), (("m", 64), ("n", 1024))))
_op("sort_complex", _SORTING, sort_complex_cost, sort_complex_shape, (p_array("a"),),
    "numel * clog2(last axis length) (a sort along the last axis)", _EX_N)
_op("unique", _SORTING, unique_cost, unique_shape,
    (p_array("ar"), p_static("return_index", False), p_static("return_inverse", False),
     p_static("return_counts", False), p_static("axis", None)) + kwonly(p_pass("equal_nan", True), p_pass("sorted", True)),
    "n * clog2(n), n = numel (a sort of the flattened input); along an axis: numel * clog2(axis length). "
    "The number of unique values depends on the data; the cost does not", _EX_MN)
for _name, _parts in (("unique_all", ("values", "indices", "inverse", "counts")), ("unique_counts", ("values", "counts")),
                      ("unique_inverse", ("values", "inverse")), ("unique_values", ("values",))):
    _op(_name, _SORTING, flat_sort_cost, _unique_api(*_parts), (p_array("x", keyword=False),),
        "n * clog2(n), n = numel(x) (a sort of the flattened input)", _EX_MN)
_op("lexsort", _SORTING, lexsort_cost, lexsort_shape, (p_arrays("keys"), p_static("axis", -1)),
    "k * n * clog2(n) for k keys of n elements (n * clog2(n) per key and slice along axis)",
    Example((("n",), ("n",), ("n",)), values=(("n", 1024),)))
for _name in ("partition", "argpartition"):
    _op(_name, _SORTING, partition_cost, partition_shape, _PART_PARAMS, "numel(input) (n per slice, a selection)",
        Example((("m", "n"),), (("kth", 3),), (("m", 64), ("n", 1024))))
_op("searchsorted", _SORTING, searchsorted_cost, searchsorted_shape,
    (p_array("a"), p_array("v"), p_pass("side", "left"), p_pass("sorter")),
    "m * clog2(n): m = numel(v) queries, each a binary search in the n sorted elements of a",
    Example((("n",), ("m",)), values=(("n", 1024), ("m", 100))))
_op("isin", _SORTING, set_cost, isin_shape,
    (p_array("element"), p_array("test_elements"), p_pass("assume_unique", False), p_pass("invert", False))
    + kwonly(p_pass("kind")),
    "(n + m) * clog2(n + m), n = numel(element), m = numel(test_elements)", _EX_TWO)
for _name in ("union1d", "setdiff1d", "setxor1d"):
    _op(_name, _SORTING, set_cost, set_result_shape,
        (p_array("ar1"), p_array("ar2")) + ((p_pass("assume_unique", False),) if _name != "union1d" else ()),
        "(n + m) * clog2(n + m), n and m the element counts of the two inputs", _EX_TWO)
_op("intersect1d", _SORTING, set_cost, intersect1d_shape,
    (p_array("ar1"), p_array("ar2"), p_pass("assume_unique", False), p_static("return_indices", False)),
    "(n + m) * clog2(n + m), n and m the element counts of the two inputs", _EX_TWO)

_HIST_TAIL = (p_pass("range"), p_pass("density"), p_pass("weights"))
_op("histogram", _SORTING, histogram_cost, histogram_shape, (p_array("a"), p_static("bins", 10)) + _HIST_TAIL,
    "n * clog2(bins), n = numel(a); bins an int, or len(edges) - 1 for explicit edges. String rules ('auto', ...) "
    "choose the bin count from the data and are refused (price them with explicit edges)",
    Example((("n",),), (("bins", "b"),), (("n", 1000), ("b", 64))))
_op("histogram2d", _SORTING, histogram2d_cost, histogram2d_shape,
    (p_array("x"), p_array("y"), p_static("bins", 10)) + _HIST_TAIL,
    "n * (clog2(bx) + clog2(by)), n = len(x); bins an int, [bx, by], or edges (len - 1 bins)",
    Example((("n",), ("n",)), (("bins", ("bx", "by")),), (("n", 1000), ("bx", 16), ("by", 32))))
_op("histogramdd", _SORTING, histogramdd_cost, histogramdd_shape,
    (p_nested("sample"), p_static("bins", 10)) + _HIST_TAIL,
    "n * sum(clog2(b_i)) over the D dimensions, n samples; sample an (n, D) array or a list of D arrays",
    Example((("n", 3),), (("structure", 0), ("bins", "b")), (("n", 1000), ("b", 16))))
_op("histogram_bin_edges", _SORTING, input_numel_cost, histogram_bin_edges_shape,
    (p_array("a"), p_static("bins", 10), p_pass("range"), p_pass("weights")),
    "numel(a) (a pass for the range; string rules are allowed, their edge count depends on the data)",
    Example((("n",),), (("bins", "b"),), (("n", 1000), ("b", 64))))
_op("bincount", _SORTING, input_numel_cost, bincount_shape,
    (p_array("x", keyword=False), p_pass("weights"), p_pass("minlength", 0)),
    "n = numel(x) (weights do not change it)", _EX_N)
_op("digitize", _SORTING, digitize_cost, digitize_shape,
    (p_array("x"), p_array("bins"), p_pass("right", False)),
    "numel(x) * clog2(len(bins)) (a searchsorted)", Example((("n",), ("b",)), values=(("n", 1000), ("b", 64))))
for _name, _mode in (("convolve", "full"), ("correlate", "valid")):
    _op(_name, _MISC, convolve_cost if _name == "convolve" else correlate_cost,
        convolve_shape if _name == "convolve" else correlate_shape,
        (p_array("a"), p_array("v"), p_static("mode", _mode)),
        "len(a) * len(v), whatever the mode", Example((("n",), ("k",)), values=(("n", 100), ("k", 7))))
_op("interp", _SORTING, interp_cost, interp_shape,
    (p_array("x"), p_array("xp"), p_array("fp"), p_pass("left"), p_pass("right"), p_pass("period")),
    "numel(x) * clog2(len(xp)) (a binary search per point)",
    Example((("n",), ("k",), ("k",)), values=(("n", 1000), ("k", 64))))
_op("cov", _MISC, cov_cost, cov_shape,
    (p_array("m"), p_array("y", None), p_static("rowvar", True), p_pass("bias", False), p_pass("ddof"),
     p_pass("fweights"), p_pass("aweights")) + kwonly(p_pass("dtype")),
    "2 * f * f * s: f variables (rows of m, plus those of y; columns when rowvar=False), s observations",
    Example((("f", "s"),), values=(("f", 5), ("s", 200))))
_op("corrcoef", _MISC, cov_cost, cov_shape,
    (p_array("x"), p_array("y", None), p_static("rowvar", True)) + kwonly(p_pass("dtype")),
    "2 * f * f * s: f variables, s observations (as cov)", Example((("f", "s"),), values=(("f", 5), ("s", 200))))
_op("cross", _MISC, cross_cost, cross_shape,
    (p_array("a"), p_array("b"), p_static("axisa", -1), p_static("axisb", -1), p_static("axisc", -1),
     p_static("axis", None)),
    "3 * numel(output)", Example((("n", 3), ("n", 3)), values=(("n", 1000),)))
_op("diff", _MISC, diff_cost, diff_shape,
    (p_array("a"), p_static("n", 1), p_static("axis", -1), p_array("prepend", None), p_array("append", None)),
    "sum over the n successive differences of numel(that difference's output): "
    "batch * ((L - 1) + (L - 2) + ... + (L - n)), L the axis length (with prepend/append)",
    Example((("m", "n"),), (("n", 2),), (("m", 64), ("n", 1024))))
_op("ediff1d", _MISC, R.output_numel_cost(ediff1d_shape), ediff1d_shape,
    (p_array("ary"), p_array("to_end", None), p_array("to_begin", None)),
    "numel(output) = numel(ary) - 1 differences, plus the elements of to_begin and to_end", _EX_N)
_op("gradient", _MISC, gradient_cost, gradient_shape,
    (p_array("f"), p_varargs("varargs")) + kwonly(p_static("axis", None), p_pass("edge_order", 1)),
    "numel(f) per axis differentiated", _EX_MN)
_op("trapezoid", _MISC, input_numel_cost, trapezoid_shape,
    (p_array("y"), p_array("x", None), p_pass("dx", 1.0), p_static("axis", -1)),
    "numel(y) (one multiply-add per sample)", _EX_MN)
_op("average", _MISC, average_cost, average_shape,
    (p_array("a"), p_static("axis", None), p_array("weights", None), p_static("returned", False))
    + kwonly(p_static("keepdims", False)),
    "numel(a), plus numel(a) when weights are given (the weighting multiply)",
    Example((("m", "n"), ("m", "n")), (("axis", 1),), (("m", 64), ("n", 1024))))
_op("ptp", "reduction", R.reduction_cost, R.reduction_shape,
    (p_array("a"), p_static("axis", None), p_pass("out"), p_static("keepdims", False)),
    "numel(input)", _EX_MN)
_op("nonzero", _SORTING, input_numel_cost, nonzero_shape, (p_array("a"),),
    "numel(input) (every element is tested; how many are nonzero depends on the data)", _EX_MN)
_op("argwhere", _SORTING, input_numel_cost, argwhere_shape, (p_array("a"),), "numel(input)", _EX_MN)
_op("flatnonzero", _SORTING, input_numel_cost, flatnonzero_shape, (p_array("a"),), "numel(input)", _EX_MN)
_op("unwrap", _MISC, R.output_numel_cost(unwrap_shape), unwrap_shape,
    (p_array("p"), p_pass("discont"), p_static("axis", -1)) + kwonly(p_pass("period")), "numel(output)", _EX_MN)
for _name, _params in (
    ("angle", (p_array("z"), p_pass("deg", False))),
    ("real_if_close", (p_array("a"), p_pass("tol", 100))),
    ("iscomplex", (p_array("x"),)),
    ("isreal", (p_array("x"),)),
    ("isneginf", (p_array("x"), p_pass("out"))),
    ("isposinf", (p_array("x"), p_pass("out"))),
    ("fix", (p_array("x"), p_pass("out"))),
    ("sinc", (p_array("x"),)),
    ("i0", (p_array("x"),)),
):
    _op(_name, _MISC, R.pointwise_cost, R.same_shape, _params, "numel(output)", _EX_MN)
_op("geomspace", "creation", R.output_numel_cost(R.linspace_shape), R.linspace_shape,
    (p_array("start"), p_array("stop"), p_static("num", 50), p_pass("endpoint", True), p_pass("dtype"),
     p_static("axis", 0)),
    "numel(output) = num", Example(((), ()), (("num", "n"),), (("n", 256),)))
_op("array_equiv", _MISC, array_equiv_cost, scalar_shape, (p_array("a1"), p_array("a2")),
    "numel(broadcast of a1 and a2); 0 when they do not broadcast (NumPy answers False at once)",
    Example((("m", "n"), ("n",)), values=(("m", 64), ("n", 1024))))
_op("vander", _MISC, R.output_numel_cost(vander_shape), vander_shape,
    (p_array("x"), p_static("N", None), p_pass("increasing", False)),
    "numel(output) = len(x) * N (one multiply per power)", Example((("n",),), (("N", "k"),), (("n", 1000), ("k", 8))))
_op("polyval", _MISC, polyval_cost, polyval_shape, (p_array("p"), p_array("x")),
    "deg * numel(x), deg = len(p) - 1 (Horner: one multiply-add per coefficient after the first)",
    Example((("k",), ("n",)), values=(("k", 8), ("n", 1000))))
for _name in ("polyadd", "polysub"):
    _op(_name, _MISC, R.output_numel_cost(polyadd_shape), polyadd_shape, (p_array("a1"), p_array("a2")),
        "numel(output) = max(len(a1), len(a2))", Example((("n",), ("k",)), values=(("n", 100), ("k", 7))))
_op("polymul", _MISC, polymul_cost, polymul_shape, (p_array("a1"), p_array("a2")),
    "len(a1) * len(a2) (a convolution)", Example((("n",), ("k",)), values=(("n", 100), ("k", 7))))
_op("polyder", _MISC, R.output_numel_cost(polyder_shape), polyder_shape, (p_array("p"), p_static("m", 1)),
    "numel(output) = len(p) - m", Example((("n",),), values=(("n", 100),)))
_op("polyint", _MISC, R.output_numel_cost(polyint_shape), polyint_shape,
    (p_array("p"), p_static("m", 1), p_pass("k")), "numel(output) = len(p) + m", Example((("n",),), values=(("n", 100),)))
_op("polydiv", _MISC, polydiv_cost, polydiv_shape, (p_array("u"), p_array("v")),
    "len(u) * len(v) (long division)", Example((("n",), ("k",)), values=(("n", 100), ("k", 7))))
_op("polyfit", _MISC, polyfit_cost, polyfit_shape,
    (p_array("x"), p_array("y"), p_static("deg"), p_pass("rcond"), p_static("full", False), p_pass("w"),
     p_static("cov", False)),
    "m * (deg + 1) * min(m, deg + 1) + m * (deg + 1): an lstsq on the (m, deg + 1) Vandermonde matrix, plus building it",
    Example((("m",), ("m",)), (("deg", "d"),), (("m", 1000), ("d", 3))))
_op("poly", _MISC, poly_cost, poly_shape, (p_array("seq_of_zeros"),),
    "from n roots: n^2 (n products of a degree-k polynomial by (x - r)); from an n x n matrix: n^3 (its eigenvalues) + n^2",
    Example((("n", "n"),), values=(("n", 64),)))
_op("roots", _MISC, roots_cost, roots_shape, (p_array("p"),),
    "n^3, n = len(p) - 1 (the eigenvalues of the n x n companion matrix; leading zeros NumPy drops are still charged, "
    "so the cost depends on the shape only)", Example((("n",),), values=(("n", 65),)))
for _name in ("bartlett", "blackman", "hamming", "hanning"):
    _op(_name, _MISC, R.output_numel_cost(window_shape), window_shape, (p_static("M"),),
        "numel(output) = M", Example((), (("M", "n"),), (("n", 256),)))
_op("kaiser", _MISC, R.output_numel_cost(window_shape), window_shape, (p_static("M"), p_pass("beta")),
    "numel(output) = M", Example((), (("M", "n"),), (("n", 256),)))
_op("packbits", _MISC, input_numel_cost, packbits_shape,
    (p_array("a", keyword=False), p_static("axis", None), p_pass("bitorder", "big")), "numel(input)", _EX_MN)
_op("unpackbits", _MISC, input_numel_cost, unpackbits_shape,
    (p_array("a", keyword=False), p_static("axis", None), p_static("count", None), p_pass("bitorder", "big")),
    "numel(input)", _EX_MN)

# Free: views of the data, and einsum's planner (it computes no data).
for _name in ("real", "imag"):
    _op(_name, "free", R.free_cost, R.same_shape, (p_array("val"),), "0 (free)", _EX_MN)
_op("einsum_path", "free", R.free_cost, einsum_path_shape,
    (p_varargs("operands"),) + kwonly(p_pass("optimize", "greedy"), p_pass("einsum_call", False)), "0 (free)",
    Example((("m", "n"), ("n", "k")), values=(("m", 64), ("n", 64), ("k", 64))))
