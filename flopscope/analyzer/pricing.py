"""The analyzer's bridge to the cost table: every counted call, priced on symbolic shapes.

Every call is bound with ``costs.bind`` (the runtime's binder) and priced by the
op's own cost and shape rules, called on SymPy dimensions: there is no second
copy of any formula here. This layer knows the metered values a call can
produce (arrays of symbolic shape, 0-d results, generators, archives) and the
ndarray methods (classified in ``flopscope/costs/methods.py``, which the runtime
reads too), indexing, declared symmetry, lists of symbolic length, random
sampling, flopscope.stats, data files and index expressions.
"""

from __future__ import annotations


import sympy

from flopscope.analyzer import loops as L
from flopscope.analyzer.diagnostics import NUMPY_PLAIN_CONVERSIONS
from flopscope.analyzer.facts import UNROLL_LIMIT
from flopscope.analyzer.model import BOUND, EXACT, UNKNOWN
from flopscope.analyzer.record import Recorder
from flopscope.analyzer.values import (
    as_number,
    Array,
    ArrayMethodValue,
    BoundOp,
    Dict,
    DistValue,
    GeneratorMethod,
    GeneratorValue,
    IndexExpr,
    List,
    NoneValue,
    NpzValue,
    Opaque,
    OpRef,
    Scalar,
    SliceValue,
    Str,
    Tuple,
    UfuncMethod,
    Unknown,
    Value,
    subs_value,
)
from flopscope.costs import OPS, ShapeError, bind, dims
from flopscope.costs.dims import UndecidableDimension
from flopscope.costs.methods import ARRAY_METHODS, CONVERSION, IN_PLACE, OP, QUERY, REFUSED
from flopscope.costs.registry import STATIC, VARARGS
from flopscope.costs.rules import UnknownDim
from flopscope.costs.shapes import slice_length
from flopscope.costs.table_io import NON_ARRAY_FUNCTIONS


# Field names of the namedtuples NumPy's linalg returns (qr's mode='raw' gives a plain tuple).
RESULT_FIELDS = {
    "linalg.eig": ("eigenvalues", "eigenvectors"), "linalg.eigh": ("eigenvalues", "eigenvectors"),
    "linalg.svd": ("U", "S", "Vh"), "linalg.qr": ("Q", "R"), "linalg.slogdet": ("sign", "logabsdet"),
}

# Names of flopscope.numpy.random that are NumPy's own objects and compute nothing.
FREE_RANDOM_NAMES = {"seed", "get_state", "set_state", "get_bit_generator", "set_bit_generator"}

CONSTRUCTORS = {"random.default_rng": "Generator", "random.Generator": "Generator", "random.RandomState": "RandomState",
                "random.SeedSequence": "SeedSequence"}

# Generator / RandomState members that compute nothing.
FREE_MEMBERS = {"bit_generator", "seed", "get_state", "set_state", "__getstate__", "__setstate__", "state"}

