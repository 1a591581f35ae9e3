# Reproduces: huge integer constants computed by a called function: 1 << 10**9
# (a 125 MB int) and 10 ** 10 ** 8 (a 100-million-digit int; CPython takes minutes).
# Constant-folding them eagerly used to exhaust memory or hang the analyzer.
# Expected: exit 0 or 1, no internal error, finishes well within the time limit.
import flopscope.numpy as fnp


def huge(flag):
    if flag:
        a = 1 << 10**9
        b = 10 ** 10 ** 8
        return a + b
    return 0


def huge_size():
    n = 2 ** 200
    return fnp.ones(n % 7 + 1)


big = huge(True)
digits = big % 1000
v = huge_size()
total = fnp.sum(fnp.exp(v)) + digits
