"""Text and JSON output of ``flopscope analyze``."""

from __future__ import annotations

import json
from typing import Any

import sympy

from flopscope.analyzer.model import BOUND, EXACT, UNKNOWN
from flopscope.analyzer.result import Analysis
from flopscope.costs import COST_MODEL_NAME


BIG_FORMULA = 400  # terms: beyond this a formula is printed without sorting its terms


def fmt(expr: Any, style: str = "text") -> str:
    """A formula as text SymPy can parse back (stable ordering; a very long sum, which
    sorting would make slow, in SymPy's own order); another style: see ``formula``."""
    expr = sympy.sympify(expr)
    if style != "text":
        shown = formula(expr, style)
        if "\n" not in shown:
            return shown  # (a formula with no one-line form keeps its text form in a report's line)
    return sympy.sstr(expr, order="none" if len(expr.args) > BIG_FORMULA else "lex")


def _is_unknown_symbol(x) -> bool:
    return isinstance(x, sympy.Symbol) and (x.name.startswith("unknown") or x.name.startswith("count"))


def fmt_sum(expr: Any, style: str = "text") -> str:
    """A subtotal: the unknown costs of its sites (each is on its site's line) shown as one
    ``unknown`` term after the known part."""
    expr = sympy.sympify(expr)
    unknowns = {x for x in expr.free_symbols if _is_unknown_symbol(x)}
    if not unknowns:
        return fmt(expr, style)
    known = sympy.expand(expr.xreplace({x: 0 for x in unknowns}))
    return "unknown" if known == 0 else f"{fmt(known, style)} + unknown"


