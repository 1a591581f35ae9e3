"""Cost table: ``flopscope.stats``, continuous distributions (COST_MODEL v1.1).

Registers into ``table.OPS`` one entry per (distribution, method), named
``stats.<dist>.<method>``:

* ``pdf logpdf cdf logcdf sf logsf`` of ``(x, loc=0, scale=1)`` and ``ppf isf``
  of ``(q, loc=0, scale=1)`` cost numel(broadcast output): one pointwise pass,
  like a unary ufunc, whatever the special function inside;
* ``rvs(loc=0, scale=1, size=None, random_state=None)`` costs numel(output), like
  the samplers: ``size`` when given (the parameters must broadcast to it), else
  the broadcast of ``loc`` and ``scale``.

Every distribution here is a location-scale family: its standard form is
evaluated at ``(x - loc) / scale``. The runtime implementations live in
``flopscope.stats``; this file knows only costs and shapes.
"""

from __future__ import annotations

from flopscope.costs import rules as R
from flopscope.costs.dims import numel
from flopscope.costs.registry import Example, p_array, p_pass, p_static
from flopscope.costs.table import _op
from flopscope.costs.table_random import sampler_shape

# Distribution -> (support of the standard form, one-line description). The support
# is what the generic wrapper uses: outside it the density is 0 and the cdf 0 or 1.
DISTRIBUTIONS: dict[str, tuple[tuple[float, float], str]] = {
    "norm": ((float("-inf"), float("inf")), "the normal distribution N(loc, scale^2)"),
    "uniform": ((0.0, 1.0), "the uniform distribution on [loc, loc + scale]"),
    "expon": ((0.0, float("inf")), "the exponential distribution with rate 1/scale, shifted by loc"),
    "logistic": ((float("-inf"), float("inf")), "the logistic distribution"),
    "laplace": ((float("-inf"), float("inf")), "the Laplace (double exponential) distribution"),
    "cauchy": ((float("-inf"), float("inf")), "the Cauchy distribution"),
    "gumbel_r": ((float("-inf"), float("inf")), "the right-skewed Gumbel (extreme value) distribution"),
    "gumbel_l": ((float("-inf"), float("inf")), "the left-skewed Gumbel (extreme value) distribution"),
    "halfnorm": ((0.0, float("inf")), "the half-normal distribution |N(0, 1)| * scale + loc"),
    "rayleigh": ((0.0, float("inf")), "the Rayleigh distribution"),
}
DENSITY_METHODS = ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf")
QUANTILE_METHODS = ("ppf", "isf")
METHODS = DENSITY_METHODS + QUANTILE_METHODS + ("rvs",)

_FORMULA = "numel(broadcast output): one pointwise pass, like a unary ufunc"
_EX = Example((("m", "n"),), values=(("m", 256), ("n", 256)))
_EX_RVS = Example((), (("size", ("m", "n")),), (("m", 256), ("n", 256)))


def rvs_shape(shapes, *, size=None, **_):
    """The draw's shape: ``size`` (loc and scale must broadcast to it), else their broadcast."""
    return sampler_shape(shapes, size=size)


def rvs_cost(shapes, **static):
    return numel(rvs_shape(shapes, **static))


for _dist in DISTRIBUTIONS:
    for _method in DENSITY_METHODS + QUANTILE_METHODS:
        _first = "x" if _method in DENSITY_METHODS else "q"
        _op(f"stats.{_dist}.{_method}", "stats", R.pointwise_cost, R.pointwise_shape,
            (p_array(_first), p_array("loc", None), p_array("scale", None)), _FORMULA, _EX,
            doc=f"{_method} of {DISTRIBUTIONS[_dist][1]}")
    _op(f"stats.{_dist}.rvs", "stats", rvs_cost, rvs_shape,
        (p_array("loc", None), p_array("scale", None), p_static("size", None), p_pass("random_state")),
        "numel(output), like the samplers", _EX_RVS,
        doc=f"random draws from {DISTRIBUTIONS[_dist][1]}")
