"""``[tool.flopscope]``: finding it, reading it, globs, merging with the command line,
and errors that name the file and the key (issue 14)."""

import re
from pathlib import Path

import pytest

from flopscope import config as C

ROOT = Path(__file__).resolve().parents[1]


def _doc_example() -> str:
    text = (ROOT / "docs" / "analyzer.md").read_text()
    section = text[text.index("### Configuration: `[tool.flopscope]`"):]
    return re.search(r"```toml\n(.*?)```", section, re.S).group(1)


def test_the_documented_example_loads_as_it_says(tmp_path):
    (tmp_path / "pyproject.toml").write_text(_doc_example())
    cfg = C.load(search_from=tmp_path)
    assert cfg.path == tmp_path / "pyproject.toml"
    d = cfg.defaults
    assert (d.shapes, d.contract, d.budget, d.select, d.ignore) == (
        ["w=256,L=32,B=2.72e11"], "estimator", "2.72e11", ["FS1"], ["FS116", "FS126"])
    assert (d.timeout, d.max_memory) == (60.0, 2048.0)
    assert cfg.exclude == ["tests/**", "build/**"]
    script = cfg.options_for(tmp_path / "scripts" / "run.py")
    assert script.contract == "none"
    assert script.shapes == ["w=256,L=32,B=2.72e11,n=256"]  # merged symbol by symbol
    model = cfg.options_for(tmp_path / "models" / "mlp.py")
    assert (model.entry, model.args, model.contract) == ("forward", ["W=array(n, n)", "x=array(n)"], "estimator")
    assert cfg.excluded(tmp_path / "tests" / "deep" / "t.py") and not cfg.excluded(tmp_path / "solver.py")


def test_the_readme_table_loads(tmp_path):
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```toml\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "pyproject.toml").write_text(block)
    cfg = C.load(search_from=tmp_path)
    assert cfg.defaults.contract == "estimator" and cfg.defaults.ignore == ["FS116"]


def test_the_nearest_table_is_found_from_a_subfolder(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.flopscope]\nshapes = "n=4"\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no table: keep looking
    assert C.find_config(tmp_path / "pkg") == tmp_path / "pyproject.toml"
    assert C.load(search_from=tmp_path / "pkg").defaults.shapes == ["n=4"]


def test_no_configuration_is_an_empty_one(tmp_path):
    cfg = C.load(search_from=tmp_path)
    assert cfg.path is None or "flopscope" in cfg.path.read_text()


@pytest.mark.parametrize("pattern,path,hit", [
    ("*.py", "a/b/c.py", True),
    ("solvers/*.py", "solvers/x.py", True),
    ("solvers/*.py", "solvers/deep/x.py", False),
    ("solvers/**", "solvers/deep/x.py", True),
    ("**/old/*.py", "a/b/old/x.py", True),
    ("**/old/*.py", "old/x.py", True),
    ("old", "a/old/x.py", True),
    ("tests/", "tests/a/b.py", True),
    ("x?.py", "x1.py", True),
    ("x?.py", "x12.py", False),
])
def test_globs(pattern, path, hit):
    assert C.glob_match(path, pattern) is hit


def test_shapes_merge_by_symbol_and_keep_bare_names():
    assert C.merge_shapes(["w=256,L=32"], ["L=8", "n"], ["w=16"]) == ["L=8,n,w=16"]
    assert C.merge_shapes([], []) == []


def test_command_line_wins():
    base = C.RunOptions(shapes=["n=4,m=2"], contract="estimator", budget="1e9", ignore=["FS116"], args=["x=array(n)"])
    cli = C.RunOptions(shapes=["n=8"], budget="5", ignore=["FS105"], args=["x=array(m)"])
    got = C.merge(base, cli)
    assert (got.shapes, got.contract, got.budget, got.ignore, got.args) == (
        ["m=2,n=8"], "estimator", "5", ["FS116", "FS105"], ["x=array(m)"])


@pytest.mark.parametrize("body,message", [
    ('shape = "n=1"', "unknown key 'shape'"),
    ('contract = "estimater"', "contract = 'estimater': known contracts are 'estimator', 'none'"),
    ("shapes = 3", "shapes must be a string or a list of strings, got 3"),
    ('ignore = ["E501"]', "ignore: 'E501' is not a diagnostic code or prefix"),
    ("budget = true", "budget must be a number of FLOPs"),
    ("timeout = -1", "timeout must be a non-negative number, got -1"),
    ('[tool.flopscope.per-file."x.py"]\nexclude = ["y"]', "unknown key 'exclude'"),
    ("shapes = [", "not valid TOML"),
])
def test_bad_configurations_name_what_is_wrong(tmp_path, body, message):
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.flopscope]\n" + body + "\n")
    with pytest.raises(C.ConfigError) as err:
        C.load(search_from=tmp_path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_an_explicit_file_must_hold_the_table(tmp_path):
    path = tmp_path / "other.toml"
    path.write_text('[project]\nname = "x"\n')
    with pytest.raises(C.ConfigError, match="no \\[tool.flopscope\\] table"):
        C.load(path, explicit=True)
    with pytest.raises(C.ConfigError, match="no such configuration file"):
        C.load(tmp_path / "missing.toml", explicit=True)
