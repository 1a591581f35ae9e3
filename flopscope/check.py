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
import contextlib
import types
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import flopscope as flops
from flopscope.analyzer.argspec import UsageError, parse_shapes, split_arg
from flopscope.costs import COST_MODEL_NAME
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
                source: str | None = None, capture_output: bool = True, contract: str | None = None,
                seed: int = 0) -> Measurement:
    """Run the solver at the given sizes and measure every charge by call site.

    With ``contract="estimator"`` the program runs as the competition runs it: its
    Estimator is built and ``setup(ctx)`` runs outside any budget (measured apart,
    in ``extra["setup"]``), then ``predict(mlp, B)`` inside ``BudgetContext(B)``, with
    the competition's He-initialised weights from ``seed``; only predict is measured.
    """
    import io

    values = parse_shapes(shapes or [])
    if source is None:
        from flopscope.analyzer.driver import read_source

        source = read_source(path)
    code_text = substitute_constants(source, values)
    code = compile(code_text, path, "exec")
    flops.reset_session()
    module = types.ModuleType("__main__" if entry is None else "solver")
    module.__file__ = path
    # --shapes symbols are visible as globals, as the analyzer reads them
    module.__dict__.update({k: v for k, v in values.items() if v is not None})
    error = None
    error_site = None
    out = io.StringIO()
    redirect = contextlib.redirect_stdout(out) if capture_output else contextlib.nullcontext()
    module_level = 0
    setup = None
    with redirect, _as_module(module, path):
        try:
            exec(code, module.__dict__)
            if entry is not None or contract is not None:
                # The analyzer predicts the entry alone: what the module's top level
                # charged is set apart (reported in a note), and the entry measured alone.
                module_level = _collect(path).total
                flops.reset_session()
            if entry is not None:
                _call_entry(module.__dict__, entry, args or [], values, seed)
            elif contract is not None:
                setup = _run_contract(module.__dict__, path, values, seed)
        except Exception as err:  # noqa: BLE001 - the solver's own failure is reported, not raised
            error = err
            error_site = _site_of(err, path)
    measured = _collect(path)
    measured.extra["module_level"] = module_level
    if setup is not None:
        measured.extra["setup"] = setup
    measured.error = error
    measured.error_site = error_site
    measured.stdout = out.getvalue()
    return measured


@contextlib.contextmanager
def _as_module(module: types.ModuleType, path: str):
    """Run the solver as a real module: registered in sys.modules under its name while
    it runs (a @dataclass, pickling and typing look it up there), its folder first on
    sys.path (its sibling modules import). Both are restored afterwards."""
    import os
    import sys

    name = module.__name__
    saved = sys.modules.get(name)
    folder = os.path.dirname(os.path.abspath(path))
    sys.modules[name] = module
    sys.path.insert(0, folder)
    try:
        yield module
    finally:
        if saved is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = saved
        try:
            sys.path.remove(folder)
        except ValueError:
            pass


def _site_of(err, path: str):
    tb = err.__traceback__
    best = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            from flopscope.runtime.ledger import col_of

            best = (tb.tb_lineno, col_of(tb.tb_frame.f_code, tb.tb_lasti))
        tb = tb.tb_next
    return best


def _run_contract(namespace: dict, path: str, values: dict, seed: int) -> int:
    """Build the Estimator, run setup(ctx) outside the budget, then predict(mlp, B) inside
    BudgetContext(B). Returns what setup charged (the session is reset before predict)."""
    import tempfile

    from flopscope import contract as contracts

    missing = [n for n in (contracts.WIDTH, contracts.DEPTH, contracts.BUDGET) if values.get(n) is None]
    if missing:
        raise UsageError(f"--contract estimator runs the program: give {', '.join(missing)} a value "
                         f"(--shapes w=64,L=8,B=1e9)")
    w, depth, budget = (values[n] for n in (contracts.WIDTH, contracts.DEPTH, contracts.BUDGET))
    cls = contracts.find_estimator(namespace)
    with tempfile.TemporaryDirectory(prefix="flopscope-scratch-") as scratch:
        estimator = cls()
        if hasattr(estimator, "setup"):
            estimator.setup(contracts.setup_context(w, depth, budget, seed, path, scratch))
        setup = _collect(path).total
        flops.reset_session()
        mlp = contracts.build_mlp(w, depth, seed)
        with flops.BudgetContext(flop_budget=budget, quiet=True):
            estimator.predict(mlp, budget)
    return setup


def _call_entry(namespace: dict, entry: str, args: list[str], values: dict, seed: int = 0) -> Any:
    builder = _ArgBuilder(values, seed)
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
        for op, _ns, file, line, col, _shapes, flops_, calls in sites(ledger):
            total += flops_
            if file != path:
                other += flops_
                continue
            row = by_site.setdefault((line, col), {"ops": {}, "flops": 0, "calls": 0})
            row["ops"][op] = row["ops"].get(op, 0) + flops_
            row["flops"] += flops_
            row["calls"] += calls
    return Measurement(total, by_site, other_files=other)


# ---------------------------------------------------------------------- predicted vs measured

