"""THE cost table: every op flopscope meters, registered once.

Ops are registered in loops over name lists, family by family; each family
shares a signature, a cost rule and a shape rule from :mod:`rules`. Adding an op
is adding its name to a list (or one ``_op(...)`` call): it then shows up in
``flopscope.numpy``, in the analyzer and in the generated cost reference.
"""

from __future__ import annotations

from flopscope.costs import einsum as _einsum
from flopscope.costs import rules as R
from flopscope.costs.registry import (
    ARRAY,
    ARRAYS,
    OUTS,
    Example,
    OpSpec,
    Param,
    Registry,
    kwonly,
    p_array,
    p_arrays,
    p_nested,
    p_pass,
    p_static,
    p_varargs,
)

OPS = Registry()

# Ufuncs by arity; aliases are registered under their own names with the same rules.
UNARY_UFUNCS = (
    "abs absolute acos acosh arccos arccosh arcsin arcsinh arctan arctanh asin asinh atan atanh "
    "bitwise_count bitwise_invert bitwise_not cbrt ceil conj conjugate cos cosh deg2rad degrees "
    "exp exp2 expm1 fabs floor invert isfinite isinf isnan log log10 log1p log2 logical_not "
    "negative positive rad2deg radians reciprocal rint sign signbit sin sinh spacing sqrt square "
    "tan tanh trunc"
).split()
UNARY_UFUNCS_2OUT = ("frexp", "modf")
BINARY_UFUNCS = (
    "add arctan2 atan2 bitwise_and bitwise_left_shift bitwise_or bitwise_right_shift bitwise_xor "
    "copysign divide equal float_power floor_divide fmax fmin fmod gcd greater greater_equal "
    "heaviside hypot lcm ldexp left_shift less less_equal logaddexp logaddexp2 logical_and "
    "logical_or logical_xor maximum minimum mod multiply nextafter not_equal pow power remainder "
    "right_shift subtract true_divide"
).split()
BINARY_UFUNCS_2OUT = ("divmod",)

_UFUNC_TAIL = (Param("out", OUTS, None, positional=True),) + kwonly(
    p_array("where", None),
    p_pass("casting"),
    p_pass("order"),
    p_pass("dtype"),
    p_pass("subok"),
    p_pass("signature"),
)

_EX_UNARY = Example((("m", "n"),), values=(("m", 256), ("n", 256)))
_EX_BINARY = Example((("m", "n"), ("n",)), values=(("m", 256), ("n", 256)))
_EX_REDUCE = Example((("m", "n"),), (("axis", 0),), (("m", 256), ("n", 256)))


def _op(name, category, cost, shape, params, formula, example=None, doc=""):
    return OPS.register(OpSpec(name, category, cost, shape, tuple(params), formula, example, doc))


for _name in UNARY_UFUNCS:
    _op(_name, "unary", R.pointwise_cost, R.pointwise_shape,
        (p_array("x", keyword=False),) + _UFUNC_TAIL, "numel(output)", _EX_UNARY)
for _name in UNARY_UFUNCS_2OUT:
    _op(_name, "unary", R.pointwise_cost, R.pointwise2_shape,
        (p_array("x", keyword=False),) + _UFUNC_TAIL, "numel(output)", _EX_UNARY)
for _name in BINARY_UFUNCS:
    _op(_name, "binary", R.pointwise_cost, R.pointwise_shape,
        (p_array("x1", keyword=False), p_array("x2", keyword=False)) + _UFUNC_TAIL,
        "numel(broadcast output)", _EX_BINARY)
for _name in BINARY_UFUNCS_2OUT:
    _op(_name, "binary", R.pointwise_cost, R.pointwise2_shape,
        (p_array("x1", keyword=False), p_array("x2", keyword=False)) + _UFUNC_TAIL,
        "numel(broadcast output)", _EX_BINARY)

# Methods of every (non-generalized) ufunc: add.reduce, multiply.outer, ...
_op("ufunc.reduce", "reduction", R.reduction_cost, R.reduction_shape,
    (p_array("array"), p_static("axis", 0), p_pass("dtype"), p_pass("out"), p_static("keepdims", False),
     p_pass("initial"), p_pass("where")),
    "numel(input)", _EX_REDUCE)
_op("ufunc.accumulate", "reduction", R.reduction_cost, R.accumulate_shape,
    (p_array("array"), p_static("axis", 0), p_pass("dtype"), p_pass("out")),
    "numel(input)", _EX_REDUCE)
