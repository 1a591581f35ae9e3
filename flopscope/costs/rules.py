"""Cost and output-shape rules, one small function per family of ops.

Every rule has the signature ``rule(shapes, **static)``: ``shapes`` is a tuple
with one shape per array operand (in the op's parameter order), ``static`` the
op's static arguments. Rules use :mod:`flopscope.costs.dims` arithmetic only, so
they accept int and SymPy dimensions. The formulas are COST_MODEL v1.
"""

from __future__ import annotations

from typing import Any, Sequence

from flopscope.costs import dims
from flopscope.costs.dims import numel
from flopscope.costs.registry import ShapeError
from flopscope.costs.shapes import as_shape, broadcast, normalize_axes, normalize_axis, reduce_shape


class UnknownDim:
    """A data-dependent dimension (the length of ``where(cond)``'s result, ...), and the
    largest it can be when the shapes say (``bound``: numel(cond) for where(cond)), or None."""

    __slots__ = ("reason", "bound")

    def __init__(self, reason: str, bound: Any = None) -> None:
        self.reason = reason
        self.bound = bound

    def __repr__(self) -> str:
        return f"UnknownDim({self.reason!r}, bound={self.bound!r})"


# --------------------------------------------------------------------------- pointwise


def pointwise_shape(shapes, **_):
    return broadcast(*shapes)


def pointwise_cost(shapes, **_):
    return numel(broadcast(*shapes))


def pointwise2_shape(shapes, **_):
    s = broadcast(*shapes)
    return (s, s)


def scalar_result_shape(shapes, **_):
    broadcast(*shapes)  # validates
    return ()


def array_equal_cost(shapes, **_):
    a, b = shapes
    if len(a) == len(b) and all(dims.same(x, y) for x, y in zip(a, b)):
        return numel(a)
    return 0  # NumPy returns False at once when the shapes differ


def array_equal_shape(shapes, **_):
    return ()


def where_cost(shapes, **_):
    return numel(shapes[0])


def where_shape(shapes, **_):
    if len(shapes) == 3:
        return broadcast(*shapes)
    if len(shapes) == 2:
        raise ShapeError("either both or neither of x and y should be given")
    cond = shapes[0]
    n = UnknownDim("number of nonzero elements", numel(cond))
    return tuple((n,) for _ in range(max(len(cond), 1)))


# --------------------------------------------------------------------------- reductions


def reduction_cost(shapes, **_):
    return numel(shapes[0])


def reduction_shape(shapes, *, axis=None, keepdims=False, **_):
    return reduce_shape(shapes[0], axis, keepdims)


def arg_reduction_shape(shapes, *, axis=None, keepdims=False, **_):
    shape = shapes[0]
    if axis is None:
        return tuple(1 for _ in shape) if keepdims is True else ()
    if isinstance(axis, (tuple, list)):
        raise ShapeError("'tuple' object cannot be interpreted as an integer")
    return reduce_shape(shape, axis, keepdims)


def accumulate_shape(shapes, *, axis=0, **_):
    shape = tuple(shapes[0])
    if axis is None:
        raise ShapeError("accumulate does not allow multiple axes")
    normalize_axis(axis, len(shape))
    return shape


def outer_product_shape(shapes, **_):
    """ufunc.outer: every element of A against every element of B."""
    return tuple(shapes[0]) + tuple(shapes[1])


def outer_product_cost(shapes, **_):
    return numel(outer_product_shape(shapes))


def cumulative_shape(shapes, *, axis=None, **_):
    shape = shapes[0]
    if axis is None:
        return (numel(shape),)
    normalize_axis(axis, len(shape))
    return tuple(shape)


def cumulative_array_api_shape(shapes, *, axis=None, include_initial=False, **_):
    shape = tuple(shapes[0])
    if axis is None:
        if len(shape) > 1:
            raise ShapeError("axis must be specified for multi-dimensional arrays")
        if len(shape) == 0:
            raise ShapeError("cumulative functions require an array of at least one dimension")
        ax = 0
    else:
        ax = normalize_axis(axis, len(shape))
    if include_initial is True:
        return shape[:ax] + (shape[ax] + 1,) + shape[ax + 1:]
    return shape