def num(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def _is_one(expr) -> bool:
    return sympy.sympify(expr) == 1


def site_text(a: Analysis, s, style: str = "text") -> str:
    loc = f"{a.path}:{s.line}:{s.col}: {s.op}"
    indices = a.extra.get("index_symbols", set())
    if s.formula is not None and not (sympy.sympify(s.formula).free_symbols & indices):
        cost = fmt(s.formula, style)
        if not _is_one(s.count):
            cost += f"  x {fmt(s.count, style)}"
    else:
        cost = f"{fmt(s.total, style)} (summed over the loop)"
    suffix = "" if s.label == EXACT else f"  ({s.label})"
    cause = follows_from(a, s)
    if cause is not None:
        suffix = f"  (unknown: follows from line {cause.line}:{cause.col})"
    return f"{loc}  {cost}  = {num(s.value)}{suffix}"


def follows_from(a: Analysis, s):
    """The Site of the diagnostic an unknown site's cost follows from, if it has one elsewhere."""
    if s.label != UNKNOWN:
        return None
    return a.extra.get("unknown_causes", {}).get((s.line, s.col))


def text(a: Analysis, formula: str = "text") -> str:
    lines = [f"flopscope analyze {a.path}  ({COST_MODEL_NAME}: a multiply-add is one FLOP; costs from shapes only)"]
    if a.symbols:
        lines.append("symbols: " + ", ".join(f"{k}={v}" if v is not None else f"{k} (no value)" for k, v in a.symbols.items()))
    if a.entry:
        lines.append(f"entry: {a.entry}")
    lines.append("")
    if not a.sites:
        lines.append("no counted calls found")
    for s in a.sites:
        if s.value == 0 and s.label == BOUND and sympy.sympify(s.count) == 0:
            lines.append(f"{a.path}:{s.line}:{s.col}: {s.op}  not counted (the other branch is costlier)")
            continue
        lines.append(site_text(a, s, formula))
    funcs = [f for f in a.functions if sympy.sympify(f.total) != 0]
    if funcs:
        lines.append("")
        lines.append("by function:")
        width = max(len(f.name) for f in funcs)
        for f in funcs:
            calls = "" if f.calls is None else f"  [{fmt(f.calls, formula)} call{'s' if not _is_one(f.calls) else ''}]"
            lines.append(f"  {f.name:<{width}}  {fmt_sum(f.total, formula)}  = {num(f.value)}{calls}{_lab(f.label)}")
    if a.namespaces:
        lines.append("")
        lines.append("by namespace:")
        width = max(len(n.name) for n in a.namespaces)
        for n in a.namespaces:
            lines.append(f"  {n.name:<{width}}  {fmt_sum(n.total, formula)}  = {num(n.value)}{_lab(n.label)}")
    lines.append("")
    if a.definitions or a.data_sizes:
        lines.append("where:")
        width = max([len(str(d[0])) for d in a.definitions] + [len(str(d[0])) for d in a.data_sizes])
        for name, definition, value, line, col in a.definitions:
            lines.append(f"  {str(name):<{width}} = {fmt(definition, formula)}  = {num(value)}  ({a.path}:{line}:{col})")
        for name, reason, bound, value in a.data_sizes:
            limit = f"<= {fmt(bound, formula)}  = {num(value)}" if bound is not None else "has no bound the shapes give"
            lines.append(f"  {str(name):<{width}} {limit}  ({reason}; the data decides it)")
        lines.append("")
    if a.setup is not None:
        lines.append(f"setup (outside the budget, not in the total): {fmt_sum(a.setup.total, formula)}  = {num(a.setup.value)}"
                     f"{_lab(a.setup.label)}")
    if a.stopped:
        lines.append(f"the analysis stopped: {a.stopped}; what it had not analyzed is unknown")
    total = f"total: {fmt_sum(a.total, formula)}  = {num(a.value)}  ({a.label})"
    if a.label == UNKNOWN and a.known_value is not None:
        total += f"; the known part is {num(a.known_value)}"
    lines.append(total)
    for b in a.budgets:
        where = "--budget" if b.kind == "--budget" else f"{a.path}:{b.line}:{b.col}"
        name = f" {b.function}" if b.function else (f" [{b.namespace}]" if b.namespace else "")
        limit = b.limit if b.limit is not None else _int(b.flop_budget)
        if b.within is None or limit is None or b.value is None:
            verdict = "cannot be checked" if b.value is None or limit is None else "not decided (the prediction is an upper bound)"
            lines.append(f"budget {where}{name}: predicted {num(b.value)} of {num(limit)}: {verdict}")
        else:
            head = limit - b.value
            status = "within budget" if b.within else "OVER BUDGET"
            if not b.within and b.label != EXACT and b.certain is not None:
                status += f" (at least {b.certain:,} run whatever the data)"
            lines.append(
                f"budget {where}{name}: predicted {num(b.value)} of {num(limit)} "
                f"({100.0 * b.value / max(limit, 1):.1f}%), headroom {head:,}: {status}{_lab(b.label)}"
            )
    if a.diagnostics:
        lines.append("")
    for d in a.diagnostics:
        lines.append(f"{a.path}:{d.line}:{d.col}: {d.code} {d.message}")
    return "\n".join(lines)


def _lab(label: str) -> str:
    return "" if label == EXACT else f"  ({label})"


def _int(expr) -> int | None:
    try:
        return int(sympy.sympify(expr))
    except (TypeError, ValueError):
        return None


def to_json(a: Analysis) -> dict:
    return {
        "path": a.path,
        "cost_model": COST_MODEL_NAME,
        "entry": a.entry,
        "symbols": dict(a.symbols),
        "total": {"formula": fmt_sum(a.total), "value": a.value, "exact": a.label == EXACT, "label": a.label,
                  "known_value": a.known_value},
        "sites": [
            {
                "line": s.line, "col": s.col, "op": s.op,
                "formula": fmt(s.formula) if s.formula is not None else None,
                "count": fmt(s.count), "total": fmt(s.total), "value": s.value, "label": s.label,
                "namespace": s.namespace or None,
                **({"follows_from": [c.line, c.col]} if (c := follows_from(a, s)) is not None else {}),
            }
            for s in a.sites
        ],
        "functions": [{"name": f.name, "formula": fmt_sum(f.total), "value": f.value, "calls": fmt(f.calls) if f.calls is not None else None,
                       "label": f.label} for f in a.functions],
        "namespaces": [{"name": n.name, "formula": fmt_sum(n.total), "value": n.value, "label": n.label} for n in a.namespaces],
        "budgets": [
            {"line": b.line, "col": b.col, "flop_budget": b.limit if b.limit is not None else _int(b.flop_budget),
             "formula": fmt_sum(b.formula), "value": b.value,
             "within": b.within, "label": b.label, "namespace": b.namespace, "kind": b.kind, "function": b.function}
            for b in a.budgets
        ],
        "diagnostics": [
            {"line": d.line, "col": d.col, "code": d.code, "severity": d.severity, "message": d.message} for d in a.diagnostics
        ],
        "definitions": [{"name": str(n), "formula": fmt(d), "value": v, "line": line, "col": col}
                        for n, d, v, line, col in a.definitions],
        "data_sizes": [{"name": str(n), "counts": r, "bound": fmt(b) if b is not None else None, "bound_value": v}
                       for n, r, b, v in a.data_sizes],
        "setup": None if a.setup is None else {"formula": fmt_sum(a.setup.total), "value": a.setup.value,
                                               "label": a.setup.label},
        "stopped": a.stopped,
        "exit_code": a.exit_code,
    }


def error_json(path: str, message: str, line: int | None = None, col: int | None = None, code: str = "FS001") -> dict:
    return {
        "path": path,
        "cost_model": COST_MODEL_NAME,
        "error": message,
        "total": {"formula": None, "value": None, "exact": False, "label": UNKNOWN},
        "symbols": {},
        "sites": [],
        "budgets": [],
        "diagnostics": [{"path": path, "line": line or 0, "col": col or 0, "end_line": 0, "end_col": 0, "code": code,
                         "severity": "error", "message": message}],
        "exit_code": 2,
    }


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2)


