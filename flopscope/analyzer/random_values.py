"""numpy.random in the analyzer: generators as abstract values, samplers priced by the table.

``rng = fnp.random.default_rng(0)`` (or ``fnp.random.RandomState(0)``) is a
:class:`GeneratorValue`; ``rng.normal(size=(n, m))`` is priced by the table op
``random.Generator.normal`` through the same binder and rules as the runtime,
and the legacy ``fnp.random.rand(n, m)`` by ``random.rand``. On plain NumPy
(``np.random.default_rng``) the same ops are followed for their shapes and
charge nothing, as at runtime.

Arguments that are either a number or an array (choice's ``a``, permutation's
``x``, ``out=``) are static in the table; an abstract array given there is
handed to the rules as an object carrying only its symbolic ``.shape``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from flopscope.analyzer.values import Array, List, NoneValue, Opaque, OpRef, Unknown, Value
from flopscope.costs import OPS
from flopscope.costs.registry import STATIC, VARARGS

# Names of flopscope.numpy.random that are NumPy's own objects and compute nothing.
FREE_RANDOM_NAMES = {"seed", "get_state", "set_state", "get_bit_generator", "set_bit_generator"}
CONSTRUCTORS = {"random.default_rng": "Generator", "random.Generator": "Generator", "random.RandomState": "RandomState",
                "random.SeedSequence": "SeedSequence"}
# Generator / RandomState members that compute nothing.
FREE_MEMBERS = {"bit_generator", "seed", "get_state", "set_state", "__getstate__", "__setstate__", "state"}


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


class _ShapeOnly:
    """What a rule sees of an abstract array passed as a static argument: its shape."""

    __slots__ = ("shape",)

    def __init__(self, shape: tuple) -> None:
        self.shape = shape


def _dim(d):
    d = sympy.sympify(d)
    return int(d) if d.is_Integer else d


class RandomMixin:
    def random_module_attr(self, name: str, metered: bool) -> Value | None:
        """flopscope.numpy.random.<name> for the free names that are NumPy's own objects."""
        if name in FREE_RANDOM_NAMES:
            return Opaque(f"{'flopscope.' if metered else ''}numpy.random.{name}")
        return None

    def generator_attr(self, gen: GeneratorValue, name: str, node) -> Value:
        if gen.kind == "SeedSequence":
            if name in ("generate_state", "spawn"):
                return GeneratorMethod(gen, name)
            if name in ("entropy", "spawn_key", "pool_size", "n_children_spawned", "state"):
                return Opaque(f"SeedSequence.{name}")
            self.diag(node, "FS119", "error", f"'SeedSequence' object has no attribute '{name}'")
            return Unknown(f"SeedSequence.{name}", reported=True)
        op = f"random.{gen.kind}.{name}"
        if op in OPS or (name == "spawn" and gen.kind == "Generator"):
            return GeneratorMethod(gen, name)
        if name in FREE_MEMBERS:
            return Opaque(f"numpy.random.{gen.kind}.{name}")
        import numpy as np

        if hasattr(getattr(np.random, gen.kind), name) and not name.startswith("__"):
            if gen.metered:
                self.diag(node, "FS102", "error", f"{gen.kind}.{name} is not supported by flopscope: it raises at runtime")
            return Unknown(f"{gen.kind}.{name}")
        if name.startswith("__"):
            return Opaque(name)
        self.diag(node, "FS119", "error", f"'{gen.kind}' object has no attribute '{name}'")
        return Unknown(f"{gen.kind}.{name}")

    def call_generator_method(self, node, m: GeneratorMethod, args: list, kwargs: dict) -> Value:
        via = "flopscope" if m.generator.metered else "numpy"
        if m.name == "generate_state":  # free: n_words words of the seed's hash
            count = (list(args) + [kwargs.get("n_words")])[0]
            n = getattr(count, "expr", None)
            if n is None:
                return Unknown("generate_state(...) of a data-dependent length")
            return Array((_dim(n),), m.generator.metered, "int")
        if m.name == "spawn":  # free: n child generators of the same kind
            count = (list(args) + [kwargs.get("n_children")])[0]
            n = getattr(count, "expr", None)
            if n is None or not sympy.sympify(n).is_Integer:
                self.diag(node, "FS106", "warning", "spawn(n): the number of children is not known, so the generators are not followed")
                return Unknown("spawn(...)")
            return List([GeneratorValue(m.generator.kind, m.generator.metered) for _ in range(int(n))])
        return self.call_random(node, OpRef(f"random.{m.generator.kind}.{m.name}", via), args, kwargs)

    def call_random(self, node, opref: OpRef, args: list, kwargs: dict) -> Value:
        """A random table op: constructors give a generator; samplers are priced by the table."""
        name = opref.name
        if name in CONSTRUCTORS:
            return GeneratorValue(CONSTRUCTORS[name], opref.via == "flopscope")
        spec = OPS[name]
        positional = [p for p in spec.params if p.positional and p.kind != VARARGS]
        by_name = {p.name: p for p in spec.params}
        args = [self._static_array(a) if i < len(positional) and positional[i].kind == STATIC else a
                for i, a in enumerate(args)]
        kwargs = {k: self._static_array(v) if k in by_name and by_name[k].kind == STATIC else v
                  for k, v in kwargs.items()}
        priced = self.price(node, opref, args, kwargs)
        if isinstance(priced, Value):
            return priced
        spec, shape, cost, metered, static = priced
        result = self.finish_op(node, opref, spec, shape, cost, metered, static)
        method = name.rpartition(".")[2]
        if method == "shuffle":
            return NoneValue()
        if method == "bytes":
            return Opaque("bytes")
        if static.get("out") is not None:
            out = kwargs.get("out")
            return out if isinstance(out, Array) else result
        return result

    def _static_array(self, value):
        if isinstance(value, Array):
            return _ShapeOnly(tuple(_dim(d) for d in value.shape))
        return value
