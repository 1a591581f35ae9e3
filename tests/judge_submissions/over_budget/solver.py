"""Too greedy: 'the budget is a suggestion' - samples four times what it can pay for."""

import flopscope.numpy as fnp


class Estimator:
    def predict(self, mlp, budget):
        w = mlp.width
        L = len(mlp.weights)
        n = 4 * int(budget) // (w * w * L) + 1
        rng = fnp.random.default_rng(0)
        totals = fnp.zeros((L, w))
        done = 0
        while done < n:
            step = min(2048, n - done)
            h = rng.standard_normal((w, step))
            for l, W in enumerate(mlp.weights):
                h = fnp.maximum(W @ h, 0.0)
                totals[l] += h.sum(axis=1)
            done += step
        return totals / n
