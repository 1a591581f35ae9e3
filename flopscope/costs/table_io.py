"""Cost table: what computes nothing or is built from an index (COST_MODEL v1.1).

Registers into ``table.OPS``:

* files: ``load`` (``.npy``, ``.npz``; pickles always refused), ``save``,
  ``savez``, ``savez_compressed``: free, since reading or writing data computes
  nothing (the loaded arrays are metered);
* NumPy's floating-point error reporting: ``errstate``, ``seterr``, ``geterr``:
  free (they change how NumPy reports, not what it computes); a Python callback
  (``errstate(call=...)``) is refused;
* index expressions: ``s_`` and ``index_exp`` build slices (free); ``r_`` and
  ``c_`` concatenate (numel(output), like concatenate); ``mgrid`` and ``ogrid``
  build grids (numel of the arrays built, like meshgrid).

The index expressions are objects subscripted like arrays (``fnp.r_[0:n, x]``).
Their rules read a description of the subscript: ``items`` is a tuple with one
entry per item, ``("array", k)`` for the k-th array operand (its shape is
``shapes[k]``), ``("scalar", k)`` for a number, ``("slice", start, stop, step)``
and ``("directive", text)``; ``mgrid`` and ``ogrid`` read ``slices``, a tuple of
``(start, stop, step)``, and ``single`` (the subscript was one slice, not a
tuple). The runtime and the analyzer build the same description.
"""

from __future__ import annotations

from flopscope.costs import dims
from flopscope.costs import rules as R
from flopscope.costs.dims import numel
from flopscope.costs.registry import Example, ShapeError, kwonly, p_pass, p_static
from flopscope.costs.table import _op

# --------------------------------------------------------------------------- files


def nothing_shape(shapes, **_):
    """The op returns no array the rules can size (a file object, a context, None)."""
    return ()


def load_shape(shapes, *, allow_pickle=False, **_):
    if allow_pickle is True:
        raise ShapeError("allow_pickle=True is refused: unpickling runs code from the file")
    return ()


_EX_NONE = Example((), (), ())
_op("load", "free", R.free_cost, load_shape,
    (p_pass("file"), p_pass("mmap_mode"), p_static("allow_pickle", False), p_pass("fix_imports", True),
     p_pass("encoding", "ASCII")) + kwonly(p_pass("max_header_size")),
    "0 (free): reading data computes nothing; the arrays it returns are metered", _EX_NONE,
    doc="read arrays from a .npy or .npz file (pickles are refused)")
_op("save", "free", R.free_cost, nothing_shape,
    (p_pass("file"), p_pass("arr"), p_static("allow_pickle", True), p_pass("fix_imports")),
    "0 (free)", _EX_NONE, doc="write one array to a .npy file")
for _name in ("savez", "savez_compressed"):
    _op(_name, "free", R.free_cost, nothing_shape,
        (p_pass("file"),), "0 (free)", _EX_NONE, doc="write arrays to a .npz file")

# --------------------------------------------------------------------------- error reporting

_ERR = ("all", "divide", "over", "under", "invalid")
_op("errstate", "free", R.free_cost, nothing_shape,
    kwonly(*(p_pass(n) for n in _ERR), p_static("call", None)),
    "0 (free): it changes how NumPy reports floating-point errors, not what it computes", _EX_NONE,
    doc="a context manager for NumPy's floating-point error handling (call= is refused)")
_op("seterr", "free", R.free_cost, nothing_shape, tuple(p_pass(n) for n in _ERR), "0 (free)", _EX_NONE,
    doc="set NumPy's floating-point error handling")
_op("geterr", "free", R.free_cost, nothing_shape, (), "0 (free)", _EX_NONE,
    doc="read NumPy's floating-point error handling")

# --------------------------------------------------------------------------- index expressions


def _is_complex(step) -> bool:
    if isinstance(step, complex):
        return True
    if hasattr(step, "free_symbols"):
        return bool(step.has(__import__("sympy").I))
    return False