AGREE, WITHIN, MISMATCH, UNKNOWN_V, NOT_RUN = "agree", "within bound", "MISMATCH", "unknown", "not reached"


@dataclass
class SiteCheck:
    line: int
    col: int
    op: str
    predicted: int | None
    measured: int
    label: str
    verdict: str


@dataclass
class CheckResult:
    path: str
    symbols: dict
    sites: list
    predicted_total: int | None
    measured_total: int
    label: str
    verdict: str
    analysis: Any
    measurement: Measurement
    run_error: dict | None = None
    notes: list = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.verdict in (AGREE, WITHIN) and (self.run_error is None or self.run_error["type"] == "BudgetExhaustedError"):
            return 0
        return 1  # a mismatch, an unknown part, or a program that raised (even where the analyzer said it would)


def check_program(path: str, shapes: list[str] | None = None, entry: str | None = None, args: list[str] | None = None,
                  budget: str | None = None, display_path: str | None = None, contract: str | None = None,
                  seed: int = 0, timeout_s: float | None = 120.0, max_memory_mb: float | None = 4096) -> CheckResult:
    """Predict with the analyzer, measure with the runtime, and compare site by site."""
    import warnings

    from flopscope.analyzer import analyze

    analysis = analyze(path, shapes=shapes, entry=entry, args=args, budget=budget, display_path=display_path,
                       contract=contract, timeout_s=timeout_s, max_memory_mb=max_memory_mb)
    if analysis.symbols and any(v is None for v in analysis.symbols.values()):
        missing = ", ".join(k for k, v in analysis.symbols.items() if v is None)
        raise UsageError(f"flopscope check runs the program, so every symbol needs a value (--shapes {missing.split(', ')[0]}=VALUE): {missing}")
    run_shapes = [",".join(f"{k}={v}" for k, v in analysis.symbols.items())] if analysis.symbols else []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            measured = run_program(path, shapes=run_shapes, entry=entry, args=args, contract=contract, seed=seed)
    return compare(analysis, measured, display_path or path)


def compare(analysis, measured: Measurement, path: str) -> CheckResult:
    from flopscope.analyzer.model import BOUND, EXACT, UNKNOWN

    predicted: dict[tuple, dict] = {}
    for s in analysis.sites:
        row = predicted.setdefault((s.line, s.col), {"ops": [], "value": 0, "label": EXACT, "region": s.region})
        row["ops"].append(s.op)
        if s.value is None:
            row["value"] = None
        elif row["value"] is not None:
            row["value"] += s.value
        row["label"] = _worse(row["label"], s.label)
    stopped = measured.error is not None
    # Bound regions (data-dependent branches) are judged as a whole: the sites of the
    # branch that was not counted may run instead of the counted ones.
    regions: dict[int, list] = {}
    for key, row in predicted.items():
        if row["label"] == BOUND and row["region"] is not None:
            regions.setdefault(row["region"], []).append(key)
    region_ok = {}
    for region, keys in regions.items():
        p = sum(predicted[k]["value"] or 0 for k in keys)
        m = sum(measured.sites.get(k, {}).get("flops", 0) for k in keys)
        region_ok[region] = m <= p
    rows = []
    for key in sorted(set(predicted) | set(measured.sites)):
        p = predicted.get(key)
        m = measured.sites.get(key, {}).get("flops", 0)
        ops = p["ops"] if p else sorted(measured.sites[key]["ops"])
        op = ", ".join(dict.fromkeys(ops))
        if p is None:
            # a site the analysis never reached: a mismatch, unless part of the prediction
            # is unknown anyway (the analysis stopped, or could not follow something)
            rows.append(SiteCheck(key[0], key[1], op, None, m, "not predicted",
                                  UNKNOWN_V if analysis.label == UNKNOWN else MISMATCH))
            continue
        value, label = p["value"], p["label"]
        if label == UNKNOWN or value is None:
            verdict = UNKNOWN_V
        elif label == BOUND:
            ok = region_ok.get(p["region"], m <= value) if p["region"] is not None else m <= value
            verdict = WITHIN if ok else MISMATCH
        elif stopped:
            verdict = AGREE if m == value else (NOT_RUN if m < value else MISMATCH)
        else:
            verdict = AGREE if m == value else MISMATCH
        rows.append(SiteCheck(key[0], key[1], op, value, m, label, verdict))

    notes = []
    run_error = None
    total_p, total_m = analysis.value, measured.total
    if "setup" in measured.extra:
        setup = getattr(analysis, "setup", None)
        predicted = "?" if setup is None or setup.value is None else f"{setup.value:,}"
        notes.append(f"setup(ctx), outside the budget: predicted {predicted}, measured {measured.extra['setup']:,} "
                     "(not part of the total)")
    if measured.extra.get("module_level"):
        notes.append(f"the module's top level charged {measured.extra['module_level']:,} FLOPs before the entry ran; "
                     "the entry is measured alone, as it is predicted")
    if measured.other_files:
        notes.append(f"{measured.other_files:,} FLOPs were charged in other files (imported helpers), which the analyzer does not read")
    if stopped:
        err = measured.error
        site = measured.error_site
        run_error = {"type": type(err).__name__, "message": str(err), "line": site[0] if site else None, "col": site[1] if site else None}
        if isinstance(err, _BudgetExhausted()):
            predicted_over = any(b.within is False for b in analysis.budgets)
            at_site = site is not None and site in predicted and (predicted[site]["value"] or 0) > 0
            consistent = all(r.verdict in (AGREE, NOT_RUN, WITHIN) for r in rows)
            verdict = AGREE if predicted_over and at_site and consistent else MISMATCH
            notes.append("the run stopped with BudgetExhaustedError"
                         + (f" at {path}:{site[0]}:{site[1]}" if site else "")
                         + ("; the analyzer predicted this budget to be exceeded" if predicted_over else
                            "; the analyzer did NOT predict this budget to be exceeded"))
        else:
            where = f" at {path}:{site[0]}:{site[1]}" if site else ""
            raises = {d.line for d in analysis.diagnostics if d.code == "FS127"}
            if site is not None and site[0] in raises:
                # the analyzer said the program raises there at these sizes (FS127)
                consistent = all(r.verdict in (AGREE, NOT_RUN, WITHIN) for r in rows)
                if not consistent or total_p is None:
                    verdict = MISMATCH
                elif analysis.label == BOUND:
                    verdict = WITHIN if total_m <= total_p else MISMATCH
                else:
                    verdict = AGREE if total_m == total_p else MISMATCH
                notes.append(f"the program raised {type(err).__name__}{where}: {err}; the analyzer predicted it raises "
                             "there (FS127)")
            else:
                verdict = MISMATCH
                notes.append(f"the program raised {type(err).__name__}{where}: {err}")
        return CheckResult(path, analysis.symbols, rows, total_p, total_m, analysis.label, verdict, analysis, measured, run_error, notes)

    if any(r.verdict == MISMATCH for r in rows):
        verdict = MISMATCH
    elif analysis.label == UNKNOWN or any(r.verdict == UNKNOWN_V for r in rows):
        verdict = UNKNOWN_V
    elif analysis.label == BOUND:
        verdict = WITHIN if total_p is not None and total_m <= total_p else MISMATCH
    else:
        verdict = AGREE if total_p == total_m else MISMATCH
    return CheckResult(path, analysis.symbols, rows, total_p, total_m, analysis.label, verdict, analysis, measured, run_error, notes)


