"""``flopscope analyze`` and ``check`` as a linter runs: several files and folders,
``--select/--ignore``, suppression comments, ``-q/-v``, colour, JSON with a schema and
end positions, SARIF 2.1.0 (validated against its schema), GitHub annotations,
``flopscope rule``, and no traceback for anything a user does (issue 14)."""

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import jsonschema
import pytest

from flopscope.cli import main

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "examples" / "guide_solver.py"

OVER = '''import flopscope as flops
import flopscope.numpy as fnp

n = 512
with flops.BudgetContext(flop_budget=100_000):
    A = fnp.ones((n, n))
    B = A @ A
    s = fnp.sum(B)
'''

BRANCHY = '''import flopscope as flops
import flopscope.numpy as fnp

n = 64
with flops.BudgetContext(flop_budget=10**9):
    A = fnp.ones((n, n))
    if fnp.sum(A) > 0:
        B = fnp.exp(A)
    else:
        B = A
    if fnp.max(A) > 1:  # flopscope: ignore[FS105]
        C = fnp.exp(B)
    else:
        C = B
'''


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder of solvers with its own configuration, the current directory."""
    (tmp_path / "solvers").mkdir()
    (tmp_path / "solvers" / "guide.py").write_text(GUIDE.read_text())
    (tmp_path / "solvers" / "over.py").write_text(OVER)
    (tmp_path / "solvers" / "branchy.py").write_text(BRANCHY)
    (tmp_path / "solvers" / "old").mkdir()
    (tmp_path / "solvers" / "old" / "broken.py").write_text("def f(:\n")
    (tmp_path / "notes.txt").write_text("not python")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_folder_is_searched_and_the_worst_exit_code_wins(capsys, project):
    code, out, err = run(capsys, "analyze", "solvers", "--shapes", "n=256", "-q")
    assert code == 2  # the broken file
    assert "solvers/old/broken.py:1:7: syntax error" in err
    assert out.index("solvers/branchy.py:") < out.index("solvers/guide.py:") < out.index("solvers/over.py:")
    assert "4 files: 2 clean, 1 with findings (exit 1), 1 with errors (exit 2)" in out
    # n = 512 in over.py is the symbol n, given 256 here: 256**3 + 256**2
    assert "predicted 16,842,752 of 100,000 (16842.8%), headroom -16,742,752: OVER BUDGET" in out


def test_exclude_leaves_files_out(capsys, project):
    # a glob with a folder is relative to the current folder (or the configuration's);
    # one without matches the name anywhere
    code, out, _ = run(capsys, "analyze", "solvers", "--exclude", "solvers/old/**", "--exclude", "over.py", "-q")
    assert code == 0  # branchy's bound is within its budget
    assert "over.py" not in out and "broken" not in out
    assert "2 files:" in out


def test_a_missing_path_is_a_usage_error(capsys, project):
    code, _, err = run(capsys, "analyze", "solvers/nothere.py")
    assert code == 2
    assert err.strip() == "flopscope analyze: error: solvers/nothere.py: no such file or folder"


def test_configuration_gives_the_options(capsys, project):
    (project / "pyproject.toml").write_text('''
[tool.flopscope]
shapes = ["n=128"]
exclude = ["solvers/old/**"]
ignore = ["FS105"]

[tool.flopscope.per-file."over.py"]
budget = "1e12"
''')
    code, out, _ = run(capsys, "analyze", "solvers", "-q")
    assert "broken" not in out
    assert "predicted 2,113,536 of 1,000,000,000,000" in out  # n=128 from the table, over.py's own budget
    assert "FS105" not in out
    # the command line wins, symbol by symbol
    code, out, _ = run(capsys, "analyze", "solvers/over.py", "--shapes", "n=256", "-q")
    assert "predicted 16,842,752 of 1,000,000,000,000" in out


def test_a_bad_configuration_names_the_key(capsys, project):
    (project / "pyproject.toml").write_text('[tool.flopscope]\nshapes = ["n=1"]\nshape = "x"\n')
    code, _, err = run(capsys, "analyze", "solvers/guide.py")
    assert code == 2
    assert "pyproject.toml: [tool.flopscope]: unknown key 'shape'" in err
    code, _, _ = run(capsys, "analyze", "solvers/guide.py", "--no-config", "--shapes", "n=4")
    assert code == 0


def test_select_ignore_and_suppression_comments(capsys, project):
    code, out, _ = run(capsys, "analyze", "solvers/branchy.py", "--format", "json")
    data = json.loads(out)
    fs105 = [d["line"] for d in data["diagnostics"] if d["code"] == "FS105"]
    assert fs105 == [7]  # line 11 carries # flopscope: ignore[FS105]
    code, out, _ = run(capsys, "analyze", "solvers/branchy.py", "--format", "json", "--ignore", "FS1")
    assert json.loads(out)["diagnostics"] == []
    code, out, _ = run(capsys, "analyze", "solvers/branchy.py", "--format", "json", "--select", "FS999")
    assert json.loads(out)["diagnostics"] == []
    code, out, _ = run(capsys, "analyze", "solvers/branchy.py", "-v")
    assert "1 diagnostic hidden" in out
    code, _, err = run(capsys, "analyze", "solvers/branchy.py", "--ignore", "E501")
    assert code == 2 and "'E501' is not a diagnostic code" in err


def test_json_has_a_schema_paths_and_end_positions(capsys):
    code, out, _ = run(capsys, "analyze", GUIDE, "--shapes", "n=256", "--format", "json")
    data = json.loads(out)
    assert data["schema"] == "flopscope.analyze/2"
    source = GUIDE.read_text().splitlines()
    spans = []
    for site in data["sites"]:
        assert site["path"] == str(GUIDE)
        assert site["end_line"] == site["line"]
        spans.append(source[site["line"] - 1][site["col"] - 1:site["end_col"] - 1])
    assert spans == ['fnp.einsum("ij,j->i", A, x)', "fnp.exp(h)", "fnp.sum(h)"]


def test_several_files_in_json_are_one_document(capsys, project):
    code, out, _ = run(capsys, "analyze", "solvers/guide.py", "solvers/over.py", "--shapes", "n=8", "--format", "json")
    data = json.loads(out)
    assert data["schema"] == "flopscope.analyze/2" and data["exit_code"] == code == 0
    assert [f["path"] for f in data["files"]] == ["solvers/guide.py", "solvers/over.py"]
    assert [f["total"]["value"] for f in data["files"]] == [8**2 + 2 * 8, 8**3 + 8**2]


def _sarif_schema(tmp_path_factory) -> dict:
    """The SARIF 2.1.0 JSON Schema (rtm.5), as Microsoft ships it in the npm package
    @microsoft/jest-sarif (fetched from the npm registry: the project keeps no copy)."""
    where = tmp_path_factory.mktemp("sarif")
    proc = subprocess.run(["npm", "pack", "--silent", "@microsoft/jest-sarif@1.0.0-beta.0"], cwd=where,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with tarfile.open(where / proc.stdout.strip().splitlines()[-1]) as tar:
        return json.load(tar.extractfile("package/lib/schemas/sarif-2.1.0-rtm.5.json"))


def test_sarif_validates_against_the_schema(capsys, project, tmp_path_factory):
    code, out, _ = run(capsys, "analyze", "solvers", "--shapes", "n=256", "--format", "sarif")
    log = json.loads(out)
    schema = _sarif_schema(tmp_path_factory)
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(log))
    assert errors == []
    run_ = log["runs"][0]
    results = run_["results"]
    by_rule = {}
    for r in results:
        by_rule.setdefault(r["ruleId"], []).append(r)
        assert run_["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    assert sorted(by_rule) == ["FS001", "FS105", "FS128"]
    over = by_rule["FS128"][0]
    assert over["level"] == "error"
    assert over["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "solvers/over.py"
    assert over["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert "predicted 16,842,752 FLOPs, over the budget of 100,000" in over["message"]["text"]
    assert run_["invocations"][0]["exitCode"] == code == 2


def test_github_annotations(capsys, project):
    code, out, _ = run(capsys, "analyze", "solvers/over.py", "solvers/branchy.py", "--format", "github")
    lines = out.splitlines()
    assert "::error file=solvers/over.py,line=5,col=6,title=flopscope FS128::predicted 134,479,872 FLOPs, over the " \
           "budget of 100,000" in lines
    fs105 = [line for line in lines if "FS105" in line]
    assert fs105 == ["::notice file=solvers/branchy.py,line=7,col=5,endLine=7,endColumn=22,title=flopscope FS105::"
                     "this branch depends on array data: the costlier branch is counted (an upper bound)"]
    assert code == 1


def test_colour_on_request_and_never_in_a_pipe(capsys, project, monkeypatch):
    code, out, _ = run(capsys, "analyze", "solvers/over.py", "--color", "always")
    assert "\033[1;31mOVER BUDGET\033[0m" in out
    code, out, _ = run(capsys, "analyze", "solvers/over.py")  # captured: not a terminal
    assert "\033[" not in out
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = run(capsys, "analyze", "solvers/over.py")
    assert "\033[" not in out


def test_rule_explains_a_code(capsys):
    code, out, _ = run(capsys, "rule", "fs105")
    assert code == 0
    assert out.splitlines()[:2] == ["FS105: a branch on array data: the costlier branch is counted",
                                    "  effect on the result: upper bound"]
    code, out, _ = run(capsys, "rule")
    assert "FS128  [exit 1]  a budget is predicted to be exceeded" in out
    code, _, err = run(capsys, "rule", "FS999x")
    assert code == 2 and "no diagnostic code FS999X" in err


def test_output_file(capsys, project):
    code, out, _ = run(capsys, "analyze", "solvers/guide.py", "--shapes", "n=2", "--format", "json", "-o", "r.json")
    assert out == "" and json.loads((project / "r.json").read_text())["total"]["value"] == 8


def test_check_takes_several_files(capsys, project):
    code, out, _ = run(capsys, "check", "solvers/guide.py", "solvers/over.py", "--shapes", "n=16", "-q")
    assert code == 0
    assert "total: predicted 288 (exact)  measured 288  agree" in out
    assert "total: predicted 4,352 (exact)  measured 4,352  agree" in out


def test_a_closed_pipe_ends_quietly(tmp_path):
    """Several files whose report is over twice a pipe's buffer; the reader leaves after
    one line (| head -1): no traceback, no error message, exit 0."""
    folder = tmp_path / "many"
    folder.mkdir()
    body = "import flopscope.numpy as fnp\n\nv = fnp.ones((n, n))\n" + "".join(f"x{i} = fnp.exp(v)\n" for i in range(300))
    for k in range(6):
        (folder / f"solver_with_a_long_name_{k:02d}.py").write_text(body)
    proc = subprocess.Popen([sys.executable, "-m", "flopscope", "analyze", str(folder), "--shapes", "n=300"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    proc.stdout.readline()
    proc.stdout.close()  # | head -1
    _, err = proc.communicate(timeout=300)
    assert b"Traceback" not in err and b"BrokenPipe" not in err and b"cannot write" not in err
    assert proc.returncode == 0


def test_a_budget_sized_loop_costs_the_same_to_analyze_at_any_budget(capsys, monkeypatch):
    """The sample count of examples/contract/budget_mc.py comes from B; a while loop over
    chunks is summed in closed form, so a huge B is no more work (it once enumerated
    every chunk before giving up): the same formula, exact, its value at the new n."""
    from flopscope.costs.symbolic import parse_formula

    monkeypatch.chdir(ROOT / "examples" / "contract")
    reports = []
    for budget in ("2.72e11", "1e16"):
        code, out, _ = run(capsys, "analyze", "budget_mc.py", "--shapes", f"B={budget}", "--format", "json",
                           "--timeout", "60")
        reports.append(json.loads(out))
    contest, huge = reports
    assert huge["stopped"] is None and huge["total"]["label"] == "exact"
    assert huge["total"]["formula"] == contest["total"]["formula"]
    n = next(d["value"] for d in huge["definitions"] if d["name"] == "n")
    assert n == 10**16 // (2 * (32 * (256**2 + 3 * 256) + 256))  # the solver's own sample count, at B=1e16
    formula = parse_formula(huge["total"]["formula"])
    values = {str(s): v for s, v in {**huge["symbols"], "n": n}.items()}
    assert huge["total"]["value"] == int(formula.subs({s: values[str(s)] for s in formula.free_symbols}))


# ---------------------------------------------------------------------- review findings


def test_only_excluded_files_leave_nothing_to_do(capsys, project):
    (project / "pyproject.toml").write_text('[tool.flopscope]\nexclude = ["solvers/old"]\n')
    code, out, err = run(capsys, "analyze", "solvers/old/broken.py")
    assert code == 0 and out == "" and "no Python file to analyze in solvers/old/broken.py" in err
    (project / "empty").mkdir()
    code, out, _ = run(capsys, "analyze", "empty", "--format", "json")
    assert code == 0 and json.loads(out) == {"schema": "flopscope.analyze/2", "files": [], "exit_code": 0}


def test_an_unwritable_report_is_an_error_not_a_traceback(project):
    proc = subprocess.run([sys.executable, "-m", "flopscope", "analyze", "solvers/guide.py", "-o", "/dev/full"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "cannot write the report" in proc.stderr


def test_a_non_utf8_configuration_is_named(capsys, project):
    (project / "bad.toml").write_bytes(b"\xff\xfe[tool.flopscope]\n")
    code, _, err = run(capsys, "analyze", "solvers/guide.py", "--config", "bad.toml")
    assert code == 2 and "bad.toml: not valid TOML: the file is not UTF-8" in err


def test_a_suppression_on_a_later_line_of_the_statement(capsys, project):
    (project / "multi.py").write_text(
        "import flopscope.numpy as fnp\nx = fnp.ones(8)\nif (fnp.sum(x) >\n        6):  # flopscope: ignore[FS105]\n"
        "    y = fnp.exp(x)\n")
    code, out, _ = run(capsys, "analyze", "multi.py", "--format", "json")
    assert [d["code"] for d in json.loads(out)["diagnostics"]] == []
    (project / "multi.py").write_text(
        "import flopscope.numpy as fnp\nx = fnp.ones(8)\nif (fnp.sum(x) >\n        6):\n    y = fnp.exp(x)\n")
    code, out, _ = run(capsys, "analyze", "multi.py", "--format", "json")
    assert [(d["code"], d["line"]) for d in json.loads(out)["diagnostics"]] == [("FS105", 3)]


def test_command_line_excludes_are_relative_to_the_current_folder(capsys, project, monkeypatch):
    (project / "pyproject.toml").write_text("[tool.flopscope]\n")
    monkeypatch.chdir(project / "solvers")
    code, out, _ = run(capsys, "analyze", ".", "--exclude", "old", "--exclude", "over.py", "-q", "--shapes", "n=4")
    assert code == 0 and "broken" not in out and "over.py" not in out and "2 files:" in out


def test_a_folder_glob_covers_its_files():
    from flopscope.config import glob_match

    assert glob_match("a/b/c/s.py", "a/b") and glob_match("a/b/c/s.py", "a/b/c")
    assert not glob_match("a/bc/s.py", "a/b")


@pytest.mark.parametrize("body,message", [
    ('shapes = ["n=abc"]', "shapes: cannot read 'n=abc'"),
    ('budget = "abc"', "budget: expected a positive integer number of FLOPs, got 'abc'"),
    ('args = "x"', "args: expected NAME=EXPRESSION, got 'x'"),
])
def test_bad_values_are_blamed_on_the_configuration(capsys, project, body, message):
    (project / "pyproject.toml").write_text("[tool.flopscope]\n" + body + "\n")
    code, _, err = run(capsys, "analyze", "solvers")
    assert code == 2 and "pyproject.toml: [tool.flopscope]: " + message in err


def test_check_findings_follow_its_verdict(capsys, project):
    # the matmul always runs and alone exceeds the budget: the run stops there
    code, out, _ = run(capsys, "check", "solvers/over.py", "--shapes", "n=64", "--format", "github")
    assert "FS128" not in out  # budgets are analyze's findings
    lines = out.splitlines()
    assert all(line.startswith("::error file=solvers/over.py") for line in lines if "FS129" in line)
    assert (code == 0) == (not any("FS129" in line for line in lines))


def test_sarif_locations_of_absolute_and_odd_paths(capsys, project):
    odd = project / "a,b c%.py"
    odd.write_text(OVER)
    code, out, _ = run(capsys, "analyze", odd.name, str(project / "solvers" / "over.py"), "--format", "sarif")
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in json.loads(out)["runs"][0]["results"]]
    assert {"uri": "a%2Cb%20c%25.py", "uriBaseId": "%SRCROOT%"} in uris
    assert {"uri": (project / "solvers" / "over.py").as_uri()} in uris


def test_pretty_formulas_keep_a_report_line_whole(capsys):
    code, out, _ = run(capsys, "analyze", ROOT / "examples" / "contract" / "budget_mc.py", "--contract", "estimator",
                       "--shapes", "w=16,L=4,B=1e7", "--formula", "pretty", "--no-config")
    path = str(ROOT / "examples" / "contract" / "budget_mc.py")
    sites = [line for line in out.splitlines() if line.startswith(path + ":") and ": FS1" not in line]
    assert len(sites) == 6 and all(line.count(" = ") == 1 for line in sites)
    assert "⋅" in out  # products in Unicode where a formula has a one-line form


def test_a_broken_link_is_named_once(capsys, project):
    (project / "solvers" / "dangling.py").symlink_to(project / "nowhere.py")
    code, _, err = run(capsys, "analyze", "solvers/dangling.py")
    assert code == 2 and err.count("dangling.py") == 1


def test_what_runs_whatever_the_data_can_prove_an_overrun(capsys, tmp_path):
    """An upper bound over the budget proves nothing, but the exact sites outside every
    branch on data run anyway: when they alone exceed the budget, it is over."""
    src = tmp_path / "ub.py"
    src.write_text("import flopscope as flops\nimport flopscope.numpy as fnp\n\n"
                   "with flops.BudgetContext(flop_budget=1000):\n    A = fnp.ones((1000, 1000))\n"
                   "    v = A @ fnp.ones((1000,))\n    if fnp.sum(v) > 0:\n        v = v * 2\n")
    code, out, _ = run(capsys, "analyze", src, "--no-config")
    assert code == 1
    assert ("predicted 1,002,001 of 1,000 (100200.1%), headroom -1,001,001: OVER BUDGET (at least 1,001,001 run "
            "whatever the data)  (upper bound)") in out
    within = tmp_path / "ok.py"
    within.write_text(src.read_text().replace("flop_budget=1000", "flop_budget=1_001_500"))
    code, out, _ = run(capsys, "analyze", within, "--no-config")
    assert code == 0 and "not decided (the prediction is an upper bound)" in out
