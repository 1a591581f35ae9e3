"""einsum: subscript parsing, output shape, and the cost of a contraction.

Cost (COST_MODEL v1):

* one or two operands: the product of the sizes of all distinct indices;
* three or more: the contraction is split into pairwise steps; a step costs the
  product of the sizes of every index it touches, and the order is the
  cheapest under that metric. Up to ``EXHAUSTIVE_LIMIT`` operands every
  pairwise contraction tree is searched (dynamic programming over subsets);
  beyond it a greedy order is used: repeatedly contract the pair whose step is
  cheapest, ties broken by the smaller result, then by the lower positions.

Everything here works on int sizes and on SymPy sizes. Choosing an order needs
numbers: with SymPy sizes the caller's ``evaluate`` turns a size into a number
(the analyzer substitutes the symbols' values).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any, Callable, Sequence

from flopscope.costs import dims
from flopscope.costs.registry import ShapeError

EXHAUSTIVE_LIMIT = 8

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(frozen=True)
class Contraction:
    """A parsed einsum: per-operand label tuples, output labels, label sizes."""

    terms: tuple[tuple[str, ...], ...]
    output: tuple[str, ...]
    sizes: dict

    def labels(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.terms:
            for lab in t:
                seen.setdefault(lab, None)
        return list(seen)


def _split_term(term: str, position: str) -> tuple[list[str], bool, list[str]]:
    """Letters before and after an ellipsis, and whether there is one."""
    if "..." in term:
        before, _, after = term.partition("...")
        if "." in after or "." in before:
            raise ShapeError(f"einstein sum subscripts string contains a '.' that is not part of an ellipsis ('...') in the {position}")
        has = True
    else:
        if "." in term:
            raise ShapeError(f"einstein sum subscripts string contains a '.' that is not part of an ellipsis ('...') in the {position}")
        before, after, has = term, "", False
    for ch in before + after:
        if ch not in _LETTERS:
            raise ShapeError(f"invalid subscript '{ch}' in einstein sum subscripts string, subscripts must be letters")
    return list(before), has, list(after)


def parse(subscripts: str, shapes: Sequence[Sequence[Any]]) -> Contraction:
    """Parse ``subscripts`` for operands of these shapes, as numpy.einsum does."""
    if not isinstance(subscripts, str):
        raise ShapeError("einsum subscripts must be a string")
    text = subscripts.replace(" ", "")
    if "->" in text:
        lhs, _, rhs = text.partition("->")
        if "->" in rhs or "-" in rhs or ">" in rhs:
            raise ShapeError("einstein sum subscript string does not contain proper '->' output specified")
        explicit = True
    else:
        if "-" in text or ">" in text:
            raise ShapeError("einstein sum subscript string does not contain proper '->' output specified")
        lhs, rhs, explicit = text, "", False
    raw_terms = lhs.split(",")
    if len(raw_terms) < len(shapes):
        raise ShapeError("more operands provided to einstein sum function than specified in the subscripts string")
    if len(raw_terms) > len(shapes):
        raise ShapeError("fewer operands provided to einstein sum function than specified in the subscripts string")

    parsed = []
    n_ell = 0
    any_ell = False
    for k, (term, shape) in enumerate(zip(raw_terms, shapes)):
        before, has, after = _split_term(term, f"operand {k}")
        named = len(before) + len(after)
        ndim = len(shape)
        if has:
            any_ell = True
            if named > ndim:
                raise ShapeError(f"operand {k} has more dimensions than subscripts given in einstein sum, but no '...' ellipsis provided to broadcast the extra dimensions.")
            n_ell = max(n_ell, ndim - named)
        elif named != ndim:
            if named > ndim:
                raise ShapeError(f"einstein sum subscripts string contains too many subscripts for operand {k}")
            raise ShapeError(f"operand has more dimensions than subscripts given in einstein sum, but no '...' ellipsis provided to broadcast the extra dimensions.")
        parsed.append((before, has, after, ndim - named if has else 0))

    ell_labels = [f"...{i}" for i in range(n_ell)]
    terms: list[tuple[str, ...]] = []
    sizes: dict[str, Any] = {}
    for k, ((before, has, after, n_mine), shape) in enumerate(zip(parsed, shapes)):
        labels = before + (ell_labels[n_ell - n_mine:] if has else []) + after
        terms.append(tuple(labels))
        own: dict[str, Any] = {}
        for lab, d in zip(labels, shape):
            if lab in own:
                if not dims.same(own[lab], d):
                    raise ShapeError(f"dimensions in single operand for collapsing index '{lab}' don't match ({own[lab]} != {d})")
                continue
            own[lab] = d
            prev = sizes.get(lab)
            if prev is None or dims.same(prev, 1):
                sizes[lab] = d
            elif not (dims.same(d, 1) or dims.same(prev, d)):
                raise ShapeError(f"operands could not be broadcast together: size of label '{lab}' for operand {k} ({d}) does not match previous terms ({prev})")

    if explicit:
        before, has, after = _split_term(rhs, "output")
        out = before + (ell_labels if has else []) + after
        if not has and n_ell:
            # numpy.einsum refuses an explicit output without '...' whenever the
            # inputs have ellipsis dimensions, even of size 1.
            raise ShapeError("output has more dimensions than subscripts given in einstein sum, but no '...' ellipsis provided to broadcast the extra dimensions.")
        seen: set[str] = set()
        for lab in out:
            if lab in seen:
                raise ShapeError(f"einstein sum subscripts string includes output subscript '{lab}' multiple times")
            seen.add(lab)
            if lab not in sizes:
                raise ShapeError(f"einstein sum subscripts string included output subscript '{lab}' which never appeared in an input")
        output = tuple(out)
    else:
        counts: dict[str, int] = {}
        for t in terms:
            for lab in t:
                if not lab.startswith("..."):
                    counts[lab] = counts.get(lab, 0) + 1
        singles = sorted(lab for lab, c in counts.items() if c == 1)
        output = tuple((ell_labels if any_ell else []) + singles)
    return Contraction(tuple(terms), output, sizes)


def sublist_to_subscripts(operands_and_sublists: Sequence[Any]) -> tuple[str, list[Any]]:
    """Convert einsum's interleaved form (op0, sub0, op1, sub1, ..., [out]) to a string."""
    items = list(operands_and_sublists)
    operands = items[0::2]
    subs = items[1::2]
    out = None
    if len(items) % 2 == 1:
        out = operands.pop()

    def letter(i: Any) -> str:
        if i is Ellipsis:
            return "..."
        i = int(i)
        if not 0 <= i < 52:
            raise ShapeError(f"subscript is not within the valid range [0, 52)")
        return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]

    text = ",".join("".join(letter(i) for i in s) for s in subs)
    if out is not None:
        text += "->" + "".join(letter(i) for i in out)
    return text, operands


