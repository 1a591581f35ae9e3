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
    cause: Any = None  # the Site of that diagnostic, when known: derived values point to it
    member: bool = False  # an attribute of an unknown value: calling it may run a counted array method

    def describe(self) -> str:
        return f"unknown ({self.reason})"


def root_unknown(values) -> "Unknown | None":
    """The first already-reported unknown among ``values`` (looking into tuples and
    lists): a value derived from it is unknown without a diagnostic of its own."""
    stack = list(values)
    seen = 0
    while stack and seen < 256:
        v = stack.pop(0)
        seen += 1
        if isinstance(v, Unknown) and v.reported:
            return v
        if isinstance(v, (Tuple, List)):
            stack.extend(v.items)
            stack.extend(run[1] for run in getattr(v, "runs", ()))
    return None


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
    known: bool = True  # False: a string whose text the analyzer does not follow (formatted, str(x))


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
    # an array on some paths and a Python number (or a smaller array) on others, as the
    # data decides: what is charged on it is an upper bound
    loose: bool = False

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

    ``runs`` holds (count, item, var, start, step): ``count`` copies of ``item``; if
    ``var`` is a symbol, the item depends on it, var taking start + step*k for k in
    0..count-1.
    """

    items: list
    runs: list = field(default_factory=list)
    born: int = field(default_factory=lambda: next(_ids), repr=False)
    # grown in a loop the data may leave early (or skip an append of): its length here is
    # the most it can be, so what is charged on it is an upper bound
    loose: bool = False

    @property
    def concrete(self) -> bool:
        return not self.runs

    def __iter__(self):  # lets costs.bind read a list of operands (known length only)
        if self.runs:
            raise TypeError("a list of symbolic length")
        return iter(self.items)

    def length(self):
        total = sympy.Integer(len(self.items))
        for run in self.runs:
            total += run[0]
        return total


@dataclass(eq=False)
class Dict(Value):
    items: dict  # python key -> Value
    complete: bool = True
    born: int = field(default_factory=lambda: next(_ids), repr=False)


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
    born: int = field(default_factory=lambda: next(_ids), repr=False)
    # a @dataclass's (or NamedTuple's) fields in order: (name, default Value, or a
    # zero-argument callable for a default_factory, or None)
    fields: tuple | None = None

    def all_fields(self) -> list | None:
        """The fields of this class and its dataclass bases (bases first), or None."""
        out: dict = {}
        found = False
        for base in reversed(self.bases):
            if isinstance(base, Class):
                inherited = base.all_fields()
                if inherited is not None:
                    found = True
                    out.update({name: default for name, default in inherited})
        if self.fields is not None:
            found = True
            out.update({name: default for name, default in self.fields})
        return list(out.items()) if found else None

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

    @property
    def born(self) -> int:
        return self.ident


@dataclass(eq=False)
class ObjectValue(Value):
    """``obj(attr=..., ...)`` from ``--arg``: an object with those attributes."""

    attrs: dict
    born: int = field(default_factory=lambda: next(_ids), repr=False)


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


class SliceValue(Value):
    def __init__(self, lower, upper, step):
        self.lower, self.upper, self.step = lower, upper, step


class ArrayMethodValue(Value):
    def __init__(self, array: Array, name: str):
        self.array, self.name = array, name

    def describe(self) -> str:
        return f"array method .{self.name}"


class SuperValue(Value):
    def __init__(self, owner, self_value):
        self.owner, self.self_value = owner, self_value


@dataclass(eq=False)
class GeneratorValue(Value):
    """A random generator: ``kind`` is "Generator" or "RandomState"; ``metered`` if flopscope's."""

    kind: str = "Generator"
    metered: bool = True

    def describe(self) -> str:
        return f"{'metered ' if self.metered else ''}numpy.random.{self.kind}"


@dataclass(eq=False)
class GeneratorMethod(Value):
    generator: GeneratorValue
    name: str


# ---------------------------------------------------------------------- pure functions of values


def py_key(value: Value):
    if isinstance(value, Str):
        return value.value
    if isinstance(value, Scalar) and value.known and sympy.sympify(value.expr).is_Integer:
        return int(value.expr)
    if isinstance(value, Tuple):
        parts = tuple(py_key(v) for v in value.items)
        return None if any(p is None for p in parts) else parts
    return None


