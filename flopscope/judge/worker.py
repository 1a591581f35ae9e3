"""One judged unit, in a process of its own: ``python -m flopscope.judge.worker JOB OUT``.

Started by :func:`flopscope.judge.runner.run_unit`, never by hand. In order:

1. limits on this process (address space, CPU seconds) and one BLAS thread;
2. the task's inputs (the MLP's ground truth), before anything of the submission;
3. the verdict file is opened, then ``flops.lockdown(scratch)``: from here on the
   submission's code cannot import NumPy or flopscope's internals, start threads
   or processes, or write outside its scratch folder;
4. the submission is imported and the task runs it: ``setup`` outside the budget,
   the billed part in a fresh ``BudgetContext`` whose wall-clock limit is the
   unit's (the judge's own transport is never billed);
5. the verdict (status, FLOPs by op and namespace, the time split, the score, the
   error and its traceback, peak memory) is written to the file opened in step 3.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import traceback
from typing import Any


def _limit(which: int, value: float | None) -> None:
    if value is None:
        return
    value = int(value)
    try:
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, hard))
    except (ValueError, OSError):
        pass


def main(argv: list[str]) -> int:
    job_path, out_path = argv
    with open(job_path) as fh:
        job = json.load(fh)
    memory_mb = job.get("memory_mb")
    if memory_mb:
        # the solver's allowance plus what Python, NumPy and SciPy map before it runs
        _limit(resource.RLIMIT_AS, (memory_mb + job.get("baseline_mb", 1024)) * 2**20)
    _limit(resource.RLIMIT_CPU, job.get("cpu_limit_s"))
    # output and scratch files: at most 256 MB each (a write past it fails, it does not kill)
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _limit(resource.RLIMIT_FSIZE, job.get("max_file_mb", 256) * 2**20)

    from flopscope.judge import tasks as task_module
    from flopscope.judge import verdict as V

    v = V.empty(job["display_path"], job["sha256"], job["task"], job.get("seed"), job["budget"])
    v["isolation"] = job.get("isolation", {})
    out = open(out_path, "w")  # opened before lockdown: the one file outside scratch this process writes

    def finish(code: int = 0) -> int:
        v["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out.write(json.dumps(v))
        out.flush()
        out.close()
        return code

    try:
        task = task_module.load_task(job["task"], **job.get("task_options", {}))
        inputs = task.inputs(job.get("seed"))
    except Exception as err:  # noqa: BLE001 - the judge's own failure, recorded
        v["status"] = "error"
        v["error"] = V.error_of(err, traceback.format_exc())
        return finish(3)

    import flopscope as flops

    submission_dir = job["submission_dir"]
    entry = job["entry"]
    budget = job["budget"]
    wall = job.get("wall_time_s")
    scratch = job["scratch_dir"]
    os.chdir(submission_dir)
    sys.path.insert(0, submission_dir)
    sys.argv = [entry]
    # The billed wall clock, enforced in here too: an alarm at the limit (plus a second)
    # raises TimeExhaustedError in the solver's code even where it never calls the meter
    # (a pure-Python loop). The judge's kill stays the last word for code that catches it.
    import signal

    from flopscope.runtime.errors import TimeExhaustedError

    def alarm(signum, frame):
        raise TimeExhaustedError("the submission's own Python code", wall + ALARM_MARGIN_S, wall, True)

    if wall is not None:
        signal.signal(signal.SIGALRM, alarm)
    task_file = getattr(sys.modules.get(type(task).__module__), "__file__", None)
    flops.lockdown(scratch_dir=scratch, trusted_files=[task_file] if task_file else [])
    holder: dict = {}

    def context():
        ctx = flops.BudgetContext(flop_budget=budget, wall_time_limit_s=wall, quiet=True)
        holder["ctx"] = ctx
        return _Alarmed(ctx, wall)

    output: Any = None
    try:
        if task.name == "script":
            with context():
                namespace = _import(entry, "__main__")
        else:
            namespace = _import(entry, "submission")
            output, v["setup"]["flops"], v["setup"]["time_s"] = task.call(
                namespace, inputs, budget, context, submission_dir, scratch)
        getattr(task, "validate", lambda output: None)(output)
        v["status"] = "ok"
    except BaseException as err:  # noqa: BLE001 - anything the submission does is its verdict
        v["status"] = V.status_of(err) if isinstance(err, Exception) else "error"
        v["error"] = V.error_of(err, traceback.format_exc())
    ctx = holder.get("ctx")
    if ctx is not None:
        v["flops_used"] = int(ctx.flops_used)
        try:
            v.update(V.summary_fields(ctx.summary_dict(by_namespace=True)))
        except Exception:  # noqa: BLE001 - a summary that cannot be built leaves the totals
            pass
    failed_score = getattr(task, "failed_score", lambda inputs: None)
    try:
        if v["status"] == "ok":
            v["score"] = task.score(output, inputs, v["flops_used"], budget)
        else:
            v["score"] = failed_score(inputs)
    except Exception as err:  # noqa: BLE001 - an output the task cannot score is a failure
        v["status"] = "error"
        v["error"] = V.error_of(err, traceback.format_exc())
        try:
            v["score"] = failed_score(inputs)
        except Exception:  # noqa: BLE001 - the task's own failure: no score, still a verdict
            v["score"] = None
    return finish(0)


ALARM_MARGIN_S = 1.0


class _Alarmed:
    """The unit's BudgetContext, with the worker's alarm armed while it is entered."""

    def __init__(self, ctx: Any, wall: float | None) -> None:
        self.ctx, self.wall = ctx, wall

    def __enter__(self) -> Any:
        if self.wall is not None:
            import signal

            signal.setitimer(signal.ITIMER_REAL, self.wall + ALARM_MARGIN_S)
        return self.ctx.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        if self.wall is not None:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)
        return self.ctx.__exit__(*exc)


def _import(path: str, name: str) -> dict:
    """Run the submission's file as module ``name``; its namespace."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    t0 = time.perf_counter()
    spec.loader.exec_module(module)
    module.__dict__.setdefault("__load_time_s__", time.perf_counter() - t0)
    return module.__dict__


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)  # no interpreter teardown: a submission's atexit hooks or threads do not run
