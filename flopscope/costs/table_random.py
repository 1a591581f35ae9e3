"""Cost table: the random family (COST_MODEL v1). Registers into ``table.OPS``.

Every sampler is registered three times with the same rules: as the legacy
module function (``random.normal``), as a method of the metered Generator
(``random.Generator.normal``) and of the metered RandomState
(``random.RandomState.normal``).

* samplers cost numel(output): the output shape is ``size`` when given (plus the
  trailing event axis of dirichlet, multinomial, multivariate_normal,
  multivariate_hypergeometric), else the broadcast of the array parameters
  (``rand``/``randn``: their positional dims; ``out=``: its shape);
* permutation and shuffle cost n, the length of the permuted axis (the first by
  default; ``permutation(n)`` costs n); ``Generator.permuted`` shuffles every
  slice on its own and costs numel(x);
* choice costs numel(output) with replacement, n * clog2(n) without (n the
  population size);
* ``bytes(length)`` costs length;
* default_rng and the Generator / RandomState constructors are free.

Arguments that may be either a number or an array (choice's ``a``,
permutation's and shuffle's ``x``, ``out=``) are static: the rules read an
int, or the ``.shape`` of an array (the analyzer hands them an object with a
symbolic ``.shape``).
"""

from __future__ import annotations

from flopscope.costs import dims
from flopscope.costs.dims import numel
from flopscope.costs.registry import STATIC, Example, Param, ShapeError, kwonly, p_array, p_pass, p_static
from flopscope.costs.shapes import as_shape, broadcast, normalize_axis
from flopscope.costs.table import OPS, _op  # noqa: F401

# --------------------------------------------------------------------------- rules


def _shape_of(x) -> tuple:
    """The shape of a static array-or-sequence argument."""
    if hasattr(x, "shape"):
        return tuple(x.shape)
    if isinstance(x, (list, tuple)):
        import numpy

        return numpy.shape(x)
    return ()


