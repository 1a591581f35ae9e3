"""Cost queries: what an op will cost, computed by the same rules the runtime charges.

These take shapes, not arrays, and charge nothing.
"""

from __future__ import annotations

from typing import Any, Sequence

from flopscope.costs import OPS, op_cost


def cost(op_name: str, *shapes: Any, **static_args: Any) -> int:
    """The cost of any op in the table: ``flops.cost("matmul", (64, 32), (32, 16)) == 32768``.

    ``shapes`` are the array operands' shapes in the op's argument order;
    ``static_args`` are its static arguments (``axis``, ``subscripts``, ...).
    """
    if op_name not in OPS:
        raise KeyError(f"no op named {op_name!r} in the flopscope cost table (flopscope costs lists them)")
    return op_cost(op_name, *shapes, **static_args)


def einsum_cost(subscripts: str, shapes: Sequence[Sequence[int]]) -> int:
    """``flops.einsum_cost('ij,jk->ik', shapes=[(256, 256), (256, 256)]) == 16_777_216``."""
    return op_cost("einsum", *shapes, subscripts=subscripts)


def pointwise_cost(*shapes: Sequence[int]) -> int:
    """A pointwise op over operands of these shapes: numel of their broadcast."""
    if not shapes:
        raise TypeError("pointwise_cost() needs at least one shape")
    return op_cost("add" if len(shapes) == 2 else "exp", *shapes) if len(shapes) <= 2 else op_cost("clip", *shapes)


def reduction_cost(shape: Sequence[int], axis: Any = None) -> int:
    """A reduction (sum, mean, max, ...) over ``shape``: numel(input), whatever the axis."""
    return op_cost("sum", shape, axis=axis)
