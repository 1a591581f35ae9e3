"""A generator of random, valid solver programs for differential fuzzing.

``programs()`` is a Hypothesis strategy. Each example is a :class:`Program`: the
source of a solver that uses ``flopscope.numpy``, and the values of its symbols
``n``, ``m``, ``k`` (1 to 8). The programs have straight-line code over many ops of
the cost table (ufuncs and operators with broadcasting, reductions with axes,
contractions, einsum of one to four operands, charged and free creation, joining,
views, indexing and slicing with symbolic bounds, where, clip; the linalg family on
well-conditioned matrices, FFTs with and without ``n=``/``s=``, sorting and
searching, convolve/cov/cross/diff/gradient/interp/histogram and friends, the
shape ops (tile, pad, take, diag, meshgrid, split, ...), random sampling from a
``default_rng`` Generator and the legacy functions; multiple results unpacked,
indexed or read by field; ops whose output size depends on the data only as
statements whose result is unused), ``for`` loops over
symbolic ranges (nested, with index-dependent shapes, scalar and array
accumulators, arrays that grow or are rebound, ``break``/``continue`` on sizes),
``while`` loops on sizes, sizes computed in the program (``//``, ``%``, ``min``,
``max``, ``len(A)``, ``A.shape[1]``), comprehensions, helper functions called on
several shapes (with early returns on sizes), branches on sizes (the two branches
may give a variable different shapes), namespaces and budget contexts. With
``data_dependent=True`` a branch (and a ``break``) on array data is added.

Every generated program runs without error at its sizes: the generator follows
each array's shape as a small size expression (:class:`Dim`) and checks every
requirement (equal dimensions, non-empty arrays, indices in range) by evaluating
those expressions at every point where the code runs: the symbols' values, and
every value of the enclosing loop indices. Code that does not run at the given
sizes (an empty loop, the other branch of an ``if``) is checked at a few generic
sizes instead, so it stays valid code for the analyzer to read.

The program's costs are never computed here: the analyzer predicts them, the
runtime measures them, and tests/test_fuzz.py compares the two.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from hypothesis import strategies as st

SYMBOLS = ("n", "m", "k")
MAX_VALUE = 8
# Sizes at which code that does not run at the drawn sizes is checked.
GENERIC_POINTS = ({"n": 5, "m": 6, "k": 7}, {"n": 7, "m": 3, "k": 4}, {"n": 4, "m": 8, "k": 2})
LOOP_NAMES = ("i", "j", "l", "t")
HELPER_MAX_DIM = 17  # helpers are called on arrays whose sizes are at most this
HEADER = "import math\n\nimport flopscope as flops\nimport flopscope.numpy as fnp\n"


# ---------------------------------------------------------------------- sizes


class Dim:
    """A size: a linear form over named sizes (``n``, a loop index ``i``, a helper's
    ``X.shape[0]``), or a small tree over such forms (product, ceil-division, min,
    max, a slice's length). Linear forms and products print as Python code."""

    __slots__ = ("kind", "terms", "const", "args", "_key")

    def __init__(self, kind: str, terms: tuple = (), const: int = 0, args: tuple = ()):
        self.kind = kind
        self.terms = terms  # lin: sorted ((name, coeff), ...)
        self.const = const  # lin: constant; cdiv: divisor
        self.args = args
        self._key = None

    @property
    def key(self):
        if self._key is None:
            args = self.args
            if self.kind in ("alias", "py", "cond", "pt"):
                args = (args[0],) + args[2:]  # the text names it (not the function object)
            self._key = (self.kind, self.terms, self.const, tuple(a.key if isinstance(a, Dim) else a for a in args))
        return self._key

    def __eq__(self, other):
        return isinstance(other, Dim) and self.key == other.key

    def __hash__(self):
        return hash(self.key)

    def __repr__(self):
        return self.code() or f"<{self.kind} {self.key}>"

    # -- evaluation
    def value(self, point: dict) -> int:
        k = self.kind
        if k == "lin":
            return self.const + sum(c * point[name] for name, c in self.terms)
        if k == "mul":
            return self.args[0].value(point) * self.args[1].value(point)
        if k == "add":
            return self.args[0].value(point) + self.args[1].value(point)
        if k == "cdiv":
            return -(-self.args[0].value(point) // self.const)
        if k == "min":
            return min(self.args[0].value(point), self.args[1].value(point))
        if k == "max":
            return max(self.args[0].value(point), self.args[1].value(point))
        if k == "alias":  # a name in the code (a size variable, A.shape[1]) for a size
            return self.args[1].value(point)
        if k == "pt":  # any function of the point: args = (text, fn)
            return self.args[1](point)
        if k == "cond":  # set differently by the two branches of an if: args = (text, pred, then, else)
            return self.args[2].value(point) if self.args[1](point) else self.args[3].value(point)
        if k == "py":  # integer arithmetic in the program: args = (text, fn, *dims)
            return self.args[1](*(a.value(point) for a in self.args[2:]))
        if k == "slice":
            d, lo, hi, step = self.args
            s = slice(None if lo is None else lo.value(point), None if hi is None else hi.value(point), step)
            return len(range(d.value(point))[s])
        raise AssertionError(k)

    def names(self) -> set:
        if self.kind == "lin":
            return {name for name, _ in self.terms}
        if self.kind == "alias":
            return self.args[1].names()
        out = set()
        for a in self.args:
            if isinstance(a, Dim):
                out |= a.names()
        return out

    # -- code
    def code(self) -> str | None:
        if self.kind == "lin":
            parts = []
            for name, c in self.terms:
                if c == 1:
                    parts.append(("+", name))
                elif c == -1:
                    parts.append(("-", name))
                elif c > 0:
                    parts.append(("+", f"{c} * {name}"))
                else:
                    parts.append(("-", f"{-c} * {name}"))
            if self.const or not parts:
                parts.append(("+" if self.const >= 0 else "-", str(abs(self.const))))
            # a positive term first, so that the text reads naturally
            parts.sort(key=lambda p: p[0] == "-")
            text = ""
            for i, (sign, t) in enumerate(parts):
                if i == 0:
                    text = t if sign == "+" else f"-{t}"
                else:
                    text += f" {sign} {t}"
            return text
        if self.kind == "mul":
            a, b = (x.code() for x in self.args)
            if a is None or b is None:
                return None
            return f"{_paren(a)} * {_paren(b)}"
        if self.kind == "alias":
            return self.args[0]
        return None

    def subst(self, mapping: dict) -> "Dim":
        """Replace names by sizes (a helper's parameter dimensions by the caller's)."""
        if self.kind == "lin":
            out = const(self.const)
            for name, c in self.terms:
                d = mapping.get(name, None)
                d = lin_name(name) if d is None else d
                out = add(out, scale(d, c))
            return out
        if self.kind == "alias":
            return self.args[1].subst(mapping)  # the caller does not have the callee's names
        args = tuple(a.subst(mapping) if isinstance(a, Dim) else a for a in self.args)
        return Dim(self.kind, self.terms, self.const, args)


def _paren(text: str) -> str:
    return f"({text})" if (" " in text) else text


def const(c: int) -> Dim:
    return Dim("lin", (), int(c))


def lin_name(name: str) -> Dim:
    return Dim("lin", ((name, 1),), 0)


def _lin(terms: dict, c: int) -> Dim:
    return Dim("lin", tuple(sorted((k, v) for k, v in terms.items() if v)), c)


def add(a: Dim, b: Dim) -> Dim:
    if a.kind == "lin" and b.kind == "lin":
        terms = dict(a.terms)
        for name, c in b.terms:
            terms[name] = terms.get(name, 0) + c
        return _lin(terms, a.const + b.const)
    if b.kind == "lin" and not b.terms and b.const == 0:
        return a
    if a.kind == "lin" and not a.terms and a.const == 0:
        return b
    return Dim("add", args=(a, b))


def scale(a: Dim, c: int) -> Dim:
    if c == 1:
        return a
    if a.kind == "lin":
        return _lin({name: v * c for name, v in a.terms}, a.const * c)
    return Dim("mul", args=(const(c), a))


def sub(a: Dim, b: Dim) -> Dim:
    return add(a, scale(b, -1))


def mul(a: Dim, b: Dim) -> Dim:
    if a.kind == "lin" and not a.terms:
        return scale(b, a.const)
    if b.kind == "lin" and not b.terms:
        return scale(a, b.const)
    return Dim("mul", args=(a, b))


def cdiv(a: Dim, c: int) -> Dim:
    return a if c == 1 else Dim("cdiv", const=c, args=(a,))


def dmin(a: Dim, b: Dim) -> Dim:
    return a if a == b else Dim("min", args=(a, b))


def dmax(a: Dim, b: Dim) -> Dim:
    return a if a == b else Dim("max", args=(a, b))


def half1(d: Dim) -> Dim:
    """d // 2 + 1: the length of a real FFT's output."""
    return Dim("py", args=("half1", lambda u: u // 2 + 1, d))


def numel(shape) -> Dim:
    out = const(1)
    for d in shape:
        out = mul(out, d)
    return out


# ---------------------------------------------------------------------- values


@dataclass
class Val:
    """An array (or a scalar, shape ()) the program can use: its code and shape."""

    code: str
    shape: tuple
    dtype: str = "f"  # "f" float, "i" int, "b" bool
    atom: bool = True  # a name or a literal (no counted call inside)

    @property
    def ndim(self) -> int:
        return len(self.shape)


@dataclass
class Helper:
    name: str
    params: list  # [(name, rank)], or [(name, rank), (name2, "same")] or a scalar param (name, 0)
    lows: tuple  # minimum size of each parameter dimension
    returns: Any  # Val in terms of the parameter dimensions
    source: list


class Ctx:
    """What the code at one point can use: values, loop indices, and where it runs."""

    def __init__(self, points: list, generic: list, parent: "Ctx | None" = None):
        self.points = points  # every point (name -> int) at which this code runs
        self.generic = generic  # generic points, used where the code does not run
        self.vals: dict[str, Val] = dict(parent.vals) if parent else {}
        self.own: set = set()  # names first set in this block (only those may be rebound in a loop here)
        self.loop_vars: list = list(parent.loop_vars) if parent else []  # (name, start Dim, stop Dim, step)
        self.extra_dims: list = list(parent.extra_dims) if parent else []  # sizes usable in code
        self.indent = parent.indent if parent else 0
        self.in_helper = parent.in_helper if parent else False
        self.loop_depth = parent.loop_depth if parent else 0

    @property
    def check(self) -> list:
        return self.points if self.points else self.generic

    def values(self, d: Dim) -> list:
        return [d.value(p) for p in self.check]

    def lo(self, d: Dim) -> int:
        return min(self.values(d))

    def always(self, pred: Callable[[dict], bool]) -> bool:
        return all(pred(p) for p in self.check)

    def equal(self, a: Dim, b: Dim) -> bool:
        if a == b:
            return True
        return all(a.value(p) == b.value(p) for p in self.check)

    def same_shape(self, s1, s2) -> bool:
        return len(s1) == len(s2) and all(self.equal(a, b) for a, b in zip(s1, s2))

    def nonempty(self, shape) -> bool:
        return all(self.lo(d) >= 1 for d in shape)

    def child(self, points, generic) -> "Ctx":
        return Ctx(points, generic, self)


# ---------------------------------------------------------------------- the program


@dataclass
class Program:
    source: str
    values: dict
    data_dependent: bool = False
    stats: dict = field(default_factory=dict)

    @property
    def shapes(self) -> str:
        return ",".join(f"{k}={v}" for k, v in self.values.items())

    def file_text(self) -> str:
        """The program as a regression file (first line: its shapes)."""
        return f"# shapes: {self.shapes}\n{self.source}"


UNARY = ("exp", "sin", "cos", "tanh", "abs", "negative", "square", "sqrt", "log1p", "floor", "sign", "arctan",
         "expm1", "cbrt", "exp2", "rint", "sinh", "positive", "isnan", "isfinite")
KEEP_DTYPE = {"abs", "negative", "square", "sign", "positive", "floor", "rint"}
BINARY = ("add", "subtract", "multiply", "divide", "maximum", "minimum", "power", "hypot", "arctan2", "logaddexp",
          "greater", "less", "equal", "greater_equal", "fmax", "not_equal")
COMPARE = {"greater", "less", "equal", "greater_equal", "not_equal"}
OPERATORS = ("+", "-", "*", "/", "**", ">", "<", ">=", "<=", "==", "!=", "//", "%")
REDUCTIONS = ("sum", "mean", "max", "min", "argmax", "argmin", "cumsum", "prod", "var", "std", "median", "any", "all")
METHOD_REDUCTIONS = ("sum", "mean", "max", "min", "argmax", "argmin", "cumsum", "prod", "var", "std", "any", "all")
NEED_NONEMPTY = {"max", "min", "argmax", "argmin"}


class Builder:
    def __init__(self, draw, values: dict):
        self.draw = draw
        self.values = values
        self.helpers: list[Helper] = []
        self.names = itertools.count(1)
        self.ns_names = itertools.count(1)
        self.stats: dict = {}
        self.nesting = 0  # expressions being built inside one another
        self.aliased: set = set()  # arrays whose sizes the code reads (A.shape[0], len(A)): never rebound
        self.uses_rng = False  # a random Generator `rng` is used: defined at the top

    # ------------------------------------------------------------------ choices

    def pick(self, seq):
        seq = list(seq)
        if len(seq) == 1:
            self.last_pick = seq[0]
            return seq[0]
        self.last_pick = seq[self.draw(st.integers(0, len(seq) - 1))]
        return self.last_pick

    def int(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def coin(self, p: float = 0.5) -> bool:
        """True with probability about p; a zero draw (what shrinking and padding give) is False."""
        return self.draw(st.integers(0, 99)) >= 100 - int(p * 100)

    def fresh(self, prefix: str = "A") -> str:
        return f"{prefix}{next(self.names)}"

    def note(self, what: str) -> None:
        self.stats[what] = self.stats.get(what, 0) + 1

    # ------------------------------------------------------------------ sizes usable in code

    def dim_pool(self, ctx: Ctx, lo: int = 0) -> list:
        pool = [const(c) for c in (1, 2, 3, 4)]
        for s in SYMBOLS:
            pool.append(lin_name(s))
        pool += [add(lin_name("n"), const(1)), add(lin_name("m"), const(2)), add(lin_name("n"), lin_name("k"))]
        for name, start, stop, step in ctx.loop_vars:
            v = lin_name(name)
            pool += [v, v, add(v, const(1))]
            if step > 0:
                pool.append(sub(stop, v))
        pool += ctx.extra_dims
        for v in ctx.vals.values():
            pool += [d for d in v.shape if d.code() is not None]
            if v.shape and v.code.isidentifier():
                # the program reads a size off an array: A.shape[1], len(A)
                i = (len(v.code) + len(v.shape)) % len(v.shape)
                pool.append(Dim("alias", args=(f"{v.code}.shape[{i}]", v.shape[i])))
                pool.append(Dim("alias", args=(f"len({v.code})", v.shape[0])))
        out = []
        for d in pool:
            if d.code() is None or ctx.lo(d) < lo:
                continue
            # keep the programs cheap to run: sizes at most ~16
            if max(ctx.values(d)) > 16:
                continue
            out.append(d)
        return out

    def pick_dim(self, ctx: Ctx, lo: int = 0) -> Dim:
        pool = self.dim_pool(ctx, lo)
        if not pool:
            return const(max(lo, 1))
        return self.pick(pool)

    def shape_code(self, shape, style: int = 0) -> str:
        codes = [d.code() for d in shape]
        if len(codes) == 1 and style == 1:
            return codes[0]
        if len(codes) == 1:
            return f"({codes[0]},)"
        if style == 2:
            return "[" + ", ".join(codes) + "]"
        return "(" + ", ".join(codes) + ")"

    def new_shape(self, ctx: Ctx, rank: int | None = None, lo: int = 0) -> tuple:
        rank = self.pick((1, 2, 2, 3)) if rank is None else rank
        return tuple(self.pick_dim(ctx, lo) for _ in range(rank))

    def small(self, ctx: Ctx, shape) -> bool:
        return max(self.ctx_numel(ctx, shape)) <= 400

    def ctx_numel(self, ctx: Ctx, shape) -> list:
        return ctx.values(numel(shape)) if shape else [1]

    # ------------------------------------------------------------------ values

    def arrays(self, ctx: Ctx, rank=None, dtypes="fi", nonempty=False, min_rank=0, max_rank=3) -> list:
        out = []
        for v in ctx.vals.values():
            if v.dtype not in dtypes:
                continue
            if rank is not None and v.ndim != rank:
                continue
            if not (min_rank <= v.ndim <= max_rank):
                continue
            if nonempty and not ctx.nonempty(v.shape):
                continue
            out.append(v)
        return out

    def any_value(self, ctx: Ctx, depth: int, **filters) -> Val:
        """An existing value, or a new expression, with the filters' rank and dtype."""
        cands = self.arrays(ctx, **filters)
        if cands and (depth <= 0 or self.coin(0.7)):
            return self.pick(cands)
        for _ in range(4 if depth > 0 and self.nesting < 6 else 0):
            v = self.array_expr(ctx, max(depth - 1, 0))
            if v is None:
                continue
            ok = v.dtype in filters.get("dtypes", "fi")
            ok = ok and (filters.get("rank") is None or v.ndim == filters["rank"])
            ok = ok and filters.get("min_rank", 0) <= v.ndim <= filters.get("max_rank", 3)
            ok = ok and (not filters.get("nonempty") or ctx.nonempty(v.shape))
            if ok:
                return v
        if cands:
            return self.pick(cands)
        rank = filters.get("rank")
        if rank is None:
            rank = max(filters.get("min_rank", 0), 1)
        return self.creation_of(ctx, self.new_shape(ctx, rank, lo=1 if filters.get("nonempty") else 0))

    def creation_of(self, ctx: Ctx, shape, free_only: bool = False) -> Val:
        """A new array of this shape (its dims must print as code)."""
        if any(d.code() is None for d in shape):
            raise _NoCode()
        if not shape:
            return _literal(self.pick(("1.5", "2.0", "0.5", "3")))
        choice = self.int(0, 5 if not free_only else 1)
        sc = self.shape_code(shape, self.int(0, 2))
        if choice == 0:
            return Val(f"fnp.ones({sc})", shape)
        if choice == 1:
            return Val(f"fnp.zeros({sc})", shape)
        if choice == 2:
            return Val(f"fnp.full({self.shape_code(shape)}, {self.pick(('2.0', '0.5', '-1.0'))})", shape, atom=False)
        if choice == 3 and len(shape) == 1:
            return Val(f"fnp.linspace(0.0, 1.0, {shape[0].code()})", shape, atom=False)
        if choice == 4 and len(shape) == 1:
            return Val(f"fnp.arange({shape[0].code()})", shape, "i", atom=False)
        return Val(f"fnp.ones({sc})", shape)

    def value_of_shape(self, ctx: Ctx, shape, dtypes="fi", depth: int = 0) -> Val:
        """A value with exactly this shape: an existing one, a view, or a new array."""
        cands = [v for v in ctx.vals.values() if v.dtype in dtypes and ctx.same_shape(v.shape, shape)]
        if len(shape) == 2:
            cands += [Val(f"{v.code}.T", shape, v.dtype) for v in ctx.vals.values()
                      if v.dtype in dtypes and v.ndim == 2 and ctx.same_shape(v.shape[::-1], shape) and v.atom]
        if cands and self.coin(0.8):
            return self.pick(cands)
        try:
            return self.creation_of(ctx, shape)
        except _NoCode:
            if cands:
                return self.pick(cands)
            raise

    def broadcast_partner(self, ctx: Ctx, a: Val) -> Val:
        """Something that broadcasts against ``a`` without changing its shape."""
        choice = self.int(0, 5)
        if choice == 0 or not a.shape:
            scalars = [v for v in ctx.vals.values() if not v.shape and v.dtype in "fi"]
            if scalars and self.coin(0.5):
                return self.pick(scalars)
            return _literal(self.pick(("2.0", "0.5", "3", "1.5")))
        if choice == 1 and a.ndim >= 1:
            tail = a.shape[-self.int(1, a.ndim):]
            try:
                return self.value_of_shape(ctx, tail)
            except _NoCode:
                pass
        if choice == 2 and a.ndim >= 1:
            ones = tuple(const(1) if self.coin(0.5) else d for d in a.shape)
            try:
                return self.value_of_shape(ctx, ones)
            except _NoCode:
                pass
        try:
            return self.value_of_shape(ctx, a.shape)
        except _NoCode:
            return a

    # ------------------------------------------------------------------ expressions

    def array_expr(self, ctx: Ctx, depth: int = 1) -> Val | None:
        """A random array (or scalar) expression; None if the chosen form does not apply."""
        producers = (
            self.e_unary, self.e_binary, self.e_operator, self.e_reduction, self.e_method_reduction,
            self.e_matmul, self.e_contraction, self.e_einsum, self.e_creation, self.e_free_creation,
            self.e_join, self.e_view, self.e_index, self.e_where_clip, self.e_unary_operator, self.e_helper_call,
            self.e_einsum_ellipsis, self.e_comprehension,
            self.e_linalg, self.e_fft, self.e_sort, self.e_signal, self.e_manip, self.e_random,
            self.e_symmetric,
        )
        f = self.pick(producers)
        self.nesting += 1
        try:
            v = f(ctx, depth)
        except _NoCode:
            return None
        finally:
            self.nesting -= 1
        if v is not None:
            self.note(f.__name__)
        return v

    def operand(self, ctx: Ctx, depth: int, **filters) -> Val:
        return self.any_value(ctx, depth, **filters)

    def e_unary(self, ctx, depth):
        a = self.operand(ctx, depth, min_rank=0)
        if self.coin(0.1):
            if a.shape and self.coin(0.5):
                return Val(f"{_p(a)}.round()", a.shape, a.dtype, atom=False)
            return Val(f"fnp.round({a.code}, 2)", a.shape, a.dtype, atom=False)
        name = self.pick(UNARY)
        dtype = a.dtype if name in KEEP_DTYPE else ("b" if name in ("isnan", "isfinite") else "f")
        return Val(f"fnp.{name}({a.code})", a.shape, dtype, atom=False)

    def e_unary_operator(self, ctx, depth):
        a = self.operand(ctx, depth, min_rank=0)
        if self.coin(0.5):
            return Val(f"-{_p(a)}", a.shape, a.dtype, atom=False)
        return Val(f"abs({a.code})", a.shape, a.dtype, atom=False)

    def _pair(self, ctx, depth):
        a = self.operand(ctx, depth, min_rank=0)
        if not a.shape:
            b = self.operand(ctx, depth, min_rank=0)
            return (a, b, b.shape) if self.coin(0.5) else (b, a, b.shape)
        if a.ndim == 1 and self.coin(0.15):
            # an outer broadcast: (p, 1) against (q,)
            b = self.operand(ctx, depth, rank=1)
            return Val(f"{_p(a)}[:, None]", (a.shape[0], const(1)), a.dtype), b, (a.shape[0], b.shape[0])
        b = self.broadcast_partner(ctx, a)
        if self.coin(0.3):
            a, b = b, a
        return a, b, _broadcast(ctx, a.shape, b.shape)

    def e_binary(self, ctx, depth):
        a, b, shape = self._pair(ctx, depth)
        name = self.pick(BINARY)
        dtype = "b" if name in COMPARE else ("i" if "i" in (a.dtype, b.dtype) and name in ("add", "subtract", "multiply", "maximum", "minimum", "fmax") else "f")
        if name == "power" and "i" in (a.dtype + b.dtype):
            return Val(f"fnp.power({a.code}, 2)", a.shape, a.dtype, atom=False)
        return Val(f"fnp.{name}({a.code}, {b.code})", shape, dtype, atom=False)

    def e_operator(self, ctx, depth):
        a, b, shape = self._pair(ctx, depth)
        op = self.pick(OPERATORS)
        if op == "**":
            if self.coin(0.5) or "i" in (a.dtype + b.dtype):
                e = self.pick(("2", "3", "0.5", "2.0"))
                return Val(f"{_p(a)} ** {e}", a.shape, "f" if "." in e else a.dtype, atom=False)
        dtype = "b" if op in (">", "<", ">=", "<=", "==", "!=") else ("i" if "i" in (a.dtype, b.dtype) and op in ("+", "-", "*", "//", "%") else "f")
        return Val(f"{_p(a)} {op} {_p(b)}", shape, dtype, atom=False)

    def e_reduction(self, ctx, depth):
        name = self.pick(REDUCTIONS)
        a = self.operand(ctx, depth, min_rank=1, nonempty=name in NEED_NONEMPTY)
        return self._reduce(ctx, f"fnp.{name}({a.code}", a, name, method=False)

    def e_method_reduction(self, ctx, depth):
        name = self.pick(METHOD_REDUCTIONS)
        a = self.operand(ctx, depth, min_rank=1, nonempty=name in NEED_NONEMPTY)
        return self._reduce(ctx, f"{_p(a)}.{name}(", a, name, method=True)

    def _reduce(self, ctx, head, a: Val, name, method):
        sep = ", " if not method else ""
        dtype = "i" if name in ("argmax", "argmin") else "b" if name in ("any", "all") else "f"
        if name in ("sum", "prod", "cumsum", "max", "min") and a.dtype == "i":
            dtype = "i"
        if self.coin(0.35):
            if name == "cumsum":
                return Val(f"{head})", (numel(a.shape),), dtype, atom=False)
            return Val(f"{head})", (), dtype, atom=False)
        if a.ndim >= 2 and name not in ("argmax", "argmin", "cumsum") and self.coin(0.2):
            axes = sorted(self.draw(st.sets(st.integers(0, a.ndim - 1), min_size=2, max_size=a.ndim)))
            keep = self.coin(0.3)
            shape = tuple(const(1) if i in axes else d for i, d in enumerate(a.shape)) if keep else tuple(
                d for i, d in enumerate(a.shape) if i not in axes)
            text = f"{head}{sep}axis={tuple(axes)}" + (", keepdims=True" if keep else "") + ")"
            return Val(text, shape, dtype, atom=False)
        axis = self.int(-a.ndim, a.ndim - 1)
        if name in NEED_NONEMPTY and not ctx.nonempty(a.shape):
            return None
        if name == "cumsum":
            return Val(f"{head}{sep}axis={axis})", a.shape, dtype, atom=False)
        keep = name not in ("argmax", "argmin") and self.coin(0.2)
        ax = axis % a.ndim
        shape = tuple(const(1) if i == ax else d for i, d in enumerate(a.shape)) if keep else a.shape[:ax] + a.shape[ax + 1:]
        text = f"{head}{sep}axis={axis}" + (", keepdims=True" if keep else "") + ")"
        return Val(text, shape, dtype, atom=False)

    def e_matmul(self, ctx, depth):
        a = self.operand(ctx, depth, min_rank=1, max_rank=3)
        q = a.shape[-1]
        form = self.int(0, 2)
        if a.ndim == 1:
            cands = [v for v in self.arrays(ctx, min_rank=1, max_rank=2) if ctx.equal(v.shape[0], q)]
            b = self.pick(cands) if cands and self.coin(0.7) else self.value_of_shape(ctx, (q,) if self.coin(0.5) else (q, self.pick_dim(ctx)))
            out = b.shape[1:]
        else:
            cands = [v for v in self.arrays(ctx, min_rank=1, max_rank=2) if ctx.equal(v.shape[0], q)]
            if a.ndim == 2 and a.atom and self.coin(0.3):
                b = Val(f"{a.code}.T", a.shape[::-1], a.dtype)
            elif cands and self.coin(0.7):
                b = self.pick(cands)
            else:
                b = self.value_of_shape(ctx, (q,) if self.coin(0.3) else (q, self.pick_dim(ctx)))
            out = a.shape[:-1] + b.shape[1:]
        if form == 0:
            return Val(f"{_p(a)} @ {_p(b)}", out, _dtype([a, b]), atom=False)
        if form == 1:
            return Val(f"fnp.matmul({a.code}, {b.code})", out, _dtype([a, b]), atom=False)
        if a.ndim <= 2:
            if self.coin(0.3):
                return Val(f"{_p(a)}.dot({b.code})", out, _dtype([a, b]), atom=False)
            return Val(f"fnp.dot({a.code}, {b.code})", out, _dtype([a, b]), atom=False)
        return Val(f"fnp.matmul({a.code}, {b.code})", out, _dtype([a, b]), atom=False)

    def e_contraction(self, ctx, depth):
        kind = self.pick(("inner", "outer", "tensordot1", "tensordot2", "tensordot0", "trace", "kron", "vdot", "trace_method"))
        if kind == "inner":
            a = self.operand(ctx, depth, min_rank=1, max_rank=2)
            cands = [v for v in self.arrays(ctx, min_rank=1, max_rank=2) if ctx.equal(v.shape[-1], a.shape[-1])]
            b = self.pick(cands) if cands else a
            return Val(f"fnp.inner({a.code}, {b.code})", a.shape[:-1] + b.shape[:-1], _dtype([a, b]), atom=False)
        if kind == "outer":
            a = self.operand(ctx, depth, min_rank=1, max_rank=2)
            b = self.operand(ctx, depth, min_rank=1, max_rank=1)
            if not self.small(ctx, (numel(a.shape), numel(b.shape))):
                return None
            return Val(f"fnp.outer({a.code}, {b.code})", (numel(a.shape), numel(b.shape)), _dtype([a, b]), atom=False)
        if kind == "tensordot1":
            a = self.operand(ctx, depth, min_rank=1, max_rank=2)
            cands = [v for v in self.arrays(ctx, min_rank=1, max_rank=2) if ctx.equal(v.shape[0], a.shape[-1])]
            b = self.pick(cands) if cands else self.value_of_shape(ctx, (a.shape[-1],))
            return Val(f"fnp.tensordot({a.code}, {b.code}, axes=1)", a.shape[:-1] + b.shape[1:], _dtype([a, b]), atom=False)
        if kind == "tensordot2":
            a = self.operand(ctx, depth, min_rank=2, max_rank=3)
            cands = [v for v in self.arrays(ctx, min_rank=2, max_rank=3) if ctx.same_shape(v.shape[:2], a.shape[-2:])]
            b = self.pick(cands) if cands else (a if a.ndim == 2 else self.value_of_shape(ctx, a.shape[-2:]))
            return Val(f"fnp.tensordot({a.code}, {b.code}, axes=2)", a.shape[:-2] + b.shape[2:], _dtype([a, b]), atom=False)
        if kind == "tensordot0":
            a = self.operand(ctx, depth, min_rank=1, max_rank=1)
            b = self.operand(ctx, depth, min_rank=1, max_rank=1)
            if self.coin(0.5):
                return Val(f"fnp.tensordot({a.code}, {b.code}, axes=0)", a.shape + b.shape, _dtype([a, b]), atom=False)
            return Val(f"fnp.tensordot({a.code}, {b.code}, axes=([0], [0]))", (), _dtype([a, b]), atom=False) if ctx.equal(a.shape[0], b.shape[0]) else None
        if kind in ("trace", "trace_method"):
            a = self.operand(ctx, depth, min_rank=2, max_rank=2)
            if kind == "trace":
                return Val(f"fnp.trace({a.code})", (), a.dtype, atom=False)
            return Val(f"{_p(a)}.trace()", (), a.dtype, atom=False)
        if kind == "kron":
            a = self.operand(ctx, depth, min_rank=1, max_rank=2)
            b = self.operand(ctx, depth, min_rank=1, max_rank=2)
            nd = max(a.ndim, b.ndim)
            sa = (const(1),) * (nd - a.ndim) + a.shape
            sb = (const(1),) * (nd - b.ndim) + b.shape
            shape = tuple(mul(x, y) for x, y in zip(sa, sb))
            if not self.small(ctx, shape):
                return None
            return Val(f"fnp.kron({a.code}, {b.code})", shape, _dtype([a, b]), atom=False)
        if kind == "vdot":
            a = self.operand(ctx, depth, min_rank=1, max_rank=2)
            b = Val(f"{a.code}.T", a.shape[::-1], a.dtype) if a.ndim == 2 and a.atom and self.coin(0.5) else a
            return Val(f"fnp.vdot({a.code}, {b.code})", (), _dtype([a, b]), atom=False)
        return None

    def e_einsum(self, ctx, depth):
        nops = self.pick((1, 2, 2, 3, 3, 4))
        letters: list = []  # (letter, Dim)
        terms = []
        operands = []
        for _ in range(nops):
            v = self.operand(ctx, 0 if nops > 2 else depth, min_rank=1, max_rank=3)
            term = ""
            for d in v.shape:
                reuse = [lt for lt, dd in letters if ctx.equal(dd, d) and (lt not in term or self.coin(0.3))]
                if reuse and self.coin(0.75):
                    lt = self.pick(reuse)
                else:
                    lt = "abcdefghopqrsuvwxyz"[len(letters)]
                    letters.append((lt, d))
                term += lt
            terms.append(term)
            operands.append(v)
        used = [lt for lt, _ in letters]
        size = dict(letters)
        if self.coin(0.2):
            counts = {}
            for t in terms:
                for ch in t:
                    counts[ch] = counts.get(ch, 0) + 1
            out = sorted(ch for ch, c in counts.items() if c == 1)
            subs = ",".join(terms)
        else:
            out = [lt for lt in used if self.coin(0.4)]
            if len(out) > 1 and self.coin(0.3):
                out = out[::-1]
            subs = ",".join(terms) + "->" + "".join(out)
        shape = tuple(size[ch] for ch in out)
        if not self.small(ctx, shape):
            return None
        # keep the work small at these sizes
        work = numel(tuple(size[ch] for ch in used))
        if max(ctx.values(work)) > 20000:
            return None
        args = ", ".join(v.code for v in operands)
        self.note(f"einsum{nops}")
        return Val(f"fnp.einsum('{subs}', {args})", shape, _dtype(operands), atom=False)

    def e_einsum_ellipsis(self, ctx, depth):
        a = self.operand(ctx, depth, min_rank=1, max_rank=3)
        form = self.int(0, 2)
        if form == 0:
            return Val(f"fnp.einsum('...a->...', {a.code})", a.shape[:-1], a.dtype, atom=False)
        if form == 1:
            b = self.value_of_shape(ctx, a.shape[-1:])
            return Val(f"fnp.einsum('...a,a->...', {a.code}, {b.code})", a.shape[:-1], _dtype([a, b]), atom=False)
        if a.ndim < 2:
            return None
        b = self.value_of_shape(ctx, (a.shape[-1], self.pick_dim(ctx)))
        self.note("einsum...")
        return Val(f"fnp.einsum('...ab,bc->...ac', {a.code}, {b.code})", a.shape[:-1] + b.shape[1:], _dtype([a, b]), atom=False)

    def e_comprehension(self, ctx, depth):
        """Comprehensions are loops too: a list of per-row results, stacked; a sum of a generator."""
        a = self.operand(ctx, 0, min_rank=1, max_rank=3)
        var = next(nm for nm in ("q", "r", "u", "v") if nm not in {lv[0] for lv in ctx.loop_vars})
        d0 = a.shape[0]
        ds = [d for d in self.dim_pool(ctx, lo=1) if ctx.always(lambda p, d=d: d.value(p) <= d0.value(p))]
        if not ds:
            return None
        d = self.pick(ds)
        name = self.pick(("exp", "tanh", "square", "abs"))
        form = self.int(0, 2)
        self.note("comprehension")
        dtype = _dtype([a]) if name in ("square", "abs") else "f"
        if form == 0:
            return Val(f"fnp.stack([fnp.{name}({_p(a)}[{var}]) for {var} in range({d.code()})])", (d,) + a.shape[1:], dtype, atom=False)
        if form == 1:
            return Val(f"sum(fnp.sum({_p(a)}[{var}]) for {var} in range({d.code()}))", (), _dtype([a]), atom=False)
        if not self.small(ctx, (mul(d, d0),) + a.shape[1:]):
            return None
        return Val(f"fnp.concatenate([fnp.{name}({a.code}) for {var} in range({d.code()})])", (mul(d, d0),) + a.shape[1:], dtype, atom=False)

    def e_creation(self, ctx, depth):
        choice = self.int(0, 7)
        if choice == 0:
            shape = self.new_shape(ctx)
            return Val(f"fnp.full({self.shape_code(shape, self.int(0, 2))}, {self.pick(('2.0', '0.5', '-1.5'))})", shape, "f", atom=False)
        if choice == 1:
            d = self.pick_dim(ctx)
            form = self.int(0, 3)
            if form == 0:
                return Val(f"fnp.arange({d.code()})", (d,), "i", atom=False)
            if form == 1:
                return Val(f"fnp.arange(1, {add(d, const(1)).code() or _paren(d.code()) + ' + 1'})", (d,), "i", atom=False)
            if form == 2:
                return Val(f"fnp.arange(0, {d.code()}, 2)", (cdiv(d, 2),), "i", atom=False)
            return Val(f"fnp.arange(0.0, {d.code()})", (d,), "f", atom=False)
        if choice == 2:
            d = self.pick_dim(ctx)
            if self.coin(0.5):
                return Val(f"fnp.linspace(0.0, 1.0, {d.code()})", (d,), "f", atom=False)
            return Val(f"fnp.linspace(-1, 1, num={d.code()})", (d,), "f", atom=False)
        if choice == 3:
            rows, cols = self.int(1, 3), self.int(1, 3)
            nums = ["1.0", "2.0", "-0.5", "3.0", "0.25", "4.0"]
            if self.coin(0.4):
                lit = "[" + ", ".join(self.pick(nums) for _ in range(cols)) + "]"
                return Val(f"fnp.array({lit})", (const(cols),), "f", atom=False)
            lit = "[" + ", ".join("[" + ", ".join(self.pick(nums) for _ in range(cols)) + "]" for _ in range(rows)) + "]"
            return Val(f"fnp.array({lit})", (const(rows), const(cols)), "f", atom=False)
        if choice == 4:
            a = self.operand(ctx, depth, min_rank=0)
            return Val(f"fnp.asarray({a.code})", a.shape, a.dtype, atom=False)
        if choice == 5:
            a = self.operand(ctx, depth, min_rank=1)
            return Val(f"fnp.full_like({a.code}, 1.5)", a.shape, "f" if a.dtype != "i" else "i", atom=False)
        if choice == 6:
            a = self.operand(ctx, depth, min_rank=0)
            return Val(f"fnp.array({a.code})", a.shape, a.dtype, atom=False)
        return Val("fnp.full((), 2.5)", (), "f", atom=False)

    def e_free_creation(self, ctx, depth):
        choice = self.int(0, 4)
        if choice == 0:
            shape = self.new_shape(ctx)
            return Val(f"fnp.{self.pick(('ones', 'zeros'))}({self.shape_code(shape, self.int(0, 2))})", shape, "f")
        if choice == 1:
            d = self.pick_dim(ctx)
            if self.coin(0.5):
                return Val(f"fnp.eye({d.code()})", (d, d), "f")
            e = self.pick_dim(ctx)
            return Val(f"fnp.eye({d.code()}, {e.code()})", (d, e), "f")
        if choice == 2:
            d = self.pick_dim(ctx)
            return Val(f"fnp.identity({d.code()})", (d, d), "f")
        a = self.operand(ctx, depth, min_rank=1)
        return Val(f"fnp.{self.pick(('zeros_like', 'ones_like'))}({a.code})", a.shape, a.dtype, atom=False)

    def e_join(self, ctx, depth):
        kind = self.pick(("concatenate", "concatenate", "stack", "vstack", "hstack", "append", "concat_none"))
        a = self.operand(ctx, depth, min_rank=1, max_rank=3)
        if kind == "concatenate":
            axis = self.int(-a.ndim, a.ndim - 1)
            ax = axis % a.ndim
            parts = [a]
            for _ in range(self.int(1, 2)):
                cands = [v for v in self.arrays(ctx, rank=a.ndim, dtypes="fi")
                         if all(ctx.equal(x, y) for i, (x, y) in enumerate(zip(v.shape, a.shape)) if i != ax)]
                if cands and self.coin(0.6):
                    parts.append(self.pick(cands))
                else:
                    shape = a.shape[:ax] + (self.pick_dim(ctx),) + a.shape[ax + 1:]
                    try:
                        parts.append(self.value_of_shape(ctx, shape))
                    except _NoCode:
                        parts.append(a)
            total = parts[0].shape[ax]
            for p in parts[1:]:
                total = add(total, p.shape[ax])
            shape = a.shape[:ax] + (total,) + a.shape[ax + 1:]
            if not self.small(ctx, shape):
                return None
            text = ", ".join(p.code for p in parts)
            ax_text = "" if (axis == 0 and self.coin(0.5)) else f", axis={axis}"
            return Val(f"fnp.concatenate([{text}]{ax_text})", shape, _dtype(parts), atom=False)
        if kind == "concat_none":
            b = self.operand(ctx, depth, min_rank=1, max_rank=2)
            return Val(f"fnp.concatenate([{a.code}, {b.code}], axis=None)", (add(numel(a.shape), numel(b.shape)),), _dtype([a, b]), atom=False)
        if kind == "stack":
            b = self.value_of_shape(ctx, a.shape) if self.coin(0.7) else a
            axis = self.int(0, a.ndim)
            shape = a.shape[:axis] + (const(2),) + a.shape[axis:]
            return Val(f"fnp.stack([{a.code}, {b.code}], axis={axis})", shape, _dtype([a, b]), atom=False)
        if kind == "vstack":
            if a.ndim == 1:
                b = self.value_of_shape(ctx, a.shape)
                return Val(f"fnp.vstack([{a.code}, {b.code}])", (const(2), a.shape[0]), _dtype([a, b]), atom=False)
            if a.ndim != 2:
                return None
            try:
                b = self.value_of_shape(ctx, (self.pick_dim(ctx), a.shape[1]))
            except _NoCode:
                b = a
            return Val(f"fnp.vstack(({a.code}, {b.code}))", (add(a.shape[0], b.shape[0]), a.shape[1]), _dtype([a, b]), atom=False)
        if kind == "hstack":
            if a.ndim == 1:
                b = self.operand(ctx, depth, rank=1)
                return Val(f"fnp.hstack([{a.code}, {b.code}])", (add(a.shape[0], b.shape[0]),), _dtype([a, b]), atom=False)
            if a.ndim != 2:
                return None
            try:
                b = self.value_of_shape(ctx, (a.shape[0], self.pick_dim(ctx)))
            except _NoCode:
                b = a
            return Val(f"fnp.hstack([{a.code}, {b.code}])", (a.shape[0], add(a.shape[1], b.shape[1])), _dtype([a, b]), atom=False)
        b = self.operand(ctx, depth, min_rank=0, max_rank=2)
        return Val(f"fnp.append({a.code}, {b.code})", (add(numel(a.shape), numel(b.shape) if b.shape else const(1)),), _dtype([a, b]), atom=False)

    def e_view(self, ctx, depth):
        a = self.operand(ctx, depth, min_rank=1, max_rank=3)
        choice = self.int(0, 6)
        if choice == 0:
            return Val(f"{_p(a)}.T", a.shape[::-1], a.dtype, atom=a.atom)
        if choice == 1:
            return Val(f"fnp.transpose({a.code})", a.shape[::-1], a.dtype, atom=a.atom)
        if choice == 2:
            return Val(f"{_p(a)}.reshape(-1)", (numel(a.shape),), a.dtype, atom=a.atom)
        if choice == 3 and all(d.code() is not None for d in a.shape):
            perm = list(a.shape)
            if self.coin(0.5):
                perm = perm[::-1]
            if self.coin(0.5) and len(perm) >= 2:
                perm = [mul(perm[0], perm[1])] + perm[2:]
            if all(d.code() is not None for d in perm):
                return Val(f"{_p(a)}.reshape({self.shape_code(tuple(perm))})", tuple(perm), a.dtype, atom=a.atom)
        if choice == 4:
            axis = self.int(0, a.ndim)
            shape = a.shape[:axis] + (const(1),) + a.shape[axis:]
            return Val(f"fnp.expand_dims({a.code}, {axis})", shape, a.dtype, atom=a.atom)
        if choice == 5 and a.ndim == 3:
            return Val(f"fnp.swapaxes({a.code}, 0, 2)", a.shape[::-1], a.dtype, atom=a.atom)
        return Val(f"{_p(a)}.transpose()", a.shape[::-1], a.dtype, atom=a.atom)

    def e_index(self, ctx, depth):
        a = self.operand(ctx, depth, min_rank=1, max_rank=3)
        d0 = a.shape[0]
        rest = a.shape[1:]
        choice = self.int(0, 11)
        base = _p(a)
        if choice == 0 and ctx.lo(d0) >= 1:
            return Val(f"{base}[{self.pick(('0', '-1'))}]", rest, a.dtype, atom=a.atom)
        if choice == 1 and a.ndim >= 2 and ctx.lo(a.shape[1]) >= 1:
            return Val(f"{base}[:, 0]", (d0,) + a.shape[2:], a.dtype, atom=a.atom)
        if choice == 2:
            return Val(f"{base}[None]", (const(1),) + a.shape, a.dtype, atom=a.atom)
        if choice == 3 and ctx.lo(d0) >= 2:
            return Val(f"{base}[[0, 1, 0]]", (const(3),) + rest, a.dtype, atom=a.atom)
        if choice == 4 and a.ndim >= 2:
            return Val(f"{base}[..., 1:]", a.shape[:-1] + (self.slice_len(ctx, a.shape[-1], const(1), None, 1),), a.dtype, atom=a.atom)
        if choice == 5:
            return Val(f"{base}[::2]", (self.slice_len(ctx, d0, None, None, 2),) + rest, a.dtype, atom=a.atom)
        # slices with bounds from the pool of sizes (symbols, loop indices, small ints)
        lo_b = self.pick_dim(ctx) if self.coin(0.4) else None
        hi_b = self.pick_dim(ctx) if (lo_b is None or self.coin(0.5)) else None
        text = f"{lo_b.code() if lo_b is not None else ''}:{hi_b.code() if hi_b is not None else ''}"
        length = self.slice_len(ctx, d0, lo_b, hi_b, 1)
        if a.ndim >= 2 and self.coin(0.3):
            return Val(f"{base}[:, {text}]", (d0, self.slice_len(ctx, a.shape[1], lo_b, hi_b, 1)) + a.shape[2:], a.dtype, atom=a.atom)
        if choice >= 9:
            # a single index by a loop variable or a size, when it is in range
            for name, *_ in ctx.loop_vars[::-1]:
                v = lin_name(name)
                if ctx.always(lambda p, v=v: 0 <= v.value(p) < d0.value(p)):
                    return Val(f"{base}[{name}]", rest, a.dtype, atom=a.atom)
        return Val(f"{base}[{text}]", (length,) + rest, a.dtype, atom=a.atom)

    def slice_len(self, ctx, d: Dim, lo: Dim | None, hi: Dim | None, step: int) -> Dim:
        """The length of range(d)[lo:hi:step] as the simplest size that matches everywhere."""
        exact = Dim("slice", args=(d, lo, hi, step))
        want = ctx.values(exact)
        cands = []
        if step == 1:
            a = lo if lo is not None else const(0)
            b = hi if hi is not None else d
            cands = [sub(b, a), sub(d, a), b, d, const(0)]
        else:
            cands = [cdiv(d, step)]
        for c in cands:
            if ctx.values(c) == want:
                return c
        return exact

    def e_where_clip(self, ctx, depth):
        a = self.operand(ctx, depth, min_rank=1)
        choice = self.int(0, 4)
        if choice == 0:
            return Val(f"fnp.where({_p(a)} > 0.5, {a.code}, 0.0)", a.shape, "f" if a.dtype == "f" else "i", atom=False)
        if choice == 1:
            conds = [v for v in ctx.vals.values() if v.dtype == "b" and ctx.same_shape(v.shape, a.shape)]
            cond = self.pick(conds).code if conds else f"{_p(a)} < 1.0"
            b = self.broadcast_partner(ctx, a)
            return Val(f"fnp.where({cond}, {a.code}, {b.code})", a.shape, _dtype([a, b]), atom=False)
        if choice == 2:
            return Val(f"fnp.clip({a.code}, -1.0, 1.0)", a.shape, a.dtype, atom=False)
        if choice == 3:
            return Val(f"{_p(a)}.clip(0.0, 2.0)", a.shape, a.dtype, atom=False)
        b = self.broadcast_partner(ctx, a)
        return Val(f"fnp.clip({a.code}, {b.code}, 3.0)", a.shape, _dtype([a, b]), atom=False)

    def e_helper_call(self, ctx, depth):
        if not self.helpers or ctx.in_helper:
            return None
        h = self.pick(self.helpers)
        (pname, rank), *rest = h.params
        cands = [v for v in self.arrays(ctx, rank=rank, dtypes="f")
                 if all(ctx.lo(d) >= lo for d, lo in zip(v.shape, h.lows)) and self.small(ctx, v.shape)
                 and all(ctx.always(lambda p, d=d: d.value(p) <= HELPER_MAX_DIM) for d in v.shape)]
        if not cands:
            return None
        a = self.pick(cands)
        args = [a.code]
        for pn, kind in rest:
            if kind == "same":
                same = [v for v in self.arrays(ctx, rank=rank, dtypes="f") if ctx.same_shape(v.shape, a.shape)]
                args.append(self.pick(same).code)
            else:
                args.append(self.pick(("2.0", "0.5")))
        mapping = {f"{pname}.shape[{i}]": d for i, d in enumerate(a.shape)}
        ret = h.returns
        shape = tuple(d.subst(mapping) for d in ret.shape)
        self.note("helper call")
        return Val(f"{h.name}({', '.join(args)})", shape, ret.dtype, atom=False)

    # ------------------------------------------------------------------ linalg, fft, sorting, signal, shape, random

    def dim_code(self, ctx, d: Dim, v: Val | None = None, axis: int = 0) -> str | None:
        """Code for a size: its own text, or a read off the array that has it."""
        if d.code() is not None:
            return d.code()
        if v is not None and v.code.isidentifier():
            return f"{v.code}.shape[{axis}]"
        return None

    def well_square(self, ctx, depth, batch: bool = False) -> Val:
        """A well-conditioned (d, d) matrix (strictly diagonally dominant, positive
        diagonal: invertible, its lower triangle positive definite), or a stack of them."""
        cands = [v for v in self.arrays(ctx, min_rank=2, max_rank=3 if batch else 2)
                 if ctx.equal(v.shape[-1], v.shape[-2]) and ctx.lo(v.shape[-1]) >= 1 and max(ctx.values(v.shape[-1])) <= 16]
        if cands and self.coin(0.4):
            x = self.pick(cands)
            d = x.shape[-1]
            dc = self.dim_code(ctx, d, x, x.ndim - 1)
            if dc is None:
                raise _NoCode()
        else:
            d = self.pick_dim(ctx, lo=1)
            dc = d.code()
            shape = (d, d)
            if batch:
                shape = (self.pick((const(2), const(3), self.pick_dim(ctx, lo=1))), d, d)
                if not self.small(ctx, shape):
                    shape = (d, d)
            x = self.value_of_shape(ctx, shape)
        self.note("well-conditioned matrix")
        return Val(f"fnp.eye({dc}) * 3.0 + 0.1 * fnp.nan_to_num(fnp.tanh({x.code}))", x.shape, "f", atom=False)

    def well_rect(self, ctx, depth) -> Val:
        """A finite (p, q) matrix of full rank (an identity plus small values)."""
        cands = [v for v in self.arrays(ctx, rank=2) if ctx.nonempty(v.shape)]
        if cands and self.coin(0.5):
            x = self.pick(cands)
        else:
            x = self.value_of_shape(ctx, (self.pick_dim(ctx, lo=1), self.pick_dim(ctx, lo=1)))
        p = self.dim_code(ctx, x.shape[0], x, 0)
        q = self.dim_code(ctx, x.shape[1], x, 1)
        if p is None or q is None:
            raise _NoCode()
        return Val(f"fnp.eye({p}, {q}) + 0.1 * fnp.nan_to_num(fnp.tanh({x.code}))", x.shape, "f", atom=False)

    def e_linalg(self, ctx, depth):
        kind = self.pick(("solve", "inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh", "matrix_power", "cond",
                          "qr", "svd", "svdvals", "lstsq", "pinv", "norm", "norm", "vnorm", "multi_dot", "matrix_rank"))
        self.note(f"linalg.{kind}")
        if kind in ("solve", "inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh", "matrix_power", "cond"):
            w = self.well_square(ctx, depth, batch=kind in ("inv", "det", "slogdet", "eigvalsh", "solve") and self.coin(0.2))
            d = w.shape[-1]
            batch = w.shape[:-2]
            if kind == "solve":
                if batch:
                    b = self.value_of_shape(ctx, w.shape[:-1] + (self.pick_dim(ctx),))
                else:
                    b = self.value_of_shape(ctx, (d,) if self.coin(0.5) else (d, self.pick_dim(ctx)))
                return Val(f"fnp.linalg.solve({w.code}, {b.code})", b.shape, "f", atom=False)
            if kind == "inv":
                return Val(f"fnp.linalg.inv({w.code})", w.shape, "f", atom=False)
            if kind == "det":
                return Val(f"fnp.linalg.det({w.code})", batch, "f", atom=False)
            if kind == "slogdet":
                part = self.pick(("[1]", "[0]", ".logabsdet", ".sign"))
                return Val(f"fnp.linalg.slogdet({w.code}){part}", batch, "f", atom=False)
            if kind == "cholesky":
                return Val(f"fnp.linalg.cholesky({w.code})", w.shape, "f", atom=False)
            if kind == "eigh":
                part = self.pick(("[0]", ".eigenvalues", "[1]", ".eigenvectors"))
                shape = w.shape[:-1] if part in ("[0]", ".eigenvalues") else w.shape
                return Val(f"fnp.linalg.eigh({w.code}){part}", shape, "f", atom=False)
            if kind == "eigvalsh":
                return Val(f"fnp.linalg.eigvalsh({w.code})", w.shape[:-1], "f", atom=False)
            if kind == "matrix_power":
                p = self.pick((0, 1, 2, 3, 4, 5, 6, 7, -1, -2))
                return Val(f"fnp.linalg.matrix_power({w.code}, {p})", w.shape, "f", atom=False)
            p = self.pick(("", ", 2", ", 1", ", -1", ", 'fro'", ", fnp.inf", ", -2", ", 'nuc'", ", p=None"))
            return Val(f"fnp.linalg.cond({w.code}{p})", batch, "f", atom=False)
        if kind == "multi_dot":
            count = self.int(2, 4)
            ds = [self.pick_dim(ctx, lo=1) for _ in range(count + 1)]
            mats = []
            for i in range(count):
                shape = (ds[i], ds[i + 1])
                if i == 0 and self.coin(0.2):
                    shape = (ds[1],)
                elif i == count - 1 and count > 2 and self.coin(0.2):
                    shape = (ds[i],)
                mats.append(self.value_of_shape(ctx, shape))
            out = ()
            if mats[0].ndim == 2:
                out += (mats[0].shape[0],)
            if mats[-1].ndim == 2:
                out += (mats[-1].shape[1],)
            return Val(f"fnp.linalg.multi_dot([{', '.join(m.code for m in mats)}])", out, _dtype(mats), atom=False)
        if kind == "vnorm":
            a = self.operand(ctx, depth, min_rank=1, max_rank=1)
            o = self.pick(("", ", 1", ", 2", ", fnp.inf", ", -fnp.inf", ", 0", ", 3", ", ord=2"))
            return Val(f"fnp.linalg.norm({a.code}{o})", (), "f", atom=False)
        r = self.well_rect(ctx, depth)
        p, q = r.shape
        mn = p if ctx.equal(p, dmin(p, q)) else q if ctx.equal(q, dmin(p, q)) else dmin(p, q)
        if kind == "qr":
            part = self.pick(("[0]", "[1]", ".Q", ".R", "mode='r'"))
            if part == "mode='r'":
                return Val(f"fnp.linalg.qr({r.code}, mode='r')", (mn, q), "f", atom=False)
            shape = (p, mn) if part in ("[0]", ".Q") else (mn, q)
            return Val(f"fnp.linalg.qr({r.code}){part}", shape, "f", atom=False)
        if kind == "svd":
            form = self.int(0, 4)
            if form == 0:
                return Val(f"fnp.linalg.svd({r.code}, compute_uv=False)", (mn,), "f", atom=False)
            if form == 1:
                part = self.pick(("[0]", "[1]", "[2]", ".U", ".S", ".Vh"))
                shape = {"[0]": (p, p), ".U": (p, p), "[1]": (mn,), ".S": (mn,), "[2]": (q, q), ".Vh": (q, q)}[part]
                return Val(f"fnp.linalg.svd({r.code}){part}", shape, "f", atom=False)
            if form == 2:
                part = self.pick(("[0]", "[1]", "[2]"))
                shape = {"[0]": (p, mn), "[1]": (mn,), "[2]": (mn, q)}[part]
                return Val(f"fnp.linalg.svd({r.code}, full_matrices=False){part}", shape, "f", atom=False)
            # the top-K extension: K a size never above min(p, q)
            ks = [d for d in self.dim_pool(ctx, lo=1) if ctx.always(lambda pt, d=d: d.value(pt) <= min(p.value(pt), q.value(pt)))]
            kk = self.pick(ks) if ks else const(1)
            part = self.pick(("[0]", "[1]", "[2]", ".S"))
            shape = {"[0]": (p, kk), "[1]": (kk,), ".S": (kk,), "[2]": (kk, q)}[part]
            return Val(f"fnp.linalg.svd({r.code}, k={kk.code()}){part}", shape, "f", atom=False)
        if kind == "svdvals":
            return Val(f"fnp.linalg.svdvals({r.code})", (mn,), "f", atom=False)
        if kind == "lstsq":
            b = self.value_of_shape(ctx, (p,) if self.coin(0.5) else (p, self.pick_dim(ctx)))
            return Val(f"fnp.linalg.lstsq({r.code}, {b.code}, rcond=None)[0]", (q,) + b.shape[1:], "f", atom=False)
        if kind == "pinv":
            return Val(f"fnp.linalg.pinv({r.code})", (q, p), "f", atom=False)
        if kind == "matrix_rank":
            return Val(f"fnp.linalg.matrix_rank({r.code})", (), "i", atom=False)
        form = self.int(0, 2)
        if form == 0:
            o = self.pick(("", ", 'fro'", ", 1", ", -1", ", fnp.inf", ", -fnp.inf", ", 2", ", -2", ", 'nuc'", ", ord=None"))
            return Val(f"fnp.linalg.norm({r.code}{o})", (), "f", atom=False)
        if form == 1:
            ax = self.int(0, 1)
            keep = self.coin(0.3)
            shape = (r.shape[1 - ax],) if not keep else tuple(const(1) if i == ax else s for i, s in enumerate(r.shape))
            return Val(f"fnp.linalg.norm({r.code}, axis={ax}" + (", keepdims=True" if keep else "") + ")", shape, "f", atom=False)
        o = self.pick(("", ", 1", ", 2", ", fnp.inf"))
        return Val(f"fnp.linalg.norm({r.code}{o}, axis=(0, 1))", (), "f", atom=False)

    def e_fft(self, ctx, depth):
        kind = self.pick(("fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "fftn", "rfftn", "rfft2", "hfft", "freq", "twice"))
        self.note(f"fft.{kind}")
        if kind == "freq":
            d = self.pick_dim(ctx, lo=1)
            if self.coin(0.5):
                return Val(f"fnp.fft.fftfreq({d.code()}" + (", 0.5)" if self.coin(0.5) else ")"), (d,), "f", atom=False)
            return Val(f"fnp.fft.rfftfreq({d.code()})", (half1(d),), "f", atom=False)
        if kind in ("fft2", "ifft2", "fftn", "rfftn", "rfft2"):
            a = self.operand(ctx, depth, min_rank=2, max_rank=3, nonempty=True)
            if kind in ("fft2", "ifft2", "rfft2"):
                axes = (a.ndim - 2, a.ndim - 1)
            else:
                axes = tuple(range(a.ndim))
            shape = list(a.shape)
            arg = ""
            if self.coin(0.4):
                s = [self.pick_dim(ctx, lo=1) for _ in axes]
                for ax, d in zip(axes, s):
                    shape[ax] = d
                arg = f", s=({', '.join(d.code() for d in s)})"
            if kind in ("rfftn", "rfft2"):
                shape[axes[-1]] = half1(shape[axes[-1]])
            if not self.small(ctx, tuple(shape)):
                return None
            return self.realify(Val(f"fnp.fft.{kind}({a.code}{arg})", tuple(shape), "c", atom=False))
        if kind == "twice":
            a = self.operand(ctx, depth, min_rank=1, max_rank=2, nonempty=True)
            if self.coin(0.5):
                inner = Val(f"fnp.fft.fft({a.code})", a.shape, "c", atom=False)
                return self.realify(Val(f"fnp.fft.ifft({inner.code})", a.shape, "c", atom=False))
            nn = self.pick_dim(ctx, lo=1)
            inner = Val(f"fnp.fft.rfft({a.code}, n={nn.code()})", a.shape[:-1] + (half1(nn),), "c", atom=False)
            return Val(f"fnp.fft.irfft({inner.code}, n={nn.code()})", a.shape[:-1] + (nn,), "f", atom=False)
        a = self.operand(ctx, depth, min_rank=1, max_rank=2, nonempty=True)
        axis = -1 if a.ndim == 1 or self.coin(0.6) else 0
        ax = axis % a.ndim
        length = a.shape[ax]
        arg = ""
        if self.coin(0.4):
            length = self.pick_dim(ctx, lo=1)
            arg += f", n={length.code()}"
        if axis != -1 or self.coin(0.2):
            arg += f", axis={axis}"
        shape = list(a.shape)
        if kind in ("fft", "ifft"):
            shape[ax] = length
            return self.realify(Val(f"fnp.fft.{kind}({a.code}{arg})", tuple(shape), "c", atom=False))
        if kind == "rfft":
            shape[ax] = half1(length)
            return self.realify(Val(f"fnp.fft.rfft({a.code}{arg})", tuple(shape), "c", atom=False))
        # irfft, hfft: a real output of length n, or 2 * (m - 1) by default
        if "n=" not in arg:
            if ctx.lo(length) < 2:
                return None
            length = scale(sub(length, const(1)), 2)
        shape[ax] = length
        if not self.small(ctx, tuple(shape)):
            return None
        return Val(f"fnp.fft.{kind}({a.code}{arg})", tuple(shape), "f", atom=False)

    def realify(self, v: Val) -> Val:
        """A complex value made real (so that it fits anywhere a float array does)."""
        form = self.int(0, 3)
        if form == 0:
            return Val(f"fnp.abs({v.code})", v.shape, "f", atom=False)
        if form == 1:
            return Val(f"{v.code}.real", v.shape, "f", atom=False)
        if form == 2:
            return Val(f"{v.code}.imag", v.shape, "f", atom=False)
        return Val(f"fnp.real({v.code})", v.shape, "f", atom=False)

    def e_sort(self, ctx, depth):
        kind = self.pick(("sort", "argsort", "partition", "argpartition", "searchsorted", "lexsort", "isin", "method_sort"))
        self.note(kind)
        if kind == "searchsorted":
            s = self.operand(ctx, depth, rank=1)
            v = self.operand(ctx, depth, min_rank=0, max_rank=2)
            if self.coin(0.5):
                s = Val(f"fnp.sort({s.code})", s.shape, s.dtype, atom=False)
            side = self.pick(("", ", side='right'", ", side='left'"))
            return Val(f"fnp.searchsorted({s.code}, {v.code}{side})", v.shape, "i", atom=False)
        if kind == "lexsort":
            if self.coin(0.5):
                a = self.operand(ctx, depth, rank=1)
                b = self.value_of_shape(ctx, a.shape)
                return Val(f"fnp.lexsort(({a.code}, {b.code}))", a.shape, "i", atom=False)
            # a 2-D array of keys: its rows (a literal count of them)
            a = self.operand(ctx, depth, rank=1)
            b = self.value_of_shape(ctx, a.shape)
            keys = ", ".join(self.pick((a.code, b.code)) for _ in range(self.int(1, 3)))
            return Val(f"fnp.lexsort(fnp.stack([{keys}]))", a.shape, "i", atom=False)
        if kind == "isin":
            a = self.operand(ctx, depth, min_rank=1)
            b = self.operand(ctx, depth, min_rank=1, max_rank=2)
            return Val(f"fnp.isin({a.code}, {b.code})", a.shape, "b", atom=False)
        a = self.operand(ctx, depth, min_rank=1, max_rank=3)
        if kind == "method_sort":
            if self.coin(0.5):
                axis = self.int(-a.ndim, a.ndim - 1)
                return Val(f"{_p(a)}.argsort(axis={axis})", a.shape, "i", atom=False)
            return Val(f"fnp.sort({a.code}, axis=None)", (numel(a.shape),), a.dtype, atom=False)
        axis = self.int(-a.ndim, a.ndim - 1)
        ax_text = "" if (axis in (-1, a.ndim - 1) and self.coin(0.5)) else f", axis={axis}"
        if kind == "sort":
            return Val(f"fnp.sort({a.code}{ax_text})", a.shape, a.dtype, atom=False)
        if kind == "argsort":
            return Val(f"fnp.argsort({a.code}{ax_text})", a.shape, "i", atom=False)
        d = a.shape[axis]
        if ctx.lo(d) < 1:
            return None
        kths = [str(c) for c in (0, 1, 2) if ctx.lo(d) > c] + ["-1"]
        kths += [x.code() for x in self.dim_pool(ctx) if ctx.always(lambda p, x=x: x.value(p) < d.value(p))]
        kth = self.pick(kths)
        return Val(f"fnp.{kind}({a.code}, {kth}{ax_text})", a.shape, a.dtype if kind == "partition" else "i", atom=False)

    def e_signal(self, ctx, depth):
        kind = self.pick(("convolve", "correlate", "cov", "corrcoef", "cross", "diff", "gradient", "cum", "interp",
                          "histogram", "ptp", "average", "trapezoid"))
        self.note(kind)
        if kind in ("convolve", "correlate"):
            a = self.operand(ctx, depth, rank=1, nonempty=True)
            v = self.operand(ctx, depth, rank=1, nonempty=True)
            mode = self.pick(("", ", mode='full'", ", 'same'", ", mode='valid'"))
            la, lv = a.shape[0], v.shape[0]
            if mode == "" and kind == "convolve" or "full" in mode:
                out = sub(add(la, lv), const(1))
            elif "same" in mode:
                out = la if ctx.always(lambda p: la.value(p) >= lv.value(p)) else dmax(la, lv)
            else:
                out = add(sub(dmax(la, lv), dmin(la, lv)), const(1))
            return Val(f"fnp.{kind}({a.code}, {v.code}{mode})", (out,), _dtype([a, v]), atom=False)
        if kind in ("cov", "corrcoef"):
            a = self.operand(ctx, depth, min_rank=1, max_rank=2, nonempty=True)
            if a.ndim == 1:
                return Val(f"fnp.{kind}({a.code})", (), "f", atom=False)
            # NumPy squeezes the (f, f) result: one variable gives a scalar
            if self.coin(0.3) and ctx.lo(a.shape[1]) >= 2:
                return Val(f"fnp.{kind}({a.code}, rowvar=False)", (a.shape[1], a.shape[1]), "f", atom=False)
            if ctx.lo(a.shape[0]) < 2:
                return None
            return Val(f"fnp.{kind}({a.code})", (a.shape[0], a.shape[0]), "f", atom=False)
        if kind == "cross":
            lead = self.new_shape(ctx, self.pick((0, 1, 1, 2)))
            a = self.value_of_shape(ctx, lead + (const(3),))
            b = self.value_of_shape(ctx, (const(3),) if self.coin(0.3) else lead + (const(3),))
            return Val(f"fnp.cross({a.code}, {b.code})", a.shape, _dtype([a, b]), atom=False)
        if kind == "diff":
            a = self.operand(ctx, depth, min_rank=1, max_rank=3)
            axis = self.int(-a.ndim, a.ndim - 1)
            order = self.pick((1, 1, 2))
            shape = list(a.shape)
            shape[axis] = dmax(const(0), sub(a.shape[axis], const(order))) if ctx.lo(a.shape[axis]) < order else sub(a.shape[axis], const(order))
            text = f"fnp.diff({a.code}" + (f", n={order}" if order != 1 else "") + (f", axis={axis}" if axis != -1 else "") + ")"
            return Val(text, tuple(shape), a.dtype, atom=False)
        if kind == "gradient":
            a = self.operand(ctx, depth, min_rank=1, max_rank=2)
            if not all(ctx.lo(d) >= 2 for d in a.shape):
                return None
            if a.ndim == 1:
                return Val(f"fnp.gradient({a.code})", a.shape, "f", atom=False)
            if self.coin(0.5):
                return Val(f"fnp.gradient({a.code}, axis={self.int(0, 1)})", a.shape, "f", atom=False)
            return Val(f"fnp.gradient({a.code})[{self.int(0, 1)}]", a.shape, "f", atom=False)
        if kind == "cum":
            a = self.operand(ctx, depth, min_rank=1, max_rank=3)
            name = self.pick(("cumprod", "nancumsum", "nancumprod", "cumulative_sum", "cumulative_prod"))
            if name.startswith("cumulative") and a.ndim > 1:
                return Val(f"fnp.{name}({a.code}, axis={self.int(0, a.ndim - 1)})", a.shape, a.dtype, atom=False)
            if name.startswith("cumulative"):
                return Val(f"fnp.{name}({a.code})", a.shape, a.dtype, atom=False)
            if self.coin(0.4):
                return Val(f"fnp.{name}({a.code})", (numel(a.shape),), a.dtype, atom=False)
            return Val(f"fnp.{name}({a.code}, axis={self.int(-a.ndim, a.ndim - 1)})", a.shape, a.dtype, atom=False)
        if kind == "interp":
            x = self.operand(ctx, depth, min_rank=0, max_rank=2)
            xp = self.operand(ctx, depth, rank=1, nonempty=True)
            fp = self.value_of_shape(ctx, xp.shape)
            return Val(f"fnp.interp({x.code}, {xp.code}, {fp.code})", x.shape, "f", atom=False)
        if kind == "histogram":
            a = self.operand(ctx, depth, min_rank=1, max_rank=2)
            bins = self.pick_dim(ctx, lo=1)
            src = f"fnp.nan_to_num(fnp.tanh({a.code}))" if self.coin(0.6) else a.code
            rng = ", range=(-1.0, 1.0)" if src != a.code else ", range=(0.0, 1.0)"
            if src != a.code and self.coin(0.5):
                rng = ""  # the data's own range: NumPy needs it finite and not too narrow for the bins
                src = f"fnp.append({src}, fnp.array([-1.0, 1.0]))"
            if self.coin(0.5):
                return Val(f"fnp.histogram({src}, bins={bins.code()}{rng})[0]", (bins,), "i", atom=False)
            return Val(f"fnp.histogram({src}, {bins.code()}{rng})[1]", (add(bins, const(1)),), "f", atom=False)
        a = self.operand(ctx, depth, min_rank=1, max_rank=3, nonempty=kind == "ptp")
        axis = self.int(-a.ndim, a.ndim - 1)
        shape = a.shape[:axis % a.ndim] + a.shape[axis % a.ndim + 1:]
        if kind == "ptp":
            if self.coin(0.3):
                return Val(f"fnp.ptp({a.code})", (), a.dtype, atom=False)
            return Val(f"fnp.ptp({a.code}, axis={axis})", shape, a.dtype, atom=False)
        if kind == "average":
            if ctx.lo(a.shape[axis]) < 1:
                return None
            if self.coin(0.4):
                w = self.value_of_shape(ctx, (a.shape[axis],))
                return Val(f"fnp.average({a.code}, axis={axis}, weights=fnp.abs({w.code}) + 1.0)", shape, "f", atom=False)
            return Val(f"fnp.average({a.code}, axis={axis})", shape, "f", atom=False)
        return Val(f"fnp.trapezoid({a.code}, axis={axis})", shape, "f", atom=False)

    def e_manip(self, ctx, depth):
        kind = self.pick(("tile", "repeat", "pad", "take", "take_along_axis", "roll", "diag", "diagonal", "tri", "meshgrid",
                          "flip", "rot90", "split", "indices", "select"))
        self.note(kind)
        if kind == "indices":
            shape = self.new_shape(ctx, self.pick((1, 2)))
            return Val(f"fnp.indices({self.shape_code(shape)})", (const(len(shape)),) + shape, "i", atom=False)
        if kind == "meshgrid":
            x = self.operand(ctx, depth, rank=1)
            y = self.operand(ctx, depth, rank=1)
            ij = self.coin(0.4)
            shape = (x.shape[0], y.shape[0]) if ij else (y.shape[0], x.shape[0])
            if not self.small(ctx, shape):
                return None
            return Val(f"fnp.meshgrid({x.code}, {y.code}" + (", indexing='ij'" if ij else "") + f")[{self.int(0, 1)}]",
                       shape, _dtype([x, y]), atom=False)
        if kind == "select":
            a = self.operand(ctx, depth, min_rank=1)
            b = self.broadcast_partner(ctx, a)
            return Val(f"fnp.select([{_p(a)} > 0.5, {_p(a)} < -0.5], [{a.code}, {b.code}], 0.0)", a.shape,
                       _dtype([a, b]), atom=False)
        a = self.operand(ctx, depth, min_rank=1, max_rank=3)
        axis = self.int(-a.ndim, a.ndim - 1)
        ax = axis % a.ndim
        if kind == "tile":
            r = self.pick_dim(ctx, lo=1) if self.coin(0.3) else const(self.int(1, 3))
            if self.coin(0.5):
                shape = a.shape[:-1] + (mul(a.shape[-1], r),)
                text = f"fnp.tile({a.code}, {r.code()})"
            else:
                shape = (r,) + a.shape[:-1] + (scale(a.shape[-1], 2),) if a.ndim >= 1 else ()
                text = f"fnp.tile({a.code}, ({r.code()}, " + "1, " * (a.ndim - 1) + "2))"
            return Val(text, shape, a.dtype, atom=False) if self.small(ctx, shape) else None
        if kind == "repeat":
            r = self.pick_dim(ctx) if self.coin(0.3) else const(self.int(1, 3))
            if self.coin(0.3):
                shape = (mul(numel(a.shape), r),)
                text = f"fnp.repeat({a.code}, {r.code()})"
            else:
                shape = a.shape[:ax] + (mul(a.shape[ax], r),) + a.shape[ax + 1:]
                text = f"fnp.repeat({a.code}, {r.code()}, axis={axis})"
            return Val(text, shape, a.dtype, atom=False) if self.small(ctx, shape) else None
        if kind == "pad":
            w = self.pick_dim(ctx) if self.coin(0.3) else const(self.int(0, 2))
            if self.coin(0.6):
                shape = tuple(add(d, scale(w, 2)) for d in a.shape)
                text = f"fnp.pad({a.code}, {w.code()})"
            else:
                widths = [(self.int(0, 2), self.int(0, 2)) for _ in a.shape]
                shape = tuple(add(d, const(x + y)) for d, (x, y) in zip(a.shape, widths))
                text = f"fnp.pad({a.code}, ({', '.join(f'({x}, {y})' for x, y in widths)},))"
                if ctx.nonempty(a.shape) and self.coin(0.3):
                    text = text[:-1] + f", mode='{self.pick(('edge', 'reflect', 'wrap', 'constant'))}')"
                    if "reflect" in text and not all(ctx.lo(d) >= 3 for d in a.shape):
                        text = text.replace("reflect", "edge")
            return Val(text, shape, a.dtype, atom=False) if self.small(ctx, shape) else None
        if kind == "take":
            if ctx.lo(a.shape[ax]) < 1:
                return None
            idx = self.pick(("[0]", "[0, -1]", "[-1, 0, 0]", "0"))
            count = () if idx == "0" else (const(idx.count(",") + 1),)
            if self.coin(0.3) and ctx.nonempty(a.shape):
                return Val(f"fnp.take({a.code}, {idx})", count, a.dtype, atom=False)
            return Val(f"fnp.take({a.code}, {idx}, axis={axis})", a.shape[:ax] + count + a.shape[ax + 1:], a.dtype, atom=False)
        if kind == "take" and self.coin(0.3):
            # the method forms
            form = self.int(0, 3)
            if form == 0:
                return Val(f"{_p(a)}.repeat(2, axis={axis})", a.shape[:ax] + (scale(a.shape[ax], 2),) + a.shape[ax + 1:],
                           a.dtype, atom=False)
            if form == 1:
                return Val(f"{_p(a)}.cumprod(axis={axis})", a.shape, a.dtype, atom=False)
            if form == 2:
                return Val(f"{_p(a)}.flatten()", (numel(a.shape),), a.dtype, atom=False)
            if ctx.lo(a.shape[ax]) < 1:
                return None
            return Val(f"{_p(a)}.take([0, -1], axis={axis})", a.shape[:ax] + (const(2),) + a.shape[ax + 1:], a.dtype, atom=False)
        if kind == "take_along_axis":
            return Val(f"fnp.take_along_axis({a.code}, fnp.argsort({a.code}, axis={axis}), axis={axis})", a.shape, a.dtype, atom=False)
        if kind == "roll":
            shift = self.pick_dim(ctx).code() if self.coin(0.4) else str(self.int(-2, 3))
            if self.coin(0.4):
                return Val(f"fnp.roll({a.code}, {shift})", a.shape, a.dtype, atom=False)
            return Val(f"fnp.roll({a.code}, {shift}, axis={axis})", a.shape, a.dtype, atom=False)
        if kind == "diag":
            off = self.pick((0, 0, 1, -1, 2))
            if a.ndim == 1:
                d = add(a.shape[0], const(abs(off)))
                if not self.small(ctx, (d, d)):
                    return None
                return Val(f"fnp.diag({a.code}" + (f", {off})" if off else ")"), (d, d), a.dtype, atom=False)
            if a.ndim != 2:
                return None
            p, q = a.shape
            length = Dim("py", args=(f"diaglen{off}", lambda u, w, o=off: max(0, min(u, w - o) if o >= 0 else min(u + o, w)), p, q))
            # the diagonal of a matrix is a read-only view: copied (free), so that in-place updates work
            return Val(f"fnp.diag({a.code}" + (f", k={off})" if off else ")") + ".copy()", (length,), a.dtype, atom=False)
        if kind == "diagonal":
            if a.ndim < 2:
                return None
            p, q = a.shape[0], a.shape[1]
            # NumPy returns a read-only view: copied (free), so that in-place updates work
            return Val(f"fnp.diagonal({a.code}).copy()", a.shape[2:] + (dmin(p, q),), a.dtype, atom=False)
        if kind == "tri":
            if a.ndim < 2:
                return None
            off = self.pick(("", ", 1", ", -1", ", k=2"))
            return Val(f"fnp.{self.pick(('triu', 'tril'))}({a.code}{off})", a.shape, a.dtype, atom=False)
        if kind == "flip":
            if self.coin(0.3):
                return Val(f"fnp.flip({a.code})", a.shape, a.dtype, atom=False)
            return Val(f"fnp.flip({a.code}, axis={axis})", a.shape, a.dtype, atom=False)
        if kind == "rot90":
            if a.ndim < 2:
                return None
            t = self.pick((1, 2, 3, -1))
            shape = (a.shape[1], a.shape[0]) + a.shape[2:] if t % 2 else a.shape
            return Val(f"fnp.rot90({a.code}" + (f", {t})" if t != 1 else ")"), shape, a.dtype, atom=False)
        # split: into 2 equal parts of an even axis, or at a size
        d = a.shape[ax]
        if self.coin(0.5) and ctx.always(lambda p: d.value(p) % 2 == 0):
            part = Dim("py", args=("half", lambda u: u // 2, d))
            return Val(f"fnp.split({a.code}, 2, axis={axis})[{self.int(0, 1)}]", a.shape[:ax] + (part,) + a.shape[ax + 1:],
                       a.dtype, atom=False)
        c = self.pick_dim(ctx)
        first = self.coin(0.5)
        part = dmin(c, d) if first else dmax(const(0), sub(d, c))
        if ctx.always(lambda p: c.value(p) <= d.value(p)):
            part = c if first else sub(d, c)
        return Val(f"fnp.split({a.code}, [{c.code()}], axis={axis})[{0 if first else 1}]", a.shape[:ax] + (part,) + a.shape[ax + 1:],
                   a.dtype, atom=False)

    def e_symmetric(self, ctx, depth):
        """Declared symmetry and one array passed twice: a Gram matrix X X^T (einsum
        with X twice, exactly symmetric), declared with as_symmetric, then used by
        ops that count unique work. Results a later statement could write in place
        leave as plain copies (a SymmetricTensor is read-only)."""
        names = [v for v in self.arrays(ctx, rank=2, dtypes="f") if v.code.isidentifier()]
        if not names:
            return None  # X must be one object: an expression would run twice, two arrays
        x = self.pick(names)
        d, e = x.shape
        if not self.small(ctx, (d, d)) or max(ctx.values(numel((d, d, e)))) > 20000:
            return None
        gram = f"fnp.einsum('ij,kj->ik', {x.code}, {x.code})"
        form = self.int(0, 6)
        if form == 0:
            self.note("symmetric_gram")
            return Val(gram, (d, d), "f", atom=False)
        sym = f"flops.as_symmetric({gram}, symmetry=(0, 1))"
        self.note(f"symmetric_{form}")
        if form == 1:
            return Val(f"fnp.{self.pick(('exp', 'tanh', 'square', 'abs'))}({sym} / 4.0).copy()", (d, d), "f", atom=False)
        if form == 2:
            return Val(f"({sym} + {sym}).copy()", (d, d), "f", atom=False)
        if form == 3:
            return Val(f"{sym}.{self.pick(('sum', 'max', 'mean'))}()", (), "f", atom=False)
        if form == 4:
            spec = self.pick(('ij->', 'ij->i', 'ii->i'))
            # 'ii->i' is a view of the tensor's diagonal, read-only as the tensor is: a copy
            tail = ".copy()" if spec == "ii->i" else ""
            return Val(f"fnp.einsum('{spec}', {sym}){tail}", {"ij->": (), "ij->i": (d,), "ii->i": (d,)}[spec], "f",
                       atom=False)
        if form == 5:
            return Val(f"fnp.einsum('ij,jk->ik', {sym}, {sym})", (d, d), "f", atom=False)
        partner = self.value_of_shape(ctx, (d, d), dtypes="f", depth=max(depth - 1, 0))
        return Val(f"({sym} * {partner.code})", (d, d), "f", atom=False)

    def e_random(self, ctx, depth):
        kind = self.pick(("normal", "uniform", "standard_normal", "integers", "permutation", "choice", "random",
                          "legacy_rand", "legacy_randn", "legacy_normal", "exponential"))
        self.note(f"random.{kind}")
        shape = self.new_shape(ctx, self.pick((1, 1, 2, 3)))
        sc = self.shape_code(shape, self.pick((0, 2)))
        if kind.startswith("legacy"):
            if kind == "legacy_rand":
                return Val(f"fnp.random.rand({', '.join(d.code() for d in shape)})", shape, "f", atom=False)
            if kind == "legacy_randn":
                return Val(f"fnp.random.randn({', '.join(d.code() for d in shape)})", shape, "f", atom=False)
            return Val(f"fnp.random.normal(0.0, 2.0, size={sc})", shape, "f", atom=False)
        self.uses_rng = True
        if kind == "normal":
            if self.coin(0.5):
                return Val(f"rng.normal(size={sc})", shape, "f", atom=False)
            return Val(f"rng.normal(1.0, 0.5, {sc})", shape, "f", atom=False)
        if kind == "uniform":
            return Val(f"rng.uniform(-1.0, 1.0, size={sc})", shape, "f", atom=False)
        if kind == "standard_normal":
            return Val(f"rng.standard_normal({sc})", shape, "f", atom=False)
        if kind == "random":
            return Val(f"rng.random({sc})", shape, "f", atom=False)
        if kind == "exponential":
            return Val(f"rng.exponential(2.0, size={sc})", shape, "f", atom=False)
        if kind == "integers":
            return Val(f"rng.integers(0, {self.int(1, 9)}, size={sc})", shape, "i", atom=False)
        if kind == "permutation":
            if self.coin(0.5):
                d = self.pick_dim(ctx)
                return Val(f"rng.permutation({d.code()})", (d,), "i", atom=False)
            a = self.operand(ctx, depth, min_rank=1, max_rank=2)
            return Val(f"rng.permutation({a.code})", a.shape, a.dtype, atom=False)
        # choice: from range(d) or from a 1-D array, with or without replacement
        a = None
        if self.coin(0.5):
            a = self.operand(ctx, depth, rank=1, nonempty=True)
            d = a.shape[0]
        else:
            d = self.pick_dim(ctx, lo=1)
        src = a.code if a is not None else d.code()
        if self.coin(0.5):
            ss = [x for x in self.dim_pool(ctx) if ctx.always(lambda p, x=x: x.value(p) <= d.value(p))]
            s = self.pick(ss) if ss else const(1)
            return Val(f"rng.choice({src}, size={s.code()}, replace=False)", (s,), a.dtype if a is not None else "i", atom=False)
        return Val(f"rng.choice({src}, size={sc})", shape, a.dtype if a is not None else "i", atom=False)

    def unpack(self, out, ctx: Ctx) -> None:
        """Several results of one call unpacked into names: w, V = fnp.linalg.eigh(W), ..."""
        kind = self.pick(("eigh", "qr", "svd", "slogdet", "lstsq", "histogram", "meshgrid", "split", "spd", "sink",
                          "sort_in_place"))
        self.note(f"unpack {kind}")
        if kind == "sort_in_place":
            targets = [v for v in ctx.vals.values() if v.dtype == "f" and v.shape]
            if not targets:
                return self.statement(out, ctx, 0)
            t = self.pick(targets)
            self.emit(out, ctx, f"{t.code}.sort(axis={self.int(-t.ndim, t.ndim - 1)})")
            return
        if kind == "sink":
            # ops whose output size depends on data: only called, their sizes never used
            a = self.operand(ctx, 1, min_rank=1, max_rank=2)
            text = self.pick((f"fnp.unique({a.code})", f"fnp.nonzero({a.code})", f"fnp.flatnonzero({a.code})",
                              f"fnp.bincount(fnp.arange({self.pick_dim(ctx).code()}) % 3)",
                              f"fnp.bincount(fnp.arange({self.pick_dim(ctx).code()}), minlength=4)",
                              f"fnp.union1d({a.code}, {a.code})", f"fnp.argwhere({a.code})"))
            self.emit(out, ctx, text)
            return
        if kind in ("eigh", "slogdet", "spd"):
            try:
                w = self.well_square(ctx, 1)
            except _NoCode:
                return self.statement(out, ctx, 0)
            d = w.shape[-1]
            name = self.assign(out, ctx, w, "W")
            if kind == "spd":
                dc = self.dim_code(ctx, d, ctx.vals[name], 0)
                s = self.fresh("S")
                self.emit(out, ctx, f"{s} = {name} @ {name}.T + {dc} * fnp.eye({dc})")
                ctx.vals[s] = Val(s, (d, d), "f")
                ln = self.fresh("L")
                self.emit(out, ctx, f"{ln} = fnp.linalg.cholesky({s})")
                ctx.vals[ln] = Val(ln, (d, d), "f")
                return
            if kind == "eigh":
                e, v = self.fresh("e"), self.fresh("V")
                self.emit(out, ctx, f"{e}, {v} = fnp.linalg.eigh({name})")
                ctx.vals[e] = Val(e, (d,), "f")
                ctx.vals[v] = Val(v, (d, d), "f")
                return
            sg, ld = self.fresh("s"), self.fresh("s")
            self.emit(out, ctx, f"{sg}, {ld} = fnp.linalg.slogdet({name})")
            ctx.vals[sg] = Val(sg, (), "f")
            ctx.vals[ld] = Val(ld, (), "f")
            return
        if kind in ("qr", "svd", "lstsq"):
            try:
                r = self.well_rect(ctx, 1)
            except _NoCode:
                return self.statement(out, ctx, 0)
            p, q = r.shape
            mn = dmin(p, q)
            if kind == "qr":
                a, b = self.fresh("Q"), self.fresh("R")
                self.emit(out, ctx, f"{a}, {b} = fnp.linalg.qr({r.code})")
                ctx.vals[a] = Val(a, (p, mn), "f")
                ctx.vals[b] = Val(b, (mn, q), "f")
                return
            if kind == "svd":
                u, s, vt = self.fresh("U"), self.fresh("sv"), self.fresh("Vt")
                full = self.coin(0.5)
                self.emit(out, ctx, f"{u}, {s}, {vt} = fnp.linalg.svd({r.code}" + (")" if full else ", full_matrices=False)"))
                ctx.vals[u] = Val(u, (p, p) if full else (p, mn), "f")
                ctx.vals[s] = Val(s, (mn,), "f")
                ctx.vals[vt] = Val(vt, (q, q) if full else (mn, q), "f")
                return
            b = self.value_of_shape(ctx, (p,))
            x = self.fresh("x")
            self.emit(out, ctx, f"{x}, _res, _rank, _sv = fnp.linalg.lstsq({r.code}, {b.code}, rcond=None)")
            ctx.vals[x] = Val(x, (q,), "f")
            return
        if kind == "histogram":
            a = self.operand(ctx, 1, min_rank=1, max_rank=2)
            bins = self.pick_dim(ctx, lo=1)
            c, e = self.fresh("c"), self.fresh("E")
            self.emit(out, ctx, f"{c}, {e} = fnp.histogram(fnp.nan_to_num(fnp.tanh({a.code})), bins={bins.code()}, "
                                f"range=(-1.0, 1.0))")
            ctx.vals[c] = Val(c, (bins,), "i")
            ctx.vals[e] = Val(e, (add(bins, const(1)),), "f")
            return
        if kind == "meshgrid":
            x = self.operand(ctx, 1, rank=1)
            y = self.operand(ctx, 1, rank=1)
            if not self.small(ctx, (x.shape[0], y.shape[0])):
                return self.statement(out, ctx, 0)
            gx, gy = self.fresh("G"), self.fresh("G")
            self.emit(out, ctx, f"{gx}, {gy} = fnp.meshgrid({x.code}, {y.code})")
            dt = _dtype([x, y])
            ctx.vals[gx] = Val(gx, (y.shape[0], x.shape[0]), dt)
            ctx.vals[gy] = Val(gy, (y.shape[0], x.shape[0]), dt)
            return
        a = self.operand(ctx, 1, min_rank=1, max_rank=2)
        d = a.shape[0]
        c = self.pick_dim(ctx)
        left, right = self.fresh("P"), self.fresh("P")
        self.emit(out, ctx, f"{left}, {right} = fnp.split({a.code}, [{c.code()}])")
        if ctx.always(lambda p: c.value(p) <= d.value(p)):
            ctx.vals[left] = Val(left, (c,) + a.shape[1:], a.dtype)
            ctx.vals[right] = Val(right, (sub(d, c),) + a.shape[1:], a.dtype)
        else:
            ctx.vals[left] = Val(left, (dmin(c, d),) + a.shape[1:], a.dtype)
            ctx.vals[right] = Val(right, (dmax(const(0), sub(d, c)),) + a.shape[1:], a.dtype)

    # ------------------------------------------------------------------ statements

    def emit(self, out: list, ctx: Ctx, text: str) -> None:
        out.append("    " * ctx.indent + text)
        self.aliased.update(_SHAPE_READ.findall(text))
        self.aliased.update(_LEN_READ.findall(text))

    def assign(self, out, ctx, v: Val, prefix: str = "A") -> str:
        name = self.fresh(prefix if v.shape else "s")
        self.emit(out, ctx, f"{name} = {v.code}")
        ctx.vals[name] = Val(name, v.shape, v.dtype)
        ctx.own.add(name)
        return name

    def statement(self, out: list, ctx: Ctx, budget: int) -> None:
        kinds = ["assign"] * 6 + ["expr", "aug", "size", "unpack"]
        if self.helpers and not ctx.in_helper:
            kinds += ["call"] * 2
        if budget > 0 and ctx.indent == 0 and not ctx.in_helper:
            kinds += ["budget"]
        if budget > 0:
            kinds += ["for"] * (3 if ctx.loop_depth == 0 else 4 if ctx.loop_depth == 1 else 1 if ctx.loop_depth < 3 else 0)
            kinds += ["if", "with", "while"]
        if ctx.loop_depth and not ctx.in_helper:
            kinds += ["acc"]
        if any(not v.shape and v.dtype == "f" for v in ctx.vals.values()):
            kinds += ["scalar"] * 2
        kind = self.pick(kinds)
        if kind == "assign":
            for _ in range(5):
                v = self.array_expr(ctx, self.int(0, 2))
                if v is not None and self.small(ctx, v.shape):
                    self.assign(out, ctx, v)
                    return
            v = self.creation_of(ctx, (lin_name("n"),))
            self.assign(out, ctx, v)
            return
        if kind == "expr":
            v = self.array_expr(ctx, 1)
            if v is not None and not v.atom:
                self.emit(out, ctx, v.code)
                return
            return self.statement(out, ctx, 0)
        if kind == "aug":
            targets = [v for v in ctx.vals.values() if v.dtype == "f" and v.shape]
            if not targets:
                return self.statement(out, ctx, 0)
            t = self.pick(targets)
            b = self.broadcast_partner(ctx, t)
            op = self.pick(("+=", "-=", "*=", "/="))
            self.emit(out, ctx, f"{t.code} {op} {b.code}")
            self.note("aug")
            return
        if kind == "for":
            return self.for_loop(out, ctx, budget - 1)
        if kind == "if":
            return self.size_branch(out, ctx, budget - 1)
        if kind == "with":
            return self.namespace_block(out, ctx, budget - 1)
        if kind == "acc":
            return self.loop_accumulate(out, ctx)
        if kind == "scalar":
            return self.scalar_arithmetic(out, ctx)
        if kind == "size":
            return self.size_variable(out, ctx)
        if kind == "call":
            v = self.e_helper_call(ctx, 1)
            if v is None:
                return self.statement(out, ctx, 0)
            self.assign(out, ctx, v)
            return
        if kind == "while":
            return self.while_loop(out, ctx, budget - 1)
        if kind == "unpack":
            try:
                return self.unpack(out, ctx)
            except _NoCode:  # raised before anything is emitted
                return self.statement(out, ctx, 0)
        if kind == "budget":
            self.emit(out, ctx, f'with flops.BudgetContext(flop_budget=10**12, namespace="solve{next(self.ns_names)}"):')
            ctx.indent += 1
            self.block(out, ctx, self.int(1, 3), budget - 1)
            ctx.indent -= 1
            self.note("budget")
            return

    def size_variable(self, out, ctx: Ctx) -> None:
        """d = <integer arithmetic on sizes>: a size the program computes."""
        pool = self.dim_pool(ctx, lo=0)
        a, b = self.pick(pool), self.pick(pool)
        x, y = _paren(a.code()), _paren(b.code())
        templates = (
            (f"{x} // 2 + 1", lambda u: u // 2 + 1, (a,)),
            (f"max({a.code()}, {b.code()})", max, (a, b)),
            (f"min({a.code()}, {b.code()})", min, (a, b)),
            (f"{x} % 3 + 1", lambda u: u % 3 + 1, (a,)),
            (f"abs({x} - {y})", lambda u, w: abs(u - w), (a, b)),
            (f"({a.code()} + 1) // 2", lambda u: (u + 1) // 2, (a,)),
            (f"math.ceil({x} / 3)", lambda u: -(-u // 3), (a,)),
            (f"{x} * {y}", lambda u, w: u * w, (a, b)),
            (f"int({x} / 2)", lambda u: int(u / 2), (a,)),
            (f"{x} + {y} - 1", lambda u, w: u + w - 1, (a, b)),
        )
        text, fn, args = self.pick(templates)
        name = self.fresh("d")
        d = Dim("alias", args=(name, Dim("py", args=(text, fn) + tuple(args))))
        if ctx.lo(d) < 0:
            text = f"{x} + 1"
            d = Dim("alias", args=(name, add(a, const(1))))
        self.emit(out, ctx, f"{name} = {text}")
        ctx.extra_dims.append(d)
        self.note("size variable")

    def while_loop(self, out, ctx: Ctx, budget: int) -> None:
        """A while loop on sizes (the analyzer follows it at the given sizes)."""
        w = self.fresh("w")
        d = self.pick_dim(ctx)
        self.emit(out, ctx, f"{w} = {d.code()}")
        self.emit(out, ctx, f"while {w} > 1:")
        body = ctx.child(ctx.points, ctx.generic)
        body.indent += 1
        self.emit(out, body, f"{w} = {w} // 2")
        self.block(out, body, self.int(1, 2), budget)
        self.note("while")

    def block(self, out, ctx, count: int, budget: int) -> None:
        for _ in range(count):
            self.statement(out, ctx, budget)

    def loop_range(self, ctx: Ctx):
        """(range text, start Dim, stop Dim, step) for a new loop."""
        choice = self.int(0, 7)
        outer = [lv for lv in ctx.loop_vars if lv[3] == 1]
        stops = [d for d in (lin_name("n"), lin_name("m"), lin_name("k"), add(lin_name("n"), const(1)), const(3))]
        stops += [d for d in ctx.extra_dims if d.code() is not None]
        if self.coin(0.25):
            stops.append(self.pick_dim(ctx))
        stop = self.pick(stops)
        if choice == 0 and outer:
            name, start, ostop, _ = self.pick(outer)
            return f"range({name}, {ostop.code()})", lin_name(name), ostop, 1
        if choice == 1 and outer:
            name, *_ = self.pick(outer)
            if self.coin(0.5):
                return f"range({name})", const(0), lin_name(name), 1
            return f"range({name} + 1)", const(0), add(lin_name(name), const(1)), 1
        if choice == 2:
            return f"range(1, {stop.code()})", const(1), stop, 1
        if choice == 3:
            return f"range(0, {stop.code()}, 2)", const(0), stop, 2
        if choice == 4:
            return f"range(1, {stop.code()}, 3)", const(1), stop, 3
        if choice == 5:
            first = sub(stop, const(1))
            text = first.code() if first.code() is not None else f"{_paren(stop.code())} - 1"
            return f"range({text}, -1, -1)", first, const(-1), -1
        return f"range({stop.code()})", const(0), stop, 1

    def loop_points(self, points: list, name: str, start: Dim, stop: Dim, step: int) -> list:
        out = []
        for p in points:
            for v in range(start.value(p), stop.value(p), step):
                q = dict(p)
                q[name] = v
                out.append(q)
        return out

    def for_loop(self, out, ctx: Ctx, budget: int) -> None:
        active = {lv[0] for lv in ctx.loop_vars}
        free = [nm for nm in LOOP_NAMES if nm not in active]
        if not free:
            return self.statement(out, ctx, 0)
        name = free[0]
        text, start, stop, step = self.loop_range(ctx)
        points = self.loop_points(ctx.points, name, start, stop, step)
        generic = self.loop_points(ctx.generic, name, start, stop, step)
        if len(points) > 80 or len(generic) > 200:
            return self.statement(out, ctx, 0)
        if not generic:
            generic = self.loop_points(ctx.generic, name, const(0), const(3), 1)
        # accumulators set up before the loop
        acc = None
        grow = None
        if self.coin(0.4):
            acc = self.fresh("acc")
            init = self.pick(("0.0", "0", "fnp.zeros(())"))
            self.emit(out, ctx, f"{acc} = {init}")
        elif self.coin(0.25) and ctx.loop_depth == 0 and not ctx.in_helper:
            cols = self.pick_dim(ctx)
            grow = (self.fresh("R"), cols, self.int(1, 2))
            self.emit(out, ctx, f"{grow[0]} = fnp.zeros((0, {cols.code()}))")
        self.emit(out, ctx, f"for {name} in {text}:")
        body = ctx.child(points, generic)
        body.indent += 1
        body.loop_depth += 1
        body.loop_vars.append((name, start, stop, step))
        before = len(out)
        # an exit on the index or on sizes (not on data): the loop runs fewer iterations
        exit_at = self.pick((None, None, None, "start", "end")) if grow is None else None
        if exit_at == "start":
            self.loop_exit(out, body, name)
        # an array of the enclosing code rebound in the body with a shape in the index
        rebind = None
        if exit_at is None and grow is None and not ctx.in_helper and self.coin(0.15):
            cands = [v for nm, v in ctx.vals.items() if v.shape and v.dtype == "f" and nm not in self.aliased
                     and nm in ctx.own and nm[:1] in "AZ" and nm[1:].isdigit()]
            if cands:
                rebind = self.pick(cands)
                del body.vals[rebind.code]
        self.block(out, body, self.int(1, 3), budget)
        if exit_at == "end":
            self.loop_exit(out, body, name)
        if rebind is not None:
            new = self.new_shape(body, rebind.ndim)
            self.emit(out, body, f"{rebind.code} = fnp.full({self.shape_code(new)}, {self.pick(('1.0', '0.5'))})")
            self.note("array rebound in a loop")
        if acc is not None:
            for _ in range(3):
                v = self.array_expr(body, 1)
                if v is not None and self.small(body, v.shape):
                    break
            else:
                v = Val("fnp.ones(3)", (const(3),))
            red = self.pick(("fnp.sum", "fnp.mean", "fnp.max", "fnp.prod"))
            if red in ("fnp.max",) and not body.nonempty(v.shape):
                red = "fnp.sum"
            if v.shape:
                self.emit(out, body, f"{acc} = {acc} + {red}({v.code})")
            else:
                self.emit(out, body, f"{acc} = {acc} + {_p(v)}")
            self.note("scalar accumulator")
        if grow is not None:
            rname, cols, rows = grow
            self.emit(out, body, f"{rname} = fnp.concatenate([{rname}, fnp.ones(({rows}, {cols.code()}))], axis=0)")
            self.note("growing array")
        if len(out) == before:
            self.emit(out, body, "pass")
        self.note("for")
        if ctx.loop_depth:
            self.note("nested for")
        # after the loop: the accumulator is a scalar, the grown array has trips * rows rows
        if acc is not None:
            ctx.vals[acc] = Val(acc, (), "f")
        if grow is not None:
            rname, cols, rows = grow
            trips = Dim("max", args=(const(0), cdiv(sub(stop, start), step))) if step > 0 else Dim("max", args=(const(0), sub(start, stop)))
            ctx.vals[rname] = Val(rname, (scale(trips, rows) if rows > 1 else trips, cols), "f")
        if rebind is not None:
            # its shape after the loop: the last iteration's, or the one before the loop if none ran
            def last(p, old, new):
                values = range(start.value(p), stop.value(p), step)
                return old.value(p) if not values else new.value({**p, name: values[-1]})

            shape = tuple(Dim("pt", args=(f"{rebind.code}@{next(self.names)}", lambda p, o=o, n_=n_: last(p, o, n_)))
                          for o, n_ in zip(rebind.shape, new))
            ctx.vals[rebind.code] = Val(rebind.code, shape, "f")

    def loop_exit(self, out, body: Ctx, name: str) -> None:
        """if <condition on the index or on sizes>: break / continue."""
        conds = [(f"{name} > 2", lambda p: p[name] > 2), (f"{name} % 2 == 1", lambda p: p[name] % 2 == 1),
                 (f"{name} >= 1", lambda p: p[name] >= 1), ("n > 3", lambda p: p["n"] > 3),
                 (f"{name} + m > 6", lambda p: p[name] + p["m"] > 6)]
        for outer, *_ in body.loop_vars[:-1]:
            conds.append((f"{outer} > {name}", lambda p, o=outer: p[o] > p[name]))
        text, _pred = self.pick(conds)
        self.emit(out, body, f"if {text}:")
        self.emit(out, body, "    " + self.pick(("break", "continue")))
        self.note("loop exit on sizes")

    def scalar_arithmetic(self, out, ctx: Ctx) -> None:
        """Arithmetic on single values that came out of counted ops (COST_MODEL v1.1: they
        stay metered, 1 FLOP per scalar op), Python's builtins on them, and conversions
        to Python numbers (free)."""
        scalars = [v for v in ctx.vals.values() if not v.shape and v.dtype == "f"]
        s = self.pick(scalars)
        t = self.pick(scalars)
        x, y = _p(s), _p(t)
        forms = (
            f"{x} * {y} + 1.0", f"abs({x} - 0.5)", f"-{x}", f"{x} ** 2", f"round({s.code}, 2)",
            f"max({s.code}, {t.code})", f"min({s.code}, {t.code})", f"float({s.code}) * 2.0 + {y}",
            f"{x} / ({y} * {y} + 1.0)", f"sum([{s.code}, {t.code}])", f"fnp.sqrt(abs({x}))", f"2.0 * {x} - {y}",
        )
        text = self.pick(forms)
        name = self.fresh("s")
        self.emit(out, ctx, f"{name} = {text}")
        ctx.vals[name] = Val(name, (), "f")
        self.note("scalar arithmetic")

    def loop_accumulate(self, out, ctx: Ctx) -> None:
        """acc = acc + fnp.sum(...) on an accumulator of an enclosing scope, or S += X."""
        scalars = [v for v in ctx.vals.values() if not v.shape and v.code.startswith("acc")]
        v = self.array_expr(ctx, 1)
        if v is None or not self.small(ctx, v.shape):
            return self.statement(out, ctx, 0)
        if scalars and v.shape:
            s = self.pick(scalars)
            self.emit(out, ctx, f"{s.code} = {s.code} + fnp.sum({v.code})")
            self.note("scalar accumulator")
            return
        targets = [t for t in ctx.vals.values() if t.dtype == "f" and t.shape and ctx.same_shape(t.shape, v.shape)]
        if targets:
            t = self.pick(targets)
            self.emit(out, ctx, f"{t.code} = {t.code} + {_p(v)}" if self.coin(0.5) else f"{t.code} += {v.code}")
            self.note("array accumulator")
            return
        self.assign(out, ctx, v)

    def size_branch(self, out, ctx: Ctx, budget: int) -> None:
        conds = [
            ("n > 3", lambda p: p["n"] > 3), ("m <= k", lambda p: p["m"] <= p["k"]), ("n == m", lambda p: p["n"] == p["m"]),
            ("n % 2 == 0", lambda p: p["n"] % 2 == 0), ("n + m > 6", lambda p: p["n"] + p["m"] > 6),
            ("k < 2", lambda p: p["k"] < 2),
        ]
        for name, *_ in ctx.loop_vars:
            conds += [(f"{name} > 2", lambda p, nm=name: p[nm] > 2), (f"{name} % 2 == 0", lambda p, nm=name: p[nm] % 2 == 0),
                      (f"{name} < m", lambda p, nm=name: p[nm] < p["m"])]
        text, pred = self.pick(conds)
        then_pts = [p for p in ctx.points if pred(p)]
        else_pts = [p for p in ctx.points if not pred(p)]
        then_gen = [p for p in ctx.generic if pred(p)] or ctx.generic
        else_gen = [p for p in ctx.generic if not pred(p)] or ctx.generic
        # a value both branches set, with the same shape, or with shapes of the same rank
        merged = None
        srcs = [v for v in ctx.vals.values() if v.shape and v.dtype in "fi"]
        if srcs and self.coin(0.6):
            merged = (self.fresh("Z"), self.pick(srcs))
        differ = None
        if self.coin(0.3):
            differ = (self.fresh("Z"), self.pick((1, 2, 2, 3)), [])
        self.emit(out, ctx, f"if {text}:")
        for pts, gen, head in ((then_pts, then_gen, None), (else_pts, else_gen, "else:")):
            if head:
                self.emit(out, ctx, head)
            body = ctx.child(pts, gen)
            body.indent += 1
            before = len(out)
            self.block(out, body, self.int(1, 2), budget)
            if merged is not None:
                zname, src = merged
                f = self.pick(("fnp.exp({})", "{} * 2.0", "fnp.tanh({})", "fnp.sqrt(fnp.abs({}))", "{} + 0.5 * {}",
                               "fnp.negative({}) + 0.0"))
                self.emit(out, body, f"{zname} = " + f.format(src.code, src.code))
            if differ is not None:
                zname, rank, shapes = differ
                shape = self.new_shape(body, rank)
                shapes.append(shape)
                self.emit(out, body, f"{zname} = fnp.full({self.shape_code(shape)}, {self.pick(('1.0', '0.5'))})")
            if len(out) == before:
                self.emit(out, body, "pass")
        if merged is not None:
            zname, src = merged
            ctx.vals[zname] = Val(zname, src.shape, "f")
        if differ is not None:
            zname, rank, (s_then, s_else) = differ

            def visible(d: Dim) -> bool:
                # a size read off an array set in one branch only (A7.shape[0]) cannot be
                # printed after the if: the other branch may have run
                code = d.code() or ""
                return all(name in ctx.vals for name in _SHAPE_READ.findall(code) + _LEN_READ.findall(code))

            def merge(a: Dim, b: Dim) -> Dim:
                if ctx.equal(a, b):
                    if visible(a):
                        return a
                    if visible(b):
                        return b
                return Dim("cond", args=(f"{text}?{a.key}:{b.key}", pred, a, b))

            shape = tuple(merge(a, b) for a, b in zip(s_then, s_else))
            ctx.vals[zname] = Val(zname, shape, "f")
            self.note("if with shapes that differ")
        self.note("if")

    def namespace_block(self, out, ctx: Ctx, budget: int) -> None:
        lib = self.pick(("fnp", "flops"))
        self.emit(out, ctx, f'with {lib}.namespace("phase{next(self.ns_names)}"):')
        ctx.indent += 1
        before = len(out)
        self.block(out, ctx, self.int(1, 3), budget)
        if len(out) == before:
            self.emit(out, ctx, "pass")
        ctx.indent -= 1
        self.note("with")

    # ------------------------------------------------------------------ helpers

    def helper(self) -> list:
        name = f"h{len(self.helpers) + 1}"
        rank = self.pick((1, 2, 2))
        params = [("X", rank)]
        if self.coin(0.3):
            params.append(("Y", "same"))
        elif self.coin(0.2):
            params.append(("c", "scalar"))
        lows = tuple(1 for _ in range(rank))
        pdims = tuple(lin_name(f"X.shape[{i}]") for i in range(rank))
        # Sizes the helper's body must be valid at. Calls pass arrays whose sizes are at
        # most HELPER_MAX_DIM, so sizes beyond the symbols' own range are sampled too
        # (a body valid only where X.shape[0] <= n must not be called with n + 1).
        samples = ((1, 1), (2, 3), (5, 2), (3, 7), (8, 8), (4, 1), (9, 10), (13, 4), (HELPER_MAX_DIM, HELPER_MAX_DIM))
        points = []
        for s in samples:
            p = dict(self.values)
            for i in range(rank):
                p[f"X.shape[{i}]"] = s[i]
            points.append(p)
        ctx = Ctx(points, points)
        ctx.in_helper = True
        ctx.indent = 1
        ctx.vals["X"] = Val("X", pdims, "f")
        if len(params) > 1 and params[1][1] == "same":
            ctx.vals["Y"] = Val("Y", pdims, "f")
        elif len(params) > 1:
            ctx.vals["c"] = Val("c", (), "f")
        ctx.extra_dims = list(pdims)
        lines = []
        sig = ", ".join(p[0] for p in params)
        lines.append(f"def {name}({sig}):")
        self.block(lines, ctx, self.int(1, 3), 1)
        for _ in range(6):
            ret = self.array_expr(ctx, 1)
            if ret is not None and ret.dtype != "b" and self.small(ctx, ret.shape):
                break
        else:
            ret = Val("fnp.exp(X)", pdims, "f")
        if self.coin(0.3):
            # an early return on the parameter's sizes (decided at each call)
            cond = self.pick(("X.shape[0] > 2", "X.shape[-1] == n", "len(X) % 2 == 0", "X.shape[0] < m"))
            lines.append(f"    if {cond}:")
            lines.append(f"        return {ret.code}")
            ret = Val(f"fnp.tanh({ret.code})", ret.shape, _dtype([ret]), atom=False)
            self.note("early return on sizes")
        lines.append(f"    return {ret.code}")
        self.helpers.append(Helper(name, params, lows, ret, lines))
        self.note("helper")
        return lines


_SHAPE_READ = re.compile(r"([A-Za-z_]\w*)\.shape\[")
_LEN_READ = re.compile(r"len\(([A-Za-z_]\w*)\)")


class _NoCode(Exception):
    """A shape whose dimensions do not print as code (a new array of it cannot be made)."""


def _p(v: Val) -> str:
    """The value's code, parenthesized when it is not a simple term."""
    code = v.code
    if v.atom or code.replace("_", "").replace(".", "").isalnum():
        return code
    if code.startswith("fnp.") and code.endswith(")") and _balanced_call(code):
        return code
    return f"({code})"


def _balanced_call(code: str) -> bool:
    """True if ``code`` is one call expression (its first '(' closes at the end)."""
    depth = 0
    start = code.index("(")
    for i, ch in enumerate(code[start:], start):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                return i == len(code) - 1
    return False


def _dtype(parts) -> str:
    """The result's dtype class: "i" when it may be an integer array (so it is never
    the target of an in-place float operation), "f" when it surely is float."""
    ds = {p.dtype for p in parts}
    if ds == {"b"}:
        return "b"
    if ds <= {"f"}:
        return "f"
    return "i"


def _literal(text: str) -> Val:
    return Val(text, (), "f" if "." in text else "i")


def _broadcast(ctx: Ctx, a, b) -> tuple:
    nd = max(len(a), len(b))
    a = (const(1),) * (nd - len(a)) + tuple(a)
    b = (const(1),) * (nd - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if ctx.always(lambda p, x=x: x.value(p) == 1):
            out.append(y)
        else:
            out.append(x)
    return tuple(out)


@st.composite
def programs(draw, data_dependent: bool = False) -> Program:
    values = {s: draw(st.integers(1, MAX_VALUE)) for s in SYMBOLS}
    b = Builder(draw, values)
    # a module-level constant named like a symbol: the given size overrides it (on both sides)
    constants = ""
    if b.coin(0.15):
        name = b.pick(SYMBOLS)
        constants = f"{name} = {b.int(1, 9)}\n\n"
        b.note("constant overridden by the shapes")
    helper_lines = []
    for _ in range(b.int(0, 2)):
        helper_lines += b.helper() + [""]
    ctx = Ctx([dict(values)], [dict(p) for p in GENERIC_POINTS])
    body: list = []
    # a few arrays to start from
    for _ in range(b.int(1, 3)):
        shape = b.new_shape(ctx)
        b.assign(body, ctx, b.creation_of(ctx, shape))
    b.block(body, ctx, b.int(2, 8), 2)
    if data_dependent:
        data_branch(b, body, ctx)
    if b.uses_rng:
        constants += f"rng = fnp.random.default_rng({b.int(0, 99)})\n\n"
    source = (HEADER + "\n" + constants + ("\n".join(helper_lines) + "\n" if helper_lines else "")
              + "\n".join(body) + "\n")
    return Program(source, values, data_dependent, dict(b.stats))


def data_branch(b: Builder, out: list, ctx: Ctx) -> None:
    """A branch on array data (the analyzer counts the costlier branch: an upper bound)."""
    arrs = b.arrays(ctx, min_rank=1)
    a = b.pick(arrs) if arrs else b.creation_of(ctx, (lin_name("n"),))
    loop = b.coin(0.5)
    if loop:
        b.emit(out, ctx, "for i in range(n):")
        ctx.indent += 1
    b.emit(out, ctx, f"if fnp.sum({a.code}) > {b.pick(('0.0', '3.0', '-1.0'))}:")
    inner = ctx.child(ctx.points, ctx.generic)
    inner.indent += 1
    b.emit(out, inner, f"fnp.{b.pick(('exp', 'sin', 'sqrt'))}({a.code})")  # the branch costs something
    b.block(out, inner, b.int(1, 2), 0)
    b.emit(out, ctx, "else:")
    inner = ctx.child(ctx.points, ctx.generic)
    inner.indent += 1
    b.block(out, inner, b.int(1, 2), 0)
    if loop:
        if b.coin(0.5):
            b.emit(out, ctx, f"if fnp.max({a.code}) > 100.0:" if ctx.nonempty(a.shape) else f"if fnp.sum({a.code}) > 100.0:")
            b.emit(out, ctx, "    break")
        ctx.indent -= 1
