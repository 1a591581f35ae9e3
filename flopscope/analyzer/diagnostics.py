"""The analyzer's diagnostic codes: what each means and what it does to the result.

``path:line:col: FSnnn message`` lines cite these codes; docs/analyzer.md lists
them from this table, and a test checks that every code the analyzer emits is here.
"""

from __future__ import annotations

# code -> (effect on the result, meaning)
CODES: dict[str, tuple[str, str]] = {
    "FS000": ("exit 2", "a usage error: a command-line option flopscope cannot use"),
    "FS001": ("exit 2", "the file does not parse (a syntax error)"),
    "FS101": ("unknown", "a metered value reaches something the analyzer cannot follow (an unknown function, a value of unknown shape): that cost is unknown"),
    "FS102": ("error", "an op flopscope does not meter: it raises UnsupportedOperationError at runtime"),
    "FS103": ("unknown", "a construct the analyzer does not follow (dynamic code such as eval/exec, getattr with a computed name, *args of unknown length)"),
    "FS104": ("unknown", "a loop whose trip count the analyzer cannot know (a while on data, a range bounded by data): the cost of its body is unknown"),
    "FS105": ("upper bound", "a branch on array data: the costlier branch is counted"),
    "FS106": ("unknown or upper bound", "a size comparison or an einsum contraction order that needs values the symbols do not have"),
    "FS107": ("unknown", "a data-dependent size (a boolean mask, where(cond)): costs that depend on it are unknown"),
    "FS108": ("error", "the call raises at runtime (shapes that do not broadcast or contract, a bad argument)"),
    "FS110": ("unknown", "calls nest too deep (recursion): the cost is unknown"),
    "FS111": ("info", "NumPy work on plain (unmetered) arrays: free at runtime, so not counted"),
    "FS112": ("warning", "an escape from the meter: the solver reaches NumPy or flopscope's internals directly, or runs work a BudgetContext does not see (threads, processes, trace hooks, introspection, plain NumPy views of arrays)"),
    "FS113": ("info", "a decorator the analyzer does not know is taken to return the function unchanged"),
    "FS114": ("upper bound", "a break, continue or return that may end a loop or function early on data: its cost is an upper bound"),
    "FS115": ("unknown", "a while loop ran more iterations than the analyzer follows"),
    "FS116": ("info", "a loop or list followed item by item at the given sizes: its formula holds at those sizes"),
    "FS117": ("upper bound", "a try with except handlers: its body may stop at an exception and a handler run instead; the body and the costliest handler are counted"),
    "FS118": ("warning", "a name that is not defined at that point"),
    "FS119": ("warning", "an attribute that does not exist"),
    "FS120": ("warning", "a budget or namespace argument the analyzer cannot read"),
    "FS121": ("info", "a symbol without a value: the formula is symbolic and its value unknown"),
    "FS122": ("unknown", "a data file the solver loads (fnp.load) that the analyzer cannot find or read: the shapes of its arrays are unknown"),
    "FS123": ("info", "an environment variable read: its default is taken"),
    "FS124": ("unknown", "the analysis stopped before the end (its time limit, its memory ceiling, or an interrupt): what it had not analyzed is unknown"),
    "FS125": ("warning", "the contract's predict returns something other than an array of shape (L, w)"),
    "FS126": ("info", "a while loop over a counter (a fixed step, a chunk, doubling, halving) is summed in closed form"),
    "FS127": ("error", "the program raises at the given sizes: its cost is what ran until then"),
    "FS128": ("exit 1", "a budget is predicted to be exceeded (a finding of --format sarif and github; the text report says OVER BUDGET)"),
    "FS129": ("exit 1", "flopscope check: a site's measured FLOPs differ from its exact prediction (a finding of --format sarif and github; the text report says MISMATCH)"),
    "FS999": ("exit 2", "an internal error of the analyzer (please report it)"),
}


