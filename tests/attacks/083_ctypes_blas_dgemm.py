# class: 6 plain arrays from flopscope's exports
# mode: lockdown
# tries: ctypes: load NumPy's bundled OpenBLAS and call cblas_dgemm on two metered arrays' data pointers (A.ctypes.data): a 400x400 matmul with no NumPy call at all
# expected (secure): under flops.lockdown(): ctypes refused (LockdownError), or charged N**3
from _attack import lockdown

lockdown()

import ctypes  # noqa: E402
import glob  # noqa: E402
import os  # noqa: E402

import flopscope as flops  # noqa: E402
import flopscope.numpy as fnp  # noqa: E402
from _attack import main, measure  # noqa: E402

N = 400


def attack():
    A = fnp.ones((N, N))
    C = fnp.zeros((N, N))
    expected = measure(lambda: A @ A)
    libdir = os.path.join(os.path.dirname(os.path.dirname(flops.__file__)), "..")
    site = os.path.dirname(os.path.dirname(__import__("sys").modules["numpy"].__file__))
    lib = ctypes.CDLL(glob.glob(os.path.join(site, "numpy.libs", "libscipy_openblas*.so"))[0])
    dgemm = lib.scipy_cblas_dgemm64_
    dgemm.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64,
                      ctypes.c_double, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64,
                      ctypes.c_double, ctypes.c_void_p, ctypes.c_int64]
    del libdir
    with flops.BudgetContext(flop_budget=10**12, quiet=True) as b:
        # CblasRowMajor=101, CblasNoTrans=111
        dgemm(101, 111, 111, N, N, N, 1.0, A.ctypes.data, N, A.ctypes.data, N, 0.0, C.ctypes.data, N)
    assert float(C[0, 0]) == N
    return {"used": b.flops_used, "expected": expected}


main(attack)
