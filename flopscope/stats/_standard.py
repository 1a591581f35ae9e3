"""The distributions' standard forms, and the location-scale wrapper SciPy's semantics need.

Each distribution is a location-scale family: ``method(x, loc, scale)`` is the
standard form evaluated at ``z = (x - loc) / scale``. The special functions come
from ``scipy.special`` (``ndtr``, ``log_ndtr``, ``ndtri``, ``expit``, ...), which
are accurate in the tails: ``norm.cdf(-10)`` is 7.6198530241605e-24, where
``0.5 * (1 + erf(x / sqrt(2)))`` would give 0.

The wrapper follows SciPy's conventions: NaN where ``scale <= 0`` (or a parameter
is NaN), 0 / 1 / -inf outside the support, the support's end points for
``ppf(0)`` and ``ppf(1)``, NaN for a probability outside [0, 1].

This module imports SciPy; ``flopscope.stats`` imports it on the first call of a
method, so neither ``import flopscope`` nor ``flops.stats.norm`` pays for SciPy.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special as sc

from flopscope.costs.table_stats import DISTRIBUTIONS
from flopscope.runtime import dispatch

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_SQRT2 = math.sqrt(2.0)
_LOG2 = math.log(2.0)
_LOG_HALF = math.log(0.5)
_LOG_PI = math.log(math.pi)
_PI = math.pi

# ---------------------------------------------------------------------- standard forms
# z is a float64 array; every function is vectorised and may see values outside the
# support (the wrapper replaces those), so all of them run under errstate(all="ignore").


def _laplace_cdf(z):
    e = 0.5 * np.exp(-np.abs(z))
    return np.where(z > 0, 1.0 - e, e)


def _laplace_logcdf(z):
    a = np.abs(z)
    return np.where(z < 0, _LOG_HALF - a, np.log1p(-0.5 * np.exp(-a)))


def _laplace_ppf(q):
    return np.where(q > 0.5, -np.log(2.0 - 2.0 * q), np.log(2.0 * q))


def _log_cdf_from(cdf, sf):
    """log(cdf), precise on both sides: log1p(-sf) where the cdf is near 1."""
    return np.where(cdf > 0.5, np.log1p(-sf), np.log(cdf))


def _halfnorm_logsf(z):
    # log1p(-erf) where the sf is near 1 (small z), log 2 + log_ndtr(-z) in the tail
    median = 0.6744897501960817  # ndtri(0.75)
    return np.where(z < median, np.log1p(-sc.erf(z / _SQRT2)), _LOG2 + sc.log_ndtr(-z))


def _cauchy_ppf(q):
    # -cot(pi q), from whichever side is nearer: tan(pi q - pi/2) loses the tails
    # (q = 1e-300 must give -3.2e299, not -1.6e16). 1 - q is exact for q >= 0.5.
    upper = q >= 0.5
    near = np.where(upper, 1.0 - q, q)
    t = 1.0 / np.tan(_PI * near)
    return np.where(q == 0.5, 0.0, np.where(upper, t, -t))


def _gumbel_r_logsf(z):
    # log(sf) where sf is small; log1p(-cdf) where sf is near 1 (below the median)
    median = -math.log(math.log(2.0))
    return np.where(z > median, np.log(-np.expm1(-np.exp(-z))), np.log1p(-np.exp(-np.exp(-z))))


def _gumbel_l_logcdf(z):
    median = math.log(math.log(2.0))
    return np.where(z < median, np.log(-np.expm1(-np.exp(z))), np.log1p(-np.exp(-np.exp(z))))


def _logistic_pdf(z):
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2


STANDARD = {
    "norm": {
        "pdf": lambda z: np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi),
        "logpdf": lambda z: -0.5 * z * z - _LOG_SQRT_2PI,
        "cdf": lambda z: sc.ndtr(z),
        "logcdf": lambda z: sc.log_ndtr(z),
        "sf": lambda z: sc.ndtr(-z),
        "logsf": lambda z: sc.log_ndtr(-z),
        "ppf": lambda q: sc.ndtri(q),
        "isf": lambda q: -sc.ndtri(q),
    },
    "uniform": {
        "pdf": lambda z: z * 0.0 + 1.0,  # NaN stays NaN
        "logpdf": lambda z: z * 0.0,
        "cdf": lambda z: z,
        "logcdf": lambda z: np.log(z),
        "sf": lambda z: 1.0 - z,
        "logsf": lambda z: np.log1p(-z),
        "ppf": lambda q: q,
        "isf": lambda q: 1.0 - q,
    },
    "expon": {
        "pdf": lambda z: np.exp(-z),
        "logpdf": lambda z: -z,
        "cdf": lambda z: -np.expm1(-z),
        "logcdf": lambda z: _log_cdf_from(-np.expm1(-z), np.exp(-z)),
        "sf": lambda z: np.exp(-z),
        "logsf": lambda z: -z,
        "ppf": lambda q: -np.log1p(-q),
        "isf": lambda q: -np.log(q),
    },
    "logistic": {
        "pdf": _logistic_pdf,
        "logpdf": lambda z: -np.abs(z) - 2.0 * np.log1p(np.exp(-np.abs(z))),
        "cdf": lambda z: sc.expit(z),
        "logcdf": lambda z: sc.log_expit(z),
        "sf": lambda z: sc.expit(-z),
        "logsf": lambda z: sc.log_expit(-z),
        "ppf": lambda q: sc.logit(q),
        "isf": lambda q: -sc.logit(q),
    },
    "laplace": {
        "pdf": lambda z: 0.5 * np.exp(-np.abs(z)),
        "logpdf": lambda z: _LOG_HALF - np.abs(z),
        "cdf": _laplace_cdf,
        "logcdf": _laplace_logcdf,
        "sf": lambda z: _laplace_cdf(-z),
        "logsf": lambda z: _laplace_logcdf(-z),
        "ppf": _laplace_ppf,
        "isf": lambda q: -_laplace_ppf(q),
    },
    "cauchy": {
        "pdf": lambda z: 1.0 / (_PI * (1.0 + z * z)),
        "logpdf": lambda z: -_LOG_PI - np.log1p(z * z),
        # atan2(1, -z) / pi: accurate in both tails, where 0.5 + atan(z) / pi is not
        "cdf": lambda z: np.arctan2(1.0, -z) / _PI,
        "logcdf": lambda z: np.log(np.arctan2(1.0, -z) / _PI),
        "sf": lambda z: np.arctan2(1.0, z) / _PI,
        "logsf": lambda z: np.log(np.arctan2(1.0, z) / _PI),
        "ppf": _cauchy_ppf,
        "isf": lambda q: -_cauchy_ppf(q),
    },
    "gumbel_r": {
        "pdf": lambda z: np.exp(-z - np.exp(-z)),
        "logpdf": lambda z: -z - np.exp(-z),
        "cdf": lambda z: np.exp(-np.exp(-z)),
        "logcdf": lambda z: -np.exp(-z),
        "sf": lambda z: -np.expm1(-np.exp(-z)),
        "logsf": _gumbel_r_logsf,
        "ppf": lambda q: -np.log(-np.log(q)),
        "isf": lambda q: -np.log(-np.log1p(-q)),
    },
    "gumbel_l": {
        "pdf": lambda z: np.exp(z - np.exp(z)),
        "logpdf": lambda z: z - np.exp(z),
        "cdf": lambda z: -np.expm1(-np.exp(z)),
        "logcdf": _gumbel_l_logcdf,
        "sf": lambda z: np.exp(-np.exp(z)),
        "logsf": lambda z: -np.exp(z),
        "ppf": lambda q: np.log(-np.log1p(-q)),
        "isf": lambda q: np.log(-np.log(q)),
    },
    "halfnorm": {
        "pdf": lambda z: _SQRT_2_OVER_PI * np.exp(-0.5 * z * z),
        "logpdf": lambda z: 0.5 * math.log(2.0 / math.pi) - 0.5 * z * z,
        "cdf": lambda z: sc.erf(z / _SQRT2),
        "logcdf": lambda z: _log_cdf_from(sc.erf(z / _SQRT2), 2.0 * sc.ndtr(-z)),
        "sf": lambda z: 2.0 * sc.ndtr(-z),
        "logsf": _halfnorm_logsf,
        "ppf": lambda q: sc.ndtri((1.0 + q) / 2.0),
        "isf": lambda q: -sc.ndtri(q / 2.0),
    },
    "rayleigh": {
        "pdf": lambda z: np.where(z == np.inf, 0.0, z * np.exp(-0.5 * z * z)),
        "logpdf": lambda z: np.where(z == np.inf, -np.inf, np.log(z) - 0.5 * z * z),
        "cdf": lambda z: -np.expm1(-0.5 * z * z),
        "logcdf": lambda z: _log_cdf_from(-np.expm1(-0.5 * z * z), np.exp(-0.5 * z * z)),
        "sf": lambda z: np.exp(-0.5 * z * z),
        "logsf": lambda z: -0.5 * z * z,
        "ppf": lambda q: np.sqrt(-2.0 * np.log1p(-q)),
        "isf": lambda q: np.sqrt(-2.0 * np.log(q)),
    },
}

# Standard draws, as SciPy makes them (so a seeded random_state gives SciPy's numbers).
DRAWS = {
    "norm": lambda rs, size: rs.standard_normal(size),
    "uniform": lambda rs, size: rs.uniform(0.0, 1.0, size),
    "expon": lambda rs, size: rs.standard_exponential(size),
    "logistic": lambda rs, size: rs.logistic(size=size),
    "laplace": lambda rs, size: rs.laplace(0.0, 1.0, size=size),
    # SciPy has no sampler of its own for these two: it inverts a uniform draw
    "cauchy": lambda rs, size: _cauchy_ppf(rs.uniform(size=size)),
    "gumbel_r": lambda rs, size: -np.log(-np.log(rs.uniform(size=size))),
    "gumbel_l": lambda rs, size: -rs.gumbel(size=size),
    "halfnorm": lambda rs, size: np.abs(rs.standard_normal(size=size)),
    "rayleigh": lambda rs, size: rs.rayleigh(1.0, size=size),
}

# ---------------------------------------------------------------------- location-scale wrapper

# What each method gives below / above the support (lower end a, upper end b).
_OUTSIDE = {
    "pdf": (0.0, 0.0), "logpdf": (-np.inf, -np.inf),
    "cdf": (0.0, 1.0), "logcdf": (-np.inf, 0.0),
    "sf": (1.0, 0.0), "logsf": (0.0, -np.inf),
}


def _scalar_ok(loc, scale) -> bool:
    """loc and scale are plain numbers with scale > 0: no masks are needed for them."""
    return (type(loc) in (int, float) and type(scale) in (int, float) and scale > 0
            and loc == loc and scale < math.inf)


# (distribution, method) pairs whose standard form already follows SciPy's conventions on
# every input, NaN and +-inf included, without a floating-point warning: on the standard
# distribution (loc 0, scale 1) they need no masks and no errstate.
NATIVE = {("norm", m) for m in ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf")} | {
    ("logistic", m) for m in ("cdf", "logcdf", "sf", "logsf", "ppf", "isf")}
_F64 = np.float64
# The default loc and scale: a call that passes none is recognised by identity.
_ZERO = 0.0
_ONE = 1.0


def density(dist: str, method: str):
    """pdf / logpdf / cdf / logcdf / sf / logsf of ``dist`` with SciPy's conventions."""
    fn = STANDARD[dist][method]
    lo, hi = DISTRIBUTIONS[dist][0]
    bounded = lo > -math.inf or hi < math.inf
    below, above = _OUTSIDE[method]
    scaled = method in ("pdf", "logpdf")
    native = (dist, method) in NATIVE
    asarray = np.asarray

    def evaluate(x, loc=_ZERO, scale=_ONE):
        if native and loc is _ZERO and scale is _ONE:  # the defaults: the standard form as it is
            return asarray(fn(asarray(x, dtype=_F64)), dtype=_F64)
        with np.errstate(all="ignore"):
            x = np.asarray(x, dtype=np.float64)
            plain = _scalar_ok(loc, scale)
            if not plain:
                loc = np.asarray(loc, dtype=np.float64)
                scale = np.asarray(scale, dtype=np.float64)
            z = (x - loc) / scale if (not plain or loc != 0 or scale != 1) else x
            out = fn(z)
            if scaled:
                out = out / scale if method == "pdf" else out - np.log(scale)
            if bounded:
                out = np.where(z < lo, below, np.where(z > hi, above, out))
            if not plain:
                bad = ~(scale > 0) | np.isnan(loc)
                if bad.any():
                    out = np.where(bad, np.nan, out)
            return np.asarray(out, dtype=np.float64)

    evaluate.__name__ = f"{dist}_{method}"
    return evaluate