# ---------------------------------------------------------------------- formula styles

STYLES = ("text", "pretty", "latex")

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_MULTILINE = (sympy.Piecewise, sympy.Sum, sympy.Product, sympy.Integral)


def formula(expr: Any, style: str = "text") -> str:
    """A cost formula printed in one of three styles.

    ``text`` is what ``flopscope analyze`` prints (and SymPy parses back);
    ``pretty`` is Unicode on one line (``5⋅b⋅m⋅⌈log₂ m⌉``, ``n³``), except where a
    formula has no one-line form (a Piecewise, a Sum): then SymPy's own pretty
    printer draws it over several lines; ``latex`` is SymPy's LaTeX, with
    flopscope's integer functions as the notation they stand for
    (``\\left\\lceil \\log_{2} m \\right\\rceil`` for ``clog2(m)``)."""
    if style not in STYLES:
        raise ValueError(f"unknown formula style {style!r}: choose one of {', '.join(STYLES)}")
    expr = sympy.sympify(expr)
    if style == "text":
        return fmt(expr)
    if style == "latex":
        return _LatexFormula(dict(order="none" if len(expr.args) > BIG_FORMULA else None)).doprint(expr)
    if _has_any(expr):
        return _PrettyFormula(dict(use_unicode=True, wrap_line=False)).doprint(expr)
    return _OneLine(dict(order="none" if len(expr.args) > BIG_FORMULA else "lex")).doprint(expr)


def _has_any(expr) -> bool:
    return any(isinstance(node, _MULTILINE) for node in sympy.preorder_traversal(expr))


def _is_plain(text: str) -> bool:
    """A printed argument that needs no parentheses after log₂ (a name or a number)."""
    return text.replace("_", "").isalnum()


from sympy.printing.latex import LatexPrinter  # noqa: E402
from sympy.printing.pretty.pretty import PrettyPrinter  # noqa: E402
from sympy.printing.pretty.stringpict import prettyForm  # noqa: E402
from sympy.printing.str import StrPrinter  # noqa: E402


