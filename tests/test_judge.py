"""flopscope judge / flopscope run end to end: the submissions in tests/judge_submissions/
(one good, the rest failing in every way an entrant's code fails) judged through the
CLI in isolated workers, their verdicts checked against the JSON Schema, resuming,
the FLOPs against `flopscope check`, Dask against local workers, and usage errors.

The slowest unit is `forever` (a pure-Python infinite loop): the worker's own alarm
stops it a second after --wall-time. A loop that swallows that error too is killed
by the judge (tested with the runner's allowances shortened).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from flopscope.judge import SCHEMA, STATUSES, json_schema
from flopscope.judge.runner import KILL_GRACE_S, SETUP_ALLOWANCE_S
from flopscope.judge.tasks import MLPTask

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "tests" / "judge_submissions"
SEEDS = (0, 1)
WIDTH, DEPTH, SAMPLES, BUDGET = 8, 3, 2000, 10**6
FOREVER_WALL_S = 5
SMALL = ["--width", str(WIDTH), "--depth", str(DEPTH), "--truth-samples", str(SAMPLES), "--budget", "1e6",
         "--wall-time", str(FOREVER_WALL_S)]

# submission -> (status, error type or None, a piece of the error message or None)
EXPECTED = {
    "forever": ("time_exhausted", "TimeExhaustedError", "own Python code"),
    "good": ("ok", None, None),
    "with_asset": ("ok", None, None),
    "chatty": ("ok", None, None),
    "over_budget": ("budget_exhausted", "BudgetExhaustedError", "would cost"),
    "raises": ("error", "ValueError", "width 8 not supported"),
    "wrong_shape": ("error", "InvalidOutput", "shape (8,)"),
    "nan": ("error", "InvalidOutput", "not finite"),
    "sys_exit": ("error", "SystemExit", "3"),
    "os_exit": ("error", "WorkerExit", "code 7"),
    "big_alloc": ("memory_exceeded", "MemoryError", None),
}


def flopscope(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flopscope", *args], capture_output=True, text=True, cwd=ROOT,
                          check=False, **kw)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def name_of(v: dict) -> str:
    return Path(v["submission"]["path"]).name


def by_unit(verdicts: list[dict]) -> dict[tuple[str, int], dict]:
    return {(name_of(v), v["seed"]): v for v in verdicts}


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def assert_valid(validator, verdicts: list[dict]) -> None:
    for v in verdicts:
        errors = sorted(validator.iter_errors(v), key=lambda e: list(e.path))
        assert not errors, f"{v['submission']['path']} seed {v['seed']}: " + "; ".join(
            f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)


def zero_prediction_score(seed: int) -> float:
    truth = MLPTask(WIDTH, DEPTH, SAMPLES).truth(seed)
    return float(np.mean(truth[-1] ** 2))


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Every submission over seeds 0:2, two workers, one judge run: (verdicts, leaderboard, seconds)."""
    out = tmp_path_factory.mktemp("batch") / "results.jsonl"
    names = list(EXPECTED)  # forever first: its two units are killed while the rest queue behind them
    t0 = time.perf_counter()
    proc = flopscope("judge", *(str(SUBMISSIONS / n) for n in names), "--seeds", "0:2", "--workers", "2",
                     "--out", str(out), "--format", "json", *SMALL, timeout=300)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr
    return read_jsonl(out), json.loads(proc.stdout), seconds


def test_a_unit_that_swallows_the_alarm_is_killed_by_the_judge(tmp_path, monkeypatch, validator):
    from flopscope.judge import Unit, run_unit
    from flopscope.judge import runner

    stubborn = tmp_path / "stubborn"
    stubborn.mkdir()
    (stubborn / "solver.py").write_text(
        "class Estimator:\n    def predict(self, mlp, budget):\n        while True:\n            try:\n"
        "                while True:\n                    pass\n            except Exception:\n                pass\n")
    monkeypatch.setattr(runner, "SETUP_ALLOWANCE_S", 2.0)
    monkeypatch.setattr(runner, "KILL_GRACE_S", 1.0)
    v = run_unit(Unit(str(stubborn), task_options={"width": WIDTH, "depth": DEPTH, "samples": SAMPLES}, seed=0,
                      budget=BUDGET, wall_time_s=1.0, memory_mb=1024))
    assert v["status"] == "time_exhausted" and v["error"]["type"] == "Killed", v["error"]
    assert "killed by the judge after 4 s" in v["error"]["message"]
    assert 4.0 <= v["unit_seconds"] < 15
    assert_valid(validator, [v])