def quantile(dist: str, method: str):
    """ppf / isf of ``dist``: NaN for a probability outside [0, 1], the support's ends at 0 and 1."""
    fn = STANDARD[dist][method]
    lo, hi = DISTRIBUTIONS[dist][0]
    at0, at1 = (lo, hi) if method == "ppf" else (hi, lo)
    native = (dist, method) in NATIVE
    asarray = np.asarray

    def evaluate(q, loc=_ZERO, scale=_ONE):
        if native and loc is _ZERO and scale is _ONE:
            return asarray(fn(asarray(q, dtype=_F64)), dtype=_F64)
        with np.errstate(all="ignore"):
            q = np.asarray(q, dtype=np.float64)
            plain = _scalar_ok(loc, scale)
            if not plain:
                loc = np.asarray(loc, dtype=np.float64)
                scale = np.asarray(scale, dtype=np.float64)
            z = fn(q)
            z = np.where(q == 0.0, at0, np.where(q == 1.0, at1, z))
            z = np.where((q < 0.0) | (q > 1.0), np.nan, z)
            out = z * scale + loc if (not plain or loc != 0 or scale != 1) else z
            if not plain:
                bad = ~(scale > 0) | np.isnan(loc)
                if bad.any():
                    out = np.where(bad, np.nan, out)
            return np.asarray(out, dtype=np.float64)

    evaluate.__name__ = f"{dist}_{method}"
    return evaluate


