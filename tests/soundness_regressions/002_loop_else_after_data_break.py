# shapes: n=8
# seeds: 0, 1, 2, 3
# a loop's else after a break on data ran as exact; it is a branch on data (and never runs after a break decided by sizes)
import flopscope as flops
import flopscope.numpy as fnp

SEED = 0
rng = fnp.random.default_rng(SEED)
x = rng.standard_normal(n)
A = rng.standard_normal((n, n))
s = 0.0
for i in range(3):
    if float(x[i]) > 0.0:
        break
    s = s + fnp.sum(x)
else:
    B = A @ A
j = 0
while j < 3:
    if float(x[j]) < -0.5:
        break
    j += 1
else:
    C = A @ A
for k in range(4):
    if k == 2:
        break
else:
    D = A @ A
