"""Running an analysis: parse the file, run its top level, then ``--entry`` or the contract.

``analyze_source`` is the analyzer's entry point. It parses the source with libcst
(a PEP 263 coding cookie is honoured), runs the module's top level in the abstract
interpreter (:class:`~flopscope.analyzer.statements.Analyzer`), then one of:

* nothing more (a script: its top level is the solver);
* ``--entry NAME`` or ``--entry Class.method`` with ``--arg`` values;
* ``--contract estimator``: the competition's Estimator contract
  (:mod:`flopscope.contract`): the class is built, ``setup(ctx)`` runs outside the
  budget (its cost is reported on its own line), and ``predict(mlp, budget)`` runs
  inside a budget of ``B`` FLOPs, with ``mlp`` of width ``w`` and depth ``L``.

All of it runs within limits (:mod:`flopscope.analyzer.limits`): a time limit and a
memory ceiling, after which what was analyzed is reported and the rest is unknown.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import os

import libcst as cst
import sympy

from flopscope.analyzer.argspec import ArgEvaluator, UsageError, parse_budget, parse_shapes, split_arg
from flopscope.analyzer.limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_S, AnalysisStopped, Progress, run_within_limits
from flopscope.analyzer.model import BOUND, UNKNOWN, BudgetInfo
from flopscope.analyzer.record import RaiseSignal, ReturnSignal
from flopscope.analyzer.result import Analysis, BudgetCheck, summarise
from flopscope.analyzer.statements import Analyzer, _all_params
from flopscope.analyzer.values import Array, Class, Function, Instance, List, ObjectValue, Scalar, Str, Unknown
from flopscope.costs.symbolic import size_symbol


class SourceSyntaxError(UsageError):
    pass


def read_source(path: str) -> str:
    """A Python file's text, decoded as Python decodes it (a PEP 263 cookie, else UTF-8)."""
    import tokenize

    try:
        with open(path, "rb") as fh:
            encoding, _ = tokenize.detect_encoding(fh.readline)
        with open(path, encoding=encoding) as fh:
            return fh.read()
    except OSError as err:
        raise UsageError(f"{path}: cannot read the file ({err.strerror})") from None
    except (SyntaxError, UnicodeDecodeError, LookupError) as err:
        raise SourceSyntaxError(f"{path}:1:1: cannot decode the file: {err}") from None


def analyze(path: str, shapes: list[str] | None = None, entry: str | None = None, args: list[str] | None = None,
            budget: str | None = None, display_path: str | None = None, contract: str | None = None,
            timeout_s: float | None = DEFAULT_TIMEOUT_S, max_memory_mb: float | None = DEFAULT_MAX_MEMORY_MB,
            show_progress: bool | None = None) -> Analysis:
    source = read_source(path)
    return analyze_source(source, display_path or path, shapes=shapes, entry=entry, args=args, budget=budget,
                          contract=contract, timeout_s=timeout_s, max_memory_mb=max_memory_mb,
                          show_progress=show_progress, file_path=path)