def quantile_shape(shapes, *, axis=None, keepdims=False, **_):
    return tuple(shapes[1]) + reduce_shape(shapes[0], axis, keepdims)


# --------------------------------------------------------------------------- contractions


def _matmul(a, b):
    if len(a) == 0 or len(b) == 0:
        which = 0 if len(a) == 0 else 1
        raise ShapeError(f"matmul: Input operand {which} does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)")
    a1, b1 = len(a) == 1, len(b) == 1
    A = (1,) + tuple(a) if a1 else tuple(a)
    B = tuple(b) + (1,) if b1 else tuple(b)
    m, k = A[-2], A[-1]
    k2, n = B[-2], B[-1]
    if not dims.same(k, k2):
        raise ShapeError(f"matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size {k2} is different from {k})")
    batch = broadcast(A[:-2], B[:-2])
    out = batch + (() if a1 else (m,)) + (() if b1 else (n,))
    cost = numel(batch) * (1 if a1 else m) * k * (1 if b1 else n)
    return out, cost


def _with_out(out_shape, cost, shapes, core_out: int):
    """A gufunc's out= may carry more loop (batch) dimensions than its inputs: the
    loop then runs over the out's batch. Scale the cost by the extra batch."""
    if len(shapes) < 3:
        return out_shape, cost
    out = tuple(shapes[2])
    full = broadcast(out_shape, out)
    if len(full) != len(out) or not all(dims.same(x, y) for x, y in zip(full, out)):
        raise ShapeError(f"non-broadcastable output operand with shape {out} doesn't match the broadcast shape {out_shape}")
    extra = numel(out[: len(out) - core_out])
    own = numel(tuple(out_shape)[: len(out_shape) - core_out])
    if not dims.same(extra, own):
        cost = cost * dims.floordiv(extra, own) if not dims.is_zero(own) else 0
    return out, cost


def matmul_shape(shapes, **_):
    out, cost = _matmul(shapes[0], shapes[1])
    return _with_out(out, cost, shapes, _matmul_core(shapes))[0]


def matmul_cost(shapes, **_):
    out, cost = _matmul(shapes[0], shapes[1])
    return _with_out(out, cost, shapes, _matmul_core(shapes))[1]


def _matmul_core(shapes) -> int:
    return (len(shapes[0]) > 1) + (len(shapes[1]) > 1)


def _dot(a, b):
    a, b = tuple(a), tuple(b)
    if len(a) == 0 or len(b) == 0:
        out = broadcast(a, b)
        return out, numel(out)
    if len(b) == 1:
        k2, rest_b = b[0], ()
    else:
        k2, rest_b = b[-2], b[:-2] + b[-1:]
    k = a[-1]
    if not dims.same(k, k2):
        raise ShapeError(f"shapes {a} and {b} not aligned: {k} (dim {len(a) - 1}) != {k2} (dim {max(len(b) - 2, 0)})")
    return a[:-1] + rest_b, numel(a) * numel(rest_b)


def dot_shape(shapes, **_):
    return _dot(shapes[0], shapes[1])[0]


def dot_cost(shapes, **_):
    return _dot(shapes[0], shapes[1])[1]


def _tensordot_axes(axes, na, nb):
    if hasattr(axes, "tolist") and not hasattr(axes, "free_symbols"):
        axes = axes.tolist()  # an ndarray of axes
    if isinstance(axes, (tuple, list)) and len(axes) == 2 and all(is_index(x) for x in axes):
        axes = (int(axes[0]), int(axes[1]))
    if isinstance(axes, (tuple, list)) and len(axes) == 2 and not all(isinstance(x, int) for x in axes):
        ax_a, ax_b = axes
        ax_a = [int(ax_a)] if is_index(ax_a) else [int(x) for x in ax_a]
        ax_b = [int(ax_b)] if is_index(ax_b) else [int(x) for x in ax_b]
    elif isinstance(axes, (tuple, list)) and len(axes) == 2:
        ax_a, ax_b = [axes[0]], [axes[1]]
    else:
        try:
            n = int(axes)
        except TypeError:
            raise ShapeError(f"tensordot axes must be an int or a pair of sequences, not {axes!r}") from None
        if n < 0:
            raise ShapeError("tensordot axes must be non-negative")
        ax_a = list(range(na - n, na))
        ax_b = list(range(n))
    if len(ax_a) != len(ax_b):
        raise ShapeError("shape-mismatch for sum")
    return [normalize_axis(x, na) for x in ax_a], [normalize_axis(x, nb) for x in ax_b]


