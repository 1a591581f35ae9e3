"""Declared symmetry (COST_MODEL v1, "Symmetry"): as_symmetric, unique elements, einsum orbits.

Closed forms are checked against brute force: the label permutations that keep the
summand are found by evaluating it on random integer tensors (the same object gets
the same data, a declared symmetry is built in), and orbits of index tuples are
counted by walking every tuple.
"""

import itertools
import math
import random

import numpy as np
import pytest
import sympy

import flopscope as flops
import flopscope.numpy as fnp
from flopscope.costs import symmetry as sym
from flopscope.costs.symbolic import size_symbol


# ----------------------------------------------------------------- brute force


def _symmetric_data(shape, groups, rng):
    data = np.array([rng.randint(1, 10**6) for _ in range(math.prod(shape))], dtype=object).reshape(shape)
    for g in groups:
        acc = np.zeros(shape, dtype=object)
        for perm in itertools.permutations(g):
            axes = list(range(len(shape)))
            for src, dst in zip(g, perm):
                axes[src] = dst
            acc = acc + np.transpose(data, axes)
        data = acc
    return data


def _brute_orbits(terms, shapes, pattern):
    """Orbits of index tuples under the permutations that keep every summand value."""
    rng = random.Random(1)
    sizes = {}
    for term, shape in zip(terms, shapes):
        for lab, d in zip(term, shape):
            sizes[lab] = d
    labels = sorted(sizes)
    data = {}
    tensors = []
    for (key, groups), shape in zip(pattern, shapes):
        if key not in data:
            data[key] = _symmetric_data(shape, groups, rng)
        tensors.append(data[key])
    tuples = list(itertools.product(*[range(sizes[lab]) for lab in labels]))

    def summand(env):
        value = 1
        for term, t in zip(terms, tensors):
            value *= t[tuple(env[lab] for lab in term)]
        return value

    group = []
    for perm in itertools.permutations(range(len(labels))):
        if any(sizes[labels[i]] != sizes[labels[p]] for i, p in enumerate(perm)):
            continue
        ok = True
        for tup in tuples:
            env = dict(zip(labels, tup))
            moved = {labels[perm[i]]: tup[i] for i in range(len(labels))}
            if summand(env) != summand(moved):
                ok = False
                break
        if ok:
            group.append(perm)
    seen = set()
    orbits = 0
    for tup in tuples:
        if tup in seen:
            continue
        orbits += 1
        for perm in group:
            moved = [0] * len(labels)
            for i in range(len(labels)):
                moved[perm[i]] = tup[i]
            seen.add(tuple(moved))
    return orbits, len(group)


S01 = ((0, 1),)
CASES = [
    # subscripts, shapes, pattern ((key, groups) per operand)
    ("ij,kj->ik", [(3, 3), (3, 3)], ((0, ()), (0, ()))),
    ("ij,kj->ik", [(3, 2), (3, 2)], ((0, ()), (0, ()))),
    ("ij,kj->ik", [(3, 3), (3, 3)], ((0, ()), (1, ()))),
    ("ij,jk->ik", [(3, 3), (3, 3)], ((0, ()), (0, ()))),
    ("ij,ij->", [(3, 3), (3, 3)], ((0, ()), (0, ()))),
    ("ij,ij->", [(3, 3), (3, 3)], ((0, S01), (0, S01))),
    ("ij->", [(4, 4)], ((0, S01),)),
    ("ij->i", [(4, 4)], ((0, S01),)),
    ("ii->i", [(4, 4)], ((0, S01),)),
    ("ij,j->i", [(3, 3), (3,)], ((0, S01), (1, ()))),
    ("ij,jk->ik", [(3, 3), (3, 3)], ((0, S01), (0, S01))),
    ("ijk->", [(3, 3, 3)], ((0, ((0, 1, 2),)),)),
    ("ijk->k", [(3, 3, 3)], ((0, ((0, 1),)),)),
    ("ijkl->", [(2, 2, 3, 3)], ((0, ((0, 1), (2, 3))),)),
    ("ij,kl->ijkl", [(2, 2), (2, 2)], ((0, S01), (0, S01))),
    ("ab,cd->", [(2, 3), (2, 3)], ((0, ()), (0, ()))),
    ("ab,cd->", [(2, 3), (2, 3)], ((0, ()), (1, ()))),
    ("i,j->ij", [(4,), (4,)], ((0, ()), (0, ()))),
    ("ijk,jk->i", [(2, 3, 3), (3, 3)], ((0, ((1, 2),)), (1, S01))),
]


