"""Abstract values: what the analyzer knows about a Python value without running it.

Sizes and Python numbers are SymPy expressions (``Scalar``); arrays carry a
symbolic shape (``Array``); containers, functions, classes, instances and
modules are modelled just far enough to follow a solver's data flow. A value
the analyzer cannot follow is ``Unknown``: using it where a cost depends on it
produces a located diagnostic, never a silent zero.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import sympy

_ids = itertools.count(1)


class Value:
    """Base of every abstract value."""

    def describe(self) -> str:
        return type(self).__name__.lower()


@dataclass(eq=False)
class Unknown(Value):
    reason: str = "a value the analyzer cannot follow"
    reported: bool = False  # its cause already has a diagnostic at its source

    def describe(self) -> str:
        return f"unknown ({self.reason})"


@dataclass(eq=False)
class Scalar(Value):
    """A Python number. ``expr`` is a SymPy expression, or None if data-dependent.

    Arithmetic between Python numbers is never charged, as at runtime. (A counted
    op's single-value result is not a Scalar: it is a 0-d metered Array.)
    """

    expr: Any = None
    kind: str = "int"  # int, float, bool, complex

    @property
    def known(self) -> bool:
        return self.expr is not None

    def describe(self) -> str:
        return f"{self.kind} {self.expr}" if self.known else f"data-dependent {self.kind}"


@dataclass(eq=False)
class Str(Value):
    value: str


@dataclass(eq=False)
class NoneValue(Value):
    pass


@dataclass(eq=False)
class Array(Value):
    """An array of symbolic shape. ``metered``: a flopscope array (operators charge)."""

    shape: tuple
    metered: bool = True
    dtype: str = "float"
    ident: int = field(default_factory=lambda: next(_ids))
    symmetry: tuple = ()  # declared symmetric axis groups (as_symmetric)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def describe(self) -> str:
        kind = "array" if self.metered else "plain numpy array"
        return f"{kind} of shape ({', '.join(str(d) for d in self.shape)}{',' if len(self.shape) == 1 else ''})"


@dataclass(eq=False)
class Tuple(Value):
    items: tuple
    fields: tuple = ()  # a namedtuple's field names (linalg results: EighResult, SVDResult, ...)

    def __iter__(self):  # lets costs.bind read a tuple of operands
        return iter(self.items)


@dataclass(eq=False)
class List(Value):
    """A list: known items, then optional symbolic runs of items.

    ``runs`` holds (count, item, var): ``count`` copies of ``item``; if ``var`` is
    a symbol, the item depends on it and runs over 0..count-1.
    """

    items: list
    runs: list = field(default_factory=list)

    @property
    def concrete(self) -> bool:
        return not self.runs

    def __iter__(self):  # lets costs.bind read a list of operands (known length only)
        if self.runs:
            raise TypeError("a list of symbolic length")
        return iter(self.items)

    def length(self):
        total = sympy.Integer(len(self.items))
        for count, _item, _var in self.runs:
            total += count
        return total


@dataclass(eq=False)
class Dict(Value):
    items: dict  # python key -> Value
    complete: bool = True


@dataclass(eq=False)
class Range(Value):
    start: Any
    stop: Any
    step: Any


@dataclass(eq=False)
class Function(Value):
    node: Any  # libcst FunctionDef
    name: str
    qualname: str
    scope: Any  # defining Scope (closure)
    defaults: dict  # param name -> Value
    budget: Any = None  # BudgetInfo when decorated with @flops.budget
    namespace: str | None = None  # when decorated with @flops.namespace(...)
    kind: str = "function"  # function, staticmethod, classmethod, property

    def describe(self) -> str:
        return f"function {self.qualname}"


@dataclass(eq=False)
class BoundMethod(Value):
    func: Function
    self_value: Value


@dataclass(eq=False)
class Class(Value):
    name: str
    attrs: dict
    bases: tuple = ()
    node: Any = None

    def lookup(self, name: str):
        if name in self.attrs:
            return self.attrs[name]
        for base in self.bases:
            if isinstance(base, Class):
                found = base.lookup(name)
                if found is not None:
                    return found
        return None


@dataclass(eq=False)
class Instance(Value):
    cls: Class
    attrs: dict = field(default_factory=dict)
    ident: int = field(default_factory=lambda: next(_ids))


@dataclass(eq=False)
class ObjectValue(Value):
    """``obj(attr=..., ...)`` from ``--arg``: an object with those attributes."""

    attrs: dict


@dataclass(eq=False)
class Module(Value):
    name: str  # "flopscope", "flopscope.numpy", "flopscope.numpy.linalg", "numpy", "math", ...


@dataclass(eq=False)
class OpRef(Value):
    """A table op reachable as a function: fnp.einsum, np.exp, la.solve, ..."""

    name: str  # table name, e.g. "einsum", "linalg.solve"
    via: str  # "flopscope" or "numpy" (a real numpy function: charged only on metered arrays)


@dataclass(eq=False)
class BoundOp(Value):
    """A table op with some arguments already given: a frozen distribution's ``cdf``."""

    op: OpRef
    kwargs: dict


@dataclass(eq=False)
class UfuncMethod(Value):
    op: OpRef
    method: str  # reduce, accumulate, outer


@dataclass(eq=False)
class ArrayMethod(Value):
    array: Array
    name: str


@dataclass(eq=False)
class Builtin(Value):
    name: str


@dataclass(eq=False)
class ListMethod(Value):
    target: Any
    name: str


@dataclass(eq=False)
class FlopscopeApi(Value):
    """A flopscope (non-numpy) callable: BudgetContext, budget, namespace, cost queries, ..."""

    name: str


@dataclass(eq=False)
class BudgetValue(Value):
    """A BudgetContext object (or the context of an @flops.budget function)."""

    info: Any


@dataclass(eq=False)
class NamespaceValue(Value):
    name: str


@dataclass(eq=False)
class NpzValue(Value):
    """An ``.npz`` archive opened with ``fnp.load``: its arrays' shapes and dtypes, read
    from the file's headers (never its data)."""

    path: str
    entries: dict  # key -> (shape tuple, dtype kind: "float", "int", "bool", "complex")
    metered: bool = True

    def describe(self) -> str:
        return f"the .npz archive {self.path}"


@dataclass(eq=False)
class IndexExpr(Value):
    """``fnp.r_``, ``c_``, ``mgrid``, ``ogrid``, ``s_``, ``index_exp``: subscripted like arrays."""

    name: str
    metered: bool = True


@dataclass(eq=False)
class DistValue(Value):
    """A distribution of flopscope.stats (``norm``), or a frozen one (``norm(loc, scale)``)."""

    name: str
    frozen: dict | None = None  # {"loc": Value, "scale": Value} for a frozen distribution

    def describe(self) -> str:
        return f"flopscope.stats.{self.name}" + (" (frozen)" if self.frozen is not None else "")


@dataclass(eq=False)
class BudgetViewValue(Value):
    """``flops.current_budget()``: a read-only view of the innermost budget."""

    info: Any  # BudgetInfo, or None outside any budget


@dataclass(eq=False)
class Opaque(Value):
    """A value with no cost relevance (a dtype, an rng, a string method, ...)."""

    what: str = "object"


def is_array(v: Value) -> bool:
    return isinstance(v, Array)


def int_scalar(expr) -> Scalar:
    return Scalar(sympy.sympify(expr), "int")
