"""Generate a long, realistic solver for the analyzer benchmark.

The program is a sequence of helper functions (each a few lines of fnp calls,
loops over sizes, branches on sizes) and a main section that calls them, so its
size grows with the number of blocks while every construct stays ordinary.
"""

from __future__ import annotations

import sys

BLOCK = '''
def stage_{k}(X, w):
    """Block {k}."""
    H = X @ w
    H = fnp.maximum(H, 0.0) + 0.5 * H
    for i in range(d):
        H = fnp.tanh(H) * 0.9
    if n > 64:
        G = fnp.einsum("ij,ik->jk", X, X)
    else:
        G = X.T @ X
    s = fnp.sum(fnp.exp(-H))
    return H, G, s

'''

HEAD = '''import flopscope as flops
import flopscope.numpy as fnp

n = 256
m = 32
d = 4

X = fnp.ones((n, m))
w = fnp.ones((m, m))
'''

CALL = "with flops.namespace('s{k}'):\n    H{k}, G{k}, s{k} = stage_{k}(X, w)\n"


def generate(lines: int) -> str:
    parts = [HEAD]
    calls = []
    k = 0
    while sum(p.count("\n") for p in parts) + sum(c.count("\n") for c in calls) < lines:
        parts.append(BLOCK.format(k=k))
        calls.append(CALL.format(k=k))
        k += 1
    return "".join(parts) + "".join(calls)


if __name__ == "__main__":
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 2000), end="")