def analyze_source(source: str, path: str = "<source>", shapes: list[str] | None = None, entry: str | None = None,
                   args: list[str] | None = None, budget: str | None = None, contract: str | None = None,
                   timeout_s: float | None = DEFAULT_TIMEOUT_S, max_memory_mb: float | None = DEFAULT_MAX_MEMORY_MB,
                   show_progress: bool | None = False, file_path: str | None = None) -> Analysis:
    values = parse_shapes(shapes or [])
    if contract is not None:
        from flopscope import contract as contracts

        if contract not in contracts.CONTRACTS:
            raise UsageError(f"--contract: unknown contract {contract!r} (known: {', '.join(contracts.CONTRACTS)})")
        if entry is not None:
            raise UsageError("--contract and --entry are two ways to say what to run: give one")
        for name in (contracts.WIDTH, contracts.DEPTH, contracts.BUDGET):
            values.setdefault(name, None)
    symbols = {name: size_symbol(name) for name in values}
    try:
        # CPython's own parser first: it rejects what Python rejects (nesting past its
        # limits among them) with Python's message, and never exhausts the C stack.
        compile(source, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as err:
        raise SourceSyntaxError(f"{path}:{err.lineno or 1}:{err.offset or 1}: syntax error: {err.msg}") from None
    except (MemoryError, RecursionError, ValueError):
        raise SourceSyntaxError(f"{path}:1:1: the file nests too deeply to be parsed") from None
    with _collector_paused():
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError as err:
            raise SourceSyntaxError(f"{path}:{err.raw_line}:{err.raw_column + 1}: syntax error: {err.message}") from None
        except RecursionError:
            raise SourceSyntaxError(f"{path}:1:1: the file nests too deeply to be parsed") from None

    analyzer = Analyzer(source, path, symbols, values)
    analyzer.real_path = file_path or path
    declared_late: list[str] = []

    def declare(name: str):
        if name not in symbols:
            symbols[name] = size_symbol(name)
            values[name] = None
            declared_late.append(name)
        return symbols[name]

    arg_values = {}
    evaluator = ArgEvaluator(symbols, declare)
    for text in args or []:
        name, expr = split_arg(text)
        if name in arg_values:
            raise UsageError(f"--arg {name} is given twice")
        arg_values[name] = evaluator.evaluate(name, expr)
    if arg_values and entry is None:
        raise UsageError("--arg gives arguments to --entry; name the function to analyze with --entry NAME")
    budget_value = None if budget is None else parse_budget(budget)

    progress = Progress(path=path)
    analyzer.progress = progress

    def work(progress: Progress) -> Analysis:
        from flopscope.costs import dims as _dims

        tokens = (_dims.DECIDER.set(analyzer.decider), _dims.EVALUATOR.set(analyzer.evaluator))
        try:
            analyzer.module_scope.vars["__name__"] = Str("__main__" if entry is None and contract is None else "solver")
            try:
                analyzer.run_module(module)
            except ReturnSignal:
                pass
            if entry is not None:
                _run_entry(analyzer, entry, arg_values, symbols)
            elif contract is not None:
                _run_contract(analyzer, module, symbols)
        except RaiseSignal as sig:
            analyzer.raised(sig)
        except AnalysisStopped as stop:
            analyzer.stopped(stop.reason)
        finally:
            _dims.DECIDER.reset(tokens[0])
            _dims.EVALUATOR.reset(tokens[1])
        for name in declared_late:
            analyzer.diag(None, "FS121", "info", f"symbol {name} has no value; give one with --shapes {name}=VALUE")
        try:
            return summarise(analyzer, path, entry)
        except AnalysisStopped as stop:
            return _minimal_result(analyzer, path, entry, f"{stop.reason} while summarising")

    with _tree_frozen():
        result = run_within_limits(work, progress, timeout_s=timeout_s, max_memory_mb=max_memory_mb,
                                   show_progress=show_progress)
    result.extra["seconds"] = progress.elapsed_s
    result.extra["peak_mb"] = progress.peak_mb
    if budget_value is not None:
        label = result.label
        within = None if result.value is None or label == UNKNOWN else result.value <= budget_value
        if within is False and label == BOUND:
            within = None
        certain = result.extra.get("certain_value") if within is None else None
        if certain is not None and certain > budget_value:
            within = False  # what runs whatever the data is already over
        result.budgets.append(BudgetCheck(0, 0, sympy.Integer(budget_value), result.total, result.value, within, label,
                                          None, "--budget", None, budget_value, certain))
    return result


@contextlib.contextmanager
def _collector_paused():
    """While LibCST builds the tree: Python's cyclic garbage collector off (the parse
    makes no cycles to collect, and each collection would walk the growing tree again:
    half the parse's time at 32,000 lines), and LibCST's check of each node as it is
    built skipped (a fifth of the rest): a tree straight from LibCST's parser, of a
    file Python's own parser has just accepted, is valid by construction (LibCST's
    ``CSTNode.__post_init__`` says as much). Both are restored on the way out."""
    from libcst._nodes.base import CSTNode

    enabled = gc.isenabled()
    validate = CSTNode.__dict__.get("__post_init__")
    gc.disable()
    if validate is not None:
        CSTNode.__post_init__ = _built_by_the_parser
    try:
        yield
    finally:
        if validate is not None:
            CSTNode.__post_init__ = validate
        if enabled:
            gc.enable()


def _built_by_the_parser(self) -> None:
    return None


@contextlib.contextmanager
def _tree_frozen():
    """During the analysis, what exists before it (the tree, the imported modules) is
    moved out of the collector's sight (``gc.freeze``): collections walk only what the
    analysis makes. Undone afterwards, unless the process had frozen objects itself
    (the command line freezes its imports: there the tree stays frozen to the end)."""
    mine = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if mine:
            gc.unfreeze()


def _minimal_result(analyzer, path: str, entry: str | None, why: str) -> Analysis:
    """What is left to report when even summarising had to be stopped: nothing but the fact."""
    analyzer.diag(None, "FS124", "warning", f"the analysis stopped ({why}): its result is unknown")
    unknown = sympy.Symbol("unknown_rest", nonnegative=True)
    diagnostics = sorted(analyzer.diagnostics.values(), key=lambda d: (d.line, d.col, d.code))
    return Analysis(path, dict(analyzer.values), [], [], [], [], unknown, None, UNKNOWN, diagnostics, None, entry,
                    {"stopped": why})


# ---------------------------------------------------------------------- --entry


def _run_entry(analyzer, entry: str, arg_values: dict, symbols) -> None:
    analyzer.events.clear()  # module-level code ran only to define things
    parts = entry.split(".")
    scope = analyzer.module_scope
    target = scope.vars.get(parts[0])
    if target is None:
        names = sorted(k for k, v in scope.vars.items() if isinstance(v, (Function, Class)))
        raise UsageError(f"--entry {entry}: no function or class named {parts[0]!r} at the top of the module"
                         + (f" (found: {', '.join(names)})" if names else ""))
    self_value = None
    func = target
    if len(parts) == 2:
        if not isinstance(target, Class):
            raise UsageError(f"--entry {entry}: {parts[0]!r} is not a class")
        func = target.lookup(parts[1])
        if not isinstance(func, Function):
            raise UsageError(f"--entry {entry}: class {parts[0]} has no method {parts[1]!r}")
        self_value = _make_instance(analyzer, target, arg_values, symbols)
    elif len(parts) > 2:
        raise UsageError(f"--entry {entry}: use NAME or Class.method")
    if not isinstance(func, Function):
        raise UsageError(f"--entry {entry}: {parts[0]!r} is not a function")
    params = [p.name.value for p in _all_params(func.node.params)]
    if self_value is not None and params and func.kind not in ("staticmethod",):
        params = params[1:]
    kwargs = _bind_params(params, func, arg_values, symbols, lambda name: (
        f"--entry {entry}: parameter {name!r} needs a value: add --arg '{name}=...' "
        f"(array(...), obj(...), a number or a symbol)"))
    unused = set(arg_values) - set(params) - {"self"}
    if unused and self_value is None:
        raise UsageError(f"--entry {entry}: no parameter named {', '.join(sorted(unused))} (parameters: {', '.join(params) or 'none'})")
    analyzer.call_function(func.node, func, [], kwargs, self_value=self_value if func.kind != "staticmethod" else None)


def _bind_params(params, func, arg_values: dict, symbols: dict, missing) -> dict:
    """Keyword arguments for an entry's parameters: from --arg, else the function's
    default, else the --shapes symbol of that name; ``missing(name)`` is the error."""
    kwargs = {}
    for name in params:
        if name in arg_values:
            kwargs[name] = arg_values[name]
        elif name in func.defaults:
            continue
        elif name in symbols:
            kwargs[name] = Scalar(symbols[name], "int")
        else:
            raise UsageError(missing(name))
    return kwargs


def _make_instance(analyzer, cls, arg_values, symbols):
    given = arg_values.get("self")
    if isinstance(given, ObjectValue):
        return Instance(cls, dict(given.attrs))
    inst = Instance(cls)
    init = cls.lookup("__init__")
    if isinstance(init, Function):
        params = [p.name.value for p in _all_params(init.node.params)][1:]
        kwargs = _bind_params(params, init, arg_values, symbols, lambda name: (
            f"--entry: {cls.name}.__init__ needs {name!r}: add --arg '{name}=...', or give "
            f"the instance's attributes with --arg 'self=obj(...)'"))
        mark = len(analyzer.events)
        analyzer.call_function(init.node, init, [], kwargs, self_value=inst)
        del analyzer.events[mark:]  # building self is not part of the entry's cost
    return inst


# ---------------------------------------------------------------------- --contract estimator


def find_estimator_class(analyzer) -> Class:
    """The contract's class: ``Estimator``, else the one class with ``predict(self, mlp, budget)``."""
    from flopscope import contract as contracts

    scope = analyzer.module_scope.vars
    cls = scope.get(contracts.ESTIMATOR_CLASS)
    if isinstance(cls, Class):
        return cls
    found = []
    for value in scope.values():
        if isinstance(value, Class):
            predict = value.lookup("predict")
            if isinstance(predict, Function) and len(_all_params(predict.node.params)) >= 3:
                found.append(value)
    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError("--contract estimator: no estimator class: define class Estimator with predict(self, mlp, budget)")
    names = ", ".join(sorted(c.name for c in found))
    raise UsageError(f"--contract estimator: several classes have predict(self, mlp, budget) ({names}): name one Estimator")


def contract_values(analyzer, symbols: dict) -> tuple:
    """(ctx, mlp, budget) as abstract values: w, L, B are the symbols of the contract."""
    from flopscope import contract as contracts

    w, depth, budget = (symbols[n] for n in (contracts.WIDTH, contracts.DEPTH, contracts.BUDGET))
    weight = Array((w, w), True, "float", ident=0)  # L distinct arrays (identity 0: never the same object)
    mlp = ObjectValue({
        "width": Scalar(w, "int"), "depth": Scalar(depth, "int"),
        "weights": List([], [(depth, weight, None, 0, 1)]), "seed": Scalar(None, "int"),
    })
    solver_dir = os.path.dirname(os.path.abspath(getattr(analyzer, "real_path", analyzer.path)))
    ctx = ObjectValue({
        "width": Scalar(w, "int"), "depth": Scalar(depth, "int"), "flop_budget": Scalar(budget, "int"),
        "seed": Scalar(None, "int"), "submission_dir": Str(solver_dir), "scratch_dir": Str("<scratch>"),
    })
    return ctx, mlp, Scalar(budget, "int")


def _run_contract(analyzer, module, symbols: dict) -> None:
    """Build the estimator, run setup(ctx) apart, then predict(mlp, budget) within a budget of B."""
    from flopscope import contract as contracts

    analyzer.events.clear()  # the module's top level ran to define things (outside the budget)
    cls = find_estimator_class(analyzer)
    predict = cls.lookup("predict")
    if not isinstance(predict, Function):
        raise UsageError(f"--contract estimator: class {cls.name} has no method predict(self, mlp, budget)")
    ctx, mlp, budget = contract_values(analyzer, symbols)
    inst = Instance(cls)
    analyzer.contract_setup = True
    init = cls.lookup("__init__")
    if isinstance(init, Function):
        analyzer.call_function(init.node, init, [], {}, self_value=inst)
    setup = cls.lookup("setup")
    if isinstance(setup, Function):
        analyzer.call_function(setup.node, setup, [ctx], {}, self_value=inst)
    analyzer.setup_events = list(analyzer.events)
    analyzer.events.clear()
    analyzer.contract_setup = False
    analyzer.contract_ran = True
    site = analyzer.pos(predict.node)
    info = BudgetInfo(next(_contract_ids), site.line, site.col, symbols[contracts.BUDGET], None, "contract",
                      f"{cls.name}.predict")
    analyzer.budgets.append(info)
    analyzer.budget_stack.append(info)
    try:
        result = analyzer.call_function(predict.node, predict, [mlp, budget], {}, self_value=inst)
    finally:
        analyzer.budget_stack.pop()
    _check_prediction(analyzer, predict, result, symbols)


def _check_prediction(analyzer, predict, result, symbols) -> None:
    """predict must return an array of shape (L, w): say so where it visibly does not."""
    from flopscope import contract as contracts

    want = (symbols[contracts.DEPTH], symbols[contracts.WIDTH])
    if isinstance(result, Unknown):
        return
    if not isinstance(result, Array):
        analyzer.diag(predict.node, "FS125", "warning", f"predict returns {result.describe()}: the judge expects an "
                      "array of shape (L, w), the mean activation of every unit of every layer")
        return
    def equal(a, b) -> bool:
        diff = sympy.sympify(a) - b
        if sympy.simplify(diff) == 0:
            return True
        at_sizes = diff.xreplace(analyzer.substitution)  # equal at the given sizes is enough there
        return at_sizes.is_number and at_sizes == 0

    same = len(result.shape) == 2 and all(equal(a, b) for a, b in zip(result.shape, want))
    if not same:
        shape = ", ".join(str(d) for d in result.shape)
        analyzer.diag(predict.node, "FS125", "warning", f"predict returns an array of shape ({shape}): the judge "
                      "expects (L, w), the mean activation of every unit of every layer")


def _ids():
    import itertools

    return itertools.count(10_000)


_contract_ids = _ids()