class _OneLine(StrPrinter):
    """Unicode on one line: superscript powers, a dot for products, floor and
    ceiling brackets, log₂ for clog2 and floor_log2."""

    def _print_Pow(self, expr, rational=False):
        base, exp = expr.base, expr.exp
        if exp is sympy.S.Half:
            return "√" + (self._print(base) if base.is_Atom else f"({self._print(base)})")
        if exp.is_Integer and exp > 0:
            return self.parenthesize(base, sympy.printing.precedence.PRECEDENCE["Pow"], strict=False) \
                + str(int(exp)).translate(_SUPERSCRIPT)
        if exp.is_Integer and exp < 0 and exp != -1:
            return "1/" + self._print(sympy.Pow(base, -exp, evaluate=False))
        if exp == -1:
            return "1/" + self.parenthesize(base, sympy.printing.precedence.PRECEDENCE["Mul"], strict=False)
        return (self.parenthesize(base, sympy.printing.precedence.PRECEDENCE["Pow"], strict=False)
                + "^(" + self._print(exp) + ")")

    def _print_Mul(self, expr):
        return super()._print_Mul(expr).replace("*", "⋅")

    def _print_clog2(self, expr):
        arg = self._print(expr.args[0])
        return f"⌈log₂ {arg}⌉" if _is_plain(arg) else f"⌈log₂({arg})⌉"

    def _print_floor_log2(self, expr):
        arg = self._print(expr.args[0])
        return f"⌊log₂ {arg}⌋" if _is_plain(arg) else f"⌊log₂({arg})⌋"

    def _print_floor(self, expr):
        return f"⌊{self._print(expr.args[0])}⌋"

    def _print_ceiling(self, expr):
        return f"⌈{self._print(expr.args[0])}⌉"

    def _print_Min(self, expr):
        return "min(" + ", ".join(self._print(a) for a in _sorted_args(expr)) + ")"

    def _print_Max(self, expr):
        return "max(" + ", ".join(self._print(a) for a in _sorted_args(expr)) + ")"


def _sorted_args(expr):
    return sorted(expr.args, key=sympy.default_sort_key)


class _PrettyFormula(PrettyPrinter):
    """SymPy's pretty printer, with clog2 and floor_log2 drawn as ⌈log₂ ·⌉ and ⌊log₂ ·⌋."""

    def _log2(self, expr, left, right):
        inner = self._print(expr.args[0])
        if not expr.args[0].is_Atom:
            inner = prettyForm(*inner.parens())
        inner = prettyForm(*inner.left("log₂ "))
        return prettyForm(*inner.parens(left, right))

    def _print_clog2(self, expr):
        return self._log2(expr, "lceil", "rceil")

    def _print_floor_log2(self, expr):
        return self._log2(expr, "lfloor", "rfloor")


class _LatexFormula(LatexPrinter):
    """SymPy's LaTeX printer, with flopscope's integer functions as their notation and a
    long size name (``per_sample``) as one italic word rather than a subscript."""

    def _log2(self, expr, left, right):
        arg = expr.args[0]
        inner = self._print(arg)
        if not arg.is_Atom:
            inner = r"\left(" + inner + r"\right)"
        return rf"\left\{left} \log_{{2}} {inner} \right\{right}"

    def _print_clog2(self, expr, exp=None):
        out = self._log2(expr, "lceil", "rceil")
        return out if exp is None else rf"{out}^{{{exp}}}"

    def _print_floor_log2(self, expr, exp=None):
        out = self._log2(expr, "lfloor", "rfloor")
        return out if exp is None else rf"{out}^{{{exp}}}"

    def _print_popcount(self, expr, exp=None):
        out = r"\operatorname{popcount}\left(" + self._print(expr.args[0]) + r"\right)"
        return out if exp is None else rf"{out}^{{{exp}}}"

    def _print_Symbol(self, expr, style="plain"):
        name = expr.name
        head, _, tail = name.partition("_")
        if len(head) > 1 and tail or tail and not tail.isdigit() and len(tail) > 1 and not _is_greek(tail):
            return r"\mathit{" + name.replace("_", r"\_") + "}"
        return super()._print_Symbol(expr, style=style)


def _is_greek(name: str) -> bool:
    from sympy.printing.latex import greek_letters_set

    return name.lower() in greek_letters_set
