"""Robustness run: analyze every .py file of the standard library, NumPy and SymPy.

    python tools/robust.py [--timeout 60] [--jobs 2] [--limit N] [--json OUT] [DIR ...]

Each file is analyzed as ``flopscope analyze FILE`` would (the module's top level,
no shapes) by a pool of worker processes, each with the analyzer's own time limit.
A worker that does not answer within the limit plus a grace period is killed and
its file counted as hung. The run ends with a table of outcomes:

    finished   the analysis ran to its end
    stopped    the analyzer stopped itself at its time or memory limit (reported, clean)
    rejected   a syntax error or a file that cannot be read (a clean usage error)
    crashed    an exception escaped the analyzer (an internal error: a defect)
    hung       the worker did not answer in time (a defect)

Crashes are grouped by signature (exception type and the innermost frame inside
flopscope) so that each can get its regression file.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import subprocess
import sys
import sysconfig
import threading
import time
import traceback
from collections import Counter

GRACE_S = 45.0  # beyond the analyzer's own limit: summarising, the stop's grace, a slow machine


def default_roots() -> list[str]:
    """The standard library, NumPy and SymPy as installed for this interpreter."""
    import numpy
    import sympy

    return [sysconfig.get_paths()["stdlib"], os.path.dirname(numpy.__file__), os.path.dirname(sympy.__file__)]


def python_files(roots: list[str]) -> list[str]:
    files = []
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "__pycache__"))
            files += [os.path.join(folder, n) for n in sorted(names) if n.endswith(".py")]
    return files


# ---------------------------------------------------------------------- the worker


def signature(err: BaseException) -> str:
    """Exception type and the innermost flopscope frame: one line per distinct defect."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if "flopscope" in f.filename]
    where = f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno} in {frames[-1].name}" if frames else "?"
    return f"{type(err).__name__} at {where}"


def analyze_one(path: str, timeout_s: float) -> dict:
    from flopscope.analyzer import UsageError, analyze

    start = time.process_time()
    try:
        result = analyze(path, timeout_s=timeout_s, max_memory_mb=2048, show_progress=False)
    except UsageError as err:
        return {"path": path, "outcome": "rejected", "detail": str(err).splitlines()[0][:200]}
    except BaseException as err:  # noqa: BLE001 - the point is to catch everything
        return {"path": path, "outcome": "crashed", "detail": f"{type(err).__name__}: {' '.join(str(err).split())[:200]}",
                "signature": signature(err), "seconds": round(time.process_time() - start, 2)}
    outcome = "stopped" if result.stopped else "finished"
    return {"path": path, "outcome": outcome, "detail": result.stopped or "", "seconds": round(time.process_time() - start, 2),
            "peak_mb": round(result.extra.get("peak_mb", 0.0), 1)}


def worker(timeout_s: float) -> None:
    """Read paths on stdin, write one JSON line per path on stdout."""
    sys.setrecursionlimit(10_000)
    out = sys.stdout
    sys.stdout = sys.stderr = open(os.devnull, "w")  # the analyzed modules never print into the protocol
    for line in sys.__stdin__:
        path = line.rstrip("\n")
        if not path:
            continue
        out.write(json.dumps(analyze_one(path, timeout_s)) + "\n")
        out.flush()


# ---------------------------------------------------------------------- the pool


class Worker:
    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.answers: queue.Queue = queue.Queue()
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker", "--timeout", str(timeout_s)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.answers.put(json.loads(line))
        self.answers.put(None)

    def run(self, path: str) -> dict:
        try:
            self.proc.stdin.write(path + "\n")
            self.proc.stdin.flush()
            answer = self.answers.get(timeout=self.timeout_s + GRACE_S)
        except queue.Empty:
            self.kill()
            return {"path": path, "outcome": "hung", "detail": f"no answer within {self.timeout_s + GRACE_S:.0f} s"}
        except (BrokenPipeError, OSError):
            answer = None
        if answer is None:
            self.kill()
            return {"path": path, "outcome": "crashed", "detail": "the worker process died", "signature": "worker died"}
        return answer

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None


def run(files: list[str], timeout_s: float, jobs: int, progress=None) -> list[dict]:
    todo: queue.Queue = queue.Queue()
    for f in files:
        todo.put(f)
    results: list[dict] = []
    lock = threading.Lock()

    def drive() -> None:
        w = Worker(timeout_s)
        while True:
            try:
                path = todo.get_nowait()
            except queue.Empty:
                break
            if not w.alive:
                w = Worker(timeout_s)
            r = w.run(path)
            with lock:
                results.append(r)
                if progress:
                    progress(len(results), len(files), r)
        w.proc.stdin.close()
        w.kill()

    threads = [threading.Thread(target=drive) for _ in range(max(1, jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def report(results: list[dict]) -> str:
    counts = Counter(r["outcome"] for r in results)
    lines = [f"{len(results)} files: " + ", ".join(f"{counts.get(k, 0)} {k}"
                                                  for k in ("finished", "stopped", "rejected", "crashed", "hung"))]
    secs = sorted(r.get("seconds", 0.0) for r in results if "seconds" in r)
    if secs:
        lines.append(f"CPU seconds per file: median {secs[len(secs) // 2]:.2f}, 99th percentile "
                     f"{secs[min(len(secs) - 1, int(len(secs) * 0.99))]:.2f}, max {secs[-1]:.2f}; total {sum(secs):.0f}")
    sigs = Counter(r["signature"] for r in results if r["outcome"] == "crashed")
    for sig, n in sigs.most_common():
        example = next(r for r in results if r.get("signature") == sig)
        lines.append(f"  crash x{n}: {sig}  e.g. {example['path']}: {example['detail']}")
    for r in results:
        if r["outcome"] in ("hung", "stopped"):
            lines.append(f"  {r['outcome']}: {r['path']}: {r['detail']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Analyze every .py file of the standard library, NumPy and SymPy.")
    parser.add_argument("dirs", nargs="*", help="folders to walk (default: the standard library, NumPy and SymPy)")
    parser.add_argument("--timeout", type=float, default=60.0, help="the analyzer's time limit per file (default 60)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--limit", type=int, default=0, help="analyze only the first N files (every k-th, spread out)")
    parser.add_argument("--json", help="write every file's outcome to this JSON file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.timeout)
        return 0
    files = python_files(args.dirs or default_roots())
    if args.limit and args.limit < len(files):
        step = len(files) / args.limit
        files = [files[int(i * step)] for i in range(args.limit)]
    tty = sys.stderr.isatty()

    def progress(done: int, total: int, r: dict) -> None:
        if r["outcome"] in ("crashed", "hung"):
            print(f"\r{r['outcome']}: {r['path']}: {r['detail']}", file=sys.stderr)
        if tty:
            print(f"\r{done}/{total} files", end="", file=sys.stderr, flush=True)
        elif done % 250 == 0:
            print(f"{done}/{total} files", file=sys.stderr, flush=True)

    started = time.monotonic()
    try:
        results = run(files, args.timeout, args.jobs, progress)
    except KeyboardInterrupt:
        print("\nrobust: interrupted", file=sys.stderr)
        return 130
    if tty:
        print(file=sys.stderr)
    print(report(results))
    print(f"wall time {time.monotonic() - started:.0f} s with {args.jobs} workers")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(sorted(results, key=lambda r: r["path"]), fh, indent=1)
    bad = sum(r["outcome"] in ("crashed", "hung") for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
