"""Randomly shifted lattice rule (RQMC) for the inputs.

lattice.npz (make_assets.py) holds a generating vector z (CBC-built, 256 dims) for
N = 1021 points. Each replicate: u_i = frac(i z / N + shift), x_i = Phi^-1(u_i).
Every single point is exactly N(0, I) because of the uniform shift, so the
estimate is unbiased; the lattice structure cuts variance in the first layers
(it helps less deep down, the relu's kill the smoothness). Replicates are
independent shifts; as many as the budget allows (capped).
Rows of z beyond the width are ignored; w > 256 would need a bigger asset.
"""

import os

import flopscope as flops
import flopscope.numpy as fnp
from flopscope.stats import norm

ASSET = "lattice.npz"
SPEND = float(os.environ.get("RQMC_SPEND", "0.6"))
MAX_REPLICATES = 40
MAX_WORK = 1.2e10
U_EPS = 1e-12


class Estimator:
    def setup(self, ctx):
        with fnp.load(os.path.join(ctx.submission_dir, ASSET)) as f:
            self.z = f["z"]
            self.n_points = int(f["n_points"])

    def replicate_cost(self, w, L):
        N = self.n_points
        # outer (N w), /N, + shift, % 1, clip, ppf: 6 N w; w shift draws; per layer 3 N w + w*w*N
        return 6 * N * w + w + L * (w * w * N + 3 * N * w)

    def predict(self, mlp, budget):
        if getattr(self, "z", None) is None:
            raise RuntimeError("setup was not run")
        w, L = mlp.width, mlp.depth
        N = self.n_points
        if w > self.z.shape[0]:
            raise ValueError(f"lattice asset only has {self.z.shape[0]} dims")

        reps = int(SPEND * budget) // self.replicate_cost(w, L)
        reps = min(reps, MAX_REPLICATES, int(MAX_WORK) // (w * w * N * L))
        if reps < 1:
            # not one full replicate: a truncated one (first m lattice points)
            m = int(SPEND * budget) // (self.replicate_cost(w, L) // N + 1)
            if m < 2:
                return fnp.zeros((L, w))
            N, reps = m, 1

        base = fnp.outer(fnp.arange(N), self.z[:w]) / self.n_points     # (N, w)
        rng = fnp.random.default_rng(mlp.seed + 14)
        acc = fnp.zeros((L, w))
        for _ in range(reps):
            shift = rng.random(w)
            u = fnp.clip((base + shift) % 1.0, U_EPS, 1.0 - U_EPS)
            h = norm.ppf(u).T                                            # (w, N)
            for l, W in enumerate(mlp.weights):
                h = fnp.maximum(W @ h, 0.0)
                acc[l] += fnp.sum(h, axis=1)
        return acc / (reps * N)
