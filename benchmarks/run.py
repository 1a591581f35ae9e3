"""flopscope benchmarks: per-call overhead of the metered runtime, and import time.

Each row times the same operation on the same inputs with plain NumPy and with
flopscope inside a BudgetContext, in back-to-back pairs whose order alternates,
so that both see the same machine state. The table reports median call times
and the median of the paired differences (the overhead).

Targets: at most 3 us added per call, and at most 50 ms added to import time.
The analyzer, as the whole ``flopscope analyze`` command in a fresh process, in CPU
time: the guide's example within 0.45 s, generated solvers of 2,000 lines within 2 s
and of 32,000 lines within 8 s and 300 MiB. The runtime's caches and log: 10,000
shapes in rotation within 1.5x the added time of one; a new shape at every call keeps
at most 100 bytes per call over 10^6 calls, and summary() then takes under 10 ms.
At the contest's sizes (w=256, L=32, B=2.72e11), the analysis alone of every corpus
solver (tests/corpus), each in a fresh process: at most 60 s of CPU and 2 GiB.

Every subprocess has a wall-clock guard (``GUARD_S``): a hung child is killed, the
bench does not wait for it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp

CALL_TARGET_US = 3.0
IMPORT_TARGET_MS = 50.0
ANALYZE_GUIDE_CPU_TARGET_S = 0.45
ANALYZE_2K_CPU_TARGET_S = 2.0
ANALYZE_32K_CPU_TARGET_S = 8.0
ANALYZE_32K_MEMORY_TARGET_MIB = 300.0
CHANGING_SHAPES_TARGET_BYTES = 100.0
SUMMARY_TARGET_MS = 10.0
ROTATION_TARGET_RATIO = 1.5
CONTEST_SHAPES = "w=256,L=32,B=272000000000"
CONTEST_CPU_TARGET_S = 60.0
CONTEST_MEMORY_TARGET_MIB = 2048.0
GUARD_S = 300.0  # wall-clock limit of any one subprocess (the analyzer stops itself at 120 s)
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(os.path.dirname(HERE), "tests", "corpus")


TARGETED_CASES = 6  # the first six rows carry the per-call target; the rest are for information


def _cases():
    rng_np, rng_fnp = np.random.default_rng(4), fnp.random.default_rng(4)
    a, b = np.ones(10), np.ones(10)
    fa, fb = fnp.asarray(a), fnp.asarray(b)
    E = np.random.default_rng(0).standard_normal((256, 256))
    M = np.random.default_rng(1).standard_normal((256, 256))
    v = np.random.default_rng(2).standard_normal(256)
    fM, fv = fnp.asarray(M), fnp.asarray(v)
    big = np.ones(10**6)
    S = M @ M.T + 256 * np.eye(256)
    S8 = S[:8, :8]
    w = np.random.default_rng(3).standard_normal(1000)
    sym = flops.as_symmetric(S, symmetry=(0, 1))
    from scipy.special import ndtr, ndtri

    q10 = np.linspace(0.05, 0.95, 10)
    flops.stats.norm.cdf(0.0)  # loads SciPy once, outside the timings
    s_np = np.sum(v)
    s_fs = fnp.sum(fv)
    pos, fpos = v > 0, fv > 0  # (where's condition made once: the row times where alone)
    return [
        ("add, 10 elements", lambda: np.add(a, b), lambda: fnp.add(a, b), 40000),
        ("a + b, 10 elements", lambda: a + b, lambda: fa + fb, 40000),
        ("exp, 256x256", lambda: np.exp(E), lambda: fnp.exp(E), 6000),
        ("einsum('ij,j->i'), 256", lambda: np.einsum("ij,j->i", M, v), lambda: fnp.einsum("ij,j->i", M, v), 10000),
        ("A @ x, 256", lambda: M @ v, lambda: fM @ fv, 20000),
        ("sum, 10^6 elements", lambda: np.sum(big), lambda: fnp.sum(big), 3000),
        # beyond the targeted list (no target): the generic table path, linalg, random, symmetry
        ("sort, 1000 elements", lambda: np.sort(w), lambda: fnp.sort(w), 20000),
        ("linalg.solve, 8x8", lambda: np.linalg.solve(S8, v[:8]), lambda: fnp.linalg.solve(S8, v[:8]), 20000),
        ("rng.normal(size=1000)", lambda: rng_np.normal(size=1000), lambda: rng_fnp.normal(size=1000), 20000),
        ("exp of a symmetric 256x256", lambda: np.exp(S), lambda: fnp.exp(sym), 6000),
        # COST_MODEL v1.1: flops.stats against the same SciPy special function unmetered,
        # and arithmetic on 0-d results against the same on NumPy scalars
        ("norm.cdf, 256x256", lambda: ndtr(E), lambda: flops.stats.norm.cdf(E), 6000),
        ("norm.ppf, 10 elements", lambda: ndtri(q10), lambda: flops.stats.norm.ppf(q10), 20000),
        ("s * s + 1.0, 0-d", lambda: s_np * s_np + 1.0, lambda: s_fs * s_fs + 1.0, 40000),
        # sequence ops (a list of arrays) and where / reshape
        ("concatenate, 3 x (256,)", lambda: np.concatenate([v, v, v]), lambda: fnp.concatenate([fv, fv, fv]), 20000),
        ("stack, 3 x (256,)", lambda: np.stack([v, v, v]), lambda: fnp.stack([fv, fv, fv]), 20000),
        ("where, (256,)", lambda: np.where(pos, v, 0.0), lambda: fnp.where(fpos, fv, 0.0), 20000),
        ("reshape, 256x256", lambda: np.reshape(M, (-1,)), lambda: fnp.reshape(fM, (-1,)), 40000),
    ]


def _paired_us(plain, metered, pairs: int) -> tuple[float, float, float]:
    """Median per-call times and the median paired difference, in microseconds.

    Each pair times one plain call and one metered call back to back, the order
    alternating from pair to pair, so that both see the same cache and clock
    state; the median of thousands of paired differences is stable even for
    memory-bound calls whose own time varies by several microseconds.
    """
    pc = time.perf_counter
    t_plain, t_metered, diffs = [], [], []
    for i in range(pairs):
        if i % 2:
            a = pc(); plain(); b = pc(); metered(); c = pc()  # noqa: E702
            dp, dm = b - a, c - b
        else:
            a = pc(); metered(); b = pc(); plain(); c = pc()  # noqa: E702
            dm, dp = b - a, c - b
        t_plain.append(dp)
        t_metered.append(dm)
        diffs.append(dm - dp)
    med = statistics.median
    return med(t_plain) * 1e6, med(t_metered) * 1e6, med(diffs) * 1e6


def bench_calls(scale: float) -> list[tuple]:
    rows = []
    with flops.BudgetContext(flop_budget=10**18):
        for name, plain, metered, number in _cases():
            for _ in range(10):  # warm up caches and the cost cache
                plain(), metered()
            pairs = max(200, int(number * scale))
            rows.append((name, *_paired_us(plain, metered, pairs)))
    return rows


def _import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=_ENV,
                         timeout=GUARD_S).stdout
    return float(out)


# Imports are timed as an installed package runs them: with bytecode caches
# (some shells export PYTHONDONTWRITEBYTECODE, which would time compilation).
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _rotation_us(shapes: list, calls: int) -> float:
    n = len(shapes)
    plain = [np.ones(shape) for shape in shapes]
    metered = [fnp.asarray(p) for p in plain]
    with flops.BudgetContext(flop_budget=10**15, quiet=True):
        for x in metered:
            fnp.exp(x)  # every shape priced once
        t = time.process_time()
        for i in range(calls):
            fnp.exp(metered[i % n])
        spent = time.process_time() - t
    t = time.process_time()
    for i in range(calls):
        np.exp(plain[i % n])
    base = time.process_time() - t
    return (spent - base) / calls * 1e6


ROTATIONS = {
    # 10,000 shapes of 1 to 10,000 elements against one of 1 element (the data itself
    # evicts the meter's tables from the CPU's caches: the harder case, with the target)
    "sizes": ([(1,)], [(1 + k,) for k in range(10000)]),
    # the same, all of them empty: what the price cache and the op log cost alone
    "empty": ([(1, 0)], [(1 + k, 0) for k in range(10000)]),
}


def bench_rotation(calls: int = 60000, rounds: int = 5) -> dict:
    """Added CPU time per call of fnp.exp over 1 and over 10,000 shapes in rotation,
    (one, many) for each kind of ROTATIONS (the best of ``rounds`` alternating rounds)."""
    out = {}
    for kind, (one, many) in ROTATIONS.items():
        best = [float("inf"), float("inf")]
        for _ in range(rounds):
            best[0] = min(best[0], _rotation_us(one, calls))
            best[1] = min(best[1], _rotation_us(many, calls))
        out[kind] = tuple(best)
    return out


# A loop whose shapes change at every call (zero-size views, so that NumPy's own work
# is nil): the memory the meter keeps per call, and what summary() then costs.
_CHANGING_SHAPES = """
import os, sys, time
import numpy as np
import flopscope as flops
import flopscope.numpy as fnp