@pytest.mark.parametrize("subscripts,shapes,pattern", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_orbit_count_matches_brute_force(subscripts, shapes, pattern):
    from flopscope.costs import einsum as es

    c = es.parse(subscripts, shapes)
    want, order = _brute_orbits(c.terms, shapes, pattern)
    assert sym.einsum_cost(shapes, subscripts=subscripts, pattern=pattern) == want
    factors = [(key, groups, term) for (key, groups), term in zip(pattern, c.terms)]
    assert len(sym.label_group(factors, c.sizes)[1]) == order


def test_three_factors_against_brute_force():
    # x_i x_j x_k for one vector x: every permutation of i, j, k keeps it
    factors = [(0, (), ("i",)), (0, (), ("j",)), (0, (), ("k",))]
    sizes = {"i": 4, "j": 4, "k": 4}
    assert sym.orbit_count(factors, sizes) == math.comb(6, 3) == 20
    want, order = _brute_orbits((("i",), ("j",), ("k",)), [(4,), (4,), (4,)], ((0, ()), (0, ()), (0, ())))
    assert (want, order) == (20, 6)


@pytest.mark.parametrize("subscripts,shapes,pattern", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_symbolic_closed_form_agrees_with_ints(subscripts, shapes, pattern):
    # one symbol per distinct size: the formula evaluated at those sizes gives the int cost
    values = sorted({d for s in shapes for d in s})
    symbols = {v: size_symbol(f"n{v}") for v in values}
    sym_shapes = [tuple(symbols[d] for d in s) for s in shapes]
    formula = sym.einsum_cost(sym_shapes, subscripts=subscripts, pattern=pattern)
    for scale in (1, 2, 5):
        point = {symbols[v]: v * scale for v in values}
        ints = [tuple(d * scale for d in s) for s in shapes]
        assert sympy.sympify(formula).xreplace(point) == sym.einsum_cost(ints, subscripts=subscripts, pattern=pattern)


def test_symbolic_forms_print_as_the_cost_model_says():
    n = size_symbol("n")
    assert sym.unique_count((n, n), S01) == n**2 / 2 + n / 2
    gram = sym.einsum_cost([(n, n), (n, n)], subscripts="ij,kj->ik", pattern=((0, ()), (0, ())))
    assert sympy.expand(gram - (n**3 / 2 + n**2 / 2)) == 0
    assert sym.unique_count((n, n, n), ((0, 1, 2),)) == sympy.expand(n * (n + 1) * (n + 2) / 6)


def test_unique_counts():
    assert sym.unique_count((100, 100), S01) == 5_050
    assert sym.unique_count((10, 10, 10), ((0, 1, 2),)) == math.comb(12, 3) == 220
    assert sym.unique_count((4, 4, 7), S01) == 10 * 7
    assert sym.unique_count((0, 0), S01) == 0


# ----------------------------------------------------------------- the runtime


def _sym_matrix(n, seed=0):
    x = np.random.default_rng(seed).standard_normal((n, n))
    return x + x.T


def test_worked_numbers():
    X = _sym_matrix(100)
    with flops.BudgetContext(flop_budget=10**12) as b:
        S = flops.as_symmetric(X, symmetry=(0, 1))
        assert b.flops_used == 0  # the declaration is free
        E = fnp.exp(S)
        assert b.flops_used == 5_050
        A = fnp.ones((256, 256))
        before = b.flops_used
        fnp.einsum("ij,kj->ik", A, A)
        assert b.flops_used - before == 8_421_376
        before = b.flops_used
        fnp.einsum("ij,kj->ik", A, fnp.ones((256, 256)))  # two objects: no discount
        assert b.flops_used - before == 16_777_216
        before = b.flops_used
        fnp.einsum("ij,jk->ik", A, A)
        assert b.flops_used - before == 16_777_216
        T = flops.as_symmetric(np.ones((10, 10, 10)), symmetry=(0, 1, 2))
        before = b.flops_used
        fnp.sum(T)
        assert b.flops_used - before == 220
    assert type(E) is flops.SymmetricTensor and E.symmetry == S01
    np.testing.assert_array_equal(E, np.exp(X))


def test_pointwise_rules_and_result_types():
    X = _sym_matrix(6)
    S = flops.as_symmetric(X)
    with flops.BudgetContext(flop_budget=10**9) as b:
        cases = [
            (lambda: S + S, X + X, 21, True),
            (lambda: S * 2.0, X * 2.0, 21, True),
            (lambda: 2.0 * S, 2.0 * X, 21, True),
            (lambda: S - np.float64(1.5), X - 1.5, 21, True),
            (lambda: S > 0, X > 0, 21, True),
            (lambda: -S, -X, 21, True),
            (lambda: S + X, X + X, 36, False),  # a plain operand: full cost
            (lambda: S + X[0], X + X[0], 36, False),  # broadcasting: full cost
            (lambda: S @ S, X @ X, 216, False),  # matmul: full cost
            (lambda: fnp.exp(S, out=np.empty((6, 6))), np.exp(X), 36, False),  # out=: the general path
        ]
        for make, want, cost, symmetric in cases:
            before = b.flops_used
            got = make()
            assert b.flops_used - before == cost
            np.testing.assert_array_equal(got, want)
            assert got.dtype == want.dtype
            assert (type(got) is flops.SymmetricTensor) == symmetric
        mant, expo = fnp.frexp(S)
        assert type(mant) is flops.SymmetricTensor and np.array_equal(expo, np.frexp(X)[1])


def test_reductions_cost_unique_elements_and_return_plain_arrays():
    X = _sym_matrix(6)
    S = flops.as_symmetric(X)
    with flops.BudgetContext(flop_budget=10**9) as b:
        for make, want in [
            (lambda: S.sum(), X.sum()),
            (lambda: fnp.mean(S, axis=0), X.mean(axis=0)),
            (lambda: np.max(S, axis=1), X.max(axis=1)),
            (lambda: S.cumsum(), X.cumsum()),
        ]:
            before = b.flops_used
            got = make()
            assert b.flops_used - before == 21
            np.testing.assert_allclose(got, want)
            assert type(got) is not flops.SymmetricTensor
        before = b.flops_used
        with pytest.raises(np.exceptions.AxisError):
            S.sum(axis=3)
        assert b.flops_used == before


def test_einsum_with_symmetric_operands():
    X = _sym_matrix(5)
    v = np.arange(5.0)
    S = flops.as_symmetric(X)
    with flops.BudgetContext(flop_budget=10**9) as b:
        for subs, args, want, cost in [
            ("ij->", (S,), np.einsum("ij->", X), 15),
            ("ij,j->i", (S, v), X @ v, 25),
            ("ij,jk->ik", (S, S), X @ X, 75),  # i <-> k keeps S_ij S_jk: 5 * 15
            ("ij,ij->", (S, S), np.sum(X * X), 15),
        ]:
            before = b.flops_used
            got = fnp.einsum(subs, *args)
            assert b.flops_used - before == cost, subs
            np.testing.assert_allclose(got, want)
        # three operands: the table's pairwise order, each step counted for its own pair
        before = b.flops_used
        got = fnp.einsum("ij,jk,kl->il", S, S, S)
        assert b.flops_used - before == sym.einsum_cost([(5, 5)] * 3, subscripts="ij,jk,kl->il",
                                                        pattern=((0, S01), (0, S01), (0, S01))) == 75 + 125
        np.testing.assert_allclose(got, X @ X @ X)


def test_einsum_cost_query_takes_symmetry_and_identity():
    assert flops.einsum_cost("ij,kj->ik", [(256, 256)] * 2, identity=[0, 0]) == 8_421_376
    assert flops.einsum_cost("ij->", [(100, 100)], symmetry=[(0, 1)]) == 5_050
    assert flops.einsum_cost("ij,j->i", [(4, 4), (4,)], symmetry=[(0, 1), None]) == 16
    assert flops.einsum_cost("ij,jk->ik", shapes=[(256, 256), (256, 256)]) == 16_777_216
    with pytest.raises(ValueError):
        flops.einsum_cost("ij,kj->ik", [(2, 2), (3, 3)], identity=[0, 0])


def test_as_symmetric_refuses_false_or_malformed_claims():
    with pytest.raises(flops.SymmetryError, match=r"axes 0 and 1.*largest deviation is 1"):
        flops.as_symmetric(np.arange(4.0).reshape(2, 2))
    with pytest.raises(flops.SymmetryError, match="unequal lengths"):
        flops.as_symmetric(np.ones((2, 3)))
    with pytest.raises(flops.SymmetryError, match="out of range"):
        flops.as_symmetric(np.ones((2, 2)), symmetry=(0, 2))
    with pytest.raises(flops.SymmetryError, match="overlap"):
        flops.as_symmetric(np.ones((2, 2, 2)), symmetry=[(0, 1), (1, 2)])
    t = np.ones((3, 3, 3))
    t[0, 1, 2] = 5.0
    with pytest.raises(flops.SymmetryError, match="largest deviation is 4"):
        flops.as_symmetric(t, symmetry=(0, 1, 2))
    # within floating-point tolerance is accepted, and the data is kept as given
    X = _sym_matrix(4)
    Y = X.copy()
    Y[0, 1] += 1e-12
    np.testing.assert_array_equal(flops.as_symmetric(Y), Y)
    assert flops.as_symmetric(np.ones((2, 2, 3, 3)), symmetry=[(2, 3), (0, 1)]).symmetry == ((0, 1), (2, 3))


def test_the_declared_data_cannot_change():
    X = _sym_matrix(4)
    S = flops.as_symmetric(X)
    X[0, 1] = 99.0  # the original: S holds a copy
    assert S[0, 1] != 99.0
    with flops.BudgetContext(flop_budget=10**9) as b:
        with pytest.raises(ValueError, match="read-only"):
            S += 1
        with pytest.raises(ValueError, match="read-only"):
            S[0, 1] = 1.0
        with pytest.raises(ValueError, match="read-only"):
            fnp.add(S, 1.0, out=S)
        assert b.flops_used == 0
    # views are plain metered arrays (and stay read-only views of S's data)
    for view in (S.T, S[1:], S.reshape(-1), S.copy(), fnp.transpose(S)):
        assert type(view) is flops.FlopscopeArray


def test_fast_path_results_are_unchanged():
    A = fnp.ones((3, 3))
    B = fnp.ones((3, 3))
    with flops.BudgetContext(flop_budget=10**9) as b:
        r = fnp.einsum("ij,kj->ik", A, B)
        assert b.flops_used == 27 and type(r) is flops.FlopscopeArray


# ----------------------------------------------------------------- analyzer == runtime

PROGRAM = """\
import numpy as np
import flopscope as flops
import flopscope.numpy as fnp


def gram(M):
    return fnp.einsum('ij,kj->ik', M, M)


A = fnp.ones((n, n))
S = flops.as_symmetric(fnp.ones((n, n)), symmetry=(0, 1))
E = fnp.exp(S)
F = E * 2.0 + S
t = fnp.sum(F, axis=0)
G = gram(A)
B = A
H = fnp.einsum('ij,kj->ik', A, B)
K = fnp.einsum('ij,jk->ik', A, A)
M = fnp.einsum('ij->', S)
N = fnp.einsum('ij,j->i', S, t)
P = S.T + S
L = [fnp.ones(n) for _ in range(3)]
Q = fnp.einsum('i,j->ij', L[0], L[1])
T3 = flops.as_symmetric(fnp.ones((n, n, n)), symmetry=(0, 1, 2))
u = T3.sum()
"""


def test_analyzer_predicts_the_runtime(tmp_path):
    from flopscope.analyzer import analyze_source
    from flopscope.check import run_program

    path = tmp_path / "solver.py"
    path.write_text(PROGRAM)
    n = size_symbol("n")
    formula = analyze_source(PROGRAM, str(path), shapes=["n"]).total
    want = (n**2 / 2 + n / 2) * 4 + n * n  # exp, *, +, sum; einsum 'ij,j->i' is n*n
    # gram and H (the same object twice), K (no discount), 'ij->' of S, S.T + S (a plain view), Q (two objects)
    want += 2 * (n**3 / 2 + n**2 / 2) + n**3 + (n**2 / 2 + n / 2) + n * n + n**2
    want += n * (n + 1) * (n + 2) / 6
    assert sympy.expand(sympy.sympify(formula) - want) == 0
    for size in (3, 7):
        predicted = analyze_source(PROGRAM, str(path), shapes=[f"n={size}"])
        measured = run_program(str(path), shapes=[f"n={size}"])
        assert measured.error is None
        assert predicted.value == measured.total == int(want.subs(n, size))


def test_analyzer_reports_writes_to_a_symmetric_tensor():
    from flopscope.analyzer import analyze_source

    src = ("import flopscope as flops\nimport flopscope.numpy as fnp\n"
           "S = flops.as_symmetric(fnp.ones((4, 4)))\nS[0, 1] = 2.0\nT = flops.as_symmetric(fnp.ones((4, 3)))\n")
    result = analyze_source(src, "<s>", shapes=[])
    messages = [d.message for d in result.diagnostics if d.code == "FS108"]
    assert any("read-only" in m for m in messages)
    assert any("unequal lengths" in m for m in messages)


def test_a_symmetric_tensor_cannot_be_made_writeable_again_or_have_its_data_replaced():
    # Found by review: S.base was a plain array that setflags(write=True) reopened, and
    # __setstate__ swapped in any data, both keeping the discount.
    X = np.ones((4, 4))
    S = flops.as_symmetric(X, symmetry=(0, 1))
    assert S.base is None  # the owner of the data, which could be reopened, is hidden
    with pytest.raises(ValueError, match="WRITEABLE"):
        S.setflags(write=True)
    with pytest.raises(ValueError, match="WRITEABLE"):
        np.asarray(S).setflags(write=True)
    with pytest.raises(ValueError, match="WRITEABLE"):
        fnp.exp(S).setflags(write=True)
    assert fnp.exp(S).base is None
    with pytest.raises(flops.SymmetryError, match="cannot be replaced"):
        S.__setstate__((1, (4, 4), np.dtype(float), False, np.arange(16.0).tobytes()))
    assert np.array_equal(np.asarray(S), X)
    with flops.BudgetContext(flop_budget=10**6) as ctx:
        fnp.exp(S)
    assert ctx.flops_used == 10  # 4 * 5 / 2 unique elements
