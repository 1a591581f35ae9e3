"""Expressions: names, literals, attributes, calls, operators, comparisons, subscripts.

:class:`Evaluator` turns an expression node into an abstract value, charging the
counted calls and operators it meets (through :class:`~flopscope.analyzer.pricing.Pricer`).
It resolves module attributes (``fnp.einsum``, ``flops.stats.norm``, ``math.sqrt``).

What an expression needs from the layers above is declared at the end of the
class as hooks: calling a user function or building an instance runs
statements, a comprehension runs a loop, a conditional expression branches, and
Python's builtins and flopscope's own API are evaluated by
:mod:`flopscope.analyzer.builtins`.
"""

from __future__ import annotations

import functools


import libcst as cst
import sympy

from flopscope.analyzer import loops as L
from flopscope.analyzer.diagnostics import (
    ARRAY_ESCAPES,
    attribute_escape,
    flopscope_internal,
    name_escape,
    private_escape,
)
from flopscope.analyzer.model import BOUND, worse
from flopscope.analyzer.pricing import Pricer
from flopscope.analyzer.record import Scope
from flopscope.analyzer.values import (
    as_number,
    Array,
    ArrayMethodValue,
    BoundMethod,
    BoundOp,
    BudgetValue,
    BudgetViewValue,
    Builtin,
    Class,
    Dict,
    DistValue,
    FlopscopeApi,
    Function,
    GeneratorMethod,
    GeneratorValue,
    IndexExpr,
    Instance,
    List,
    ListMethod,
    Module,
    NoneValue,
    NpzValue,
    ObjectValue,
    Opaque,
    OpRef,
    Scalar,
    SliceValue,
    Str,
    SuperValue,
    Tuple,
    UfuncMethod,
    Unknown,
    Value,
    any_run_item,
    holds_metered,
    is_meter_value,
    py_key,
    run_item,
    same_shape,
)
from flopscope.costs import OPS
from flopscope.costs.table_io import INDEX_EXPRESSIONS
from flopscope.costs.table_stats import DISTRIBUTIONS


BINARY_OPS = {
    cst.Add: "add", cst.Subtract: "subtract", cst.Multiply: "multiply", cst.Divide: "divide",
    cst.FloorDivide: "floor_divide", cst.Modulo: "remainder", cst.Power: "power", cst.MatrixMultiply: "matmul",
    cst.BitAnd: "bitwise_and", cst.BitOr: "bitwise_or", cst.BitXor: "bitwise_xor",
    cst.LeftShift: "left_shift", cst.RightShift: "right_shift",
}

COMPARE_OPS = {
    cst.LessThan: "less", cst.LessThanEqual: "less_equal", cst.GreaterThan: "greater",
    cst.GreaterThanEqual: "greater_equal", cst.Equal: "equal", cst.NotEqual: "not_equal",
}

UNARY_OPS = {cst.Minus: "negative", cst.Plus: "positive", cst.BitInvert: "invert"}

FLOPSCOPE_API = {"BudgetContext", "budget", "namespace", "cost", "einsum_cost", "pointwise_cost", "reduction_cost",
                 "budget_summary", "budget_summary_dict", "reset_session", "metered", "current_namespace",
                 "as_symmetric", "current_budget", "lockdown"}

FLOPSCOPE_TYPES = {"FlopscopeError", "BudgetExhaustedError", "TimeExhaustedError", "BudgetContextError", "LockdownError",
                   "UnsupportedOperationError", "SymmetryError", "FlopscopeArray", "OpRecord", "SymmetricTensor",
                   "BudgetView"}

CONSTANTS = {"pi": (sympy.pi, "float"), "e": (sympy.E, "float"), "inf": (sympy.oo, "float"),
             "euler_gamma": (sympy.EulerGamma, "float")}

SUBMODULES = ("linalg", "fft", "random")

# os.path functions the analyzer evaluates on known strings (asset paths beside the solver).
OS_PATH_FUNCTIONS = {"join", "dirname", "basename", "abspath", "realpath", "normpath", "expanduser", "exists",
                     "isfile", "isdir", "splitext", "split"}

MAX_EXACT_BITS = 4096  # beyond this an exact number would cost more than the program it models
MAX_FRACTION_BITS = 256  # a fraction with a longer denominator is kept as a float


def scalar_arith(op: str, a, b):
    """Python arithmetic on SymPy expressions (sizes and constants).

    Exact numbers stay small: a fraction whose denominator grows past 256 bits (a
    float iterated in a loop, such as a logistic map) becomes a float, and a power or
    shift whose exact result would pass 4,096 bits is a number of unknown value, so that one
    operation never runs for minutes inside a big-integer routine nothing can stop."""
    if op not in ("equal", "not_equal"):
        a, b = as_number(a), as_number(b)
    if op in ("power", "left_shift") and _too_big(op, a, b):
        # a number too large to follow exactly: a fresh positive integer of unknown value
        return sympy.Dummy("huge", integer=True, positive=True)
    result = _scalar_arith_exact(op, a, b)
    if isinstance(result, sympy.Rational) and not result.is_Integer and result.q.bit_length() > MAX_FRACTION_BITS:
        return sympy.Float(result, 30)
    return result


def _too_big(op: str, a, b) -> bool:
    if not (getattr(a, "is_Rational", False) and getattr(b, "is_Integer", False)):
        return False
    if op == "left_shift":
        return int(b) > MAX_EXACT_BITS
    base_bits = max(abs(a.p).bit_length(), a.q.bit_length())
    return base_bits > 1 and abs(int(b)) * base_bits > MAX_EXACT_BITS


