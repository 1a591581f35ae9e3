"""MkDocs hooks of the docs site (mkdocs.yml names this file; ``make docs`` builds the site).

* The site's cost reference is generated from the cost table when the site is built
  (``flopscope.reference.render_markdown(..., math=True)``): each formula is SymPy's
  LaTeX. docs/cost-reference.md, the plain-text table, stays what
  ``flopscope costs --format markdown`` prints.
* Below each ``$ flopscope analyze ...`` console block of docs/analyzer.md, the same
  command is run with ``--format json`` and its formulas are shown as math: per call
  site, per function and in total.
* Math (``$...$`` and ``$$...$$``, which pymdownx.arithmatex keeps out of Markdown's
  way) is converted to MathML here, at build time, by latex2mathml: the built pages
  need no script and no network to show it; browsers lay MathML out themselves.
"""

from __future__ import annotations

import html
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

CONSOLE = re.compile(r"```console\n\$ (flopscope analyze [^\n]*)\n.*?```\n", re.S)
INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
BLOCK = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)


def on_page_markdown(markdown: str, page, config, files) -> str:
    name = page.file.src_uri
    if name == "cost-reference.md":
        from flopscope import reference

        return reference.render_markdown(reference.entries(), math=True)
    if name == "analyzer.md":
        root = Path(config["config_file_path"]).resolve().parent
        return CONSOLE.sub(lambda m: m.group(0) + "\n" + formula_table(m.group(1), root) + "\n", markdown)
    return markdown


def formula_table(command: str, root: Path) -> str:
    """The formulas of one ``flopscope analyze`` command as a Markdown table of math."""
    from flopscope.analyzer.render import formula
    from flopscope.costs.symbolic import parse_formula

    argv, words = [], shlex.split(command)[2:]
    while words:  # the command as written, less its output options
        word = words.pop(0)
        if word in ("--sort", "--format", "--formula", "--output"):
            words = words[1:]
        elif not word.startswith(("--sort=", "--format=", "--formula=", "--output=")):
            argv.append(word)
    argv = ["analyze", *argv, "--format", "json"]
    proc = subprocess.run([sys.executable, "-m", "flopscope", *argv], cwd=root, capture_output=True, text=True,
                          timeout=300)
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise PluginError(f"docs: `{command} --format json` printed no JSON: {proc.stderr.strip()[-300:]}") from None

    def math(text: str | None) -> str:
        if text is None:
            return "unknown"
        return "$" + formula(parse_formula(text.replace(" + unknown", "")), "latex").replace("|", r"\vert ") + "$" + (
            " + unknown" if text.endswith(" + unknown") else "")

    def value(v) -> str:
        return "?" if v is None else f"{v:,}"

    rows = ["The same formulas as math (the site runs the command with `--format json` when it is built):", "",
            "| where | what | FLOPs (formula) | FLOPs |", "|---|---|---|---|"]
    for s in data.get("sites", []):
        rows.append(f"| line {s['line']}:{s['col']} | `{s['op']}` | {math(s['total'])} | {value(s['value'])} |")
    for f in data.get("functions", []):
        if f["formula"] != "0":
            rows.append(f"| function | `{f['name']}` | {math(f['formula'])} | {value(f['value'])} |")
    total = data["total"]
    rows.append(f"| **total** | ({total['label']}) | {math(total['formula'])} | {value(total['value'])} |")
    return "\n".join(rows) + "\n"


def _mathml(tex: str, display: str) -> str:
    from latex2mathml.converter import convert

    try:
        return convert(html.unescape(tex).strip(), display=display)
    except Exception as exc:  # latex2mathml raises its own exception types
        raise PluginError(f"docs: cannot convert the math {tex[:80]!r} to MathML: {exc}") from None


def on_page_content(content: str, page, config, files) -> str:
    content = BLOCK.sub(lambda m: _mathml(m.group(1), "block"), content)
    content = INLINE.sub(lambda m: _mathml(m.group(1), "inline"), content)
    if 'class="arithmatex"' in content:
        raise PluginError(f"docs: {page.file.src_uri}: math left unconverted")
    return content
