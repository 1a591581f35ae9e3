"""The op registry: one frozen :class:`OpSpec` per operation, keyed by its public name.

An ``OpSpec`` holds everything the rest of flopscope needs to know about an op:

* ``cost(shapes, **static)`` and ``shape(shapes, **static)``: the cost and
  output-shape rules, written with :mod:`flopscope.costs.dims` so they work on
  ints (the runtime) and on SymPy expressions (the analyzer and the docs);
* ``params``: the op's NumPy-style signature, saying which arguments are array
  operands (their shapes feed the rules), which are static (axis, subscripts,
  ...), and which are only passed through to NumPy (dtype, out, ...). The
  runtime and the analyzer both bind calls with :func:`bind`, so they agree on
  what every argument means;
* ``formula`` and ``example``: what the docs print.

Names are NumPy-relative: ``"exp"``, ``"linalg.solve"``, ``"fft.rfft"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from flopscope.costs import dims

# Parameter kinds.
ARRAY = "array"  # one array-like operand
ARRAYS = "arrays"  # a sequence of array-like operands (concatenate's first argument)
VARARGS = "varargs"  # *operands
NESTED = "nested"  # nested lists of operands (np.block); the nesting goes to static["structure"]
OUTS = "outs"  # a ufunc's out=: None, an array, or a tuple of arrays (never iterated)
STATIC = "static"  # read by the rules
PASS = "pass"  # forwarded to NumPy, ignored by the rules

_REQUIRED = object()


class ShapeError(ValueError):
    """The operands' shapes or static arguments are invalid for the op."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: Any = _REQUIRED
    positional: bool = True  # may be given positionally
    keyword: bool = True  # may be given by keyword

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED


def p_array(name: str, default: Any = _REQUIRED, *, keyword: bool = True) -> Param:
    return Param(name, ARRAY, default, keyword=keyword)


def p_arrays(name: str) -> Param:
    return Param(name, ARRAYS)


def p_nested(name: str) -> Param:
    return Param(name, NESTED)


def p_varargs(name: str) -> Param:
    return Param(name, VARARGS, (), keyword=False)


def p_static(name: str, default: Any = _REQUIRED, *, positional: bool = True) -> Param:
    return Param(name, STATIC, default, positional=positional)


def p_pass(name: str, default: Any = None, *, positional: bool = True) -> Param:
    return Param(name, PASS, default, positional=positional)


def kwonly(*params: Param) -> tuple[Param, ...]:
    return tuple(Param(p.name, p.kind, p.default, positional=False, keyword=True) for p in params)


@dataclass(frozen=True)
class Example:
    """A worked example for the docs: symbolic shapes (strings), statics, values."""

    shapes: tuple[tuple[str | int, ...], ...]
    static: tuple[tuple[str, Any], ...] = ()
    values: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class OpSpec:
    name: str
    category: str
    cost_rule: Callable[..., Any]
    shape_rule: Callable[..., Any]
    params: tuple[Param, ...]
    formula: str
    example: Example | None = None
    doc: str = ""
    # Names of static arguments that are sequences of operands' metadata and
    # are filled in by the caller (e.g. declared symmetry); not user-visible.
    extra_static: tuple[str, ...] = field(default=())

    def cost(self, shapes: tuple, **static: Any) -> Any:
        """The op's cost for these operand shapes; 0 when its output is empty.

        (Product formulas already vanish on an empty operand; an op that builds a
        non-empty output from an empty part, concatenate([empty, A]), still pays.)
        """
        if self.category == "free":
            return 0
        # A reduction's numel(input) is 0 exactly when its input is empty; the
        # runtime prices reductions from the input's shape alone.
        if self.category != "reduction" and _empty(self.shape_rule(shapes, **static)):
            return 0
        return self.cost_rule(shapes, **static)

    def shape(self, shapes: tuple, **static: Any) -> Any:
        """The output shape (a tuple of dims; a tuple of shapes for multi-output ops)."""
        return self.shape_rule(shapes, **static)

    @property
    def static_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.kind == STATIC) + self.extra_static

    @property
    def is_free(self) -> bool:
        return self.category == "free"


def _empty(out: Any) -> bool:
    """True if an output shape (or every shape of a multi-output op) has a zero dimension."""
    if isinstance(out, tuple) and out and all(isinstance(s, tuple) for s in out):
        return all(_empty(s) for s in out)
    for d in out:
        if type(d) is int:
            if d == 0:
                return True
        elif hasattr(d, "free_symbols") and dims.concrete(d) == 0:
            return True
    return False