def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

calls = int(sys.argv[1])
base = fnp.asarray(np.empty((calls + 2001, 0)))
with flops.BudgetContext(flop_budget=10**15, quiet=True) as ctx:
    for k in range(1, 2001):
        fnp.exp(base[:k])
    before = rss()
    t = time.process_time()
    for k in range(2001, calls + 2001):
        fnp.exp(base[:k])
    spent = time.process_time() - t
    after = rss()
    t = time.process_time()
    ctx.summary()
    summary_s = time.process_time() - t
print((after - before) / calls, spent / calls * 1e6, summary_s * 1e3)
"""


def bench_changing_shapes(calls: int = 1_000_000) -> tuple[float, float, float]:
    """(bytes kept per call, CPU us per call, summary() ms) over ``calls`` calls of
    fnp.exp, each on a shape not seen before, in a fresh process."""
    out = subprocess.run([sys.executable, "-c", _CHANGING_SHAPES, str(calls)], check=True, capture_output=True,
                         text=True, env=_ENV, timeout=GUARD_S).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def bench_import(rounds: int) -> tuple[float, float]:
    _import_seconds("flopscope.numpy")  # writes the bytecode caches once
    numpy_s = [_import_seconds("numpy") for _ in range(rounds)]
    flopscope_s = [_import_seconds("flopscope.numpy") for _ in range(rounds)]
    return statistics.median(numpy_s) * 1e3, statistics.median(flopscope_s) * 1e3


def bench_analyzer(rounds: int = 3) -> list[dict]:
    """``flopscope analyze`` as a user runs it, each in a fresh process: CPU seconds
    (user + system, the best of ``rounds``: a loaded machine inflates wall time, not
    this) and peak resident MiB. Beside them, the floor no analysis can go under:
    Python importing SymPy and LibCST, which the analyzer needs."""
    import tempfile

    sys.path.insert(0, HERE)
    from gen_solver import generate

    guide = os.path.join(os.path.dirname(HERE), "examples", "guide_solver.py")
    flopscope_cmd = [sys.executable, "-m", "flopscope", "analyze"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("import sympy, libcst (floor)", None, [sys.executable, "-c", "import sympy, libcst"], None, None),
                 ("the guide's example", guide, flopscope_cmd + [guide, "--shapes", "n=256"],
                  ANALYZE_GUIDE_CPU_TARGET_S, None)]
        for blocks, target_s, target_mib in ((2000, ANALYZE_2K_CPU_TARGET_S, None),
                                             (32000, ANALYZE_32K_CPU_TARGET_S, ANALYZE_32K_MEMORY_TARGET_MIB)):
            path = os.path.join(tmp, f"solver_{blocks}.py")
            with open(path, "w") as fh:
                fh.write(generate(blocks))
            cases.append((f"generated solver", path, flopscope_cmd + [path, "--shapes", "n=256,m=32,d=4",
                                                                      "--timeout", "600"], target_s, target_mib))
        _run_child(flopscope_cmd + [guide], GUARD_S)  # bytecode caches
        for name, path, cmd, target_s, target_mib in cases:
            runs = [_run_child(cmd, GUARD_S) for _ in range(rounds if path is None or "solver_32000" not in path else 1)]
            lines = sum(1 for _ in open(path)) if path else 0
            rows.append({"input": name, "lines": lines, "cpu_s": min(r["cpu_s"] for r in runs),
                         "peak_mib": min(r["peak_mib"] for r in runs), "ok": all(r["status"] == 0 for r in runs),
                         "target_s": target_s, "target_mib": target_mib})
    return rows


# A small stdlib-only process between the bench and each measured command: Linux counts
# in a child's ru_maxrss the resident size of the process it was forked from (up to its
# exec), so a command forked straight from this process, which holds NumPy, SciPy and the
# runtime's benchmark arrays, could never report less than this process's own peak. The
# launcher runs the command, reaps it with os.wait4, kills it at the guard, and writes its
# exit status and resource usage to the file named by its third argument.
_LAUNCHER = """
import json, os, subprocess, sys, time
cmd, guard, report = json.loads(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
proc = subprocess.Popen(cmd)
deadline = time.monotonic() + guard
killed = False
while True:
    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
    if pid:
        break
    if time.monotonic() > deadline:
        proc.kill()
        killed = True
        pid, status, usage = os.wait4(proc.pid, 0)
        break
    time.sleep(0.02)
proc.returncode = os.waitstatus_to_exitcode(status)
with open(report, "w") as fh:
    json.dump({"status": None if killed else proc.returncode, "cpu_s": usage.ru_utime + usage.ru_stime,
               "maxrss": usage.ru_maxrss}, fh)
"""


def _run_child(cmd: list[str], guard_s: float) -> dict:
    """Run ``cmd`` in a fresh process (through ``_LAUNCHER``) for its own resource usage.

    Returns its exit status (None when the guard killed it), stdout, the tail of
    stderr, its CPU seconds (user + system) and its peak resident memory in MiB
    (ru_maxrss from os.wait4). The launcher and the command run in a session of their
    own, killed as a whole if even the launcher outlives the guard by 30 s.
    """
    import json
    import signal
    import tempfile

    with tempfile.TemporaryDirectory(prefix="flopscope-bench-") as tmp:
        report = os.path.join(tmp, "usage.json")
        with open(os.path.join(tmp, "stdout"), "w+b") as out, open(os.path.join(tmp, "stderr"), "w+b") as err:
            launcher = subprocess.Popen([sys.executable, "-I", "-S", "-c", _LAUNCHER, json.dumps(cmd), str(guard_s), report],
                                        stdout=out, stderr=err, env=_ENV, start_new_session=True)
            try:
                launcher.wait(timeout=guard_s + 30)
            except subprocess.TimeoutExpired:
                pass  # reported below as killed by the guard
            finally:
                if launcher.returncode is None:  # hung, or this bench was interrupted: leave nothing behind
                    os.killpg(launcher.pid, signal.SIGKILL)
                    launcher.wait()
            out.seek(0)
            err.seek(0)
            stdout = out.read().decode("utf-8", "replace")
            stderr = err.read().decode("utf-8", "replace").strip()
        try:
            with open(report) as fh:
                usage = json.load(fh)
        except (OSError, ValueError):  # the launcher itself was killed: nothing was measured
            usage = {"status": None, "cpu_s": float("nan"), "maxrss": 0}
    # ru_maxrss is in KiB on Linux, in bytes on macOS
    peak_mib = usage["maxrss"] / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return {"status": usage["status"], "stdout": stdout, "stderr": stderr[-300:], "cpu_s": usage["cpu_s"],
            "peak_mib": peak_mib}


def bench_contest(guard_s: float = GUARD_S) -> list[dict]:
    """``flopscope analyze`` (the analysis alone, not the run) of every corpus solver at
    the contest's sizes, each in a fresh process, with its CPU time and peak memory."""
    import glob
    import json

    rows = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "[0-9][0-9]_*", "solver.py"))):
        name = os.path.basename(os.path.dirname(path))
        child = _run_child([sys.executable, "-m", "flopscope", "analyze", path, "--contract", "estimator",
                            "--shapes", CONTEST_SHAPES, "--format", "json"], guard_s)
        row = {"solver": name, "label": "-", "value": None, "cpu_s": child["cpu_s"], "peak_mib": child["peak_mib"],
               "problem": None}
        if child["status"] is None:
            row["problem"] = f"killed by the {guard_s:g} s guard"
        elif child["status"] not in (0, 1):  # 1: a prediction that is not exact; 2: an error
            row["problem"] = f"exit {child['status']}: {child['stderr'] or child['stdout'][-300:]}"
        else:
            try:
                report = json.loads(child["stdout"])
                row["label"] = report["total"]["label"]
                row["value"] = report["total"]["value"]
                if report.get("stopped"):
                    row["problem"] = f"the analysis stopped: {report['stopped']}"
            except (ValueError, KeyError, TypeError) as err:
                row["problem"] = f"unreadable JSON ({type(err).__name__}: {err})"
        row["ok"] = (row["problem"] is None and row["cpu_s"] <= CONTEST_CPU_TARGET_S
                     and row["peak_mib"] <= CONTEST_MEMORY_TARGET_MIB)
        rows.append(row)
    return rows


