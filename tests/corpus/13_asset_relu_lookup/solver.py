"""Mean-field propagation with a shipped lookup table instead of norm.cdf / pdf.

relu_table.npz (see make_assets.py) has g1(a) = E relu(a + Z) and g2(a) = E relu(a + Z)^2
on a grid; setup() loads it, predict() interpolates: E relu(mu + s Z) = s g1(mu / s).
interp costs n * log2(len(grid)) per call, a bit more than norm.cdf, but the table
can hold anything (I had a fitted correction in v1; gone now).

After the moments: MC with the rest, the usual blend; layer 1 exact.
"""

import math
import os

import flopscope as flops
import flopscope.numpy as fnp

ASSET = "relu_table.npz"
PRIOR_N = 250
MC_FRACTION = 0.65
CHUNK = 2048
MAX_SAMPLES = 100_000
MAX_WORK = 1e10


class Estimator:
    def setup(self, ctx):
        table = fnp.load(os.path.join(ctx.submission_dir, ASSET))
        self.grid = table["grid"]
        self.g1 = table["g1"]
        self.g2 = table["g2"]
        self.a_max = float(self.grid[-1])

    def _relu_moments(self, mu, var):
        s = fnp.sqrt(fnp.maximum(var, 1e-12))
        a = fnp.clip(mu / s, -self.a_max, self.a_max)
        m1 = s * fnp.interp(a, self.grid, self.g1)
        m2 = var * fnp.interp(a, self.grid, self.g2)
        return m1, fnp.maximum(m2 - m1 * m1, 0.0)

    def predict(self, mlp, budget):
        if not hasattr(self, "grid"):
            raise RuntimeError("setup was not run")
        w, L = mlp.width, mlp.depth
        lg = math.ceil(math.log2(self.grid.shape[0]))
        if L * (3 * w * w + (2 * lg + 14) * w) > 0.3 * budget:
            return fnp.zeros((L, w))

        first = mlp.weights[0]
        v1 = fnp.einsum("ij,ij->i", first, first)
        m, v = self._relu_moments(fnp.zeros(w), v1)
        prior = [m]
        for W in mlp.weights[1:]:
            m, v = self._relu_moments(fnp.einsum("ij,j->i", W, m), fnp.einsum("ij,ij,j->i", W, W, v))
            prior.append(m)
        prior = fnp.stack(prior)

        left = flops.current_budget().flops_remaining
        per = w + L * (w * w + 3 * w)
        n = min(int(MC_FRACTION * left) // per, MAX_SAMPLES, int(MAX_WORK) // (w * w * L))
        if n <= 0:
            return prior
        rng = fnp.random.default_rng(mlp.seed + 13)
        acc = fnp.zeros((L, w))
        done = 0
        while done < n:
            k = min(CHUNK, n - done)
            h = rng.standard_normal((w, k))
            for l in range(L):
                h = fnp.maximum(mlp.weights[l] @ h, 0.0)
                acc[l] += h.sum(axis=1)
            done += k
        est = (acc + PRIOR_N * prior) / (n + PRIOR_N)
        est[0] = prior[0]
        return est
