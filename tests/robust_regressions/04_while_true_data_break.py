# Reproduces: a `while True:` loop whose iteration changes nothing the analyzer can
# see until a data-dependent break. Historically spun forever (the state never
# changes, so there is no fixed point to find and no counter to bound it).
# Expected: exit 0 or 1 (the loop's cost is unknown or bounded), no internal error.
import flopscope.numpy as fnp

x = fnp.ones(32)
tol = 1e-6
while True:
    y = fnp.exp(x)
    if fnp.max(y) > tol:
        break


def spin(v):
    while True:
        r = fnp.sqrt(v)
        if r[0] > 0.5:
            return r


out = spin(x)
items = [1, 2, 3]
while True:
    if len(items) > 0 and fnp.sum(x) > 0:
        break