def _scalar_arith_exact(op: str, a, b):
    if op == "add":
        return a + b
    if op == "subtract":
        return a - b
    if op == "multiply":
        return a * b
    if op == "divide":
        return a / b
    if op == "floor_divide":
        if isinstance(a, sympy.floor) and b.is_integer and b.is_positive:
            return sympy.floor(a.args[0] / b)  # floor(floor(y) / c) == floor(y / c) for a positive integer c
        return sympy.floor(a / b)
    if op == "remainder":
        return sympy.Mod(a, b)
    if op == "power":
        return a**b
    if op == "less":
        return sympy.Lt(a, b)
    if op == "less_equal":
        return sympy.Le(a, b)
    if op == "greater":
        return sympy.Gt(a, b)
    if op == "greater_equal":
        return sympy.Ge(a, b)
    if op == "equal":
        return sympy.Eq(a, b)
    if op == "not_equal":
        return sympy.Ne(a, b)
    if a.is_Integer and b.is_Integer:
        x, y = int(a), int(b)
        return sympy.Integer({"bitwise_and": x & y, "bitwise_or": x | y, "bitwise_xor": x ^ y,
                              "left_shift": x << y, "right_shift": x >> y}[op])
    return None

def _kind(a: Scalar, b: Scalar, op: str) -> str:
    if op in ("less", "less_equal", "greater", "greater_equal", "equal", "not_equal"):
        return "bool"
    if "complex" in (a.kind, b.kind):
        return "complex"
    if op == "divide" or "float" in (a.kind, b.kind):
        return "float"
    return "int"

