"""The analyzer's case list: source, arguments, and the expected formula, value, label, exit code.

Expected formulas and values are worked out by hand from COST_MODEL v1. Every
case marked ``runs`` is also executed under the runtime at the same sizes, and
the measured total must equal the predicted value (tests/test_analyzer.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Case:
    name: str
    source: str
    shapes: list = field(default_factory=list)
    formula: str | None = None  # expected total formula (compared as SymPy expressions)
    value: int | None = None
    label: str = "exact"
    exit: int = 0
    entry: str | None = None
    args: list = field(default_factory=list)
    runs: bool = True  # run it under the runtime and compare the measured total
    codes: tuple = ()  # diagnostic codes that must be reported
    sites: dict = field(default_factory=dict)  # (line, col) -> expected value at that site
    budget: str | None = None


HEAD = "import flopscope as flops\nimport flopscope.numpy as fnp\n"

CASES = [
    # ------------------------------------------------------------------ the guide
    Case("guide example", HEAD + """
n = 256
with flops.BudgetContext(flop_budget=50_000_000, namespace="solver") as budget:
    A = fnp.ones((n, n))
    x = fnp.ones((n,))
    h = fnp.einsum('ij,j->i', A, x)
    h = fnp.exp(h)
    result = fnp.sum(h)
""", ["n=256"], "n**2 + 2*n", 66_048, sites={(8, 9): 65_536, (9, 9): 256, (10, 14): 256}),
    Case("guide example, constants only", HEAD + """
n = 256
A = fnp.ones((n, n))
h = fnp.exp(fnp.einsum('ij,j->i', A, fnp.ones(n)))
s = fnp.sum(h)
""", [], "66048", 66_048),
    Case("symbol without value keeps the formula", HEAD + """
A = fnp.ones((n, n))
B = A @ A
""", ["n"], "n**3", None, runs=False),
    Case("a symbol named in --shapes takes the constant's value", HEAD + """
n = 10
A = fnp.ones((n, n))
B = A @ A
""", ["n"], "n**3", 1000),
    Case("the given value overrides the constant", HEAD + """
n = 10
A = fnp.ones((n, n))
B = A @ A
""", ["n=7"], "n**3", 343),

    # ------------------------------------------------------------------ import forms
    Case("from flopscope import numpy as np_", """
from flopscope import numpy as np_
x = np_.ones((n,))
y = np_.exp(x) + 1.0
""", ["n=50"], "2*n", 100),
    Case("from flopscope.numpy import einsum as es", """
from flopscope.numpy import einsum as es, ones
A = ones((n, n))
y = es('ij,jk->ik', A, A)
""", ["n=8"], "n**3", 512),
    Case("import flopscope as flops, then flops.numpy", """
import flopscope as flops
x = flops.numpy.ones((n,))
y = flops.numpy.sqrt(x)
""", ["n=9"], "n", 9),
    Case("import flopscope.numpy (dotted)", """
import flopscope.numpy
x = flopscope.numpy.ones((n, 2))
y = flopscope.numpy.sum(x, axis=0)
""", ["n=9"], "2*n", 18),
    Case("import flopscope.numpy.linalg as la", """
import flopscope.numpy as fnp
import flopscope.numpy.linalg as la
A = fnp.eye(n)
x = la.solve(A, A)
""", ["n=4"], "n**3", 64),
    Case("linalg in a loop: tuple results unpack, namedtuple fields", """
import flopscope.numpy as fnp
import flopscope.numpy.linalg as la
A = fnp.eye(n)
for i in range(k):
    w, V = la.eigh(A)
    A = V @ V.T
    s = la.norm(w)
r = fnp.linalg.svd(A, k=2)
t = fnp.exp(r.S)
u = fnp.sum(la.eigh(A).eigenvalues)
""", ["n=8", "k=3"], "k*(2*n**3 + n) + 2*n**2 + n**3 + n + 2", 3096 + 128 + 512 + 8 + 2),
    Case("fft round trips in a loop", """
import flopscope.numpy as fnp
x = fnp.ones((b, n))
for i in range(k):
    X = fnp.fft.rfft(x, axis=1)
    x = fnp.fft.irfft(X, n=n, axis=1)
Y = fnp.fft.fft2(x)
""", ["b=4", "n=64", "k=3"], "10*k*b*floor(n/2)*clog2(n) + 5*b*n*(clog2(b) + clog2(n))", 23040 + 10240),
    Case("det of growing matrices: a triangular loop", """
