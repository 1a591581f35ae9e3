"""A helper module the solvers import: the analyzer reads only the analyzed file."""
import flopscope.numpy as fnp


class Smoother:
    def apply(self, a):
        return fnp.exp(a) + a


def make_smoother():
    return Smoother()