class Pricer(Recorder):
    """Counted calls, priced by the cost table on symbolic shapes."""

    def shape_of(self, value: Value, node) -> tuple | None:
        """The shape NumPy would give this value (np.shape), or None if not followable."""
        if isinstance(value, Array):
            return tuple(value.shape)
        if isinstance(value, (Scalar, NoneValue, Str)):
            return ()
        if isinstance(value, (Tuple, List)):
            if isinstance(value, List) and not value.concrete:
                if len(value.runs) == 1 and not value.items and value.runs[0][2] is None:
                    inner = self.shape_of(value.runs[0][1], node)
                    return None if inner is None else (value.runs[0][0],) + inner
                return None
            items = list(value.items)
            if not items:
                return (0,)
            inner = [self.shape_of(v, node) for v in items]
            if any(s is None for s in inner):
                return None
            first = inner[0]
            if all(len(s) == len(first) and all(sympy.sympify(a) == sympy.sympify(b) for a, b in zip(s, first)) for s in inner):
                return (len(items),) + first
            return None
        return None

    def static_value(self, value: Value):
        if not isinstance(value, Value):
            return value  # a default from the op's signature
        if isinstance(value, Scalar):
            if not value.known:
                raise _NotStatic()
            expr = sympy.sympify(value.expr)
            if expr is sympy.true or expr is sympy.false:
                # the rules test flags with `is True` (keepdims=True, include_initial=True)
                return expr is sympy.true
            return _rule_dim(expr)
        if isinstance(value, Str):
            if not value.known:
                raise _NotStatic()
            return value.value
        if isinstance(value, NoneValue):
            return None
        if isinstance(value, Tuple):
            return tuple(self.static_value(v) for v in value.items)
        if isinstance(value, List) and value.concrete:
            return [self.static_value(v) for v in value.items]
        if isinstance(value, Opaque):
            if value.what == "Ellipsis":
                return Ellipsis
            return value.what
        raise _NotStatic()

    def result_value(self, spec, shape, metered: bool) -> Value:
        if isinstance(shape, tuple) and shape and all(isinstance(s, tuple) for s in shape):
            return Tuple(tuple(self.result_value(spec, s, metered) for s in shape))
        dims_out = tuple(self.dim_value(d) for d in shape)
        return Array(dims_out, metered)  # a 0-d result too: it stays metered (COST_MODEL v1.1)

    def dim_value(self, d):
        if isinstance(d, UnknownDim):
            return self.data_dim(d.bound, d.reason)
        return _rule_dim(sympy.sympify(d))

    def call_op(self, node, opref: OpRef, args: list, kwargs: dict) -> Value:
        if opref.name in NON_ARRAY_FUNCTIONS:
            return self.call_non_array(node, opref, args, kwargs)
        if opref.name.startswith("random."):
            return self.call_random(node, opref, args, kwargs)  # analyzer/random_values.py
        if any(isinstance(a, List) and a.runs for a in list(args) + list(kwargs.values())):
            return self.call_op_on_symbolic_list(node, opref, args, kwargs)
        priced = self.price(node, opref, args, kwargs)
        if isinstance(priced, Value):
            return priced
        spec, shape, cost, metered, static = priced
        if metered and opref.via == "numpy" and opref.name in _NUMPY_CONVERSIONS:
            return self.numpy_conversion(node, opref, spec, shape, kwargs)
        result = self.finish_op(node, opref, spec, shape, cost, metered, static)
        if isinstance(result, Array) and _gives_bool(opref.name, list(args) + list(kwargs.values())):
            result.dtype = "bool"  # a mask: indexing by it keeps as many entries as the data decides
        return result

    def numpy_conversion(self, node, opref: OpRef, spec, shape, kwargs: dict) -> Value:
        """NumPy's own array(), asarray(), ... given a flopscope array: NumPy does not
        dispatch them, so nothing is charged; most return a plain ndarray (an escape
        from the meter: work on it is free at runtime, and not counted here)."""
        subok = kwargs.get("subok")
        keeps = opref.name in ("asanyarray", "require") or (
            opref.name == "array" and isinstance(subok, Scalar) and subok.known and bool(subok.expr))
        if not keeps:
            self.escape(node, f"numpy.{opref.name}() of a flopscope array returns a plain NumPy array: "
                        "work on it is not metered")
        return self.result_value(spec, shape, keeps)

    def price(self, node, opref: OpRef, args: list, kwargs: dict):
        """(spec, output shape, cost, metered, static args) from the table, or a Value on failure."""
        name = opref.name
        self.loose_call = any(isinstance(a, (Array, List)) and a.loose for a in list(args) + list(kwargs.values()))
        spec = OPS.get(name)
        if spec is None:
            return self.charge_unknown(node, name, f"{name} has no cost rule in flopscope", "FS102")
        if spec.params and any(p.kind == "nested" for p in spec.params):
            args = [_to_python_lists(a) for a in args]
        if spec.params and any(p.kind == "arrays" for p in spec.params):
            as_rows = _arrays_given_as_array(spec, args, kwargs)
            if as_rows is None:
                return self.charge_unknown(node, name, f"{name}: an array of a symbolic number of rows stands for a "
                                           "sequence of arrays, so the cost is unknown", "FS101")
            args, kwargs = as_rows
        try:
            b = bind(spec, tuple(args), dict(kwargs))
        except TypeError as err:
            self.diag(node, "FS108", "error", f"this call raises at runtime: {err}")
            self.raises_here(node, f"TypeError ({err})")
        shapes = []
        metered = opref.via == "flopscope"
        for v in b.operands:
            if isinstance(v, Array) and v.metered:
                metered = True
            s = self.shape_of(v, node)
            if s is None:
                if metered or _maybe_metered(v):
                    return self.charge_unknown(node, name, f"{name}: an operand is {v.describe()}, so the cost is unknown", "FS101",
                                               because=[v])
                return Unknown("a numpy result of unknown shape")
            shapes.append(s)
        shapes = tuple(tuple(_rule_dim(sympy.sympify(d)) for d in s) for s in shapes)
        try:
            static = {k: (v if k == "structure" else self.static_value(v)) for k, v in b.static.items()}
        except _NotStatic:
            if metered:
                return self.charge_unknown(node, name, f"{name}: a static argument depends on array data, so the cost is unknown", "FS101",
                                           because=list(b.static.values()))
            return Unknown("a numpy result")
        try:
            self.order_assumed_now = False
            shape = spec.shape(shapes, **static)
            cost = spec.cost(shapes, **static) if metered else 0
            if metered:
                cost = self.symmetric_price(spec, b, args, kwargs, shapes, static, cost)
            if self.order_assumed_now and metered and self.order_holds(spec, shapes, static, cost):
                self.order_assumed_now = False
        except ShapeError as err:
            self.diag(node, "FS108", "error", f"this call raises at runtime: {err}")
            self.raises_here(node, f"ValueError ({err})")
        except UndecidableDimension as err:
            return self.charge_unknown(node, name, f"{name}: {err}", "FS106")
        except (TypeError, ValueError) as err:
            self.diag(node, "FS108", "error", f"this call raises at runtime: {err}")
            return self.unknown(node, str(err))
        cost = sympy.sympify(cost)
        if metered and spec.category not in ("free", "reduction"):
            cost = self.zero_when_empty(cost, shape)
        return spec, shape, cost, metered, static

    def zero_when_empty(self, cost, shape):
        """An op whose output is empty costs 0 (COST_MODEL v1). The rules return 0 for a
        size that is 0; a symbolic size that may be 0 (a loop index) gets the condition
        spelled out, unless the formula vanishes there anyway (numel(output) does)."""
        outputs = shape if shape and all(isinstance(s, tuple) for s in shape) else (shape,)
        maybe_zero = []
        for out in outputs:
            for d in out:
                if isinstance(d, UnknownDim) or type(d) is int:
                    continue
                d = sympy.sympify(d)
                if not d.free_symbols or L.provably_positive(d, self.loop_bounds):
                    continue
                if d.free_symbols & self.data_symbols or (not d.free_symbols & {b.var for b in self.loop_bounds}
                                                          and self.numeric(d) is not None and self.numeric(d) > 0):
                    continue
                maybe_zero.append(d)
        if not maybe_zero or cost == 0:
            return cost
        if all(sympy.expand(cost.subs(d, 0)) == 0 for d in maybe_zero if d.is_Symbol) and all(d.is_Symbol for d in maybe_zero):
            return cost
        nonempty = sympy.Or(*[sympy.And(*[sympy.Gt(sympy.sympify(d), 0) for d in out
                                          if not (type(d) is int or isinstance(d, UnknownDim))])
                              for out in outputs])
        return sympy.Piecewise((cost, nonempty), (0, True))

    def finish_op(self, node, opref, spec, shape, cost, metered, static, label: str | None = None) -> Value:
        name = opref.name
        loose, self.loose_call = self.loose_call, False
        if metered and spec.category != "free":
            if label is None:
                label = f"einsum({static['subscripts']!r})" if name == "einsum" else name
            assumed = self.order_assumed_now
            cost_label = self.cost_label(cost)
            if loose and cost_label == EXACT:
                cost_label = BOUND
            self.charge(node, label, cost, cost_label)
            if assumed and cost_label != UNKNOWN:
                self.diag(node, "FS106", "info", "the contraction order was chosen at assumed sizes: its cost is an upper bound")
        elif not metered and spec.category != "free":
            self.diag(node, "FS111", "info", f"numpy.{name} on plain numpy arrays is not metered (free at runtime)")
        result = self.result_value(spec, shape, metered)
        fields = RESULT_FIELDS.get(name)
        if fields and isinstance(result, Tuple) and len(result.items) == len(fields) and static.get("mode") != "raw":
            result = Tuple(result.items, fields)  # NumPy's namedtuple: .eigenvalues, .S, ...
        if loose:
            for v in result.items if isinstance(result, Tuple) else (result,):
                if isinstance(v, Array):
                    v.loose = True
        out_symmetry = static.get(_RESULT_SYMMETRY)
        if out_symmetry:
            for v in result.items if isinstance(result, Tuple) else (result,):
                if isinstance(v, Array):
                    v.symmetry = out_symmetry
        return result

    def symmetric_price(self, spec, b, args, kwargs, shapes, static, cost):
        """The cost with declared symmetry and repeated operands (COST_MODEL v1, "Symmetry"),
        as flopscope.runtime.symmetric charges it; the result's symmetry goes to ``static``."""
        from flopscope.costs import symmetry as sym

        operands = b.operands
        groups = tuple(v.symmetry if isinstance(v, Array) else () for v in operands)
        if spec.name == "einsum":
            pattern = sym.pattern_of(operands, groups, same=_same_object)
            if sym.is_trivial(pattern) or dims.concrete(cost) == 0:
                return cost
            return sym.einsum_cost(shapes, subscripts=static["subscripts"], pattern=pattern)
        if not any(groups):
            return cost
        if spec.category in sym.POINTWISE_CATEGORIES:
            # The runtime discounts a plain call only: out=, where=, dtype=, ... take the full path.
            if kwargs or len(args) != len(operands):
                return cost
        elif spec.category != sym.REDUCTION_CATEGORY or spec.name.startswith("ufunc."):
            return cost
        priced = sym.symmetric_cost(spec.category, shapes, groups)
        if priced is None:
            return cost
        cost, out_symmetry = priced
        if out_symmetry:
            static[_RESULT_SYMMETRY] = out_symmetry
        return cost

    def call_op_on_symbolic_list(self, node, opref: OpRef, args: list, kwargs: dict) -> Value:
        """An op given a list of symbolic length (a list grown in a loop, [x] * L).

        The op's own rules are probed on 1, 2 and 3 copies of the repeated item: when
        cost and output shape are affine in the number of copies (as for joining), the
        result holds for the symbolic count exactly. Otherwise the list is expanded
        at the given sizes.
        """
        where = [(i, a) for i, a in enumerate(args) if isinstance(a, List) and a.runs]
        where += [(k, v) for k, v in kwargs.items() if isinstance(v, List) and v.runs]
        if len(where) == 1 and len(where[0][1].runs) == 1 and where[0][1].runs[0][2] is None:
            key, lst = where[0]
            count, item = lst.runs[0][0], lst.runs[0][1]
            probes = []
            for k in (1, 2, 3):
                trial = List(list(lst.items) + [item] * k)
                a2, k2 = _replace(args, kwargs, key, trial)
                priced = self.price(node, opref, a2, k2)
                if isinstance(priced, Value):
                    break
                probes.append(priced)
            if len(probes) == 3:
                (spec, s1, c1, metered, static), (_, s2, c2, _, _), (_, s3, c3, _, _) = probes
                step = sympy.expand(c2 - c1)
                affine = sympy.expand(c3 - c2 - step) == 0 and _affine_shapes(s1, s2, s3)
                if affine:
                    cost = sympy.expand(c1 + (count - 1) * step)
                    shape = _shape_at(s1, s2, count)
                    return self.finish_op(node, opref, spec, shape, cost, metered, static)
        # Expand the list at the given sizes.
        expanded_args, expanded_kwargs = list(args), dict(kwargs)
        for key, lst in where:
            concrete = self.materialize(lst)
            if concrete is None:
                return self.charge_unknown(node, opref.name, f"{opref.name} of a list of symbolic length that the analyzer cannot expand: its cost is unknown", "FS101")
            expanded_args, expanded_kwargs = _replace(expanded_args, expanded_kwargs, key, concrete)
        self.diag(node, "FS116", "info", f"{opref.name} of a list of symbolic length: its cost is computed at the given sizes")
        return self.call_op(node, opref, expanded_args, expanded_kwargs)

    def materialize(self, lst: List) -> List | None:

        items = list(lst.items)
        for count, item, var, *rest in lst.runs:
            n = self.numeric(count)
            if n is None or int(n) > UNROLL_LIMIT:
                return None
            if var is None:
                items.extend([item] * int(n))
            else:
                start, step = rest
                items.extend(subs_value(item, var, start + step * k) for k in range(int(n)))
        return List(items)

    def order_holds(self, spec, shapes, static, cost) -> bool:
        """An einsum order chosen at assumed sizes because the sizes depend on a loop
        index: True if its cost is the cheapest at every value the index takes (at the
        given sizes), so the cost is exact. If not, the loop is followed iteration by
        iteration (its index then has a value)."""
        free = set()
        for s in shapes:
            for d in s:
                free |= sympy.sympify(d).free_symbols
        loop_vars = {b.var for b in self.loop_bounds}
        if free & self.data_symbols or any(x not in self.substitution for x in free - loop_vars):
            return False
        points = self.index_points()
        if not points:
            if points is not None:  # the loop does not run at these sizes
                self.mark_trouble(free & loop_vars)
            return False
        flat = tuple(sympy.sympify(d).xreplace(self.substitution) for s in shapes for d in s)
        rows = self.evaluate_at_points(flat + (sympy.sympify(cost).xreplace(self.substitution),), points)
        if rows is None:
            return False
        seen = set()
        for row in rows:
            try:
                values = [int(v) for v in row]
            except (TypeError, ValueError):
                return False
            if tuple(values) in seen:
                continue
            seen.add(tuple(values))
            numeric, k = [], 0
            for s in shapes:
                numeric.append(tuple(values[k:k + len(s)]))
                k += len(s)
            try:
                cheapest = spec.cost(tuple(numeric), **static)
            except (ShapeError, UndecidableDimension):
                return False
            if values[-1] != cheapest:
                self.mark_trouble(free & loop_vars)
                return False
        return True

    def cost_label(self, cost) -> str:
        data = cost.free_symbols & self.data_symbols
        if data:
            # sizes the data decides: an upper bound where each has a bound (its largest
            # value is at an end of the range where the cost is monotone in the size, and
            # otherwise is found by trying every value up to the bounds: result.py)
            if all(x in self.data_bounds for x in data):
                return BOUND
            return UNKNOWN
        if self.order_assumed_now:
            self.order_assumed_now = False
            return BOUND
        return EXACT

    def call_ufunc_method(self, node, um: UfuncMethod, args: list, kwargs: dict) -> Value:
        """add.reduce, add.accumulate, multiply.outer: the table's ufunc.<method> entries."""
        name = f"{um.op.name}.{um.method}"
        spec_name = f"ufunc.{um.method}"
        if spec_name not in OPS:
            self.diag(node, "FS102", "error", f"{name} is not supported by flopscope yet: it raises at runtime")
            return Unknown(name)
        if um.op.name in ("matmul", "vecdot", "matvec", "vecmat"):
            self.diag(node, "FS108", "error", f"this call raises at runtime: {name} is not defined for a generalized ufunc")
            return Unknown(name)
        opref = OpRef(spec_name, um.op.via)
        priced = self.price(node, opref, args, kwargs)
        if isinstance(priced, Value):
            return priced
        spec, shape, cost, metered, static = priced
        return self.finish_op(node, opref, spec, shape, cost, metered, static, label=name)

    def array_attr(self, arr: Array, name: str, node) -> Value:
        if name == "shape":
            return Tuple(tuple(Scalar(sympy.sympify(d), "int") for d in arr.shape))
        if name == "ndim":
            return Scalar(sympy.Integer(len(arr.shape)), "int")
        if name == "size":
            return Scalar(sympy.sympify(dims.numel(arr.shape)), "int")
        if name == "T":
            return Array(tuple(reversed(arr.shape)), arr.metered, arr.dtype)
        if name == "mT":
            if len(arr.shape) < 2:
                self.diag(node, "FS108", "error", "matrix transpose needs at least two dimensions")
                return Unknown("mT")
            return Array(tuple(arr.shape[:-2]) + (arr.shape[-1], arr.shape[-2]), arr.metered, arr.dtype)
        if name in ("real", "imag"):
            return Array(tuple(arr.shape), arr.metered, "float")
        if name == "__array__":
            return ArrayMethodValue(arr, name)
        if name == "base" and arr.metered and not arr.symmetry:
            # the metered array it views: charged at runtime, but of a shape not tracked here
            self.diag(node, "FS101", "warning", "A.base: the array this one views has a shape the analyzer does not "
                      "track, so work on it has an unknown cost")
            return Unknown("A.base")
        spec = ARRAY_METHODS.get(name)
        if spec is None:
            if name.startswith("__"):
                return Opaque(name)
            self.diag(node, "FS119", "error", f"arrays have no attribute '{name}'")
            return self.unknown(node, f"array attribute {name!r}")
        if spec.kind == QUERY or name == "base":
            return Opaque(f"array.{name}")
        return ArrayMethodValue(arr, name)

    def call_array_method(self, node, m: ArrayMethodValue, args: list, kwargs: dict) -> Value:
        """A method call on an array, as the table classifies it (flopscope/costs/methods.py)."""
        arr, name = m.array, m.name
        if name == "__array__":  # an escape (reported at the attribute); the runtime keeps it metered
            return Array(tuple(arr.shape), arr.metered, arr.dtype)
        spec = ARRAY_METHODS[name]
        via = "flopscope" if arr.metered else "numpy"
        if spec.kind == OP:
            if name in ("conj", "conjugate") and arr.dtype != "complex":
                return arr  # ndarray.conj() of a real array is the array itself
            if name == "compress":  # ndarray.compress(condition, ...) is numpy.compress(condition, self, ...)
                if args:
                    return self.call_op(node, OpRef("compress", via), [args[0], arr] + list(args[1:]), kwargs)
                return self.call_op(node, OpRef("compress", via), [], {**kwargs, "a": arr})
            return self.call_op(node, OpRef(spec.op, via), [arr] + list(args), kwargs)
        if spec.kind == IN_PLACE:  # A.sort(): charged as numpy.sort, the result is None
            if arr.symmetry:
                self.diag(node, "FS108", "error", "this call raises at runtime: a SymmetricTensor is read-only")
            result = self.call_op(node, OpRef(spec.op, via), [arr] + list(args), kwargs)
            return result if isinstance(result, Unknown) else NoneValue()
        if spec.kind == REFUSED:
            if arr.metered:
                self.diag(node, "FS102", "error", f"FlopscopeArray.{name}() raises at runtime: {spec.note}")
            return self.unknown(node, f".{name}()")
        if spec.kind == CONVERSION:
            if name == "item":
                return Scalar(None, "float")  # a Python number: it leaves the meter
            return Opaque(f"Python data from .{name}()")  # a list or bytes: Python's, free
        # views and copies: free, metered like the array
        if name in ("copy", "view", "setflags", "byteswap", "getfield", "setfield", "to_device"):
            return Array(tuple(arr.shape), arr.metered, arr.dtype)
        if name == "astype":
            # astype(..., subok=False) too: the runtime hands back a metered array
            return Array(tuple(arr.shape), arr.metered, arr.dtype)
        if name in ("ravel", "flatten"):
            return self.free_op(node, "ravel", [arr], {})
        if name == "reshape":
            shape = Tuple(tuple(args)) if len(args) != 1 else args[0]
            return self.free_op(node, "reshape", [arr, shape], kwargs)
        if name == "transpose":
            axes = None if not args else (Tuple(tuple(args)) if len(args) > 1 else args[0])
            return self.free_op(node, "transpose", [arr] + ([axes] if axes is not None else []), {})
        if name == "swapaxes":
            return self.free_op(node, "swapaxes", [arr] + list(args), kwargs)
        if name == "squeeze":
            return self.free_op(node, "squeeze", [arr] + list(args), kwargs)
        if name == "resize":
            self.diag(node, "FS101", "warning", "A.resize() changes the array's shape in place: the analyzer does not "
                      "follow it, so work on the array afterwards has an unknown cost")
            return NoneValue()
        return Unknown(f".{name}()")

    def call_non_array(self, node, opref: OpRef, args: list, kwargs: dict) -> Value:
        """load / save / savez / errstate / seterr / geterr: free; load reads the file's headers."""
        name, metered = opref.name, opref.via == "flopscope"
        if name == "load":
            return self.load_asset(node, args, kwargs, metered)
        if name in ("save", "savez", "savez_compressed"):
            return NoneValue()
        modes = dict(kwargs)
        if name == "seterr":
            modes.update(zip(("all", "divide", "over", "under", "invalid"), args))
        if metered and name == "errstate" and "call" in kwargs:
            self.diag(node, "FS102", "error", "errstate(call=...) raises at runtime: NumPy would call a Python function "
                      "on floating-point errors, and that code would run unmetered")
            return self.unknown(node, "errstate(call=...)")
        for key, mode in modes.items():
            if metered and isinstance(mode, Str) and mode.value in ("call", "log"):
                self.diag(node, "FS102", "error", f"{name}({key}={mode.value!r}) raises at runtime: it makes NumPy call "
                          "a Python function on floating-point errors")
                return self.unknown(node, f"{name}({key}={mode.value!r})")
        if name == "errstate":
            return Opaque("errstate context")
        # seterr / geterr: the (old) settings, a dict of the four modes
        return Dict({k: Opaque("an error mode") for k in ("divide", "over", "under", "invalid")})

    def load_asset(self, node, args: list, kwargs: dict, metered: bool) -> Value:
        """``fnp.load(path)``: the shapes and dtypes from the file's headers (free)."""
        from flopscope.analyzer import assets

        path_v = args[0] if args else kwargs.get("file")
        allow = args[2] if len(args) > 2 else kwargs.get("allow_pickle")
        if metered and allow is not None and self.decide(allow) is not False:
            self.diag(node, "FS102", "error", "load(allow_pickle=True) raises at runtime: flopscope refuses pickles "
                      "(unpickling runs code from the file)")
            return self.unknown(node, "load(allow_pickle=True)")
        if not isinstance(path_v, Str) or not path_v.known:
            self.diag(node, "FS122", "warning", "load(): the file name is not a string the analyzer can read, so the "
                      "shapes of the arrays it holds are unknown")
            return self.unknown(node, "an array loaded from a file the analyzer cannot name")
        found = assets.resolve(path_v.value, self.path)
        if found is None:
            self.diag(node, "FS122", "warning", f"load(): no file {path_v.value!r} (looked in the working directory and "
                      "beside the solver), so the shapes of the arrays it holds are unknown")
            return self.unknown(node, f"an array from the missing file {path_v.value!r}")
        try:
            content = assets.read(found)
        except assets.AssetError as err:
            self.diag(node, "FS122", "warning", f"load(): cannot read {path_v.value!r}: {err}")
            return self.unknown(node, f"an array from {path_v.value!r}")
        if isinstance(content, dict):
            return NpzValue(path_v.value, content, metered)
        shape, kind = content
        return Array(shape, metered, kind)

    def npz_item(self, node, npz: NpzValue, key: Value) -> Value:
        if isinstance(key, Str):
            if key.value in npz.entries:
                shape, kind = npz.entries[key.value]
                return Array(shape, npz.metered, kind)
            held = ", ".join(repr(k) for k in npz.entries) or "no arrays"
            self.diag(node, "FS108", "error", f"this raises KeyError at runtime: {key.value!r} is not in {npz.path} "
                      f"(it holds {held})")
            return self.unknown(node, f"{key.value!r} of {npz.path}")
        return Unknown(f"an array of {npz.path} under a key the analyzer cannot read")

    def index_expression(self, node, expr: IndexExpr, index: list) -> Value:
        name = expr.name
        if name == "s_":
            return index[0] if len(index) == 1 else Tuple(tuple(index))
        if name == "index_exp":
            return Tuple(tuple(index))
        spec = OPS[name]
        static = {p.name: p.default for p in spec.params if not p.required}
        operands: list = []
        try:
            if name in ("r_", "c_"):
                items = []
                for it in index:
                    if isinstance(it, SliceValue):
                        items.append(("slice",) + tuple(self._bound_value(p) for p in (it.lower, it.upper, it.step)))
                    elif isinstance(it, Str):
                        items.append(("directive", it.value))
                    elif isinstance(it, Scalar):
                        items.append(("scalar", len(operands)))
                        operands.append(it)
                    else:
                        items.append(("array", len(operands)))
                        operands.append(it)
                static["items"] = tuple(items)
            else:
                if not index or not all(isinstance(it, SliceValue) for it in index):
                    self.diag(node, "FS108", "error", f"{name}[...] raises at runtime: it takes slices")
                    return self.unknown(node, f"{name}[...]")
                static["slices"] = tuple(tuple(self._bound_value(p) for p in (it.lower, it.upper, it.step)) for it in index)
                # mgrid[0:n] (one slice) gives one array; mgrid[0:n,] a grid of one axis
                static["single"] = len(index) == 1 and _single_subscript(node)
        except _NotStatic:
            return self.charge_unknown(node, name, f"{name}[...]: a slice bound depends on array data, so the cost is unknown", "FS101")
        shapes = []
        metered = expr.metered
        for v in operands:
            if isinstance(v, Array) and v.metered:
                metered = True
            s = self.shape_of(v, node)
            if s is None:
                return self.charge_unknown(node, name, f"{name}[...]: an item is {v.describe()}, so the cost is unknown", "FS101",
                                           because=[v])
            shapes.append(tuple(_rule_dim(sympy.sympify(d)) for d in s))
        try:
            shape = spec.shape(tuple(shapes), **static)
            cost = sympy.sympify(spec.cost(tuple(shapes), **static)) if metered else sympy.Integer(0)
        except ShapeError as err:
            if "numpy.matrix" in str(err):
                self.diag(node, "FS102", "error", f"{name}[...] raises at runtime: {err}")
            else:
                self.diag(node, "FS108", "error", f"this raises at runtime: {err}")
            return self.unknown(node, str(err))
        except UndecidableDimension as err:
            return self.charge_unknown(node, name, f"{name}: {err}", "FS106")
        return self.finish_op(node, OpRef(name, "flopscope" if metered else "numpy"), spec, shape, cost, metered, static)

    def _bound_value(self, part):
        if part is None or isinstance(part, NoneValue):
            return None
        if isinstance(part, Scalar) and part.known:
            return _rule_dim(sympy.sympify(part.expr))
        raise _NotStatic()

    def dist_attr(self, dist: DistValue, name: str, node) -> Value:
        from flopscope.costs.table_stats import METHODS

        if name in METHODS:
            op = OpRef(f"stats.{dist.name}.{name}", "flopscope")
            if dist.frozen is not None:
                return BoundOp(op, dict(dist.frozen))
            return op
        if name.startswith("__"):
            return Opaque(name)
        self.diag(node, "FS102", "error", f"flopscope.stats.{dist.name}.{name} is not supported: it raises at runtime "
                  f"(the metered methods are {', '.join(METHODS)})")
        return self.unknown(node, f"stats.{dist.name}.{name}")

    def freeze_dist(self, node, dist: DistValue, args: list, kwargs: dict) -> Value:
        names = ("loc", "scale")
        frozen = dict(zip(names, args))
        for k, v in kwargs.items():
            if k not in names or k in frozen:
                self.diag(node, "FS108", "error", f"this raises at runtime: {dist.name}() takes loc and scale")
                return self.unknown(node, f"{dist.name}(...)")
            frozen[k] = v
        return DistValue(dist.name, frozen)

    def call_bound_op(self, node, bound: BoundOp, args: list, kwargs: dict) -> Value:
        method = bound.op.name.rpartition(".")[2]
        merged = dict(bound.kwargs)
        if method == "rvs":
            # frozen.rvs(size=None, random_state=None)
            for k, v in zip(("size", "random_state"), args):
                merged[k] = v
            merged.update(kwargs)
            return self.call_op(node, bound.op, [], merged)
        merged.update(kwargs)
        return self.call_op(node, bound.op, list(args), merged)

    def free_op(self, node, name: str, args, kwargs) -> Value:
        return self.call_op(node, OpRef(name, "flopscope"), args, kwargs)

    def array_binary(self, node, op: str, left: Value, right: Value, inplace: bool) -> Value:
        if inplace and isinstance(left, Array) and left.symmetry:
            self.diag(node, "FS108", "error", "this in-place operation raises at runtime: a SymmetricTensor is read-only")
            return Unknown("an in-place write to a SymmetricTensor")
        metered = (isinstance(left, Array) and left.metered) or (isinstance(right, Array) and right.metered)
        result = self.call_op(node, OpRef(op, "flopscope" if metered else "numpy"), [left, right], {})
        if inplace and isinstance(left, Array) and isinstance(result, Array):
            if len(result.shape) != len(left.shape) or any(
                dims.concrete(_rule_dim(sympy.sympify(a))) != dims.concrete(_rule_dim(sympy.sympify(b)))
                and sympy.sympify(a) != sympy.sympify(b) for a, b in zip(result.shape, left.shape)
            ):
                self.diag(node, "FS108", "error", "an in-place operation whose result does not fit its target raises at runtime")
            return left
        return result

    def array_unary(self, node, op: str, operand: Array) -> Value:
        return self.call_op(node, OpRef(op, "flopscope" if operand.metered else "numpy"), [operand], {})

    def index_array(self, arr: Array, index: tuple, node) -> Value:
        """Basic and advanced indexing: free, with NumPy's result shape."""
        items = list(index)
        n_ell = sum(1 for it in items if isinstance(it, Opaque) and it.what == "Ellipsis")
        consumed = sum(
            _index_width(it, self) for it in items
            if not (isinstance(it, NoneValue) or (isinstance(it, Opaque) and it.what == "Ellipsis"))
        )
        if consumed > len(arr.shape) or n_ell > 1:
            self.diag(node, "FS108", "error", f"too many indices for an array of dimension {len(arr.shape)}")
            return Unknown("an invalid index")
        if n_ell == 0:
            items.append(Opaque("Ellipsis"))
        out: list = []
        advanced: list = []
        advanced_pos = None
        dim = 0
        shape = list(arr.shape)
        for it in items:
            if isinstance(it, Opaque) and it.what == "Ellipsis":
                span = len(shape) - consumed
                out.extend(shape[dim:dim + span])
                dim += span
                continue
            if isinstance(it, NoneValue):
                out.append(1)
                continue
            if isinstance(it, SliceValue):
                parts = []
                for part in (it.lower, it.upper, it.step):
                    if part is None or isinstance(part, NoneValue):
                        parts.append(None)
                    elif isinstance(part, Scalar) and part.known:
                        parts.append(_rule_dim(as_number(sympy.sympify(part.expr))))  # x[True:] is x[1:]
                    else:
                        parts.append(_DATA)
                if _DATA in parts:
                    out.append(self.data_dim(shape[dim], "the length of a slice with bounds from the data"))
                else:
                    try:
                        out.append(_rule_dim(sympy.sympify(slice_length(_rule_dim(sympy.sympify(shape[dim])), *parts))))
                    except (UndecidableDimension, ShapeError) as err:
                        self.diag(node, "FS107", "warning", f"a slice the analyzer cannot size: {err}")
                        out.append(self.data_dim(shape[dim], "the length of a slice the analyzer cannot size"))
                dim += 1
                continue
            if isinstance(it, Scalar):
                dim += 1
                continue
            if isinstance(it, (Array, List, Tuple)):
                s = self.shape_of(it, node)
                is_bool = isinstance(it, Array) and it.dtype == "bool"
                if s is None:
                    s = (self.data_dim(None, "the length of an index the analyzer cannot follow"),)
                if is_bool:
                    covered = shape[dim:dim + max(len(s), 1)]
                    advanced.append((self.data_dim(dims.numel(covered), "the number of True entries of a mask"),))
                    dim += max(len(s), 1)
                else:
                    advanced.append(tuple(s))
                    dim += 1
                if advanced_pos is None:
                    advanced_pos = len(out)
                continue
            out.append(self.data_dim())
            dim += 1
        if advanced:
            from flopscope.costs.shapes import broadcast

            try:
                adv = broadcast(*advanced)
            except ShapeError as err:
                self.diag(node, "FS108", "error", f"indexing raises at runtime: {err}")
                return Unknown("an invalid index")
            out[advanced_pos:advanced_pos] = list(adv)
        return Array(tuple(out), arr.metered, arr.dtype)  # an element is a 0-d array, metered

    def check_setitem(self, arr: Array, index: tuple, value: Value, node) -> None:
        if arr.symmetry:
            self.diag(node, "FS108", "error", "this assignment raises at runtime: a SymmetricTensor is read-only")
        if isinstance(value, Array) and value.metered is False and arr.metered:
            pass  # assigning into a metered array is free either way

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
            return self.unknown(node, f"SeedSequence.{name}")
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

    def as_symmetric(self, node, args: list, kwargs: dict) -> Value:
        """``flops.as_symmetric(x, symmetry=(0, 1))``: free; a new metered array value
        (a new identity) carrying its symmetry groups, checked as the runtime checks them."""
        from flopscope.costs import symmetry as sym

        if not args or len(args) > 2 or set(kwargs) - {"symmetry"} or (len(args) == 2 and "symmetry" in kwargs):
            self.diag(node, "FS108", "error", "this call raises at runtime: as_symmetric(x, symmetry=(0, 1)) takes an array and its symmetry")
            return Unknown("flops.as_symmetric()")
        x = args[0]
        shape = self.shape_of(x, node)
        if shape is None:
            return self.charge_unknown(node, "as_symmetric", f"as_symmetric of {x.describe()}: the analyzer cannot follow it", "FS101",
                                       because=[x])
        shape = tuple(int(d) if getattr(sympy.sympify(d), "is_Integer", False) else sympy.sympify(d) for d in shape)
        spec_v = args[1] if len(args) == 2 else kwargs.get("symmetry")
        try:
            symmetry = (0, 1) if spec_v is None else self.static_value(spec_v)
            groups = sym.normalize_groups(symmetry, shape)
        except _NotStatic:
            return self.charge_unknown(node, "as_symmetric", "as_symmetric with a symmetry the analyzer cannot read", "FS101")
        except sym.SymmetrySpecError as err:
            self.diag(node, "FS108", "error", f"this call raises SymmetryError at runtime: {err}")
            return self.unknown(node, str(err))
        except UndecidableDimension as err:
            return self.charge_unknown(node, "as_symmetric", f"as_symmetric: {err}", "FS106")
        return Array(shape, True, x.dtype if isinstance(x, Array) else "float", symmetry=groups)

