"""Robustness: the analyzer never crashes and never hangs, whatever Python it reads.

1. Every file in tests/robust_regressions/ (one per crash or hang signature seen
   before) is analyzed as ``flopscope analyze FILE --timeout 30`` in a subprocess:
   the exit code is 0 or 1, the output holds no traceback and no internal error
   (FS999), and the analysis ends well within its limit without stopping.
   A file's header may relax this with lines such as

       # expect-exit: 0 1 2     (exit 2 allowed: the file may be rejected, FS001)
       # expect-stop            (the analysis may stop at its time limit)

2. The whole corpus (the standard library, NumPy and SymPy: tools/robust.py) must
   give zero crashed and zero hung files. It takes an hour or more, so it runs only
   with FLOPSCOPE_ROBUST=1 (``make robust``; marked ``robust``, so ``pytest -m
   robust`` selects it alone). FLOPSCOPE_ROBUST_JOBS (default 2),
   FLOPSCOPE_ROBUST_TIMEOUT (default 60) and FLOPSCOPE_ROBUST_LIMIT (default 0:
   every file) tune the run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REGRESSIONS = Path(__file__).parent / "robust_regressions"
TIMEOUT_S = 30  # the analyzer's own limit for a regression file
WELL_WITHIN_S = 20  # wall time a regression file may take (a subprocess start included)


def expectations(path: Path) -> tuple[set[int], bool]:
    """The exit codes a file allows and whether it may stop, from its header comments."""
    exits, may_stop = {0, 1}, False
    for raw in path.read_bytes().splitlines()[:12]:
        line = raw.decode("latin-1").strip()
        if not line.startswith("#"):
            continue
        m = re.match(r"#\s*expect-exit:\s*([\d ]+)$", line)
        if m:
            exits = {int(code) for code in m.group(1).split()}
        if re.match(r"#\s*expect-stop\b", line):
            may_stop = True
    return exits, may_stop


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.py")), ids=lambda p: p.name)
def test_regression_file_neither_crashes_nor_hangs(path):
    exits, may_stop = expectations(path)
    wait_s = TIMEOUT_S + 30 if may_stop else WELL_WITHIN_S  # a file that may not stop must end well within
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-m", "flopscope", "analyze", str(path), "--timeout", str(TIMEOUT_S)],
                              capture_output=True, text=True, timeout=wait_s, cwd=ROOT)
    except subprocess.TimeoutExpired:  # subprocess.run has killed it
        proc = None
    if proc is None:
        pytest.fail(f"{path.name}: no answer within {wait_s} s (analyzer limit {TIMEOUT_S} s): it hung")
    seconds = time.monotonic() - start
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out
    assert "FS999" not in out, out
    assert "internal error" not in out, out  # the text format's wording of FS999
    assert proc.returncode in exits, f"exit {proc.returncode}, expected one of {sorted(exits)}:\n{out}"
    if proc.returncode == 2:
        assert "FS001" in out or "syntax" in out.lower(), f"exit 2 without a clean syntax error:\n{out}"
    if not may_stop:
        assert "the analysis stopped" not in out, out
        assert seconds < WELL_WITHIN_S, f"{path.name} took {seconds:.1f} s (limit {TIMEOUT_S} s):\n{out}"


@pytest.mark.robust
@pytest.mark.skipif(os.environ.get("FLOPSCOPE_ROBUST") != "1", reason="the corpus run takes an hour: FLOPSCOPE_ROBUST=1")
def test_corpus_neither_crashes_nor_hangs(tmp_path):
    out_json = tmp_path / "robust.json"
    cmd = [sys.executable, str(ROOT / "tools" / "robust.py"),
           "--jobs", os.environ.get("FLOPSCOPE_ROBUST_JOBS", "2"),
           "--timeout", os.environ.get("FLOPSCOPE_ROBUST_TIMEOUT", "60"),
           "--limit", os.environ.get("FLOPSCOPE_ROBUST_LIMIT", "0"),
           "--json", str(out_json)]
    proc = subprocess.run(cmd, cwd=ROOT)  # its progress and table go straight to the terminal (-s)
    assert out_json.exists(), f"tools/robust.py wrote no results (exit {proc.returncode})"
    results = json.loads(out_json.read_text())
    assert results, "tools/robust.py analyzed no files"
    bad = [r for r in results if r["outcome"] in ("crashed", "hung")]
    listing = "\n".join(f"{r['outcome']}: {r['path']}: {r.get('signature', '')} {r['detail']}" for r in bad)
    assert not bad, f"{len(bad)} of {len(results)} files crashed or hung:\n{listing}"
    assert proc.returncode == 0
