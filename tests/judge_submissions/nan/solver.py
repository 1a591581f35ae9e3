"""Divides by a sample count that is zero: every entry is NaN."""

import flopscope.numpy as fnp


class Estimator:
    def predict(self, mlp, budget):
        L = len(mlp.weights)
        totals = fnp.zeros((L, mlp.width))
        n = fnp.zeros((L, mlp.width))
        return totals / n
