"""MC with a batch-means stopping rule: stop when the last layer is known well enough.

Each batch gives its own per-layer mean; the spread of the batch means gives an
honest standard error (no iid-per-unit assumption). Stop once the worst unit's SE
on the last layer is under the plan's tolerance, or when the plan's share of the
budget is gone. Plans are picked by problem size (dict, first one that fits).
"""

import math
import warnings
from dataclasses import dataclass

import flopscope as flops
import flopscope.numpy as fnp


@dataclass(frozen=True)
class Plan:
    share: float        # of the budget
    batch: int          # samples per batch
    tol: float          # target SE on the last layer
    max_batches: int


PLANS = {
    "small": Plan(share=0.55, batch=512, tol=1e-3, max_batches=120),
    "medium": Plan(share=0.6, batch=2048, tol=2e-3, max_batches=60),
    "large": Plan(share=0.6, batch=4096, tol=3e-3, max_batches=8),
}
SIZE_LIMITS = {"small": 2 * 10**4, "medium": 3 * 10**5}     # w * w * L
MIN_BATCHES = 4


class Estimator:
    @classmethod
    def pick_plan(cls, w, L):
        work = w * w * L
        for name, limit in SIZE_LIMITS.items():
            if work <= limit:
                return name, PLANS[name]
        return "large", PLANS["large"]

    def predict(self, mlp, budget):
        w, L = mlp.width, mlp.depth
        name, plan = self.pick_plan(w, L)
        per_sample = w + L * (w * w + 2 * w) + L * w          # + the batch-mean divide
        n = int(plan.share * budget) // per_sample
        n = min(n, plan.batch * plan.max_batches)
        if n < 2:
            return fnp.zeros((L, w))

        rng = fnp.random.default_rng(mlp.seed * 31 + 19)
        batch_means, sizes = [], []
        done = 0
        while done < n:
            step = min(plan.batch, n - done)
            h = rng.standard_normal((w, step))
            rows = []
            for W in mlp.weights:
                h = fnp.maximum(W @ h, 0.0)
                rows.append(h.sum(axis=1))
            batch_means.append(fnp.stack(rows) / step)
            sizes.append(step)
            done += step
            k = len(batch_means)
            if k >= MIN_BATCHES and done < n:
                # SE check costs ~4 k w; only worth it while there is budget left
                if flops.current_budget().flops_remaining < 8 * k * L * w + per_sample * plan.batch:
                    break
                last = fnp.stack([bm[-1] for bm in batch_means])      # (k, w)
                se = fnp.max(fnp.std(last, axis=0)) / math.sqrt(k)
                if float(se) < plan.tol:
                    break

        stacked = fnp.stack(batch_means)                            # (k, L, w)
        wts = fnp.asarray(sizes, dtype=float) / float(sum(sizes))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = fnp.einsum("k,klw->lw", wts, stacked)
        self.plan_used = (name, len(sizes), done)
        return est