import flopscope.numpy as fnp
for i in range(1, n):
    A = fnp.ones((i, i)) + fnp.eye(i)
    d = fnp.linalg.det(A)
""", ["n=6"], "((n - 1)*n/2)**2 + (n - 1)*n*(2*n - 1)/6", 280),
    Case("numpy functions on metered arrays are charged", """
import numpy as np
import flopscope.numpy as fnp
A = fnp.ones((n, n))
B = np.exp(A)
C = np.sum(B, axis=1)
""", ["n=12"], "2*n**2", 288),
    Case("plain numpy arrays are not metered", """
import numpy as np
import flopscope.numpy as fnp
P = np.ones((n, n))
Q = np.exp(P) @ P
R = fnp.asarray(P)
""", ["n=6"], "n**2", 36, codes=("FS111",)),
    Case("a name rebound to an op", HEAD + """
f = fnp.exp
x = f(fnp.ones(n))
""", ["n=5"], "n", 5),

    # ------------------------------------------------------------------ operators, methods, indexing
    Case("operators on metered arrays", HEAD + """
A = fnp.ones((n, n))
x = fnp.ones(n)
y = A @ x
z = -y + 2 * y
w = y ** 2
m = y > 0
""", ["n=10"], "n**2 + 5*n", 150),
    Case("methods", HEAD + """
A = fnp.ones((n, m))
s = A.sum()
c = A.mean(axis=0)
t = A.T.reshape(m * n).astype(fnp.float32)
d = A.dot(fnp.ones(m))
""", ["n=4", "m=3"], "3*m*n", 36),
    Case("indexing and slicing with symbolic bounds", HEAD + """
A = fnp.ones((n, n))
k = n // 2
B = A[:k] @ A[:, 1:n - 1]
c = A[0]
d = fnp.exp(A[1:, 0])
e = A[..., None]
f = fnp.sqrt(e)
""", ["n=10"], "n**2 + n + floor(n/2)*n*(n - 2) - 1", 509),
    Case("shape queries", HEAD + """
A = fnp.ones((n, 3 * n))
rows, cols = A.shape
B = fnp.ones((A.shape[1], A.ndim))
C = fnp.exp(B)
D = fnp.ones((A.size, len(A)))
E = fnp.sqrt(D)
""", ["n=5"], "3*n**3 + 6*n", 405),
    Case("integer arithmetic on sizes", HEAD + """
a = (n + 1) % 3
b = min(n, 10) + max(n, 2) + abs(-n)
c = int(n / 2) + round(n / 4)
x = fnp.ones((b, c))
y = fnp.exp(x)
""", ["n=8"], None, (8 + 8 + 8) * (4 + 2)),
    Case("augmented assignment", HEAD + """
x = fnp.ones((n,))
x += 1.0
x *= x
k = 1
k += n
y = fnp.exp(fnp.ones(k))
""", ["n=20"], "3*n + 1", 61),

    # ------------------------------------------------------------------ loops
    Case("for over range(n)", HEAD + """
x = fnp.ones(n)
for i in range(n):
    x = fnp.sin(x)
""", ["n=30"], "n**2", 900),
    Case("range with start and step", HEAD + """
x = fnp.ones(n)
for i in range(2, n, 3):
    x = fnp.sin(x)
""", ["n=20"], "n*ceiling(n/3 - 2/3)", 120),
    Case("an empty range costs zero", HEAD + """
x = fnp.ones(n)
for i in range(n, n):
    x = fnp.exp(x)
""", ["n=9"], "0", 0),
    Case("a range that may be empty is never negative", HEAD + """
x = fnp.ones(3)
for i in range(m, n):
    x = fnp.exp(x)
""", ["m=9", "n=4"], "Piecewise((3*n - 3*m, n > m), (0, True))", 0),
    Case("triangular loop: shapes depend on the index", HEAD + """
for i in range(n):
    A = fnp.ones((i, n))
    s = fnp.sum(fnp.exp(A))
""", ["n=40"], "n**3 - n**2", 62_400),
    Case("nested triangular loops", HEAD + """
x = fnp.ones(1)
for i in range(n):
    for j in range(i, n):
        x = x * 2.0
""", ["n=12"], "n**2/2 + n/2", 78),
    Case("loop-carried growth by induction", HEAD + """
X = fnp.ones((1, d))
for i in range(n):
    X = fnp.concatenate([X, fnp.ones((1, d))])
""", ["n=6", "d=4"], "d*n**2/2 + 3*d*n/2", 108),
    Case("for over a list, a tuple, zip and enumerate", HEAD + """
