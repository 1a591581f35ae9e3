"""Builds relu_table.npz for solver.py (plain numpy, deterministic; run once).

For z = a + Z, Z ~ N(0, 1):
    g1(a) = E[relu(z)]   = a Phi(a) + phi(a)
    g2(a) = E[relu(z)^2] = (a^2 + 1) Phi(a) + a phi(a)
tabulated on a uniform grid of a in [-A_MAX, A_MAX]. E[relu(mu + s Z)] = s g1(mu / s).
"""

import math
import os

import numpy as np

A_MAX = 8.0
POINTS = 1601

if __name__ == "__main__":
    grid = np.linspace(-A_MAX, A_MAX, POINTS)
    Phi = np.array([0.5 * math.erfc(-a / math.sqrt(2.0)) for a in grid])
    phi = np.exp(-0.5 * grid ** 2) / math.sqrt(2.0 * math.pi)
    g1 = grid * Phi + phi
    g2 = (grid ** 2 + 1.0) * Phi + grid * phi
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "relu_table.npz")
    np.savez(out, grid=grid, g1=g1, g2=g2, version=np.array(2))
    print(out, os.path.getsize(out), "bytes")
