"""The attack suite: adversarial solver programs in tests/attacks/, each run in a subprocess.

Every tests/attacks/NNN_*.py is a standalone solver-style program that tries to get NumPy
work done for free or under-charged, or to rewrite the budget, and judges itself: its last
stdout line is a JSON verdict (see tests/attacks/_attack.py). The secure verdicts are

* {"outcome": "charged", "used": U, "expected": U}: charged exactly what the honest call costs;
* {"outcome": "refused", "flopscope_error": true, ...}: refused with a flopscope error
  (flopscope.errors.*, LockdownError included) before any unmetered work.

Programs marked ``# mode: lockdown`` call ``flops.lockdown()`` first; that installs
irreversible audit hooks, hence one subprocess per program.
Run: .venv/bin/python -m pytest tests/test_attacks.py -q   (table: tests/attacks/_table.py)
"""

from __future__ import annotations

import os
import re
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "attacks"))
import _table  # noqa: E402

FILES = _table.attack_files()


def test_the_suite_is_complete():
    assert len(FILES) >= 55
    classes = {_table.header(os.path.join(_table.HERE, f)).get("class", "")[:1] for f in FILES}
    assert classes >= set("12345678")
    for f in FILES:
        h = _table.header(os.path.join(_table.HERE, f))
        assert h.get("mode") in ("always", "lockdown"), f
        assert h.get("tries") and h.get("expected"), f


@pytest.mark.parametrize("name", FILES, ids=[re.sub(r"\.py$", "", f) for f in FILES])
def test_attack_is_defeated(name):
    verdict = _table.judged(name)
    assert _table.secure(verdict), f"{name}: {verdict}"
    if name[:-3] not in ADMISSION_ONLY:
        assert not verdict.get("admission"), f"{name} is stopped only by static admission: {verdict}"


# The routes only static admission sees (Python introspection no hook reports); every
# other attack must be stopped at run time. A new entry here needs a reason in
# docs/security.md ("What lockdown does not guarantee").
ADMISSION_ONLY = {"070_numpy_scalar_methods", "075_mro_base_array", "077_rng_private_impl", "084_fnp_private_numpy",
                  "086_sys_modules_numpy", "087_dtype_type_scalar", "089_function_globals_numpy"}


@pytest.mark.parametrize("name", sorted(f"{n}.py" for n in ADMISSION_ONLY))
def test_admission_only_routes_are_the_known_ones(name):
    assert name in FILES
    assert not _table.secure(_table.run(name)), f"{name} is now stopped at run time: remove it from ADMISSION_ONLY"
