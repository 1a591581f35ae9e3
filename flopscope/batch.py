"""``flopscope analyze`` and ``flopscope check`` over several files, the way linters run.

The command line names files and folders (``.py`` files are found recursively,
skipping hidden folders, virtual environments and build output); each file gets
its options from ``[tool.flopscope]`` (:mod:`flopscope.config`), then from the
command line; each is analyzed (or checked) on its own, its diagnostics filtered by
``--select`` / ``--ignore`` and its suppression comments, and the results are printed
in one format: ``text``, ``json``, ``sarif`` (SARIF 2.1.0, for code-scanning
dashboards) or ``github`` (workflow commands that annotate a pull request). The exit
code is the worst of the files': 0 clean, 1 a finding, 2 an error.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from flopscope import config as _config

SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", "build", "dist", "site-packages", "venv", "env"})
ANALYZE_SCHEMA = "flopscope.analyze/2"
CHECK_SCHEMA = "flopscope.check/2"
# Findings the machine-readable formats report beside the analyzer's diagnostics.
OVER_BUDGET, MISMATCH_CODE = "FS128", "FS129"


class UsageProblem(Exception):
    """A command line or configuration flopscope cannot use (exit 2, nothing run)."""


@dataclass
class FileResult:
    path: str  # as displayed (relative where it can be)
    result: Any = None  # Analysis (analyze) or CheckResult (check); None on an error
    error: dict | None = None  # {"code", "message", "line", "col"}
    source: str | None = None
    suppressed: int = 0

    @property
    def exit_code(self) -> int:
        return 2 if self.error is not None else self.result.exit_code

    @property
    def analysis(self):
        return getattr(self.result, "analysis", self.result)


@dataclass
class Settings:
    """What the command line said: its run options (None / empty where it said nothing,
    so that the configuration decides), the files it leaves out, check's seed."""

    run: _config.RunOptions = field(default_factory=_config.RunOptions)
    exclude: list = field(default_factory=list)
    seed: int | None = None


# ---------------------------------------------------------------------- files


def discover(paths: list, config: _config.Config, exclude: list) -> list[str]:
    """The .py files the paths name, folders searched recursively, in a stable order;
    files the configuration or ``--exclude`` excludes are left out."""
    files: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d not in SKIPPED_FOLDERS)
                files.extend(os.path.join(folder, n) for n in sorted(names) if n.endswith(".py"))
        elif path.exists():
            files.append(str(path))
        else:
            raise UsageProblem(f"{given}: no such file or folder")
    seen: set = set()
    out = []
    for f in files:
        key = os.path.abspath(f)
        if key in seen or config.excluded(f, exclude):
            continue
        seen.add(key)
        out.append(os.path.normpath(f))
    return out


def options_for(file: str, config: _config.Config, cli: Settings) -> _config.RunOptions:
    return _config.merge(config.options_for(file), cli.run)


# ---------------------------------------------------------------------- running


def run(command: str, files: list[str], config: _config.Config, cli: Settings,
        compute: Callable, progress: Callable[[str], None] | None = None) -> list[FileResult]:
    """Analyze (or check) each file with its options; errors become results, never tracebacks."""
    from flopscope.analyzer import UsageError
    from flopscope.analyzer.driver import SourceSyntaxError, read_source
    from flopscope.analyzer.suppress import filter_diagnostics

    results = []
    for k, file in enumerate(files):
        if progress is not None:
            progress(f"[{k + 1}/{len(files)}] {file}")
        opts = options_for(file, config, cli)
        item = FileResult(file)
        try:
            item.source = read_source(file)
            kwargs = dict(shapes=opts.shapes, entry=opts.entry, args=opts.args, budget=opts.budget,
                          contract=None if opts.contract in (None, "none") else opts.contract,
                          timeout_s=120.0 if opts.timeout is None else (opts.timeout or None),
                          max_memory_mb=4096 if opts.max_memory is None else (opts.max_memory or None))
            if command == "check" and cli.seed is not None:
                kwargs["seed"] = cli.seed
            item.result = compute(file, **kwargs)
        except SourceSyntaxError as err:
            item.error = _error("FS001", str(err))
        except UsageError as err:
            text = str(err)
            item.error = _error("FS000", f"flopscope {command}: error: {text if text.startswith(file) else f'{file}: {text}'}")
        except KeyboardInterrupt:
            raise
        except Exception as err:  # noqa: BLE001 - an internal error is reported, never a traceback
            item.error = _error("FS999", f"flopscope {command}: internal error: {type(err).__name__}: {err} ({file})")
        if item.result is not None:
            analysis = item.analysis
            analysis.diagnostics, item.suppressed = filter_diagnostics(analysis.diagnostics, item.source,
                                                                        opts.select, opts.ignore)
        results.append(item)
    return results


