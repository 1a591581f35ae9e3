"""Two phases: a pilot that measures the per-layer noise, then the main run.

The pilot tells how noisy each layer is (per-unit variance). With that, the main run
can pick its chunking, and, more usefully, decide whether the exact layer-1 formula
should replace MC for layer 1 (always, it is exact) and how many samples it is
worth spending at all: once the standard error is below TARGET_SE, stop.

PHASES maps name -> share of what is *left* when the phase starts.
"""

import math
import warnings

import flopscope as flops
import flopscope.numpy as fnp

PHASES = {"pilot": 0.08, "main": 0.75}
PILOT_CAP = 2000
MAIN_CAP = 80_000
TARGET_SE = 2e-3
CHUNK = 2500
MAX_WORK = 1.2e10


def run(weights, rng, n, w, s1, s2, chunk=CHUNK):
    """Accumulate sums and sums of squares of the activations of n samples."""
    done = 0
    while done < n:
        step = min(chunk, n - done)
        h = rng.standard_normal((w, step))
        for l, W in enumerate(weights):
            h = fnp.maximum(W @ h, 0.0)
            s1[l] += h.sum(axis=1)
            s2[l] += (h * h).sum(axis=1)
        done += step
    return n


class Estimator:
    def predict(self, mlp, budget):
        weights = mlp.weights
        w, L = mlp.width, len(weights)
        per_sample = w + L * (w * w + 6 * w)
        rng = fnp.random.default_rng(mlp.seed + 16)
        s1, s2 = fnp.zeros((L, w)), fnp.zeros((L, w))
        n_total = 0
        needed = None

        for phase, share in PHASES.items():
            left = flops.current_budget().flops_remaining - 8 * L * w   # finishing ops
            n = int(share * left) // per_sample
            n = min(n, PILOT_CAP if phase == "pilot" else MAIN_CAP,
                    int(MAX_WORK) // (w * w * L))
            if phase == "main" and needed is not None:
                n = min(n, max(0, needed - n_total))
            if n <= 0:
                continue
            n_total += run(weights, rng, n, w, s1, s2)
            if phase == "pilot":
                mean = s1 / n_total
                var = fnp.maximum(s2 / n_total - mean * mean, 0.0)
                worst = float(fnp.max(var))
                needed = math.ceil(worst / TARGET_SE ** 2)
                if needed <= n_total:
                    break                       # the pilot is already good enough

        if n_total == 0:
            est = fnp.zeros((L, w))
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                est = s1 / n_total
        W0 = weights[0]
        est[0] = fnp.sqrt(fnp.sum(W0 * W0, axis=1) / (2 * math.pi))
        return est
