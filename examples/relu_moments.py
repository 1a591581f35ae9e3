"""Moment propagation through a ReLU MLP: per-layer activation means in closed form.

For a pre-activation z ~ N(mu, var), ReLU(z) has mean mu*Phi(a) + sd*phi(a) and second
moment (mu^2 + var)*Phi(a) + mu*sd*phi(a), a = mu/sd: two flops.stats.norm calls per
layer instead of sampling. The input's distribution ships with the solver as an .npz
asset (relu_moments_start.npz: the input mean and variance, 0-d arrays).

    flopscope analyze examples/relu_moments.py --shapes w=64,L=8
    flopscope check examples/relu_moments.py --shapes w=64,L=8
"""

import os

import flopscope as flops
import flopscope.numpy as fnp
from flopscope.stats import norm

w = 64  # width
L = 8  # depth
HERE = os.path.dirname(os.path.abspath(__file__))


def relu_moments(mu, var):
    """Elementwise mean and variance of ReLU(z) for z ~ N(mu, var)."""
    sd = fnp.sqrt(var)
    a = mu / sd
    cdf = norm.cdf(a)
    pdf = norm.pdf(a)
    mean = mu * cdf + sd * pdf
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, 0.0)


with flops.BudgetContext(flop_budget=10**7, namespace="relu-moments", quiet=True) as budget:
    start = fnp.load(os.path.join(HERE, "relu_moments_start.npz"))
    mean = fnp.full(w, start["mean"])
    var = fnp.full(w, start["var"])
    rng = fnp.random.default_rng(0)
    weights = [rng.normal(0.0, (2.0 / w) ** 0.5, size=(w, w)) for _ in range(L)]  # He initialisation
    layer_means = []
    total = 0.0
    for W in weights:
        mu = W @ mean  # E[Wx] for independent inputs
        v = (W * W) @ var  # Var[Wx]
        mean, var = relu_moments(mu, v)
        layer_means.append(mean)
        total = total + fnp.mean(mean)  # a 0-d metered result: the add costs 1
    estimate = fnp.stack(layer_means)

print(f"average activation over {L} layers: {float(total) / L:.4f}")
print(budget.summary())