def _error(code: str, message: str) -> dict:
    line = col = None
    if code == "FS001":
        parts = message.split(":")
        if len(parts) > 2 and parts[1].isdigit():
            line, col = int(parts[1]), int(parts[2]) if parts[2].isdigit() else None
    return {"code": code, "message": message, "line": line, "col": col}


def exit_code(results: list[FileResult]) -> int:
    return max((r.exit_code for r in results), default=0)


# ---------------------------------------------------------------------- text


_PAINT = {"bold": "1", "red": "31", "green": "32", "yellow": "33", "magenta": "35", "cyan": "36", "dim": "2"}
_SEVERITY_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}


def paint(text: str, *styles: str) -> str:
    codes = ";".join(_PAINT[s] for s in styles)
    return f"\033[{codes}m{text}\033[0m"


def colour_wanted(choice: str, stream=None) -> bool:
    """``always``/``never``; ``auto``: on a terminal, unless NO_COLOR is set (or TERM=dumb)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"


def colourize(text: str, severities: dict) -> str:
    """Colour a rendered report: diagnostic codes by severity, verdicts, the total."""
    out = []
    for line in text.split("\n"):
        m = re.match(r"^(.*?:\d+:\d+: )(FS\d{3})( .*)$", line)
        if m and m.group(2) in severities:
            line = m.group(1) + paint(m.group(2), "bold", _SEVERITY_COLOUR.get(severities[m.group(2)], "cyan")) + m.group(3)
        elif line.startswith(("total:", "result:")):
            line = paint(line, "bold")
        line = line.replace("OVER BUDGET", paint("OVER BUDGET", "bold", "red"))
        line = line.replace("MISMATCH", paint("MISMATCH", "bold", "red"))
        line = re.sub(r"\bwithin budget\b", paint("within budget", "green"), line)
        line = re.sub(r"  (agree|within bound)$", lambda mm: "  " + paint(mm.group(1), "green"), line)
        line = re.sub(r"\((upper bound|unknown)\)", lambda mm: paint(f"({mm.group(1)})", "yellow"), line)
        out.append(line)
    return "\n".join(out)


def render_text(command: str, results: list[FileResult], detail: str, colour: bool, render_one: Callable) -> tuple[str, str]:
    """(stdout, stderr) text for the files: each file's report, errors on stderr, and a
    closing count when there are several files."""
    outs, errs = [], []
    for r in results:
        if r.error is not None:
            errs.append(paint(r.error["message"], "red") if colour else r.error["message"])
            if len(results) > 1:  # (named in the report too, not on stderr alone)
                outs.append(f"{r.path}: not analyzed: {r.error['code']} (the message is on stderr)")
            continue
        body = render_one(r.result)
        if detail == "quiet":
            body = _quiet(command, body, r)
        elif detail == "verbose":
            body += _verbose(r)
        if colour:
            body = colourize(body, {d.code: d.severity for d in r.analysis.diagnostics})
        outs.append(body)
    if len(results) > 1:
        bad = sum(r.exit_code == 1 for r in results)
        errors = sum(r.exit_code == 2 for r in results)
        line = (f"{len(results)} files: {len(results) - bad - errors} clean, {bad} with findings (exit 1), "
                f"{errors} with errors (exit 2)")
        outs.append(paint(line, "bold") if colour else line)
    return "\n\n".join(outs), "\n".join(errs)


def _quiet(command: str, body: str, r: FileResult) -> str:
    """Totals, budgets, results and diagnostics: the lines a reviewer acts on."""
    keep = []
    codes = {d.code for d in r.analysis.diagnostics}
    for line in body.split("\n"):
        m = re.match(r"^.*?:\d+:\d+: (FS\d{3}) ", line)
        if line.startswith(("total:", "budget ", "result:", "note:", "setup ", "the analysis stopped")) or \
                (m and m.group(1) in codes):
            keep.append(line)
    return "\n".join([f"{r.path}:"] + ["  " + line for line in keep]) if keep else f"{r.path}: (nothing to report)"


def _verbose(r: FileResult) -> str:
    extra = getattr(r.analysis, "extra", {}) or {}
    bits = []
    if "seconds" in extra:
        bits.append(f"analyzed in {extra['seconds']:.2f} s, peak {extra.get('peak_mb', 0.0):.0f} MiB")
    if r.suppressed:
        bits.append(f"{r.suppressed} diagnostic{'s' if r.suppressed != 1 else ''} hidden (--select/--ignore, "
                    "# flopscope: ignore)")
    return ("\n" + "\n".join(bits)) if bits else ""


# ---------------------------------------------------------------------- JSON


def to_json(command: str, results: list[FileResult], render_one: Callable) -> dict:
    """One file: its report (with ``schema``); several: ``{"schema", "files": [...], "exit_code"}``."""
    from flopscope.analyzer.render import error_json

    schema = ANALYZE_SCHEMA if command == "analyze" else CHECK_SCHEMA
    reports = []
    for r in results:
        if r.error is not None:
            data = error_json(r.path, r.error["message"], r.error["line"], r.error["col"], r.error["code"])
        else:
            data = render_one(r.result)
            _add_locations(data, r)
        reports.append({"schema": schema, **data})
    if len(reports) == 1:
        return reports[0]
    return {"schema": schema, "files": reports, "exit_code": exit_code(results)}


def _add_locations(data: dict, r: FileResult) -> None:
    """The path on every site and diagnostic, and where each ends."""
    analysis = r.analysis
    ends = {(s.line, s.col, s.op): (s.end_line, s.end_col) for s in getattr(analysis, "sites", [])}
    for site in data.get("sites", []):
        site["path"] = r.path
        end = ends.get((site["line"], site["col"], site["op"]))
        if end is None:  # check's sites: the analyzer's site at that place
            end = next((e for (ln, c, _op), e in ends.items() if (ln, c) == (site["line"], site["col"])), (0, 0))
        site["end_line"], site["end_col"] = end
    for given, d in zip(data.get("diagnostics", []), analysis.diagnostics):
        given["path"] = r.path
        given["end_line"], given["end_col"] = d.end_line, d.end_col


# ---------------------------------------------------------------------- findings (SARIF, GitHub)


@dataclass
class Finding:
    code: str
    level: str  # error, warning, note
    message: str
    path: str
    line: int
    col: int
    end_line: int = 0
    end_col: int = 0


_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def findings(command: str, results: list[FileResult]) -> list[Finding]:
    out = []
    for r in results:
        if r.error is not None:
            out.append(Finding(r.error["code"], "error", r.error["message"], r.path, r.error["line"] or 1,
                               r.error["col"] or 1))
            continue
        a = r.analysis
        for d in a.diagnostics:
            out.append(Finding(d.code, _LEVEL.get(d.severity, "note"), d.message, r.path, max(d.line, 1),
                               max(d.col, 1), d.end_line, d.end_col))
        for b in getattr(a, "budgets", []) if command == "analyze" else ():  # (check's verdicts are its own)
            if b.within is False:
                limit = b.limit if b.limit is not None else b.flop_budget
                where = (1, 1) if b.kind == "--budget" else (max(b.line, 1), max(b.col, 1))
                out.append(Finding(OVER_BUDGET, "error", f"predicted {b.value:,} FLOPs, over the budget of {limit:,}"
                                   + (f" ({b.function})" if b.function else ""), r.path, *where))
        if command == "check":
            mismatched = [s for s in r.result.sites if s.verdict == "MISMATCH"]
            for s in mismatched:
                predicted = "?" if s.predicted is None else f"{s.predicted:,}"
                out.append(Finding(MISMATCH_CODE, "error", f"{s.op}: predicted {predicted} FLOPs, measured "
                                   f"{s.measured:,}", r.path, s.line, s.col))
            if r.exit_code and not mismatched:  # the total, an unknown part, or the program failed
                predicted = "?" if r.result.predicted_total is None else f"{r.result.predicted_total:,}"
                why = f"; the program raised {r.result.run_error['type']}" if r.result.run_error else ""
                out.append(Finding(MISMATCH_CODE, "error", f"total: predicted {predicted} FLOPs ({r.result.label}), "
                                   f"measured {r.result.measured_total:,}: {r.result.verdict}{why}", r.path, 1, 1))
    return out


def rules() -> dict:
    """code -> (effect, meaning): the analyzer's codes, the machine formats' findings among them."""
    from flopscope.analyzer.diagnostics import CODES

    return dict(CODES)


def to_sarif(command: str, results: list[FileResult]) -> dict:
    """A SARIF 2.1.0 log: one run, a rule per code reported, a result per finding."""
    from flopscope import __version__

    found = findings(command, results)
    table = rules()
    used = sorted({f.code for f in found})
    index = {code: k for k, code in enumerate(used)}
    level_of = {"error": "error", "warning": "warning", "info": "note", "unknown": "warning", "upper bound": "note"}
    rule_list = []
    for code in used:
        effect, meaning = table.get(code, ("", code))
        rule_list.append({
            "id": code,
            "shortDescription": {"text": meaning.split(" (")[0].split(":")[0]},
            "fullDescription": {"text": meaning},
            "help": {"text": f"flopscope rule {code}"},
            "defaultConfiguration": {"level": level_of.get(effect, "error" if effect.startswith("exit") else "note")},
            "properties": {"effect": effect},
        })
    sarif_results = []
    for f in found:
        region = {"startLine": f.line, "startColumn": f.col}
        if f.end_line and f.end_line >= f.line and (f.end_line > f.line or f.end_col > f.col):
            region["endLine"], region["endColumn"] = f.end_line, f.end_col
        sarif_results.append({
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": f.level,
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(f.path), "region": region}}],
        })
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "flopscope", "version": __version__, "semanticVersion": __version__,
                                "rules": rule_list}},
            "results": sarif_results,
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": all(r.error is None for r in results),
                             "exitCode": exit_code(results)}],
        }],
    }


def _artifact(path: str) -> dict:
    """A SARIF artifact location: a relative path against the source root, or a file URI."""
    from urllib.parse import quote

    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": quote(p.as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


def to_github(command: str, results: list[FileResult]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    kind = {"error": "error", "warning": "warning", "note": "notice"}
    lines = []
    for f in findings(command, results):
        props = [f"file={_gh_prop(Path(f.path).as_posix())}", f"line={f.line}", f"col={f.col}"]
        if f.end_line:
            props += [f"endLine={f.end_line}", f"endColumn={max(f.end_col - 1, 1)}"]
        props.append(f"title={_gh_prop('flopscope ' + f.code)}")
        lines.append(f"::{kind[f.level]} {','.join(props)}::{_gh_data(f.message)}")
    return "\n".join(lines)


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")