def random_source(random_state):
    """SciPy's ``random_state`` rules: None is NumPy's global RandomState (the one
    flopscope.numpy.random's module functions use), an int seeds a new RandomState,
    a Generator or RandomState (NumPy's or flopscope's metered one) is used as it is."""
    if random_state is None:
        return np.random.mtrand._rand
    impl = getattr(random_state, "_impl", None)  # flopscope's metered wrappers
    if isinstance(impl, (np.random.Generator, np.random.RandomState)):
        return impl
    if isinstance(random_state, (np.random.Generator, np.random.RandomState)):
        return random_state
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.RandomState(int(random_state))
    raise ValueError(f"random_state must be None, an int, or a Generator / RandomState, not {type(random_state).__name__}")


def draw(dist: str):
    """rvs of ``dist``: standard draws of the output's shape, scaled and shifted."""
    standard = DRAWS[dist]

    def evaluate(loc=0.0, scale=1.0, size=None, random_state=None, *, _shape=()):
        rs = random_source(random_state)
        with np.errstate(all="ignore"):
            z = np.asarray(standard(rs, _shape), dtype=np.float64)
            plain = _scalar_ok(loc, scale)
            if not plain:
                loc = np.asarray(loc, dtype=np.float64)
                scale = np.asarray(scale, dtype=np.float64)
            out = z * scale + loc
            if not plain:
                bad = ~(scale > 0) | np.isnan(loc)
                if bad.any():
                    out = np.where(bad, np.nan, out)
            return np.asarray(out, dtype=np.float64)

    evaluate.__name__ = f"{dist}_rvs"
    return evaluate


dispatch.register_internal(__file__)
