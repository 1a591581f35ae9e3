"""The cost report as one self-contained HTML page (``flopscope analyze --format html``).

``analysis_html(analysis, source)`` draws what ``flopscope analyze`` found: a bar per
call site and a bar per function, costliest first, each bar a link to its line in the
source, which is shown beside the chart with an anchor on every line (``#L15``).
``check_html(result, source)`` draws ``flopscope check``: per site, the predicted and
the measured FLOPs side by side, with the verdict.

The page is one file: inline CSS, bars as inline SVG, no script, no font and no image
from anywhere, so it opens the same from disk, from a CI artifact or offline.
"""

from __future__ import annotations

import ast
from html import escape
from typing import Any

import sympy

from flopscope.analyzer.model import BOUND, EXACT, UNKNOWN
from flopscope.analyzer.render import fmt_sum, formula, num
from flopscope.costs import COST_MODEL_NAME

BAR_WIDTH = 200  # pixels of the longest bar
BAR_HEIGHT = 14

CSS = """
:root { --fg: #1d2330; --muted: #5b6475; --line: #e3e6ec; --bar: #3b6fd8; --measured: #1f3f86;
        --agree: #1a7f37; --bad: #c62828; --bound: #7a5cc4; --unknown: #8a8f99; --hot: #fff6d6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
header { padding: 14px 20px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 18px; margin: 0 0 4px; }
header p { margin: 2px 0; color: var(--muted); }
.total { font-size: 16px; color: var(--fg); }
main { display: grid; grid-template-columns: minmax(480px, 7fr) minmax(360px, 5fr); gap: 0; }
section.charts { padding: 8px 20px 40px; overflow-x: auto; }
section.source { border-left: 1px solid var(--line); position: sticky; top: 0; height: 100vh; overflow: auto;
                 background: #fbfbfd; }
h2 { font-size: 15px; margin: 18px 0 6px; }
table.chart { border-collapse: collapse; width: 100%; }
table.chart td { padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: middle; }
table.chart td.where, table.chart td code { white-space: nowrap; }
table.chart td.value { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.chart td.formula { overflow-wrap: anywhere; min-width: 8em; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; color: var(--muted); }
a.bar { display: inline-block; line-height: 0; }
a.bar rect.predicted { fill: var(--bar); }
a.bar rect.measured { fill: var(--measured); }
a.bar:hover rect { opacity: .75; }
.label { font-size: 12px; padding: 0 5px; border-radius: 3px; white-space: nowrap; }
.exact, .agree { color: var(--agree); }
.bound, .within { color: var(--bound); }
.unknown { color: var(--unknown); }
.mismatch { color: var(--bad); font-weight: 600; }
ul.notes { margin: 4px 0; padding-left: 18px; color: var(--muted); }
pre.code { margin: 0; padding: 8px 0; font: 12.5px/1.5 ui-monospace, "DejaVu Sans Mono", monospace; }
pre.code span.line { display: block; padding-right: 12px; white-space: pre; }
pre.code span.line:target { background: #ffe58a; }
pre.code span.costly { background: var(--hot); }
pre.code a.no { display: inline-block; width: 4.5em; padding-right: 1em; text-align: right; color: #a0a6b2;
                text-decoration: none; user-select: none; }
pre.code span.cost { color: var(--bar); padding-left: 2em; }
"""