def is_index(x) -> bool:
    """A Python or NumPy integer (not a bool, not a SymPy expression)."""
    import operator

    if isinstance(x, bool) or hasattr(x, "free_symbols"):
        return False
    try:
        operator.index(x)
        return True
    except TypeError:
        return False


def _tensordot(a, b, axes):
    ax_a, ax_b = _tensordot_axes(axes, len(a), len(b))
    for i, j in zip(ax_a, ax_b):
        if not dims.same(a[i], b[j]):
            raise ShapeError("shape-mismatch for sum")
    free_a = tuple(d for i, d in enumerate(a) if i not in ax_a)
    free_b = tuple(d for i, d in enumerate(b) if i not in ax_b)
    return free_a + free_b, numel(a) * numel(free_b)


def tensordot_shape(shapes, *, axes=2, **_):
    return _tensordot(shapes[0], shapes[1], axes)[0]


def tensordot_cost(shapes, *, axes=2, **_):
    return _tensordot(shapes[0], shapes[1], axes)[1]


def _inner(a, b):
    a, b = tuple(a), tuple(b)
    if len(a) == 0 or len(b) == 0:
        out = broadcast(a, b)
        return out, numel(out)
    if not dims.same(a[-1], b[-1]):
        raise ShapeError("shapes {} and {} not aligned: {} (dim {}) != {} (dim {})".format(a, b, a[-1], len(a) - 1, b[-1], len(b) - 1))
    return a[:-1] + b[:-1], numel(a) * numel(b[:-1])


def inner_shape(shapes, **_):
    return _inner(shapes[0], shapes[1])[0]


def inner_cost(shapes, **_):
    return _inner(shapes[0], shapes[1])[1]


def vdot_shape(shapes, **_):
    a, b = shapes
    if not dims.same(numel(a), numel(b)):
        raise ShapeError("cannot reshape array: vdot needs operands with the same number of elements")
    return ()


def vdot_cost(shapes, **_):
    return numel(shapes[0])


def outer_shape(shapes, **_):
    return (numel(shapes[0]), numel(shapes[1]))


def outer_cost(shapes, **_):
    return numel(shapes[0]) * numel(shapes[1])


def _trace(shape, offset, axis1, axis2):
    nd = len(shape)
    if nd < 2:
        raise ShapeError("diag requires an array of at least two dimensions")
    a1 = normalize_axis(axis1, nd)
    a2 = normalize_axis(axis2, nd)
    if a1 == a2:
        raise ShapeError("axis1 and axis2 cannot be the same")
    d1, d2 = shape[a1], shape[a2]
    off = dims.as_dim(offset)
    if type(off) is int and off == 0:
        length = dims.dmin(d1, d2)
    elif type(off) is int and off > 0:
        length = dims.dmax(dims.dmin(d1, d2 - off), 0)
    else:
        length = dims.dmax(dims.dmin(d1 + off, d2), 0)
    batch = tuple(d for i, d in enumerate(shape) if i not in (a1, a2))
    return batch, numel(batch) * length


def trace_shape(shapes, *, offset=0, axis1=0, axis2=1, **_):
    return _trace(shapes[0], offset, axis1, axis2)[0]


def trace_cost(shapes, *, offset=0, axis1=0, axis2=1, **_):
    return _trace(shapes[0], offset, axis1, axis2)[1]


def kron_shape(shapes, **_):
    a, b = tuple(shapes[0]), tuple(shapes[1])
    nd = max(len(a), len(b))
    a = (1,) * (nd - len(a)) + a
    b = (1,) * (nd - len(b)) + b
    return tuple(x * y for x, y in zip(a, b))


def kron_cost(shapes, **_):
    return numel(kron_shape(shapes))


def vecdot_shape(shapes, *, axis=-1, **_):
    if len(shapes) > 2:
        return _with_out(vecdot_shape(shapes[:2], axis=axis), 0, shapes, 0)[0]
    s = broadcast(shapes[0], shapes[1])
    if not s:
        raise ShapeError("vecdot: Input operand 0 does not have enough dimensions")
    ax = normalize_axis(axis, len(s))
    return s[:ax] + s[ax + 1:]