def holds_metered(value: Value) -> bool:
    """Whether a metered array is reachable from ``value`` (through containers and
    attributes; an object graph with cycles is walked once)."""
    stack, seen = [value], set()
    while stack:
        v = stack.pop()
        if isinstance(v, Array):
            if v.metered:
                return True
            continue
        if id(v) in seen:
            continue
        seen.add(id(v))
        if isinstance(v, Tuple):
            stack.extend(v.items)
        elif isinstance(v, List):
            stack.extend(v.items)
            stack.extend(r[1] for r in v.runs)
        elif isinstance(v, (Instance, ObjectValue)):
            stack.extend(v.attrs.values())
        elif isinstance(v, Dict):
            stack.extend(v.items.values())
    return False


def is_meter_value(value: Value) -> bool:
    """Whether ``value`` is one of the meter's own objects: flopscope's modules, API,
    types, metered arrays, budgets and distributions, or NumPy's modules and ndarray
    class (whose attributes a solver must not read around, or replace)."""
    if isinstance(value, Module):
        return value.name.split(".")[0] in ("flopscope", "numpy")
    if isinstance(value, Array):
        return value.metered
    if isinstance(value, (FlopscopeApi, BudgetValue, BudgetViewValue, NamespaceValue, DistValue)):
        return True
    if isinstance(value, OpRef):
        return value.via == "flopscope"
    if isinstance(value, (GeneratorValue, IndexExpr, NpzValue)):
        return value.metered
    if isinstance(value, Opaque):
        return value.what.startswith("flopscope.") or value.what == "numpy.ndarray"
    return False


def same_shape(a: Value, b: Value) -> bool:
    if isinstance(a, Array) and isinstance(b, Array):
        return len(a.shape) == len(b.shape) and all(sympy.sympify(x) == sympy.sympify(y) for x, y in zip(a.shape, b.shape))
    if isinstance(a, Scalar) and isinstance(b, Scalar):
        return a.kind == b.kind
    return False


def run_item(run, k):
    item, var = run[1], run[2]
    if var is None:
        return item

    start, step = run[3], run[4]
    return subs_value(item, var, start + step * k)


def any_run_item(seq: List) -> Value:
    run = seq.runs[0]
    if run[2] is None and len(seq.runs) == 1:
        return run[1]
    return Unknown("an element of a list of symbolic length")


def as_number(x):
    """A truth value in arithmetic is the int Python makes of it (True + 1 == 2); a
    condition on sizes becomes 1 where it holds and 0 elsewhere."""
    if x is sympy.true or x is sympy.false:
        return sympy.Integer(1 if x is sympy.true else 0)
    if isinstance(x, (sympy.logic.boolalg.BooleanFunction, sympy.core.relational.Relational)):
        return sympy.Piecewise((1, x), (0, True))
    return x


def same_value(a, b) -> bool:
    if a is b:
        return True
    if isinstance(a, Scalar) and isinstance(b, Scalar):
        if a.known and b.known:
            return sympy.expand(as_number(sympy.sympify(a.expr)) - as_number(sympy.sympify(b.expr))) == 0
        return not a.known and not b.known
    if isinstance(a, Array) and isinstance(b, Array):
        return (
            len(a.shape) == len(b.shape)
            and all(sympy.expand(sympy.sympify(x) - sympy.sympify(y)) == 0 for x, y in zip(a.shape, b.shape))
            and a.metered == b.metered
            and a.symmetry == b.symmetry
        )
    if isinstance(a, Tuple) and isinstance(b, Tuple):
        return len(a.items) == len(b.items) and all(same_value(x, y) for x, y in zip(a.items, b.items))
    if isinstance(a, (NoneValue,)) and isinstance(b, NoneValue):
        return True
    if isinstance(a, Str) and isinstance(b, Str):
        return a.value == b.value and a.known == b.known
    if isinstance(a, Unknown) and isinstance(b, Unknown):
        return True
    return False


def mentions(value: Value, var) -> bool:
    if isinstance(value, Array):
        return any(var in sympy.sympify(d).free_symbols for d in value.shape)
    if isinstance(value, Scalar) and value.known:
        return var in sympy.sympify(value.expr).free_symbols
    if isinstance(value, Tuple):
        return any(mentions(v, var) for v in value.items)
    return False


def subs_value(value: Value, var, replacement) -> Value:
    if isinstance(value, Array):
        return Array(tuple(plain_dim(sympy.sympify(d).subs(var, replacement)) for d in value.shape), value.metered, value.dtype, symmetry=value.symmetry)
    if isinstance(value, Scalar) and value.known:
        return Scalar(sympy.sympify(value.expr).subs(var, replacement), value.kind)
    if isinstance(value, Tuple):
        return Tuple(tuple(subs_value(v, var, replacement) for v in value.items))
    return value


