"""An einsum chain: contracting three and four operands in the cheapest order.

flopscope prices an einsum of three or more operands as pairwise steps in the
cheapest order (and runs it in that order):
    flopscope analyze examples/einsum_chain.py --shapes b=64,d=32,r=8
"""

import flopscope.numpy as fnp

b = 64  # batch
d = 32  # feature width
r = 8   # rank

X = fnp.ones((b, d))
U = fnp.ones((d, r))
V = fnp.ones((r, d))
W = fnp.ones((d, d))

# A low-rank projection: X U V, three operands (X first: b*d*r + b*r*d).
P = fnp.einsum("bi,ir,rj->bj", X, U, V)
# A bilinear score per row: four operands with a shared batch index.
s = fnp.einsum("bi,ij,jk,bk->b", X, W, W, X)
print(float(fnp.sum(P)), float(fnp.sum(s)))