# ---------------------------------------------------------------------- helpers

class _NotStatic(Exception):
    pass

# Key in an op's static arguments that carries its result's declared symmetry to finish_op.
_RESULT_SYMMETRY = "_result_symmetry"

def _same_object(a, b) -> bool:
    """The same runtime object: the same abstract value, or one carrying the same identity."""
    if isinstance(a, Array) and isinstance(b, Array):
        # identity 0: an item of a list grown in a loop, a distinct object per iteration
        return a.ident == b.ident and a.ident != 0
    return a is b

_DATA = object()

def _rule_dim(d):
    if getattr(d, "is_Integer", False):
        return int(d)
    return d

def _maybe_metered(v: Value) -> bool:
    return isinstance(v, (Unknown,)) or (isinstance(v, Array) and v.metered)

def _replace(args, kwargs, key, value):
    args, kwargs = list(args), dict(kwargs)
    if isinstance(key, int):
        args[key] = value
    else:
        kwargs[key] = value
    return args, kwargs

def _affine_shapes(s1, s2, s3) -> bool:
    if not (isinstance(s1, tuple) and isinstance(s2, tuple) and isinstance(s3, tuple)):
        return False
    if not (len(s1) == len(s2) == len(s3)) or any(isinstance(x, tuple) for x in s1):
        return False
    for a, b, c in zip(s1, s2, s3):
        if any(isinstance(x, UnknownDim) for x in (a, b, c)):
            return False  # a data-dependent size: expand the list instead
        a, b, c = (sympy.sympify(x) for x in (a, b, c))
        if sympy.expand((c - b) - (b - a)) != 0:
            return False
    return True