def output_shape(shapes: Sequence[Sequence[Any]], *, subscripts: str, **_: Any) -> tuple:
    c = parse(subscripts, shapes)
    return tuple(c.sizes[lab] for lab in c.output)


def _size(labels, sizes) -> Any:
    return dims.prod(sizes[lab] for lab in labels)


@dataclass(frozen=True)
class Step:
    """One pairwise step: operand positions (numpy einsum_path style), labels touched, cost."""

    pair: tuple[int, ...]
    touched: tuple[str, ...]
    result: tuple[str, ...]
    cost: Any


@dataclass(frozen=True)
class Plan:
    cost: Any
    steps: tuple[Step, ...]
    exhaustive: bool

    def numpy_path(self) -> list:
        return ["einsum_path"] + [s.pair for s in self.steps]


def _ordered(labels: set, order: dict) -> tuple[str, ...]:
    return tuple(sorted(labels, key=order.__getitem__))


def plan(c: Contraction, evaluate: Callable[[Any], float] | None = None) -> Plan:
    """The cheapest pairwise order for a contraction of three or more operands."""
    sizes = c.sizes
    numeric: dict[str, float] = {}
    for lab, d in sizes.items():
        if type(d) is int:
            numeric[lab] = d
        elif evaluate is not None:
            numeric[lab] = evaluate(d)
        else:
            v = dims.concrete(d)
            if v is None:
                raise dims.UndecidableDimension(f"choosing an einsum order needs a value for {d}")
            numeric[lab] = v
    order = {lab: i for i, lab in enumerate(c.labels())}
    full = [frozenset(t) for t in c.terms]
    out = frozenset(c.output)
    k = len(full)

    def nsize(labels) -> float:
        total = 1
        for lab in labels:
            total *= numeric[lab]
        return total

    if k <= EXHAUSTIVE_LIMIT:
        tree = _exhaustive(full, out, nsize)
        steps = _tree_to_steps(tree, full, out, k)
        exhaustive = True
    else:
        steps = _greedy(full, out, nsize)
        exhaustive = False
    result_steps = []
    total: Any = 0
    for pair, touched, result in steps:
        cost = _size(_ordered(touched, order), sizes)
        total = total + cost
        result_steps.append(Step(pair, _ordered(touched, order), _ordered(result, order), cost))
    return Plan(total, tuple(result_steps), exhaustive)