def _count_of_complex(step):
    """A complex step ``kj`` asks for ``k`` points (NumPy: int(abs(step)))."""
    if isinstance(step, complex):
        return int(abs(step))
    import sympy

    value = sympy.Abs(step)
    if value.is_number:
        return int(value)
    return sympy.floor(value)


def _slice_length(start, stop, step):
    if start is None:
        start = 0
    if step is None:
        step = 1
    if _is_complex(step):
        return _count_of_complex(step)
    if stop is None:
        raise ShapeError("a slice in an index expression needs a stop")
    return R.arange_shape((), start=start, stop=stop, step=step)[0]


def _directive(text: str, settings: dict) -> None:
    """Read the first entry's directive string into axis / ndmin / trans1d."""
    if text in ("r", "c"):
        raise ShapeError(f"the {text!r} directive makes a numpy.matrix, which flopscope refuses (use plain arrays)")
    if "," in text:
        parts = text.split(",")
        try:
            values = [int(p) for p in parts]
        except ValueError:
            raise ShapeError(f"unknown special directive {text!r}") from None
        if len(values) > 3:
            raise ShapeError(f"unknown special directive {text!r}")
        settings["axis"] = values[0]
        if len(values) >= 2:
            settings["ndmin"] = values[1]
        if len(values) == 3:
            settings["trans1d"] = values[2]
        return
    try:
        settings["axis"] = int(text)
    except ValueError:
        raise ShapeError(f"unknown special directive {text!r}") from None


def _raise_ndim(shape: tuple, ndmin: int, trans1d: int) -> tuple:
    """``array(x, ndmin=ndmin)`` then r_'s axis move for an item of fewer dimensions."""
    nd = len(shape)
    if nd >= ndmin:
        return shape
    padded = (1,) * (ndmin - nd) + shape
    if trans1d == -1:
        return padded
    k2 = ndmin - nd
    k1 = trans1d + k2 + 1 if trans1d < 0 else trans1d
    axes = list(range(ndmin))
    order = axes[:k1] + axes[k2:] + axes[k1:k2]
    return tuple(padded[i] for i in order)


def concat_index_shape(shapes, *, items, axis, ndmin, trans1d, **_):
    """``r_[...]`` / ``c_[...]``: NumPy's AxisConcatenator, on shapes."""
    settings = {"axis": axis, "ndmin": ndmin, "trans1d": trans1d}
    parts = []
    for position, item in enumerate(items):
        kind = item[0]
        if kind == "directive":
            if position != 0:
                raise ShapeError("special directives must be the first entry.")
            _directive(item[1], settings)
            continue
        nd, t1 = settings["ndmin"], settings["trans1d"]
        if kind == "slice":
            n = _slice_length(*item[1:])
            shape = (n,)
            if nd > 1:
                shape = (1,) * (nd - 1) + shape
                if t1 != -1:
                    shape = list(shape)
                    ax = t1 % len(shape)
                    shape[-1], shape[ax] = shape[ax], shape[-1]
                    shape = tuple(shape)
        elif kind == "scalar":
            shape = (1,) * max(nd, 0)
        else:
            shape = _raise_ndim(tuple(shapes[item[1]]), nd, t1)
        parts.append(shape)
    if not parts:
        raise ShapeError("need at least one array to concatenate")
    return R.concatenate_shape(tuple(parts), axis=settings["axis"])


def _grid_sizes(slices) -> list:
    sizes = []
    for start, stop, step in slices:
        if start is None:
            start = 0
        if step is None:
            step = 1
        if _is_complex(step):
            sizes.append(_count_of_complex(step))
            continue
        if stop is None:
            raise ShapeError("a grid slice needs a stop")
        if type(step) is int and step == 0 or (isinstance(step, float) and step == 0.0):
            raise ShapeError("slice step cannot be zero")
        sizes.append(dims.ceildiv(stop - start, step) if all(type(v) is int for v in (start, stop, step))
                     else _ceil_span(start, stop, step))
    return sizes


