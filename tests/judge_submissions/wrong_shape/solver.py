"""Only estimates the last layer (returns (width,), not (depth, width))."""

import math

import flopscope.numpy as fnp


class Estimator:
    def predict(self, mlp, budget):
        return fnp.ones(mlp.width) * (1.0 / math.sqrt(math.pi))