def vecdot_cost(shapes, *, axis=-1, **_):
    out = vecdot_shape(shapes[:2], axis=axis)
    return _with_out(out, numel(broadcast(shapes[0], shapes[1])), shapes, 0)[1]


def _matvec(a, v):
    if len(a) < 2 or len(v) < 1:
        raise ShapeError("matvec: Input operand does not have enough dimensions")
    if not dims.same(a[-1], v[-1]):
        raise ShapeError(f"matvec: Input operand 1 has a mismatch in its core dimension 0 (size {v[-1]} is different from {a[-1]})")
    batch = broadcast(a[:-2], v[:-1])
    return batch + (a[-2],), numel(batch) * a[-2] * a[-1]


def matvec_shape(shapes, **_):
    return _with_out(*_matvec(shapes[0], shapes[1]), shapes, 1)[0]


def matvec_cost(shapes, **_):
    return _with_out(*_matvec(shapes[0], shapes[1]), shapes, 1)[1]


def _vecmat(shapes):
    v, a = shapes[0], shapes[1]
    return _with_out(*_matvec(tuple(a[:-2]) + (a[-1], a[-2]) if len(a) >= 2 else a, v), shapes, 1)


def vecmat_shape(shapes, **_):
    return _vecmat(shapes)[0]


def vecmat_cost(shapes, **_):
    return _vecmat(shapes)[1]


# --------------------------------------------------------------------------- creation


def output_numel_cost(shape_rule):
    """A cost rule that charges numel of what ``shape_rule`` returns."""

    def cost(shapes, **static):
        return numel(shape_rule(shapes, **static))

    cost.__name__ = f"numel_of_{shape_rule.__name__}"
    return cost


def array_shape(shapes, *, ndmin=0, **_):
    shape = tuple(shapes[0])
    nd = int(ndmin or 0)
    if len(shape) < nd:
        shape = (1,) * (nd - len(shape)) + shape
    return shape


def same_shape(shapes, **_):
    return tuple(shapes[0])


def shape_arg_shape(shapes, *, shape, **_):
    return as_shape(shape)


def like_shape(shapes, *, shape=None, **_):
    if shape is not None:
        return as_shape(shape)
    return tuple(shapes[0])


