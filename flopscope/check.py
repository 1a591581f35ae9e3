"""Running a solver under the metered runtime at given sizes, and measuring its charges.

``run_program`` executes a solver the way ``flopscope analyze`` reads it: its
module-level constants that are named in ``--shapes`` take the given values,
``--entry`` is called with arguments built from the same ``--arg`` expressions
(``array(...)`` becomes a metered array of seeded random values, ``obj(...)`` an
object with those attributes). Every charge is recorded with its call site
(file, line, column), so that it can be set beside the analyzer's prediction.
"""

from __future__ import annotations

import ast
import types
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import flopscope as flops
from flopscope.analyzer.argspec import UsageError, parse_shapes, split_arg
from flopscope.runtime.ledger import SESSION, sites


@dataclass
class Measurement:
    """What one run charged: per call site, and in total."""

    total: int
    sites: dict  # (line, col) -> {"ops": {op: flops}, "flops": int, "calls": int}
    error: BaseException | None = None
    error_site: tuple | None = None  # (line, col) of a BudgetExhaustedError
    stdout: str = ""
    other_files: int = 0  # flops charged from other files (helpers imported by the solver)
    extra: dict = field(default_factory=dict)


def substitute_constants(source: str, values: dict[str, int | None]) -> str:
    """Set module-level ``NAME = <number>`` to the value given in --shapes (same line numbers)."""
    import libcst as cst

    given = {k: v for k, v in values.items() if v is not None}
    if not given:
        return source

    class Rewrite(cst.CSTTransformer):
        def __init__(self) -> None:
            self.depth = 0

        def visit_FunctionDef(self, node) -> bool:
            return False

        def visit_ClassDef(self, node) -> bool:
            return False

        def leave_Assign(self, original, updated):
            if len(updated.targets) == 1 and isinstance(updated.targets[0].target, cst.Name):
                name = updated.targets[0].target.value
                if name in given:
                    return updated.with_changes(value=cst.Integer(str(given[name])))
            return updated

    return cst.parse_module(source).visit(Rewrite()).code


class _ArgBuilder:
    """Evaluates --arg expressions to real values: metered arrays of seeded random numbers."""

    def __init__(self, values: dict[str, int | None], seed: int = 0) -> None:
        self.values = values
        self.rng = np.random.default_rng(seed)

    def build(self, name: str, text: str) -> Any:
        tree = ast.parse(text, mode="eval")
        return self._eval(tree.body, name)

    def _eval(self, node, name):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            v = self.values.get(node.id)
            if v is None:
                raise UsageError(f"--arg {name}: symbol {node.id} needs a value to run (--shapes {node.id}=VALUE)")
            return v
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self._eval(node.operand, name)
        if isinstance(node, ast.BinOp):
            a, b = self._eval(node.left, name), self._eval(node.right, name)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                   ast.FloorDiv: lambda: a // b, ast.Mod: lambda: a % b, ast.Pow: lambda: a**b, ast.Div: lambda: a / b}
            if isinstance(node.op, ast.Mult) and isinstance(a, list) and isinstance(b, int):
                return [self._fresh(x) for x in a for _ in range(b)] if len(a) == 1 else a * b
            if isinstance(node.op, ast.Mult) and isinstance(b, list) and isinstance(a, int):
                return [self._fresh(x) for x in b for _ in range(a)] if len(b) == 1 else b * a
            return ops[type(node.op)]()
        if isinstance(node, ast.List):
            return [self._eval(e, name) for e in node.elts]
        if isinstance(node, ast.Tuple):
            return tuple(self._eval(e, name) for e in node.elts)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "array":
                shape = tuple(int(self._eval(a, name)) for a in node.args)
                return flops.metered(self.rng.standard_normal(shape))
            if node.func.id == "obj":
                return types.SimpleNamespace(**{kw.arg: self._eval(kw.value, name) for kw in node.keywords})
        raise UsageError(f"--arg {name}: cannot build {ast.dump(node)[:60]}")

    def _fresh(self, x):
        """[array(w, w)] * L gives L distinct arrays, as a user would build them."""
        if isinstance(x, np.ndarray):
            return flops.metered(self.rng.standard_normal(x.shape))
        return x


