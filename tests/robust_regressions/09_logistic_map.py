# Reproduces: a logistic map iterated 80 times on float literals. If floats are
# tracked as exact rationals, the numerator and denominator double in size every
# step (2**80 digits): the analyzer used to hang inside big-rational arithmetic.
# Expected: exit 0 or 1, no internal error, finishes quickly.
import flopscope.numpy as fnp

x = 0.35
for i in range(80):
    x = 3.9 * x * (1 - x)

y = 0.1
for i in range(80):
    y = y * y + 0.25

z = 1.0 / 3.0
for i in range(80):
    z = (z + 2.0 / z) / 2.0

n = 16
v = fnp.ones(n) * x
total = fnp.sum(fnp.exp(v * y)) + z