def _worse(a: str, b: str) -> str:
    from flopscope.analyzer.model import worse

    return worse(a, b)


def _BudgetExhausted():
    return flops.BudgetExhaustedError


def render_text(r: CheckResult) -> str:
    lines = [f"flopscope check {r.path}  ({COST_MODEL_NAME}: predicted by the analyzer, measured by the runtime)"]
    if r.symbols:
        lines.append("symbols: " + ", ".join(f"{k}={v}" for k, v in r.symbols.items()))
    lines.append("")
    width = max((len(s.op) for s in r.sites), default=0)
    locs = [f"{r.path}:{s.line}:{s.col}:" for s in r.sites]
    loc_width = max((len(x) for x in locs), default=0)
    for loc, s in zip(locs, r.sites):
        p = "?" if s.predicted is None else f"{s.predicted:,}"
        lines.append(f"{loc:<{loc_width}} {s.op:<{width}}  predicted {p:>12}  measured {s.measured:>12,}  {s.verdict}")
    lines.append("")
    p = "?" if r.predicted_total is None else f"{r.predicted_total:,}"
    lines.append(f"total: predicted {p} ({r.label})  measured {r.measured_total:,}  {r.verdict}")
    for note in r.notes:
        lines.append(f"note: {note}")
    n = len(r.sites)
    if r.verdict == AGREE:
        lines.append(f"result: predicted = measured at every site ({n} site{'s' if n != 1 else ''})")
    elif r.verdict == WITHIN:
        lines.append("result: every measurement is within its predicted bound")
    elif r.verdict == UNKNOWN_V:
        lines.append("result: part of the prediction is unknown, so it cannot be confirmed")
    else:
        bad = [s for s in r.sites if s.verdict == MISMATCH]
        lines.append(f"result: MISMATCH ({len(bad)} site{'s' if len(bad) != 1 else ''} disagree)" if bad else "result: MISMATCH")
    return "\n".join(lines)


def to_json(r: CheckResult) -> dict:
    return {
        "path": r.path,
        "cost_model": COST_MODEL_NAME,
        "symbols": dict(r.symbols),
        "sites": [{"line": s.line, "col": s.col, "op": s.op, "predicted": s.predicted, "measured": s.measured,
                   "label": s.label, "verdict": s.verdict} for s in r.sites],
        "total": {"predicted": r.predicted_total, "measured": r.measured_total, "label": r.label, "verdict": r.verdict,
                  "formula": _fmt(r.analysis.total)},
        "run_error": r.run_error,
        "notes": list(r.notes),
        "diagnostics": [{"line": d.line, "col": d.col, "code": d.code, "severity": d.severity, "message": d.message}
                        for d in r.analysis.diagnostics],
        "exit_code": r.exit_code,
    }


def _fmt(expr) -> str:
    from flopscope.analyzer.render import fmt

    return fmt(expr)
