"""The ``flopscope`` command line.

Exit codes: 0 success; 1 a finding (a budget predicted to be exceeded, a cost
that is unknown); 2 a usage error, a file that does not parse, or an internal
error. ``--format json`` is honoured on every path, errors included.
"""

from __future__ import annotations

import argparse
import sys

from flopscope import __version__
from flopscope.costs import COST_MODEL_NAME, COST_MODEL_VERSION

ANALYZE_EPILOG = """\
examples:
  flopscope analyze solver.py --shapes n=256
  flopscope analyze solver.py --shapes n,depth=4 --format json
  flopscope analyze model.py --entry forward --shapes n=256 --arg 'W=array(n, n)' --arg 'x=array(n)'
  flopscope analyze model.py --entry MLP.predict --shapes w=64,L=8 \\
      --arg 'self=obj(width=w, depth=L, weights=[array(w, w)] * L)' --arg 'x=array(w)'
  flopscope analyze solver.py --contract estimator --shapes w=256,L=32,B=2.72e11

--shapes NAME=VALUE gives a symbol a value; --shapes NAME keeps it symbolic. A name
that is also a module-level constant (n = 256) becomes that symbol.
--contract estimator analyzes class Estimator as the competition runs it: setup(ctx)
apart (reported on its own line), then predict(mlp, budget) within a budget of B FLOPs,
mlp of width w and depth L (L weight matrices of shape (w, w)).
--timeout and --max-memory stop a long analysis and report what is known so far.
--arg NAME=EXPR gives --entry's parameter NAME a value: an expression over the
symbols with array(d0, d1, ...), obj(attr=..., ...), lists and tuples.

exit codes: 0 analysis complete and every budget respected; 1 a budget is predicted
to be exceeded or part of the cost is unknown; 2 usage error, syntax error, internal error.
"""


