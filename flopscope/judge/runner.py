"""Running one unit in an isolated worker process, and turning whatever happens into
a verdict (the worker's own, or one the judge writes when the worker left none)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from flopscope.judge import verdict as V

ASSET_SUFFIXES = (".py", ".npz", ".npy", ".json", ".txt")
STDOUT_TAIL = 2000
SETUP_ALLOWANCE_S = 60.0  # setup(ctx) and the ground truth run before the billed wall clock starts
KILL_GRACE_S = 15.0


@dataclass
class Unit:
    """One (submission, seed) to judge."""

    submission: str  # a solver file or a folder holding one
    task: str = "mlp"
    task_options: dict = field(default_factory=dict)
    seed: int | None = 0
    budget: float = 10**8
    wall_time_s: float | None = 60.0
    memory_mb: float | None = 4096.0
    prediction: dict | None = None

    def stamp(self, v: dict) -> dict:
        """Write the unit's identity, task options and limits into its verdict."""
        v["unit"], v["task_options"] = self.key, self.task_options
        v["limits"] = {"wall_time_s": self.wall_time_s, "memory_mb": self.memory_mb}
        return v

    @property
    def key(self) -> str:
        """The unit's identity in a results file (see judge.unit_key)."""
        options = json.dumps(self.task_options, sort_keys=True)
        return (f"{self.submission}|{V.sha256_of(self.submission)}|{self.task}|{options}|seed={self.seed}|"
                f"budget={self.budget:g}|wall={self.wall_time_s}|memory={self.memory_mb}")


def entry_of(submission: str) -> tuple[str, str]:
    """(the folder to copy, the solver file's name in it)."""
    if os.path.isdir(submission):
        py = sorted(f for f in os.listdir(submission) if f.endswith(".py") and not f.startswith("_"))
        if "solver.py" in py:
            return submission, "solver.py"
        if len(py) == 1:
            return submission, py[0]
        raise ValueError(f"{submission}: a submission folder holds solver.py (or a single .py file); found "
                         f"{', '.join(py) or 'none'}")
    if not os.path.isfile(submission):
        raise ValueError(f"{submission}: no such file or folder")
    return os.path.dirname(os.path.abspath(submission)), os.path.basename(submission)


def _copy_submission(submission: str, dest: str) -> str:
    folder, entry = entry_of(submission)
    if os.path.isdir(submission):
        shutil.copytree(submission, dest, ignore=shutil.ignore_patterns("__pycache__", ".git"))
    else:
        os.makedirs(dest)
        for name in os.listdir(folder):  # the file and its siblings (helpers, assets), not subfolders
            full = os.path.join(folder, name)
            if os.path.isfile(full) and (name == entry or name.endswith(ASSET_SUFFIXES)):
                shutil.copy2(full, os.path.join(dest, name))
    return os.path.join(dest, entry)


_NETWORK: dict = {}
RUNNING: set = set()  # worker processes running now (the judge kills them on Ctrl-C)
_RUNNING_LOCK = __import__("threading").Lock()


def network_isolation() -> list[str]:
    """The command prefix that cuts the worker's network (``unshare -n``, ``bwrap``), or []."""
    if "prefix" not in _NETWORK:
        prefix: list[str] = []
        for candidate in (["unshare", "-n", "--"], ["bwrap", "--dev-bind", "/", "/", "--unshare-net", "--"]):
            if shutil.which(candidate[0]) is None:
                continue
            try:
                ok = subprocess.run(candidate + ["true"], capture_output=True, timeout=10).returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            if ok:
                prefix = candidate
                break
        _NETWORK["prefix"] = prefix
    return list(_NETWORK["prefix"])


