"""Baseline: brute-force Monte-Carlo through the whole net.

Half the budget goes to samples. Samples are pushed through in chunks so memory
stays flat at w=256 (a (256, 200k) float64 block would be 400 MB).

v3: chunk size from MC_CHUNK so I can tune it locally without editing the file.
"""

import math
import os

import flopscope.numpy as fnp

SPEND = 0.5                 # fraction of the budget for the sampling loop
CHUNK = int(os.environ.get("MC_CHUNK", "2048"))
MAX_SAMPLES = 200_000
MAX_WORK = 2 * 10**10       # multiply-adds; keeps w=256, L=32 under a few seconds
MIN_SAMPLES = 16
SEED_SALT = 0xC0FFEE

# E[relu(z)] for z ~ N(0, 2): what He init gives you at layer 1, and roughly everywhere
FIXED_POINT = math.sqrt(2.0) / math.sqrt(2.0 * math.pi)


def cost_per_sample(w, L):
    # one N(0,1) column + per layer: matmul (w*w), relu (w), running sum (w) + the += (w)
    return w + L * (w * w + 3 * w)


class Estimator:
    def predict(self, mlp, budget):
        w = mlp.width
        L = len(mlp.weights)
        per_sample = cost_per_sample(w, L)

        n = int(SPEND * budget) // per_sample
        n = min(n, MAX_SAMPLES, MAX_WORK // (w * w * L))
        if n < MIN_SAMPLES:
            # not even a handful of samples: the He fixed point everywhere (costs L*w)
            return fnp.ones((L, w)) * FIXED_POINT

        rng = fnp.random.default_rng(mlp.seed ^ SEED_SALT)
        totals = fnp.zeros((L, w))
        done = 0
        while done < n:
            step = min(CHUNK, n - done)        # the last chunk is short
            h = rng.standard_normal((w, step))
            for l, W in enumerate(mlp.weights):
                h = fnp.maximum(W @ h, 0.0)
                totals[l] += h.sum(axis=1)
            done += step
        return totals / n