def main() -> int:
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    print("flopscope runtime overhead per call (medians over paired, alternating calls)\n")
    header = f"{'operation':<26}{'numpy us':>11}{'flopscope us':>14}{'overhead us':>13}  target <= {CALL_TARGET_US:g} us"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for i, (name, t_np, t_fs, diff) in enumerate(bench_calls(scale)):
        if i < TARGETED_CASES:
            worst = max(worst, diff)
            verdict = "ok" if diff <= CALL_TARGET_US else "OVER"
        else:
            verdict = "(no target)"
        print(f"{name:<26}{t_np:>11.2f}{t_fs:>14.2f}{diff:>13.2f}  {verdict}")
    np_ms, fs_ms = bench_import(7)
    print()
    print(f"import numpy               {np_ms:8.1f} ms")
    print(f"import flopscope.numpy     {fs_ms:8.1f} ms   (+{fs_ms - np_ms:.1f} ms, target <= {IMPORT_TARGET_MS:g} ms)")
    print(f"\nworst per-call overhead of the targeted rows: {worst:.2f} us")
    rotation = bench_rotation()
    print("\nfnp.exp over shapes in rotation, added CPU time per call (best of 5 rounds)")
    one, many = rotation["sizes"]
    print(f"  1 shape of 1 element           {one:6.2f} us")
    print(f"  10,000 shapes of 1..10,000     {many:6.2f} us  ({many / one:.2f}x one shape)  "
          f"target <= {ROTATION_TARGET_RATIO:g}x  " + ("ok" if many <= ROTATION_TARGET_RATIO * one else "OVER"))
    one, many = rotation["empty"]
    print(f"  the same, every array empty    {one:6.2f} us vs {many:.2f} us  ({many / one:.2f}x: the price cache "
          "and the op log alone)")
    per_call, us_call, summary_ms = bench_changing_shapes()
    print("\nfnp.exp on a new shape at every call, 10^6 calls in a fresh process")
    print(f"  memory kept per call  {per_call:8.1f} bytes   target <= {CHANGING_SHAPES_TARGET_BYTES:g}  "
          + ("ok" if per_call <= CHANGING_SHAPES_TARGET_BYTES else "OVER"))
    print(f"  CPU per call          {us_call:8.1f} us      (every call prices a new shape)")
    print(f"  summary() afterwards  {summary_ms:8.2f} ms CPU  target <= {SUMMARY_TARGET_MS:g}  "
          + ("ok" if summary_ms <= SUMMARY_TARGET_MS else "OVER"))
    print("\nflopscope analyze, whole command, each in a fresh process (CPU: best of 3; 32,000 lines: 1 run)\n")
    header = f"{'input':<30}{'lines':>7}{'CPU s':>8}{'peak MiB':>10}  target"
    print(header)
    print("-" * len(header))
    for r in bench_analyzer():
        target = ""
        if r["target_s"] is not None:
            ok = r["ok"] and r["cpu_s"] <= r["target_s"] and (r["target_mib"] is None or r["peak_mib"] <= r["target_mib"])
            target = f"<= {r['target_s']:g} s" + (f", {r['target_mib']:g} MiB" if r["target_mib"] else "") + \
                ("  ok" if ok else "  OVER")
        print(f"{r['input']:<30}{r['lines'] or '':>7}{r['cpu_s']:>8.2f}{r['peak_mib']:>10.1f}  {target}")
    print("\nanalyzer at the contest's sizes (w=256, L=32, B=2.72e11): flopscope analyze --contract estimator,")
    print("the analysis only, each solver in a fresh process\n")
    header = (f"{'solver':<32}{'label':<13}{'FLOPs':>16}{'CPU s':>8}{'peak MiB':>10}"
              f"  target <= {CONTEST_CPU_TARGET_S:g} s, {CONTEST_MEMORY_TARGET_MIB:g} MiB")
    print(header)
    print("-" * len(header))
    rows = bench_contest()
    for r in rows:
        value = "?" if r["value"] is None else f"{r['value']:,}"
        verdict = "PASS" if r["ok"] else "FAIL"
        print(f"{r['solver']:<32}{r['label']:<13}{value:>16}{r['cpu_s']:>8.2f}{r['peak_mib']:>10.1f}  {verdict}")
        if r["problem"]:
            print(f"    {r['problem']}")
    if rows:
        cpu = max(rows, key=lambda r: r["cpu_s"])
        mem = max(rows, key=lambda r: r["peak_mib"])
        passed = sum(r["ok"] for r in rows)
        print(f"\n{passed} of {len(rows)} solvers within the targets; most CPU: {cpu['cpu_s']:.2f} s ({cpu['solver']}), "
              f"most memory: {mem['peak_mib']:.1f} MiB ({mem['solver']})")
    else:
        print(f"no solver found under {CORPUS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