def _shape_at(s1, s2, count):
    out = []
    for a, b in zip(s1, s2):
        a, b = sympy.sympify(a), sympy.sympify(b)
        out.append(sympy.expand(a + (count - 1) * (b - a)))
    return tuple(out)

def _arrays_given_as_array(spec, args, kwargs):
    """An array where the op takes a sequence of arrays (lexsort(keys), concatenate(A))
    stands for its rows, as NumPy and costs.bind at runtime read it: (args, kwargs)
    with the rows, or None when the number of rows is symbolic."""
    args, kwargs = list(args), dict(kwargs)
    for i, p in enumerate(spec.params):
        if p.kind != "arrays":
            continue
        if p.positional and i < len(args):
            holder, key = args, i
        elif p.name in kwargs:
            holder, key = kwargs, p.name
        else:
            continue
        v = holder[key]
        if not isinstance(v, Array) or not v.shape:
            continue
        count = sympy.sympify(v.shape[0])
        if not count.is_Integer:
            return None
        holder[key] = Tuple(tuple(Array(tuple(v.shape[1:]), v.metered, v.dtype) for _ in range(int(count))))
    return args, kwargs

def _to_python_lists(value):
    """Nested List values as Python lists (np.block's structure)."""
    if isinstance(value, List) and value.concrete:
        return [_to_python_lists(v) for v in value.items]
    return value

