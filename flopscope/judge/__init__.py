"""Judged runs: ``flopscope run`` (one script under a budget) and ``flopscope judge``
(submissions x seeds of a task, in isolated workers, with verdict records and a
leaderboard). See docs/judging.md."""

from flopscope.judge.judge import judge, leaderboard, parse_seeds, read_results, render_leaderboard
from flopscope.judge.runner import Unit, run_unit
from flopscope.judge.tasks import MLPTask, load_task
from flopscope.judge.verdict import SCHEMA, STATUSES, json_schema

__all__ = ["MLPTask", "SCHEMA", "STATUSES", "Unit", "judge", "json_schema", "leaderboard", "load_task",
           "parse_seeds", "read_results", "render_leaderboard", "run_unit"]
