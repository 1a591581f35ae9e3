"""The ``flopscope`` command line.

Exit codes: 0 success, 1 a finding (an exceeded budget, a mismatch), 2 a usage
error or an internal error.
"""

from __future__ import annotations

import argparse
import sys

from flopscope import __version__
from flopscope.costs import COST_MODEL_VERSION


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flopscope",
        description="Compute within a FLOP budget: inspect and predict the FLOP cost of NumPy-style solvers.",
    )
    parser.add_argument(
        "--version", action="version", version=f"flopscope {__version__} (cost model v{COST_MODEL_VERSION})"
    )
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
