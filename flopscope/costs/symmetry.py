"""Declared symmetry: unique elements and orbit counts (COST_MODEL v1, "Symmetry").

A *group* is a tuple of axes of equal length along which a tensor is unchanged by
every permutation (``(0, 1)``: S[i, j] == S[j, i]). A tensor's *symmetry* is a
tuple of disjoint groups, each sorted, in ascending order (see
:func:`normalize_groups`).

* Pointwise ops and reductions on a symmetric operand cost its number of unique
  elements: per group of r axes of length n, binomial(n + r - 1, r) replaces
  n**r (:func:`unique_count`).
* einsum costs the number of orbits of its index tuples under the group of label
  permutations that leave the summand unchanged (:func:`einsum_cost`). Operands
  are described by a *pattern*: one ``(key, groups)`` per operand, where
  operands with the same key are the same object and ``groups`` is that
  operand's declared symmetry.

Everything here works on Python ints (the runtime, which never imports SymPy)
and on SymPy sizes (the analyzer and the docs); SymPy is imported only when it
is handed SymPy sizes.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, Callable, Sequence

from flopscope.costs import dims

Groups = tuple  # tuple[tuple[int, ...], ...]
Pattern = tuple  # tuple[tuple[int, Groups], ...], one (key, groups) per operand

# Categories whose cost is the unique elements of a symmetric operand.
POINTWISE_CATEGORIES = ("unary", "binary")
REDUCTION_CATEGORY = "reduction"


class SymmetrySpecError(ValueError):
    """A symmetry declaration that cannot hold for this shape (bad axes, unequal lengths)."""


# --------------------------------------------------------------------- declarations


def normalize_groups(symmetry: Any, shape: Sequence[Any]) -> Groups:
    """Turn ``(0, 1)`` or ``[(0, 1), (2, 3)]`` into sorted disjoint groups of axes.

    Raises SymmetrySpecError for axes out of range, a group of fewer than two axes,
    overlapping groups or axes of unequal length.
    """
    ndim = len(shape)
    if isinstance(symmetry, (list, tuple)) and symmetry and all(_is_axis(a) for a in symmetry):
        raw = [tuple(symmetry)]
    elif isinstance(symmetry, (list, tuple)) and symmetry and all(isinstance(g, (list, tuple)) for g in symmetry):
        raw = [tuple(g) for g in symmetry]
    else:
        raise SymmetrySpecError(
            f"symmetry must be a tuple of axes such as (0, 1) or a list of such tuples, not {symmetry!r}"
        )
    groups = []
    used: dict[int, tuple] = {}
    for g in raw:
        if not all(_is_axis(a) for a in g):
            raise SymmetrySpecError(f"symmetry group {g!r} must hold integer axes")
        axes = []
        for a in g:
            a = int(a)
            if not -ndim <= a < ndim:
                raise SymmetrySpecError(f"axis {a} in symmetry group {g!r} is out of range for an array of dimension {ndim}")
            axes.append(a % ndim)
        if len(set(axes)) != len(axes):
            raise SymmetrySpecError(f"symmetry group {g!r} names an axis twice")
        if len(axes) < 2:
            raise SymmetrySpecError(f"symmetry group {g!r} needs at least two axes")
        for a in axes:
            if a in used:
                raise SymmetrySpecError(f"symmetry groups {used[a]!r} and {g!r} overlap on axis {a}")
            used[a] = g
        first = shape[axes[0]]
        for a in axes[1:]:
            if not dims.same(shape[a], first):
                raise SymmetrySpecError(
                    f"axes {axes[0]} and {a} of symmetry group {g!r} have unequal lengths ({first} and {shape[a]})"
                )
        groups.append(tuple(sorted(axes)))
    return tuple(sorted(groups))


def _is_axis(a: Any) -> bool:
    if isinstance(a, bool):
        return False
    if isinstance(a, int):
        return True
    return type(a).__name__.startswith(("int", "uint")) and hasattr(a, "__index__")


def generators(group: tuple) -> list[tuple[int, int]]:
    """Transpositions generating every permutation of the axes in ``group``:
    (g0 g1), (g1 g2), ... (adjacent transpositions generate the symmetric group)."""
    return [(group[k], group[k + 1]) for k in range(len(group) - 1)]


# --------------------------------------------------------------------- unique elements


def multiset_count(n: Any, r: int) -> Any:
    """binomial(n + r - 1, r): the unique elements along a group of r axes of length n."""
    if type(n) is int:
        return math.comb(n + r - 1, r) if n > 0 else 0
    import sympy

    total = sympy.Integer(1)
    for k in range(r):
        total = total * (n + k)
    return sympy.expand(total / sympy.factorial(r))


def unique_count(shape: Sequence[Any], groups: Groups) -> Any:
    """The number of unique elements of a tensor of this shape and symmetry."""
    grouped: set[int] = set()
    total: Any = 1
    for g in groups:
        total = total * multiset_count(shape[g[0]], len(g))
        grouped.update(g)
    for axis, d in enumerate(shape):
        if axis not in grouped:
            total = total * d
    return total


def pointwise_symmetry(shapes: Sequence[Sequence[Any]], symmetries: Sequence[Groups]) -> Groups | None:
    """The symmetry a pointwise op's result keeps, or None when there is no discount.

    One operand: its own symmetry. Two: both symmetric with the same symmetry and
    shape, or one symmetric and the other a scalar or 0-d array.
    """
    if len(shapes) == 1:
        return symmetries[0] or None
    if len(shapes) != 2:
        return None
    (sa, sb), (ga, gb) = shapes, symmetries
    if ga and gb:
        if ga == gb and len(sa) == len(sb) and all(dims.same(x, y) for x, y in zip(sa, sb)):
            return ga
        return None
    if ga and len(sb) == 0:
        return ga
    if gb and len(sa) == 0:
        return gb
    return None


def symmetric_cost(category: str, shapes: Sequence[Sequence[Any]], symmetries: Sequence[Groups]) -> tuple[Any, Groups] | None:
    """(cost, result symmetry) of a pointwise op or reduction with symmetric operands,
    or None when declared symmetry changes nothing (the table's cost applies)."""
    if category in POINTWISE_CATEGORIES:
        groups = pointwise_symmetry(shapes, symmetries)
        if groups is None:
            return None
        shape = shapes[0] if symmetries[0] else shapes[1]
        return unique_count(shape, groups), groups
    if category == REDUCTION_CATEGORY and symmetries and symmetries[0]:
        return unique_count(shapes[0], symmetries[0]), ()
    return None


# --------------------------------------------------------------------- einsum


def _canonical(labels: tuple, groups: Groups) -> tuple:
    """An operand's labels with those on each symmetric axis group sorted: two label
    tuples name the same element of the operand exactly when these agree."""
    if not groups:
        return labels
    out = list(labels)
    for g in groups:
        for axis, lab in zip(g, sorted(labels[a] for a in g)):
            out[axis] = lab
    return tuple(out)


def _axis_class(axis: int, groups: Groups) -> tuple:
    for k, g in enumerate(groups):
        if axis in g:
            return ("group", k)
    return ("axis", axis)


def label_group(factors: Sequence[tuple[Any, Groups, tuple]], sizes: dict, labels: Sequence[str] | None = None) -> tuple[list[str], list[tuple[int, ...]]]:
    """The label permutations that leave a product of factors unchanged.

    ``factors`` holds one ``(key, groups, labels)`` per factor: factors with the same
    key are the same tensor, ``groups`` its symmetric axis groups. A permutation
    sigma (mapping each label to one of the same size) is kept when it maps the
    multiset of factors {(key, canonical labels)} onto itself.

    Returns (labels, permutations), each permutation a tuple of label positions.
    Found by backtracking over label images: a label may only go to a label that
    occurs in the same places (same keys and axis classes, same size), and a factor
    whose labels are all assigned must land on an existing factor.
    """
    if labels is None:
        seen: dict[str, None] = {}
        for _key, _groups, labs in factors:
            for lab in labs:
                seen.setdefault(lab, None)
        labels = list(seen)
    labels = list(labels)
    pos = {lab: i for i, lab in enumerate(labels)}
    target = Counter((key, _canonical(tuple(labs), groups)) for key, groups, labs in factors)
    present = set(target)

    signature: dict[str, Counter] = {lab: Counter() for lab in labels}
    for key, groups, labs in factors:
        for axis, lab in enumerate(labs):
            signature[lab][(key, _axis_class(axis, groups))] += 1
    frozen = {lab: frozenset(c.items()) for lab, c in signature.items()}
    candidates = [
        [pos[m] for m in labels if frozen[m] == frozen[lab] and (m == lab or dims.same(sizes[m], sizes[lab]))]
        for lab in labels
    ]
    # Factors to check once the label at each position is assigned (their last label).
    ready: list[list[int]] = [[] for _ in labels]
    for f, (_key, _groups, labs) in enumerate(factors):
        if labs:
            ready[max(pos[lab] for lab in labs)].append(f)

    n = len(labels)
    image = [-1] * n
    used = [False] * n
    found: list[tuple[int, ...]] = []

    def mapped(f: int) -> tuple:
        key, groups, labs = factors[f]
        return key, _canonical(tuple(labels[image[pos[lab]]] for lab in labs), groups)

    steps = [0]

    def extend(i: int) -> None:
        steps[0] += 1
        if steps[0] > MAX_SEARCH_STEPS or len(found) > MAX_GROUP_ORDER:
            raise GroupTooLarge
        if i == n:
            if Counter(mapped(f) for f in range(len(factors))) == target:
                found.append(tuple(image))
            return
        for j in candidates[i]:
            if used[j]:
                continue
            image[i] = j
            if all(mapped(f) in present for f in ready[i]):
                used[j] = True
                extend(i + 1)
                used[j] = False
        image[i] = -1

    extend(0)
    return labels, found


def burnside(labels: Sequence[str], sizes: dict, perms: Sequence[tuple[int, ...]]) -> Any:
    """Orbits of index tuples: (1/|G|) * sum over g of prod over g's cycles of the cycle's size."""
    total: Any = 0
    n = len(labels)
    for g in perms:
        seen = [False] * n
        term: Any = 1
        for i in range(n):
            if not seen[i]:
                j = i
                while not seen[j]:
                    seen[j] = True
                    j = g[j]
                term = term * sizes[labels[i]]
        total = total + term
    order = len(perms)
    if type(total) is int:
        return total // order
    import sympy

    return sympy.expand(total / order)


# Counting orbits enumerates the label group: its cost is bounded, so that pricing a
# call never takes longer than a fixed amount of work. A group larger than 8! elements
# (or one whose search takes more than 50,000 steps) gets no discount: the cost is the
# number of all index tuples, an upper bound of the unique work (COST_MODEL, "Symmetry").
MAX_GROUP_ORDER = 40_320
MAX_SEARCH_STEPS = 50_000


class GroupTooLarge(Exception):
    """The label group is too large to enumerate within the pricing bound."""


def orbit_count(factors: Sequence[tuple[Any, Groups, tuple]], sizes: dict, labels: Sequence[str] | None = None) -> Any:
    """The number of orbits of the factors' index tuples under their label group (all
    index tuples when the group is too large to enumerate: no discount)."""
    try:
        labs, perms = label_group(factors, sizes, labels)
    except GroupTooLarge:
        if labels is None:
            seen: dict[str, None] = {}
            for _key, _groups, labs_ in factors:
                for lab in labs_:
                    seen.setdefault(lab, None)
            labels = list(seen)
        return dims.prod(sizes[lab] for lab in labels)
    if len(perms) == 1:
        return dims.prod(sizes[lab] for lab in labs)
    return burnside(labs, sizes, perms)


def is_trivial(pattern: Pattern | None) -> bool:
    """True when a pattern declares nothing: distinct operands, none symmetric."""
    if not pattern:
        return True
    return all(key == i and not groups for i, (key, groups) in enumerate(pattern))


def einsum_cost(shapes: Sequence[Sequence[Any]], *, subscripts: str, pattern: Pattern | None,
                evaluate: Callable[[Any], float] | None = None) -> Any:
    """einsum's cost counting unique work (COST_MODEL v1, "Symmetry").

    One or two operands: the orbits of all index tuples. Three or more: the table's
    pairwise order (chosen by the plain metric), each step costing the orbits of its
    own two operands' index tuples; an intermediate result is a new tensor with no
    declared symmetry.
    """
    from flopscope.costs import einsum as es

    c = es.parse(subscripts, shapes)
    if is_trivial(pattern):
        return es.contraction_cost(c, evaluate if evaluate is not None else dims.EVALUATOR.get())
    if len(pattern) != len(c.terms):
        raise ValueError("einsum symmetry pattern: one (key, groups) per operand")
    for (key, groups), term in zip(pattern, c.terms):
        for g in groups:
            if max(g) >= len(term):
                raise ValueError(f"symmetry group {g} does not fit an operand with labels {''.join(term)}")
    current = [(key, groups, term) for (key, groups), term in zip(pattern, c.terms)]
    if len(current) <= 2:
        return orbit_count(current, c.sizes, c.labels())
    p = es.plan(c, evaluate if evaluate is not None else dims.EVALUATOR.get())
    total: Any = 0
    fresh = len(current)
    for step in p.steps:
        i, j = step.pair
        pair = [current[i], current[j]]
        total = total + orbit_count(pair, c.sizes, list(step.touched))
        for idx in sorted((i, j), reverse=True):
            current.pop(idx)
        current.append((("intermediate", fresh), (), tuple(step.result)))
        fresh += 1
    return total


def pattern_of(operands: Sequence[Any], symmetries: Sequence[Groups], same: Callable[[Any, Any], bool] | None = None) -> Pattern:
    """The pattern of a list of operands: the key of each is the position of the first
    operand that is the same object (``is``, or ``same``)."""
    keys = []
    for i, x in enumerate(operands):
        key = i
        for k in range(i):
            if (x is operands[k]) if same is None else same(x, operands[k]):
                key = keys[k]
                break
        keys.append(key)
    return tuple(zip(keys, (tuple(g) for g in symmetries)))