def forget(value: Value) -> Value:
    if isinstance(value, Scalar):
        return Scalar(None, value.kind)
    if isinstance(value, Array):
        return Unknown("an array whose shape changes in a loop the analyzer cannot follow")
    return value if isinstance(value, (Function, Class, Module)) else Unknown("changed in a loop the analyzer cannot follow")


def generalize(old: Value, new: Value) -> Value:
    """A value that changes in a loop the analysis cannot count: what is the same before
    and after one iteration is kept, the rest is unknown."""
    if same_value(old, new):
        return new
    if isinstance(old, Scalar) and isinstance(new, Scalar):
        return Scalar(None, new.kind)
    if isinstance(old, Array) and isinstance(new, Array) and old.shape == new.shape:
        return Array(new.shape, old.metered or new.metered, new.dtype)
    return forget(new)


def key_value(key):
    if isinstance(key, str):
        return Str(key)
    if isinstance(key, int):
        return Scalar(sympy.Integer(key), "int")
    return Unknown("a dict key")


def plain_dim(expr):
    return int(expr) if getattr(expr, "is_Integer", False) else expr


def birth() -> int:
    """A fresh stamp from the counter that stamps containers when they are made."""
    return next(_ids)


class NoFingerprint(Exception):
    pass


def fingerprint(value: Value, depth: int = 0, at=None):
    """A hashable summary of everything the analysis of a call can read off a value.

    Two values with equal fingerprints are analyzed alike (arrays by shape, numbers
    by expression, containers by content, functions and modules by identity), so a
    call's cost and result can be reused. With ``at`` (a size expression -> its value at
    the given sizes, or None), sizes are compared by value: floor(n/2) and
    n - floor(n/2) are one size at n = 256. Raises NoFingerprint for what has none."""
    if depth > 6:
        raise NoFingerprint
    d = depth + 1

    def size(x):
        x = sympy.sympify(x)
        if at is not None and x.free_symbols:
            v = at(x)
            if v is not None:
                return v
        return x

    if isinstance(value, Array):
        return ("A", tuple(size(x) for x in value.shape), value.metered, value.dtype, value.symmetry)
    if isinstance(value, Scalar):
        return ("S", None if value.expr is None else size(value.expr), value.kind)
    if isinstance(value, Str):
        return ("T", value.value, value.known)
    if isinstance(value, NoneValue):
        return ("N",)
    if isinstance(value, Unknown):
        return ("U", value.reported, value.cause)
    if isinstance(value, Tuple):
        return ("t", value.fields, tuple(fingerprint(v, d, at) for v in value.items))
    if isinstance(value, List):
        if len(value.items) > 64:
            raise NoFingerprint
        runs = tuple((sympy.sympify(r[0]), fingerprint(r[1], d, at), *(sympy.sympify(x) if x is not None else None
                                                                    for x in r[2:])) for r in value.runs)
        return ("L", tuple(fingerprint(v, d, at) for v in value.items), runs)
    if isinstance(value, Dict):
        if len(value.items) > 64:
            raise NoFingerprint
        return ("D", value.complete, tuple((k, fingerprint(v, d, at)) for k, v in value.items.items()))
    if isinstance(value, (Instance, ObjectValue)):
        if len(value.attrs) > 64:
            raise NoFingerprint
        cls = id(value.cls) if isinstance(value, Instance) else None
        return ("I", cls, tuple((k, fingerprint(v, d, at)) for k, v in value.attrs.items()))
    if isinstance(value, BoundMethod):
        return ("M", id(value.func), fingerprint(value.self_value, d, at))
    if isinstance(value, (Function, Class, Module, OpRef, Builtin, FlopscopeApi, DistValue, Opaque)):
        return ("id", id(value))
    raise NoFingerprint


def reusable(value: Value, depth: int = 0) -> bool:
    """A call result that can be handed out again: immutable values only."""
    if depth > 6:
        return False
    if isinstance(value, (Array, Scalar, Str, NoneValue, Unknown, Function, Class, Module, OpRef)):
        return True
    if isinstance(value, Tuple):
        return all(reusable(v, depth + 1) for v in value.items)
    return False


def fresh(value: Value) -> Value:
    """A reused result: arrays get their own identity, as a new call's would."""
    if isinstance(value, Array):
        return Array(value.shape, value.metered, value.dtype, symmetry=value.symmetry)
    if isinstance(value, Tuple):
        return Tuple(tuple(fresh(v) for v in value.items), value.fields)
    return value
