import flopscope as flops
import flopscope.numpy as fnp

def gs(G):
    cols = []
    for v in G:
        if cols:
            Q = fnp.stack(cols)
            v = v - Q.T @ (Q @ v)
        nrm = fnp.linalg.norm(v)
        if float(nrm) < 1e-10:
            continue
        cols.append(v / nrm)
    return fnp.stack(cols)

def main(n):
    rng = fnp.random.default_rng(0)
    G = rng.standard_normal((n, n))
    B = gs(G)
    return B

main(n)
