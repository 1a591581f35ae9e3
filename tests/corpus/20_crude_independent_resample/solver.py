"""DELIBERATELY CRUDE: layer-by-layer resampling with independent units.

Layer 1 is sampled properly (x ~ N(0, I)). After that, every layer draws fresh
inputs from independent per-unit Gaussians matched to the previous layer's
mean/var, clipped at 0 (so not even the matched moments survive), i.e. it throws
away all correlation between units at every layer. That is the mean-field
assumption done by sampling: biased by ~0.03-0.06 per unit on the last layer at
w=16..64 where plain MC gets ~0.005. It is here as the "wrong but not broken"
reference: the corpus test's loose bound must still accept it.
"""

import math

import flopscope as flops
import flopscope.numpy as fnp

SAMPLES_SHARE = 0.5
CHUNK = 4096
MAX_PER_LAYER = 40_000
MAX_WORK = 1.2e10


def layer_stats(weights, x):
    h = fnp.maximum(weights @ x, 0.0)
    m = fnp.mean(h, axis=1)
    v = fnp.var(h, axis=1)
    return m, v


class Estimator:
    def predict(self, mlp, budget):
        weights = mlp.weights
        w, L = mlp.width, mlp.depth
        # per layer and sample: draw (w), shift/scale (2w), W @ (w^2), relu w, mean w, var w
        per = w * w + 6 * w
        n = int(SAMPLES_SHARE * budget) // (L * per)
        n = min(n, MAX_PER_LAYER, int(MAX_WORK) // (w * w * L))
        n = min(n, CHUNK)              # one chunk per layer is all this deserves
        if n < 4:
            return fnp.zeros((L, w))
        rng = fnp.random.default_rng(mlp.seed + 20)

        means = []
        m, v = layer_stats(weights[0], rng.standard_normal((w, n)))
        means.append(m)
        hidden = weights[1:-1]
        for W in hidden:
            # the crude bit: independent Gaussians with the right mean/var, rectified
            x = fnp.maximum(m[:, None] + fnp.sqrt(v)[:, None] * rng.standard_normal((w, n)), 0.0)
            m, v = layer_stats(W, x)
            means.append(m)
        if L > 1:
            x = fnp.maximum(m[:, None] + fnp.sqrt(v)[:, None] * rng.standard_normal((w, n)), 0.0)
            m, _ = layer_stats(weights[-1], x)
            means.append(m)
        est = fnp.stack(means)
        # layer 1 from its closed form, the sampled one is noisier
        est[0] = fnp.sqrt(fnp.sum(weights[0] ** 2, axis=1)) / math.sqrt(2 * math.pi)
        return est
