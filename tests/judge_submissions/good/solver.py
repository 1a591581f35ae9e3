"""Plain Monte-Carlo: push Gaussian inputs through the net in chunks and average.

About half the budget goes on samples; the chunk size comes from the budget so a
big budget does not mean one huge (w, n) block.
"""

import flopscope.numpy as fnp

SPEND = 0.5
MAX_CHUNK = 4096


def cost_per_sample(w, L):
    # one N(0,1) column, then per layer: matmul (w*w), relu (w), row sums (w), += (w)
    return w + L * (w * w + 3 * w)


class Estimator:
    def predict(self, mlp, budget):
        w = mlp.width
        L = len(mlp.weights)
        n = int(SPEND * budget) // cost_per_sample(w, L)
        if n < 1:
            return fnp.zeros((L, w))
        chunk = max(1, min(MAX_CHUNK, n // 8))
        rng = fnp.random.default_rng(mlp.seed + 1234)
        totals = fnp.zeros((L, w))
        done = 0
        while done < n:
            step = min(chunk, n - done)
            h = rng.standard_normal((w, step))
            for l, W in enumerate(mlp.weights):
                h = fnp.maximum(W @ h, 0.0)
                totals[l] += h.sum(axis=1)
            done += step
        return totals / n
