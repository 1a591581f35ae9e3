"""Shape helpers shared by the rules: broadcasting, axes, reductions, slicing.

They follow NumPy's semantics and work on int and SymPy dimensions alike.
Invalid input raises :class:`~flopscope.costs.registry.ShapeError` with a
NumPy-like message.
"""

from __future__ import annotations

from typing import Any, Sequence

from flopscope.costs import dims
from flopscope.costs.registry import ShapeError

Shape = tuple


def broadcast(*shapes: Sequence[Any]) -> Shape:
    """NumPy broadcasting of any number of shapes."""
    if len(shapes) == 1:
        return tuple(shapes[0])
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for k in range(1, ndim + 1):
        d: Any = 1
        for s in shapes:
            if k > len(s):
                continue
            x = s[-k]
            if type(x) is int and type(d) is int:
                if x == d or x == 1:
                    continue
                if d == 1:
                    d = x
                    continue
                raise ShapeError(_mismatch(shapes))
            if dims.same(x, 1) or dims.same(x, d):
                if type(d) is int and d == 1 and type(x) is not int:
                    d = x  # a symbolic size that is 1 here: keep the symbol (the same value)
                continue
            if dims.same(d, 1):
                d = x
                continue
            raise ShapeError(_mismatch(shapes))
        out.append(d)
    return tuple(reversed(out))


def _mismatch(shapes) -> str:
    text = " ".join(str(tuple(s)).replace(" ", "") for s in shapes)
    return f"operands could not be broadcast together with shapes {text}"


def normalize_axis(axis: Any, ndim: int) -> int:
    try:
        a = int(axis)
    except TypeError:
        raise ShapeError(f"axis must be an integer, not {axis!r}") from None
    if not -ndim <= a < ndim:
        raise ShapeError(f"axis {a} is out of bounds for array of dimension {ndim}")
    return a % ndim if ndim else 0


def normalize_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """Axes of a reduction: None means all; an int or a tuple of ints otherwise."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        out = tuple(normalize_axis(a, ndim) for a in axis)
        if len(set(out)) != len(out):
            raise ShapeError("duplicate value in 'axis'")
        return out
    return (normalize_axis(axis, ndim),)


def reduce_shape(shape: Sequence[Any], axis: Any = None, keepdims: Any = False) -> Shape:
    if not shape and type(axis) is int and axis in (0, -1):
        return ()  # NumPy's ufunc reductions accept axis 0 / -1 on a 0-d array
    axes = normalize_axes(axis, len(shape))
    if keepdims is True:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def as_shape(value: Any) -> Shape:
    """A shape argument (an int or a sequence of ints) as a tuple of dims."""
    if isinstance(value, (tuple, list)) or (hasattr(value, "__len__") and not isinstance(value, str) and not hasattr(value, "free_symbols")):
        out = tuple(dims.as_dim(v) for v in value)
    else:
        out = (dims.as_dim(value),)
    for d in out:
        if type(d) is int and d < 0:
            raise ShapeError("negative dimensions are not allowed")
    return out


def slice_length(dim: Any, start: Any, stop: Any, step: Any) -> Any:
    """Length of ``range(dim)[start:stop:step]`` (NumPy slicing), ints or SymPy."""
    if step is None:
        step = 1
    if type(step) is int and step == 0:
        raise ShapeError("slice step cannot be zero")
    if all(type(v) is int or v is None for v in (dim, start, stop, step)):
        return len(range(*slice(start, stop, step).indices(dim)))
    return _symbolic_slice_length(dim, start, stop, step)


def _symbolic_slice_length(dim, start, stop, step):
    step_v = dims.concrete(step)
    if step_v is None:
        raise dims.UndecidableDimension(f"a slice with symbolic step {step} is not supported")
    if step_v > 0:
        lo = _clip_index(start, dim, 0)
        hi = _clip_index(stop, dim, dim)
        length = dims.ceildiv(hi - lo, step_v)
    else:
        lo = _clip_index_neg(start, dim, dim - 1)
        hi = _clip_index_neg(stop, dim, -1)
        length = dims.ceildiv(lo - hi, -step_v)
    if type(length) is int:
        return max(length, 0)
    if dims.less(length, 0):
        return 0
    return length


def _clip_index(v, dim, default):
    """Python's slice clipping for a positive step, symbolically."""
    if v is None:
        return default
    if dims.less(v, 0):
        v = v + dim
        return 0 if dims.less(v, 0) else v
    return dim if dims.less(dim, v) else v


def _clip_index_neg(v, dim, default):
    if v is None:
        return default
    if dims.less(v, 0):
        v = v + dim
        return -1 if dims.less(v, 0) else v
    return dim - 1 if dims.less(dim - 1, v) else v
