"""Signatures and docstrings of the metered functions, from the cost table.

The metered callables take ``(*args, **kwargs)`` and bind them with the table's
parameter list (``OpSpec.params``). This module gives each one the same list as an
``inspect.Signature``, so that ``inspect.signature(fnp.sum)``, ``help()`` and an
IDE see ``(a, axis=None, dtype=None, out=None, keepdims=False, ...)``.

The signature is built on first use (:class:`TableSignature`): building all of
them when ``flopscope.numpy`` is imported would cost a few milliseconds for
something only ``help()`` and IDEs read.

A docstring is NumPy's own summary line (read from the installed NumPy), then the
op's cost: the table's formula text, and its rule on symbols and on the worked
example's numbers. Those last two need SymPy, which importing flopscope.numpy must
not load, so ``tools/gen_stubs.py`` (``make stubs``) writes them into
``_costdocs.py``, and tests/test_typing.py fails when that file is stale.
"""

from __future__ import annotations

import inspect
from typing import Any

from flopscope.costs import COST_MODEL_NAME
from flopscope.costs.registry import VARARGS, OpSpec

_P = inspect.Parameter
_EMPTY = inspect.Parameter.empty


def kind_of(p: Any) -> Any:
    """The ``inspect.Parameter`` kind of a table parameter."""
    if p.kind == VARARGS:
        return _P.VAR_POSITIONAL
    if not p.positional:
        return _P.KEYWORD_ONLY
    if not p.keyword:
        return _P.POSITIONAL_ONLY
    return _P.POSITIONAL_OR_KEYWORD


def parameters(spec: OpSpec, method: bool = False) -> list[inspect.Parameter]:
    """The op's parameters as NumPy declares them (``self`` first for a method)."""
    out = [_P("self", _P.POSITIONAL_ONLY)] if method else []
    for p in spec.params:
        kind = kind_of(p)
        default = _EMPTY if p.required or kind is _P.VAR_POSITIONAL else p.default
        out.append(_P(p.name, kind, default=default))
    return out


class TableSignature(inspect.Signature):
    """An ``inspect.Signature`` read from an op's table entry the first time it is used.

    Constructed with ``spec=``, it holds the spec only; its parameters are built when
    something reads them. Constructed like an ordinary Signature (``replace()``,
    ``functools.partial`` do that), it is one.
    """

    __slots__ = ("_spec", "_method")

    def __init__(self, parameters: Any = None, *, return_annotation: Any = _EMPTY,
                 spec: OpSpec | None = None, method: bool = False, **kwargs: Any) -> None:
        self._spec = spec
        self._method = method
        if spec is None:
            super().__init__(parameters, return_annotation=return_annotation, **kwargs)
        else:
            self._return_annotation = return_annotation

    def _build(self) -> None:
        spec = self._spec
        if spec is not None:
            inspect.Signature.__init__(self, parameters(spec, self._method), return_annotation=self._return_annotation)
            self._spec = None

    @property
    def parameters(self) -> Any:  # type: ignore[override]
        self._build()
        return super().parameters

    def __reduce__(self) -> Any:
        return (inspect.Signature, (tuple(self.parameters.values()),), {"_return_annotation": self._return_annotation})


def numpy_summary(fn: Any) -> str:
    """The summary line of NumPy's docstring for ``fn`` ("" if it has none).

    A ufunc's or a C method's docstring starts with its signature, ``add(x1, x2, /, ...)``:
    the summary is the paragraph after it.
    """
    doc = getattr(fn, "__doc__", None)
    if not isinstance(doc, str):
        return ""
    paragraphs = doc.strip().split("\n\n", 2)
    first = paragraphs[0].strip()
    if len(paragraphs) > 1 and first.endswith(")") and "(" in first and " " not in first.partition("(")[0]:
        first = paragraphs[1].strip()
    return " ".join(line.strip() for line in first.splitlines())


def _costdocs() -> dict:
    from flopscope.numpy._costdocs import COSTS

    return COSTS


def make_doc(spec: OpSpec, numpy_fn: Any = None) -> str:
    """An op's docstring: NumPy's summary, what flopscope does, the cost with its worked example."""
    summary = numpy_summary(numpy_fn)
    head = f"{summary}\n\n" if summary else ""
    text = (f"{head}Metered numpy.{spec.name}: same arguments and result as NumPy.\n\n"
            f"Cost ({COST_MODEL_NAME}): {spec.formula}. Category: {spec.category}.")
    worked = _costdocs().get(spec.name)
    if worked is not None:
        formula, call, value = worked
        text += f"\n    = {formula};  {call}: {value:,} FLOPs"
    return text


def attach(f: Any, spec: OpSpec, numpy_fn: Any = None, method: bool = False, doc: str | None = None) -> None:
    """Give a metered callable its table signature (lazy) and its docstring."""
    f.__signature__ = TableSignature(spec=spec, method=method)
    f.__doc__ = make_doc(spec, numpy_fn) if doc is None else doc
