"""Kills its own process with os._exit (no cleanup, no exception)."""

import os

import flopscope.numpy as fnp


class Estimator:
    def predict(self, mlp, budget):
        if budget < 1e12:
            os._exit(7)
        return fnp.zeros((len(mlp.weights), mlp.width))