class Evaluator(Pricer):
    """Expressions to abstract values, charging what they compute."""

    def eval(self, node: cst.CSTNode, scope) -> Value:
        handler = getattr(self, f"expr_{type(node).__name__}", None)
        if handler is None:
            self.diag(node, "FS103", "warning", f"{type(node).__name__} expressions are not analyzed")
            self.opaque_region(node)
            return Unknown(f"a {type(node).__name__} expression")
        return handler(node, scope)

    def expr_Name(self, node: cst.Name, scope) -> Value:
        name = node.value
        value = scope.lookup(name)
        if value is not None:
            return value
        if name in ("True", "False"):
            return Scalar(sympy.true if name == "True" else sympy.false, "bool")
        if name == "None":
            return NoneValue()
        if name in self.symbols:  # a --shapes symbol the module does not define
            return Scalar(self.symbols[name], "int")
        builtin = self.builtin_value(name)
        if builtin is not None:
            return builtin
        self.diag(node, "FS118", "warning", f"name '{name}' is not defined (at this point of the analysis)")
        return Unknown(f"the undefined name {name!r}")

    def expr_Integer(self, node: cst.Integer, scope) -> Value:
        return Scalar(sympy.Integer(int(node.evaluated_value)), "int")

    def expr_Float(self, node: cst.Float, scope) -> Value:
        return Scalar(_float_literal(node.value), "float")

    def expr_Imaginary(self, node: cst.Imaginary, scope) -> Value:
        return Scalar(sympy.sympify(node.evaluated_value), "complex")

    def expr_SimpleString(self, node: cst.SimpleString, scope) -> Value:
        value = node.evaluated_value
        return Str(value if isinstance(value, str) else value.decode("latin-1"))

    def expr_ConcatenatedString(self, node: cst.ConcatenatedString, scope) -> Value:
        value = node.evaluated_value
        return Str(value) if isinstance(value, str) else Unknown("a formatted string")

    def expr_FormattedString(self, node: cst.FormattedString, scope) -> Value:
        for part in node.parts:
            if isinstance(part, cst.FormattedStringExpression):
                self.eval(part.expression, scope)
        return Str("", known=False)

    def expr_Ellipsis(self, node, scope) -> Value:
        return Opaque("Ellipsis")

    def expr_Tuple(self, node: cst.Tuple, scope) -> Value:
        return Tuple(tuple(self.elements(node.elements, scope)))

    def expr_List(self, node: cst.List, scope) -> Value:
        return List(list(self.elements(node.elements, scope)))

    def expr_Set(self, node: cst.Set, scope) -> Value:
        self.elements(node.elements, scope)
        return Opaque("set")

    def elements(self, elements, scope) -> list:
        out = []
        for el in elements:
            value = self.eval(el.value, scope)
            if isinstance(el, cst.StarredElement):
                if isinstance(value, (Tuple,)):
                    out.extend(value.items)
                elif isinstance(value, List) and value.concrete:
                    out.extend(value.items)
                else:
                    out.append(Unknown("a starred element of unknown length"))
            else:
                out.append(value)
        return out

    def expr_Dict(self, node: cst.Dict, scope) -> Value:
        items = {}
        complete = True
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                key = self.eval(el.key, scope)
                value = self.eval(el.value, scope)
                py = py_key(key)
                if py is None:
                    complete = False
                else:
                    items[py] = value
            else:
                other = self.eval(el.value, scope)
                if isinstance(other, Dict):
                    items.update(other.items)
                else:
                    complete = False
        return Dict(items, complete)

    def expr_IfExp(self, node: cst.IfExp, scope) -> Value:
        decision = self.decide(self.eval(node.test, scope))
        if decision is True:
            return self.eval(node.body, scope)
        if decision is False:
            return self.eval(node.orelse, scope)
        holder: dict[str, Value] = {}

        def run(which, key):
            holder[key] = self.eval(which, scope)

        if decision is None:
            self.data_branch(node, lambda: run(node.body, "a"), lambda: run(node.orelse, "b"), scope)
            return self.merge_values(holder.get("a", NoneValue()), holder.get("b", NoneValue()), None)
        self.symbolic_branch(node, decision, lambda: run(node.body, "a"), lambda: run(node.orelse, "b"), scope)
        return self.merge_values(holder.get("a", NoneValue()), holder.get("b", NoneValue()), decision)

    def expr_NamedExpr(self, node: cst.NamedExpr, scope) -> Value:
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope, node)
        return value

    def expr_Await(self, node: cst.Await, scope) -> Value:
        return self.eval(node.expression, scope)

    def expr_Lambda(self, node: cst.Lambda, scope) -> Value:
        func_node = cst.FunctionDef(
            name=cst.Name("lambda"),
            params=node.params,
            body=cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Return(value=node.body)])]),
        )
        # The synthetic Return wraps the lambda's own body node, so positions still resolve.
        defaults = {p.name.value: self.eval(p.default, scope) for p in node.params.params if p.default is not None}
        return Function(func_node, "<lambda>", "<lambda>", scope, defaults)

    def expr_Attribute(self, node: cst.Attribute, scope) -> Value:
        obj = self.eval(node.value, scope)
        return self.attribute(obj, node.attr.value, node)

    def attribute(self, obj: Value, name: str, node) -> Value:
        self.escape(node, _attribute_escape(obj, name))
        if isinstance(obj, Module):
            return self.module_attr(obj, name, node)
        if isinstance(obj, Array):
            return self.array_attr(obj, name, node)
        if isinstance(obj, Instance):
            if name in obj.attrs:
                return obj.attrs[name]
            found = obj.cls.lookup(name)
            if isinstance(found, Function):
                if found.kind == "staticmethod":
                    return found
                if found.kind == "classmethod":
                    return BoundMethod(found, obj.cls)
                if found.kind == "property":
                    return self.call_function(node, found, [], {}, self_value=obj)
                return BoundMethod(found, obj)
            if found is not None:
                return found
            if name.startswith("__"):
                return Opaque(name)
            self.diag(node, "FS119", "warning", f"'{obj.cls.name}' object has no attribute '{name}' (at this point of the analysis)")
            return self.unknown(node, f"attribute {name!r}")
        if isinstance(obj, Class):
            found = obj.lookup(name)
            if isinstance(found, Function) and found.kind == "classmethod":
                return BoundMethod(found, obj)
            return found if found is not None else Unknown(f"class attribute {name!r}")
        if isinstance(obj, ObjectValue):
            if name in obj.attrs:
                return obj.attrs[name]
            self.diag(node, "FS119", "warning", f"the object has no attribute '{name}' (give it with obj({name}=...) in --arg)")
            return self.unknown(node, f"attribute {name!r}")
        if isinstance(obj, List):
            return ListMethod(obj, name)
        if isinstance(obj, Dict):
            return ListMethod(obj, name)
        if isinstance(obj, DistValue):
            return self.dist_attr(obj, name, node)
        if isinstance(obj, NpzValue):
            if name == "files":
                return List([Str(k) for k in obj.entries])
            if name in ("get", "keys", "values", "items", "close", "__enter__", "__exit__"):
                return ListMethod(obj, name)
            self.diag(node, "FS119", "error", f"an .npz archive has no attribute '{name}'")
            return self.unknown(node, f"npz.{name}")
        if isinstance(obj, BudgetViewValue):
            return self.budget_view_attr(obj, name, node)
        if isinstance(obj, OpRef):
            if name in ("reduce", "accumulate", "outer", "at", "reduceat"):
                return UfuncMethod(obj, name)
            return Opaque(f"{obj.name}.{name}")
        if isinstance(obj, Scalar):
            if name in ("real", "imag", "conjugate"):
                return Scalar(None if name != "real" else obj.expr, obj.kind) if name != "conjugate" else Opaque("conjugate")
            if name in ("item", "tolist"):
                return Builtin(f"scalar.{name}:{id(obj)}")
            return Opaque(f"scalar.{name}")

        if isinstance(obj, GeneratorValue):
            return self.generator_attr(obj, name, node)
        if isinstance(obj, BudgetValue):
            return Opaque(f"budget.{name}")

        if isinstance(obj, SuperValue):
            for base in obj.owner.bases:
                found = base.lookup(name) if isinstance(base, Class) else None
                if isinstance(found, Function):
                    return BoundMethod(found, obj.self_value)
                if found is not None:
                    return found
            return Unknown(f"super().{name}")
        if isinstance(obj, Str):
            return Opaque(f"str.{name}")
        if isinstance(obj, Opaque):
            if obj.what == "numpy.ndarray" and not name.startswith("_") and name not in ("shape", "ndim", "size", "dtype"):
                self.escape(node, f"numpy.ndarray.{name} called on an array bypasses metering (the base class is plain NumPy)")
            return Opaque(f"{obj.what}.{name}")
        if isinstance(obj, Tuple) and name in ("count", "index"):
            return Opaque(f"tuple.{name}")
        if isinstance(obj, Tuple) and name in obj.fields:
            return obj.items[obj.fields.index(name)]
        if isinstance(obj, Builtin) and obj.name in ("object", "type") and name in ("__setattr__", "__delattr__"):
            return Builtin(f"object.{name}")  # object.__setattr__(obj, name, value) is setattr(obj, name, value)
        if isinstance(obj, Unknown):
            # it may be a metered array: calling this attribute is then a counted method
            return Unknown(obj.reason, reported=obj.reported, cause=obj.cause, member=True)
        return Unknown(f"attribute {name!r} of {obj.describe()}")

    def module_attr(self, module: Module, name: str, node) -> Value:
        full = f"{module.name}.{name}"
        internal = flopscope_internal(full)
        self.escape(node, attribute_escape(full))
        if internal is not None:
            return self.unknown(node, full)
        if name.startswith("__") and name.endswith("__"):
            return Opaque(full)  # a module's __name__, __dict__, ...: no cost (an escape is reported above)
        if module.name == "flopscope":
            if name == "numpy":
                return Module("flopscope.numpy")
            if name in FLOPSCOPE_API:
                return FlopscopeApi(name)
            if name in FLOPSCOPE_TYPES:
                return Opaque(f"flopscope.{name}")
            if name == "COST_MODEL_VERSION":
                from flopscope.costs import COST_MODEL_VERSION

                return Str(COST_MODEL_VERSION)
            if name in ("stats", "errors"):
                return Module(f"flopscope.{name}")
            self.diag(node, "FS119", "error", f"module 'flopscope' has no attribute '{name}'")
            return self.unknown(node, f"flopscope.{name}")
        if module.name == "flopscope.stats":
            if name in DISTRIBUTIONS:
                return DistValue(name)
            self.diag(node, "FS119", "error", f"module 'flopscope.stats' has no attribute '{name}' "
                      f"(its distributions: {', '.join(DISTRIBUTIONS)})")
            return self.unknown(node, f"flopscope.stats.{name}")
        if module.name == "flopscope.errors":
            return Opaque(f"flopscope.{name}")
        if module.name in ("flopscope.numpy", "numpy") or module.name.startswith(("flopscope.numpy.", "numpy.")):
            metered = module.name.startswith("flopscope")
            prefix = module.name.split(".", 2)[2] if metered and module.name.count(".") >= 2 else (
                module.name.split(".", 1)[1] if not metered and "." in module.name else "")
            if not prefix and name in SUBMODULES:
                return Module(f"{module.name}.{name}")
            op = f"{prefix}.{name}" if prefix else name
            if not prefix and name in INDEX_EXPRESSIONS:
                return IndexExpr(name, metered)
            if prefix == "random" and self.random_module_attr(name, metered) is not None:
                return self.random_module_attr(name, metered)
            if op in OPS:
                return OpRef(op, "flopscope" if metered else "numpy")
            if not prefix:
                if name == "namespace" and metered:
                    return FlopscopeApi("namespace")
                if name in CONSTANTS:
                    expr, kind = CONSTANTS[name]
                    return Scalar(expr, kind)
                if name == "nan":
                    return Scalar(None, "float")
                if name == "newaxis":
                    return NoneValue()
            if not metered and prefix == "random":
                return Builtin(f"numpy.random.{name}")
            numpy_has = _numpy_has(prefix, name)
            if name == "ndarray":
                return Opaque("numpy.ndarray")
            if name[:1].isupper() or name in _DTYPE_NAMES or name in ("dtype", "finfo", "iinfo", "errstate"):
                return Opaque(f"{module.name}.{name}")
            if metered:
                if numpy_has:
                    self.diag(node, "FS102", "error", f"flopscope.numpy{'.' + prefix if prefix else ''}.{name} is not supported by flopscope yet: it raises at runtime")
                else:
                    self.diag(node, "FS119", "error", f"module '{module.name}' has no attribute '{name}'")
                return self.unknown(node, f"{module.name}.{name}")
            return Opaque(f"numpy-fn:{op}")
        if module.name == "math":
            return Builtin(f"math.{name}") if name not in ("pi", "e", "inf", "tau") else Scalar(
                {"pi": sympy.pi, "e": sympy.E, "inf": sympy.oo, "tau": 2 * sympy.pi}[name], "float")
        if module.name == "os" and name == "path":
            return Module("os.path")
        if module.name == "os" and name in ("environ", "getenv"):
            return Module("os.environ") if name == "environ" else Builtin("os.getenv")
        if module.name == "os.environ" and name == "get":
            return Builtin("os.getenv")
        if module.name == "os.path" and name in OS_PATH_FUNCTIONS:
            return Builtin(f"os.path.{name}")
        if module.name == "functools" and name in ("cache", "lru_cache", "wraps", "partial", "reduce"):
            return Opaque(f"functools.{name}")
        return Opaque(full)

    def expr_Call(self, node: cst.Call, scope) -> Value:
        func = self.eval(node.func, scope)
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        for arg in node.args:
            value = self.eval(arg.value, scope)
            if arg.star == "*":
                if isinstance(value, (Tuple,)) or (isinstance(value, List) and value.concrete):
                    args.extend(value.items)
                else:
                    return self.call_unknown_arity(node, func, value)
            elif arg.star == "**":
                if isinstance(value, Dict) and value.complete:
                    kwargs.update({str(k): v for k, v in value.items.items()})
                else:
                    return self.call_unknown_arity(node, func, value)
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        return self.call(node, func, args, kwargs, scope)

    def call_unknown_arity(self, node, func, value) -> Value:
        return self.charge_unknown(node, "call", "a call with *args or **kwargs of unknown length: its cost is unknown", "FS103")

    def call(self, node, func: Value, args: list, kwargs: dict, scope) -> Value:
        if isinstance(func, OpRef):
            return self.call_op(node, func, args, kwargs)
        if isinstance(func, BoundOp):
            return self.call_bound_op(node, func, args, kwargs)
        if isinstance(func, DistValue) and func.frozen is None:
            return self.freeze_dist(node, func, args, kwargs)
        if isinstance(func, Function):
            if func.kind == "property":
                return self.call_function(node, func, args, kwargs)
            return self.call_function(node, func, args, kwargs)
        if isinstance(func, BoundMethod):
            return self.call_function(node, func.func, args, kwargs, self_value=func.self_value)
        if isinstance(func, Class):
            return self.instantiate(node, func, args, kwargs)
        if isinstance(func, Builtin):
            return self.call_builtin(node, func.name, args, kwargs, scope)
        if isinstance(func, FlopscopeApi):
            return self.call_flopscope(node, func.name, args, kwargs)
        if isinstance(func, UfuncMethod):
            return self.call_ufunc_method(node, func, args, kwargs)
        if isinstance(func, ListMethod):
            return self.call_list_method(node, func, args, kwargs)
        if isinstance(func, Opaque):
            return self.call_opaque(node, func, args, kwargs)

        if isinstance(func, GeneratorMethod):
            return self.call_generator_method(node, func, args, kwargs)
        if isinstance(func, ArrayMethodValue):
            return self.call_array_method(node, func, args, kwargs)
        # Something the analyzer cannot follow: fail closed if a metered array goes in.
        if any(holds_metered(v) for v in list(args) + list(kwargs.values())):
            return self.charge_unknown(node, "unknown call", f"a call to {func.describe()} receives a metered array: its cost is unknown",
                                       because=[func])
        if isinstance(func, Unknown) and func.member:
            return self.charge_unknown(node, "method call", f"a method of a value the analyzer cannot follow ({func.reason}) "
                                       "may be a counted array method: its cost is unknown", because=[func])
        if isinstance(func, Unknown) and func.reported:
            return func
        return Unknown(f"the result of calling {func.describe()}")

    def expr_BinaryOperation(self, node: cst.BinaryOperation, scope) -> Value:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        return self.binary(node, BINARY_OPS[type(node.operator)], left, right)

    def binary(self, node, op: str, left: Value, right: Value, inplace: bool = False) -> Value:
        if isinstance(left, Array) or isinstance(right, Array):
            return self.array_binary(node, op, left, right, inplace)
        if isinstance(left, Scalar) and isinstance(right, Scalar):
            if left.known and right.known:
                expr = scalar_arith(op, sympy.sympify(left.expr), sympy.sympify(right.expr))
                if expr is not None:
                    return Scalar(expr, _kind(left, right, op))
            return Scalar(None, _kind(left, right, op))
        if op == "add" and isinstance(left, (Tuple,)) and isinstance(right, Tuple):
            return Tuple(left.items + right.items)
        if op == "add" and isinstance(left, List) and isinstance(right, List):
            return List(list(left.items) + list(right.items), list(left.runs) + list(right.runs)) if right.concrete or not left.runs else Unknown("list concatenation")
        if op == "multiply" and isinstance(left, (List, Tuple)) and isinstance(right, Scalar):
            return self.repeat_sequence(left, right, node)
        if op == "multiply" and isinstance(right, (List, Tuple)) and isinstance(left, Scalar):
            return self.repeat_sequence(right, left, node)
        if op == "add" and isinstance(left, Str) and isinstance(right, Str):
            return Str(left.value + right.value, known=left.known and right.known)
        if op == "multiply" and isinstance(left, Str) and isinstance(right, Scalar):
            count = right.expr if right.known else None
            if left.known and isinstance(count, sympy.Integer) and 0 <= int(count) * len(left.value) <= 1_000_000:
                return Str(left.value * int(count))
        if isinstance(left, Str) or isinstance(right, Str):
            return Str("", known=False)
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            # it may be a metered array, and this operator then charged: never a silent 0
            return self.charge_unknown(node, op, f"{op} on a value the analyzer cannot follow "
                                       f"({(left if isinstance(left, Unknown) else right).describe()}): its cost is unknown",
                                       because=[left, right])
        return Unknown(f"{op} of {left.describe()} and {right.describe()}")

    def repeat_sequence(self, seq, times: Scalar, node) -> Value:
        if not times.known:
            return Unknown("a sequence repeated a data-dependent number of times")
        n = sympy.sympify(times.expr)
        items = list(seq.items)
        if n.is_Integer:
            if isinstance(seq, Tuple):
                return Tuple(tuple(items * int(n)))
            return List(items * int(n), [(r[0] * n, *r[1:]) for r in seq.runs] if seq.runs else [])
        if isinstance(seq, List) and seq.concrete and len(items) == 1:
            return List([], [(n, items[0], None, 0, 1)])
        return Unknown("a sequence repeated a symbolic number of times")

    def expr_UnaryOperation(self, node: cst.UnaryOperation, scope) -> Value:
        operand = self.eval(node.expression, scope)
        if isinstance(node.operator, cst.Not):
            decision = self.decide(operand)
            if decision is True or decision is False:
                return Scalar(sympy.false if decision else sympy.true, "bool")
            if decision is None:
                return Scalar(None, "bool")
            return Scalar(sympy.Not(decision), "bool")
        op = UNARY_OPS[type(node.operator)]
        if isinstance(operand, Array):
            return self.array_unary(node, op, operand)
        if isinstance(operand, Scalar):
            if not operand.known:
                return operand
            expr = as_number(sympy.sympify(operand.expr))
            if op == "negative":
                return Scalar(-expr, operand.kind if operand.kind != "bool" else "int")
            if op == "positive":
                return operand
            if expr.is_Integer:
                return Scalar(sympy.Integer(~int(expr)), "int")
            return Scalar(None, operand.kind)
        if isinstance(operand, Unknown):
            return self.charge_unknown(node, op, f"{op} on a value the analyzer cannot follow "
                                       f"({operand.describe()}): its cost is unknown", because=[operand])
        return Unknown("a unary operation on a value the analyzer cannot follow")

    def expr_BooleanOperation(self, node: cst.BooleanOperation, scope) -> Value:
        left = self.eval(node.left, scope)
        d_left = self.decide(left)
        is_and = isinstance(node.operator, cst.And)
        if d_left is False:
            return left if is_and else self.eval(node.right, scope)
        if d_left is True:
            return self.eval(node.right, scope) if is_and else left
        right = self.eval(node.right, scope)
        d_right = self.decide(right)
        if d_left is None or d_right is None:
            return Scalar(None, "bool")
        a = d_left if not isinstance(d_left, bool) else sympy.true if d_left else sympy.false
        b = d_right if not isinstance(d_right, bool) else sympy.true if d_right else sympy.false
        return Scalar(sympy.And(a, b) if is_and else sympy.Or(a, b), "bool")

    def expr_Comparison(self, node: cst.Comparison, scope) -> Value:
        left = self.eval(node.left, scope)
        result: Value | None = None
        for target in node.comparisons:
            right = self.eval(target.comparator, scope)
            value = self.compare(node, target.operator, left, right)
            if result is None:
                result = value
            else:
                result = self.binary_bool_and(result, value)
            left = right
        return result

    def binary_bool_and(self, a: Value, b: Value) -> Value:
        if isinstance(a, Array) or isinstance(b, Array):
            return Scalar(None, "bool")
        da, db = self.decide(a), self.decide(b)
        if da is None or db is None:
            return Scalar(None, "bool")
        x = sympy.true if da is True else sympy.false if da is False else da
        y = sympy.true if db is True else sympy.false if db is False else db
        return Scalar(sympy.And(x, y), "bool")

    def compare(self, node, operator, left: Value, right: Value) -> Value:
        if isinstance(operator, (cst.In, cst.NotIn)):
            if isinstance(right, Array):
                eq = self.array_binary(node, "equal", right, left, False)
                self.call_op(node, OpRef("any", "flopscope"), [eq], {})
                return Scalar(None, "bool")
            return self.membership(left, right, isinstance(operator, cst.NotIn))
        if isinstance(operator, (cst.Is, cst.IsNot)):
            same = (isinstance(left, NoneValue) and isinstance(right, NoneValue)) or left is right
            known = isinstance(left, NoneValue) or isinstance(right, NoneValue)
            if known:
                truth = same if isinstance(operator, cst.Is) else not same
                return Scalar(sympy.true if truth else sympy.false, "bool")
            return Scalar(None, "bool")
        op = COMPARE_OPS[type(operator)]
        if isinstance(left, Array) or isinstance(right, Array):
            return self.array_binary(node, op, left, right, False)
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            # it may be a metered array, and the comparison then charged: never a silent 0
            self.charge_unknown(node, op, f"{op} on a value the analyzer cannot follow "
                                f"({(left if isinstance(left, Unknown) else right).describe()}): its cost is unknown",
                                because=[left, right])
            return Scalar(None, "bool")
        if isinstance(left, Scalar) and isinstance(right, Scalar):
            if left.known and right.known:
                return Scalar(scalar_arith(op, sympy.sympify(left.expr), sympy.sympify(right.expr)), "bool")
            return Scalar(None, "bool")
        if isinstance(left, Str) and isinstance(right, Str) and op in ("equal", "not_equal"):
            if not (left.known and right.known):
                return Scalar(None, "bool")
            truth = (left.value == right.value) == (op == "equal")
            return Scalar(sympy.true if truth else sympy.false, "bool")
        if isinstance(left, NoneValue) or isinstance(right, NoneValue):
            same = isinstance(left, NoneValue) and isinstance(right, NoneValue)
            truth = same == (op == "equal")
            return Scalar(sympy.true if truth else sympy.false, "bool")
        return Scalar(None, "bool")

    def membership(self, item: Value, container: Value, negate: bool) -> Value:
        if isinstance(container, (Tuple, List, Dict)) and isinstance(item, (Str, Scalar)):
            if isinstance(container, Dict):
                key = py_key(item)
                if key is not None and container.complete:
                    truth = (key in container.items) != negate
                    return Scalar(sympy.true if truth else sympy.false, "bool")
        return Scalar(None, "bool")

    def expr_Subscript(self, node: cst.Subscript, scope) -> Value:
        obj = self.eval(node.value, scope)
        index = [self.index_item(el.slice, scope) for el in node.slice]
        if len(index) == 1 and isinstance(index[0], Tuple) and isinstance(obj, Array):
            index = list(index[0].items)  # a tuple value is the multi-index: x[fnp.s_[1:3, ::2]]
        if isinstance(obj, Array):
            return self.index_array(obj, tuple(index), node)
        if isinstance(obj, Module) and obj.name == "os.environ":
            self.diag(node, "FS123", "info", "an environment variable is read without a default: unset, it raises "
                      "KeyError; its value is not known to the analysis")
            return self.unknown(node, "an environment variable's value")
        if isinstance(obj, IndexExpr):
            return self.index_expression(node, obj, index)
        if isinstance(obj, NpzValue) and len(index) == 1:
            return self.npz_item(node, obj, index[0])
        if len(index) != 1:
            if isinstance(obj, Dict):
                return self.dict_get(obj, Tuple(tuple(index)))
            return Unknown("a multi-dimensional index of a non-array")
        idx = index[0]
        if isinstance(obj, (Tuple, List)):
            return self.index_sequence(obj, idx, node)
        if isinstance(obj, Dict):
            return self.dict_get(obj, idx)
        if isinstance(obj, Str):
            return Str("", known=False)
        if isinstance(obj, (Class,)) or isinstance(obj, Opaque):
            return Opaque("subscripted type")
        return Unknown("an element of a value the analyzer cannot follow")

    def index_item(self, item, scope) -> Value:
        if isinstance(item, cst.Slice):
            parts = []
            for part in (item.lower, item.upper, item.step):
                parts.append(None if part is None else self.eval(part, scope))
            return SliceValue(*parts)
        return self.eval(item.value, scope)

    def index_sequence(self, seq, idx: Value, node) -> Value:
        items = list(seq.items)
        if isinstance(idx, SliceValue):
            if isinstance(seq, List) and not seq.concrete:
                return self.slice_runs(seq, idx) or Unknown("a slice of a list of symbolic length")
            bounds = []
            for part in (idx.lower, idx.upper, idx.step):
                if part is None or isinstance(part, NoneValue):
                    bounds.append(None)
                elif isinstance(part, Scalar) and part.known and sympy.sympify(part.expr).is_Integer:
                    bounds.append(int(part.expr))
                else:
                    return Unknown("a slice of a sequence with symbolic bounds")
            sliced = items[slice(*bounds)]
            return Tuple(tuple(sliced)) if isinstance(seq, Tuple) else List(sliced)
        if isinstance(idx, Scalar) and idx.known:
            expr = sympy.sympify(idx.expr)
            if expr.is_Integer:
                k = int(expr)
                if isinstance(seq, List) and seq.runs:
                    if 0 <= k < len(items):
                        return items[k]
                    if k == -1 and not items:
                        run = seq.runs[-1]
                        return run_item(run, run[0] - 1)
                    return any_run_item(seq)
                if -len(items) <= k < len(items):
                    return items[k]
                self.diag(node, "FS108", "error", f"index {k} is out of range for a sequence of length {len(items)}")
                return Unknown("an index out of range")
            # A symbolic index into a homogeneous list (a loop over range(len(xs))).
            if isinstance(seq, List) and seq.runs and not items and len(seq.runs) == 1:
                return run_item(seq.runs[0], expr)
            if items and all(same_shape(items[0], x) for x in items[1:]) and not (isinstance(seq, List) and seq.runs):
                return items[0]
        return Unknown("an element of a sequence at a data-dependent position")

    def slice_runs(self, seq: List, idx) -> List | None:
        """``xs[a:b]`` of a list of symbolic length made of one run (``mlp.weights[1:-1]``,
        ``weights[:K + 1]``): the run, shortened, its items shifted where they depend on
        their place. Bounds may be symbolic; a negative one counts from the end."""
        if seq.items or len(seq.runs) != 1:
            return None
        parts = []
        for part in (idx.lower, idx.upper, idx.step):
            if part is None or isinstance(part, NoneValue):
                parts.append(None)
            elif isinstance(part, Scalar) and part.known:
                parts.append(sympy.sympify(part.expr))
            else:
                return None
        lo, hi, step = parts
        if step is not None and step != 1:
            return None
        count, item, var, start, stride = seq.runs[0]
        count = sympy.sympify(count)

        def place(bound, default):
            """Where a bound lands in 0..count (Python's clipping), or None if its sign is unknown."""
            if bound is None:
                return default
            if L.provably_nonnegative(bound, self.loop_bounds):
                return sympy.Min(bound, count) if not L.provably_nonnegative(count - bound, self.loop_bounds) else bound
            if L.provably_positive(-bound, self.loop_bounds):
                at = count + bound
                return at if L.provably_nonnegative(at, self.loop_bounds) else sympy.Max(at, 0)
            return None

        head, end = place(lo, sympy.Integer(0)), place(hi, count)
        if head is None or end is None:
            return None
        length = end - head
        if not L.provably_nonnegative(length, self.loop_bounds):
            length = sympy.Max(length, 0)
        return List([], [(length, item, var, start + stride * head if var is not None else start, stride)])

    def dict_get(self, d: Dict, idx: Value) -> Value:
        key = py_key(idx)
        if key is not None and key in d.items:
            return d.items[key]
        return Unknown("a dict entry")

    def store_item(self, obj: Value, target: cst.Subscript, value: Value, scope) -> None:
        index = [self.index_item(el.slice, scope) for el in target.slice]
        if isinstance(obj, Array):
            self.check_setitem(obj, tuple(index), value, target)
            return
        if isinstance(obj, Dict) and len(index) == 1:
            key = py_key(index[0])
            if key is not None:
                self.write(obj, key, value)
            else:
                obj.complete = False
            return
        if isinstance(obj, List) and len(index) == 1 and isinstance(index[0], Scalar) and index[0].known:
            expr = sympy.sympify(index[0].expr)
            if expr.is_Integer and obj.concrete:
                k = int(expr) % max(len(obj.items), 1)
                self.write(obj, k, value)

    def expr_ListComp(self, node: cst.ListComp, scope) -> Value:
        return self.comprehension(node, node.elt, node.for_in, scope, "list")

    def expr_GeneratorExp(self, node: cst.GeneratorExp, scope) -> Value:
        return self.comprehension(node, node.elt, node.for_in, scope, "list")

    def expr_SetComp(self, node: cst.SetComp, scope) -> Value:
        self.comprehension(node, node.elt, node.for_in, scope, "list")
        return Opaque("set")

    def expr_DictComp(self, node: cst.DictComp, scope) -> Value:
        result = self.comprehension(node, Tuple_node(node.key, node.value), node.for_in, scope, "dict")
        return result

    def comprehension(self, node, elt, for_in: cst.CompFor, scope, kind: str) -> Value:

        inner = Scope(scope, "function")
        out = List([])

        def body_for(comp: cst.CompFor):
            def run():
                for cond in comp.ifs:
                    decision = self.decide(self.eval(cond.test, inner))
                    if decision is False:
                        return
                    if decision is not True:
                        self.diag(cond, "FS105", "info", "a filter in a comprehension: its elements are an upper bound")
                        self.label_stack[-1] = _bound(self.label)
                if comp.inner_for_in is not None:
                    nested = comp.inner_for_in
                    iterable = self.eval(nested.iter, inner)
                    self.for_loop(nested, nested.target, iterable, body_for(nested), inner)
                    return
                if isinstance(elt, Tuple_node):
                    value = Tuple((self.eval(elt.key, inner), self.eval(elt.value, inner)))
                else:
                    value = self.eval(elt, inner)
                self.list_append(out, value)

            return run

        iterable = self.eval(for_in.iter, scope)
        self.label_stack.append(self.label)
        self.enter_loop()
        try:
            self.for_loop(for_in, for_in.target, iterable, body_for(for_in), inner)
        finally:
            self.label_stack.pop()
            self.leave_loop()
        if kind == "dict":
            return Dict({}, complete=False)
        return out

    # ------------------------------------------------------------------ hooks (the layers above)

    def builtin_value(self, name: str) -> Value | None:
        """A Python builtin's value (flopscope.analyzer.builtins)."""
        raise NotImplementedError

    def call_builtin(self, node, name: str, args: list, kwargs: dict, scope) -> Value:
        raise NotImplementedError

    def call_flopscope(self, node, name: str, args: list, kwargs: dict) -> Value:
        raise NotImplementedError

    def call_list_method(self, node, m: ListMethod, args: list, kwargs: dict) -> Value:
        raise NotImplementedError

    def call_opaque(self, node, func: Opaque, args: list, kwargs: dict) -> Value:
        raise NotImplementedError

    def budget_view_attr(self, view: BudgetViewValue, name: str, node) -> Value:
        raise NotImplementedError

    def call_function(self, node, func: Function, args: list, kwargs: dict, self_value: Value | None = None) -> Value:
        """Run a user function's body (flopscope.analyzer.statements)."""
        raise NotImplementedError

    def instantiate(self, node, cls: Class, args: list, kwargs: dict) -> Value:
        raise NotImplementedError

    def assign(self, target, value: Value, scope, node) -> None:
        raise NotImplementedError

    def for_loop(self, node, target, iterable: Value, run_body, scope) -> None:
        """Run a loop (flopscope.analyzer.flow)."""
        raise NotImplementedError

    def data_branch(self, node, run_then, run_else, scope) -> None:
        raise NotImplementedError

    def symbolic_branch(self, node, cond, run_then, run_else, scope) -> None:
        raise NotImplementedError

    def merge_values(self, a: Value, b: Value, cond) -> Value:
        raise NotImplementedError