def _single_subscript(node) -> bool:
    """``x[a]`` rather than ``x[a,]``: one element without a trailing comma."""
    import libcst as cst

    elements = getattr(node, "slice", ())
    return len(elements) == 1 and not isinstance(getattr(elements[0], "comma", None), cst.Comma)

BOOL_RESULTS = frozenset({
    "greater", "greater_equal", "less", "less_equal", "equal", "not_equal", "logical_and", "logical_or",
    "logical_xor", "logical_not", "isnan", "isinf", "isfinite", "isclose", "signbit", "isneginf", "isposinf",
    "isreal", "iscomplex", "isin", "in1d", "isnat"})
BOOL_PRESERVING = frozenset({"bitwise_and", "bitwise_or", "bitwise_xor", "invert", "bitwise_not", "bitwise_invert"})


_NUMPY_CONVERSIONS = NUMPY_PLAIN_CONVERSIONS | {"asanyarray", "require"}


def _gives_bool(name: str, args: list) -> bool:
    """Whether the op's result is a boolean array (a comparison; & | ^ ~ of masks)."""
    if name in BOOL_RESULTS:
        return True
    if name in BOOL_PRESERVING:
        arrays = [a for a in args if isinstance(a, Array)]
        scalars_bool = all(a.kind == "bool" for a in args if isinstance(a, Scalar))
        return bool(arrays) and all(a.dtype == "bool" for a in arrays) and scalars_bool
    return False


def _index_width(it, analyzer) -> int:
    if isinstance(it, Array) and it.dtype == "bool":
        return max(len(it.shape), 1)
    return 1

class _ShapeOnly:
    """What a rule sees of an abstract array passed as a static argument: its shape."""

    __slots__ = ("shape",)

    def __init__(self, shape: tuple) -> None:
        self.shape = shape

def _dim(d):
    d = sympy.sympify(d)
    return int(d) if d.is_Integer else d
