"""The cost reference, generated from the cost table.

Each op's formula is computed by calling its own cost rule on symbols (the
shapes of its worked example), and its worked number by calling the rule again
on the example's integers: the docs print what the code charges. ``flopscope
costs`` prints this reference; ``make docs`` writes docs/cost-reference.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flopscope.costs import COST_MODEL_NAME, OPS, OpSpec
from flopscope.costs.inventory import BLOCKED, FREE_NAMES_BY_MODULE, counts

CATEGORY_TITLES = {
    "unary": "Unary pointwise (ufuncs)",
    "binary": "Binary pointwise (ufuncs, with broadcasting)",
    "pointwise": "Other elementwise ops",
    "reduction": "Reductions",
    "einsum": "einsum",
    "contraction": "Contractions",
    "creation": "Creation that is charged",
    "joining": "Joining",
    "manipulation": "Array manipulation (copies that touch data)",
    "indexing": "Indexing helpers and in-place writes",
    "linalg": "Linear algebra",
    "fft": "FFT",
    "sorting": "Sorting, searching, sets, counting",
    "random": "Random sampling",
    "misc": "Other",
    "stats": "Distributions (flopscope.stats)",
    "free": "Free ops (cost 0)",
}


@dataclass(frozen=True)
class Entry:
    name: str
    category: str
    formula_text: str
    formula: str | None  # the cost rule evaluated on symbols
    call: str | None  # the worked example, e.g. "exp((m, n))"
    values: dict
    value: int | None  # the worked number
    expr: Any = None  # the formula as a SymPy expression (None where there is no formula)


def _symbols(example) -> dict:
    from flopscope.costs.symbolic import size_symbol

    return {name: size_symbol(name) for name, _ in example.values}


def _named(x: Any, names: dict) -> Any:
    """Replace the example's size names (strings) by symbols or by numbers, inside tuples and lists."""
    if isinstance(x, str) and x in names:
        return names[x]
    if isinstance(x, tuple):
        return tuple(_named(v, names) for v in x)
    if isinstance(x, list):
        return [_named(v, names) for v in x]
    return x


def _describe_call(spec: OpSpec) -> str:
    ex = spec.example
    parts = [str(tuple(s)).replace("'", "") for s in ex.shapes]
    parts += [f"{k}={v!r}" if isinstance(v, str) and k == "subscripts" else f"{k}={str(v).replace(chr(39), '')}" for k, v in ex.static]
    return f"{spec.name}({', '.join(parts)})"


def entry(spec: OpSpec) -> Entry:
    """An op's reference entry: its rule on symbols, and on the example's numbers."""
    ex = spec.example
    if ex is None or spec.is_free:
        return Entry(spec.name, spec.category, spec.formula, "0" if spec.is_free else None, None, {},
                     0 if spec.is_free else None, 0 if spec.is_free else None)
    from flopscope.analyzer.render import fmt
    from flopscope.costs import dims

    syms = _symbols(ex)
    values = dict(ex.values)
    shapes = tuple(_named(tuple(s), syms) for s in ex.shapes)
    static = {k: _named(v, syms) for k, v in ex.static}
    subs = {syms[k]: v for k, v in values.items()}

    def decide(relation) -> bool:
        return bool(relation.xreplace(subs))

    def evaluate(expr) -> float:
        return float(expr.xreplace(subs))

    tokens = (dims.DECIDER.set(decide), dims.EVALUATOR.set(evaluate))
    try:
        spec.shape(shapes, **static)
        formula = spec.cost(shapes, **static)
    finally:
        dims.DECIDER.reset(tokens[0])
        dims.EVALUATOR.reset(tokens[1])
    int_shapes = tuple(_named(tuple(s), values) for s in ex.shapes)
    int_static = {k: _named(v, values) for k, v in ex.static}
    value = spec.cost(int_shapes, **int_static)
    return Entry(spec.name, spec.category, spec.formula, fmt(formula), _describe_call(spec), values, int(value), formula)


def entries(names: list[str] | None = None) -> list[Entry]:
    if names:
        missing = [n for n in names if n not in OPS]
        if missing:
            raise KeyError(", ".join(missing))
        return [entry(OPS[n]) for n in names]
    return [entry(spec) for spec in OPS]


def render_text(items: list[Entry]) -> str:
    lines = []
    width = max((len(e.name) for e in items), default=0)
    for e in items:
        head = f"{e.name:<{width}}  [{e.category}]  {e.formula_text}"
        if e.call is not None:
            values = ", ".join(f"{k}={v}" for k, v in e.values.items())
            head += f"\n{'':<{width}}  = {e.formula};  {e.call} at {values}: {e.value:,}"
        lines.append(head)
    return "\n".join(lines)


def render_json(items: list[Entry]) -> str:
    return json.dumps(
        [{"name": e.name, "category": e.category, "formula_text": e.formula_text, "formula": e.formula,
          "example": e.call, "values": e.values, "value": e.value} for e in items],
        indent=2,
    )


