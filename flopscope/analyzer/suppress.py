"""Which diagnostics a report shows: ``--select`` / ``--ignore`` and suppression comments.

A code is selected when it starts with one of the ``select`` prefixes (all codes when
there are none) and with none of the ``ignore`` prefixes: ``FS1`` is every FS1xx code.
A comment ``# flopscope: ignore[FS105]`` (several codes: ``[FS105, FS116]``) on a line
drops those diagnostics there, and a bare ``# flopscope: ignore`` drops all of them; on
a statement that spans lines the comment may be on any of its lines. Usage and syntax
errors (FS000, FS001, FS999) are always shown: they are not findings about the solver.
A dropped diagnostic is not reported and its severity does not count toward the exit
code; an unknown total or a budget predicted to be exceeded still exits 1.
"""

from __future__ import annotations

import io
import re
import tokenize

ALWAYS_SHOWN = frozenset({"FS000", "FS001", "FS999"})
_COMMENT = re.compile(r"#\s*flopscope:\s*ignore\b(?:\[([^\]]*)\])?", re.IGNORECASE)
_CODE = re.compile(r"FS\d{3}")


class BadCode(ValueError):
    pass


def check_codes(prefixes: list, option: str) -> list:
    """The prefixes, each checked to be FS followed by up to three digits."""
    out = []
    for given in prefixes:
        for code in str(given).split(","):
            code = code.strip().upper()
            if not code:
                continue
            if not re.fullmatch(r"FS\d{0,3}", code):
                raise BadCode(f"{option}: {code!r} is not a diagnostic code or prefix (such as FS105 or FS1)")
            out.append(code)
    return out


def selected(code: str, select: list, ignore: list) -> bool:
    if code in ALWAYS_SHOWN:
        return True
    if select and not any(code.startswith(p) for p in select):
        return False
    return not any(code.startswith(p) for p in ignore)


def suppressions(source: str) -> dict:
    """line -> the codes its ``# flopscope: ignore[...]`` comment names (None: every
    code), for every line of the logical line (a statement over several lines) that
    carries the comment."""
    if "flopscope" not in source:
        return {}
    found: dict = {}
    spans: list = []  # (first, last) line of each logical line
    try:
        comments = []
        first = None
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments.append((tok.start[0], tok.string))
            if first is None and tok.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                first = tok.start[0]
            if tok.type == tokenize.NEWLINE and first is not None:
                spans.append((first, tok.start[0]))
                first = None
    except (tokenize.TokenError, SyntaxError, IndentationError):
        comments = [(k, line[line.index("#"):]) for k, line in enumerate(source.splitlines(), 1) if "#" in line]
    span_of = {line: span for span in spans for line in range(span[0], span[1] + 1) if span[1] > span[0]}
    for line, text in comments:
        match = _COMMENT.search(text)
        if match is None:
            continue
        lines = range(span_of[line][0], span_of[line][1] + 1) if line in span_of else (line,)
        for at in lines:
            if match.group(1) is None:
                found[at] = None
            elif found.get(at, set()) is not None:
                found.setdefault(at, set()).update(c.upper() for c in _CODE.findall(match.group(1).upper()))
    return found


def filter_diagnostics(diagnostics: list, source: str | None, select: list, ignore: list) -> tuple[list, int]:
    """(the diagnostics to show, how many were dropped)."""
    quiet = suppressions(source) if source else {}
    kept = []
    for d in diagnostics:
        if not selected(d.code, select, ignore) or _suppressed(d, quiet):
            continue
        kept.append(d)
    return kept, len(diagnostics) - len(kept)


def _suppressed(d, quiet: dict) -> bool:
    if d.code in ALWAYS_SHOWN or not quiet:
        return False
    last = max(d.line, getattr(d, "end_line", 0) or d.line)
    for line in range(d.line, last + 1):
        if line in quiet:
            codes = quiet[line]
            if codes is None or d.code in codes:
                return True
    return False
