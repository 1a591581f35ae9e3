"""The verdict record: one JSON object per judged unit (submission x seed).

Its schema is versioned (``"schema": "flopscope.verdict/1"``) and written out as a
JSON Schema in ``docs/verdict.schema.json`` (:func:`json_schema` makes it; a test
checks the file is current and validates every verdict the tests produce).
"""

from __future__ import annotations

import hashlib
import os
import platform
from typing import Any

SCHEMA = "flopscope.verdict/1"
STATUSES = ("ok", "budget_exhausted", "time_exhausted", "error", "killed", "memory_exceeded", "refused")


def sha256_of(path: str) -> str:
    """The SHA-256 of a submission: of the file, or of a folder's files (names and bytes)."""
    h = hashlib.sha256()
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", ".git"))
            for name in sorted(files):
                full = os.path.join(root, name)
                h.update(os.path.relpath(full, path).encode() + b"\0")
                with open(full, "rb") as fh:
                    h.update(fh.read())
                h.update(b"\0")
    else:
        with open(path, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def versions() -> dict:
    import numpy

    from flopscope import __version__

    return {"flopscope": __version__, "numpy": numpy.__version__, "python": platform.python_version()}


def empty(submission: str, sha256: str, task: str, seed: int | None, budget: float) -> dict:
    """A verdict with every field present, for the worker (or the judge) to fill in."""
    return {
        "schema": SCHEMA,
        "submission": {"path": submission, "sha256": sha256},
        "task": task,
        "seed": seed,
        "budget": budget,
        "status": "error",
        "flops_used": 0,
        "flops_by_operation": {},
        "flops_by_namespace": {},
        "time": {"wall_s": 0.0, "backend_s": 0.0, "overhead_s": 0.0, "residual_s": 0.0},
        "setup": {"flops": 0, "time_s": 0.0},
        "score": None,
        "error": None,
        "peak_memory_mb": None,
        "output": {"stdout_bytes": 0, "stdout_tail": ""},
        "prediction": None,
        "isolation": {},
        "versions": versions(),
        "unit_seconds": None,
        "unit": "",
        "task_options": {},
        "limits": {"wall_time_s": None, "memory_mb": None},
    }


def error_of(exc: BaseException, tb: str = "") -> dict:
    return {"type": type(exc).__name__, "message": str(exc)[:2000], "traceback": tb[-8000:]}


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a verdict."""
    number = {"type": "number"}
    seconds = {"type": "number", "minimum": 0}
    counts = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://flopscope.invalid/verdict/1",
        "title": "flopscope verdict",
        "description": "One judged unit (a submission run on one seed of a task). Written by flopscope run and "
                       "flopscope judge, one JSON object per line.",
        "type": "object",
        "required": ["schema", "submission", "task", "seed", "budget", "status", "flops_used", "flops_by_operation",
                     "flops_by_namespace", "time", "setup", "score", "error", "peak_memory_mb", "output",
                     "prediction", "isolation", "versions"],
        "additionalProperties": False,
        "properties": {
            "schema": {"const": SCHEMA},
            "submission": {"type": "object", "required": ["path", "sha256"], "additionalProperties": False,
                           "properties": {"path": {"type": "string"},
                                          "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}},
            "task": {"type": "string"},
            "seed": {"type": ["integer", "null"]},
            "budget": {"type": "number", "exclusiveMinimum": 0},
            "status": {"enum": list(STATUSES)},
            "flops_used": {"type": "integer", "minimum": 0},
            "flops_by_operation": counts,
            "flops_by_namespace": counts,
            "time": {"type": "object", "required": ["wall_s", "backend_s", "overhead_s", "residual_s"],
                     "additionalProperties": False,
                     "properties": {"wall_s": seconds, "backend_s": seconds, "overhead_s": seconds,
                                    "residual_s": number}},
            "setup": {"type": "object", "required": ["flops", "time_s"], "additionalProperties": False,
                      "properties": {"flops": {"type": "integer", "minimum": 0}, "time_s": seconds}},
            "score": {"type": ["number", "null"]},
            "error": {"oneOf": [{"type": "null"},
                                {"type": "object", "required": ["type", "message", "traceback"],
                                 "additionalProperties": False,
                                 "properties": {"type": {"type": "string"}, "message": {"type": "string"},
                                                "traceback": {"type": "string"}}}]},
            "peak_memory_mb": {"type": ["number", "null"], "minimum": 0},
            "output": {"type": "object", "required": ["stdout_bytes", "stdout_tail"], "additionalProperties": False,
                       "properties": {"stdout_bytes": {"type": "integer", "minimum": 0},
                                      "stdout_tail": {"type": "string"}}},
            "prediction": {"oneOf": [{"type": "null"},
                                     {"type": "object", "required": ["label", "value", "formula"],
                                      "properties": {"label": {"enum": ["exact", "upper bound", "unknown"]},
                                                     "value": {"type": ["integer", "null"]},
                                                     "formula": {"type": "string"},
                                                     "within_budget": {"type": ["boolean", "null"]}}}]},
            "isolation": {"type": "object", "additionalProperties": True,
                          "properties": {"process": {"type": "boolean"}, "lockdown": {"type": "boolean"},
                                         "network": {"type": "string"}, "memory_limit_mb": {"type": ["number", "null"]},
                                         "cpu_limit_s": {"type": ["number", "null"]}}},
            "unit": {"type": "string", "description": "the unit's identity: submission, its SHA-256, task and options, "
                                                     "seed, budget, limits (a resumed judge skips units already "
                                                     "recorded)"},
            "task_options": {"type": "object"},
            "limits": {"type": "object", "required": ["wall_time_s", "memory_mb"],
                       "properties": {"wall_time_s": {"type": ["number", "null"]},
                                      "memory_mb": {"type": ["number", "null"]}}},
            "unit_seconds": {"type": ["number", "null"], "minimum": 0,
                             "description": "the judge's wall time for the unit, worker start and transport included "
                                            "(never billed)"},
            "versions": {"type": "object", "required": ["flopscope", "numpy", "python"],
                         "properties": {"flopscope": {"type": "string"}, "numpy": {"type": "string"},
                                        "python": {"type": "string"}}},
        },
    }


def status_of(exc: BaseException) -> str:
    """The status a solver's exception gives its unit."""
    from flopscope.runtime.errors import (
        BudgetExhaustedError,
        LockdownError,
        TimeExhaustedError,
        UnsupportedOperationError,
    )

    if isinstance(exc, BudgetExhaustedError):
        return "budget_exhausted"
    if isinstance(exc, TimeExhaustedError):
        return "time_exhausted"
    if isinstance(exc, MemoryError):
        return "memory_exceeded"
    if isinstance(exc, (LockdownError, UnsupportedOperationError)):
        return "refused"
    return "error"


def summary_fields(summary: dict) -> dict[str, Any]:
    """Per-operation and per-namespace FLOPs and the time split from a context's summary."""
    ops = {op: int(v["flops_used"]) for op, v in (summary.get("operations") or {}).items()}
    spaces = {str(ns or "(none)"): int(v["flops_used"]) for ns, v in (summary.get("by_namespace") or {}).items()}
    time = {"wall_s": float(summary.get("wall_time_s", 0.0)),
            "backend_s": float(summary.get("flopscope_backend_time_s", 0.0)),
            "overhead_s": float(summary.get("flopscope_overhead_time_s", 0.0)),
            "residual_s": float(summary.get("residual_wall_time_s", 0.0))}
    return {"flops_by_operation": ops, "flops_by_namespace": spaces, "time": time}
