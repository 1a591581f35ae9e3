"""The docs site: MkDocs builds it with --strict, its formulas are MathML made from the
cost table, it loads nothing from the network, and headless Chromium draws the math."""

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import headless  # noqa: E402

from flopscope import reference  # noqa: E402

pytest.importorskip("mkdocs", reason="the docs extra (in [test]) installs MkDocs")
pytest.importorskip("latex2mathml", reason="the docs extra (in [test]) installs latex2mathml")

NEEDS_CHROMIUM = pytest.mark.skipif(headless.chromium() is None,
                                    reason="chromium is not installed: `make test` installs it (apt-get install -y chromium)")
RAW_TEX = ("\\frac", "\\left", "\\right", "\\lceil", "\\log", "$$", "\\(", "\\[")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)], cwd=ROOT,
                          capture_output=True, text=True, env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    print(f"\nsite built in {time.perf_counter() - start:.1f} s, {len(list(out.glob('*.html')))} pages")
    return out


def nav_pages() -> list[str]:
    return re.findall(r"^\s*- (?:[^\n]*: )?([\w-]+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(), re.M)


def test_the_nav_lists_every_docs_page_once():
    pages = nav_pages()
    assert sorted(pages) == sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert len(pages) == len(set(pages))


def test_every_page_is_built(site):
    for page in nav_pages():
        assert (site / page.replace(".md", ".html")).is_file(), page


def op_rows(html: str) -> list[str]:
    """The table rows of the cost reference's op tables (not the inventory's)."""
    body = html.split('id="also-free"')[0]
    return [r for r in re.findall(r"<tr>(.*?)</tr>", body, re.S) if "<td" in r]


def text_of(html: str) -> str:
    """The page's prose: its text without scripts, styles and code (where TeX may be shown as code on purpose)."""
    html = re.sub(r"<(script|style|code)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", html)


def test_every_formula_of_the_cost_reference_is_mathml_from_the_table(site):
    html = (site / "cost-reference.html").read_text()
    counted = [e for e in reference.entries() if e.category != "free"]
    rows = op_rows(html)
    assert len(rows) == len(counted) > 500
    by_name = {re.search(r"<td><code>(.*?)</code></td>", r).group(1): r for r in rows}
    assert sorted(by_name) == sorted(e.name for e in counted)
    for row in rows:
        assert row.count("<td") == 5, row[:300]  # no cell broken by a bar in the text
        assert row.count("<math") == 1, row[:300]
    # fft.fft's formula, 5*b*m*clog2(m), as the LaTeX printer gives it: a ceiling around log_2 m
    fft = next(r for r in rows if "<code>fft.fft</code>" in r)
    assert "&#x02308;" in fft and "&#x02309;" in fft and "<mi>log</mi>" in fft  # ⌈ log ⌉
    solve = next(r for r in rows if "<code>linalg.solve</code>" in r)
    assert re.search(r"<msup><mi>n</mi><mrow><mn>3</mn></mrow></msup>", solve)
    for bad in RAW_TEX:
        assert bad not in text_of(html), bad


def test_the_analyzer_examples_show_their_formulas_as_math(site):
    html = (site / "analyzer.html").read_text()
    commands = re.findall(r"^\$ flopscope analyze", (ROOT / "docs" / "analyzer.md").read_text(), re.M)
    tables = html.count("The same formulas as math")
    assert tables == len(commands) == 5
    # the first example's total, n**2 + 2*n, and mlp_forward's, depth*n**2 + depth*n + n
    assert "<msup><mi>n</mi><mrow><mn>2</mn></mrow></msup><mo>&#x0002B;</mo><mn>2</mn><mi>n</mi>" in html
    assert "<mi>d</mi><mi>e</mi><mi>p</mi><mi>t</mi><mi>h</mi><msup><mi>n</mi>" in html
    for bad in RAW_TEX:
        assert bad not in text_of(html), bad


def test_no_page_loads_anything_from_the_network(site):
    for page in site.rglob("*.html"):
        html = page.read_text()
        loads = re.findall(r"<(?:script|img|link|iframe|source|audio|video)\b[^>]*\b(?:src|href)=\"(https?:[^\"]*)\"",
                           html)
        assert loads == [], (page.name, loads)
    for css in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?https?:", css.read_text()), css.name
    assert "fonts.googleapis" not in (site / "index.html").read_text()


PROBE = """  const box = e => e.getBoundingClientRect();
  const maths = [...document.querySelectorAll('article math')];
  const sups = [...document.querySelectorAll('article msup')];
  const fracs = [...document.querySelectorAll('article mfrac')];
  const rows = [...document.querySelectorAll('article table tbody tr')].filter(r => r.querySelector('math'));
  const out = {
    maths: maths.length,
    drawn: maths.filter(m => box(m).width > 0 && box(m).height > 0).length,
    sups: sups.length,
    raised: sups.filter(s => box(s.children[1]).bottom < box(s.children[0]).bottom - 1).length,
    fracs: fracs.length,
    stacked: fracs.filter(f => box(f.children[0]).bottom <= box(f.children[1]).top + 1).length,
    rows: rows.length,
  };
"""


@NEEDS_CHROMIUM
def test_chromium_draws_the_cost_reference_as_math(site):
    dom = headless.dump_dom(site / "cost-reference.html")
    rows = op_rows(dom)
    counted = [e for e in reference.entries() if e.category != "free"]
    assert len(rows) == len(counted)
    assert all("<math" in r for r in rows)
    text = text_of(dom)
    for bad in RAW_TEX:
        assert bad not in text, bad
    # MathML laid out by the browser itself: every superscript sits above its base and
    # every numerator above its denominator (a copy of the page measures them)
    probe = headless.probe((site / "cost-reference.html").read_text(), PROBE, site / "cost-reference-probe.html")
    assert probe["maths"] >= len(counted) and probe["drawn"] == probe["maths"]
    assert probe["rows"] == len(counted)
    assert probe["sups"] >= 20 and probe["raised"] == probe["sups"]
    assert probe["fracs"] > 5 and probe["stacked"] == probe["fracs"]


@NEEDS_CHROMIUM
def test_the_screenshot_is_shown_from_the_docs(site, tmp_path):
    shot = ROOT / "docs" / "img" / "cost-reference-fft.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size < 200_000
    assert "img/cost-reference-fft.png" in (site / "docs-site.html").read_text()
    # the tool that made it still makes one
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "screenshot.py"), str(site), str(tmp_path / "s.png")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "s.png").read_bytes()[:4] == b"\x89PNG"
