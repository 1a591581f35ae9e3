# Reproduces: arithmetic on truth values (bool is an int subclass): unary minus,
# bool + int, a comparison result multiplied by an int, int(False), sum of bools,
# and builtins on bools: divmod, round, max/min (SymPy's true/false are not numbers).
# Historically crashed the analyzer's value arithmetic (bool treated apart from int).
# Expected: exit 0 or 1, no internal error, finishes quickly.
import flopscope.numpy as fnp

a, b = 5, 3
neg = -False
pos = +True
inv = ~True
x = True + 1
y = (a > b) * 3
z = int(False)
w = sum([True, False, True])
v = (a < b) - (a > b)
u = True / 2
t = False ** 0
s = abs(-True)
r = [0.0] * (True + 2)
n = 4 + x + y + z + w + v
k = divmod(True, 2)
k2 = divmod(7, True)
q = round(True) + round(False, 1)
m = max(True, 2) + min(False, -1) + max([a > b, False])

v1 = fnp.ones(n)
v2 = fnp.exp(v1) * (a > b)
v3 = v2[True:] * y
total = fnp.sum(v3 * (a != b)) + neg + pos + inv