def test_batch_finishes_with_one_verdict_per_unit(batch):
    verdicts, board, _ = batch
    units = by_unit(verdicts)
    assert len(verdicts) == len(units) == len(EXPECTED) * len(SEEDS)
    assert set(units) == {(n, s) for n in EXPECTED for s in SEEDS}
    assert board["units"] == len(verdicts)
    assert {Path(r["submission"]).name for r in board["leaderboard"]} == set(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_status_and_error(batch, name):
    status, err_type, err_text = EXPECTED[name]
    for seed in SEEDS:
        v = by_unit(batch[0])[name, seed]
        where = f"{name} seed {seed}: {v['error']}"
        assert v["status"] == status, where
        assert v["schema"] == SCHEMA and v["task"] == "mlp" and v["budget"] == BUDGET
        assert v["isolation"]["process"] and v["isolation"]["lockdown"]
        assert v["isolation"]["network"] in ("unshare -n", "bwrap --dev-bind", "none")
        if status == "ok":
            assert v["error"] is None, where
            assert 0 < v["flops_used"] <= BUDGET
            assert v["score"] < zero_prediction_score(seed), where
        else:
            assert v["error"]["type"] == err_type, where
            if err_text:
                assert err_text in v["error"]["message"], where
            # a failed unit scores the zero prediction: the last layer's mean square, times 1
            assert v["score"] == pytest.approx(zero_prediction_score(seed), rel=1e-12), where


def test_budget_exhausted_spends_at_most_the_budget(batch):
    for seed in SEEDS:
        v = by_unit(batch[0])["over_budget", seed]
        assert 0 < v["flops_used"] <= BUDGET


def test_chatty_output_is_counted_not_kept(batch):
    for seed in SEEDS:
        out = by_unit(batch[0])["chatty", seed]["output"]
        assert out["stdout_bytes"] >= 1_000_000
        assert 0 < len(out["stdout_tail"]) <= 4000 and "debug 009999" in out["stdout_tail"]


def test_forever_is_stopped_at_its_limit(batch):
    for seed in SEEDS:
        v = by_unit(batch[0])["forever", seed]
        assert FOREVER_WALL_S <= v["time"]["wall_s"] < FOREVER_WALL_S + 3
        assert v["unit_seconds"] < FOREVER_WALL_S + 15


def test_leaderboard_ranks_good_above_failures(batch):
    rows = batch[1]["leaderboard"]
    ranked = [Path(r["submission"]).name for r in rows]
    for failing in ("over_budget", "raises", "forever", "big_alloc", "os_exit"):
        assert ranked.index("good") < ranked.index(failing)
    good = rows[ranked.index("good")]
    assert good["failures"] == {} and good["units"] == len(SEEDS)
    assert rows[ranked.index("forever")]["failures"] == {"time_exhausted": len(SEEDS)}


def test_every_batch_verdict_validates(batch, validator):
    assert_valid(validator, batch[0])


def test_schema_file_is_current():
    text = (ROOT / "docs" / "verdict.schema.json").read_text()
    assert text == json.dumps(json_schema(), indent=2) + "\n", "regenerate docs/verdict.schema.json"
    assert set(json_schema()["properties"]["status"]["enum"]) == set(STATUSES)


@pytest.mark.parametrize("seed", SEEDS)
def test_flops_used_equals_check_measurement(batch, seed):
    proc = flopscope("check", str(SUBMISSIONS / "good" / "solver.py"), "--contract", "estimator",
                     "--shapes", f"w={WIDTH},L={DEPTH},B=1e6", "--seed", str(seed), "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    measured = json.loads(proc.stdout)["total"]["measured"]
    v = by_unit(batch[0])["good", seed]
    assert v["flops_used"] == measured
    assert v["prediction"]["label"] == "exact" and v["prediction"]["value"] == measured


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_resume_after_interruption(tmp_path, validator, sig):
    out = tmp_path / "results.jsonl"
    args = [str(SUBMISSIONS / "good"), "--seeds", "0:6", "--workers", "1", "--out", str(out), "--no-predict", *SMALL]
    # a SIGKILLed judge leaves its running unit's temporary folder behind: keep it in tmp_path
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    proc = subprocess.Popen([sys.executable, "-m", "flopscope", "judge", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (out.exists() and out.read_text().count("\n") >= 1):
        assert proc.poll() is None and time.monotonic() < deadline, "the judge ended before its first verdict"
        time.sleep(0.02)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    first = out.read_text().splitlines()
    assert 1 <= len(first) <= 6
    rerun = flopscope("judge", *args, env=env)
    assert rerun.returncode == 0, rerun.stderr
    lines = out.read_text().splitlines()
    assert lines[:len(first)] == first  # verdicts already there are kept, not rewritten
    verdicts = [json.loads(line) for line in lines]
    assert sorted(v["seed"] for v in verdicts) == list(range(6))  # one line per unit, no duplicates
    assert_valid(validator, verdicts)


def test_sigint_stops_the_judge_promptly(tmp_path):
    out = tmp_path / "results.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "flopscope", "judge", str(SUBMISSIONS / "good"), "--seeds", "0:60",
                             "--workers", "2", "--out", str(out), "--no-predict", *SMALL], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not (out.exists() and out.read_text().count("\n") >= 1):
        assert proc.poll() is None
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    proc.wait(timeout=60)
    assert time.monotonic() - t0 < 2.0


def test_resume_does_not_reuse_verdicts_of_other_task_options(tmp_path):
    out = tmp_path / "results.jsonl"
    common = [str(SUBMISSIONS / "good"), "--seeds", "0:1", "--out", str(out), "--no-predict",
              "--truth-samples", "2000", "--budget", "1e6"]
    assert flopscope("judge", *common, "--width", "8", "--depth", "3").returncode == 0
    assert flopscope("judge", *common, "--width", "16", "--depth", "3").returncode == 0
    assert len(read_jsonl(out)) == 2


def test_dask_matches_local_workers(batch, tmp_path, validator):
    pytest.importorskip("distributed")
    out = tmp_path / "dask.jsonl"
    proc = flopscope("judge", str(SUBMISSIONS / "good"), str(SUBMISSIONS / "raises"), "--seeds", "0:2",
                     "--dask", "local:2", "--out", str(out), "--no-predict", *SMALL, timeout=240)
    assert proc.returncode == 0, proc.stderr
    dask = by_unit(read_jsonl(out))
    local = by_unit(batch[0])
    assert set(dask) == {(n, s) for n in ("good", "raises") for s in SEEDS}
    for key, v in dask.items():
        assert (v["status"], v["flops_used"], v["score"]) == (local[key]["status"], local[key]["flops_used"],
                                                               local[key]["score"]), key
    assert_valid(validator, list(dask.values()))


def test_custom_task_module_attr(tmp_path, validator):
    (tmp_path / "sumtask.py").write_text('''
import numpy as np


class SumTask:
    name = "sum"

    def inputs(self, seed):
        x = np.random.default_rng(seed).standard_normal(100)
        return {"seed": seed, "x": x, "target": float(x.sum())}

    def call(self, module, inputs, budget, context, submission_dir, scratch_dir):
        import flopscope as flops
        x = flops.metered(inputs["x"])
        with context():
            return module["solve"](x), 0, 0.0

    def validate(self, output):
        float(output)

    def score(self, output, inputs, flops_used, budget):
        return abs(float(output) - inputs["target"])

    def failed_score(self, inputs):
        return abs(inputs["target"])
''')
    (tmp_path / "solve.py").write_text("def solve(x):\n    return x.sum()\n")
    out = tmp_path / "results.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    proc = flopscope("judge", str(tmp_path / "solve.py"), "--task", "sumtask:SumTask", "--seeds", "0:2",
                     "--budget", "1000", "--out", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    verdicts = read_jsonl(out)
    assert [(v["task"], v["status"], v["flops_used"]) for v in verdicts] == [("sumtask:SumTask", "ok", 100)] * 2
    assert all(v["score"] < 1e-9 for v in verdicts)
    assert_valid(validator, verdicts)


def test_run_script_ok_and_over_budget(tmp_path, validator):
    script = tmp_path / "tiny.py"
    script.write_text("import flopscope.numpy as fnp\n\na = fnp.ones((100, 100))\nb = a @ a\n"
                      "print('total', float(b.sum()))\n")
    ok = flopscope("run", str(script), "--budget", "1e7", "--format", "json")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    v = json.loads(ok.stdout)
    assert (v["status"], v["task"], v["score"]) == ("ok", "script", None)
    assert v["flops_used"] == 100**3 + 100**2  # the matmul and the sum
    assert v["flops_by_operation"] == {"matmul": 100**3, "sum": 100**2}
    assert "total 1000000.0" in v["output"]["stdout_tail"]
    over = flopscope("run", str(script), "--budget", "1e5", "--format", "json")
    assert over.returncode == 1
    w = json.loads(over.stdout)
    assert w["status"] == "budget_exhausted" and w["error"]["type"] == "BudgetExhaustedError"
    assert w["flops_used"] <= 10**5
    text = flopscope("run", str(script), "--budget", "1e5")
    assert text.returncode == 1 and "budget_exhausted" in text.stdout
    assert_valid(validator, [v, w])


@pytest.mark.parametrize("args,message", [
    (["--seeds", "abc"], "--seeds"),
    (["--seeds", "5:2"], "--seeds"),
    (["--task", "nosuch"], "--task"),
    (["--task", "no_such_module_xyz:Task"], "no_such_module_xyz"),
    (["--workers", "0"], "--workers"),
    (["--budget", "-1"], "--budget"),
], ids=["seeds-garbage", "seeds-empty", "task-unknown", "task-module-missing", "workers-zero", "budget-negative"])
def test_judge_usage_errors(args, message):
    proc = flopscope("judge", str(SUBMISSIONS / "good"), *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr and proc.stdout == ""


def test_missing_submission_is_a_usage_error(tmp_path):
    proc = flopscope("judge", str(SUBMISSIONS / "good"), str(tmp_path / "nope"), "--seeds", "0:1")
    assert proc.returncode == 2
    assert "nope: no such file or folder" in proc.stderr and "Traceback" not in proc.stderr
    proc = flopscope("run", str(tmp_path / "nope.py"))
    assert proc.returncode == 2 and "no such file" in proc.stderr and "Traceback" not in proc.stderr


def test_admit_strict_refuses_an_escaping_submission_before_running(tmp_path, validator):
    sneaky = tmp_path / "sneaky"
    sneaky.mkdir()
    (sneaky / "solver.py").write_text(
        "import flopscope.numpy as fnp\n\n\nclass Estimator:\n"
        "    def predict(self, mlp, budget):\n"
        "        import numpy as np  # plain NumPy: free at runtime, refused by admission\n"
        "        return fnp.asarray(np.zeros((mlp.depth, mlp.width)))\n")
    out = tmp_path / "results.jsonl"
    proc = flopscope("judge", str(sneaky), str(SUBMISSIONS / "good"), "--seeds", "0:2", "--admit", "strict",
                     "--out", str(out), "--no-predict", *SMALL)
    assert proc.returncode == 0, proc.stderr
    verdicts = read_jsonl(out)
    assert len(verdicts) == 4
    refused = [v for v in verdicts if v["submission"]["path"] == str(sneaky)]
    assert [v["status"] for v in refused] == ["refused", "refused"]
    for v in refused:
        assert v["error"]["type"] == "AdmissionError"
        assert "solver.py:6:9" in v["error"]["message"] and v["flops_used"] == 0 and v["unit_seconds"] == 0.0
    assert all(v["status"] == "ok" for v in verdicts if v not in refused)
    assert_valid(validator, verdicts)
