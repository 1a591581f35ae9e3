"""Refuses nets it was not tuned for (a bug: the check is wrong for every net)."""

import flopscope.numpy as fnp


class Estimator:
    def predict(self, mlp, budget):
        if mlp.width < 1000:
            raise ValueError(f"width {mlp.width} not supported yet")
        return fnp.zeros((len(mlp.weights), mlp.width))