def _ceil_span(start, stop, step):
    if all(isinstance(v, (int, float)) for v in (start, stop, step)):
        import math

        return math.ceil((stop - start) / step)
    import sympy

    return sympy.ceiling((sympy.sympify(stop) - start) / step)


def grid_shape(shapes, *, slices, single=False, sparse=False, **_):
    """``mgrid[...]`` (dense) and ``ogrid[...]`` (sparse): the shapes of the arrays built."""
    sizes = _grid_sizes(slices)
    if single:
        n = sizes[0]
        return (dims.dmax(n, 0) if type(n) is not int else max(n, 0),)
    for n in sizes:
        if type(n) is int and n < 0:
            raise ShapeError("negative dimensions are not allowed")
    if sparse is True:
        k = len(sizes)
        return tuple(tuple(n if j == i else 1 for j in range(k)) for i, n in enumerate(sizes))
    return (len(sizes),) + tuple(sizes)


def grid_cost(shapes, **static):
    out = grid_shape(shapes, **static)
    if static.get("sparse") is True and not static.get("single"):
        total = 0
        for s in out:
            total = total + numel(s)
        return total
    return numel(out)


_op("s_", "free", R.free_cost, nothing_shape, (), "0 (free): it builds slices", _EX_NONE,
    doc="build a tuple of slices: s_[1:3, ::2]")
_op("index_exp", "free", R.free_cost, nothing_shape, (), "0 (free): it builds slices", _EX_NONE,
    doc="build a tuple of slices (always a tuple): index_exp[1:3]")
_EX_R = Example((("m",), ("n",)), (("items", (("array", 0), ("array", 1))), ("axis", 0), ("ndmin", 1),
                                   ("trans1d", -1)), (("m", 256), ("n", 256)))
_EX_C = Example((("m",), ("m",)), (("items", (("array", 0), ("array", 1))), ("axis", -1), ("ndmin", 2),
                                   ("trans1d", 0)), (("m", 256),))
_op("r_", "joining", R.output_numel_cost(concat_index_shape), concat_index_shape,
    (p_static("items"), p_static("axis", 0), p_static("ndmin", 1), p_static("trans1d", -1)),
    "numel(output), like concatenate", _EX_R, doc="concatenate along the first axis: r_[x, 0:n, y]")
_op("c_", "joining", R.output_numel_cost(concat_index_shape), concat_index_shape,
    (p_static("items"), p_static("axis", -1), p_static("ndmin", 2), p_static("trans1d", 0)),
    "numel(output), like concatenate", _EX_C, doc="stack 1-d items as columns: c_[x, y]")
_EX_GRID = Example((), (("slices", ((0, "m", 1), (0, "n", 1))),), (("m", 64), ("n", 64)))
_op("mgrid", "creation", grid_cost, grid_shape,
    (p_static("slices"), p_static("single", False), p_static("sparse", False)),
    "numel of the arrays built, like meshgrid: d * n_1 * ... * n_d", _EX_GRID,
    doc="a dense grid: mgrid[0:m, 0:n] has shape (2, m, n)")
_op("ogrid", "creation", grid_cost, grid_shape,
    (p_static("slices"), p_static("single", False), p_static("sparse", True)),
    "numel of the arrays built, like meshgrid(sparse=True): n_1 + ... + n_d", _EX_GRID,
    doc="an open grid: ogrid[0:m, 0:n] gives shapes (m, 1) and (1, n)")

# Names whose runtime form is an object subscripted like an array, not a function.
INDEX_EXPRESSIONS = frozenset({"s_", "index_exp", "r_", "c_", "mgrid", "ogrid"})
# Names whose runtime form is a context manager or a plain function of no array.
NON_ARRAY_FUNCTIONS = frozenset({"load", "save", "savez", "savez_compressed", "errstate", "seterr", "geterr"})
