import flopscope as flops
import flopscope.numpy as fnp

def factor(S):
    try:
        return fnp.linalg.cholesky(S)
    except fnp.linalg.LinAlgError:
        lam, U = fnp.linalg.eigh(S)
        lam = fnp.maximum(lam, 0.1 * fnp.mean(lam))
        return U * fnp.sqrt(lam)[None, :]

def loop(S, k):
    out = 0
    for i in range(k):
        try:
            if i == 2:
                break
            out = out + fnp.sum(S)
        except ValueError:
            out = out + fnp.sum(S * S)
    return out

S = fnp.zeros((n, n))
F = factor(S)
t = loop(S, 5)
