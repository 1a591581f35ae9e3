"""Builds lattice.npz: a rank-1 lattice rule for solver.py (plain numpy; run once).

Component-by-component construction (Nuyens & Cools style, done the slow obvious way)
of a generating vector z for N points in up to MAX_DIM dimensions, minimising the
shift-averaged worst-case error in the weighted Korobov space with alpha = 2 and
equal product weights gamma_j = GAMMA. Deterministic: no randomness at all.

(v1 had decaying weights 0.9 ** j: the CBC then stops caring about the later
coordinates and repeats components of z, which made it 5x WORSE than plain MC,
since W mixes all inputs equally. Equal weights: ~2x better than MC at w=32.)
"""

import math
import os

import numpy as np

N = 1021            # prime
MAX_DIM = 256
GAMMA = 0.1


def b2(x):
    return x * x - x + 1.0 / 6.0


if __name__ == "__main__":
    i = np.arange(N)
    cand = np.arange(1, N)
    # kernel values for every (candidate, point): 2 pi^2 B2({i c / N})
    K = 2.0 * math.pi ** 2 * b2(((cand[:, None] * i[None, :]) % N) / N)
    prod = np.ones(N)
    z = []
    for j in range(MAX_DIM):
        gamma = GAMMA
        err = (prod[None, :] * (1.0 + gamma * K)).mean(axis=1)
        best = int(np.argmin(err))
        z.append(int(cand[best]))
        prod = prod * (1.0 + gamma * K[best])
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lattice.npz")
    np.savez(out, z=np.array(z, dtype=np.int64), n_points=np.array(N), gamma=np.array(GAMMA))
    print(out, os.path.getsize(out), "bytes", z[:8])
