"""The cost table: every formula row of COST_MODEL v1 this release covers, with worked numbers.

Numbers here are computed by hand from the formulas, not by calling the rules twice.
"""

import itertools

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import flopscope as flops
from flopscope.costs import OPS, ShapeError, dims, op_cost
from flopscope.costs import einsum as es
from flopscope.costs.symbolic import clog2, parse_formula, size_symbol


# ----------------------------------------------------------------- pointwise


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "abs", "negative", "square", "isnan"])
def test_unary_pointwise_is_numel_output(name):
    assert op_cost(name, (256, 256)) == 65_536
    assert op_cost(name, ()) == 1


@pytest.mark.parametrize("name", ["add", "multiply", "divide", "power", "maximum", "greater", "logaddexp"])
def test_binary_pointwise_is_numel_of_broadcast(name):
    assert op_cost(name, (256, 256), (256,)) == 65_536
    assert op_cost(name, (8, 1, 5), (3, 1)) == 120
    assert op_cost(name, (7,), ()) == 7


def test_other_pointwise_rows():
    assert op_cost("clip", (10, 20)) == 200
    assert op_cost("clip", (10, 20), (20,), ()) == 200
    assert op_cost("nan_to_num", (3, 4)) == 12
    assert op_cost("isclose", (3, 4), (4,)) == 12
    assert op_cost("allclose", (3, 4), (3, 1)) == 12
    assert op_cost("array_equal", (3, 4), (3, 4)) == 12
    assert op_cost("array_equal", (3, 4), (4, 3)) == 0
    assert op_cost("where", (5, 6), (5, 6), (6,)) == 30
    assert op_cost("where", (5, 1), (5, 6), (6,)) == 5  # numel(cond), not of the output
    assert op_cost("where", (9,)) == 9


def test_broadcast_failure_is_refused():
    with pytest.raises(ShapeError, match="could not be broadcast"):
        op_cost("add", (3,), (4,))


# ----------------------------------------------------------------- reductions


@pytest.mark.parametrize(
    "name",
    "sum prod mean max min argmax argmin any all var std median cumsum cumprod nansum nanmean nanmax nanstd".split(),
)
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_reductions_cost_numel_input_whatever_the_axis(name, axis):
    assert op_cost(name, (64, 32), axis=axis) == 2048


def test_quantiles_cost_numel_input():
    assert op_cost("percentile", (64, 32), (3,), axis=0) == 2048
    assert OPS["percentile"].shape(((64, 32), (3,)), axis=0) == (3, 32)


def test_reduction_query_helper():
    assert flops.reduction_cost((10, 10), axis=1) == 100
    with pytest.raises(ShapeError, match="out of bounds"):
        flops.reduction_cost((10, 10), axis=2)


# ----------------------------------------------------------------- einsum


def test_einsum_two_operand_rows():
    assert op_cost("einsum", (256, 256), (256,), subscripts="ij,j->i") == 65_536
    assert op_cost("einsum", (256, 256), (256, 256), subscripts="ij,jk->ik") == 16_777_216
    assert op_cost("einsum", (3, 4), subscripts="ij->ji") == 12  # transposes are charged
    assert op_cost("einsum", (5, 5), subscripts="ii->i") == 5  # diagonals too
    assert op_cost("einsum", (5, 5), subscripts="ii") == 5
    assert op_cost("einsum", (6,), (7,), subscripts="i,j->ij") == 42
    assert op_cost("einsum", (2, 3, 4), (4, 5), subscripts="...ij,jk") == 2 * 3 * 4 * 5
    assert op_cost("einsum", (3,), (3,), subscripts="i,i") == 3


def test_einsum_three_operands_takes_the_cheapest_order():
    # (10x20)(20x30)(30x40): left-first 10*20*30 + 10*30*40 = 18,000;
    # right-first 20*30*40 + 10*20*40 = 32,000.
    assert op_cost("einsum", (10, 20), (20, 30), (30, 40), subscripts="ij,jk,kl->il") == 18_000
    # The same chain in the other direction prefers the right end.
    assert op_cost("einsum", (40, 30), (30, 20), (20, 10), subscripts="ij,jk,kl->il") == 18_000


