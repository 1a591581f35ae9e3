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
    return parser


def _add_program_options(p: argparse.ArgumentParser, running: bool = False) -> None:
    p.add_argument("path", metavar="PATH", help="the solver's Python file")
    p.add_argument("--shapes", action="append", default=[], metavar="SPEC",
                   help="symbols and their values: n=256,m=64,B=2.72e11 (repeatable); a bare name stays symbolic")
    p.add_argument("--entry", metavar="NAME", help="analyze one function or method (Class.method) instead of the module")
    p.add_argument("--arg", action="append", default=[], metavar="NAME=EXPR", help="a value for a parameter of --entry (repeatable)")
    p.add_argument("--contract", choices=("estimator",), metavar="NAME",
                   help="run the program as the competition runs it: 'estimator' builds class Estimator, runs "
                   "setup(ctx) apart and predict(mlp, budget) within a budget; symbols w (width), L (depth), B (budget)")
    p.add_argument("--budget", metavar="N", help="also check the total against N FLOPs")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--timeout", type=_seconds, default=120.0, metavar="SECONDS",
                   help="stop the analysis after this long and report what is known (default: 120; 0: no limit)")
    p.add_argument("--max-memory", type=_megabytes, default=4096, metavar="MB",
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
    if args.command == "costs":
        return run_costs(args)
    return 2


def run_analyze(args) -> int:
    from flopscope.analyzer import analyze
    from flopscope.analyzer.render import text, to_json

    return _run_program_command("analyze", args, analyze, text, to_json)


def _run_program_command(name: str, args, compute, render_text, render_json) -> int:
    """analyze and check: run ``compute`` on the program's options, print text or JSON,
    and turn every failure into a message and exit code 2, JSON included."""
    from flopscope.analyzer import UsageError
    from flopscope.analyzer.render import dumps, error_json
    from flopscope.analyzer.driver import SourceSyntaxError

    as_json = args.format == "json"
    try:
        options = dict(shapes=args.shapes, entry=args.entry, args=args.arg, budget=args.budget, contract=args.contract,
                       timeout_s=args.timeout, max_memory_mb=args.max_memory)
        if hasattr(args, "seed"):
            options["seed"] = args.seed
        result = compute(args.path, **options)
        if getattr(args, "sort", "line") == "cost":
            result.sites.sort(key=lambda s: -(s.value if s.value is not None else float("inf")))
        output = dumps(render_json(result)) if as_json else render_text(result)
    except SourceSyntaxError as err:
        return _fail(str(err), args.path, as_json, code="FS001", dumps=dumps, error_json=error_json)
    except UsageError as err:
        return _fail(f"flopscope {name}: error: {err}", args.path, as_json, code="FS000", dumps=dumps, error_json=error_json)
    except Exception as err:  # noqa: BLE001 - an internal error is reported, never a traceback
        return _fail(f"flopscope {name}: internal error: {type(err).__name__}: {err}", args.path, as_json,
                     code="FS999", dumps=dumps, error_json=error_json)
    print(output)
    return result.exit_code


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
    from flopscope.check import check_program, render_text, to_json

    return _run_program_command("check", args, check_program, render_text, to_json)


def _fail(message: str, path: str, as_json: bool, code: str, dumps, error_json) -> int:
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
