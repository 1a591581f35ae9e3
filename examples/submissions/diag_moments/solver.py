"""Mean-field moments (diagonal covariance) + MC with whatever is left, blended.

Layer 1 is exact: z = W0 x ~ N(0, W0 W0^T) so E[relu(z_i)] = sd_i / sqrt(2 pi).
Layers 2..L: z_i ~ N(W m, (W*W) v) assuming independent units (that is the crude
part: it ignores the correlations between units), relu moments in closed form:
    E[relu]   = mu Phi(a) + s phi(a)
    E[relu^2] = (mu^2 + s^2) Phi(a) + mu s phi(a),   a = mu / s
The MC estimate is blended in with a pseudo-count PRIOR_WEIGHT for the moment guess.
"""

import math

import flopscope as flops
import flopscope.numpy as fnp

INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
PRIOR_WEIGHT = 200.0      # the moment estimate counts as this many MC samples
MC_SHARE = 0.7            # of what is left after the moments
CHUNK = 4096
MAX_SAMPLES = 100_000
MAX_WORK = 1.5e10
EPS = 1e-12


def relu_moments(mu, var):
    s = fnp.sqrt(var + EPS)
    a = mu / s
    cdf = flops.stats.norm.cdf(a)
    pdf = flops.stats.norm.pdf(a)
    m1 = mu * cdf + s * pdf
    m2 = (mu * mu + var) * cdf + mu * s * pdf
    return m1, fnp.maximum(m2 - m1 * m1, 0.0)


def moment_cost(w, L):
    # einsum W m (w^2), einsum W W v (2 w^2 via pairwise), + ~16 pointwise passes
    return L * (3 * w * w + 16 * w) + 4 * w * w


class Estimator:
    def predict(self, mlp, budget):
        weights = mlp.weights
        w, L = mlp.width, len(weights)
        rows = []

        if moment_cost(w, L) > 0.25 * budget:
            # cannot even afford mean-field at this size: layer 1 only, then hold it
            row = fnp.ones(w) * (INV_SQRT_2PI * math.sqrt(2.0))
            return fnp.stack([row] * L)

        # layer 1, exact
        W0 = weights[0]
        var1 = fnp.einsum("ij,ij->i", W0, W0)
        mean = fnp.sqrt(var1) * INV_SQRT_2PI
        var = var1 * (0.5 - INV_SQRT_2PI ** 2)
        rows.append(mean)
        for W in weights[1:]:
            mu = fnp.einsum("ij,j->i", W, mean)
            v = fnp.einsum("ij,ij,j->i", W, W, var)
            mean, var = relu_moments(mu, v)
            rows.append(mean)
        prior = fnp.stack(rows)

        # MC with what is left
        left = flops.current_budget().flops_remaining
        per_sample = w + L * (w * w + 3 * w)
        n = int(MC_SHARE * left) // per_sample
        n = min(n, MAX_SAMPLES, int(MAX_WORK) // (w * w * L))
        if n <= 0:
            return prior
        rng = fnp.random.default_rng(mlp.seed + 3)
        sums = fnp.zeros((L, w))
        done = 0
        while done < n:
            step = min(CHUNK, n - done)
            h = rng.standard_normal((w, step))
            for l, W in enumerate(weights):
                h = fnp.maximum(W @ h, 0.0)
                sums[l] += h.sum(axis=1)
            done += step

        blended = (sums + PRIOR_WEIGHT * prior) / (n + PRIOR_WEIGHT)
        blended[0] = prior[0]        # layer 1 is exact, keep it
        return blended