def run_program(path: str, shapes: list[str] | None = None, entry: str | None = None, args: list[str] | None = None,
                source: str | None = None, capture_output: bool = True) -> Measurement:
    """Run the solver at the given sizes and measure every charge by call site."""
    import contextlib
    import io

    values = parse_shapes(shapes or [])
    if source is None:
        with open(path, encoding="utf-8") as fh:
            source = fh.read()
    code_text = substitute_constants(source, values)
    code = compile(code_text, path, "exec")
    flops.reset_session()
    namespace: dict[str, Any] = {"__name__": "__main__" if entry is None else "solver", "__file__": path}
    # --shapes symbols are visible as globals, as the analyzer reads them
    namespace.update({k: v for k, v in values.items() if v is not None})
    error = None
    error_site = None
    out = io.StringIO()
    redirect = contextlib.redirect_stdout(out) if capture_output else contextlib.nullcontext()
    with redirect:
        try:
            exec(code, namespace)
            if entry is not None:
                _call_entry(namespace, entry, args or [], values)
        except flops.BudgetExhaustedError as err:
            error = err
            error_site = _site_of(err, path)
        except flops.FlopscopeError as err:
            error = err
    measured = _collect(path)
    measured.error = error
    measured.error_site = error_site
    measured.stdout = out.getvalue()
    return measured


def _site_of(err, path: str):
    tb = err.__traceback__
    best = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            from flopscope.runtime.ledger import col_of

            best = (tb.tb_lineno, col_of(tb.tb_frame.f_code, tb.tb_lasti))
        tb = tb.tb_next
    return best


def _call_entry(namespace: dict, entry: str, args: list[str], values: dict) -> Any:
    builder = _ArgBuilder(values)
    built = {}
    for text in args:
        name, expr = split_arg(text)
        built[name] = builder.build(name, expr)
    parts = entry.split(".")
    target = namespace[parts[0]]
    if len(parts) == 2:
        cls = target
        if "self" in built:
            obj = cls.__new__(cls)
            obj.__dict__.update(vars(built.pop("self")))
        else:
            import inspect

            init = inspect.signature(cls.__init__)
            init_kwargs = {}
            for p in list(init.parameters)[1:]:
                if p in built:
                    init_kwargs[p] = built.pop(p)
                elif p in values and values[p] is not None:
                    init_kwargs[p] = values[p]
            with flops.BudgetContext(flop_budget=10**30):  # building self is not part of the entry
                obj = cls(**init_kwargs)
        func = getattr(obj, parts[1])
    else:
        func = target
    import inspect

    params = inspect.signature(func).parameters
    kwargs = {}
    for p in params:
        if p in built:
            kwargs[p] = built[p]
        elif p in values and values[p] is not None and params[p].default is inspect.Parameter.empty:
            kwargs[p] = values[p]
    return func(**kwargs)


def _collect(path: str) -> Measurement:
    with SESSION.lock:
        ledgers = list(SESSION.ledgers)
    by_site: dict[tuple, dict] = {}
    total = 0
    other = 0
    for ledger in ledgers:
        if ledger.explicit and ledger.budget >= 10**30:
            continue  # the context that built --entry's self
        for op, _ns, file, line, col, _shapes, cost, calls in sites(ledger):
            flops_ = cost * calls
            total += flops_
            if file != path:
                other += flops_
                continue
            row = by_site.setdefault((line, col), {"ops": {}, "flops": 0, "calls": 0})
            row["ops"][op] = row["ops"].get(op, 0) + flops_
            row["flops"] += flops_
            row["calls"] += calls
    return Measurement(total, by_site, other_files=other)
