"""The inventory: every public callable of numpy, numpy.linalg, numpy.fft and
numpy.random is exactly one of counted (an op in the cost table), free (exported
as NumPy's own object: constants, dtypes, type queries) or blocked (refused with
the reason). ``tests/test_inventory.py`` enumerates NumPy to prove it.
"""

from __future__ import annotations

# Names flopscope.numpy exports as they are, free: constants, dtypes, type queries.
# Keyed by module ("" is the top level).
FREE_NAMES_BY_MODULE: dict[str, tuple[str, ...]] = {
    "": tuple((
        "pi e inf nan newaxis euler_gamma ndarray dtype generic number integer signedinteger unsignedinteger "
        "floating complexfloating inexact bool_ bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 intp uintp "
        "float16 float32 float64 longdouble complex64 complex128 clongdouble str_ bytes_ object_ finfo iinfo "
        "result_type promote_types can_cast issubdtype isdtype isscalar iscomplexobj isrealobj "
        # More scalar types and dtype classes (float128 / complex256 where the platform has them).
        "byte short intc int_ long longlong ubyte ushort uintc uint ulong ulonglong half single double "
        "float128 complex256 csingle cdouble character flexible void "
        # Type and memory queries, iteration helpers and build information: no arithmetic.
        # (Iterating with ndenumerate / nditer yields values to Python code, which is not
        # metered anyway; broadcast_shapes works on shape tuples only.)
        "ufunc broadcast broadcast_shapes flatiter ndindex ndenumerate typename "
        "mintypecode common_type min_scalar_type may_share_memory shares_memory iterable isfortran "
        "get_include show_config show_runtime info "
        # Formatting one array or scalar as text: reads values, computes nothing the solver can
        # use (printing a metered array is free too). The global print state is blocked below.
        "array2string array_repr array_str format_float_positional format_float_scientific base_repr binary_repr"
    ).split()),
    # The exception class; every computing linalg / fft callable is a table op.
    "linalg": ("LinAlgError",),
    "fft": (),
    # Seeding and state access compute nothing: free. get_state / set_state only save and
    # restore the global generator's position; they cannot produce a number without a
    # metered sampler drawing it. (The bit generators can: they are blocked below.)
    # (default_rng, Generator and RandomState are table ops of category "free":
    # flopscope's metered wrappers, not NumPy's objects.)
    "random": tuple((
        "seed get_state set_state"
    ).split()),
}
FREE_NAMES = FREE_NAMES_BY_MODULE[""]

# Names refused by design: module -> {name: reason}. The reason is the error's text.
BLOCKED_BY_MODULE: dict[str, dict[str, str]] = {"": {}, "linalg": {}, "fft": {}, "random": {}}
_TOP_LEVEL_REFUSALS = {
    "text I/O and raw binary files are not metered (ship arrays as .npy or .npz and read them with load)":
        "loadtxt savetxt genfromtxt fromfile fromregex fromstring memmap",
    "NumPy's printing state is global state that a metered solver may not change":
        "set_printoptions get_printoptions printoptions setbufsize getbufsize",
    "datetime and business-day arithmetic is outside the cost model":
        "datetime64 timedelta64 datetime_as_string datetime_data busday_count busday_offset busdaycalendar "
        "is_busday isnat",
    "it installs a Python callback that NumPy calls on floating-point errors, and that code would run unmetered":
        "seterrcall geterrcall",
    "it calls a Python function on array data, and that code would run unmetered":
        "frompyfunc vectorize apply_along_axis apply_over_axes piecewise fromfunction mask_indices",
    "it consumes a Python iterator, whose code would run unmetered (build the values with flopscope.numpy calls)":
        "fromiter",
    "matrix and record array classes override arithmetic, which would escape metering (use plain arrays)":
        "matrix asmatrix bmat recarray record poly1d",
    "numpy.test runs NumPy's own test suite, not a computation of the solver": "test",
    "its iterator hands the operands to Python code as plain (unmetered) NumPy arrays (it.operands, "
    "it.itviews): iterate a metered array directly, or use ndenumerate / ndindex":
        "nditer nested_iters",
}
BLOCKED_BY_MODULE[""].update(
    {name: reason for reason, names in _TOP_LEVEL_REFUSALS.items() for name in names.split()}
)
BLOCKED_BY_MODULE["linalg"].update({
    "test": "numpy.linalg.test runs NumPy's own test suite, not a computation of the solver",
})
BLOCKED_BY_MODULE["fft"].update({
    "test": "numpy.fft.test runs NumPy's own test suite, not a computation of the solver",
})
BLOCKED_BY_MODULE["random"].update({
    **{name: "bit generators draw raw random numbers (random_raw, generate_state) that no "
             "metered sampler charges: use flopscope.numpy.random.default_rng(seed) and its methods"
       for name in "BitGenerator PCG64 PCG64DXSM MT19937 Philox SFC64 get_bit_generator "
                   "set_bit_generator".split()},
    "test": "numpy.random.test runs NumPy's own test suite, not a computation of the solver",
})

# reason -> names, for the generated reference (top level and submodules, qualified).
BLOCKED: dict[str, tuple[str, ...]] = {}
for _module, _names in BLOCKED_BY_MODULE.items():
    for _name, _reason in _names.items():
        BLOCKED.setdefault(_reason, ())
        BLOCKED[_reason] += (f"{_module}.{_name}" if _module else _name,)


def classify(module: str, name: str) -> list[str]:
    """What ``numpy[.module].name`` is for flopscope: ["counted"], ["free"] or
    ["blocked"]; an empty list (unclassified) or two entries would be a defect."""
    from flopscope.costs.table import OPS

    qualified = f"{module}.{name}" if module else name
    kinds = []
    if qualified in OPS:
        kinds.append("counted" if OPS[qualified].category != "free" else "free")
    if name in FREE_NAMES_BY_MODULE[module]:
        kinds.append("free")
    if name in BLOCKED_BY_MODULE[module]:
        kinds.append("blocked")
    return kinds


def public_callables(module: str) -> list[str]:
    """NumPy's public callables in ``numpy[.module]``."""
    import numpy as np

    owner = getattr(np, module) if module else np
    return sorted(n for n in dir(owner) if not n.startswith("_") and callable(getattr(owner, n)))


def counts() -> dict[str, dict[str, int]]:
    """{"numpy": {"counted": .., "free": .., "blocked": ..}, "numpy.linalg": ...}."""
    out = {}
    for module in BLOCKED_BY_MODULE:
        c = {"counted": 0, "free": 0, "blocked": 0, "unclassified": 0}
        for name in public_callables(module):
            kinds = classify(module, name) or ["unclassified"]
            for kind in kinds:
                c[kind] += 1
        out["numpy" + (f".{module}" if module else "")] = c
    return out