CHECK_EPILOG = """\
examples:
  flopscope check examples/guide_solver.py --shapes n=256
  flopscope check examples/estimator.py --entry Ridge.predict --shapes n=512,d=64 --arg 'X=array(n, d)'
  flopscope check solver.py --contract estimator --shapes w=64,L=8,B=1e9

The options are those of analyze; every symbol needs a value, since the program runs.
For --entry, array(...) becomes a metered array of seeded random numbers and obj(...)
an object with those attributes. With --contract estimator the weights are the
competition's: He-initialised N(0, 2/w) float32 from --seed.

verdicts: agree (an exact prediction equals the measurement), within bound (a bound
holds), MISMATCH, unknown (part of the prediction is unknown).
exit codes: 0 every exact prediction equals its measurement and every bound holds;
1 a mismatch, an unknown part, or the program failed; 2 usage or syntax error.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but errors honour --format json and exit 2."""

    json_errors = False

    def error(self, message: str) -> None:  # noqa: D401 - argparse's signature
        if self.json_errors:
            from flopscope.analyzer.render import dumps, error_json

            print(dumps(error_json("", f"{self.prog}: {message}", code="FS000")))
            sys.exit(2)
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="flopscope",
        description="Compute within a FLOP budget: predict and inspect the FLOP cost of NumPy-style solvers.",
    )
    parser.add_argument(
        "--version", action="version", version=f"flopscope {__version__} (cost model v{COST_MODEL_VERSION})"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    analyze = sub.add_parser(
        "analyze",
        help="predict a solver's FLOPs as formulas, before it runs",
        description="Predict the FLOPs of a solver from its source: per call site, per function, per namespace and "
        f"in total, as SymPy formulas and their values ({COST_MODEL_NAME}).",
        epilog=ANALYZE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_program_options(analyze)
    check = sub.add_parser(
        "check",
        help="run a solver and compare what it is charged with what analyze predicts",
        description="Run the program under the metered runtime at the given sizes and compare, per call site "
        f"and in total, the analyzer's prediction with the runtime's measurement ({COST_MODEL_NAME}).",
        epilog=CHECK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_program_options(check, running=True)
    costs = sub.add_parser(
        "costs",
        help="print the cost table: every op's formula and a worked example",
        description=f"Print the cost of every op flopscope meters ({COST_MODEL_NAME}), computed from the cost table: "
        "the formula is the op's own cost rule evaluated on symbols, the example its value at the sizes shown.",
    )
    costs.add_argument("ops", nargs="*", metavar="OP", help="ops to show (default: all), e.g. einsum linalg.solve")
    costs.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)")
    run = sub.add_parser(
        "run",
        help="run a script under a FLOP budget in an isolated worker and print its verdict",
        description="Run SOLVER.py top to bottom inside a BudgetContext of N FLOPs, in a fresh worker process "
        "in the locked-down judged mode (see docs/judging.md), and print the verdict.",
    )
    run.add_argument("path", metavar="SOLVER.py", help="the script to run")
    _add_unit_options(run)
    run.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    judge = sub.add_parser(
        "judge",
        help="judge submissions on a task over many seeds: isolated workers, verdict records, a leaderboard",
        description="Judge each SUBMISSION (a solver file, or a folder holding solver.py and its assets) on TASK "
        "for every seed, each unit in a fresh isolated worker. Verdicts are appended to --out as they finish "
        "(one JSON line each; a rerun skips the units already there), then a leaderboard is printed.",
    )
    rule = sub.add_parser(
        "rule",
        help="explain a diagnostic code (FS105): what it means and what it does to the result",
        description="Explain diagnostic codes: their meaning, their effect on the result, and how to silence them. "
        "With no code, list every code.",
    )
    rule.add_argument("codes", nargs="*", metavar="CODE", help="codes such as FS105 (default: list them all)")
    judge.add_argument("submissions", nargs="+", metavar="SUBMISSION", help="solver files or folders")
    judge.add_argument("--task", default="mlp", help="'mlp' (the competition, bundled) or module:attr (default: mlp)")
    judge.add_argument("--seeds", default="0:10", help="seeds: A:B (a range), N, or a list 0,4,7 (default: 0:10)")
    _add_unit_options(judge)
    judge.add_argument("--width", type=int, default=16, help="mlp task: the network's width (default: 16)")
    judge.add_argument("--depth", type=int, default=4, help="mlp task: its depth (default: 4)")
    judge.add_argument("--truth-samples", type=int, default=20_000, metavar="N",
                       help="mlp task: Monte-Carlo samples of the ground truth (default: 20000)")
    judge.add_argument("--workers", type=int, default=2, metavar="K", help="units run at a time here (default: 2)")
    judge.add_argument("--out", metavar="RESULTS.jsonl", help="append verdicts here, and skip units already in it")
    judge.add_argument("--dask", metavar="ADDRESS",
                       help="run the units on a Dask scheduler at ADDRESS, or local:K for a LocalCluster of K workers")
    judge.add_argument("--no-predict", action="store_true", help="do not add the analyzer's prediction to verdicts")
    judge.add_argument("--admit", choices=("strict", "off"), default="off",
                       help="strict: refuse, before running, a submission in which flopscope analyze sees an escape "
                       "from the meter (FS112; see docs/security.md); off: judge every submission (default: off)")
    judge.add_argument("--format", choices=("text", "json"), default="text", help="leaderboard format (default: text)")
    return parser


def _add_unit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--budget", type=_flops, default=10**8, metavar="N", help="the FLOP budget (default: 1e8)")
    p.add_argument("--wall-time", type=_positive_seconds, default=60.0, metavar="S",
                   help="the billed wall-clock limit in seconds (default: 60)")
    p.add_argument("--memory", type=_positive_seconds, default=4096.0, metavar="MB",
                   help="the worker's memory allowance in MB (default: 4096)")


def _flops(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of FLOPs, got {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of FLOPs, got {text!r}")
    return int(value)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _add_program_options(p: argparse.ArgumentParser, running: bool = False) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="solver files, or folders to search for .py files (recursively)")
    p.add_argument("--shapes", action="append", default=[], metavar="SPEC",
                   help="symbols and their values: n=256,m=64,B=2.72e11 (repeatable); a bare name stays symbolic")
    p.add_argument("--entry", metavar="NAME", help="analyze one function or method (Class.method) instead of the module")
    p.add_argument("--arg", action="append", default=[], metavar="NAME=EXPR", help="a value for a parameter of --entry (repeatable)")
    p.add_argument("--contract", choices=("estimator", "none"), metavar="NAME",
                   help="run the program as the competition runs it: 'estimator' builds class Estimator, runs "
                   "setup(ctx) apart and predict(mlp, budget) within a budget; symbols w (width), L (depth), B (budget); "
                   "'none' runs it as a script (over a configured contract)")
    p.add_argument("--budget", metavar="N", help="also check the total against N FLOPs")
    formats = ("text", "json", "sarif", "github", "html")
    p.add_argument("--format", choices=formats, default="text",
                   help="output: text (default), json, sarif (SARIF 2.1.0), github (workflow annotations), "
                   "html (one self-contained page)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    detail = p.add_mutually_exclusive_group()
    detail.add_argument("-q", "--quiet", action="store_true", help="totals, budgets and diagnostics only")
    detail.add_argument("-v", "--verbose", action="store_true", help="also the analysis time and memory, and what "
                        "--select/--ignore or suppression comments hid")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the text report: auto (on a terminal, unless NO_COLOR is set), always, never")
    p.add_argument("--select", action="append", default=[], metavar="CODES",
                   help="report only these diagnostic codes or prefixes: FS105,FS11 (repeatable)")
    p.add_argument("--ignore", action="append", default=[], metavar="CODES",
                   help="do not report these codes or prefixes (repeatable); see also # flopscope: ignore[FS105]")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="leave out files matching GLOB (repeatable), beside the configuration's exclude")
    config = p.add_mutually_exclusive_group()
    config.add_argument("--config", metavar="FILE", help="read [tool.flopscope] from FILE instead of the nearest "
                        "pyproject.toml")
    config.add_argument("--no-config", action="store_true", help="read no configuration file")
    p.add_argument("--formula", choices=("text", "pretty", "latex"), default="text",
                   help="how formulas are printed in the text report: text (default), pretty (Unicode), latex")
    p.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                   help="stop the analysis after this long and report what is known (default: 120; 0: no limit)")
    p.add_argument("--max-memory", type=_megabytes, default=None, metavar="MB",
                   help="stop the analysis above this much memory and report what is known (default: 4096; 0: no limit)")
    if running:
        p.add_argument("--seed", type=int, default=0, metavar="N",
                       help="the seed of the arrays the program is given (--arg arrays, the contract's weights)")
    else:
        p.add_argument("--sort", choices=("line", "cost"), default="line",
                       help="order of the call sites: by source line (default) or costliest first")


def _seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"expected a non-negative number of seconds, got {text!r}")
    return value or None


def _megabytes(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of megabytes, got {text!r}") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"expected a non-negative number of megabytes, got {text!r}")
    return value or None


def _wants_json(argv: list[str]) -> bool:
    for i, a in enumerate(argv):
        if a == "--format" and i + 1 < len(argv) and argv[i + 1] == "json":
            return True
        if a == "--format=json":
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    """The command, ending quietly on Ctrl-C and on a closed output pipe (| head)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("flopscope: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 0


def _quiet_stdout() -> None:
    """The reader closed the pipe: send what is left of the output nowhere."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _Parser.json_errors = _wants_json(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "analyze":
        return run_analyze(args)
    if args.command == "check":
        return run_check(args)
    if args.command == "rule":
        return run_rule(args)
    if args.command == "costs":
        return run_costs(args)
    if args.command == "run":
        return run_run(args)
    if args.command == "judge":
        return run_judge(args)
    return 2


def run_run(args) -> int:
    """flopscope run: one script, one isolated worker, one verdict."""
    import json
    import os

    from flopscope.judge import Unit, run_unit

    if not os.path.isfile(args.path):
        print(f"flopscope run: {args.path}: no such file", file=sys.stderr)
        return 2
    v = run_unit(Unit(args.path, task="script", seed=None, budget=args.budget, wall_time_s=args.wall_time,
                      memory_mb=args.memory))
    if args.format == "json":
        print(json.dumps(v, indent=2))
    else:
        print(f"{args.path}: {v['status']}  {v['flops_used']:,} of {args.budget:,} FLOPs  "
              f"wall {v['time']['wall_s']:.3f} s (backend {v['time']['backend_s']:.3f}, overhead "
              f"{v['time']['overhead_s']:.3f}, residual {v['time']['residual_s']:.3f})")
        if v["error"]:
            print(f"  {v['error']['type']}: {v['error']['message']}")
        if v["output"]["stdout_bytes"]:
            print(f"  output ({v['output']['stdout_bytes']:,} bytes), last lines:")
            for line in v["output"]["stdout_tail"].splitlines()[-10:]:
                print(f"    {line}")
    return 0 if v["status"] == "ok" else 1


def run_judge(args) -> int:
    """flopscope judge: submissions x seeds, isolated workers, verdicts, a leaderboard."""
    import json

    from flopscope.judge import Unit, judge, leaderboard, load_task, parse_seeds, render_leaderboard
    from flopscope.judge.judge import predict, stderr_progress
    from flopscope.judge.runner import entry_of

    try:
        seeds = parse_seeds(args.seeds)
        options = {"width": args.width, "depth": args.depth, "samples": args.truth_samples} if args.task == "mlp" else {}
        task = load_task(args.task, **options)
        for s in args.submissions:
            entry_of(s)
        if args.workers < 1:
            raise ValueError(f"--workers: expected at least 1, got {args.workers}")
    except ValueError as err:
        print(f"flopscope judge: {err}", file=sys.stderr)
        return 2
    predictions = {s: None if args.no_predict else predict(s, task, args.budget) for s in args.submissions}
    refused = {}
    if args.admit == "strict":
        from flopscope.judge.judge import admission

        for s in args.submissions:
            reasons = admission(s)
            if reasons:
                refused[s] = reasons
    units = [Unit(s, task=args.task, task_options=options, seed=seed, budget=args.budget, wall_time_s=args.wall_time,
                  memory_mb=args.memory, prediction=predictions[s]) for s in args.submissions for seed in seeds]
    try:
        verdicts = judge(units, workers=args.workers, out=args.out, dask=args.dask, progress=stderr_progress,
                         refused=refused)
    except (RuntimeError, ValueError, OSError) as err:
        print(f"flopscope judge: {err}", file=sys.stderr)
        return 2
    finally:
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")
    rows = leaderboard(verdicts)
    if args.format == "json":
        print(json.dumps({"leaderboard": rows, "units": len(verdicts)}, indent=2))
    else:
        print(render_leaderboard(rows))
    return 0


def _import_analyzer() -> None:
    """Load SymPy and LibCST (the analyzer's start-up) with Python's cyclic collector
    off, then freeze what they built out of its sight: a one-shot command never frees
    a module, and each collection during the imports would walk them all again (a
    tenth of the start-up)."""
    import gc

    if "flopscope.analyzer" in sys.modules:  # (a process that has it already: nothing to gain)
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        import flopscope.analyzer  # noqa: F401
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def run_analyze(args) -> int:
    _import_analyzer()
    from flopscope.analyzer import analyze
    from flopscope.analyzer.render import text, to_json

    return _run_program_command("analyze", args, analyze, text, to_json)


def _run_program_command(name: str, args, compute, render_text, render_json) -> int:
    """analyze and check over files and folders: options from the configuration and the
    command line, one report per file in the chosen format, the worst exit code."""
    from flopscope import batch
    from flopscope import config as configuration
    from flopscope.analyzer.render import dumps, error_json
    from flopscope.analyzer import UsageError
    from flopscope.analyzer.argspec import parse_budget, parse_shapes
    from flopscope.analyzer.suppress import BadCode, check_codes

    as_json = args.format == "json"
    try:
        if args.no_config:
            config = configuration.Config(None)
        else:
            config = configuration.load(args.config, explicit=args.config is not None)
        parse_shapes(args.shapes)  # a symbol given twice on the command line is a mistake (the configuration's merge)
        settings = batch.Settings(configuration.RunOptions(
            shapes=args.shapes, contract=args.contract, entry=args.entry, args=args.arg, budget=args.budget,
            select=check_codes(args.select, "--select"), ignore=check_codes(args.ignore, "--ignore"),
            timeout=args.timeout, max_memory=args.max_memory), list(args.exclude), getattr(args, "seed", None))
        if args.budget is not None:
            parse_budget(args.budget)  # (once, not once a file)
        files = batch.discover(args.paths, config, settings.exclude)
        if args.format == "html" and len(files) != 1:
            raise batch.UsageProblem("--format html writes one page for one file: name one file")
    except (configuration.ConfigError, BadCode, batch.UsageProblem, UsageError) as err:
        return _fail(f"flopscope {name}: error: {err}", " ".join(args.paths), as_json, code="FS000", dumps=dumps,
                     error_json=error_json)
    if not files:  # (a pre-commit hook given only excluded files, an empty folder: nothing to do)
        print(f"flopscope {name}: no Python file to {name} in {' '.join(args.paths)}", file=sys.stderr)
    progress = _file_progress() if len(files) > 1 else None
    try:
        results = batch.run(name, files, config, settings, compute, progress)
    finally:
        if progress is not None:
            progress(None)
    if getattr(args, "sort", "line") == "cost":
        for r in results:
            if r.result is not None:
                r.result.sites.sort(key=lambda s: -(s.value if s.value is not None else float("inf")))
    stream = _output_stream(args.output)
    if stream is None:
        return _fail(f"flopscope {name}: error: --output {args.output}: cannot write there", " ".join(args.paths),
                     as_json, code="FS000", dumps=dumps, error_json=error_json)
    try:
        _write_report(name, args, results, stream, render_text, render_json, dumps)
        stream.flush()
    except BrokenPipeError:
        raise  # the reader left (| head): main ends quietly
    except OSError as err:
        _quiet_stdout()
        print(f"flopscope {name}: error: cannot write the report ({err.strerror or err})", file=sys.stderr)
        return 2
    finally:
        if stream is not sys.stdout:
            try:
                stream.close()
            except OSError:
                pass
    return batch.exit_code(results)


def _write_report(name: str, args, results, stream, render_text, render_json, dumps) -> None:
    from flopscope import batch

    if args.format == "json":
        print(dumps(batch.to_json(name, results, render_json)), file=stream)
    elif args.format == "sarif":
        print(dumps(batch.to_sarif(name, results)), file=stream)
    elif args.format == "github":
        text = batch.to_github(name, results)
        if text:
            print(text, file=stream)
    elif args.format == "html":
        page = _html_page(name, results[0])
        if page is None:
            print(results[0].error["message"], file=sys.stderr)
        else:
            print(page, file=stream)
    else:
        detail = "quiet" if args.quiet else "verbose" if args.verbose else "normal"
        colour = batch.colour_wanted(args.color, stream)

        def one(result):
            return render_text(result, formula=args.formula) if name == "analyze" else render_text(result)

        out, err = batch.render_text(name, results, detail, colour, one)
        if err:
            print(err, file=sys.stderr)
        if out:
            print(out, file=stream)


def _output_stream(path: str | None):
    if path is None or path == "-":
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8")
    except OSError:
        return None


def _html_page(name: str, item) -> str | None:
    if item.error is not None:
        return None
    from flopscope.analyzer import html_report

    if name == "analyze":
        return html_report.analysis_html(item.result, item.source or "")
    return html_report.check_html(item.result, item.source or "")


def _file_progress():
    """A one-line progress display on a terminal's stderr while several files run."""
    import os

    if not (sys.stderr.isatty() and os.environ.get("TERM") != "dumb"):
        return None
    width = [0]

    def show(text: str | None) -> None:
        line = "" if text is None else text[:100]
        sys.stderr.write("\r" + line.ljust(width[0]) + ("\r" if text is None else ""))
        sys.stderr.flush()
        width[0] = max(width[0], len(line))

    return show


def run_rule(args) -> int:
    """flopscope rule [CODE...]: what a diagnostic code means and what it does to the result."""
    from flopscope.batch import rules

    table = rules()
    codes = [c.upper() for c in args.codes] or sorted(table)
    unknown = [c for c in codes if c not in table]
    if unknown:
        print(f"flopscope rule: error: no diagnostic code {unknown[0]} (flopscope rule lists them)", file=sys.stderr)
        return 2
    if not args.codes:
        for code in codes:
            effect, meaning = table[code]
            print(f"{code}  [{effect}]  {meaning}")
        return 0
    for k, code in enumerate(codes):
        effect, meaning = table[code]
        if k:
            print()
        print(f"{code}: {meaning}")
        print(f"  effect on the result: {effect}")
        if code in ("FS000", "FS001", "FS999"):
            print("  always reported: it is not a finding about the solver (fix the command or the file)")
        elif code in ("FS128", "FS129"):
            print("  a finding of --format sarif and github that follows the exit code: change the budget or the "
                  "solver (--ignore and comments do not apply)")
        else:
            print(f"  silence it on one line: # flopscope: ignore[{code}]   everywhere: --ignore {code} or "
                  f"ignore = [\"{code}\"] in [tool.flopscope]")
        print(f"  more: docs/analyzer.md, section Diagnostics")
    return 0


def run_costs(args) -> int:
    from flopscope import reference

    try:
        items = reference.entries(args.ops)
    except Exception as err:  # noqa: BLE001 - reported, never a traceback
        if not isinstance(err, KeyError):
            print(f"flopscope costs: internal error: {type(err).__name__}: {err}", file=sys.stderr)
            return 2
        message = f"flopscope costs: error: no op named {err.args[0]} in the cost table (flopscope costs lists them)"
        if args.format == "json":
            from flopscope.analyzer.render import dumps, error_json

            print(dumps(error_json("", message, code="FS000")))
        else:
            print(message, file=sys.stderr)
        return 2
    render = {"text": reference.render_text, "json": reference.render_json, "markdown": reference.render_markdown}[args.format]
    print(render(items))
    return 0


def run_check(args) -> int:
    _import_analyzer()
    from flopscope.check import check_program, render_text, to_json

    return _run_program_command("check", args, check_program, render_text, to_json)


def _fail(message: str, path: str, as_json: bool, code: str, dumps, error_json) -> int:  # noqa: PLR0913
    if as_json:
        line = col = None
        parts = message.split(":")
        if code == "FS001" and len(parts) > 2 and parts[1].isdigit():
            line, col = int(parts[1]), int(parts[2]) if parts[2].isdigit() else None
        print(dumps(error_json(path, message, line, col, code)))
    else:
        print(message, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