class Registry:
    """A name -> OpSpec mapping that refuses to register a name twice."""

    def __init__(self) -> None:
        self._ops: dict[str, OpSpec] = {}

    def register(self, spec: OpSpec) -> OpSpec:
        if spec.name in self._ops:
            raise ValueError(f"op {spec.name!r} is already registered")
        self._ops[spec.name] = spec
        return spec

    def __getitem__(self, name: str) -> OpSpec:
        try:
            return self._ops[name]
        except KeyError:
            raise KeyError(f"no op named {name!r} in the flopscope cost table") from None

    def get(self, name: str) -> OpSpec | None:
        return self._ops.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._ops

    def __iter__(self) -> Iterator[OpSpec]:
        return iter(self._ops.values())

    def __len__(self) -> int:
        return len(self._ops)

    def names(self) -> list[str]:
        return list(self._ops)


@dataclass
class Bound:
    """A call bound to an op's parameters."""

    operands: list  # array-like operands, in parameter order (sequences flattened)
    groups: list  # (param name, kind, count) for each array parameter present
    static: dict
    passthrough: dict
    given: dict  # every argument the call gave, by parameter name


def sequence_params(spec: OpSpec) -> list[tuple[int | None, str]]:
    """(positional index, name) of the op's sequence-of-arrays parameters."""
    out = []
    for i, p in enumerate(spec.params):
        if p.kind in (ARRAYS, NESTED):
            out.append((i if p.positional else None, p.name))
    return out


def normalize_sequences(spec: OpSpec, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Sequences of arrays given as other iterables (a deque) become lists, so that
    the binder and NumPy see the same operands."""
    params = sequence_params(spec)
    if not params:
        return args, kwargs
    args = list(args)
    for index, name in params:
        if index is not None and index < len(args):
            args[index] = _as_list(args[index])
        elif name in kwargs:
            kwargs = dict(kwargs)
            kwargs[name] = _as_list(kwargs[name])
    return tuple(args), kwargs


def _as_list(v: Any) -> Any:
    if isinstance(v, (list, tuple)) or hasattr(v, "shape") or hasattr(v, "__next__") or not hasattr(v, "__iter__"):
        return v
    if isinstance(v, (str, bytes, dict)):
        return v
    return list(v)


def bind(spec: OpSpec, args: tuple, kwargs: dict) -> Bound:
    """Map a NumPy-style call to operands, static arguments and pass-through ones.

    Raises TypeError with a NumPy-like message for a call that does not fit the
    signature (too many positionals, an unknown or duplicated keyword, a missing
    required argument).
    """
    params = spec.params
    values: dict[str, Any] = {}
    pos = list(args)
    i = 0
    for p in params:
        if not pos:
            break
        if p.kind == VARARGS:
            values[p.name] = tuple(pos)
            pos = []
            break
        if not p.positional:
            break
        values[p.name] = pos.pop(0)
        i += 1
    if pos:
        raise TypeError(f"{spec.name}() takes at most {i} positional arguments ({len(args)} given)")
    by_name = {p.name: p for p in params}
    for k, v in kwargs.items():
        p = by_name.get(k)
        if p is None or not p.keyword:
            raise TypeError(f"{spec.name}() got an unexpected keyword argument {k!r}")
        if k in values:
            raise TypeError(f"{spec.name}() got multiple values for argument {k!r}")
        values[k] = v
    operands: list = []
    groups: list = []
    static: dict = {}
    passthrough: dict = {}
    for p in params:
        if p.name in values:
            v = values[p.name]
        elif p.required:
            raise TypeError(f"{spec.name}() missing required argument {p.name!r}")
        else:
            v = p.default
        if p.kind == ARRAY:
            if v is not None:
                operands.append(v)
                groups.append((p.name, ARRAY, 1))
        elif p.kind in (ARRAYS, VARARGS):
            if hasattr(v, "__next__"):
                raise TypeError(f"{spec.name}() needs a list or tuple of arrays, not an iterator")
            if v is None:
                seq = []
            elif isinstance(v, (list, tuple)):
                seq = list(v)
            elif hasattr(v, "__iter__") and not isinstance(v, (str, bytes)):
                seq = list(v)  # an array given as a sequence: its rows
            else:
                seq = [v]
            operands.extend(seq)
            groups.append((p.name, p.kind, len(seq)))
        elif p.kind == OUTS:
            seq = [] if v is None else [x for x in v if x is not None] if isinstance(v, tuple) else [v]
            operands.extend(seq)
            groups.append((p.name, OUTS, len(seq)))
        elif p.kind == NESTED:
            start = len(operands)

            def flatten(node: Any) -> Any:
                if isinstance(node, list):
                    return [flatten(x) for x in node]
                operands.append(node)
                return len(operands) - 1

            static["structure"] = flatten(v)
            groups.append((p.name, NESTED, len(operands) - start))
        elif p.kind == STATIC:
            static[p.name] = v
        elif p.name in values:
            passthrough[p.name] = v
    return Bound(operands, groups, static, passthrough, values)
