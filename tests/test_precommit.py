"""The repository's pre-commit hook, installed as a user installs it (``pre-commit
try-repo`` builds it from this repository in an environment of its own), in a scratch
git repository of solvers with a ``[tool.flopscope]`` table: it fails a commit of a
solver predicted over its budget and passes one within (issue 14)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

WITHIN = '''import flopscope as flops
import flopscope.numpy as fnp

with flops.BudgetContext(flop_budget=10**9):
    A = fnp.ones((n, n))
    B = A @ A
'''
OVER = WITHIN.replace("10**9", "10**5")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                   capture_output=True)


def test_the_hook_fails_over_budget_and_passes_within(tmp_path):
    repo = tmp_path / "entry"
    repo.mkdir()
    (repo / "pyproject.toml").write_text('[tool.flopscope]\nshapes = ["n=256"]\n')
    (repo / "within.py").write_text(WITHIN)
    (repo / "over.py").write_text(OVER)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "solvers")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)

    def hook(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "flopscope-analyze",
                               "--files", *files], cwd=repo, env=env, capture_output=True, text=True, timeout=1200)

    over = hook("over.py")
    assert over.returncode == 1, over.stdout + over.stderr
    assert "flopscope analyze (FLOP budgets)" in over.stdout and "Failed" in over.stdout
    assert "predicted 16,777,216 of 100,000" in over.stdout and "OVER BUDGET" in over.stdout
    within = hook("within.py")
    assert within.returncode == 0, within.stdout + within.stderr
    assert "Passed" in within.stdout
