"""formula(expr, style): a cost formula as text, as one line of Unicode, or as LaTeX."""

import pytest
import sympy

from flopscope import reference
from flopscope.analyzer.render import fmt, formula
from flopscope.costs.symbolic import clog2, floor_log2, popcount, size_symbol

n, m = size_symbol("n"), size_symbol("m")


def expr_of(op: str):
    return reference.entries([op])[0].expr


@pytest.mark.parametrize("op,text,pretty,latex", [
    ("einsum", "i*j", "i⋅j", "i j"),
    ("linalg.solve", "n**3", "n³", "n^{3}"),
    ("fft.fft", "5*b*m*clog2(m)", "5⋅b⋅m⋅⌈log₂ m⌉", r"5 b m \left\lceil \log_{2} m \right\rceil"),
    ("fft.hfft", "b*(10*m - 10)*clog2(2*m - 2)", "b⋅(10⋅m - 10)⋅⌈log₂(2⋅m - 2)⌉",
     r"b \left(10 m - 10\right) \left\lceil \log_{2} \left(2 m - 2\right) \right\rceil"),
    ("fft.rfft", "5*b*clog2(m)*floor(m/2)", "5⋅b⋅⌈log₂ m⌉⋅⌊m/2⌋",
     r"5 b \left\lceil \log_{2} m \right\rceil \left\lfloor{\frac{m}{2}}\right\rfloor"),
    ("linalg.svd", "m*n*Min(m, n)", "m⋅n⋅min(m, n)", r"m n \min\left(m, n\right)"),
    ("unique", "m*n*clog2(m*n)", "m⋅n⋅⌈log₂(m⋅n)⌉", r"m n \left\lceil \log_{2} \left(m n\right) \right\rceil"),
])
def test_table_formulas_in_three_styles(op, text, pretty, latex):
    e = reference.entries([op])[0]
    assert formula(e.expr, "text") == text == e.formula  # text is what analyze and costs print
    assert formula(e.expr, "pretty") == pretty
    assert formula(e.expr, "latex") == latex


def test_text_is_fmt_and_parses_back_for_every_table_formula():
    from flopscope.costs.symbolic import parse_formula

    for e in reference.entries():
        if e.expr is None:
            continue
        text = formula(e.expr, "text")
        assert text == fmt(e.expr) == e.formula
        assert fmt(parse_formula(text)) == text


def test_every_table_formula_is_one_line_of_pretty_and_converts_to_mathml():
    convert = pytest.importorskip("latex2mathml.converter").convert
    for e in reference.entries():
        if e.expr is None:
            continue
        pretty = formula(e.expr, "pretty")
        assert "\n" not in pretty and "**" not in pretty and "clog2" not in pretty, (e.name, pretty)
        tex = formula(e.expr, "latex")
        assert "clog2" not in tex and "operatorname{clog" not in tex, (e.name, tex)
        assert "<math" in convert(tex)


def test_powers_fractions_and_flopscopes_functions():
    assert formula(n**2 / 2 - n, "pretty") == "n²/2 - n"
    assert formula(sympy.sqrt(n) + 1 / n**2, "pretty") == "√n + 1/n²"
    assert formula(floor_log2(n) + popcount(n), "pretty") == "⌊log₂ n⌋ + popcount(n)"
    assert formula(sympy.ceiling(n / m) * 3, "pretty") == "3⋅⌈n/m⌉"
    assert formula(sympy.Max(m, n), "pretty") == "max(m, n)"
    assert formula(floor_log2(n) + popcount(n), "latex") == (
        r"\left\lfloor \log_{2} n \right\rfloor + \operatorname{popcount}\left(n\right)")
    assert formula(clog2(n) ** 2, "latex") == r"\left\lceil \log_{2} n \right\rceil^{2}"


def test_long_size_names_are_one_word_in_latex():
    per_sample, chunk = sympy.Symbol("per_sample"), sympy.Symbol("x1")
    assert formula(per_sample * n, "latex") == r"n \mathit{per\_sample}"
    assert formula(chunk * n, "latex") == "n x_{1}"  # a name with a digit index keeps SymPy's subscript


def test_a_piecewise_or_a_sum_falls_back_to_sympys_pretty_printer():
    p = sympy.Piecewise((n**3, n > 100), (n**2, True))
    pretty = formula(p, "pretty")
    assert pretty.count("\n") >= 2 and "for n > 100" in pretty and "otherwise" in pretty
    assert formula(p, "latex") == r"\begin{cases} n^{3} & \text{for}\: n > 100 \\n^{2} & \text{otherwise} \end{cases}"
    i = sympy.Symbol("i", integer=True, nonnegative=True)
    s = sympy.Sum(i * clog2(n), (i, 0, n - 1))
    assert "⌈log₂ n⌉" in formula(s, "pretty") and "\n" in formula(s, "pretty")
    assert formula(s, "latex") == r"\sum_{i=0}^{n - 1} i \left\lceil \log_{2} n \right\rceil"


def test_an_unknown_style_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown formula style 'fancy': choose one of text, pretty, latex"):
        formula(n, "fancy")


def test_a_formula_of_an_analysis(tmp_path):
    from flopscope.analyzer import analyze

    a = analyze("examples/mlp_forward.py", shapes=["n=256,depth=4"])
    assert formula(a.total) == "depth*n**2 + depth*n + n"
    assert formula(a.total, "pretty") == "depth⋅n² + depth⋅n + n"
    assert formula(a.total, "latex") == "depth n^{2} + depth n + n"
