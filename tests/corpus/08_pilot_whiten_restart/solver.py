"""Pilot run, Gaussian fit of a middle layer's pre-activations, restart from there.

1. pilot: n0 full-depth samples (n0 ~ w / 2, cheap)
2. fit N(m, S) to the pilot's pre-activations z_K at K = L // 2. Factor S = F F^T:
   Cholesky, or eigh with the eigenvalues floored at FLOOR * their mean when
   Cholesky says no (n0 <= w makes S singular, so that is the usual case).
3. main: draw z_K = m + F e, push relu(z_K) through layers K+1..L (only half the
   depth per sample -> twice the samples).
Layers 1..K come from the pilot plus an extra cheap pass through the first K layers.

Known weakness: the tail is biased (z_K is not Gaussian, and m, S carry the pilot's
noise): ~0.05 mean abs error on the last layer where plain MC gets ~0.005. Kept
because it was the only thing that beat MC at w=256, L=32 on my box.
"""

import math

import flopscope as flops
import flopscope.numpy as fnp

PILOT_DIV = 2           # n0 = w // PILOT_DIV  (but at least MIN_PILOT)
MIN_PILOT = 24
FLOOR = 0.05
MAIN_SHARE = 0.7
MAX_SAMPLES = 60_000
MAX_WORK = 1.2e10
CHUNK = 3000


def forward_sums(weights, h, sums, keep_pre_at=None):
    pre_keep = None
    for l, W in enumerate(weights):
        z = W @ h
        if l == keep_pre_at:
            pre_keep = z
        h = fnp.maximum(z, 0.0)
        sums[l] += h.sum(axis=1)
    return pre_keep


def factor(S):
    try:
        return fnp.linalg.cholesky(S)
    except fnp.linalg.LinAlgError:
        lam, U = fnp.linalg.eigh(S)
        lam = fnp.maximum(lam, FLOOR * fnp.mean(lam))
        return U * fnp.sqrt(lam)[None, :]


class Estimator:
    def predict(self, mlp, budget):
        weights = mlp.weights
        w, L = mlp.width, mlp.depth
        K = L // 2
        per_full = w + L * (w * w + 3 * w)
        n0 = max(MIN_PILOT, w // PILOT_DIV)
        fit_cost = 2 * w * w * n0 + 3 * w ** 3 + 10 * w * w
        if n0 * per_full + fit_cost > 0.5 * budget:
            # tiny budget: whatever plain MC fits in a fifth of it
            n0 = int(0.2 * budget) // per_full
            if n0 == 0:
                return fnp.zeros((L, w))
            rng = fnp.random.default_rng(mlp.seed)
            s = fnp.zeros((L, w))
            forward_sums(weights, rng.standard_normal((w, n0)), s)
            return s / n0

        rng = fnp.random.default_rng(mlp.seed + 2718)
        pilot = fnp.zeros((L, w))
        zK = forward_sums(weights, rng.standard_normal((w, n0)), pilot, keep_pre_at=K)

        # gaussian fit of z_K
        m = zK.mean(axis=1)
        D = zK - m[:, None]
        S = fnp.einsum("in,jn->ij", D, D) / (n0 - 1)
        F = factor(S)

        # main phase: split what is left between the head (layers 1..K) and the tail
        left = flops.current_budget().flops_remaining
        head_per = w + (K + 1) * (w * w + 3 * w)
        tail_per = w * w + 2 * w + (L - K - 1) * (w * w + 3 * w)
        n = int(MAIN_SHARE * left) // (head_per + tail_per)
        n = min(n, MAX_SAMPLES, int(MAX_WORK) // (w * w * (L + 1)))
        head = fnp.zeros((K + 1, w))
        tail = fnp.zeros((L - K - 1, w))
        for start in range(0, n, CHUNK):
            b = min(CHUNK, n - start)
            forward_sums(weights[:K + 1], rng.standard_normal((w, b)), head)
            h = fnp.maximum(F @ rng.standard_normal((w, b)) + m[:, None], 0.0)
            forward_sums(weights[K + 1:], h, tail)

        total = n + n0
        top = (head + pilot[:K + 1]) / total
        if L - K - 1 == 0:
            return top
        # the tail only saw the restarted samples; trust the pilot by its share
        bottom = (tail + pilot[K + 1:]) / total
        return fnp.concatenate([top, bottom])
