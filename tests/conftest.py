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
