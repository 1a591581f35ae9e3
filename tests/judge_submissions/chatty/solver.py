"""Correct, but leaves its debug printing on (about 1 MB of it)."""

import flopscope.numpy as fnp


class Estimator:
    def predict(self, mlp, budget):
        for i in range(10_000):
            print(f"debug {i:06d}: " + "x" * 90)
        w = mlp.width
        L = len(mlp.weights)
        n = int(0.5 * budget) // (w + L * (w * w + 3 * w))
        rng = fnp.random.default_rng(mlp.seed)
        totals = fnp.zeros((L, w))
        done = 0
        while done < n:
            step = min(1024, n - done)
            h = rng.standard_normal((w, step))
            for l, W in enumerate(mlp.weights):
                h = fnp.maximum(W @ h, 0.0)
                totals[l] += h.sum(axis=1)
            done += step
        return totals / n