# ---------------------------------------------------------------------- escapes from the meter
#
# FS112 is the one code for an escape from the meter: a construct that computes
# where a BudgetContext does not see it, or reaches NumPy or flopscope's internals
# directly. The analyzer reports every one it can see, at its site, once a site;
# ``flopscope.analyzer.escapes(analysis)`` lists them (for a judge that admits only
# solvers without one). What follows is the catalogue, as pure functions of dotted
# names (``sys.settrace``, ``flopscope.runtime.ledger``), shared by the scan of the
# whole source (statements.py) and the abstract run (evaluation.py, builtins.py).

ESCAPE = "FS112"

# flopscope's public modules: everything else under flopscope. is its internals
PUBLIC_FLOPSCOPE = frozenset({
    "flopscope", "flopscope.numpy", "flopscope.numpy.linalg", "flopscope.numpy.fft", "flopscope.numpy.random",
    "flopscope.stats", "flopscope.errors",
})


def _flopscope_submodules() -> frozenset:
    import os
    import pkgutil

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = {m.name for m in pkgutil.iter_modules([here])}
    return frozenset(found | {"runtime", "costs", "queries", "analyzer", "contract", "check", "cli", "reference"})


FLOPSCOPE_SUBMODULES = _flopscope_submodules()

_THREADS = "{0}: work run in other threads is not charged to this BudgetContext (it raises there, or goes to the session total)"
_PROCESS = "{0}: work run in another process is outside the meter"
_NUMERIC = "{0}: it computes on plain arrays, outside flopscope's meter"
_PICKLE = "{0}: objects rebuilt through their pickling hooks (__reduce__) come back around the meter"

# modules whose import is itself an escape (by their first component)
MODULE_ESCAPES = {
    "numpy": "{0}: NumPy itself is not metered; solvers compute through flopscope.numpy",
    "threading": _THREADS, "_thread": _THREADS, "concurrent": _THREADS,
    "contextvars": "{0}: work run in a copied context is not charged to this BudgetContext",
    "multiprocessing": _PROCESS, "subprocess": _PROCESS, "_posixsubprocess": _PROCESS,
    "socket": "{0}: work done by another process or machine is outside the meter",
    "gc": "{0}: it reaches every live object, flopscope's ledger included",
    "ctypes": "{0}: it reads and writes memory directly, around the meter",
    "_ctypes": "{0}: it reads and writes memory directly, around the meter",
    "pickle": _PICKLE, "_pickle": _PICKLE, "cPickle": _PICKLE, "copyreg": _PICKLE, "dill": _PICKLE,
    "cloudpickle": _PICKLE,
    "scipy": _NUMERIC, "numba": _NUMERIC, "numexpr": _NUMERIC, "torch": _NUMERIC, "jax": _NUMERIC,
    "jaxlib": _NUMERIC, "tensorflow": _NUMERIC, "cupy": _NUMERIC, "sklearn": _NUMERIC, "pandas": _NUMERIC,
    "dask": _NUMERIC, "bottleneck": _NUMERIC,
}

_TRACE = "{0}: a trace or profile hook runs code between the solver's lines, around the meter"
_FRAMES = "{0}: frame introspection reaches the variables of flopscope's own frames"
_SPAWN = ("fork", "forkpty", "system", "popen", "posix_spawn", "posix_spawnp", "startfile")

# attributes of modules that are escapes (the module itself is not one)
ATTRIBUTE_ESCAPES = {
    "sys.settrace": _TRACE, "sys.setprofile": _TRACE, "sys.monitoring": _TRACE, "sys.call_tracing": _TRACE,
    "threading.settrace": _TRACE, "asyncio.to_thread": _THREADS, "threading.setprofile": _TRACE,
    "sys._getframe": _FRAMES, "sys._current_frames": _FRAMES,
    "inspect.currentframe": _FRAMES, "inspect.stack": _FRAMES, "inspect.trace": _FRAMES,
    "inspect.getouterframes": _FRAMES, "inspect.getinnerframes": _FRAMES,
    "inspect.getclosurevars": "{0}: it opens a function's closure, flopscope's own functions included",
    "inspect.unwrap": "{0}: it unwraps a function to what it wraps, around flopscope's metered wrapper",
    "sys.modules": "{0}: modules reached or replaced through sys.modules go around imports (NumPy, flopscope's internals)",
    "importlib.reload": "{0}: a reloaded module is rebuilt around the meter (flopscope's state, NumPy's functions)",
    "signal.signal": "{0}: a signal handler runs code at any point, around the meter",
    "flopscope.numpy.seterrcall": "{0}: a floating-point error callback runs Python code inside flopscope's operations",
    "numpy.seterrcall": "{0}: a floating-point error callback runs Python code inside flopscope's operations",
    **{f"os.{name}": _PROCESS for name in _SPAWN},
}
_OS_PREFIXES = ("os.exec", "os.spawn")

