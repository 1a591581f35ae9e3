"""Python's builtins, ``math``, ``os.path``, list and dict methods, and flopscope's own API.

Python arithmetic on Python numbers is free; builtins that run array operators
(``abs``, ``sum``, ``min``/``max`` of 0-d metered results, ``round(x, k)``) are
charged as those operators. ``flops.BudgetContext``, ``@flops.budget``,
``flops.namespace`` and ``flops.current_budget()`` become the values the
statements use to label events and check budgets.
"""

from __future__ import annotations

import builtins as _builtins
import itertools

import sympy

from flopscope.analyzer.evaluation import Evaluator
from flopscope.analyzer.model import BudgetInfo
from flopscope.analyzer.record import memo_frames, touch
from flopscope.analyzer.values import (
    Array,
    BudgetValue,
    Builtin,
    Dict,
    Function,
    List,
    ListMethod,
    NamespaceValue,
    NoneValue,
    NpzValue,
    Opaque,
    OpRef,
    Range,
    Scalar,
    Str,
    SuperValue,
    Tuple,
    Unknown,
    Value,
    as_number,
    holds_metered,
    is_meter_value,
    key_value,
    py_key,
    subs_value,
)


BUILTIN_NAMES = {
    "range", "len", "min", "max", "abs", "int", "float", "round", "bool", "sum", "enumerate", "zip", "list", "tuple",
    "reversed", "sorted", "print", "isinstance", "str", "repr", "dict", "set", "divmod", "pow", "any", "all", "iter",
    "next", "map", "filter", "type", "super", "staticmethod", "classmethod", "property", "hasattr", "getattr",
    "setattr", "callable", "id", "hash", "format", "open", "object", "eval", "exec", "compile", "globals", "locals",
    "vars", "__import__", "input", "complex", "frozenset", "issubclass", "slice", "NotImplemented",
}

DYNAMIC = {"eval", "exec", "compile", "globals", "locals", "vars", "__import__"}

# Python's exception and warning classes, and its other builtins (bytes, ord, ...: their
# results are not followed, and a metered array given to one is an unknown cost)
EXCEPTIONS = {n for n, v in vars(_builtins).items() if isinstance(v, type) and issubclass(v, BaseException)}
OTHER_BUILTINS = {n for n in vars(_builtins) if not n.startswith("_")} - EXCEPTIONS - BUILTIN_NAMES - {
    "True", "False", "None"}

_budget_ids = itertools.count(1)

