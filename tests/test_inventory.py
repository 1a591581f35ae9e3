"""The inventory: every public callable of numpy, numpy.linalg, numpy.fft and
numpy.random is exactly one of counted, free or blocked (a new NumPy name fails
here until it is classified), and each class behaves as it says."""

from __future__ import annotations

import numpy as np
import pytest

import flopscope as flops
import flopscope.numpy as fnp
from flopscope.costs import OPS
from flopscope.costs.inventory import BLOCKED_BY_MODULE, FREE_NAMES_BY_MODULE, classify, counts, public_callables

MODULES = {"": np, "linalg": np.linalg, "fft": np.fft, "random": np.random}


@pytest.mark.parametrize("module", list(MODULES), ids=lambda m: m or "numpy")
def test_every_public_callable_is_exactly_one_of_counted_free_blocked(module):
    unclassified = [n for n in public_callables(module) if not classify(module, n)]
    twice = [n for n in public_callables(module) if len(classify(module, n)) > 1]
    assert unclassified == [], f"numpy{'.' + module if module else ''}: not classified: {unclassified}"
    assert twice == [], f"numpy{'.' + module if module else ''}: classified twice: {twice}"


@pytest.mark.parametrize("module", list(MODULES), ids=lambda m: m or "numpy")
def test_blocked_names_raise_with_their_reason(module):
    target = fnp if not module else getattr(fnp, module)
    for name, reason in BLOCKED_BY_MODULE[module].items():
        assert reason and len(reason) > 10
        with pytest.raises(flops.UnsupportedOperationError, match="refused") as err:
            getattr(target, name)
        assert reason in str(err.value)


@pytest.mark.parametrize("module", list(MODULES), ids=lambda m: m or "numpy")
def test_free_names_are_numpys_own_objects(module):
    target = fnp if not module else getattr(fnp, module)
    owner = MODULES[module]
    for name in FREE_NAMES_BY_MODULE[module]:
        if name == "get_state" and module == "random":
            # free, but the state's arrays come back metered (no plain array from flopscope)
            assert type(target.get_state()[1]) is flops.FlopscopeArray
            continue
        if name == "ndarray" and not module:
            # the one exception: constructing it must not make a plain (unmetered) array
            assert target.ndarray is flops.FlopscopeArray
            assert type(fnp.ndarray((2, 3), buffer=np.zeros(6))) is flops.FlopscopeArray
            continue
        if hasattr(owner, name):
            assert getattr(target, name) is getattr(owner, name), name


@pytest.mark.parametrize("module", list(MODULES), ids=lambda m: m or "numpy")
def test_counted_names_are_metered_callables(module):
    target = fnp if not module else getattr(fnp, module)
    for name in public_callables(module):
        qualified = f"{module}.{name}" if module else name
        if qualified in OPS:
            f = getattr(target, name)
            assert getattr(f, "spec", None) is OPS[qualified], name


def test_the_counts_add_up_to_numpys_namespace():
    c = counts()
    for module in MODULES:
        key = "numpy" + (f".{module}" if module else "")
        assert c[key]["unclassified"] == 0
        assert c[key]["counted"] + c[key]["free"] + c[key]["blocked"] == len(public_callables(module))
    assert c["numpy.linalg"]["blocked"] == 1 and c["numpy.fft"]["free"] == 4