def test_einsum_three_operands_all_orders_are_compared():
    # i,j,ij-> with i=2, j=3. (a,b) first: 6 then 6 = 12; (a,M) first: 6, leaving j,
    # then 3 = 9; (b,M) first: 6, leaving i, then 2 = 8. The cheapest is 8.
    assert op_cost("einsum", (2,), (3,), (2, 3), subscripts="i,j,ij->") == 8


def _brute_force_best(terms, output, sizes):
    """Every pairwise contraction tree, by recursion over the current operand list."""
    out = frozenset(output)

    def size(labels):
        p = 1
        for lab in labels:
            p *= sizes[lab]
        return p

    def best(current):
        if len(current) == 1:
            return 0
        result = None
        for i, j in itertools.combinations(range(len(current)), 2):
            rest = [t for k, t in enumerate(current) if k not in (i, j)]
            others = frozenset().union(*rest) if rest else frozenset()
            touched = current[i] | current[j]
            new = touched & (out | others)
            c = size(touched) + best(rest + [new])
            result = c if result is None or c < result else result
        return result

    return best([frozenset(t) for t in terms])


contraction_cases = st.integers(min_value=3, max_value=5).flatmap(
    lambda k: st.tuples(
        st.lists(st.lists(st.sampled_from("abcdef"), min_size=0, max_size=3, unique=True), min_size=k, max_size=k),
        st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 6), min_size=6, max_size=6),
        st.lists(st.sampled_from("abcdef"), unique=True, max_size=3),
    )
)


@settings(max_examples=150, deadline=None)
@given(contraction_cases)
def test_einsum_order_is_optimal_against_brute_force(case):
    terms, sizes, output = case
    used = set().union(*map(set, terms))
    output = [lab for lab in output if lab in used]
    subscripts = ",".join("".join(t) for t in terms) + "->" + "".join(output)
    shapes = [tuple(sizes[lab] for lab in t) for t in terms]
    got = op_cost("einsum", *shapes, subscripts=subscripts)
    if any(d == 0 for s in shapes for d in s):
        assert got == 0
    else:
        assert got == _brute_force_best(terms, output, sizes)


def test_einsum_order_agrees_with_opt_einsum_dynamic_programming():
    """opt_einsum's DP ('flops') scores a step like COST_MODEL: the product of the
    sizes it touches. On contractions where every index is shared (so it does not
    pre-sum single-term indices) its optimum must equal ours."""
    import opt_einsum as oe

    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(200):
        k = int(rng.integers(3, 7))
        labels = "abcde"
        members = [set() for _ in range(k)]
        for lab in labels:  # every index in two or three operands: none is single-term
            for t in rng.choice(k, size=int(rng.integers(2, 4)) if k > 2 else 2, replace=False):
                members[int(t)].add(lab)
        terms = ["".join(sorted(m)) for m in members]
        sizes = {lab: int(rng.integers(2, 9)) for lab in labels}
        out = ""
        shapes = [tuple(sizes[c] for c in t) for t in terms]
        eq = ",".join(terms) + "->" + out
        path, _ = oe.contract_path(eq, *shapes, shapes=True, optimize=oe.DynamicProgramming(minimize="flops", search_outer=True))
        current = [frozenset(t) for t in terms]
        total = 0
        for pair in path:
            picked = [current[i] for i in pair]
            rest = [t for i, t in enumerate(current) if i not in pair]
            touched = frozenset().union(*picked)
            total += int(np.prod([sizes[c] for c in touched]))
            current = rest + [touched & frozenset(out).union(*rest)]
        assert op_cost("einsum", *shapes, subscripts=eq) == total, eq
        checked += 1
    assert checked > 50