class Tuple_node:
    """A (key, value) pair standing in for a dict comprehension's element."""

    def __init__(self, key, value):
        self.key, self.value = key, value

def _attribute_escape(obj: Value, name: str) -> str | None:
    """The escape from the meter in reading ``obj.name`` (FS112), if it is one."""
    message = name_escape(name)
    if message is not None:
        return message
    if name == "__dict__" and is_meter_value(obj):
        return "__dict__: it reads the attributes of flopscope's (or NumPy's) own objects around their API"
    if isinstance(obj, Array) and obj.metered and name in ARRAY_ESCAPES:
        return ARRAY_ESCAPES[name].format(f"A.{name}")
    if is_meter_value(obj) and not isinstance(obj, Module):
        return private_escape(name)  # (a module's are its internals: module_attr says so)
    return None


def _bound(label: str) -> str:

    return worse(label, BOUND)


_DTYPE_NAMES = {
    "bool_", "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp", "uintp",
    "float16", "float32", "float64", "longdouble", "complex64", "complex128", "clongdouble", "str_", "bytes_",
    "object_", "generic", "number", "integer", "floating", "complexfloating", "inexact", "signedinteger",
    "unsignedinteger", "double", "single", "half", "int_", "uint", "float_", "complex_", "cdouble", "csingle",
}

def _numpy_has(prefix: str, name: str) -> bool:
    import numpy as np

    owner = getattr(np, prefix, None) if prefix else np
    return owner is not None and hasattr(owner, name)


@functools.lru_cache(maxsize=4096)
def _float_literal(text: str):
    """A float literal as a number: 0.5 is 1/2 exactly; a decimal such as 0.1 is kept as
    the fraction it is written as when the float is that fraction's nearest double
    (int(0.1 * B) is B // 10); anything else is the double itself."""
    value = float(text.replace("_", ""))
    if value != value or abs(value) == float("inf"):
        return sympy.Float(value)
    r = sympy.nsimplify(value, rational=True)
    if r.is_Rational and float(r) == value and r.q <= 10**6:
        return r
    return sympy.Float(value)
