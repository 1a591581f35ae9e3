"""Cost table: the fft family (COST_MODEL v1). Registers into ``table.OPS``.

Every ``numpy.fft`` callable is here, under ``"fft.<name>"``. A 1-D transform of
length n costs 5 * n * clog2(n) (complex) or 5 * (n // 2) * clog2(n) (real
input or output, n the real length), once per transformed line: the product of
the lengths of the other axes (the batch) multiplies it. The n-dimensional
transforms cost 5 * N * sum(clog2(d_i)) (complex) or 5 * (N // 2) * sum(clog2(d_i))
(real), N the product of the transformed lengths d_i, times the batch of the
untransformed axes. fftfreq, rfftfreq, fftshift and ifftshift are free.
"""

from __future__ import annotations

import operator

from flopscope.costs import dims
from flopscope.costs import rules as R
from flopscope.costs.dims import numel
from flopscope.costs.registry import Example, ShapeError, p_array, p_pass, p_static
from flopscope.costs.shapes import normalize_axis
from flopscope.costs.table import OPS, _op  # noqa: F401


def _length(n, what: str = "FFT data points"):
    """A transform length: an int >= 1 (or a SymPy size)."""
    if not hasattr(n, "free_symbols"):
        if isinstance(n, bool):
            raise ShapeError(f"Invalid number of {what} ({n}) specified.")
        try:
            n = operator.index(n)
        except TypeError:
            raise ShapeError(f"Invalid number of {what} ({n!r}) specified.") from None
    if dims.less(n, 1):
        raise ShapeError(f"Invalid number of {what} ({n}) specified.")
    return n


# 1-D transforms. kind: "c2c" (fft, ifft): n in, n out; "r2c" (rfft, ihfft): n real in,
# n // 2 + 1 out; "c2r" (irfft, hfft): m in, n real out, n defaulting to 2 * (m - 1).


def _one_d(shape, n, axis, kind):
    """(output shape, transform length n, batch) of a 1-D transform along ``axis``."""
    shape = tuple(shape)
    ax = normalize_axis(axis, len(shape))
    m = shape[ax]
    if n is None:
        n = 2 * (m - 1) if kind == "c2r" else m
    n = _length(n)
    out = dims.floordiv(n, 2) + 1 if kind == "r2c" else n
    batch = numel(shape[:ax] + shape[ax + 1:])
    return shape[:ax] + (out,) + shape[ax + 1:], n, batch


def _c2c_cost(n):
    return 5 * n * dims.clog2(n)


def _real_cost(n):
    return 5 * dims.floordiv(n, 2) * dims.clog2(n)


def _rule_1d(kind, per):
    def shape(shapes, *, n=None, axis=-1, **_):
        return _one_d(shapes[0], n, axis, kind)[0]

    def cost(shapes, *, n=None, axis=-1, **_):
        _, length, batch = _one_d(shapes[0], n, axis, kind)
        return batch * per(length)

    shape.__name__ = f"fft_{kind}_shape"
    cost.__name__ = f"fft_{kind}_cost"
    return shape, cost


# n-dimensional transforms: NumPy's _cook_nd_args, then 1-D passes in NumPy's order.


def _cook(shape, s, axes, invreal: bool):
    nd = len(shape)
    shapeless = s is None
    if s is None:
        s = [shape[normalize_axis(a, nd)] for a in axes] if axes is not None else list(shape)
    s = list(s)
    if axes is None:
        axes = list(range(-len(s), 0))
    axes = [normalize_axis(a, nd) for a in axes]
    if len(s) != len(axes):
        raise ShapeError("Shape and axes have different lengths.")
    if invreal and shapeless:
        s[-1] = (shape[axes[-1]] - 1) * 2
    s = [shape[a] if (type(d) is int and d == -1) else d for d, a in zip(s, axes)]
    return s, axes


def _nd(shape, s, axes, kind):
    """(output shape, transformed lengths d_i, batch) of an n-dimensional transform.

    kind: "c2c" (fftn), "r2c" (rfftn: rfft on the last axis, then fft), "c2r"
    (irfftn: ifft, then irfft on the last axis). d_i are the complex lengths for
    c2c and the real lengths otherwise; the batch is the product of the lengths
    of the axes that are not transformed.
    """
    shape = tuple(shape)
    s, axes = _cook(shape, s, axes, kind == "c2r")
    if not axes:
        if kind != "c2c":
            raise ShapeError("list index out of range")
        return shape, [], numel(shape)
    cur = list(shape)
    lengths = [None] * len(axes)

    def apply(i, k):
        out, n, _ = _one_d(tuple(cur), s[i], axes[i], k)
        cur[:] = list(out)
        lengths[i] = n

    if kind == "c2c":
        for i in reversed(range(len(axes))):
            apply(i, "c2c")
    elif kind == "r2c":
        apply(len(axes) - 1, "r2c")
        for i in reversed(range(len(axes) - 1)):
            apply(i, "c2c")
    else:
        for i in range(len(axes) - 1):
            apply(i, "c2c")
        apply(len(axes) - 1, "c2r")
    batch = numel(tuple(d for i, d in enumerate(shape) if i not in set(axes)))
    return tuple(cur), lengths, batch