def analysis_html(analysis, source: str) -> str:
    """The analysis as one HTML page: sites and functions as bar charts, costliest first,
    each bar linking to its line of ``source`` (the file that was analyzed)."""
    a = analysis
    lines = source.splitlines()
    sites = sorted(a.sites, key=lambda s: (s.value is None, -(s.value or 0), s.line, s.col))
    top = max([s.value or 0 for s in a.sites] + [1])
    rows = []
    for s in sites:
        target = _line(s.line, lines)
        bar = _bar(target, [("predicted", s.value)], top, f"{s.op} at line {s.line}: {num(s.value)} FLOPs")
        rows.append(_row(f"line {s.line}:{s.col}", s.op, bar, num(s.value), _formula(s.total), s.label))
    functions = [f for f in a.functions if sympy.sympify(f.total) != 0]
    functions.sort(key=lambda f: (f.value is None, -(f.value or 0), f.name))
    defs = _definitions(source)
    ftop = max([f.value or 0 for f in functions] + [1])
    frows = []
    for f in functions:
        target = defs.get(f.name, 0)
        bar = _bar(target, [("predicted", f.value)], ftop, f"{f.name}: {num(f.value)} FLOPs", kind="function")
        frows.append(_row(f"line {target}" if target else "", f.name, bar, num(f.value), _formula(f.total, True),
                          f.label))
    costs = {}
    for s in a.sites:
        if s.value:
            costs[s.line] = costs.get(s.line, 0) + s.value
    total = f"total: {_formula(a.total, True)} = <b>{num(a.value)}</b> {_label(a.label)}"
    if a.label == UNKNOWN and a.known_value is not None:
        total += f" (the known part is {num(a.known_value)})"
    notes = [_budget(b, a) for b in a.budgets]
    notes += [f'<a href="#L{_line(d.line, lines)}">line {d.line}:{d.col}</a> {escape(d.code)} {escape(d.message)}'
              for d in a.diagnostics]
    if a.setup is not None:
        notes.append(f"setup (outside the budget, not in the total): {_formula(a.setup.total, True)} = "
                     f"{num(a.setup.value)}")
    if a.stopped:
        notes.append(f"the analysis stopped: {escape(a.stopped)}")
    body = [
        _chart("Call sites, costliest first", ["where", "op", "FLOPs", "", "formula", ""], rows, "sites"),
        _chart("Functions, costliest first", ["defined", "function", "FLOPs", "", "formula", ""], frows, "functions")
        if frows else "",
    ]
    return _page(f"flopscope analyze {a.path}", a.path, a.symbols, total, notes, body, lines, costs)


def check_html(result, source: str) -> str:
    """``flopscope check``'s result as one HTML page: per call site the predicted and the
    measured FLOPs as two bars, costliest first, each linking to its line of ``source``."""
    r = result
    lines = source.splitlines()
    sites = sorted(r.sites, key=lambda s: (-max(s.predicted or 0, s.measured), s.line, s.col))
    top = max([max(s.predicted or 0, s.measured) for s in r.sites] + [1])
    rows = []
    for s in sites:
        target = _line(s.line, lines)
        bar = _bar(target, [("predicted", s.predicted), ("measured", s.measured)], top,
                   f"{s.op} at line {s.line}: predicted {num(s.predicted)}, measured {num(s.measured)}")
        rows.append(_row(f"line {s.line}:{s.col}", s.op, bar, f"{num(s.predicted)}<br>{num(s.measured)}",
                         "", s.verdict))
    costs = {}
    for s in r.sites:
        costs[s.line] = costs.get(s.line, 0) + max(s.predicted or 0, s.measured)
    analysis = r.analysis
    total = (f"total: predicted <b>{num(r.predicted_total)}</b> {_label(r.label)}, measured "
             f"<b>{num(r.measured_total)}</b>: {_label(r.verdict)}")
    notes = [escape(n) for n in r.notes]
    notes += [f'<a href="#L{_line(d.line, lines)}">line {d.line}:{d.col}</a> {escape(d.code)} {escape(d.message)}'
              for d in analysis.diagnostics]
    legend = ('<p class="legend"><svg width="10" height="10"><rect class="predicted" width="10" height="10" '
              'fill="#3b6fd8"/></svg> predicted by the analyzer &nbsp; <svg width="10" height="10"><rect '
              'width="10" height="10" fill="#1f3f86"/></svg> measured by the runtime</p>')
    body = [legend + _chart("Call sites, predicted and measured, costliest first",
                            ["where", "op", "FLOPs (predicted, measured)", "", "", "verdict"], rows, "sites")]
    return _page(f"flopscope check {r.path}", r.path, r.symbols, total, notes, body, lines, costs,
                 subtitle="predicted by the analyzer, measured by the runtime")


# ---------------------------------------------------------------------- pieces


def _line(line: int, lines: list) -> int:
    """A line anchor that exists: the site's line, or the first line where it is out of range."""
    return line if 1 <= line <= len(lines) else (1 if lines else 0)


def _formula(expr: Any, subtotal: bool = False) -> str:
    """A formula for the page: one line of Unicode where it has one, else the text form."""
    if expr is None:
        return "?"
    text = fmt_sum(expr) if subtotal else None
    if text is not None and text.endswith("unknown"):
        return escape(text)
    pretty = formula(expr, "pretty")
    return escape(pretty if "\n" not in pretty else formula(expr, "text"))


