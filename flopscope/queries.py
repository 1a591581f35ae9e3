"""Cost queries: what an op will cost, computed by the same rules the runtime charges.

These take shapes, not arrays, and charge nothing.
"""

from __future__ import annotations

from typing import Any, Sequence

from flopscope.costs import OPS, dims, op_cost


def cost(op_name: str, *shapes: Any, **static_args: Any) -> int:
    """The cost of any op in the table: ``flops.cost("matmul", (64, 32), (32, 16)) == 32768``.

    ``shapes`` are the array operands' shapes in the op's argument order;
    ``static_args`` are its static arguments (``axis``, ``subscripts``, ...).
    """
    if op_name not in OPS:
        raise KeyError(f"no op named {op_name!r} in the flopscope cost table (flopscope costs lists them)")
    return op_cost(op_name, *shapes, **static_args)


def einsum_cost(subscripts: str, shapes: Sequence[Sequence[int]], symmetry: Sequence[Any] | None = None,
                identity: Sequence[Any] | None = None) -> int:
    """``flops.einsum_cost('ij,jk->ik', shapes=[(256, 256), (256, 256)]) == 16_777_216``.

    Optional, as the runtime sees them (docs/symmetry.md): ``symmetry`` gives each
    operand's declared symmetry (None, a group ``(0, 1)`` or a list of groups) and
    ``identity`` says which operands are the same object (equal entries), e.g.
    ``einsum_cost('ij,kj->ik', [(256, 256)] * 2, identity=[0, 0]) == 8_421_376``.
    """
    if symmetry is None and identity is None:
        return op_cost("einsum", *shapes, subscripts=subscripts)
    from flopscope.costs import symmetry as sym

    shp = [tuple(dims.as_dim(d) for d in s) for s in shapes]
    op_cost("einsum", *shp, subscripts=subscripts)  # validates, as the runtime does
    n = len(shp)
    symmetry = [None] * n if symmetry is None else list(symmetry)
    identity = list(range(n)) if identity is None else list(identity)
    if len(symmetry) != n or len(identity) != n:
        raise ValueError(f"einsum_cost: symmetry and identity need one entry per operand ({n})")
    groups = [sym.normalize_groups(g, s) if g else () for g, s in zip(symmetry, shp)]
    for i in range(n):
        for k in range(i):
            if identity[i] == identity[k] and (shp[i] != shp[k] or groups[i] != groups[k]):
                raise ValueError(f"einsum_cost: operands {k} and {i} are the same object but differ in shape or symmetry")
    pattern = sym.pattern_of(identity, groups, same=lambda a, b: a == b)
    return sym.einsum_cost(tuple(shp), subscripts=subscripts, pattern=pattern)


def pointwise_cost(*shapes: Sequence[int]) -> int:
    """A pointwise op over operands of these shapes: numel of their broadcast."""
    if not shapes:
        raise TypeError("pointwise_cost() needs at least one shape")
    return op_cost("add" if len(shapes) == 2 else "exp", *shapes) if len(shapes) <= 2 else op_cost("clip", *shapes)


def reduction_cost(shape: Sequence[int], axis: Any = None) -> int:
    """A reduction (sum, mean, max, ...) over ``shape``: numel(input), whatever the axis."""
    return op_cost("sum", shape, axis=axis)
