"""Builds the metered ``flopscope.numpy`` namespace from the cost table.

One loop over ``costs.OPS``: each op becomes a function that prices the call
with the op's rules and runs NumPy's own implementation. The family of the op
picks the calling convention (ufunc, reduction, einsum, free, generic); no op is
written by hand here.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from flopscope.costs import OPS
from flopscope.costs.registry import OpSpec
from flopscope.costs.table_io import INDEX_EXPRESSIONS
from flopscope.numpy import _extensions, _files, _signatures
from flopscope.runtime import array as _array
from flopscope.runtime import dispatch
from flopscope.runtime.errors import UnsupportedOperationError

NUMPY_MODULES = ("linalg", "fft", "random")
# flopscope's own implementations of table ops: documented extensions of NumPy's
# signatures (svd's k=) and the file and error-state functions with their refusals.
IMPLEMENTATIONS = {**_extensions.IMPLEMENTATIONS, **_files.IMPLEMENTATIONS}


def numpy_callable(name: str) -> Any:
    """NumPy's implementation of a table op (None if this NumPy lacks it)."""
    module, _, attr = name.rpartition(".")
    if module.partition(".")[0] in NUMPY_MODULES and "." in module:
        # a method of a NumPy class: "random.Generator.normal" -> numpy.random.Generator.normal
        sub, _, cls = module.partition(".")
        return getattr(getattr(getattr(np, sub), cls, None), attr, None)
    owner = getattr(np, module) if module in NUMPY_MODULES else np
    return getattr(owner, attr, None)


def _make_ufunc(name: str, spec: OpSpec, uf: np.ufunc) -> tuple[Callable, dispatch.UfuncHandler]:
    h = dispatch.UfuncHandler(name, spec, uf)
    f = dispatch.make_unary(h) if uf.nin == 1 else dispatch.make_binary(h)
    for kind in ("reduce", "accumulate", "outer"):
        setattr(f, kind, _ufunc_method(h, kind, uf))
    for attr in ("nin", "nout", "nargs", "identity", "ntypes", "types", "signature"):
        setattr(f, attr, getattr(uf, attr))
    f.ufunc = uf  # type: ignore[attr-defined]
    return f, h


def _ufunc_method(h: dispatch.UfuncHandler, kind: str, uf: np.ufunc) -> Callable:
    """``fnp.add.reduce`` and the like: priced by the table's ``ufunc.<kind>``."""
    method = dispatch.call_ufunc_method

    def m(*args, **kwargs):
        return method(h, kind, args, kwargs)

    m.__name__ = kind
    m.__qualname__ = f"{uf.__name__}.{kind}"
    spec = OPS[f"ufunc.{kind}"]
    doc = _METHOD_DOCS.get(kind)
    if doc is None:  # the same for every ufunc
        doc = _METHOD_DOCS[kind] = _signatures.make_doc(spec, getattr(uf, kind))
    _signatures.attach(m, spec, doc=doc)
    m.spec = spec  # type: ignore[attr-defined]
    return m


_METHOD_DOCS: dict[str, str] = {}


def _make_op(name: str, spec: OpSpec, fn: Callable) -> Callable:
    if spec.category == "free":
        call_free = dispatch.call_free

        def f(*args, **kwargs):
            return call_free(fn, args, kwargs)

        return f
    if spec.category == "einsum":
        call_einsum = dispatch.call_einsum

        def f(*operands, **kwargs):
            return call_einsum(operands, kwargs)

        return f
    h = dispatch.OpHandler(name, spec, fn)
    if spec.category == "reduction":
        return dispatch.make_reduction(h)
    if spec.category == "joining":
        return dispatch.make_joining(h)
    call_op = dispatch.call_op

    def f(*args, **kwargs):
        return call_op(h, args, kwargs)

    return f


def build(prefix: str) -> dict[str, Any]:
    """The metered callables for table ops under ``prefix`` ("" for top level, "linalg", ...)."""
    out: dict[str, Any] = {}
    for spec in OPS:
        module, _, attr = spec.name.rpartition(".")
        if module != prefix:
            continue
        if spec.name in INDEX_EXPRESSIONS:
            continue  # subscripted objects, not functions: flopscope.numpy._index
        fn = numpy_callable(spec.name)
        if fn is None:  # not in this NumPy version
            continue
        if isinstance(fn, np.ufunc):
            f, h = _make_ufunc(spec.name, spec, fn)
            if fn.__name__ == attr or fn not in _array.UFUNCS:
                _array.UFUNCS[fn] = h
        else:
            # A documented flopscope extension of NumPy's signature runs its own implementation.
            f = _make_op(spec.name, spec, IMPLEMENTATIONS.get(spec.name, fn))
            _array.FUNCTIONS.setdefault(fn, f)
        f.__name__ = attr
        f.__qualname__ = attr
        f.__module__ = "flopscope.numpy" + (f".{prefix}" if prefix else "")
        _signatures.attach(f, spec, fn)
        f.spec = spec  # type: ignore[attr-defined]
        out[attr] = f
        if not prefix:
            _array.FUNCTIONS_BY_NAME[attr] = f
    return out


# NumPy functions that compute nothing on an array's data (dtypes, memory, printing):
# free on a metered array.
FREE_NUMPY_FUNCTIONS = (
    "result_type can_cast iscomplexobj isrealobj may_share_memory shares_memory array2string array_repr "
    "array_str min_scalar_type common_type"
).split()


def install_operators() -> None:
    _array.install_operators()
    for name in FREE_NUMPY_FUNCTIONS:
        fn = getattr(np, name, None)
        if fn is not None:
            _array.FREE_FUNCTIONS.add(fn)


def not_supported(module: str, name: str) -> UnsupportedOperationError:
    from flopscope.costs.inventory import BLOCKED_BY_MODULE

    full = f"numpy.{module + '.' if module else ''}{name}"
    reason = BLOCKED_BY_MODULE.get(module, {}).get(name)
    if reason is not None:
        return UnsupportedOperationError(f"flopscope.{full} is refused: {reason}")
    return UnsupportedOperationError(
        f"flopscope.{full} is not supported by flopscope: it has no cost rule, so it is refused "
        f"rather than run unmetered (see docs/cost-reference.md for what is metered)"
    )


def free_names(module: str, available: Any) -> dict[str, Any]:
    """The free pass-through names of a module (NumPy's own objects)."""
    from flopscope.costs.inventory import FREE_NAMES_BY_MODULE

    return {n: getattr(available, n) for n in FREE_NAMES_BY_MODULE.get(module, ()) if hasattr(available, n)}


def module_getattr(module: str, available: Any) -> Callable[[str], Any]:
    def __getattr__(name: str) -> Any:
        if not name.startswith("__") and hasattr(available, name):
            raise not_supported(module, name)
        raise AttributeError(f"module 'flopscope.numpy{'.' + module if module else ''}' has no attribute {name!r}")

    return __getattr__


dispatch.register_internal(__file__)