def test_einsum_many_operands_use_the_greedy_order_deterministically():
    n = es.EXHAUSTIVE_LIMIT + 2
    letters = "abcdefghijklmnop"
    subs = ",".join(letters[i] + letters[i + 1] for i in range(n)) + "->" + letters[0] + letters[n]
    shapes = [(3 + i % 4, 3 + (i + 1) % 4) for i in range(n)]
    c = es.parse(subs, shapes)
    p = es.plan(c)
    assert not p.exhaustive
    assert len(p.steps) == n - 1
    assert p.cost == op_cost("einsum", *shapes, subscripts=subs)
    assert p.cost == sum(s.cost for s in p.steps)


@pytest.mark.parametrize(
    "subscripts,shapes,message",
    [
        ("ij,jk->ik", [(2, 3), (4, 4)], "does not match|broadcast"),
        ("ij,jk->il", [(2, 3), (3, 4)], "never appeared"),
        ("ij,jk->ii", [(2, 3), (3, 4)], "multiple times"),
        ("ij,jk", [(2, 3)], "fewer operands"),
        ("ijk", [(2, 3)], "too many subscripts"),
        ("i1", [(2, 1)], "invalid subscript"),
        ("ii->i", [(3, 4)], "don't match"),
    ],
)
def test_einsum_invalid_subscripts_are_refused(subscripts, shapes, message):
    with pytest.raises(ShapeError, match=message):
        op_cost("einsum", *shapes, subscripts=subscripts)


# ----------------------------------------------------------------- contractions


def test_matmul_family_rows():
    assert op_cost("matmul", (64, 32), (32, 16)) == 64 * 32 * 16
    assert op_cost("matmul", (64, 32), (32,)) == 64 * 32
    assert op_cost("matmul", (32,), (32, 16)) == 32 * 16
    assert op_cost("matmul", (32,), (32,)) == 32
    assert op_cost("matmul", (5, 64, 32), (32, 16)) == 5 * 64 * 32 * 16
    assert op_cost("matmul", (5, 1, 4, 3), (7, 3, 2)) == 5 * 7 * 4 * 3 * 2
    assert op_cost("dot", (64, 32), (32, 16)) == 64 * 32 * 16
    assert op_cost("dot", (4, 5, 6), (3, 6, 2)) == 4 * 5 * 6 * 3 * 2
    assert op_cost("dot", (4, 5), ()) == 20
    assert op_cost("tensordot", (4, 5, 6), (5, 6, 7), axes=2) == 4 * 5 * 6 * 7
    assert op_cost("tensordot", (4, 5), (5, 7), axes=1) == 140
    assert op_cost("tensordot", (4, 5), (7, 4), axes=([0], [1])) == 140
    assert op_cost("inner", (9,), (9,)) == 9
    assert op_cost("inner", (3, 9), (4, 9)) == 3 * 4 * 9
    assert op_cost("vdot", (3, 4), (12,)) == 12
    assert op_cost("outer", (6,), (7,)) == 42
    assert op_cost("outer", (2, 3), (7,)) == 42
    assert op_cost("trace", (5, 8)) == 5
    assert op_cost("trace", (2, 5, 8), axis1=1, axis2=2) == 10
    assert op_cost("kron", (2, 3), (4, 5)) == 120
    assert op_cost("vecdot", (4, 5), (5,)) == 20


def test_contraction_mismatches_are_refused():
    with pytest.raises(ShapeError, match="mismatch in its core dimension"):
        op_cost("matmul", (3, 4), (5, 6))
    with pytest.raises(ShapeError, match="not aligned"):
        op_cost("dot", (3, 4), (5, 6))
    with pytest.raises(ShapeError, match="shape-mismatch"):
        op_cost("tensordot", (3, 4), (5, 6), axes=1)


# ----------------------------------------------------------------- creation and joining


