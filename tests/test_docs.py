"""The docs print real output: every `$ flopscope ...` console block is re-run here."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def console_blocks(doc: Path):
    text = doc.read_text()
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        lines = block.rstrip("\n").split("\n")
        assert lines[0].startswith("$ flopscope "), lines[0]
        yield lines[0][2:], "\n".join(lines[1:])


DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
BLOCKS = [(doc.name, cmd, out) for doc in DOCS for cmd, out in console_blocks(doc)]


@pytest.mark.parametrize("doc,command,expected", BLOCKS, ids=[f"{d}: {c}" for d, c, _ in BLOCKS])
def test_console_block_matches_the_command(doc, command, expected):
    argv = shlex.split(command)[1:]
    proc = subprocess.run([sys.executable, "-m", "flopscope", *argv], cwd=ROOT, capture_output=True, text=True)
    assert proc.stdout.rstrip("\n") == expected.rstrip("\n")