def arange_shape(shapes, *, start=None, stop=None, step=None, **_):
    if start is None and stop is None:
        raise ShapeError("arange() requires stop to be specified.")
    if stop is None:
        start, stop = 0, start
    if start is None:
        start = 0
    if step is None:
        step = 1
    start, stop, step = (v.item() if hasattr(v, "item") and not hasattr(v, "free_symbols") else v for v in (start, stop, step))
    if all(isinstance(v, (int, float, complex)) and not isinstance(v, bool) for v in (start, stop, step)):
        import math

        if step == 0:
            raise ShapeError("Maximum allowed size exceeded")
        if all(type(v) is int for v in (start, stop, step)):
            return (max(-((start - stop) // step), 0),)
        span = (stop - start) / step
        if isinstance(span, complex):  # numpy: the shorter of the real and imaginary extents
            parts = [span.real, span.imag]
            if not all(math.isfinite(p) for p in parts):
                raise ShapeError("Maximum allowed size exceeded")
            return (max(min(math.ceil(p) for p in parts), 0),)
        if not math.isfinite(span):
            raise ShapeError("Maximum allowed size exceeded")
        return (max(math.ceil(span), 0),)
    length = dims.ceildiv(stop - start, step)
    if dims.concrete(length) is not None:
        return (max(dims.concrete(length), 0),)
    return (dims.dmax(length, 0),)


def linspace_shape(shapes, *, num=50, axis=0, **_):
    base = broadcast(*shapes) if shapes else ()
    n = dims.as_dim(num)
    if type(n) is int and n < 0:
        raise ShapeError(f"Number of samples, {n}, must be non-negative.")
    ax = normalize_axis(axis, len(base) + 1)
    return base[:ax] + (n,) + base[ax:]


def eye_shape(shapes, *, N, M=None, **_):
    return (dims.as_dim(N), dims.as_dim(N if M is None else M))


def identity_shape(shapes, *, n, **_):
    return (dims.as_dim(n), dims.as_dim(n))


# --------------------------------------------------------------------------- joining


def _concat(shapes, axis):
    if not shapes:
        raise ShapeError("need at least one array to concatenate")
    if axis is None:
        return (sum_dims(numel(s) for s in shapes),)
    nd = len(shapes[0])
    if nd == 0:
        raise ShapeError("zero-dimensional arrays cannot be concatenated")
    ax = normalize_axis(axis, nd)
    for i, s in enumerate(shapes[1:], start=1):
        if len(s) != nd:
            raise ShapeError(f"all the input array dimensions except for the concatenation axis must match exactly, but along dimension 0, the array at index 0 has {nd} dimension(s) and the array at index {i} has {len(s)} dimension(s)")
        for d in range(nd):
            if d != ax and not dims.same(s[d], shapes[0][d]):
                raise ShapeError(f"all the input array dimensions except for the concatenation axis must match exactly, but along dimension {d}, the array at index 0 has size {shapes[0][d]} and the array at index {i} has size {s[d]}")
    total = sum_dims(s[ax] for s in shapes)
    first = tuple(shapes[0])
    return first[:ax] + (total,) + first[ax + 1:]


def sum_dims(values) -> Any:
    total: Any = 0
    for v in values:
        total = total + v
    return total


def concatenate_shape(shapes, *, axis=0, **_):
    return _concat([tuple(s) for s in shapes], axis)


def stack_shape(shapes, *, axis=0, **_):
    if not shapes:
        raise ShapeError("need at least one array to stack")
    first = tuple(shapes[0])
    for s in shapes[1:]:
        if len(s) != len(first) or not all(dims.same(x, y) for x, y in zip(s, first)):
            raise ShapeError("all input arrays must have the same shape")
    ax = normalize_axis(axis, len(first) + 1)
    return first[:ax] + (len(shapes),) + first[ax:]


def atleast_1d(s):
    s = tuple(s)
    return s if len(s) >= 1 else (1,)


def atleast_2d(s):
    s = tuple(s)
    if len(s) == 0:
        return (1, 1)
    if len(s) == 1:
        return (1,) + s
    return s


def atleast_3d(s):
    s = tuple(s)
    if len(s) == 0:
        return (1, 1, 1)
    if len(s) == 1:
        return (1,) + s + (1,)
    if len(s) == 2:
        return s + (1,)
    return s


def vstack_shape(shapes, **_):
    return _concat([atleast_2d(s) for s in shapes], 0)


def hstack_shape(shapes, **_):
    arrs = [atleast_1d(s) for s in shapes]
    if not arrs:
        raise ShapeError("need at least one array to concatenate")
    return _concat(arrs, 0 if len(arrs[0]) == 1 else 1)


def dstack_shape(shapes, **_):
    return _concat([atleast_3d(s) for s in shapes], 2)


def column_stack_shape(shapes, **_):
    cols = []
    for s in shapes:
        s = tuple(s)
        if len(s) < 2:
            s = (atleast_1d(s)[0], 1)
        cols.append(s)
    return _concat(cols, 1)


def append_shape(shapes, *, axis=None, **_):
    arr, values = shapes
    if axis is None:
        return (numel(arr) + numel(values),)
    return _concat([tuple(arr), tuple(values)], axis)


def block_shape(shapes, *, structure, **_):
    """np.block: ``structure`` is the nesting of lists with operand indices at the leaves."""

    def depth(node) -> int:
        if isinstance(node, list):
            if not node:
                raise ShapeError("List at arrays[] cannot be empty")
            ds = {depth(x) for x in node}
            if len(ds) != 1:
                raise ShapeError("List depths are mismatched")
            return 1 + ds.pop()
        return 0

    d = depth(structure)
    nd = max([d] + [len(s) for s in shapes])

    def build(node, level):
        if not isinstance(node, list):
            s = tuple(shapes[node])
            return (1,) * (nd - len(s)) + s
        parts = [build(x, level + 1) for x in node]
        return _concat(parts, -(d - level))

    return build(structure, 0)


# --------------------------------------------------------------------------- free ops


def free_cost(shapes, **_):
    return 0


def reshape_shape(shapes, *, shape=None, newshape=None, **_):
    target = shape if shape is not None else newshape
    if target is None:
        raise ShapeError("reshape() missing required argument 'shape'")
    src = tuple(shapes[0])
    want = list(target) if isinstance(target, (tuple, list)) else [target]
    want = [dims.as_dim(w) for w in want]
    unknown = [i for i, w in enumerate(want) if type(w) is int and w == -1]
    if len(unknown) > 1:
        raise ShapeError("can only specify one unknown dimension")
    total = numel(src)
    if unknown:
        rest = dims.prod(w for i, w in enumerate(want) if i != unknown[0])
        if dims.is_zero(rest):
            raise ShapeError(f"cannot reshape array of size {total} into shape {tuple(target)}")
        inferred = dims.floordiv(total, rest)
        if not dims.same(inferred * rest, total):
            raise ShapeError(f"cannot reshape array of size {total} into shape {tuple(target)}")
        want[unknown[0]] = inferred
    elif not dims.same(numel(want), total):
        raise ShapeError(f"cannot reshape array of size {total} into shape {tuple(target)}")
    return tuple(want)


def ravel_shape(shapes, **_):
    return (numel(shapes[0]),)


def transpose_shape(shapes, *, axes=None, **_):
    s = tuple(shapes[0])
    if axes is None:
        return s[::-1]
    axes = [normalize_axis(a, len(s)) for a in axes]
    if sorted(axes) != list(range(len(s))):
        raise ShapeError("axes don't match array")
    return tuple(s[a] for a in axes)


def matrix_transpose_shape(shapes, **_):
    s = tuple(shapes[0])
    if len(s) < 2:
        raise ShapeError(f"Input array must be at least 2-dimensional, but it is {len(s)}")
    return s[:-2] + (s[-1], s[-2])


def swapaxes_shape(shapes, *, axis1, axis2, **_):
    s = list(shapes[0])
    a, b = normalize_axis(axis1, len(s)), normalize_axis(axis2, len(s))
    s[a], s[b] = s[b], s[a]
    return tuple(s)


def moveaxis_shape(shapes, *, source, destination, **_):
    s = tuple(shapes[0])
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise ShapeError("`source` and `destination` arguments must have the same number of elements")
    src = [normalize_axis(a, len(s)) for a in src]
    dst = [normalize_axis(a, len(s)) for a in dst]
    order = [i for i in range(len(s)) if i not in src]
    for d, a in sorted(zip(dst, src)):
        order.insert(d, a)
    return tuple(s[i] for i in order)


def squeeze_shape(shapes, *, axis=None, **_):
    s = tuple(shapes[0])
    if axis is None:
        return tuple(d for d in s if not dims.same(d, 1))
    axes = normalize_axes(axis, len(s))
    for a in axes:
        if not dims.same(s[a], 1):
            raise ShapeError("cannot select an axis to squeeze out which has size not equal to one")
    return tuple(d for i, d in enumerate(s) if i not in axes)


def expand_dims_shape(shapes, *, axis, **_):
    s = list(shapes[0])
    axes = [axis] if isinstance(axis, int) else list(axis)
    nd = len(s) + len(axes)
    axes = sorted(normalize_axis(a, nd) for a in axes)
    if len(set(axes)) != len(axes):
        raise ShapeError("repeated axis")
    for a in axes:
        s.insert(a, 1)
    return tuple(s)


def broadcast_to_shape(shapes, *, shape, **_):
    target = as_shape(shape)
    src = tuple(shapes[0])
    if len(src) > len(target):
        raise ShapeError(f"input operand has more dimensions than allowed by the axis remapping")
    out = broadcast(src, target)
    if len(out) != len(target) or not all(dims.same(x, y) for x, y in zip(out, target)):
        raise ShapeError(f"operands could not be broadcast together with remapped shapes [original->remapped]: {src} and requested shape {target}")
    return target


def broadcast_arrays_shape(shapes, **_):
    out = broadcast(*shapes)
    return tuple(out for _ in shapes)


def atleast_shape(fn):
    def rule(shapes, **_):
        if len(shapes) == 1:
            return fn(shapes[0])
        return tuple(fn(s) for s in shapes)

    rule.__name__ = f"{fn.__name__}_shape"
    return rule


def query_shape(shapes, **_):
    return ()