def test_creation_rows_charge_numel_output():
    assert op_cost("array", (3, 4)) == 12
    assert op_cost("array", (3,), ndmin=3) == 3
    assert op_cost("asarray", (3, 4)) == 12
    assert op_cost("full", shape=(5, 6)) == 30
    assert op_cost("full", shape=7) == 7
    assert op_cost("full_like", (5, 6)) == 30
    assert op_cost("arange", start=10) == 10
    assert op_cost("arange", start=2, stop=10, step=3) == 3
    assert op_cost("arange", start=0.0, stop=1.0, step=0.25) == 4
    assert op_cost("arange", start=5, stop=1) == 0
    assert op_cost("linspace", (), (), num=11) == 11
    assert op_cost("logspace", (), (), num=5) == 5


def test_joining_rows_charge_numel_output():
    assert op_cost("concatenate", (3, 2), (5, 2)) == 16
    assert op_cost("concatenate", (3, 2), (3, 4), axis=1) == 18
    assert op_cost("concatenate", (3, 2), (7,), axis=None) == 13
    assert op_cost("stack", (3, 2), (3, 2), (3, 2)) == 18
    assert OPS["stack"].shape(((3, 2), (3, 2)), axis=1) == (3, 2, 2)
    assert op_cost("vstack", (4,), (4,)) == 8
    assert op_cost("hstack", (4,), (5,)) == 9
    assert op_cost("dstack", (2, 3), (2, 3)) == 12
    assert op_cost("column_stack", (4,), (4, 2)) == 12
    assert op_cost("append", (2, 3), (4,)) == 10


def test_block_shape_follows_numpy():
    shapes = ((2, 2), (2, 3), (1, 5))
    spec = OPS["block"]
    structure = [[0, 1], [2]]
    assert spec.shape(shapes, structure=structure) == np.block([[np.ones((2, 2)), np.ones((2, 3))], [np.ones((1, 5))]]).shape
    assert spec.cost(shapes, structure=structure) == 15


@pytest.mark.parametrize(
    "name", "zeros ones empty zeros_like ones_like empty_like eye identity reshape ravel transpose swapaxes "
    "moveaxis squeeze expand_dims broadcast_to copy astype".split()
)
def test_free_ops_cost_zero(name):
    spec = OPS[name]
    assert spec.category == "free"
    assert spec.cost(((4, 1),), shape=(4,), axis=1, axes=None, axis1=0, axis2=1, source=0, destination=1) == 0


def test_empty_operand_costs_zero():
    assert op_cost("exp", (0, 5)) == 0
    assert op_cost("add", (0,), (1,)) == 0
    assert op_cost("sum", (3, 0)) == 0
    assert op_cost("matmul", (4, 0), (0, 5)) == 0
    assert op_cost("einsum", (0, 3), (3, 4), (4, 5), subscripts="ij,jk,kl->il") == 0


def test_unknown_static_argument_is_a_clear_error():
    with pytest.raises(TypeError, match="unknown static argument"):
        op_cost("sum", (3,), axes=0)
    with pytest.raises(KeyError, match="no op named"):
        flops.cost("not_an_op", (3,))


def test_generic_cost_query_matches_rows():
    assert flops.cost("matmul", (64, 32), (32, 16)) == 32_768
    assert flops.cost("einsum", (4, 5), (5,), subscripts="ij,j->i") == 20
    assert flops.pointwise_cost((256, 256)) == 65_536
    assert flops.pointwise_cost((256, 256), (256,)) == 65_536
    assert flops.pointwise_cost((2, 1), (1, 3), (4, 1, 1)) == 24


# ----------------------------------------------------------------- the same rules on SymPy


def test_rules_work_on_sympy_dimensions():
    m, n, k, b = (size_symbol(s) for s in "mnkb")
    assert op_cost("einsum", (n, n), (n,), subscripts="ij,j->i") == n**2
    assert op_cost("matmul", (b, m, k), (k, n)) == b * m * k * n
    assert op_cost("exp", (m, n)) == m * n
    assert op_cost("add", (m, n), (n,)) == m * n
    assert op_cost("sum", (m, n), axis=0) == m * n
    assert op_cost("concatenate", (m, n), (k, n)) == (m + k) * n
    assert op_cost("trace", (m, n)) == sympy.Min(m, n)
    assert op_cost("arange", start=n) == n


