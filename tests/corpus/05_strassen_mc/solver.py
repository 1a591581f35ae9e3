"""Monte-Carlo where every W @ H goes through Strassen.

Under the metering a multiply-add is one FLOP and an add is one FLOP, so one
Strassen level turns 8 half-size products into 7 for ~18 quarter-size adds. On
(w, w) @ (w, m) blocks that saves ~19% at w=256; at w=32 the adds eat the gain
(+13%), I keep it anyway, the sample count is planned with the real cost.
Below LEAF we just call matmul. LEVELS caps the recursion: the adds on views are
slow in wall time (a 2-level product is ~10x slower than BLAS), hence MAX_WORK.

strassen_flops() mirrors strassen() exactly so the sample count can be planned.
"""

import functools

import flopscope.numpy as fnp

LEAF = 8
LEVELS = 2
CHUNK = 1024          # samples per block (even, so it halves cleanly)
SPEND = 0.55
MAX_BLOCKS = 60
MAX_WORK = 1.2e9     # multiply-adds through strassen(): ~1-2 s at w=256


@functools.cache
def strassen_flops(n, m, levels=LEVELS):
    """FLOPs of strassen() for an (n, n) @ (n, m) product."""
    if n <= LEAF or levels == 0 or n % 2 or m % 2:
        return n * n * m
    h, k = n // 2, m // 2
    # 7 half products + 5 adds on A blocks + 5 on B blocks + 8 to assemble C + block()
    return 7 * strassen_flops(h, k, levels - 1) + 5 * h * h + 13 * h * k + n * m


def strassen(A, B, levels=LEVELS):
    n, m = A.shape[0], B.shape[1]
    if n <= LEAF or levels == 0 or n % 2 or m % 2:
        return A @ B
    h, k = n // 2, m // 2
    A11, A12, A21, A22 = A[:h, :h], A[:h, h:], A[h:, :h], A[h:, h:]
    B11, B12, B21, B22 = B[:h, :k], B[:h, k:], B[h:, :k], B[h:, k:]
    nxt = levels - 1
    M1 = strassen(A11 + A22, B11 + B22, nxt)
    M2 = strassen(A21 + A22, B11, nxt)
    M3 = strassen(A11, B12 - B22, nxt)
    M4 = strassen(A22, B21 - B11, nxt)
    M5 = strassen(A11 + A12, B22, nxt)
    M6 = strassen(A21 - A11, B11 + B12, nxt)
    M7 = strassen(A12 - A22, B21 + B22, nxt)
    C11 = M1 + M4 - M5 + M7
    C12 = M3 + M5
    C21 = M2 + M4
    C22 = M1 - M2 + M3 + M6
    return fnp.block([[C11, C12], [C21, C22]])


class Estimator:
    def predict(self, mlp, budget):
        w, L = mlp.width, mlp.depth
        chunk = CHUNK
        while chunk > 64 and w * w * L * chunk > MAX_WORK:
            chunk //= 2                      # wide and deep: smaller blocks
        per_block = w * chunk + L * (strassen_flops(w, chunk) + 3 * w * chunk)
        blocks = int(SPEND * budget) // per_block
        blocks = min(blocks, MAX_BLOCKS, int(MAX_WORK) // (w * w * L * chunk))
        n = blocks * chunk
        levels = LEVELS
        if blocks == 0:
            # budget too small for one full block: a short one, plain matmul
            levels = 0
            n = int(SPEND * budget) // (w + L * (w * w + 3 * w))
            n = min(n, chunk)
            if n < 2:
                return fnp.zeros((L, w))
        rng = fnp.random.default_rng(mlp.seed + 55)
        acc = fnp.zeros((L, w))
        done = 0
        while done < n:
            step = min(chunk, n - done)
            H = rng.standard_normal((w, step))
            for i in range(L):
                H = fnp.maximum(strassen(mlp.weights[i], H, levels), 0.0)
                acc[i] += fnp.sum(H, axis=1)
            done += step
        return acc / n
