"""``flopscope run`` and ``flopscope judge``: units to isolated workers, verdicts to a
JSON-lines file (resumable), and a leaderboard.

Each unit is (submission, seed). Units already in ``--out`` are skipped, so a judge
that was interrupted (or crashed) resumes where it stopped: every verdict is
appended, flushed and synced as soon as its unit ends, and never written twice.
``--workers K`` runs K units at a time on this machine; ``--dask ADDRESS`` sends
the same units to a Dask ``distributed`` scheduler, and ``--dask local:K`` starts a
``LocalCluster`` of K single-threaded worker processes. On Dask each unit is still
a worker subprocess of its own (``run_unit`` runs on the Dask worker).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Callable, Iterable

from flopscope.judge.runner import Unit, kill_running, run_unit


def unit_key(v_or_unit: Any) -> str:
    """What makes two units the same: the submission (as named, and its content), the
    task and its options, the seed, the budget and the limits."""
    if isinstance(v_or_unit, Unit):
        return v_or_unit.key
    return v_or_unit.get("unit") or ""


def read_results(path: str | None) -> list[dict]:
    """The verdicts already in a results file (a torn last line, from a crash, is ignored)."""
    if not path or not os.path.exists(path):
        return []
    out = []
    with open(path) as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                v = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(v, dict) and v.get("schema", "").startswith("flopscope.verdict/"):
                out.append(v)
    return out


def _repair_tail(path: str) -> None:
    """A results file whose last line was cut short (a killed judge) ends with a newline
    again, so that the next verdict starts a line of its own."""
    try:
        with open(path, "rb+") as fh:
            fh.seek(0, os.SEEK_END)
            if fh.tell() == 0:
                return
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                fh.write(b"\n")
    except OSError:
        pass


def judge(units: list[Unit], workers: int = 2, out: str | None = None, dask: str | None = None,
          progress: Callable[[str], None] | None = None, refused: dict | None = None) -> list[dict]:
    """Judge every unit not already in ``out``; the verdicts of all units, in unit order.
    ``refused`` maps a submission to the reasons it was not admitted: its units get a
    refused verdict without running."""
    done = {unit_key(v): v for v in read_results(out)}
    todo = [u for u in units if unit_key(u) not in done]
    refused = refused or {}
    pre = [v for s, reasons in refused.items() for v in refused_verdicts([u for u in todo if u.submission == s], reasons)]
    todo = [u for u in todo if u.submission not in refused]
    lock = threading.Lock()
    fh = None
    if out:
        if os.path.exists(out):
            _repair_tail(out)
        fh = open(out, "a")
    finished = [0]
    started = time.perf_counter()

    def record(v: dict) -> None:
        with lock:
            done[unit_key(v)] = v
            if fh is not None:
                fh.write(json.dumps(v) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            finished[0] += 1
            if progress is not None:
                progress(f"{finished[0]}/{len(todo)} units judged ({time.perf_counter() - started:.0f} s): "
                         f"{v['submission']['path']} seed {v['seed']}: {v['status']}")

    for v in pre:
        record(v)
    try:
        if not todo:
            pass
        elif dask:
            _judge_on_dask(todo, dask, record)
        else:
            pool = ThreadPoolExecutor(max_workers=max(1, workers))
            try:
                futures = [pool.submit(run_unit, u) for u in todo]
                for f in as_completed(futures):
                    record(f.result())
            except BaseException:
                # Ctrl-C (or any failure here): nothing more starts, the running workers are
                # killed; the verdicts already written stay, and a rerun resumes from them
                pool.shutdown(wait=False, cancel_futures=True)
                kill_running()
                raise
            pool.shutdown(wait=True)
    finally:
        if fh is not None:
            fh.close()
    return [done[unit_key(u)] for u in units if unit_key(u) in done]


def _judge_on_dask(todo: list[Unit], address: str, record: Callable[[dict], None]) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed as dask_completed
    except ImportError:
        raise RuntimeError("--dask needs Dask's distributed package: pip install 'flopscope[dask]'") from None
    cluster = None
    if address.startswith("local:"):
        try:
            n = int(address.split(":", 1)[1])
        except ValueError:
            raise ValueError(f"--dask local:K needs a number of workers, got {address!r}") from None
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(address, timeout=30)
    try:
        futures = client.map(run_unit, todo, pure=False)
        for f in dask_completed(futures):
            record(f.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def leaderboard(verdicts: Iterable[dict]) -> list[dict]:
    """One row per submission: mean score (lower is better), failures by status, mean
    FLOPs used and mean wall time; sorted by mean score."""
    groups: dict[str, list[dict]] = {}
    for v in verdicts:
        groups.setdefault(v["submission"]["path"], []).append(v)
    rows = []
    for path, vs in groups.items():
        scores = [v["score"] for v in vs if isinstance(v.get("score"), (int, float))]
        failures: dict[str, int] = {}
        for v in vs:
            if v["status"] != "ok":
                failures[v["status"]] = failures.get(v["status"], 0) + 1
        rows.append({"submission": path, "units": len(vs), "mean_score": statistics.fmean(scores) if scores else None,
                     "failures": failures, "mean_flops_used": statistics.fmean(v["flops_used"] for v in vs),
                     "mean_wall_s": statistics.fmean(v["time"]["wall_s"] for v in vs)})
    rows.sort(key=lambda r: (r["mean_score"] is None, r["mean_score"] if r["mean_score"] is not None else 0.0))
    return rows


def render_leaderboard(rows: list[dict]) -> str:
    lines = [f"{'rank':>4}  {'submission':<40} {'units':>5} {'mean score':>12} {'mean FLOPs':>16} {'wall s':>8}  failures",
             "-" * 100]
    for i, r in enumerate(rows, 1):
        score = "-" if r["mean_score"] is None else f"{r['mean_score']:.6g}"
        fails = ", ".join(f"{k} {n}" for k, n in sorted(r["failures"].items())) or "none"
        lines.append(f"{i:>4}  {r['submission'][-40:]:<40} {r['units']:>5} {score:>12} {r['mean_flops_used']:>16,.0f} "
                     f"{r['mean_wall_s']:>8.3f}  {fails}")
    return "\n".join(lines)


def parse_seeds(text: str) -> list[int]:
    """``0:100`` (a range), ``3`` (one seed), ``0,4,7`` (a list)."""
    try:
        if ":" in text:
            a, b = text.split(":", 1)
            seeds = list(range(int(a), int(b)))
        else:
            seeds = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise ValueError(f"--seeds: expected A:B, N or a comma-separated list, got {text!r}") from None
    if not seeds or any(s < 0 for s in seeds):
        raise ValueError(f"--seeds: no non-negative seeds in {text!r}")
    return seeds


def admission(submission: str, timeout_s: float = 60.0) -> list[str]:
    """Static admission: the escapes from the meter (FS112) ``flopscope analyze`` sees in
    the submission's Python files, as ``file:line:col: message`` lines."""
    from flopscope.analyzer import analyze, escapes
    from flopscope.judge.runner import entry_of

    folder, entry = entry_of(submission)
    files = [entry] if not os.path.isdir(submission) else sorted(
        f for f in os.listdir(folder) if f.endswith(".py"))
    found = []
    for name in files:
        path = os.path.join(folder, name)
        try:
            a = analyze(path, timeout_s=timeout_s, show_progress=False)
        except Exception as err:  # noqa: BLE001 - a file the analyzer cannot read is not admitted
            found.append(f"{path}: cannot be analyzed: {err}")
            continue
        found.extend(f"{path}:{d.line}:{d.col}: {d.message}" for d in escapes(a))
    return found