mats = [fnp.ones((n, n)), fnp.ones((n, 2 * n))]
for M in mats:
    fnp.exp(M)
for a, b in zip((1, 2), [fnp.ones(n), fnp.ones(n)]):
    fnp.sqrt(b)
for k, M in enumerate(mats):
    fnp.sum(M)
""", ["n=5"], "6*n**2 + 2*n", 160),
    Case("list comprehension and append growth", HEAD + """
xs = [fnp.ones(n) for _ in range(L)]
ys = []
for x in xs:
    ys.append(fnp.exp(x))
total = sum(fnp.sum(y) for y in ys)
z = fnp.stack(ys)
""", ["n=7", "L=5"], "3*L*n + L", 110),  # sum() adds L 0-d results: L adds, 1 FLOP each
    Case("a loop with an early break is an upper bound", HEAD + """
x = fnp.ones(n)
for i in range(n):
    x = fnp.exp(x)
    if fnp.sum(x) > 5:
        break
""", ["n=10"], "2*n**2 + n", 210, "upper bound", codes=("FS105",), runs=False),  # + the comparisons

    Case("pad and tile in a loop", HEAD + """
A = fnp.ones((n, n))
for i in range(L):
    B = fnp.pad(A, 1)
    C = fnp.tile(A, (2, 1))
""", ["n=8", "L=3"], "L*(n + 2)**2 + 2*L*n**2", 684),
    Case("pad grows its operand in a loop", HEAD + """
A = fnp.ones((n, n))
for i in range(L):
    A = fnp.pad(A, 1)
""", ["n=4", "L=3"], "L*(n + 2)**2 + 2*(n + 2)*L*(L - 1) + 2*L*(L - 1)*(2*L - 1)/3", 200),
    Case("meshgrid and split results unpack", HEAD + """
x = fnp.ones(n)
y = fnp.ones(m)
for i in range(L):
    X, Y = fnp.meshgrid(x, y)
    Z = fnp.exp(X) + Y
xs, ys = fnp.meshgrid(x, y, sparse=True)
top, bottom = fnp.split(fnp.ones((2 * n, m)), 2)
s = fnp.sum(top)
""", ["n=5", "m=3", "L=2"], "4*L*m*n + m + n + m*n", 143),

    # ------------------------------------------------------------------ branches
    Case("if on sizes picks its branch", HEAD + """
A = fnp.ones((n, n))
if n > 100:
    B = A @ A
else:
    B = fnp.exp(A)
""", ["n=50"], "n**2", 2500),
    Case("if on a symbol without value is a Piecewise", HEAD + """
A = fnp.ones((n, n))
if n > 100:
    B = A @ A
else:
    B = fnp.exp(A)
""", ["n"], "Piecewise((n**3, n > 100), (n**2, True))", None, runs=False),
    Case("if on array data takes the costlier branch", HEAD + """
A = fnp.ones((n, n))
if fnp.sum(A) > 0:
    B = A @ A
else:
    B = fnp.exp(A)
""", ["n=10"], "n**3 + n**2 + 1", 1101, "upper bound", codes=("FS105",), runs=False),  # 1: the comparison
    Case("a conditional expression on sizes", HEAD + """
k = n if n < 5 else 5
x = fnp.exp(fnp.ones((k, n)))
""", ["n=9"], "5*n", 45),

    # ------------------------------------------------------------------ while
    Case("a while loop over a doubling counter is summed in closed form", HEAD + """
k = 1
x = fnp.ones(n)
while k < n:
    x = x + x
    k = k * 2
""", ["n=100"], "n*clog2(n)", 700, codes=("FS126",)),
    Case("a chunked while loop is summed in closed form, its short last chunk included", HEAD + """
done = 0
x = fnp.ones((n, m))
while done < n:
    step = min(16, n - done)
    y = fnp.exp(x[done:done + step])
    done += step
""", ["n=100", "m=3"], "m*n", 300, codes=("FS126",)),
    Case("a while loop on another condition is followed at the given sizes", HEAD + """
k = 0
x = fnp.ones(n)
while k * k < n:
    x = x + x
    k = k + 1
""", ["n=100"], "10*n", 1000, codes=("FS116",)),
    Case("while on data is unknown", HEAD + """
x = fnp.ones(n)
while fnp.sum(x) < 100:
    x = x + 1
""", ["n=10"], None, None, "unknown", 1, runs=False, codes=("FS104",)),

    # ------------------------------------------------------------------ functions and classes
    Case("a helper called with two shapes", HEAD + """
def gram(X):
    return X.T @ X