def _label(label: str) -> str:
    css = {EXACT: "exact", BOUND: "bound", UNKNOWN: "unknown", "agree": "agree", "within bound": "within",
           "MISMATCH": "mismatch", "not reached": "unknown", "not predicted": "mismatch"}.get(label, "unknown")
    return f'<span class="label {css}">{escape(label)}</span>'


def _bar(target: int, parts: list, top: int, title: str, kind: str = "site") -> str:
    """An SVG bar (or a pair: predicted and measured) as a link to line ``target``."""
    height = BAR_HEIGHT * len(parts) + 2 * (len(parts) - 1)
    rects = []
    for i, (cls, value) in enumerate(parts):
        width = 0 if not value else max(1, round(BAR_WIDTH * value / top))
        y = i * (BAR_HEIGHT + 2)
        rects.append(f'<rect class="{cls}" x="0" y="{y}" width="{width}" height="{BAR_HEIGHT}"/>')
        if value is None:
            rects.append(f'<text x="2" y="{y + BAR_HEIGHT - 3}" font-size="11" fill="#8a8f99">unknown</text>')
    value = parts[0][1] if parts[0][1] is not None else ""
    return (f'<a class="bar {kind}" href="#L{target}" data-value="{value}">'
            f'<svg width="{BAR_WIDTH}" height="{height}" role="img"><title>{escape(title)}</title>{"".join(rects)}'
            f"</svg></a>")


def _row(where: str, what: str, bar: str, value: str, formula_html: str, label: str) -> str:
    return (f'<tr><td class="where">{escape(where)}</td><td><code>{escape(what)}</code></td>'
            f'<td class="value">{value}</td><td>{bar}</td><td class="formula">{formula_html}</td>'
            f"<td>{_label(label)}</td></tr>")


def _chart(title: str, heads: list, rows: list, ident: str) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in heads)
    empty = '<tr><td colspan="6">no counted calls found</td></tr>' if not rows else ""
    return (f'<h2 id="{ident}">{escape(title)}</h2><table class="chart"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}{empty}</tbody></table>")


def _budget(b, a) -> str:
    name = f" {b.function}" if b.function else (f" [{b.namespace}]" if b.namespace else "")
    limit = b.limit
    where = "--budget" if b.kind == "--budget" else f'<a href="#L{b.line}">line {b.line}:{b.col}</a>'
    if b.within is None or limit is None or b.value is None:
        verdict = "cannot be checked" if b.value is None or limit is None else "not decided (an upper bound)"
    else:
        verdict = "within budget" if b.within else '<span class="mismatch">OVER BUDGET</span>'
    return f"budget {where}{escape(name)}: predicted {num(b.value)} of {num(limit)}: {verdict}"


def _definitions(source: str) -> dict:
    """Each function's qualified name (``Estimator.predict``) and the line of its ``def``."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    out: dict = {}

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                line = min([child.lineno] + [d.lineno for d in child.decorator_list])
                if not isinstance(child, ast.ClassDef):
                    out.setdefault(name, line)
                    out.setdefault(child.name, line)
                walk(child, f"{name}.")
            else:
                walk(child, prefix)

    walk(tree, "")
    return out


def _source(lines: list, costs: dict) -> str:
    out = []
    for i, text in enumerate(lines, start=1):
        cls = "line costly" if costs.get(i) else "line"
        cost = f'<span class="cost">{costs[i]:,}</span>' if costs.get(i) else ""
        out.append(f'<span class="{cls}" id="L{i}"><a class="no" href="#L{i}">{i}</a>{escape(text)}{cost}</span>')
    return '<pre class="code">' + "".join(out) + "</pre>"


def _page(title: str, path: str, symbols: dict, total: str, notes: list, body: list, lines: list, costs: dict,
          subtitle: str = "a multiply-add is one FLOP; costs from shapes only") -> str:
    syms = ", ".join(f"{k}={v}" if v is not None else f"{k} (no value)" for k, v in symbols.items())
    notes_html = "<ul class=\"notes\">" + "".join(f"<li>{n}</li>" for n in notes) + "</ul>" if notes else ""
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1><p>{escape(COST_MODEL_NAME)}: {escape(subtitle)}</p>"
        + (f"<p>symbols: {escape(syms)}</p>" if syms else "")
        + f'<p class="total">{total}</p>{notes_html}</header>'
        f'<main><section class="charts">{"".join(body)}</section>'
        f'<section class="source" aria-label="source of {escape(path)}"><h2 style="padding:0 12px">'
        f"{escape(path)}</h2>{_source(lines, costs)}</section></main></body></html>\n"
    )
