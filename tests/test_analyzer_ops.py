"""Every op of the table through the analyzer: its prediction equals what the runtime measures.

Each op's sample call (tests/samples.py) is written out as a small solver, analyzed,
and run; the predicted and measured totals must be equal.
"""

import numpy as np
import pytest

from flopscope.analyzer import analyze_source
from flopscope.check import run_program
from samples import sample
from test_ops_vs_numpy import TOP_LEVEL


def literal(value) -> str:
    """Source text that rebuilds a sample argument (arrays as plain np.ones of that shape)."""
    if isinstance(value, np.ndarray):
        return f"np.ones({value.shape!r}, dtype=np.{value.dtype.name})"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(literal(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, type) and issubclass(value, np.generic):
        return f"np.{value.__name__}"
    return repr(value)


def program(name: str) -> str:
    args, kwargs = sample(name)
    call = ", ".join([literal(a) for a in args] + [f"{k}={literal(v)}" for k, v in kwargs.items()])
    return f"import numpy as np\nimport flopscope.numpy as fnp\n\nresult = fnp.{name}({call})\n"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # np.ones fed to arctanh and friends
@pytest.mark.parametrize("name", TOP_LEVEL)
def test_prediction_equals_measurement_for_every_op(name, tmp_path):
    source = program(name)
    path = tmp_path / "solver.py"
    path.write_text(source)
    predicted = analyze_source(source, str(path))
    measured = run_program(str(path))
    assert measured.error is None
    assert predicted.value == measured.total, (source, str(predicted.total), [d.message for d in predicted.diagnostics])
    assert predicted.label == "exact"
