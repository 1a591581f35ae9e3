"""The HTML cost report: one self-contained page, a bar per site costliest first, each
bar a link to its line of the source shown beside it; opened in headless Chromium."""

import re
import sys
from pathlib import Path

import pytest

from flopscope.analyzer import analyze
from flopscope.analyzer.html_report import analysis_html, check_html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import headless  # noqa: E402

NEEDS_CHROMIUM = pytest.mark.skipif(headless.chromium() is None,
                                    reason="chromium is not installed: `make test` installs it (apt-get install -y chromium)")
GUIDE = ROOT / "examples" / "guide_solver.py"
CORPUS = ROOT / "tests" / "corpus" / "03_diag_moments_blend" / "solver.py"
BAR = re.compile(r'<a class="bar (site|function)" href="#L(\d+)" data-value="(\d*)">')


@pytest.fixture(scope="module")
def guide():
    a = analyze(str(GUIDE), shapes=["n=256"], display_path="examples/guide_solver.py")
    return a, analysis_html(a, GUIDE.read_text())


@pytest.fixture(scope="module")
def corpus():
    a = analyze(str(CORPUS), contract="estimator", shapes=["w=16,L=4,B=1e7"])
    return a, analysis_html(a, CORPUS.read_text())


def bars(page: str, kind: str = "site") -> list[tuple[int, int | None]]:
    return [(int(line), int(v) if v else None) for k, line, v in BAR.findall(page) if k == kind]


def assert_self_contained(page: str):
    assert not re.search(r"https?:", page)
    for bad in ("<script", "<link", "<img", "<iframe", "@import", "url(", "@font-face"):
        assert bad not in page, bad


def test_the_guide_solvers_report(guide):
    a, page = guide
    assert_self_contained(page)
    assert page.startswith("<!doctype html>")
    # one bar per site, costliest first: einsum (65,536) at line 15, then exp and sum (256 each)
    assert bars(page) == [(15, 65_536), (16, 256), (17, 256)]
    assert "n²" in page and "66,048" in page  # the total, n**2 + 2*n, on one line of Unicode
    # every line of the source has its anchor, and every bar's target is one of them
    n_lines = len(GUIDE.read_text().splitlines())
    assert [int(x) for x in re.findall(r'<span class="line[^"]*" id="L(\d+)">', page)] == list(range(1, n_lines + 1))
    # the budget line links to its BudgetContext
    assert '<a href="#L12">line 12:6</a>' in page


def test_a_corpus_solvers_report_has_function_bars_linking_to_their_def(corpus):
    a, page = corpus
    assert_self_contained(page)
    site_bars = bars(page)
    assert len(site_bars) == len(a.sites) > 20
    values = [v for _, v in site_bars]
    assert values == sorted(values, reverse=True)
    assert site_bars[0] == (78, max(s.value for s in a.sites))  # the matmul inside the MC loop
    funcs = bars(page, "function")
    assert len(funcs) == len([f for f in a.functions if str(f.total) != "0"]) >= 2
    source = CORPUS.read_text().splitlines()
    for line, _ in funcs:
        assert source[line - 1].lstrip().startswith(("def ", "@")), source[line - 1]
    for line, _ in site_bars + funcs:
        assert f'id="L{line}"' in page
    print(f"\nreport sizes: {len(page.encode()):,} bytes for {CORPUS.parent.name}")


def test_the_source_is_escaped(tmp_path):
    solver = tmp_path / "s.py"
    solver.write_text("import flopscope.numpy as fnp\n# </pre><script>alert(1)</script>\nx = fnp.exp(fnp.ones((8,)))\n")
    a = analyze(str(solver))
    page = analysis_html(a, solver.read_text())
    assert "<script>" not in page and "&lt;/pre&gt;&lt;script&gt;" in page
    assert bars(page) == [(3, 8)]


def test_a_report_without_sites_says_so(tmp_path):
    solver = tmp_path / "s.py"
    solver.write_text("x = 1\n")
    page = analysis_html(analyze(str(solver)), solver.read_text())
    assert "no counted calls found" in page and bars(page) == []


def test_the_check_report_draws_predicted_and_measured():
    from flopscope.check import check_program

    r = check_program(str(GUIDE), shapes=["n=256"], display_path="examples/guide_solver.py")
    page = check_html(r, GUIDE.read_text())
    assert_self_contained(page)
    assert bars(page) == [(15, 65_536), (16, 256), (17, 256)]
    # two rects per site: the predicted bar and the measured bar, of equal length here
    pairs = re.findall(r'<rect class="predicted" x="0" y="0" width="(\d+)"[^>]*/><rect class="measured" x="0" '
                       r'y="16" width="(\d+)"', page)
    assert pairs == [("200", "200"), ("1", "1"), ("1", "1")]
    assert page.count('<span class="label agree">agree</span>') == 4  # three sites and the total


PROBE = """  const bars = [...document.querySelectorAll('a.bar.site')];
  const out = {
    bars: bars.map(b => ({
      value: b.dataset.value === '' ? null : Number(b.dataset.value),
      width: b.querySelector('rect').getBoundingClientRect().width,
      target: !!document.getElementById(b.getAttribute('href').slice(1)),
    })),
    chartsLeft: document.querySelector('section.charts').getBoundingClientRect().left,
    sourceLeft: document.querySelector('section.source').getBoundingClientRect().left,
    lines: document.querySelectorAll('pre.code span.line').length,
  };
"""


@NEEDS_CHROMIUM
@pytest.mark.parametrize("which", ["guide", "corpus"])
def test_chromium_renders_the_report(which, request, tmp_path):
    a, page = request.getfixturevalue(which)
    path = tmp_path / "report.html"
    path.write_text(page)
    dom = headless.dump_dom(path)
    assert len(re.findall(r'<a class="bar site"', dom)) == len(a.sites)
    probe = headless.probe(page, PROBE, tmp_path / "probe.html")
    drawn = probe["bars"]
    assert len(drawn) == len(a.sites)
    assert all(b["target"] for b in drawn)
    widths = [b["width"] for b in drawn]
    assert widths == sorted(widths, reverse=True) and widths[0] == 200
    assert all(b["width"] > 0 for b in drawn if b["value"])
    assert probe["sourceLeft"] > probe["chartsLeft"]  # the source beside the chart
    assert probe["lines"] == len(Path(a.path if which == "corpus" else GUIDE).read_text().splitlines())
