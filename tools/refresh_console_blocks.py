"""Re-run every ``$ flopscope ...`` console block of the docs and write the real output in.

``make docs`` runs this after regenerating the cost reference; tests/test_docs.py
re-runs the same blocks and fails when one is stale. Usage:

    python tools/refresh_console_blocks.py [FILE.md ...]   (default: docs/*.md and README.md)
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```console\n(\$ flopscope [^\n]*)\n(.*?)```", re.S)


def refresh(doc: Path) -> int:
    text = doc.read_text()
    changed = 0

    def run(match: re.Match) -> str:
        nonlocal changed
        command = match.group(1)
        argv = shlex.split(command)[2:]
        proc = subprocess.run([sys.executable, "-m", "flopscope", *argv], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
        out = proc.stdout.rstrip("\n")
        if out != match.group(2).rstrip("\n"):
            changed += 1
        return f"```console\n{command}\n{out}\n```"

    new = BLOCK.sub(run, text)
    if new != text:
        doc.write_text(new)
    return changed


def main(argv: list[str]) -> int:
    docs = [Path(a).resolve() for a in argv] or sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
    for doc in docs:
        n = refresh(doc)
        if n:
            print(f"{doc.relative_to(ROOT)}: {n} console block{'s' if n != 1 else ''} refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