class Builtins(Evaluator):
    """Python's builtins and flopscope's API, on abstract values."""

    def builtin_value(self, name: str) -> Value | None:
        if name in BUILTIN_NAMES:
            return Builtin(name)
        if name in EXCEPTIONS:
            return Opaque(f"exception {name}")
        if name in OTHER_BUILTINS:
            return Builtin(name)
        if name == "__name__":
            return Str("__main__")
        if name == "__file__":
            return Str(self.path)
        return None

    def call_builtin(self, node, name: str, args: list, kwargs: dict, scope) -> Value:
        if name.startswith("math."):
            return self.call_math(node, name[5:], args)
        if name.startswith("os.path."):
            return self.call_os_path(node, name[8:], args)
        if name == "os.getenv":
            variable = args[0].value if args and isinstance(args[0], Str) else "a variable"
            default = args[1] if len(args) > 1 else kwargs.get("default", NoneValue())
            self.diag(node, "FS123", "info", f"the environment variable {variable} is read here: the analysis takes "
                      f"its default ({_describe_default(default)}), as an unset variable gives")
            return default
        if name in ("object.__setattr__", "object.__delattr__"):
            name = name[len("object.__"):-2]  # object.__setattr__(obj, name, value) is setattr(obj, name, value)
        handler = getattr(self, f"builtin_{name}", None)
        if handler is not None:
            return handler(node, args, kwargs, scope)
        if name == "vars" and args and is_meter_value(args[0]):
            self.escape(node, "vars(): it reads the attributes of flopscope's (or NumPy's) own objects around their API")
        if name == "memoryview" and any(holds_metered(v) for v in args):
            self.escape(node, "memoryview(): it hands out an array's raw memory: work on it is not metered")
        if name in DYNAMIC:
            return self.charge_unknown(node, name, f"{name}() runs code the analyzer cannot see: its cost is unknown", "FS103")
        if name in ("staticmethod", "classmethod", "property"):
            return args[0] if args else Unknown(name)
        if name == "print":
            return NoneValue()
        if any(holds_metered(v) for v in list(args) + list(kwargs.values())):
            return self.charge_unknown(node, name, f"{name}() receives a metered array: its cost is unknown")
        return Unknown(f"the result of {name}()")

    def _scalar_args(self, args) -> list | None:
        out = []
        for a in args:
            if not (isinstance(a, Scalar) and a.known):
                return None
            out.append(as_number(sympy.sympify(a.expr)))  # True is 1 in arithmetic
        return out

    def builtin_range(self, node, args, kwargs, scope) -> Value:
        if not 1 <= len(args) <= 3:
            self.diag(node, "FS108", "error", "range() takes 1 to 3 arguments")
            return Unknown("range")
        vals = [Scalar(None, "int") if isinstance(v, Array) and not v.shape else v for v in args]
        for v in vals:  # (a 0-d array is read with __index__: a data-dependent int)
            if not isinstance(v, Scalar):
                self.diag(node, "FS108", "error", f"range() needs integers, not {v.describe()}")
                return Unknown("range")
        if len(vals) == 1:
            return Range(Scalar(sympy.Integer(0)), vals[0], Scalar(sympy.Integer(1)))
        if len(vals) == 2:
            return Range(vals[0], vals[1], Scalar(sympy.Integer(1)))
        return Range(vals[0], vals[1], vals[2])

    def builtin_len(self, node, args, kwargs, scope) -> Value:
        if len(args) != 1:
            return Unknown("len")
        v = args[0]
        if isinstance(v, Array):
            if not v.shape:
                self.diag(node, "FS108", "error", "len() of a 0-d array raises at runtime")
                return Unknown("len")
            return Scalar(sympy.sympify(v.shape[0]), "int")
        if isinstance(v, List):
            return Scalar(v.length(), "int")
        if isinstance(v, Tuple):
            return Scalar(sympy.Integer(len(v.items)), "int")
        if isinstance(v, Str):
            return Scalar(sympy.Integer(len(v.value)), "int")
        if isinstance(v, Dict) and v.complete:
            return Scalar(sympy.Integer(len(v.items)), "int")
        if isinstance(v, Range):
            from flopscope.analyzer import loops as L

            if all(isinstance(x, Scalar) and x.known for x in (v.start, v.stop, v.step)):
                trips = L.trip_count(v.start.expr, v.stop.expr, v.step.expr)
                return Scalar(sympy.Max(trips, 0) if not L.provably_nonnegative(trips, self.loop_bounds) else trips, "int")
        return Scalar(None, "int")

    def _minmax(self, node, args, fn) -> Value:
        items = args
        if len(args) == 1:
            seq = args[0]
            if isinstance(seq, (Tuple,)) or (isinstance(seq, List) and seq.concrete):
                items = list(seq.items)
            else:
                return Scalar(None, "int")
        if any(isinstance(a, Array) for a in items):
            return self._minmax_arrays(node, items, fn)
        if any(isinstance(a, Unknown) for a in items) and len(items) > 1:
            return self.charge_unknown(node, "min/max", "min()/max() of values the analyzer cannot follow (metered "
                                       "arrays are compared at a cost): its cost is unknown", because=items)
        vals = self._scalar_args(items)
        if (vals is None or not vals) and items and all(isinstance(a, Scalar) for a in items):
            return self._minmax_with_data(node, items, fn)
        if vals is None or not vals:
            return Scalar(None, "int")
        kind = "float" if any(isinstance(a, Scalar) and a.kind == "float" for a in items) else "int"
        return Scalar(self._bounded_min(node, vals) if fn is sympy.Min else fn(*vals), kind)

    def _minmax_with_data(self, node, items: list, fn) -> Value:
        """min()/max() of Python numbers some of which the data decides: max(0, x) is a
        data size (at least 0, no bound); min(n, x) of such a size is at most n."""
        known = [sympy.sympify(a.expr) for a in items if a.known]
        kind = "float" if any(a.kind == "float" for a in items) else "int"
        if kind != "int" or not known:
            return Scalar(None, kind)
        if fn is sympy.Max and any(k.is_nonnegative for k in known):
            return Scalar(self.data_dim(None, f"max() with a number the data decides (line {self.pos(node).line})"), "int")
        return Scalar(None, kind)

    def _bounded_min(self, node, vals: list):
        """min() of numbers where a data size without a bound takes part: a data size
        bounded by the others (min(n, needed) <= n)."""
        unbounded = [v for v in vals if v.free_symbols & self.data_symbols
                     and any(x not in self.data_bounds for x in v.free_symbols & self.data_symbols)]
        if not unbounded or len(unbounded) == len(vals):
            return sympy.Min(*vals)
        others = [v for v in vals if v not in unbounded]
        if not all(v.is_nonnegative for v in unbounded):
            return sympy.Min(*vals)
        # a size the data decides is at least 0: min(n, x) <= max(0, n)
        return self.data_dim(sympy.Max(0, sympy.Min(*others)), f"min() with a number the data decides (line {self.pos(node).line})")

    def _minmax_arrays(self, node, items: list, fn) -> Value:
        """Python's min/max over 0-d metered arrays: each comparison of a new item with the
        running extreme is an array comparison (1 FLOP) when an array takes part."""
        from flopscope.analyzer.model import BOUND

        if any(isinstance(a, Array) and a.shape for a in items):
            self.diag(node, "FS108", "error", "min()/max() of arrays with more than one element raises at runtime "
                      "(the truth value of an array is ambiguous)")
            return self.unknown(node, "min/max of arrays")
        op = "less" if fn is sympy.Min else "greater"
        for k, item in enumerate(items[1:], 1):
            # item k is compared with the running extreme: one of items[:k] (items[0] for k = 1)
            before = [isinstance(x, Array) for x in items[:k]]
            if isinstance(item, Array) or all(before):
                self.call_op(node, OpRef(op, "flopscope"), [Array((), True), Array((), True)], {})
            elif any(before):
                # the running extreme is an array or a Python number, as the data decides
                self.label_stack.append(BOUND)
                try:
                    self.call_op(node, OpRef(op, "flopscope"), [Array((), True), Array((), True)], {})
                finally:
                    self.label_stack.pop()
        return Array((), any(isinstance(a, Array) and a.metered for a in items))

    def builtin_min(self, node, args, kwargs, scope) -> Value:
        return self._minmax(node, args, sympy.Min)

    def builtin_max(self, node, args, kwargs, scope) -> Value:
        return self._minmax(node, args, sympy.Max)

    def builtin_abs(self, node, args, kwargs, scope) -> Value:
        if len(args) != 1:
            return Unknown("abs")
        v = args[0]
        if isinstance(v, Array):
            return self.call_op(node, OpRef("absolute", "flopscope" if v.metered else "numpy"), [v], {})
        if isinstance(v, Scalar):
            return Scalar(sympy.Abs(v.expr) if v.known else None, v.kind)
        return Unknown("abs")

    def builtin_int(self, node, args, kwargs, scope) -> Value:
        if not args:
            return Scalar(sympy.Integer(0), "int")
        v = args[0]
        if isinstance(v, Scalar):
            if not v.known:
                return Scalar(None, "int")
            expr = as_number(sympy.sympify(v.expr))
            if expr.is_integer:
                return Scalar(expr, "int")
            # int() truncates toward zero; sizes are non-negative, where that is floor
            return Scalar(sympy.floor(expr) if expr.is_nonnegative is not False else sympy.sign(expr) * sympy.floor(sympy.Abs(expr)), "int")
        if isinstance(v, Str):
            try:
                return Scalar(sympy.Integer(int(v.value)), "int")
            except ValueError:
                return Unknown("int() of a string")
        if isinstance(v, Array):
            return Scalar(None, "int")
        return Scalar(None, "int")

    def builtin_float(self, node, args, kwargs, scope) -> Value:
        if args and isinstance(args[0], Scalar):
            return Scalar(args[0].expr, "float")
        return Scalar(None, "float")

    def builtin_complex(self, node, args, kwargs, scope) -> Value:
        return Scalar(None, "complex")

    def builtin_bool(self, node, args, kwargs, scope) -> Value:
        if not args:
            return Scalar(sympy.false, "bool")
        d = self.decide(args[0])
        if d is True or d is False:
            return Scalar(sympy.true if d else sympy.false, "bool")
        return Scalar(d if d is not None else None, "bool")

    def builtin_round(self, node, args, kwargs, scope) -> Value:
        if args and isinstance(args[0], Array):
            digits = args[1] if len(args) > 1 else kwargs.get("ndigits")
            if args[0].shape:
                self.diag(node, "FS108", "error", "round() of an array with dimensions raises at runtime")
                return self.unknown(node, "round")
            if digits is None or isinstance(digits, NoneValue):
                return Scalar(None, "int")  # round(x) of a 0-d array is a Python int: it leaves the meter
            return self.call_op(node, OpRef("round", "flopscope" if args[0].metered else "numpy"), [args[0], digits], {})
        if not args or not isinstance(args[0], Scalar) or not args[0].known:
            return Scalar(None, "int")
        if len(args) > 1:
            return Scalar(None, "float")
        expr = as_number(sympy.sympify(args[0].expr))
        if expr.is_integer:
            return Scalar(expr, "int")
        if expr.is_number:
            return Scalar(sympy.Integer(round(float(expr))), "int")
        return Scalar(sympy.floor(expr + sympy.Rational(1, 2)), "int")

    def builtin_divmod(self, node, args, kwargs, scope) -> Value:
        vals = self._scalar_args(args)
        if vals is None or len(vals) != 2:
            return Tuple((Scalar(None, "int"), Scalar(None, "int")))
        a, b = vals
        return Tuple((Scalar(sympy.floor(a / b), "int"), Scalar(sympy.Mod(a, b), "int")))

    def builtin_pow(self, node, args, kwargs, scope) -> Value:
        if len(args) == 2:
            return self.binary(node, "power", args[0], args[1])
        return Scalar(None, "int")

    def builtin_sum(self, node, args, kwargs, scope) -> Value:
        if not args:
            return Unknown("sum")
        acc: Value = args[1] if len(args) > 1 else kwargs.get("start", Scalar(sympy.Integer(0)))
        seq = args[0]
        if isinstance(seq, Range):
            seq = self.range_as_list(seq)
        if isinstance(seq, (Tuple,)) or (isinstance(seq, List) and seq.concrete):
            for item in seq.items:
                acc = self.binary(node, "add", acc, item)
            return acc
        if isinstance(seq, List):
            for item in seq.items:
                acc = self.binary(node, "add", acc, item)
            for run in seq.runs:
                count, item, var = run[0], run[1], run[2]
                if isinstance(item, Scalar):
                    if var is None:
                        acc = self.binary(node, "add", acc, Scalar(item.expr * count if item.known else None, item.kind))
                    else:
                        from flopscope.analyzer import loops as L

                        total = L.sum_over_trips(item.expr, var, run[3], run[4], count) if item.known else None
                        acc = self.binary(node, "add", acc, Scalar(total, item.kind))
                elif isinstance(item, Array) and var is None:
                    acc = self.binary(node, "add", acc, item)  # the first addition
                    mark = len(self.events)
                    acc = self.binary(node, "add", acc, item)
                    for i in range(mark, len(self.events)):  # ... and the count - 1 others, each the same
                        ev = self.events[i]
                        self.events[i] = ev.scaled(total=ev.total * (count - 1), count=ev.count * (count - 1))
                else:
                    return self.charge_unknown(node, "sum", "sum() over arrays whose shapes vary: its cost is unknown")
            return acc
        if isinstance(seq, Array):
            return self.charge_unknown(node, "sum", "Python's sum() over an array iterates its rows: use fnp.sum", "FS101")
        return Unknown("sum of an unknown sequence")

    def range_as_list(self, rng: Range) -> Value:
        from flopscope.analyzer import loops as L

        if not all(isinstance(x, Scalar) and x.known for x in (rng.start, rng.stop, rng.step)):
            return Unknown("a range with data-dependent bounds")
        a, b, c = (sympy.sympify(x.expr) for x in (rng.start, rng.stop, rng.step))
        trips = L.trip_count(a, b, c)
        if trips.is_Integer:
            return List([Scalar(a + c * k, "int") for k in range(max(int(trips), 0))])
        var = self.fresh_index("k")
        return List([], [(trips, Scalar(var, "int"), var, a, c)])

    def as_sequence(self, value: Value):
        """(concrete items, runs) for anything iterable, or None."""
        if isinstance(value, Range):
            value = self.range_as_list(value)
        if isinstance(value, Tuple):
            return list(value.items), []
        if isinstance(value, List):
            return list(value.items), list(value.runs)
        if isinstance(value, Str):
            return [Str(c) for c in value.value], []
        if isinstance(value, Dict) and value.complete:

            return [key_value(k) for k in value.items], []
        if isinstance(value, Array) and value.shape:
            first = sympy.sympify(value.shape[0])
            row = self.index_array(value, (Scalar(sympy.Integer(0)),), None)
            if first.is_Integer and int(first) <= 1000:
                return [row for _ in range(int(first))], []
            return [], [(first, row, None, 0, 1)]
        return None

    def builtin_enumerate(self, node, args, kwargs, scope) -> Value:
        seq = self.as_sequence(args[0]) if args else None
        start = args[1] if len(args) > 1 else kwargs.get("start", Scalar(sympy.Integer(0)))
        if seq is None or not (isinstance(start, Scalar) and start.known):
            return Unknown("enumerate of an unknown sequence")
        items, runs = seq
        s0 = sympy.sympify(start.expr)
        out = [Tuple((Scalar(s0 + k, "int"), item)) for k, item in enumerate(items)]
        new_runs = []
        offset = s0 + len(items)
        for run in runs:
            count, item, var = run[0], run[1], run[2]
            k = self.fresh_index("k")
            elem = item if var is None else subs_value(item, var, run[3] + run[4] * k)
            new_runs.append((count, Tuple((Scalar(offset + k, "int"), elem)), k, 0, 1))
            offset = offset + count
        return List(out, new_runs)

    def builtin_zip(self, node, args, kwargs, scope) -> Value:
        seqs = [self.as_sequence(a) for a in args]
        if not seqs or any(s is None for s in seqs):
            return Unknown("zip of an unknown sequence")
        if all(not runs for _items, runs in seqs):
            n = min(len(items) for items, _ in seqs)
            return List([Tuple(tuple(items[k] for items, _ in seqs)) for k in range(n)])
        if all(not items and len(runs) == 1 for items, runs in seqs):
            counts = [runs[0][0] for _, runs in seqs]
            if all(sympy.expand(c - counts[0]) == 0 for c in counts):
                k = self.fresh_index("k")
                elems = []
                for _, runs in seqs:
                    item, var = runs[0][1], runs[0][2]
                    elems.append(item if var is None else subs_value(item, var, runs[0][3] + runs[0][4] * k))
                return List([], [(counts[0], Tuple(tuple(elems)), k, 0, 1)])
        return Unknown("zip of sequences of different symbolic lengths")

    def builtin_list(self, node, args, kwargs, scope) -> Value:
        if not args:
            return List([])
        seq = self.as_sequence(args[0])
        if seq is None:
            return Unknown("list() of an unknown iterable")
        return List(list(seq[0]), list(seq[1]))

    def builtin_tuple(self, node, args, kwargs, scope) -> Value:
        if not args:
            return Tuple(())
        seq = self.as_sequence(args[0])
        if seq is None or seq[1]:
            return Unknown("tuple() of an iterable of unknown length")
        return Tuple(tuple(seq[0]))

    def builtin_reversed(self, node, args, kwargs, scope) -> Value:
        seq = self.as_sequence(args[0]) if args else None
        if seq is None:
            return Unknown("reversed()")
        items, runs = seq
        if runs:
            if items or len(runs) != 1:
                return Unknown("reversed() of a list of symbolic length")
            count, item, var, a, c = runs[0]
            if var is None:
                return List([], [runs[0]])
            return List([], [(count, item, var, a + c * (count - 1), -c)])
        return List(list(reversed(items)))

    def builtin_sorted(self, node, args, kwargs, scope) -> Value:
        seq = self.as_sequence(args[0]) if args else None
        if seq is None or seq[1]:
            return Unknown("sorted()")
        return List([Unknown("an element of a sorted list")] * len(seq[0]))

    def builtin_map(self, node, args, kwargs, scope) -> Value:
        if len(args) < 2:
            return Unknown("map()")
        seqs = [self.as_sequence(a) for a in args[1:]]
        if any(s is None or s[1] for s in seqs):
            return self.charge_unknown(node, "map", "map() over a sequence of symbolic length: its cost is unknown") if isinstance(args[0], Function) else Unknown("map()")
        n = min(len(s[0]) for s in seqs)
        return List([self.call(node, args[0], [s[0][k] for s in seqs], {}, scope) for k in range(n)])

    def builtin_isinstance(self, node, args, kwargs, scope) -> Value:
        return Scalar(None, "bool")

    def builtin_str(self, node, args, kwargs, scope) -> Value:
        if len(args) == 1 and not kwargs and isinstance(args[0], Str):
            return args[0]
        return Str("", known=False)

    def builtin_dict(self, node, args, kwargs, scope) -> Value:
        if not args:
            return Dict(dict(kwargs))
        return Dict({}, complete=False)

    def builtin_getattr(self, node, args, kwargs, scope) -> Value:
        if len(args) >= 2 and isinstance(args[1], Str) and args[1].known:
            return self.attribute(args[0], args[1].value, node)
        self.diag(node, "FS103", "warning", "getattr() with a computed name: the analyzer cannot follow it")
        return Unknown("getattr")

    def builtin_setattr(self, node, args, kwargs, scope) -> Value:
        from flopscope.analyzer.values import Instance, ObjectValue

        self.escape(node, _setter_escape("setattr", args))
        if len(args) == 3 and isinstance(args[1], Str) and isinstance(args[0], (Instance, ObjectValue)):
            self.write(args[0], "attr:" + args[1].value, args[2])
        return NoneValue()

    def builtin_delattr(self, node, args, kwargs, scope) -> Value:
        self.escape(node, _setter_escape("delattr", args))
        return NoneValue()

    def builtin_type(self, node, args, kwargs, scope) -> Value:
        if len(args) == 1 and not kwargs and isinstance(args[0], Array):
            return Opaque("flopscope.FlopscopeArray" if args[0].metered else "numpy.ndarray")
        if any(holds_metered(v) for v in list(args) + list(kwargs.values())):
            return self.charge_unknown(node, "type", "type() receives a metered array: its cost is unknown")
        return Unknown("the result of type()")

    def builtin_hasattr(self, node, args, kwargs, scope) -> Value:
        return Scalar(None, "bool")

    def builtin_super(self, node, args, kwargs, scope) -> Value:
        frame = self.func_stack[-1] if self.func_stack else None
        self_value = scope.lookup("self")
        owner = getattr(frame, "owner", None)
        if owner is None or self_value is None:
            return Unknown("super()")
        return SuperValue(owner, self_value)

    def builtin_any(self, node, args, kwargs, scope) -> Value:
        return Scalar(None, "bool")

    def call_os_path(self, node, name: str, args: list) -> Value:
        """os.path on known strings, evaluated for real (asset paths: join(dirname(__file__), ...))."""
        import os.path

        if not args or not all(isinstance(a, Str) for a in args):
            return Unknown(f"os.path.{name}() of a value the analyzer cannot read")
        result = getattr(os.path, name)(*(a.value for a in args))
        if isinstance(result, bool):
            return Scalar(sympy.true if result else sympy.false, "bool")
        if isinstance(result, tuple):
            return Tuple(tuple(Str(x) for x in result))
        return Str(result)

    def call_math(self, node, name: str, args: list) -> Value:
        vals = self._scalar_args(args)
        fns = {
            "ceil": (lambda x: sympy.ceiling(x), "int"), "floor": (lambda x: sympy.floor(x), "int"),
            "sqrt": (sympy.sqrt, "float"), "exp": (sympy.exp, "float"), "isqrt": (lambda x: sympy.floor(sympy.sqrt(x)), "int"),
            "log2": (lambda x: sympy.log(x, 2), "float"), "log10": (lambda x: sympy.log(x, 10), "float"),
            "log": (lambda x, b=None: sympy.log(x) if b is None else sympy.log(x, b), "float"),
            "prod": (lambda *x: sympy.Mul(*x), "int"), "factorial": (sympy.factorial, "int"),
            "comb": (sympy.binomial, "int"), "gcd": (sympy.gcd, "int"), "fabs": (sympy.Abs, "float"),
            "trunc": (lambda x: sympy.floor(x), "int"), "pow": (lambda a, b: a**b, "float"),
        }
        if vals is None:
            return Scalar(None, fns[name][1] if name in fns else "float")
        if name == "prod" and len(args) == 1:
            seq = self.as_sequence(args[0])
            if seq is None or seq[1]:
                return Scalar(None, "int")
            vals = self._scalar_args(seq[0])
            if vals is None:
                return Scalar(None, "int")
        if name not in fns:
            return Scalar(None, "float")
        fn, kind = fns[name]
        try:
            return Scalar(fn(*vals), kind)
        except TypeError:
            return Scalar(None, kind)

    def call_list_method(self, node, m: ListMethod, args: list, kwargs: dict) -> Value:
        target, name = m.target, m.name

        if isinstance(target, NpzValue):
            if name in ("keys",):
                return List([Str(k) for k in target.entries])
            if name == "values":
                return List([self.npz_item(node, target, Str(k)) for k in target.entries])
            if name == "items":
                return List([Tuple((Str(k), self.npz_item(node, target, Str(k)))) for k in target.entries])
            if name == "get":
                key = args[0] if args else None
                if isinstance(key, Str) and key.value not in target.entries:
                    return args[1] if len(args) > 1 else NoneValue()
                return self.npz_item(node, target, key) if key is not None else Unknown("npz.get")
            if name == "__enter__":
                return target
            return NoneValue()  # close, __exit__
        if isinstance(target, List):
            if name in ("extend", "pop", "sort", "reverse", "clear", "insert", "remove"):
                touch(target)
            if name == "append" and len(args) == 1:
                self.list_append(target, args[0])
                return NoneValue()
            if name == "extend" and len(args) == 1:
                seq = self.as_sequence(args[0])
                if seq is None:
                    return Unknown("list.extend")
                for item in seq[0]:
                    self.list_append(target, item)
                target.runs.extend(seq[1])
                return NoneValue()
            if name == "pop":
                if target.concrete and target.items and not args:
                    return target.items.pop()
                return Unknown("list.pop")
            if name == "copy":
                return List(list(target.items), list(target.runs))
            if name in ("sort", "reverse", "clear", "insert", "remove"):
                if name == "clear":
                    target.items.clear()
                    target.runs.clear()
                if name == "reverse" and target.concrete:
                    target.items.reverse()
                return NoneValue()
            return Unknown(f"list.{name}")
        if isinstance(target, Dict):

            if name == "get":
                key = py_key(args[0]) if args else None
                if key is not None and key in target.items:
                    return target.items[key]
                return args[1] if len(args) > 1 else NoneValue() if target.complete else Unknown("dict.get")
            if name == "items" and target.complete:
                return List([Tuple((key_value(k), v)) for k, v in target.items.items()])
            if name == "keys" and target.complete:
                return List([key_value(k) for k in target.items])
            if name == "values" and target.complete:
                return List(list(target.items.values()))
            if name in ("update", "setdefault", "pop", "clear"):
                touch(target)
                if name == "update" and args and isinstance(args[0], Dict):
                    for k, v in args[0].items.items():
                        self.write(target, k, v)
                elif name == "setdefault" and args:
                    key = py_key(args[0])
                    if key is not None:
                        if key not in target.items:
                            self.write(target, key, args[1] if len(args) > 1 else NoneValue())
                        return target.items[key]
                return Unknown(f"dict.{name}")
            return Unknown(f"dict.{name}")
        return Unknown(name)

    def call_flopscope(self, node, name: str, args: list, kwargs: dict) -> Value:
        if name in ("BudgetContext", "budget"):
            budget_v = args[0] if args else kwargs.get("flop_budget")
            ns_v = args[1] if len(args) > 1 else kwargs.get("namespace")
            budget_expr = None
            if isinstance(budget_v, Scalar) and budget_v.known:
                budget_expr = sympy.sympify(budget_v.expr)
            else:
                self.diag(node, "FS120", "warning", "the flop_budget is not a number the analyzer can read; it is not checked")
            namespace = ns_v.value if isinstance(ns_v, Str) else None
            site = self.pos(node)
            info = BudgetInfo(next(_budget_ids), site.line, site.col, budget_expr, namespace,
                              "with" if name == "BudgetContext" else "decorator")
            if not any(b.line == info.line and b.col == info.col for b in self.budgets):
                self.budgets.append(info)
            else:
                info = next(b for b in self.budgets if b.line == info.line and b.col == info.col)
            return BudgetValue(info)
        if name == "namespace":
            if args and isinstance(args[0], Str):
                return NamespaceValue(args[0].value)
            self.diag(node, "FS120", "warning", "a namespace name the analyzer cannot read")
            return NamespaceValue("?")
        if name == "metered":
            if args and isinstance(args[0], Array):
                return Array(tuple(args[0].shape), True, args[0].dtype)
            return Unknown("flops.metered()")
        if name in ("cost", "einsum_cost", "pointwise_cost", "reduction_cost"):
            return Scalar(None, "int")
        if name == "as_symmetric":
            return self.as_symmetric(node, args, kwargs)
        if name == "current_budget":
            from flopscope.analyzer.values import BudgetViewValue

            return BudgetViewValue(self.budget_stack[-1] if self.budget_stack else None)
        return Opaque(f"flopscope.{name}()")

    def budget_view_attr(self, view, name: str, node) -> Value:
        """``flops.current_budget()``'s numbers. ``flops_remaining`` is the budget minus what
        the analysis has charged in it so far: one number where everything before is exact;
        else (bounds before it, or inside a loop) a size the run decides, at most the budget
        minus what was surely charged, so whatever it sizes is an upper bound."""
        info = view.info
        if info is None:
            self.diag(node, "FS108", "error", "flops.current_budget() is None outside a BudgetContext: "
                      f"reading .{name} raises at runtime")
            return self.unknown(node, "current_budget() outside a budget")
        if name == "flop_budget":
            return Scalar(info.flop_budget, "int") if info.flop_budget is not None else Scalar(None, "int")
        if name in ("flops_used", "flops_remaining"):
            for frame in memo_frames():
                frame.pure = False  # the answer depends on what ran before the call, not on its arguments
            surely, complete = self.charged_so_far(info)
            if name == "flops_used":
                return Scalar(surely if complete else None, "int")
            if info.flop_budget is None:
                return Scalar(None, "int")
            left = sympy.expand(info.flop_budget - surely)
            if complete:
                return Scalar(left, "int")
            site = self.pos(node)
            key = (site.line, site.col, info.ident, sympy.srepr(left))
            sym = self.stable_sizes.get(key)
            if sym is None:
                sym = self.data_dim(left, f"flops_remaining at line {site.line}", prefix="left")
                self.stable_sizes[key] = sym
            return Scalar(sym, "int")
        if name in ("wall_time_s", "wall_time_limit_s", "wall_time_remaining_s"):
            return Scalar(None, "float")
        if name == "namespace":
            return Str(info.namespace) if info.namespace else NoneValue()
        self.diag(node, "FS119", "error", f"the budget view has no attribute '{name}'")
        return self.unknown(node, f"current_budget().{name}")

    def charged_so_far(self, info) -> tuple:
        """(what the events surely charged in budget ``info`` until here, whether that is all
        of it). Only exact events before the loops being analyzed count as sure: a bound
        may have charged less, and a loop's body is summed only when the loop ends."""
        limit = self.loop_marks[0] if self.loop_marks else len(self.events)
        complete = not self.loop_marks and not self.loop_bounds
        total = sympy.Integer(0)
        for ev in self.events[:limit]:
            if ev.kind == "charge" and info.ident in ev.budgets:
                if ev.label != "exact":
                    complete = False
                    continue
                total += ev.total
        return sympy.expand(total), complete

    def call_opaque(self, node, func: Opaque, args: list, kwargs: dict) -> Value:
        what = func.what
        if what.startswith("numpy-fn:"):
            name = what[len("numpy-fn:"):]
            if any(isinstance(a, Array) and a.metered for a in list(args) + list(kwargs.values())):
                self.diag(node, "FS102", "error", f"numpy.{name} is not supported by flopscope yet: on a flopscope array it raises at runtime")
                return Unknown(f"numpy.{name}")
            return Unknown(f"the result of numpy.{name}")
        if what.startswith("exception "):
            return Opaque("exception instance")
        if what.startswith("functools."):
            return Opaque(what)

        if any(holds_metered(v) for v in list(args) + list(kwargs.values())):
            return self.charge_unknown(node, "unknown call", f"a call to {what} receives a metered array: its cost is unknown")
        return Opaque(f"{what}()")


def _setter_escape(what: str, args: list) -> str | None:
    """setattr / delattr (or object.__setattr__) on the meter's own objects, or of
    ``__class__`` / ``__dict__``: an escape from the meter (FS112)."""
    if args and is_meter_value(args[0]):
        return f"{what}() on flopscope's (or NumPy's) own objects changes the meter around its API"
    if len(args) >= 2 and isinstance(args[1], Str) and args[1].value in ("__class__", "__dict__"):
        return f"{what}() of {args[1].value}: it changes what an object is, around the meter"
    return None


def _describe_default(value) -> str:
    if isinstance(value, Str):
        return repr(value.value)
    if isinstance(value, NoneValue):
        return "None"
    if isinstance(value, Scalar) and value.known:
        return str(value.expr)
    return value.describe()