def _exhaustive(full, out, nsize):
    """Dynamic programming over operand subsets; returns the best contraction tree."""
    k = len(full)
    all_mask = (1 << k) - 1
    labels_of: dict[int, frozenset] = {}
    for mask in range(1, all_mask + 1):
        acc = frozenset()
        for i in range(k):
            if mask >> i & 1:
                acc = acc | full[i]
        labels_of[mask] = acc

    def kept(mask: int) -> frozenset:
        if mask & (mask - 1) == 0:  # a single original operand keeps every label
            return full[mask.bit_length() - 1]
        rest = labels_of.get(all_mask & ~mask, frozenset())
        return labels_of[mask] & (out | rest)

    best: dict[int, tuple[float, Any]] = {}
    for i in range(k):
        best[1 << i] = (0, i)
    # Subsets in order of size, so every proper subset is solved first.
    for size in range(2, k + 1):
        for members in combinations(range(k), size):
            mask = 0
            for i in members:
                mask |= 1 << i
            low = mask & -mask
            best_cost = None
            best_tree = None
            sub = (mask - 1) & mask
            while sub:
                if sub & low:  # each unordered split once: the left part holds the lowest operand
                    other = mask ^ sub
                    if other:
                        c1, t1 = best[sub]
                        c2, t2 = best[other]
                        step = nsize(kept(sub) | kept(other))
                        total = c1 + c2 + step
                        if best_cost is None or total < best_cost:
                            best_cost, best_tree = total, (t1, t2)
                sub = (sub - 1) & mask
            best[mask] = (best_cost, best_tree)
    return best[all_mask][1]


def _tree_to_steps(tree, full, out, k):
    """Turn a contraction tree into numpy-style steps over a shrinking operand list."""
    current: list[tuple[Any, frozenset, bool]] = [(i, full[i], True) for i in range(k)]
    steps = []

    def leaves(t) -> frozenset:
        if isinstance(t, int):
            return frozenset([t])
        return leaves(t[0]) | leaves(t[1])

    def visit(t):
        if isinstance(t, int):
            return t
        a = visit(t[0])
        b = visit(t[1])
        ia = next(i for i, item in enumerate(current) if item[0] == a)
        ib = next(i for i, item in enumerate(current) if item[0] == b)
        la, lb = current[ia][1], current[ib][1]
        touched = la | lb
        mine = leaves(t)
        rest: frozenset = frozenset()
        for item in current:
            if item[0] not in (a, b):
                rest = rest | item[1]
        result = touched & (out | rest)
        key = ("node", id(t), mine)
        for idx in sorted((ia, ib), reverse=True):
            current.pop(idx)
        current.append((key, result, False))
        steps.append((tuple(sorted((ia, ib))), touched, result))
        return key

    visit(tree)
    return steps


def _greedy(full, out, nsize):
    current = [set(t) for t in full]
    steps = []
    while len(current) > 1:
        best = None
        for i in range(len(current)):
            for j in range(i + 1, len(current)):
                touched = current[i] | current[j]
                rest: set = set()
                for m, t in enumerate(current):
                    if m != i and m != j:
                        rest |= t
                result = touched & (out | rest)
                key = (nsize(touched), nsize(result), i, j)
                if best is None or key < best[0]:
                    best = (key, i, j, touched, result)
        _, i, j, touched, result = best
        steps.append(((i, j), frozenset(touched), frozenset(result)))
        current.pop(j)
        current.pop(i)
        current.append(set(result))
    return steps


def contraction_cost(c: Contraction, evaluate: Callable[[Any], float] | None = None) -> Any:
    if len(c.terms) <= 2:
        return _size(c.labels(), c.sizes)
    return plan(c, evaluate).cost


def cost(shapes: Sequence[Sequence[Any]], *, subscripts: str, **_: Any) -> Any:
    """The einsum cost rule (COST_MODEL v1); see the module docstring."""
    return contraction_cost(parse(subscripts, shapes), dims.EVALUATOR.get())