_op("ufunc.outer", "pointwise", R.outer_product_cost, R.outer_product_shape,
    (p_array("A", keyword=False), p_array("B", keyword=False), p_pass("out")) + kwonly(
        p_pass("where"), p_pass("casting"), p_pass("order"), p_pass("dtype"), p_pass("subok")),
    "numel(output)", Example((("m",), ("n",)), values=(("m", 256), ("n", 256))))

# Other elementwise ops.
_op("clip", "pointwise", R.pointwise_cost, R.pointwise_shape,
    (p_array("a"), p_array("a_min", None), p_array("a_max", None), p_array("out", None))
    + kwonly(p_array("min", None), p_array("max", None), p_pass("casting"), p_pass("dtype"), p_array("where", None)),
    "numel(broadcast output)", _EX_UNARY)
_op("nan_to_num", "pointwise", R.pointwise_cost, R.same_shape,
    (p_array("x"), p_pass("copy", True), p_pass("nan", 0.0), p_pass("posinf"), p_pass("neginf")),
    "numel(output)", _EX_UNARY)
for _name in ("round", "around"):
    _op(_name, "pointwise", R.pointwise_cost, R.same_shape,
        (p_array("a"), p_pass("decimals", 0), p_pass("out")), "numel(output)", _EX_UNARY)
_op("isclose", "pointwise", R.pointwise_cost, R.pointwise_shape,
    (p_array("a"), p_array("b"), p_array("rtol", None), p_array("atol", None), p_pass("equal_nan")),
    "numel(broadcast output)", _EX_BINARY)
_op("allclose", "pointwise", R.pointwise_cost, R.scalar_result_shape,
    (p_array("a"), p_array("b"), p_array("rtol", None), p_array("atol", None), p_pass("equal_nan")),
    "numel(broadcast output)", _EX_BINARY)
_op("array_equal", "pointwise", R.array_equal_cost, R.array_equal_shape,
    (p_array("a1"), p_array("a2"), p_pass("equal_nan")),
    "numel(a1) when the shapes are equal, else 0 (NumPy answers False at once)",
    Example((("m", "n"), ("m", "n")), values=(("m", 256), ("n", 256))))
_op("where", "pointwise", R.where_cost, R.where_shape,
    (p_array("condition", keyword=False), p_array("x", None, keyword=False), p_array("y", None, keyword=False)),
    "numel(condition)",
    Example((("m", "n"), ("m", "n"), ("m", "n")), values=(("m", 256), ("n", 256))))

# Reductions: numel(input), whatever the axis.
_RED = (p_array("a"), p_static("axis", None))
_SUM_LIKE = _RED + (p_pass("dtype"), p_pass("out"), p_static("keepdims", False), p_pass("initial"), p_pass("where"))
_MAX_LIKE = _RED + (p_pass("out"), p_static("keepdims", False), p_pass("initial"), p_pass("where"))
_MEAN_LIKE = _RED + (p_pass("dtype"), p_pass("out"), p_static("keepdims", False)) + kwonly(p_pass("where"))
_VAR_LIKE = _RED + (p_pass("dtype"), p_pass("out"), p_pass("ddof", 0), p_static("keepdims", False)) + kwonly(
    p_pass("where"), p_pass("mean"), p_pass("correction"))
_ARG_LIKE = _RED + (p_pass("out"),) + kwonly(p_static("keepdims", False))
_BOOL_LIKE = _RED + (p_pass("out"), p_static("keepdims", False)) + kwonly(p_pass("where"))
_CUM_LIKE = _RED + (p_pass("dtype"), p_pass("out"))
_MEDIAN_LIKE = _RED + (p_pass("out"), p_pass("overwrite_input", False), p_static("keepdims", False))
_QUANT_LIKE = (p_array("a"), p_array("q"), p_static("axis", None), p_pass("out"), p_pass("overwrite_input", False),
               p_pass("method", "linear"), p_static("keepdims", False)) + kwonly(p_pass("weights"), p_pass("interpolation"))
_NANSUM_LIKE = _RED + (p_pass("dtype"), p_pass("out"), p_static("keepdims", False), p_pass("initial"), p_pass("where"))

