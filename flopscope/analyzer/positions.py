"""Where each node of a solver's tree starts, found in one lean pass over the tree.

LibCST's ``PositionProvider`` computes a start and an end for every node with a
metadata framework around it: at 32,000 lines (646,132 nodes) it costs four times
printing the tree. The analyzer needs only starts, so :func:`index` prints the tree
once into a state that keeps a line and a column and records, for each node, what
``PositionProvider`` would give as its start (the same rules: a node's syntactic start
where LibCST marks one, else where its text begins). The same pass lists the nodes in
source order, which is all the source scan for escapes from the meter (FS112) needs:
it then reads a flat list instead of walking the tree with visitors.

Whitespace, comments and punctuation get no position (no diagnostic points at them).
"""

from __future__ import annotations

import libcst as cst
from libcst._nodes.internal import CodegenState

# nodes no event or diagnostic is ever placed on: kept out of the index (memory)
_UNPLACED = frozenset((cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace, cst.EmptyLine,
             cst.Newline, cst.Comment, cst.Comma, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket,
             cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.Dot, cst.Colon,
             cst.AssignEqual, cst.Semicolon, cst.ImportStar))  # exact types (isinstance on ABCs is slow)


class _Null:
    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> bool:
        return False


_NULL = _Null()


class _Mark:
    """``record_syntactic_position``: the node starts here (or where ``start_node`` starts)."""

    __slots__ = ("state", "node", "start_node")

    def __init__(self, state: "_IndexState", node, start_node) -> None:
        self.state, self.node, self.start_node = state, node, start_node

    def __enter__(self) -> None:
        if self.start_node is None:
            state = self.state
            state.starts[self.node] = (state.line, state.column)

    def __exit__(self, *exc) -> bool:
        if self.start_node is not None:
            state = self.state
            state.starts[self.node] = state.starts.get(self.start_node, (state.line, state.column))
        return False


class _IndexState(CodegenState):
    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.column = 0
        self.starts: dict = {}
        self.order: list = []
        self._stack: list = []

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:  # the text itself is not kept, only where it ends
        if "\n" in value or "\r" in value:
            lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            self.line += len(lines) - 1
            self.column = len(lines[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node) -> None:
        self._stack.append((self.line, self.column))
        if type(node) not in _UNPLACED:
            self.order.append(node)

    def after_codegen(self, node) -> None:
        start = self._stack.pop()
        if type(node) not in _UNPLACED and node not in self.starts:
            self.starts[node] = start

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        if start_node is None and type(node) in _UNPLACED:
            return _NULL
        return _Mark(self, node, start_node)


def index(module: cst.Module) -> tuple[dict, list]:
    """(starts, order): each placed node's (line, 0-based column), as LibCST's
    ``PositionProvider`` gives its start, and the placed nodes in source order."""
    state = _IndexState(module)
    module._codegen(state)
    return state.starts, state.order
