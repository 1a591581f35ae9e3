"""The metered array: an ndarray subclass whose arithmetic is charged.

Arrays returned by flopscope are ``FlopscopeArray`` views (no copies). They
behave as ndarrays, and:

* operators (``+``, ``@``, ``-x``, ``**``, comparisons, ``abs``) and NumPy ufuncs
  called on them reach ``__array_ufunc__`` and are charged like the ``fnp`` call;
* NumPy functions called on them (``np.sum(A)``) reach ``__array_function__``
  and go to the matching ``fnp`` function; one flopscope does not meter raises;
* methods that compute (``.sum()``, ``.mean(axis=0)``, ``.dot()``, ...) are
  overridden here to charge; views (``.T``, ``.reshape``, indexing) are free;
* methods for ops that are not metered raise UnsupportedOperationError.

``ndarray`` lists every public method, and a test checks each is classified.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from flopscope.costs import methods as _methods
from flopscope.runtime import dispatch
from flopscope.runtime.errors import UnsupportedOperationError
from flopscope.runtime.lockdown import Lockable

_nd = np.ndarray
_view = np.ndarray.view
_nd_getitem = np.ndarray.__getitem__
_nd_iter = np.ndarray.__iter__

# Filled by flopscope.numpy: ufunc object -> UfuncHandler, numpy function -> fnp callable,
# method name -> fnp callable.
UFUNCS: dict = {}
FUNCTIONS: dict = {}
FREE_FUNCTIONS: set = set()

# ndarray methods, classified in the cost table (flopscope/costs/methods.py), which the
# analyzer reads too. "op" methods are charged as the fnp function they name; "in_place"
# ones (sort, partition, fill) are charged as numpy.sort / numpy.partition / numpy.copyto
# and return None, as NumPy's do; "refused" ones raise. Views, queries and conversions
# are ndarray's own (free).
METERED_METHODS = _methods.of_kind(_methods.OP, _methods.IN_PLACE)
FREE_METHODS = _methods.of_kind(_methods.VIEW, _methods.QUERY, _methods.CONVERSION)
UNSUPPORTED_METHODS = _methods.of_kind(_methods.REFUSED)
_IN_PLACE_CACHES: dict = {}


def _in_place(op: str, a: Any, args: tuple, kwargs: dict) -> None:
    """``A.sort()`` / ``A.partition(k)``: priced like numpy.sort / numpy.partition, run in place."""
    from flopscope.costs import OPS, ShapeError, bind

    spec = OPS[op]
    raw = _view(a, _nd)
    static = bind(spec, (raw,) + args, kwargs).static
    try:
        spec.shape((raw.shape,), **static)
    except ShapeError as err:  # NumPy's own error, from the functional form
        dispatch.refuse(getattr(np, op), (raw,) + args, kwargs, err, [raw])
    cache = _IN_PLACE_CACHES.setdefault(op, {})
    dispatch.call_bound(op, spec, getattr(_nd, op), (a,) + args, kwargs, dispatch.wrap, cache)


def _unsupported_method(name: str):
    reason = _methods.ARRAY_METHODS[name].note
    if name in _methods.REFUSED_ATTRIBUTES:
        def attribute(self) -> Any:
            raise UnsupportedOperationError(f"FlopscopeArray.{name} is refused: {reason}")

        return property(attribute, doc=f"refused: {reason}")

    def method(self, *args: Any, **kwargs: Any) -> Any:
        raise UnsupportedOperationError(f"FlopscopeArray.{name}() is refused: {reason}")

    method.__name__ = name
    return method


def _method(name: str, op: str | None = None):
    """A method that forwards to the fnp function ``op`` with self first."""
    op = op or name

    def method(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTIONS_BY_NAME[op](self, *args, **kwargs)

    method.__name__ = name
    return method


FUNCTIONS_BY_NAME: dict = {}


def _load_submodule(func: Any) -> bool:
    """numpy.linalg / numpy.fft functions reach here before flopscope.numpy.linalg (or
    .fft) was imported, which registers them: import it. True if that was the case."""
    module = getattr(func, "__module__", "") or ""
    for sub in ("linalg", "fft", "random"):
        if module.startswith(f"numpy.{sub}") or module.startswith(f"numpy._core.{sub}"):
            import importlib
            import sys

            if f"flopscope.numpy.{sub}" in sys.modules:
                return False
            importlib.import_module(f"flopscope.numpy.{sub}")
            return True
    return False


def _refusal(module: str, name: str) -> str:
    """Why a NumPy function is refused on a flopscope array (the inventory's reason)."""
    from flopscope.costs.inventory import BLOCKED_BY_MODULE

    module = module.replace("numpy._core", "numpy").replace("numpy.lib", "numpy")
    sub = module.split(".")[1] if module.count(".") >= 1 else ""
    full = f"{module}.{name}"
    reason = BLOCKED_BY_MODULE.get(sub if sub in BLOCKED_BY_MODULE else "", {}).get(name)
    if reason is not None:
        return f"{full} is refused on a flopscope array: {reason}"
    return f"{full} is not metered by flopscope, so it is refused on a flopscope array rather than run for free"


class FlopscopeArray(np.ndarray, metaclass=Lockable):
    """An ndarray whose computations are charged to the active FLOP budget."""

    __slots__ = ()

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        h = UFUNCS.get(ufunc)
        if h is None:
            raise UnsupportedOperationError(_refusal("numpy", ufunc.__name__))
        if method == "__call__":
            return h.call(*inputs, **kwargs)
        return dispatch.call_ufunc_method(h, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        impl = FUNCTIONS.get(func)
        if impl is None and _load_submodule(func):
            impl = FUNCTIONS.get(func)
        if impl is not None:
            return impl(*args, **kwargs)
        if func in FREE_FUNCTIONS:
            return dispatch.call_free(func, args, kwargs)
        raise UnsupportedOperationError(_refusal(getattr(func, "__module__", None) or "numpy",
                                                 getattr(func, "__name__", repr(func))))

    # The ndarray methods that can hand back another array type (a plain one) keep it
    # metered: A.view(np.ndarray), A.astype(float, subok=False), A.__array__().
    def view(self, *args: Any, **kwargs: Any) -> Any:
        r = _nd.view(self, *args, **kwargs)
        return r if isinstance(r, FlopscopeArray) else _view(r, FlopscopeArray)

    def astype(self, *args: Any, **kwargs: Any) -> Any:
        r = _nd.astype(self, *args, **kwargs)
        return r if isinstance(r, FlopscopeArray) else _view(r, FlopscopeArray)

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        r = _nd.__array__(self, *args, **kwargs)
        return r if isinstance(r, FlopscopeArray) else _view(r, FlopscopeArray)

    @property
    def base(self) -> Any:
        """The array this one views, itself metered (None if it owns its data): work on
        it is charged like work on this array."""
        b = _nd.base.__get__(self)
        if isinstance(b, _nd) and not isinstance(b, FlopscopeArray):
            return _view(b, FlopscopeArray)
        return b

    # Python's ** takes NumPy fast paths (square, sqrt, reciprocal); charge it as power.
    def __pow__(self, other: Any, mod: Any = None) -> Any:
        if mod is not None:
            return NotImplemented
        return FUNCTIONS_BY_NAME["power"](self, other)

    def __rpow__(self, other: Any) -> Any:
        return FUNCTIONS_BY_NAME["power"](other, self)

    def __ipow__(self, other: Any) -> Any:
        return FUNCTIONS_BY_NAME["power"](self, other, out=self)

    def __contains__(self, value: Any) -> bool:
        # ``value in A`` is (A == value).any(): both steps are charged.
        return bool(FUNCTIONS_BY_NAME["any"](FUNCTIONS_BY_NAME["equal"](self, value)))

    # An element read out of a metered array stays metered: a 0-d metered array, not a
    # NumPy scalar, so arithmetic on it is charged (COST_MODEL v1.1). Slices are views.
    def __getitem__(self, key: Any) -> Any:
        r = _nd_getitem(self, key)
        if type(r) is FlopscopeArray:
            return r
        return dispatch.metered_scalar(r)

    def __round__(self, ndigits: Any = None) -> Any:
        # A 0-d result rounds like the NumPy scalar it replaces: round(x) is a Python int
        # (a conversion, free), round(x, k) is numpy.round, charged. NumPy arrays of any
        # other shape do not support round().
        if _nd.ndim.__get__(self) != 0:
            raise TypeError(f"type {type(self).__name__} doesn't define __round__ method for arrays of more than 0 dimensions")
        if ndigits is None:
            return round(self.item())
        return FUNCTIONS_BY_NAME["round"](self, ndigits)

    def __iter__(self) -> Any:
        it = _nd_iter(self)
        if _nd.ndim.__get__(self) == 1:
            return map(dispatch.metered_scalar, it)
        return it

    def __repr__(self) -> str:
        return repr(_view(self, _nd))

    def __str__(self) -> str:
        return str(_view(self, _nd))

    def __reduce__(self):
        # Pickled as bytes, dtype and shape (no plain ndarray is handed out), restored metered.
        raw = _view(self, _nd)
        return (_restore_bytes, (raw.tobytes(order="C"), raw.dtype.str, raw.shape))

    def conj(self):
        # ndarray.conj() of a real array is the array itself: nothing is computed.
        if self.dtype.kind != "c":
            return self
        return FUNCTIONS_BY_NAME["conjugate"](self)

    conjugate = conj

    def compress(self, condition: Any, axis: Any = None, out: Any = None) -> Any:
        # ndarray.compress(condition, ...) is numpy.compress(condition, self, ...)
        return FUNCTIONS_BY_NAME["compress"](condition, self, axis, out)

    def sort(self, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None) -> None:
        _in_place("sort", self, (axis, kind, order), {"stable": stable})

    def partition(self, kth: Any, axis: Any = -1, kind: Any = "introselect", order: Any = None) -> None:
        _in_place("partition", self, (kth, axis, kind, order), {})

    def fill(self, value: Any) -> None:
        FUNCTIONS_BY_NAME["copyto"](self, value, casting="unsafe")

    # The table's other "op" methods: A.sum(...) is fnp.sum(A, ...), and so on.
    for _spec in _methods.ARRAY_METHODS.values():
        if _spec.kind == _methods.OP and _spec.name not in ("conj", "conjugate", "compress"):
            locals()[_spec.name] = _method(_spec.name, _spec.op)
        elif _spec.kind == _methods.REFUSED:
            locals()[_spec.name] = _unsupported_method(_spec.name)
    del _spec


# Python operators that map to a ufunc. They are installed as plain methods
# (by install_operators, once the handlers exist) so that ``a + b`` skips
# NumPy's override protocol; anything unusual on the other side falls back to
# ndarray's own operator, which still reaches __array_ufunc__ and is charged.
BINARY_OPERATORS = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "truediv": np.divide,
    "floordiv": np.floor_divide, "mod": np.remainder, "matmul": np.matmul, "and": np.bitwise_and,
    "or": np.bitwise_or, "xor": np.bitwise_xor, "lshift": np.left_shift, "rshift": np.right_shift,
    "divmod": np.divmod,
}
COMPARISONS = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}
UNARY_OPERATORS = {"neg": np.negative, "pos": np.positive, "abs": np.absolute, "invert": np.invert}