a = gram(fnp.ones((n, n)))
b = gram(fnp.ones((m, m)))
""", ["n=4", "m=3"], "m**3 + n**3", 91),
    Case("return values and default arguments", HEAD + """
def layer(x, W, scale=2.0, act=True):
    h = W @ x
    if act:
        h = fnp.maximum(h, 0) * scale
    return h

W = fnp.ones((n, n))
y = layer(fnp.ones(n), W)
z = layer(y, W, act=False)
""", ["n=10"], "2*n**2 + 2*n", 220),
    Case("a class with attributes on self", HEAD + """
class Model:
    def __init__(self, n, depth):
        self.W = fnp.ones((n, n))
        self.depth = depth

    def forward(self, x):
        for _ in range(self.depth):
            x = fnp.tanh(self.W @ x)
        return x

m = Model(n, L)
y = m.forward(fnp.ones(n))
""", ["n=8", "L=3"], "L*n**2 + L*n", 216),
    Case("decorated functions and namespaces", HEAD + """
@flops.budget(flop_budget=10**6, namespace="fwd")
def forward(x):
    with flops.namespace("act"):
        y = fnp.exp(x)
    return fnp.sum(y)

x = fnp.ones(n)
forward(x)
forward(x)
""", ["n=10"], "4*n", 40),
    Case("recursion is cut off and unknown", HEAD + """
def f(x, k):
    return f(fnp.exp(x), k)

f(fnp.ones(n), 3)
""", ["n=4"], None, None, "unknown", 1, runs=False, codes=("FS110",)),

    # ------------------------------------------------------------------ budgets
    Case("a budget predicted to be exceeded exits 1", HEAD + """
with flops.BudgetContext(flop_budget=1000):
    A = fnp.ones((n, n))
    B = A @ A
""", ["n=20"], "n**3", 8000, exit=1, runs=False),
    Case("--budget checks the total", HEAD + """
A = fnp.ones((n, n))
B = A @ A
""", ["n=20"], "n**3", 8000, exit=1, budget="7999", runs=False),

    # ------------------------------------------------------------------ unknowns
    Case("an unknown function receiving a metered array", HEAD + """
import mylib
A = fnp.ones((n, n))
B = mylib.transform(A)
C = fnp.exp(A)
""", ["n=3"], None, None, "unknown", 1, runs=False, codes=("FS101",)),
    Case("an operator on the result of an unknown function is an unknown cost, not 0", HEAD + """
import mylib
A = fnp.ones((n, n))
B = mylib.transform(A)
C = B @ B
D = -B
""", ["n=3"], None, None, "unknown", 1, runs=False, codes=("FS101",)),
    Case("work on A.base is charged at runtime: an unknown cost for the analyzer", HEAD + """
A = fnp.ones((n, n)) * 2.0
B = A.base @ A.base
""", ["n=4"], None, None, "unknown", 1, runs=False, codes=("FS101",)),
    Case("astype(subok=False) stays metered: charged like any other array", HEAD + """
A = fnp.ones((n, n)) * 1.0
B = A.astype(float, subok=False)
C = B @ B
D = A.astype(float) @ A
""", ["n=8"], "2*n**3 + n**2", 1088),
    Case("eval is dynamic code", HEAD + """
A = fnp.ones((n, n))
B = eval("A @ A")
""", ["n=3"], None, None, "unknown", 1, runs=False, codes=("FS103",)),
    Case("a shape mismatch raises at runtime", HEAD + """
A = fnp.ones((n, n))
B = fnp.ones((n + 1, n))
C = A @ B
""", ["n=3"], "0", 0, exit=1, runs=False, codes=("FS108",)),

    # ------------------------------------------------------------------ --entry and --arg
    Case("--entry with array arguments", HEAD + """
def forward(W, x, k):
    h = W @ x
    return fnp.sum(h[:k])
""", ["n=32"], "n**2 + floor(n/2)", 1040, entry="forward",
        args=["W=array(n, n)", "x=array(n)", "k=n // 2"]),
    Case("--entry with obj() and a list of arrays", HEAD + """
def predict(mlp, x):
    h = x
    for l in range(mlp.depth):
        h = fnp.maximum(mlp.weights[l] @ h, 0)
    return h
""", ["w=16", "L=3"], "L*w**2 + L*w", 816, entry="predict",
        args=["mlp=obj(width=w, depth=L, weights=[array(w, w)] * L)", "x=array(w)"]),
    Case("--entry on a method", HEAD + """
