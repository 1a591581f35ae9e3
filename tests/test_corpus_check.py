"""``flopscope check`` on the solver corpus: the analyzer's prediction against the runtime's measurement.

Every solver in tests/corpus/NN_name/solver.py is checked with ``--contract estimator``
at two small sizes (the second with another seed, so other weights). What is required
depends on what the analyzer claims:

* exact: the total agrees (predicted == measured) and so does every call site;
* upper bound: the total and every call site are measured at or under their
  prediction (verdict "agree" or "within bound"), never a mismatch;
* unknown: allowed only for a solver in ``UNKNOWN_ALLOWED``, with the reason; even
  then no call site that has a prediction may be a mismatch.

In every case the solver must run without raising, and the analysis must not report
an internal error (FS999).
"""

from __future__ import annotations

import glob
import os

import pytest

from flopscope.analyzer.model import BOUND, EXACT, UNKNOWN
from flopscope.check import AGREE, MISMATCH, WITHIN, check_program

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
SOLVERS = sorted(glob.glob(os.path.join(CORPUS, "[0-9][0-9]_*", "solver.py")))
FOLDERS = [os.path.basename(os.path.dirname(p)) for p in SOLVERS]

# (id, --shapes, seed)
SIZES = [
    ("w16-L4-B1e7", "w=16,L=4,B=1e7", 0),
    ("w24-L5-B2e7", "w=24,L=5,B=2e7", 1),
]

# Solvers whose analysis may be unknown, by folder, with the reason.
UNKNOWN_ALLOWED = {
    "14_asset_lattice_rqmc": (
        "the sample count comes from a number stored inside lattice.npz; the analyzer reads the "
        "headers of a solver's arrays (shapes, dtypes), never their values, so the loops sized by it are unknown"
    ),
}

# (folder, size id) -> reason: a combination that fails today. It is marked
# xfail(strict=True), so that the suite says when it is fixed. Empty: none fails.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def _params():
    for path, folder in zip(SOLVERS, FOLDERS):
        for size_id, shapes, seed in SIZES:
            reason = KNOWN_FAILURES.get((folder, size_id))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(path, shapes, seed, id=f"{folder}-{size_id}", marks=marks)


def _sites(result) -> str:
    """The per-site comparison, one line a site, for assertion messages."""
    rows = []
    for s in result.sites:
        p = "?" if s.predicted is None else f"{s.predicted:,}"
        rows.append(f"  {s.line}:{s.col} {s.op}: predicted {p} ({s.label}), measured {s.measured:,}: {s.verdict}")
    p = "?" if result.predicted_total is None else f"{result.predicted_total:,}"
    rows.append(f"  total: predicted {p} ({result.label}), measured {result.measured_total:,}: {result.verdict}")
    return "\n".join(rows)


def test_the_corpus_is_there():
    assert len(SOLVERS) >= 15, f"only {len(SOLVERS)} solvers found under {CORPUS}"
    for folder in UNKNOWN_ALLOWED:
        assert folder in FOLDERS, f"UNKNOWN_ALLOWED names {folder}, which is not a corpus folder"
    for folder, size_id in KNOWN_FAILURES:
        assert folder in FOLDERS, f"KNOWN_FAILURES names {folder}, which is not a corpus folder"
        assert size_id in {s[0] for s in SIZES}, f"KNOWN_FAILURES names size {size_id}, which is not checked"


@pytest.mark.parametrize("path,shapes,seed", list(_params()))
def test_check_on_the_corpus(path, shapes, seed):
    folder = os.path.basename(os.path.dirname(path))
    try:
        result = check_program(path, shapes=[shapes], contract="estimator", seed=seed)
    except Exception as err:  # noqa: BLE001 - an internal error, reported as a failure with its cause
        pytest.fail(f"flopscope check {folder} --shapes {shapes} raised {type(err).__name__}: {err}")
    analysis = result.analysis
    internal = [f"{d.line}:{d.col} {d.code} {d.message}" for d in analysis.diagnostics if d.code == "FS999"]
    assert not internal, f"internal error of the analyzer: {internal}"
    assert result.run_error is None, f"the solver raised: {result.run_error}"
    assert result.sites, "no call site was predicted or measured"
    table = _sites(result)

    if analysis.label == EXACT:
        assert result.verdict == AGREE, table
        assert result.predicted_total == result.measured_total > 0, table
        for s in result.sites:
            assert s.verdict == AGREE and s.predicted == s.measured, f"site {s.line}:{s.col} ({s.op})\n{table}"
    elif analysis.label == BOUND:
        assert result.verdict in (AGREE, WITHIN), table
        assert result.predicted_total is not None and result.measured_total <= result.predicted_total, table
        for s in result.sites:
            where = f"site {s.line}:{s.col} ({s.op})\n{table}"
            assert s.verdict in (AGREE, WITHIN), where
            assert s.predicted is not None and s.measured <= s.predicted, where
            if s.label == EXACT:
                assert s.measured == s.predicted, where
    else:
        assert analysis.label == UNKNOWN, f"unexpected label {analysis.label!r}"
        codes = sorted({d.code for d in analysis.diagnostics})
        assert folder in UNKNOWN_ALLOWED, f"the analysis of {folder} is unknown (diagnostics {codes})\n{table}"
        assert result.verdict != MISMATCH, table
        for s in result.sites:
            if s.predicted is not None:
                assert s.verdict in (AGREE, WITHIN), f"site {s.line}:{s.col} ({s.op})\n{table}"
                if s.label == EXACT:
                    assert s.measured == s.predicted, f"site {s.line}:{s.col} ({s.op})\n{table}"
            assert s.verdict != MISMATCH, f"site {s.line}:{s.col} ({s.op})\n{table}"

    if folder in UNKNOWN_ALLOWED:
        assert analysis.label == UNKNOWN, (f"{folder} is allowed to be unknown but its analysis is "
                                           f"{analysis.label}: remove it from UNKNOWN_ALLOWED")
