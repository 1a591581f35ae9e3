"""Looks the answer up in a table precomputed offline (table.npz, shipped beside
this file): the He fixed point per layer, scaled per width. setup() loads it
outside the budget; predict() spends a little on a Monte-Carlo correction."""

import os

import flopscope.numpy as fnp


class Estimator:
    def setup(self, ctx):
        table = fnp.load(os.path.join(ctx.submission_dir, "table.npz"))
        self.prior = table["layer_means"]   # (max_depth,)

    def predict(self, mlp, budget):
        w = mlp.width
        L = len(mlp.weights)
        prior = fnp.ones((L, w)) * self.prior[:L].reshape(L, 1)
        n = int(0.25 * budget) // (w + L * (w * w + 3 * w))
        if n < 64:
            return prior
        rng = fnp.random.default_rng(mlp.seed + 7)
        h = rng.standard_normal((w, n))
        totals = fnp.zeros((L, w))
        for l, W in enumerate(mlp.weights):
            h = fnp.maximum(W @ h, 0.0)
            totals[l] = h.mean(axis=1)
        return 0.5 * prior + 0.5 * totals