def run_unit(unit: Unit) -> dict:
    """Judge one unit in a fresh worker process; always returns a verdict."""
    sha = V.sha256_of(unit.submission)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="flopscope-unit-") as tmp:
        try:
            entry = _copy_submission(unit.submission, os.path.join(tmp, "submission"))
        except (ValueError, OSError) as err:
            v = V.empty(unit.submission, sha, unit.task, unit.seed, unit.budget)
            v["error"] = V.error_of(err)
            return unit.stamp(v)
        scratch = os.path.join(tmp, "scratch")
        os.makedirs(scratch)
        prefix = network_isolation()
        wall = unit.wall_time_s
        cpu_limit = None if wall is None else 2 * wall + SETUP_ALLOWANCE_S + 30
        network = "none" if not prefix else ("unshare -n" if prefix[0] == "unshare" else "bwrap --unshare-net")
        isolation = {"process": True, "lockdown": True, "network": network,
                     "memory_limit_mb": unit.memory_mb, "cpu_limit_s": cpu_limit}
        job = {"display_path": unit.submission, "sha256": sha, "task": unit.task, "task_options": unit.task_options,
               "seed": unit.seed, "budget": unit.budget, "wall_time_s": wall, "memory_mb": unit.memory_mb,
               "cpu_limit_s": cpu_limit, "submission_dir": os.path.dirname(entry), "entry": entry,
               "scratch_dir": scratch, "isolation": isolation}
        job_path, out_path = os.path.join(tmp, "job.json"), os.path.join(tmp, "verdict.json")
        with open(job_path, "w") as fh:
            json.dump(job, fh)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", tmp),
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}
        # the judge's working directory and path, so that a --task module:attr loads there too
        paths = [p for p in (os.environ.get("PYTHONPATH", "").split(os.pathsep) + [os.getcwd()]) if p]
        env["PYTHONPATH"] = os.pathsep.join(paths)
        cmd = prefix + [sys.executable, "-m", "flopscope.judge.worker", job_path, out_path]
        kill_after = None if wall is None else wall + SETUP_ALLOWANCE_S + KILL_GRACE_S
        stdout_path = os.path.join(tmp, "stdout.txt")
        killed = False
        with open(stdout_path, "wb") as out_fh:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out_fh, stderr=subprocess.STDOUT, env=env,
                                    cwd=tmp, start_new_session=True)
            with _RUNNING_LOCK:
                RUNNING.add(proc)
            try:
                proc.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                killed = True
                kill(proc)
                proc.wait()
            finally:
                with _RUNNING_LOCK:
                    RUNNING.discard(proc)
        v = _read_verdict(out_path)
        if v is None:
            v = V.empty(unit.submission, sha, unit.task, unit.seed, unit.budget)
            v["isolation"] = isolation
            code = proc.returncode
            if killed:
                v["status"] = "time_exhausted"
                v["error"] = {"type": "Killed", "message": f"the worker was killed by the judge after {kill_after:g} s "
                              "(the unit's wall-clock limit, with its setup allowance)", "traceback": ""}
            elif code is not None and code < 0:
                v["status"] = "killed"
                v["error"] = {"type": "Killed", "message": f"the worker died of signal {-code} "
                              f"({signal.Signals(-code).name if -code in signal.valid_signals() else '?'})",
                              "traceback": ""}
            else:
                v["status"] = "error"
                v["error"] = {"type": "WorkerExit", "message": f"the worker exited with code {code} without a "
                              "verdict (sys.exit or os._exit outside the task, or a crash)", "traceback": ""}
            v["score"] = _failed_score(unit)
        _unmask_paths(v, os.path.dirname(entry) + os.sep, _display_folder(unit.submission))
        v["output"] = _stdout_summary(stdout_path)
        v["submission"]["path"] = unit.submission
        v["prediction"] = unit.prediction
        unit.stamp(v)
        v["unit_seconds"] = round(time.perf_counter() - start, 3)
    return v


def kill(proc: subprocess.Popen) -> None:
    """Kill a worker and everything it started (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        try:
            proc.kill()
        except OSError:
            pass


def kill_running() -> None:
    with _RUNNING_LOCK:
        procs = list(RUNNING)
    for proc in procs:
        kill(proc)


def _display_folder(submission: str) -> str:
    folder = submission if os.path.isdir(submission) else os.path.dirname(submission)
    return (folder.rstrip(os.sep) + os.sep) if folder else ""


def _unmask_paths(v: dict, copied: str, shown: str) -> None:
    """Messages and tracebacks name the submission's own files, not the worker's copy."""
    err = v.get("error")
    if isinstance(err, dict):
        for key in ("message", "traceback"):
            if isinstance(err.get(key), str):
                err[key] = err[key].replace(copied, shown)


def _read_verdict(path: str) -> dict | None:
    try:
        with open(path) as fh:
            text = fh.read()
        return json.loads(text) if text.strip() else None
    except (OSError, json.JSONDecodeError):
        return None


def _stdout_summary(path: str) -> dict:
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            fh.seek(max(0, size - STDOUT_TAIL))
            tail = fh.read().decode("utf-8", "replace")
    except OSError:
        size, tail = 0, ""
    return {"stdout_bytes": size, "stdout_tail": tail}


def _failed_score(unit: Unit) -> Any:
    try:
        from flopscope.judge.tasks import load_task

        task = load_task(unit.task, **unit.task_options)
        return task.failed_score(task.inputs(unit.seed))
    except Exception:  # noqa: BLE001 - no score rather than no verdict
        return None