for _names, _params, _shape in (
    ("sum prod nansum nanprod", _SUM_LIKE, R.reduction_shape),
    ("max min amax amin nanmax nanmin", _MAX_LIKE, R.reduction_shape),
    ("mean nanmean", _MEAN_LIKE, R.reduction_shape),
    ("var std nanvar nanstd", _VAR_LIKE, R.reduction_shape),
    ("argmax argmin nanargmax nanargmin", _ARG_LIKE, R.arg_reduction_shape),
    ("any all", _BOOL_LIKE, R.reduction_shape),
    ("cumsum cumprod nancumsum nancumprod", _CUM_LIKE, R.cumulative_shape),
    ("median nanmedian", _MEDIAN_LIKE, R.reduction_shape),
    ("percentile quantile nanpercentile nanquantile", _QUANT_LIKE, R.quantile_shape),
):
    _example = _EX_REDUCE if _shape is not R.quantile_shape else Example(
        (("m", "n"), ("q",)), (("axis", 0),), (("m", 256), ("n", 256), ("q", 3)))
    for _name in _names.split():
        _op(_name, "reduction", R.reduction_cost, _shape, _params, "numel(input)", _example)
for _name in ("cumulative_sum", "cumulative_prod"):
    _op(_name, "reduction", R.reduction_cost, R.cumulative_array_api_shape,
        (p_array("x", keyword=False),) + kwonly(p_static("axis", None), p_pass("dtype"), p_pass("out"),
                                               p_static("include_initial", False)),
        "numel(input)", Example((("n",),), values=(("n", 256),)))
_op("count_nonzero", "reduction", R.reduction_cost, R.reduction_shape,
    _RED + kwonly(p_static("keepdims", False)), "numel(input)", _EX_REDUCE)

# Contractions.
_EX_MM = Example((("m", "k"), ("k", "n")), values=(("m", 256), ("k", 256), ("n", 256)))
_op("einsum", "einsum", _einsum.cost, _einsum.output_shape,
    (p_static("subscripts"), p_varargs("operands")) + kwonly(
        p_pass("out"), p_pass("dtype"), p_pass("order"), p_pass("casting"), p_pass("optimize")),
    "product of the sizes of all distinct indices (one or two operands); "
    "three or more: the cheapest pairwise order, each step the product of the sizes of the indices it touches",
    Example((("i", "j"), ("j",)), (("subscripts", "ij,j->i"),), (("i", 256), ("j", 256))))
_op("matmul", "contraction", R.matmul_cost, R.matmul_shape,
    (p_array("x1", keyword=False), p_array("x2", keyword=False)) + _UFUNC_TAIL[:1] + kwonly(
        p_pass("casting"), p_pass("order"), p_pass("dtype"), p_pass("subok"), p_pass("signature"), p_pass("axes"), p_pass("axis")),
    "batch * m * k * n", _EX_MM)
_op("dot", "contraction", R.dot_cost, R.dot_shape,
    (p_array("a"), p_array("b"), p_pass("out")), "numel(a) * numel(b) / k (the einsum equivalent)", _EX_MM)
_op("tensordot", "contraction", R.tensordot_cost, R.tensordot_shape,
    (p_array("a"), p_array("b"), p_static("axes", 2)), "numel(a) * numel(free dims of b)",
    Example((("i", "j", "k"), ("j", "k", "l")), (("axes", 2),), (("i", 64), ("j", 64), ("k", 64), ("l", 64))))
_op("inner", "contraction", R.inner_cost, R.inner_shape,
    (p_array("a", keyword=False), p_array("b", keyword=False)), "numel(a) * numel(b) / k",
    Example((("n",), ("n",)), values=(("n", 256),)))
_op("vdot", "contraction", R.vdot_cost, R.vdot_shape,
    (p_array("a", keyword=False), p_array("b", keyword=False)), "n",
    Example((("n",), ("n",)), values=(("n", 256),)))
_op("outer", "contraction", R.outer_cost, R.outer_shape,
    (p_array("a"), p_array("b"), p_pass("out")), "m * n",
    Example((("m",), ("n",)), values=(("m", 256), ("n", 256))))
_op("trace", "contraction", R.trace_cost, R.trace_shape,
    (p_array("a"), p_static("offset", 0), p_static("axis1", 0), p_static("axis2", 1), p_pass("dtype"), p_pass("out")),
    "min(m, n) per matrix (the diagonal's length)", Example((("m", "n"),), values=(("m", 256), ("n", 256))))
_op("kron", "contraction", R.kron_cost, R.kron_shape,
    (p_array("a"), p_array("b")), "numel(output)",
    Example((("m", "n"), ("p", "q")), values=(("m", 16), ("n", 16), ("p", 16), ("q", 16))))
_op("vecdot", "contraction", R.vecdot_cost, R.vecdot_shape,
    (p_array("x1", keyword=False), p_array("x2", keyword=False)) + _UFUNC_TAIL[:1] + kwonly(
        p_static("axis", -1), p_pass("casting"), p_pass("order"), p_pass("dtype"), p_pass("subok"), p_pass("signature"), p_pass("axes")),
    "numel(broadcast of the operands)", Example((("m", "n"), ("m", "n")), values=(("m", 256), ("n", 256))))