def _rule_nd(kind, default_axes):
    def shape(shapes, *, s=None, axes=default_axes, **_):
        return _nd(shapes[0], s, axes, kind)[0]

    def cost(shapes, *, s=None, axes=default_axes, **_):
        _, lengths, batch = _nd(shapes[0], s, axes, kind)
        if not lengths:
            return 0
        big_n = numel(lengths)
        logs = R.sum_dims(dims.clog2(d) for d in lengths)
        half = big_n if kind == "c2c" else dims.floordiv(big_n, 2)
        return 5 * half * logs * batch

    shape.__name__ = f"fftn_{kind}_shape"
    cost.__name__ = f"fftn_{kind}_cost"
    return shape, cost


# Free helpers.


def fftfreq_shape(shapes, *, n, **_):
    return (dims.as_dim(n),)


def rfftfreq_shape(shapes, *, n, **_):
    return (dims.floordiv(dims.as_dim(n), 2) + 1,)


# --------------------------------------------------------------------------- registration

_F = "fft"
_ONE_D = (p_array("a"), p_static("n", None), p_static("axis", -1), p_pass("norm"), p_pass("out"))
_BATCH_1D = ("; the batch (the product of the other axes' lengths) multiplies it")

for _name, _kind, _per, _text in (
    ("fft", "c2c", _c2c_cost, "5 * n * clog2(n) per transform, n = the n argument if given, else the axis length"),
    ("ifft", "c2c", _c2c_cost, "5 * n * clog2(n) per transform, n = the n argument if given, else the axis length"),
    ("hfft", "c2r", _c2c_cost,
     "5 * n * clog2(n) per transform, n = the real output length: the n argument if given, else 2 * (m - 1) "
     "for an input axis of length m"),
    ("rfft", "r2c", _real_cost,
     "5 * (n // 2) * clog2(n) per transform, n = the real input length: the n argument if given, else the axis length"),
    ("ihfft", "r2c", _real_cost,
     "5 * (n // 2) * clog2(n) per transform, n = the real input length: the n argument if given, else the axis length"),
    ("irfft", "c2r", _real_cost,
     "5 * (n // 2) * clog2(n) per transform, n = the real output length: the n argument if given, else 2 * (m - 1) "
     "for an input axis of length m"),
):
    _shape, _cost = _rule_1d(_kind, _per)
    _ex = Example((("b", "m"),), values=(("b", 8), ("m", 64)))
    _op(f"fft.{_name}", _F, _cost, _shape, _ONE_D, _text + _BATCH_1D, _ex)

_ND_TEXT = {
    "c2c": "5 * N * sum(clog2(d_i)), d_i = the transformed lengths (s[i] if given, else the axis length), "
           "N = the product of the d_i; times the batch (the product of the untransformed axes' lengths)",
    "r2c": "5 * (N // 2) * sum(clog2(d_i)), d_i = the real input lengths (s[i] if given, else the axis length), "
           "N = the product of the d_i; times the batch (the product of the untransformed axes' lengths)",
    "c2r": "5 * (N // 2) * sum(clog2(d_i)), d_i = the real output lengths (s[i] if given; else the axis length, "
           "and 2 * (m - 1) on the last axis of input length m), N = the product of the d_i; times the batch "
           "(the product of the untransformed axes' lengths)",
}
for _name, _kind, _axes in (
    ("fftn", "c2c", None), ("ifftn", "c2c", None), ("fft2", "c2c", (-2, -1)), ("ifft2", "c2c", (-2, -1)),
    ("rfftn", "r2c", None), ("rfft2", "r2c", (-2, -1)), ("irfftn", "c2r", None), ("irfft2", "c2r", (-2, -1)),
):
    _shape, _cost = _rule_nd(_kind, _axes)
    _params = (p_array("a"), p_static("s", None), p_static("axes", _axes), p_pass("norm"), p_pass("out"))
    _ex = Example((("b", "m", "n"),), (("axes", (1, 2)),), (("b", 4), ("m", 64), ("n", 32)))
    _op(f"fft.{_name}", _F, _cost, _shape, _params, _ND_TEXT[_kind], _ex)

_EX_FREQ = Example((), (("n", "n"),), (("n", 256),))
_op("fft.fftfreq", "free", R.free_cost, fftfreq_shape,
    (p_static("n"), p_pass("d", 1.0)) + (p_pass("device", None, positional=False),), "0 (free)", _EX_FREQ)
_op("fft.rfftfreq", "free", R.free_cost, rfftfreq_shape,
    (p_static("n"), p_pass("d", 1.0)) + (p_pass("device", None, positional=False),), "0 (free)", _EX_FREQ)
for _name in ("fftshift", "ifftshift"):
    _op(f"fft.{_name}", "free", R.free_cost, R.same_shape, (p_array("x"), p_pass("axes")), "0 (free)",
        Example((("m", "n"),), values=(("m", 256), ("n", 256))))