# attribute names that are escapes on any object
NAME_ESCAPES = {
    "run_in_executor": _THREADS,
    "__closure__": "{0}: it opens a function's closure, flopscope's own functions included",
    "__code__": "{0}: it reaches a function's code object, flopscope's own functions included",
    "__globals__": "{0}: it reaches a function's module globals, flopscope's internals included",
    "__builtins__": "{0}: it reaches the builtins behind the solver's namespace, around the meter",
    "__wrapped__": "{0}: it reaches the function a wrapper wraps, around flopscope's metered wrapper",
    "__reduce__": _PICKLE, "__reduce_ex__": _PICKLE,
    "__mro__": "{0}: walking the class hierarchy reaches NumPy's base classes and their unmetered methods",
    "__subclasses__": "{0}: walking the class hierarchy reaches flopscope's internal classes",
    "__array__": "{0}: it asks for the plain, unmetered NumPy array behind an array",
    "__array_interface__": "{0}: it hands out an array's raw memory: work on it is not metered",
    "__array_struct__": "{0}: it hands out an array's raw memory: work on it is not metered",
    "f_back": _FRAMES, "f_globals": _FRAMES, "f_locals": _FRAMES, "f_builtins": _FRAMES, "f_code": _FRAMES,
    "gi_frame": _FRAMES, "cr_frame": _FRAMES, "ag_frame": _FRAMES, "tb_frame": _FRAMES,
}

# attributes of a flopscope array that hand out what the meter does not see
ARRAY_ESCAPES = {
    "base": "{0}: the array behind a view, reached around the meter",
    "flat": "{0}: it iterates the array as NumPy scalars: work on them is not metered",
    "ctypes": "{0}: it hands out the array's raw memory: work on it is not metered",
    "data": "{0}: it hands out the array's raw memory (a memoryview): work on it is not metered",
}

# NumPy's scalar types: a scalar's array methods (``fnp.float64(1.0).reshape(1)``)
# return plain ndarrays, which the runtime cannot meter
NUMPY_SCALAR_TYPES = frozenset({
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp", "uintp", "int_",
    "uint", "float16", "float32", "float64", "longdouble", "complex64", "complex128", "clongdouble", "double",
    "single", "half", "cdouble", "csingle", "longlong", "ulonglong", "short", "ushort", "intc", "uintc", "byte",
    "ubyte", "generic", "number", "integer", "floating", "complexfloating", "inexact", "signedinteger",
    "unsignedinteger",
})

# NumPy's own conversions: given a flopscope array they return a plain ndarray (NumPy does not dispatch them)
NUMPY_PLAIN_CONVERSIONS = frozenset({"array", "asarray", "asarray_chkfinite", "ascontiguousarray",
                                     "asfortranarray", "frombuffer", "from_dlpack"})

# the builtins that import a module by name
IMPORT_CALLS = frozenset({"__import__", "importlib.import_module", "importlib.__import__"})

# the attribute setters: a target that is flopscope's (or NumPy's) patches the meter
SETTERS = frozenset({"setattr", "delattr", "object.__setattr__",
                     "object.__delattr__", "type.__setattr__", "type.__delattr__"})


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