def refused_verdicts(units: list[Unit], reasons: list[str]) -> list[dict]:
    """Verdicts for units refused before running (static admission): status refused."""
    from flopscope.judge import verdict as V
    from flopscope.judge.runner import _failed_score

    out = []
    for u in units:
        v = V.empty(u.submission, V.sha256_of(u.submission), u.task, u.seed, u.budget)
        v["status"] = "refused"
        v["error"] = {"type": "AdmissionError", "message": f"refused by static admission (--admit strict): "
                      f"{len(reasons)} escape(s) from the meter, first {reasons[0]}", "traceback": "\n".join(reasons)}
        v["score"] = _failed_score(u)
        u.stamp(v)
        v["prediction"] = u.prediction
        v["unit_seconds"] = 0.0
        out.append(v)
    return out


def predict(submission: str, task: Any, budget: float, timeout_s: float = 30.0) -> dict | None:
    """The analyzer's prediction for a submission on the MLP task (the same for every
    seed: the analysis reads no data), or None when it has none."""
    if getattr(task, "name", None) != "mlp":
        return None
    try:
        from flopscope.analyzer import analyze
        from flopscope.judge.runner import entry_of

        folder, entry = entry_of(submission)
        a = analyze(os.path.join(folder, entry), shapes=[f"w={task.width},L={task.depth},B={int(budget)}"],
                    contract="estimator", timeout_s=timeout_s, show_progress=False)
    except Exception:  # noqa: BLE001 - no prediction is not a failure of the unit
        return None
    value = a.value
    return {"label": a.label, "value": None if value is None else int(value), "formula": str(a.total),
            "within_budget": None if value is None else bool(value <= budget)}


def stderr_progress(message: str) -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K" + message[:150])
        sys.stderr.flush()
