"""``flopscope analyze``: predict a solver's FLOPs as SymPy formulas before it runs.

``analyze(path, ...)`` parses the file with libcst, runs the abstract
interpreter (:class:`flopscope.analyzer.statements.Analyzer`, the top of the
layers described in docs/architecture.md) from the module's top level or from
``--entry``, and summarises the cost events into an :class:`Analysis`:
per call site, per function, per namespace, per budget, and in total, each as a
formula, a value at the given sizes, and a label (exact / upper bound /
unknown). ``escapes(analysis)`` lists its escapes from the meter (FS112), for a
judge that admits only solvers the meter fully sees. SymPy and libcst are
imported here, never by ``import flopscope``.
"""

from __future__ import annotations

from flopscope.analyzer.argspec import UsageError
from flopscope.analyzer.driver import SourceSyntaxError, analyze, analyze_source
from flopscope.analyzer.result import Analysis, escapes

__all__ = ["Analysis", "SourceSyntaxError", "UsageError", "analyze", "analyze_source", "escapes"]