dispatch.PLAIN_ARRAY_TYPES.add(FlopscopeArray)  # priced by shape alone on the generic path


def install_operators() -> None:
    fast = (FlopscopeArray, _nd, int, float, complex, bool)
    generic = np.generic

    def binary(dunder: str, h: Any, reflected: bool):
        fallback = getattr(_nd, dunder)
        call = h.call

        if reflected:
            def op(self, other):
                if type(other) in fast or isinstance(other, generic):
                    return call(other, self)
                return fallback(self, other)
        else:
            def op(self, other):
                if type(other) in fast or isinstance(other, generic):
                    return call(self, other)
                return fallback(self, other)

        op.__name__ = dunder
        return op

    for name, uf in BINARY_OPERATORS.items():
        h = UFUNCS[uf]
        setattr(FlopscopeArray, f"__{name}__", binary(f"__{name}__", h, False))
        setattr(FlopscopeArray, f"__r{name}__", binary(f"__r{name}__", h, True))
    reflected = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}
    for name, uf in COMPARISONS.items():
        setattr(FlopscopeArray, f"__{name}__", binary(f"__{name}__", UFUNCS[uf], False))
    for name, uf in UNARY_OPERATORS.items():
        call = UFUNCS[uf].call

        def op(self, call=call):
            return call(self)

        op.__name__ = f"__{name}__"
        setattr(FlopscopeArray, f"__{name}__", op)


def _restore(plain: np.ndarray) -> FlopscopeArray:
    return _view(plain, FlopscopeArray)


def _restore_bytes(data: bytes, dtype: str, shape: tuple) -> FlopscopeArray:
    arr = np.frombuffer(bytearray(data), dtype=np.dtype(dtype)).reshape(shape)
    return _view(arr, FlopscopeArray)


def metered(x: Any) -> FlopscopeArray:
    """A metered view of ``x`` (free: no data is touched)."""
    if type(x) is FlopscopeArray:
        return x
    return _view(np.asarray(x), FlopscopeArray)


dispatch.FA = FlopscopeArray
dispatch.register_internal(__file__)