def latex(e: Entry) -> str | None:
    """An entry's formula as LaTeX (SymPy's printer, flopscope's functions as their
    notation), safe inside a Markdown table cell; None where it has no formula."""
    if e.formula is None:
        return None
    from flopscope.analyzer.render import formula

    expr = e.expr if e.expr is not None else e.formula
    return formula(expr, "latex").replace("|", r"\vert ")


def _cell(text: str) -> str:
    """Text inside a Markdown table cell: a bar (``|k|``) would end the cell."""
    return text.replace("|", "\\|")


def render_markdown(items: list[Entry], math: bool = False) -> str:
    """The cost reference as Markdown. With ``math``, each formula is LaTeX between
    dollar signs (``$5 b m \\left\\lceil \\log_{2} m \\right\\rceil$``), which the docs
    site turns into MathML when it is built; without, the formula is code text, as
    ``flopscope costs --format markdown`` prints it."""
    if math:
        head = ["<!-- Generated from flopscope/costs/ when the docs site is built "
                "(flopscope.reference.render_markdown(..., math=True)). -->",
                "",
                "Every op flopscope meters, with its cost. The *formula* column is the op's own",
                "cost rule evaluated on symbols, printed by SymPy's LaTeX printer, and the *example*",
                "its value at the sizes shown: both are computed from the cost table, the same code",
                "the runtime charges and the analyzer predicts with. Conventions: a multiply-add is",
                "one FLOP; `numel(x)` is the number of elements; $\\left\\lceil \\log_{2} n \\right\\rceil$",
                "is `clog2(n)`, the bits to count to $n$; an op whose output is empty costs 0.",
                ""]
    else:
        head = ["<!-- Generated by `make docs` (flopscope costs --format markdown) from flopscope/costs/. "
                "Do not edit: tests/test_reference.py fails when this file is stale. -->",
                "",
                "Every op flopscope meters, with its cost. The *formula* column is the op's own",
                "cost rule evaluated on symbols, and the *example* its value at the sizes shown:",
                "both are computed from the cost table, the same code the runtime charges and the",
                "analyzer predicts with. Conventions: a multiply-add is one FLOP; `numel(x)` is the",
                "number of elements; `clog2(n)` is ceil(log2(n)); an op whose output is empty costs 0.",
                ""]
    out = [f"# Cost reference ({COST_MODEL_NAME})", "", *head]
    by_cat: dict[str, list[Entry]] = {}
    for e in items:
        by_cat.setdefault(e.category, []).append(e)
    order = [c for c in CATEGORY_TITLES if c in by_cat] + sorted(c for c in by_cat if c not in CATEGORY_TITLES)
    for cat in order:
        group = by_cat[cat]
        out.append(f"## {CATEGORY_TITLES.get(cat, cat)} ({len(group)})")
        out.append("")
        if cat == "free":
            out.append("These cost nothing: " + ", ".join(f"`{e.name}`" for e in group) + ".")
            out.append("")
            continue
        out.append("| op | cost | formula | example | FLOPs |")
        out.append("|---|---|---|---|---|")
        for e in group:
            if e.formula is None:
                out.append(f"| `{e.name}` | {_cell(e.formula_text)} | | | |")
                continue
            values = ", ".join(f"{k}={v}" for k, v in e.values.items())
            shown = f"${latex(e)}$" if math else f"`{e.formula}`"
            out.append(f"| `{e.name}` | {_cell(e.formula_text)} | {shown} | `{e.call}`, {values} | {e.value:,} |")
        out.append("")
    out.append("## Also free")
    out.append("")
    free = [f"{m}.{n}" if m else n for m, names in FREE_NAMES_BY_MODULE.items() for n in names]
    out.append("Views and queries on arrays: `.T`, `.reshape`, `.ravel`, `.astype`, `.copy`, indexing and slicing, "
               "`.shape`, `.ndim`, `.size`, printing; and NumPy's own " + ", ".join(f"`{n}`" for n in free) + ".")
    out.append("")
    if BLOCKED:
        out.append("## Refused")
        out.append("")
        out.append("These raise `UnsupportedOperationError` with the reason, rather than run unmetered:")
        out.append("")
        for reason, names in BLOCKED.items():
            out.append(f"- {reason}: " + ", ".join(f"`{n}`" for n in names))
        out.append("")
    out.append("## Inventory")
    out.append("")
    out.append("Every public callable of NumPy's namespaces is exactly one of counted, free or blocked "
               "(`tests/test_inventory.py` enumerates NumPy to prove it):")
    out.append("")
    out.append("| Namespace | Counted | Free | Blocked |")
    out.append("|---|---|---|---|")
    for module, c in counts().items():
        out.append(f"| `{module}` | {c['counted']} | {c['free']} | {c['blocked']} |")
    out.append("")
    return "\n".join(out)