class Estimator:
    def __init__(self, n):
        self.W = fnp.ones((n, n))

    def predict(self, x):
        return fnp.exp(self.W @ x)
""", ["n=6"], "n**2 + n", 42, entry="Estimator.predict", args=["x=array(n)"]),
    # ------------------------------------------------------------------ numpy.random
    Case("random: Generator methods and legacy samplers", HEAD + """
rng = fnp.random.default_rng(0)
a = rng.normal(size=(n, m))
b = rng.standard_normal((n,))
c = rng.integers(0, 10, size=n)
d = rng.choice(n, size=k, replace=False)
e = rng.permutation(n)
f = fnp.random.rand(n, m)
g = fnp.random.normal(0, 1, size=(n,))
""", ["n=100", "m=8", "k=5"], "2*m*n + 4*n + n*clog2(n)", 2700),
    Case("random: seeded RandomState, shuffle and choice with replacement", HEAD + """
fnp.random.seed(1)
rs = fnp.random.RandomState(3)
x = rs.uniform(0, 1, size=(n, 2))
rs.shuffle(x)
y = rs.choice(n, size=(k, k))
""", ["n=64", "k=3"], "3*n + k**2", 201),
    # ------------------------------------------------------------------ symmetry (docs/symmetry.md)
    Case("symmetry: pointwise on a symmetric matrix costs its unique elements", HEAD + """
S = flops.as_symmetric(fnp.ones((n, n)), symmetry=(0, 1))
E = fnp.exp(S)
""", ["n=100"], "n**2/2 + n/2", 5_050),
    Case("symmetry: the same array twice in einsum (gram matrix)", HEAD + """
A = fnp.ones((n, n))
G = fnp.einsum('ij,kj->ik', A, A)
""", ["n=256"], "n**3/2 + n**2/2", 8_421_376),
    Case("symmetry: the same value through a parameter and an assignment", HEAD + """
def gram(M):
    B = M
    return fnp.einsum('ij,kj->ik', M, B)

G = gram(fnp.ones((n, n)))
""", ["n=10"], "n**3/2 + n**2/2", 550),
    Case("symmetry: no discount for ij,jk / ij,ij / two objects / a transposed view", HEAD + """
A = fnp.ones((n, n))
S = flops.as_symmetric(fnp.ones((n, n)))
B = fnp.einsum('ij,jk->ik', A, A)
c = fnp.einsum('ij,ij->', A, A)
D = fnp.einsum('ij,kj->ik', A, fnp.ones((n, n)))
E = S.T + S
f = fnp.einsum('ij,j->i', S, fnp.ones(n))
""", ["n=10"], "2*n**3 + 3*n**2", 2_300),
    Case("symmetry: a fully symmetric 3-tensor sums its unique elements", HEAD + """
T = flops.as_symmetric(fnp.ones((n, n, n)), symmetry=(0, 1, 2))
s = T.sum()
""", ["n=10"], "n**3/6 + n**2/2 + n/3", 220),
    # ------------------------------------------------------------------ sorting, searching, signal
    Case("sort and searchsorted in a loop", HEAD + """
X = fnp.ones((n, m))
for i in range(k):
    s = fnp.sort(X, axis=1)
    idx = fnp.searchsorted(s[0], X[i])
""", ["n=8", "m=64", "k=3"], "k*m*n*clog2(m) + k*m*clog2(m)", 3 * (8 * 64 * 6 + 64 * 6)),
    Case("convolve in a loop: the signal grows by k - 1 each time", HEAD + """
h = fnp.ones(k)
y = fnp.ones(n)
for i in range(L):
    y = fnp.convolve(y, h)
""", ["n=100", "k=7", "L=4"], "L*n*k + k*(k - 1)*L*(L - 1)/2", 4 * 100 * 7 + 7 * 6 * 4 * 3 // 2),
    Case("histogram, unique and interp on its edges", HEAD + """
x = fnp.ones(n)
counts, edges = fnp.histogram(x, bins=b)
u = fnp.unique(x)
w = fnp.interp(x, edges[1:], counts)
""", ["n=1000", "b=64"], "2*n*clog2(b) + n*clog2(n)", 2 * 1000 * 6 + 1000 * 10),
    Case("fill is charged as copyto; a spawned generator's samplers are followed", HEAD + """
A = fnp.empty((n, m))
for i in range(k):
    A.fill(1.0 * i)
child = fnp.random.default_rng(0).spawn(2)[1]
x = child.normal(size=(n, m))
""", ["n=8", "m=5", "k=3"], "k*m*n + m*n", 3 * 40 + 40),
]
