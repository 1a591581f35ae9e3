"""Running an analysis within limits: never hang, never explode, stop cleanly.

The abstract interpreter recurses as deeply as the program it reads, and SymPy can
take long on a large expression. :func:`run_within_limits` therefore runs the
analysis in a worker thread with a deep stack and a high recursion limit, while the
calling thread watches it:

* a time limit (``--timeout``, 120 s by default) and a memory ceiling
  (``--max-memory``, 4 GiB by default): on reaching either, the watcher raises
  :class:`AnalysisStopped` inside the worker (at its next bytecode), which unwinds
  to the caller; what was analyzed until then is reported, and the rest is unknown;
* on a terminal, a progress line after 2 s (the line being analyzed, the time);
* Ctrl-C stops the worker the same way and is re-raised in the caller, which ends
  quietly.

The worker updates a :class:`Progress` (the current line) as it goes; nothing else
of the analyzer is known here.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MAX_MEMORY_MB = 4096
STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 60_000
PROGRESS_AFTER_S = 2.0
STOP_GRACE_S = 20.0  # time allowed for reporting what was known, once stopped


class AnalysisStopped(BaseException):
    """Raised inside the analysis to stop it (a BaseException: nothing catches it on the way)."""

    reason = "stopped"


class AnalysisTimeout(AnalysisStopped):
    reason = "time limit"


class AnalysisMemory(AnalysisStopped):
    reason = "memory ceiling"


class AnalysisInterrupted(AnalysisStopped):
    reason = "interrupted"


@dataclass
class Progress:
    """Where the worker is: updated by the analyzer at every statement."""

    path: str = ""
    line: int = 0
    stopped: str | None = None  # why the analysis stopped early, if it did
    stopped_at: int = 0  # the line it stopped at
    elapsed_s: float = 0.0
    peak_mb: float = 0.0


def rss_mb() -> float:
    """The process's resident memory in MiB (Linux: /proc; elsewhere the peak)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _raise_in(thread: threading.Thread, exc: type) -> None:
    tid = thread.ident
    if tid is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), ctypes.py_object(exc))


def run_within_limits(work: Callable[[Progress], Any], progress: Progress, timeout_s: float | None = DEFAULT_TIMEOUT_S,
                      max_memory_mb: float | None = DEFAULT_MAX_MEMORY_MB, show_progress: bool | None = None) -> Any:
    """Run ``work(progress)`` in a deep-stacked worker thread, within the limits.

    Returns what ``work`` returns. ``work`` is expected to catch :class:`AnalysisStopped`
    itself and return a partial result (``progress.stopped`` says why); any other
    exception it raises is re-raised here. A KeyboardInterrupt in the caller stops the
    worker and is re-raised once the worker has unwound.
    """
    if show_progress is None:
        show_progress = sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
    outcome: dict = {}

    def target() -> None:
        try:
            old_limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
            try:
                outcome["value"] = work(progress)
            except BaseException as err:  # noqa: BLE001 - handed to the caller's thread
                outcome["error"] = err
            finally:
                sys.setrecursionlimit(old_limit)
        except BaseException:  # noqa: BLE001 - a stop that arrived after the work was done
            pass

    old_stack = threading.stack_size()
    try:
        threading.stack_size(STACK_BYTES)
    except (ValueError, RuntimeError):
        pass
    worker = threading.Thread(target=target, name="flopscope-analyze", daemon=True)
    try:
        worker.start()
    finally:
        threading.stack_size(old_stack)
    start = time.monotonic()
    shown = False
    interrupted = False
    stops_sent = 0
    last_stop = 0.0
    try:
        while worker.is_alive():
            try:
                worker.join(0.25)
            except KeyboardInterrupt:
                interrupted = True
                _raise_in(worker, AnalysisInterrupted)
                worker.join(5.0)
                break
            now = time.monotonic()
            elapsed = now - start
            progress.elapsed_s = elapsed
            mem = rss_mb()
            progress.peak_mb = max(progress.peak_mb, mem)
            if stops_sent == 0:
                if timeout_s is not None and elapsed > timeout_s:
                    _raise_in(worker, AnalysisTimeout)
                    stops_sent, last_stop = 1, now
                elif max_memory_mb is not None and mem > max_memory_mb:
                    _raise_in(worker, AnalysisMemory)
                    stops_sent, last_stop = 1, now
            elif now - last_stop > STOP_GRACE_S:
                # reporting what was known takes too long as well: stop that too, then give up
                if stops_sent >= 3:
                    raise RuntimeError("the analysis could not be stopped")
                _raise_in(worker, AnalysisTimeout if timeout_s is not None and elapsed > timeout_s else AnalysisMemory)
                stops_sent, last_stop = stops_sent + 1, now
            if show_progress and elapsed >= PROGRESS_AFTER_S:
                shown = True
                sys.stderr.write(f"\r\033[Kanalyzing {progress.path}: line {progress.line} ({elapsed:.0f} s)")
                sys.stderr.flush()
    finally:
        if shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
    progress.elapsed_s = time.monotonic() - start
    if interrupted:
        raise KeyboardInterrupt
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
