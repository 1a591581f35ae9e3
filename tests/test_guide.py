"""The competition guide's examples, run as written, with the guide's numbers."""

import re

import numpy as np

import flopscope as flops
import flopscope.numpy as fnp
from conftest import normalize

# The guide's summary block for the solver context (print(budget.summary(by_namespace=True))).
GUIDE_SUMMARY = """
flopscope FLOP Budget Summary [solver]
==================================
Total budget: 50,000,000
Used: 66,048 (0.1%)
Remaining: 49,933,952 (99.9%)
By namespace:
solver 66,048 (100.0%) [3 calls] Backend ...s Overhead ...s
By operation:
einsum 65,536 ( 99.2%) [1 call]
exp 256 ( 0.4%) [1 call]
sum 256 ( 0.4%) [1 call]
Total Wall Time: ...s
Flopscope Backend: ...s ( ...%)
Flopscope Overhead: ...s ( ...%)
Residual Wall Time: ...s ( ...%)
By operation (time):
"""


def run_guide_solver():
    with flops.BudgetContext(flop_budget=50_000_000, namespace="solver") as budget:
        A = fnp.ones((256, 256))
        x = fnp.ones((256,))
        h = fnp.einsum('ij,j->i', A, x)
        h = fnp.exp(h)
        result = fnp.sum(h)
    return budget, result


def test_guide_example_numbers():
    budget, result = run_guide_solver()
    assert budget.flops_used == 66_048
    assert budget.flops_remaining == 49_933_952
    assert budget.flop_budget == 50_000_000
    assert result == 256 * np.exp(256.0)
    ops = budget.summary_dict()["operations"]
    assert {k: (v["flops_used"], v["calls"]) for k, v in ops.items()} == {
        "einsum": (65_536, 1),
        "exp": (256, 1),
        "sum": (256, 1),
    }


def test_guide_summary_layout_line_for_line():
    budget, _ = run_guide_solver()
    got = normalize(budget.summary(by_namespace=True))
    want = normalize(GUIDE_SUMMARY)
    number = r"-?[0-9]+\.[0-9]{3}"
    assert len(got) == len(want) + 3  # the three "By operation (time)" rows
    for g, w in zip(got, want):
        pattern = re.escape(w).replace(r"\.\.\.s", number + "s").replace(r"\ \.\.\.%", r"\ ?-?[0-9]+\.[0-9]%")
        assert re.fullmatch(pattern, g), (g, w)
    time_rows = got[len(want):]
    assert sorted(r.split()[0] for r in time_rows) == ["einsum", "exp", "sum"]
    for row in time_rows:
        assert re.fullmatch(r"\w+ [0-9]+\.[0-9]{3}s \( ?-?[0-9]+\.[0-9]%\) \[1 call\]", row), row


def test_summary_is_flat_by_default():
    budget, _ = run_guide_solver()
    text = budget.summary()
    assert "By namespace:" not in text
    assert "By operation:" in text
    assert budget.summary_dict()["by_namespace"] is None
    assert budget.summary_dict(by_namespace=True)["by_namespace"]["solver"]["flops_used"] == 66_048


def test_wall_time_split_is_exact():
    budget, _ = run_guide_solver()
    d = budget.summary_dict()
    assert d["wall_time_s"] == d["flopscope_backend_time_s"] + d["flopscope_overhead_time_s"] + d["residual_wall_time_s"]
    assert d["flopscope_backend_time_s"] > 0
    assert d["flopscope_overhead_time_s"] > 0
    assert d["wall_time_s"] >= d["flopscope_backend_time_s"] + d["flopscope_overhead_time_s"] - 1e-12


def test_einsum_cost_query_from_the_guide():
    cost = flops.einsum_cost('ij,jk->ik', shapes=[(256, 256), (256, 256)])
    assert cost == 16_777_216
    assert f"This matmul will cost {cost:,} FLOPs" == "This matmul will cost 16,777,216 FLOPs"


def test_decorator_form_accumulates_over_calls(capsys):
    W = fnp.ones((64, 32))
    x = fnp.ones((32,))

    @flops.budget(flop_budget=50_000_000, namespace="forward-pass")
    def forward(W, x):
        h = fnp.einsum('ij,j->i', W, x)
        h = fnp.maximum(h, 0)
        return fnp.sum(h)

    result = forward(W, x)
    assert float(result) == 64 * 32  # float() leaves the meter; `result == ...` would be charged 1
    ctx = forward.budget_context
    assert ctx.flops_used == 64 * 32 + 64 + 64
    forward(W, x)
    forward(W, x)
    assert ctx.flops_used == 3 * (64 * 32 + 64 + 64)
    assert sum(r.calls for r in ctx.op_log) == 9
    text = flops.budget_summary()
    printed = capsys.readouterr().out
    assert text in printed
    assert "Used: 6,528 (0.0%)" in normalize(text)
    assert "Total budget: 50,000,000" in normalize(text)
    assert flops.budget_summary_dict()["flops_used"] == 6_528


def test_nested_namespaces_show_dotted_paths():
    with flops.BudgetContext(flop_budget=10**9, namespace="solver") as budget:
        a = fnp.ones((10,))
        with fnp.namespace("precompute"):
            b = fnp.exp(a)
            with flops.namespace("inner"):
                fnp.sqrt(b)
        fnp.sum(b)
    spaces = budget.summary_dict(by_namespace=True)["by_namespace"]
    assert {k: v["flops_used"] for k, v in spaces.items()} == {
        "solver.precompute": 10,
        "solver.precompute.inner": 10,
        "solver": 10,
    }
    text = normalize(budget.summary(by_namespace=True))
    assert any(line.startswith("solver.precompute.inner 10") for line in text)
    # Namespaces are attribution only: one budget, one total.
    assert budget.flops_used == 30


def test_budget_summary_dict_forms_from_the_guide():
    run_guide_solver()
    data = flops.budget_summary_dict()
    assert f"Used: {data['flops_used']:,} / {data['flop_budget']:,}" == "Used: 66,048 / 50,000,000"
    data = flops.budget_summary_dict(by_namespace=True)
    assert data["by_namespace"]["solver"]["flops_used"] == 66_048


def test_hidden_costs_from_the_tips():
    with flops.BudgetContext(flop_budget=10**9) as budget:
        fnp.array([[1.0, 2.0], [3.0, 4.0]])
        assert budget.flops_used == 4
        fnp.concatenate([fnp.ones((3, 2)), fnp.ones((5, 2))])
        assert budget.flops_used == 4 + 16
        fnp.where(fnp.ones((7,)) > 0, 1.0, 2.0)
        assert budget.flops_used == 4 + 16 + 7 + 7  # the comparison, then where: numel(cond)
