"""Parsing ``--shapes`` and ``--arg`` into symbols and abstract values."""

from __future__ import annotations

import ast
import keyword
import re

import sympy

from flopscope.analyzer.values import Array, List, NoneValue, ObjectValue, Scalar, Str, Tuple, Value


class UsageError(Exception):
    """A command-line argument flopscope cannot use (exit code 2)."""


_ITEM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*([0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE]\+?[0-9]+)?)\s*)?$")


def parse_shapes(specs: list[str]) -> dict[str, int | None]:
    """``n=256,m=64`` -> {"n": 256, "m": 64}; ``n`` -> {"n": None}. Repeatable."""
    out: dict[str, int | None] = {}
    for spec in specs:
        for item in spec.split(","):
            if not item.strip():
                continue
            m = _ITEM.match(item)
            if not m:
                raise UsageError(
                    f"--shapes: cannot read {item.strip()!r}; write NAME or NAME=VALUE with a non-negative integer, "
                    f"comma-separated (e.g. --shapes n=256,m=64)"
                )
            name, value = m.group(1), m.group(2)
            if keyword.iskeyword(name):
                raise UsageError(f"--shapes: {name!r} is a Python keyword, not a usable symbol name")
            if name in out:
                raise UsageError(f"--shapes: {name!r} is given twice")
            out[name] = _size_value(name, value) if value is not None else None
    return out


def _size_value(name: str, text: str) -> int:
    """An integer size, also written 2.72e11 or 1_000_000 (it must be a whole number)."""
    from fractions import Fraction

    value = Fraction(text.replace("_", ""))
    if value.denominator != 1:
        raise UsageError(f"--shapes: {name}={text} is not a whole number")
    return int(value)


def parse_budget(text) -> int:
    """``--budget`` (and the configuration's ``budget``): a positive number of FLOPs,
    also written 2.72e11 or 1_000_000."""
    try:
        value = int(float(str(text).replace("_", "")))
        if value <= 0 or str(text).strip().lower() in ("nan", "inf", "+inf"):
            raise ValueError
    except (ValueError, OverflowError):
        raise UsageError(f"--budget: expected a positive integer number of FLOPs, got {text!r}") from None
    return value


def split_arg(text: str) -> tuple[str, str]:
    name, sep, expr = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(f"--arg: expected NAME=EXPRESSION, got {text!r} (e.g. --arg 'W=array(n, n)')")
    if not expr.strip():
        raise UsageError(f"--arg {name}: the expression is empty")
    return name, expr.strip()


class ArgEvaluator:
    """Evaluates an --arg expression: symbols, numbers, arithmetic, lists, tuples,
    ``array(d0, d1, ...)`` and ``obj(attr=..., ...)``."""

    def __init__(self, symbols: dict[str, sympy.Symbol], declare):
        self.symbols = symbols
        self.declare = declare  # called for a name not in --shapes; returns its symbol

    def evaluate(self, name: str, text: str) -> Value:
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError as err:
            raise UsageError(f"--arg {name}: {text!r} is not a Python expression ({err.msg})") from None
        try:
            return self._eval(tree.body)
        except UsageError as err:
            raise UsageError(f"--arg {name}={text}: {err}") from None

    def _scalar(self, value: Value):
        if isinstance(value, Scalar) and value.known:
            return sympy.sympify(value.expr)
        raise UsageError("expected a size (an integer expression)")

    def _eval(self, node) -> Value:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                return Scalar(sympy.true if v else sympy.false, "bool")
            if isinstance(v, int):
                return Scalar(sympy.Integer(v), "int")
            if isinstance(v, float):
                return Scalar(sympy.Float(v), "float")
            if isinstance(v, str):
                return Str(v)
            if v is None:
                return NoneValue()
            raise UsageError(f"unsupported constant {v!r}")
        if isinstance(node, ast.Name):
            if node.id in self.symbols:
                return Scalar(self.symbols[node.id], "int")
            return Scalar(self.declare(node.id), "int")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return Scalar(-self._scalar(self._eval(node.operand)), "int")
        if isinstance(node, ast.BinOp):
            left, right = self._eval(node.left), self._eval(node.right)
            if isinstance(node.op, ast.Mult) and isinstance(left, (List, Tuple)) and isinstance(right, Scalar):
                return _repeat(left, self._scalar(right))
            if isinstance(node.op, ast.Mult) and isinstance(right, (List, Tuple)) and isinstance(left, Scalar):
                return _repeat(right, self._scalar(left))
            a, b = self._scalar(left), self._scalar(right)
            ops = {
                ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                ast.FloorDiv: lambda: sympy.floor(a / b), ast.Mod: lambda: sympy.Mod(a, b),
                ast.Pow: lambda: a**b, ast.Div: lambda: a / b,
            }
            fn = ops.get(type(node.op))
            if fn is None:
                raise UsageError(f"unsupported operator {type(node.op).__name__}")
            return Scalar(fn(), "int" if not isinstance(node.op, ast.Div) else "float")
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self._eval(e) for e in node.elts]
            return List(items) if isinstance(node, ast.List) else Tuple(tuple(items))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            fname = node.func.id
            if fname == "array":
                if node.keywords:
                    raise UsageError("array() takes the dimensions as positional arguments: array(n, n)")
                dims = [self._scalar(self._eval(a)) for a in node.args]
                return Array(tuple(int(d) if d.is_Integer else d for d in dims), metered=True)
            if fname == "obj":
                if node.args:
                    raise UsageError("obj() takes attributes as keywords: obj(width=w, depth=L)")
                return ObjectValue({kw.arg: self._eval(kw.value) for kw in node.keywords})
            raise UsageError(f"unknown helper {fname}(); use array(...), obj(...), lists and tuples")
        raise UsageError(f"unsupported expression {ast.dump(node)[:60]}")


def _repeat(seq, times) -> Value:
    if times.is_Integer:
        items = list(seq.items) * int(times)
        return List(items) if isinstance(seq, List) else Tuple(tuple(items))
    if isinstance(seq, List) and len(seq.items) == 1:
        return List([], [(times, seq.items[0], None, 0, 1)])
    raise UsageError("only a one-element list can be repeated a symbolic number of times: [array(w, w)] * L")