_op("matvec", "contraction", R.matvec_cost, R.matvec_shape,
    (p_array("x1", keyword=False), p_array("x2", keyword=False)) + _UFUNC_TAIL[:1] + kwonly(
        p_pass("casting"), p_pass("order"), p_pass("dtype"), p_pass("subok"), p_pass("signature"), p_pass("axes"), p_pass("axis")),
    "batch * m * n", Example((("m", "n"), ("n",)), values=(("m", 256), ("n", 256))))
_op("vecmat", "contraction", R.vecmat_cost, R.vecmat_shape,
    (p_array("x1", keyword=False), p_array("x2", keyword=False)) + _UFUNC_TAIL[:1] + kwonly(
        p_pass("casting"), p_pass("order"), p_pass("dtype"), p_pass("subok"), p_pass("signature"), p_pass("axes"), p_pass("axis")),
    "batch * m * n", Example((("m",), ("m", "n")), values=(("m", 256), ("n", 256))))

# Counted creation: numel(output).
_EX_CREATE = Example((), (("shape", ("m", "n")),), (("m", 256), ("n", 256)))
_op("array", "creation", R.output_numel_cost(R.array_shape), R.array_shape,
    (p_array("object"), p_pass("dtype")) + kwonly(p_pass("copy", True), p_pass("order"), p_pass("subok"),
                                                   p_static("ndmin", 0), p_pass("like")),
    "numel(output)", _EX_UNARY)
_op("asarray", "creation", R.output_numel_cost(R.same_shape), R.same_shape,
    (p_array("a"), p_pass("dtype"), p_pass("order")) + kwonly(p_pass("device"), p_pass("copy"), p_pass("like")),
    "numel(output)", _EX_UNARY)
_op("full", "creation", R.output_numel_cost(R.shape_arg_shape), R.shape_arg_shape,
    (p_static("shape"), p_pass("fill_value"), p_pass("dtype"), p_pass("order")) + kwonly(p_pass("device"), p_pass("like")),
    "numel(output)", _EX_CREATE)
_op("full_like", "creation", R.output_numel_cost(R.like_shape), R.like_shape,
    (p_array("a"), p_pass("fill_value"), p_pass("dtype"), p_pass("order"), p_pass("subok"), p_static("shape", None))
    + kwonly(p_pass("device")),
    "numel(output)", _EX_UNARY)
_op("arange", "creation", R.output_numel_cost(R.arange_shape), R.arange_shape,
    (p_static("start", None), p_static("stop", None), p_static("step", None), p_pass("dtype")) + kwonly(p_pass("device"), p_pass("like")),
    "numel(output) = ceil((stop - start) / step)", Example((), (("start", "n"),), (("n", 256),)))
_op("linspace", "creation", R.output_numel_cost(R.linspace_shape), R.linspace_shape,
    (p_array("start"), p_array("stop"), p_static("num", 50), p_pass("endpoint", True), p_pass("retstep", False),
     p_pass("dtype"), p_static("axis", 0)) + kwonly(p_pass("device")),
    "numel(output) = num", Example(((), ()), (("num", "n"),), (("n", 256),)))
_op("logspace", "creation", R.output_numel_cost(R.linspace_shape), R.linspace_shape,
    (p_array("start"), p_array("stop"), p_static("num", 50), p_pass("endpoint", True), p_array("base", None),
     p_pass("dtype"), p_static("axis", 0)),
    "numel(output) = num", Example(((), ()), (("num", "n"),), (("n", 256),)))

# Joining: numel(output).
_SEQ_TAIL = kwonly(p_pass("dtype"), p_pass("casting"))
_EX_JOIN = Example((("m", "n"), ("m", "n")), values=(("m", 256), ("n", 256)))
_op("concatenate", "joining", R.output_numel_cost(R.concatenate_shape), R.concatenate_shape,
    (p_arrays("arrays"), p_static("axis", 0), p_pass("out")) + _SEQ_TAIL, "numel(output)", _EX_JOIN)
_op("stack", "joining", R.output_numel_cost(R.stack_shape), R.stack_shape,
    (p_arrays("arrays"), p_static("axis", 0), p_pass("out")) + _SEQ_TAIL, "numel(output)", _EX_JOIN)
