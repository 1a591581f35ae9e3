"""docs/competition-guide.md: every Python block runs and prints what the page shows."""

import contextlib
import io
import re
from pathlib import Path

import pytest

import flopscope as flops

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "competition-guide.md"


def pairs():
    text = GUIDE.read_text()
    blocks = re.findall(r"```(python|text)\n(.*?)```", text, re.S)
    out = []
    for i, (kind, code) in enumerate(blocks):
        if kind == "python":
            assert i + 1 < len(blocks) and blocks[i + 1][0] == "text", "every python block is followed by its output"
            out.append((code, blocks[i + 1][1]))
    return out


def normalize(text: str) -> list[str]:
    """Times vary from run to run: keep everything else exact. The rows of the
    'By operation (time)' section are sorted by time, so they compare as a set."""
    lines = []
    for line in text.rstrip("\n").split("\n"):
        if re.search(r"\d+\.\d{3}s", line):
            line = re.sub(r"\d+\.\d{3}s", "Ts", line)
            line = re.sub(r"\(\s*-?\d+\.\d%\)", "(P%)", line)
        lines.append(line)
    if "By operation (time):" in lines:
        k = lines.index("By operation (time):") + 1
        lines = lines[:k] + sorted(lines[k:])
    return lines


PAIRS = pairs()


def test_the_guide_has_its_examples():
    assert len(PAIRS) >= 7


@pytest.mark.parametrize("code,expected", PAIRS, ids=[f"block{i + 1}" for i in range(len(PAIRS))])
def test_block_prints_what_the_guide_shows(code, expected):
    flops.reset_session()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(GUIDE), "exec"), {"__name__": "__main__"})
    assert normalize(out.getvalue()) == normalize(expected)
