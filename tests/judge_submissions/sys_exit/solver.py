"""Bails out with sys.exit when it thinks the budget is too small."""

import sys

import flopscope.numpy as fnp


class Estimator:
    def predict(self, mlp, budget):
        if budget < 1e12:
            print("budget too small, giving up")
            sys.exit(3)
        return fnp.zeros((len(mlp.weights), mlp.width))