for _name, _shape in (("vstack", R.vstack_shape), ("hstack", R.hstack_shape)):
    _op(_name, "joining", R.output_numel_cost(_shape), _shape, (p_arrays("tup"),) + _SEQ_TAIL, "numel(output)", _EX_JOIN)
for _name, _shape in (("dstack", R.dstack_shape), ("column_stack", R.column_stack_shape)):
    _op(_name, "joining", R.output_numel_cost(_shape), _shape, (p_arrays("tup"),), "numel(output)", _EX_JOIN)
_op("append", "joining", R.output_numel_cost(R.append_shape), R.append_shape,
    (p_array("arr"), p_array("values"), p_static("axis", None)), "numel(output)", _EX_JOIN)
_op("block", "joining", R.output_numel_cost(R.block_shape), R.block_shape,
    (p_nested("arrays"),), "numel(output)",
    Example((("m", "n"), ("m", "n")), (("structure", [0, 1]),), (("m", 256), ("n", 256))))

# Free ops (cost 0): creation of constant arrays, views, copies, shape queries.
_FREE = "0 (free)"
_EX_FREE = Example((("m", "n"),), values=(("m", 256), ("n", 256)))


def _free(name, shape, params, example=_EX_FREE):
    return _op(name, "free", R.free_cost, shape, params, _FREE, example)


for _name in ("zeros", "ones", "empty"):
    _free(_name, R.shape_arg_shape, (p_static("shape"), p_pass("dtype"), p_pass("order"))
          + kwonly(p_pass("device"), p_pass("like")), _EX_CREATE)
for _name in ("zeros_like", "ones_like", "empty_like"):
    _free(_name, R.like_shape, (p_array("a"), p_pass("dtype"), p_pass("order"), p_pass("subok"), p_static("shape", None))
          + kwonly(p_pass("device")))
_free("eye", R.eye_shape, (p_static("N"), p_static("M", None), p_pass("k", 0), p_pass("dtype"), p_pass("order"))
      + kwonly(p_pass("device"), p_pass("like")), Example((), (("N", "n"),), (("n", 256),)))
_free("identity", R.identity_shape, (p_static("n"), p_pass("dtype")) + kwonly(p_pass("like")),
      Example((), (("n", "n"),), (("n", 256),)))
_free("reshape", R.reshape_shape, (p_array("a", keyword=False), p_static("shape", None), p_pass("order"))
      + kwonly(p_static("newshape", None), p_pass("copy")))
_free("ravel", R.ravel_shape, (p_array("a"), p_pass("order")))
_free("transpose", R.transpose_shape, (p_array("a"), p_static("axes", None)))
_free("permute_dims", R.transpose_shape, (p_array("a"), p_static("axes", None)))
_free("matrix_transpose", R.matrix_transpose_shape, (p_array("x", keyword=False),))
_free("swapaxes", R.swapaxes_shape, (p_array("a"), p_static("axis1"), p_static("axis2")))
_free("moveaxis", R.moveaxis_shape, (p_array("a"), p_static("source"), p_static("destination")))
_free("squeeze", R.squeeze_shape, (p_array("a"), p_static("axis", None)))
_free("expand_dims", R.expand_dims_shape, (p_array("a"), p_static("axis")))
_free("broadcast_to", R.broadcast_to_shape, (p_array("array"), p_static("shape"), p_pass("subok")))
_free("broadcast_arrays", R.broadcast_arrays_shape, (p_varargs("args"),) + kwonly(p_pass("subok")))
_free("copy", R.same_shape, (p_array("a"), p_pass("order"), p_pass("subok")))
_free("astype", R.same_shape, (p_array("x", keyword=False), p_pass("dtype")) + kwonly(p_pass("copy"), p_pass("device")))
_free("atleast_1d", R.atleast_shape(R.atleast_1d), (p_varargs("arys"),))
_free("atleast_2d", R.atleast_shape(R.atleast_2d), (p_varargs("arys"),))
_free("atleast_3d", R.atleast_shape(R.atleast_3d), (p_varargs("arys"),))
for _name in ("shape", "ndim", "size"):
    _free(_name, R.query_shape, (p_array("a"), p_pass("axis")) if _name == "size" else (p_array("a"),))


# The other families register themselves into OPS: linear algebra, FFT, random
# sampling, sorting / searching / sets, the remaining NumPy functions, files and
# index expressions, and flopscope.stats's distributions.
from flopscope.costs import table_fft, table_io, table_linalg, table_misc, table_random, table_shape, table_stats  # noqa: E402,F401

from flopscope.costs.inventory import BLOCKED, FREE_NAMES  # noqa: E402,F401
