"""flopscope's cost model (COST_MODEL v1.1): the one table both halves read.

``OPS`` maps each op's NumPy-relative name to its :class:`OpSpec`. The helpers
below compute costs from shapes, for users (``flops.cost``) and for the docs.
This package imports nothing from the runtime or the analyzer, and SymPy only
when it is handed SymPy dimensions.
"""

from __future__ import annotations

from typing import Any

from flopscope.costs import dims
from flopscope.costs.registry import Bound, OpSpec, Param, Registry, ShapeError, bind
from flopscope.costs.table import OPS

COST_MODEL_VERSION = "1.1"
# How every output that names the cost model names it.
COST_MODEL_NAME = f"COST_MODEL v{COST_MODEL_VERSION}"


def _shape(value: Any) -> tuple:
    if isinstance(value, (tuple, list)):
        return tuple(dims.as_dim(d) for d in value)
    return (dims.as_dim(value),)


def op_cost(name: str, *shapes: Any, **static: Any) -> Any:
    """The cost of op ``name`` on operands of these shapes (and these static args).

    >>> op_cost("einsum", (256, 256), (256, 256), subscripts="ij,jk->ik")
    16777216
    """
    spec = OPS[name]
    allowed = set(spec.static_names)
    unknown = sorted(set(static) - allowed)
    if unknown:
        raise TypeError(
            f"{name}: unknown static argument(s) {', '.join(unknown)}; "
            f"this op takes {', '.join(sorted(allowed)) or 'none'}"
        )
    defaults = {p.name: p.default for p in spec.params if p.name in allowed and not p.required}
    missing = [p.name for p in spec.params if p.name in allowed and p.required and p.name not in static]
    if missing:
        raise TypeError(f"{name}: missing static argument(s) {', '.join(missing)}")
    defaults.update(static)
    shp = tuple(_shape(s) for s in shapes)
    spec.shape(shp, **defaults)  # validates the shapes, as the runtime does before charging
    return spec.cost(shp, **defaults)


__all__ = ["OPS", "OpSpec", "Param", "Registry", "ShapeError", "Bound", "bind", "op_cost", "COST_MODEL_VERSION", "COST_MODEL_NAME", "dims"]
