# Reproduces: exponential pure recursion. _cleanup calls itself twice per level
# on the same arguments (a naive tree cleanup), depth 30: 2**30 calls if every
# call is followed. Historically hung the analyzer (no memoization / no budget).
# Expected: exit 0 or 1, no internal error, finishes well within the time limit.
import flopscope.numpy as fnp


def _cleanup(node, depth):
    if depth == 0:
        return 0
    left = _cleanup(node, depth - 1)
    right = _cleanup(node, depth - 1)
    return left + right + 1


def _cost(v, depth):
    if depth == 0:
        return fnp.sum(v)
    return _cost(v, depth - 1) + _cost(v, depth - 1)


tree = {"a": {"b": {}}}
count = _cleanup(tree, 30)
v = fnp.ones(16)
total = _cost(v, 30)