def flopscope_internal(dotted: str) -> str | None:
    """The internal module or name ``dotted`` reaches (``flopscope.runtime``,
    ``flopscope.numpy._np``), or None for flopscope's API."""
    parts = dotted.split(".")
    if parts[0] != "flopscope":
        return None
    prefix = "flopscope"
    for part in parts[1:]:
        here = f"{prefix}.{part}"
        if here in PUBLIC_FLOPSCOPE:
            prefix = here
            continue
        if part.startswith("_") and not _is_dunder(part):
            return here
        if prefix == "flopscope" and part in FLOPSCOPE_SUBMODULES:
            return here
        return None
    return None


_NAMEDTUPLE_API = frozenset({"_asdict", "_replace", "_fields", "_field_defaults", "_make"})  # (eigh(A)._asdict())


def private_escape(name: str) -> str | None:
    """A private attribute (``_x``, not a dunder) of one of flopscope's objects."""
    if name.startswith("_") and not _is_dunder(name) and name not in _NAMEDTUPLE_API:
        return f"{name}: a private attribute of flopscope's objects is its internals, not its API"
    return None


# NumPy's ndarray class, reached through flopscope.numpy or numpy: its methods run
# unmetered on a flopscope array (the base class is plain NumPy); these are harmless
_NDARRAY_CLASSES = ("flopscope.numpy.ndarray.", "numpy.ndarray.")
_NDARRAY_HARMLESS = frozenset({"shape", "ndim", "size", "dtype", "__name__", "__qualname__", "__doc__", "__module__"})


def base_class_escape(dotted: str) -> str | None:
    """``fnp.ndarray.dot`` (a method of the base class, called on an array, bypasses metering)."""
    for prefix in _NDARRAY_CLASSES:
        if dotted.startswith(prefix):
            name = dotted[len(prefix):].split(".")[0]
            if name not in _NDARRAY_HARMLESS and not (name.startswith("__") and name in NAME_ESCAPES):
                return f"numpy.ndarray.{name} called on an array bypasses metering (the base class is plain NumPy)"
    return None


def is_meter_path(dotted: str) -> bool:
    """A dotted name inside flopscope or NumPy (the meter's own objects)."""
    return dotted.split(".")[0] in ("flopscope", "numpy")


def attribute_escape(dotted: str) -> str | None:
    """The message for reaching ``dotted`` (a module's attribute), if it is an escape."""
    internal = flopscope_internal(dotted)
    if internal is not None:
        return (f"{internal} is flopscope's internals, not its API "
                "(solvers use flopscope, flopscope.numpy, flopscope.stats and flopscope.errors)")
    if base_class_escape(dotted) is not None:
        return base_class_escape(dotted)
    for known, message in ATTRIBUTE_ESCAPES.items():
        if dotted == known or dotted.startswith(known + "."):
            return message.format(known)
    if dotted.startswith(_OS_PREFIXES):
        return _PROCESS.format(".".join(dotted.split(".")[:2]))
    return None


def import_escape(dotted: str) -> str | None:
    """The message for importing ``dotted`` (``import X``, or ``from M import N`` as ``M.N``), if it is an escape."""
    root = dotted.split(".")[0]
    if root in MODULE_ESCAPES:
        return MODULE_ESCAPES[root].format(dotted)
    return attribute_escape(dotted)


def name_escape(name: str) -> str | None:
    """The message for the attribute ``name`` on any object, if reaching it is an escape
    (``__closure__``, ``__mro__``, a frame's ``f_globals``, ...)."""
    message = NAME_ESCAPES.get(name)
    return message.format(name) if message is not None else None


def store_escape(attr: str, meter: bool, verb: str = "assigning") -> str | None:
    """The escape in storing (or deleting) ``X.attr``; ``meter``: X is the meter's own object."""
    if attr == "__class__":
        return f"{verb} __class__: it turns an object into another type, around the meter"
    if attr == "__dict__":
        return f"{verb} __dict__: it writes an object's attributes directly, around the meter"
    if meter:
        return f"{verb} .{attr} of flopscope's (or NumPy's) own objects changes the meter around its API"
    return None
