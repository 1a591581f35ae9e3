"""Run every attack program in this folder and print the markdown results table.

    .venv/bin/python tests/attacks/_table.py            # the table (paste into docs/security.md)
    .venv/bin/python tests/attacks/_table.py --failing  # only the insecure rows

Each attack runs in its own subprocess (``sys.executable FILE``, 60 s timeout, cwd =
this folder) and prints one JSON verdict line last; see _attack.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 60


def attack_files() -> list[str]:
    return sorted(f for f in os.listdir(HERE) if re.match(r"\d{3}_.*\.py$", f))


def header(path: str) -> dict:
    out = {}
    with open(path) as fh:
        for line in fh:
            m = re.match(r"# (class|mode|tries|expected \(secure\)): (.*)", line)
            if m:
                out[m.group(1).split()[0]] = m.group(2).strip()
            elif not line.startswith("#"):
                break
    return out


def run(name: str) -> dict:
    """The attack's verdict: its last JSON line, or a synthetic one for a crash/timeout."""
    path = os.path.join(HERE, name)
    try:
        p = subprocess.run([sys.executable, path], cwd=HERE, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout", "secure": False}
    for line in reversed(p.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                break
    tail = (p.stderr.strip().splitlines() or ["no output"])[-1]
    if p.returncode != 0 and re.match(r"flopscope\.(runtime\.)?errors\.LockdownError: ", tail):
        # refused at its first step (an import at module level): nothing ran
        return {"outcome": "refused", "error": tail.split(".")[-1][:200], "flopscope_error": True}
    return {"outcome": "crashed", "error": tail[:200], "secure": False}


def secure(v: dict) -> bool:
    """Recomputed from the verdict, not trusted from it: charged exactly, refused by a
    flopscope error, or (a route no in-process check can see) flagged by static
    admission before the run."""
    if v.get("outcome") == "charged":
        return "used" in v and v.get("used") == v.get("expected")
    if v.get("outcome") == "refused":
        return bool(v.get("flopscope_error"))
    return bool(v.get("admission"))


def admission(name: str) -> list[str]:
    """The escapes ``flopscope analyze`` reports in the attack's source (FS112 lines)."""
    path = os.path.join(HERE, name)
    p = subprocess.run([sys.executable, "-m", "flopscope", "analyze", path, "--format", "json", "--timeout", "60"],
                       cwd=HERE, capture_output=True, text=True, timeout=TIMEOUT + 30)
    try:
        data = json.loads(p.stdout)
    except json.JSONDecodeError:
        return []
    return [f"{d['line']}:{d['col']} {d['code']}" for d in data.get("diagnostics", []) if d.get("code") == "FS112"]


def judged(name: str) -> dict:
    """The run's verdict; where the run alone is not secure, with static admission's findings."""
    v = run(name)
    if not secure(v):
        found = admission(name)
        if found:
            v = dict(v, admission=found)
    return v


def describe(v: dict) -> str:
    if v.get("admission"):
        return f"runs {v.get('outcome', '?')}; refused by static admission (FS112 at {v['admission'][0].split()[0]})"
    o = v.get("outcome", "?")
    if o == "refused":
        return "refused: " + v.get("error", "").split(":")[0]
    if "used" in v and "expected" in v and o not in ("broken",):
        return f"{o} ({v['used']:,} of {v['expected']:,})"
    if o == "over_budget":
        return f"over_budget ({v.get('used', 0):,} used of {v.get('budget_granted', 0):,} granted)"
    err = v.get("error")
    return f"{o}: {err.split(':')[0]}" if err else o


def rows() -> list[tuple]:
    files = attack_files()
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as ex:
        verdicts = list(ex.map(judged, files))
    out = []
    for f, v in zip(files, verdicts):
        h = header(os.path.join(HERE, f))
        out.append((f[:-3], h.get("class", "?"), h.get("mode", "?"), v, secure(v)))
    return out


def table(rs: list[tuple]) -> str:
    lines = ["| attack | class | mode | outcome | secure |", "|---|---|---|---|---|"]
    for name, cls, mode, v, ok in rs:
        note = " (no `flops.lockdown()` yet)" if v.get("lockdown_missing") else ""
        lines.append(f"| `{name}` | {cls} | {mode} | {describe(v)}{note} | {'yes' if ok else '**NO**'} |")
    n_ok = sum(1 for r in rs if r[4])
    lines.append("")
    n_run = sum(1 for r in rs if r[4] and not r[3].get("admission"))
    lines.append(f"{n_ok} of {len(rs)} attacks end securely: {n_run} at run time (charged exactly, or refused by a "
                 f"flopscope error), {n_ok - n_run} only by static admission (FS112) before the run.")
    return "\n".join(lines)


if __name__ == "__main__":
    rs = rows()
    if "--failing" in sys.argv:
        rs = [r for r in rs if not r[4]]
    print(table(rs))
