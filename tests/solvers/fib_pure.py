import flopscope.numpy as fnp


def fib(k):
    if k < 2:
        return k
    return fib(k - 1) + fib(k - 2)


m = fib(n)
x = fnp.ones(3)