def _same_shape(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(dims.same(x, y) for x, y in zip(a, b))


def _size_shape(size, shapes) -> tuple:
    """The batch shape of a draw: ``size`` (which the parameters must broadcast to),
    else the broadcast of the parameters' shapes."""
    if size is None:
        return broadcast(*shapes) if shapes else ()
    out = as_shape(size)
    if shapes:
        full = broadcast(out, *shapes)
        if not _same_shape(full, out):
            raise ShapeError("shape mismatch: objects cannot be broadcast to a single shape")
    return out


def sampler_shape(shapes, *, size=None, out=None, **_):
    if out is not None:
        oshape = _shape_of(out)
        if size is not None and not _same_shape(as_shape(size), oshape):
            raise ShapeError("size must match out.shape when used together")
        if shapes:
            _size_shape(oshape, shapes)
        return oshape
    return _size_shape(size, shapes)


def sampler_cost(shapes, **static):
    return numel(sampler_shape(shapes, **static))


def dims_shape(shapes, **static):
    """rand(d0, d1, ...) / randn(...): the positional dims."""
    out = []
    for i in range(_MAX_DIMS):
        d = static.get(f"d{i}")
        if d is None:
            break
        out.append(d)
    return as_shape(tuple(out)) if out else ()


def dims_cost(shapes, **static):
    return numel(dims_shape(shapes, **static))


def event_shape(shapes, *, size=None, **_):
    """dirichlet(alpha), multivariate_normal(mean, cov), multivariate_hypergeometric(colors):
    size + (k,), k the length of the first parameter."""
    first = tuple(shapes[0])
    if len(first) != 1:
        raise ShapeError("the parameter must be 1-dimensional")
    base = () if size is None else as_shape(size)
    return base + (first[0],)


def event_cost(shapes, **static):
    return numel(event_shape(shapes, **static))


def multinomial_shape(shapes, *, size=None, **_):
    n, pvals = tuple(shapes[0]), tuple(shapes[1])
    if len(pvals) < 1:
        raise ShapeError("pvals must have at least 1 dimension")
    k = pvals[-1]
    if size is not None:
        return as_shape(size) + (k,)
    return broadcast(n, pvals[:-1]) + (k,)


def multinomial_cost(shapes, **static):
    return numel(multinomial_shape(shapes, **static))


def _population(a, axis=0):
    """(population size, population shape or None) of choice's ``a``."""
    if hasattr(a, "shape") or isinstance(a, (list, tuple)):
        s = _shape_of(a)
        if len(s) == 0:
            if hasattr(a, "item") and not hasattr(a, "free_symbols"):
                return dims.as_dim(a.item()), None  # a 0-d array acts as its integer
            raise ShapeError("a must be a positive integer unless no samples are taken")
        return s[normalize_axis(axis, len(s))], s
    return dims.as_dim(a), None


def choice_shape(shapes, *, a, size=None, replace=True, axis=0, **_):
    n, pshape = _population(a, axis)
    base = () if size is None else as_shape(size)
    if pshape is None or len(pshape) == 1:
        return base
    ax = normalize_axis(axis, len(pshape))
    return tuple(pshape[:ax]) + base + tuple(pshape[ax + 1:])


def choice_cost(shapes, *, a, size=None, replace=True, axis=0, **static):
    if replace:
        return numel(choice_shape(shapes, a=a, size=size, replace=replace, axis=axis))
    n, _ = _population(a, axis)
    return n * dims.clog2(n)


def permutation_shape(shapes, *, x, axis=0, **_):
    if hasattr(x, "shape") or isinstance(x, (list, tuple)):
        s = _shape_of(x)
        if len(s) == 0:
            raise ShapeError("x must be an integer or at least 1-dimensional")
        normalize_axis(axis, len(s))
        return s
    n = dims.as_dim(x)
    if type(n) is int and n < 0:
        n = 0  # NumPy permutes arange(n): empty for a negative n
    return (n,)


def permutation_cost(shapes, *, x, axis=0, **_):
    s = permutation_shape(shapes, x=x, axis=axis)
    return s[normalize_axis(axis, len(s))]


def shuffle_shape(shapes, *, axis=0, **_):
    s = tuple(shapes[0])
    if len(s) == 0:
        raise ShapeError("x must be an array or a mutable sequence of at least one dimension")
    normalize_axis(axis, len(s))
    return s


def shuffle_cost(shapes, *, axis=0, **_):
    s = shuffle_shape(shapes, axis=axis)
    return s[normalize_axis(axis, len(s))]


def permuted_shape(shapes, *, axis=None, out=None, **_):
    s = tuple(shapes[0])
    if axis is not None:
        normalize_axis(axis, len(s))
    if out is not None and not _same_shape(_shape_of(out), s):
        raise ShapeError("out must have the same shape as x")
    return s


def permuted_cost(shapes, **static):
    return numel(permuted_shape(shapes, **static))


def bytes_shape(shapes, *, length, **_):
    return as_shape(length)


def bytes_cost(shapes, *, length, **_):
    return numel(as_shape(length))


def constructor_shape(shapes, **_):
    return ()


def free_cost(shapes, **_):
    return 0


# --------------------------------------------------------------------------- registration

_MAX_DIMS = 64  # NumPy's maximum number of dimensions
_SIZE = p_static("size", None)
_M_N = (("m", 256), ("n", 256))
_EX_SIZE = Example((), (("size", ("m", "n")),), _M_N)

# name -> (parameters: (name, required)) for the samplers NumPy has on the legacy
# module, on RandomState and on Generator alike.
_COMMON = {
    "beta": (("a", True), ("b", True)),
    "binomial": (("n", True), ("p", True)),
    "chisquare": (("df", True),),
    "exponential": (("scale", False),),
    "f": (("dfnum", True), ("dfden", True)),
    "gamma": (("shape", True), ("scale", False)),
    "geometric": (("p", True),),
    "gumbel": (("loc", False), ("scale", False)),
    "hypergeometric": (("ngood", True), ("nbad", True), ("nsample", True)),
    "laplace": (("loc", False), ("scale", False)),
    "logistic": (("loc", False), ("scale", False)),
    "lognormal": (("mean", False), ("sigma", False)),
    "logseries": (("p", True),),
    "negative_binomial": (("n", True), ("p", True)),
    "noncentral_chisquare": (("df", True), ("nonc", True)),
    "noncentral_f": (("dfnum", True), ("dfden", True), ("nonc", True)),
    "normal": (("loc", False), ("scale", False)),
    "pareto": (("a", True),),
    "poisson": (("lam", False),),
    "power": (("a", True),),
    "rayleigh": (("scale", False),),
    "standard_cauchy": (),
    "standard_t": (("df", True),),
    "triangular": (("left", True), ("mode", True), ("right", True)),
    "uniform": (("low", False), ("high", False)),
    "vonmises": (("mu", True), ("kappa", True)),
    "wald": (("mean", True), ("scale", True)),
    "weibull": (("a", True),),
    "zipf": (("a", True),),
}

# Example shapes for a sampler: every parameter a scalar, size (m, n).
_SAMPLER = "numel(output)"


def _arrays(spec) -> tuple:
    return tuple(p_array(name) if required else p_array(name, None) for name, required in spec)


def _example_params(params) -> Example:
    shapes = tuple(() for p in params if p.kind == "array" and p.required)
    return Example(shapes, (("size", ("m", "n")),), _M_N)


def _sampler(name, params, example=None):
    _op(name, "random", sampler_cost, sampler_shape, params, _SAMPLER, example or _example_params(params))


_LEGACY = ("random", "random.RandomState")  # module functions and RandomState methods
_GEN = "random.Generator"
_ALL = _LEGACY + (_GEN,)


for _name, _spec in _COMMON.items():
    for _owner in _ALL:
        _sampler(f"{_owner}.{_name}", _arrays(_spec) + (_SIZE,))

# Generator variants with dtype= and out=.
_OUT = p_static("out", None)
for _owner in _LEGACY:
    for _name in ("standard_normal", "standard_exponential", "random", "random_sample"):
        _sampler(f"{_owner}.{_name}", (_SIZE,), _EX_SIZE)
    _sampler(f"{_owner}.standard_gamma", (p_array("shape"), _SIZE))
    _sampler(f"{_owner}.tomaxint" if _owner != "random" else "random.ranf", (_SIZE,), _EX_SIZE)
    for _name in ("randint", "random_integers"):
        _params = (p_array("low"), p_array("high", None), _SIZE) + ((p_pass("dtype"),) if _name == "randint" else ())
        _sampler(f"{_owner}.{_name}", _params, Example(((),), (("size", ("m", "n")),), _M_N))
_sampler("random.sample", (_SIZE,), _EX_SIZE)
_sampler(f"{_GEN}.standard_normal", (_SIZE, p_pass("dtype"), _OUT), _EX_SIZE)
_sampler(f"{_GEN}.random", (_SIZE, p_pass("dtype"), _OUT), _EX_SIZE)
_sampler(f"{_GEN}.standard_exponential", (_SIZE, p_pass("dtype"), p_pass("method"), _OUT), _EX_SIZE)
_sampler(f"{_GEN}.standard_gamma", (p_array("shape"), _SIZE, p_pass("dtype"), _OUT))
_sampler(f"{_GEN}.integers", (p_array("low"), p_array("high", None), _SIZE, p_pass("dtype"), p_pass("endpoint")),
         Example(((),), (("size", ("m", "n")),), _M_N))

# rand(d0, d1, ...), randn(d0, d1, ...): up to 64 positional dims.
_DIMS = tuple(Param(f"d{i}", STATIC, None, positional=True, keyword=False) for i in range(_MAX_DIMS))
for _owner in _LEGACY:
    for _name in ("rand", "randn"):
        _op(f"{_owner}.{_name}", "random", dims_cost, dims_shape, _DIMS, _SAMPLER,
            Example((), (("d0", "m"), ("d1", "n")), _M_N))

# Samplers with a trailing event axis: size + (k,).
_EX_EVENT = Example((("k",),), (("size", ("n",)),), (("n", 256), ("k", 16)))
for _owner in _ALL:
    _op(f"{_owner}.dirichlet", "random", event_cost, event_shape, (p_array("alpha"), _SIZE),
        "numel(output) = numel(size) * k", _EX_EVENT)
    _op(f"{_owner}.multinomial", "random", multinomial_cost, multinomial_shape,
        (p_array("n"), p_array("pvals"), _SIZE), "numel(output) = numel(size) * k",
        Example(((), ("k",)), (("size", ("n",)),), (("n", 256), ("k", 16))))
    _op(f"{_owner}.multivariate_normal", "random", event_cost, event_shape,
        (p_array("mean"), p_array("cov"), _SIZE, p_pass("check_valid"), p_pass("tol"))
        + (kwonly(p_pass("method")) if _owner == _GEN else ()),
        "numel(output) = numel(size) * k", Example((("k",), ("k", "k")), (("size", ("n",)),), (("n", 256), ("k", 16))))
_op(f"{_GEN}.multivariate_hypergeometric", "random", event_cost, event_shape,
    (p_array("colors"), p_pass("nsample"), _SIZE, p_pass("method")), "numel(output) = numel(size) * k", _EX_EVENT)

# choice, permutation, shuffle, permuted, bytes.
_EX_CHOICE = Example((), (("a", "n"), ("size", ("k",)), ("replace", False)), (("n", 1000), ("k", 10)))
for _owner in _ALL:
    _gen = _owner == _GEN
    _op(f"{_owner}.choice", "random", choice_cost, choice_shape,
        (p_static("a"), _SIZE, p_static("replace", True), p_array("p", None))
        + ((p_static("axis", 0), p_pass("shuffle")) if _gen else ()),
        "with replacement numel(output); without n * clog2(n), n the population size", _EX_CHOICE)
    _op(f"{_owner}.permutation", "random", permutation_cost, permutation_shape,
        (p_static("x"),) + ((p_static("axis", 0),) if _gen else ()),
        "n, the length of the permuted axis (permutation(n) costs n)", Example((), (("x", "n"),), (("n", 256),)))
    _op(f"{_owner}.shuffle", "random", shuffle_cost, shuffle_shape,
        (p_array("x"),) + ((p_static("axis", 0),) if _gen else ()),
        "n, the length of the shuffled axis", Example((("n",),), (), (("n", 256),)))
    _op(f"{_owner}.bytes", "random", bytes_cost, bytes_shape, (p_static("length"),),
        "length", Example((), (("length", "n"),), (("n", 256),)))
_op(f"{_GEN}.permuted", "random", permuted_cost, permuted_shape,
    (p_array("x"),) + kwonly(p_static("axis", None), _OUT),
    "numel(x): every slice along the axis is shuffled on its own", Example((("m", "n"),), (("axis", 1),), _M_N))

# Free: seeding and constructing generators.
_EX_FREE = Example((), (), ())
_op("random.default_rng", "free", free_cost, constructor_shape, (p_pass("seed"),), "0 (free)", _EX_FREE)
_op("random.Generator", "free", free_cost, constructor_shape, (p_pass("bit_generator"),), "0 (free)", _EX_FREE)
_op("random.RandomState", "free", free_cost, constructor_shape, (p_pass("seed"),), "0 (free)", _EX_FREE)
# A SeedSequence hashes its entropy into seeds; it draws no floats (generate_state is free too).
_op("random.SeedSequence", "free", free_cost, constructor_shape,
    (p_pass("entropy"),) + kwonly(p_pass("spawn_key"), p_pass("pool_size"), p_pass("n_children_spawned")),
    "0 (free): it hashes seeds, and generate_state is free too", _EX_FREE)