def test_clog2_dispatches_on_type():
    assert dims.clog2(1) == 0
    assert dims.clog2(2) == 1
    assert dims.clog2(1000) == 10
    assert dims.clog2(1024) == 10
    assert dims.clog2(1025) == 11
    n = size_symbol("n")
    expr = dims.clog2(n)
    assert isinstance(expr, clog2)
    assert expr.subs(n, 1025) == 11
    assert parse_formula("5*n*clog2(n)", {"n": n}).subs(n, 8) == 120


def test_dims_helpers_on_ints_never_import_sympy():
    import subprocess
    import sys

    code = (
        "import sys; from flopscope.costs import op_cost; "
        "op_cost('einsum', (3, 4), (4, 5), (5, 6), subscripts='ij,jk,kl->il'); "
        "op_cost('concatenate', (3, 4), (3, 4)); "
        "assert 'sympy' not in sys.modules, 'sympy was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ----------------------------------------------------------------- rules agree with NumPy's shapes

small_shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)


@settings(max_examples=200, deadline=None)
@given(small_shapes, small_shapes)
def test_broadcast_rule_matches_numpy(a, b):
    try:
        want = np.broadcast_shapes(a, b)
    except ValueError:
        with pytest.raises(ShapeError):
            OPS["add"].shape((a, b))
        return
    assert OPS["add"].shape((a, b)) == want
    assert op_cost("add", a, b) == int(np.prod(want))


@settings(max_examples=200, deadline=None)
@given(small_shapes, small_shapes)
def test_matmul_rule_matches_numpy(a, b):
    try:
        want = np.matmul(np.ones(a), np.ones(b)).shape
    except ValueError:
        with pytest.raises(ShapeError):
            OPS["matmul"].shape((a, b))
        return
    assert OPS["matmul"].shape((a, b)) == want


@settings(max_examples=200, deadline=None)
@given(small_shapes, small_shapes)
def test_dot_rule_matches_numpy(a, b):
    try:
        want = np.shape(np.dot(np.ones(a), np.ones(b)))
    except ValueError:
        with pytest.raises(ShapeError):
            OPS["dot"].shape((a, b))
        return
    assert OPS["dot"].shape((a, b)) == want


@settings(max_examples=200, deadline=None)
@given(small_shapes, st.one_of(st.none(), st.integers(-3, 3)), st.booleans())
def test_reduction_rule_matches_numpy(a, axis, keepdims):
    try:
        want = np.sum(np.ones(a), axis=axis, keepdims=keepdims).shape
    except ValueError:
        with pytest.raises(ShapeError):
            OPS["sum"].shape((a,), axis=axis, keepdims=keepdims)
        return
    assert OPS["sum"].shape((a,), axis=axis, keepdims=keepdims) == want


einsum_terms = st.lists(st.lists(st.sampled_from("abcd"), max_size=3), min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(einsum_terms, st.dictionaries(st.sampled_from("abcd"), st.integers(1, 3), min_size=4, max_size=4), st.booleans())
def test_einsum_shape_rule_matches_numpy(terms, sizes, explicit):
    subs = ",".join("".join(t) for t in terms)
    if explicit:
        seen = sorted({c for t in terms for c in t})
        subs += "->" + "".join(seen[::2])
    ops = [np.ones(tuple(sizes[c] for c in t)) for t in terms]
    try:
        want = np.shape(np.einsum(subs, *ops))
    except ValueError:
        with pytest.raises(ShapeError):
            OPS["einsum"].shape(tuple(o.shape for o in ops), subscripts=subs)
        return
    assert OPS["einsum"].shape(tuple(o.shape for o in ops), subscripts=subs) == want
