# shapes: n=4,m=1,k=1
# seeds: 0, 1, 2, 3
# a helper called in two bound regions (a branch on data and a try's else): its sites join the regions, judged as one
import flopscope as flops
import flopscope.numpy as fnp

SEED = 0
rng = fnp.random.default_rng(SEED)
x = rng.standard_normal(n)
A = rng.standard_normal((n, n))
def h1(u):
    t1 = fnp.exp(x)
    t2 = fnp.exp(x)
    return fnp.tanh(u)

v = fnp.tanh(x)
if float(fnp.sum(v)) > -1.0:
    v = h1(x)
else:
    t7 = fnp.exp(x)
try:
    L16 = fnp.linalg.cholesky(fnp.diag(x) + 1.0 * fnp.eye(n))
except fnp.linalg.LinAlgError:
    t17 = fnp.exp(x)
    t18 = fnp.exp(x)
except ValueError:
    t19 = fnp.exp(x)
else:
    t20 = fnp.exp(x)
    v = h1(x)
