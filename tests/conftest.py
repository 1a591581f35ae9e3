"""Shared fixtures: every test starts with an empty session view."""

import pytest

import flopscope as flops


@pytest.fixture(autouse=True)
def fresh_session():
    flops.reset_session()
    yield
    flops.reset_session()


def normalize(text: str) -> list[str]:
    """Lines with runs of whitespace collapsed (the guide's text lost its alignment)."""
    return [" ".join(line.split()) for line in text.strip().splitlines()]


def pytest_terminal_summary(terminalreporter):
    """How many programs the differential fuzz runs checked (tests/test_fuzz.py)."""
    import sys

    fuzz = sys.modules.get("test_fuzz")
    stats = getattr(fuzz, "FUZZ_STATS", None)
    if not stats or not (stats["programs"] or stats["data_programs"] or stats["regressions"]):
        return
    mode = "random" if fuzz.RANDOM else "derandomized"
    terminalreporter.write_line(
        f"fuzz: {stats['programs']} programs and {stats['data_programs']} data-dependent programs checked "
        f"({mode}, {stats['seconds']:.1f} s), {stats['mismatches']} mismatches; "
        f"{stats['regressions']} regression files"
    )
