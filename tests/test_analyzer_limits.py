"""The analyzer never hangs and never explodes, as a user of ``flopscope analyze`` sees it.

A time limit (``--timeout``) and a memory ceiling (``--max-memory``) stop a long
analysis and report what is known so far; Ctrl-C ends the command with one line and
exit code 130; a reader that closes the pipe (``| head``) ends it quietly; on a
terminal a progress line shows what is being analyzed. See
``flopscope/analyzer/limits.py`` and ``flopscope/cli.py``.

The slow program below is cheap to run but slow to analyze: its while loop
(``k * k < limit``) is followed one iteration at a time, and with ``m=1e12`` that is
far more iterations than any limit used here lets it reach (run without a time limit
it goes on for minutes until the default 4 GiB memory ceiling stops it). Every
iteration also appends a list to ``history``, so the analysis' memory keeps growing,
which lets the memory ceiling trip quickly.

Every subprocess is guarded by a generous timeout so that a hang fails the test
instead of blocking the run; no test asserts how fast anything is.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flopscope.analyzer import analyze
from flopscope.cli import main

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "examples" / "guide_solver.py"

SLOW_SOURCE = '''\
"""Cheap to run, slow to analyze: the while loop is followed step by step."""
import flopscope.numpy as fnp

A = fnp.ones((n, n))
v = fnp.ones((n,))
w = A @ v
history = []


def refine(x, limit):
    k = 0
    while k * k < limit:
        x = fnp.exp(x)
        history.append(list(range(1000)))
        k = k + 1
    return x


w = refine(w, m)
z = fnp.sum(w)
'''
SLOW_SHAPES = "n=256,m=1e12"
_SLOW_LINES = SLOW_SOURCE.splitlines()
WHILE_LINE = next(i for i, text in enumerate(_SLOW_LINES, 1) if text.strip().startswith("while "))
RETURN_LINE = next(i for i, text in enumerate(_SLOW_LINES, 1) if text.strip() == "return x")
LOOP_LINES = set(range(WHILE_LINE, RETURN_LINE))  # the while statement and its body: the long part
MATMUL_LINE = next(i for i, text in enumerate(_SLOW_LINES, 1) if "A @ v" in text)  # analyzed before the long part
SUM_LINE = next(i for i, text in enumerate(_SLOW_LINES, 1) if "fnp.sum" in text)  # after it: never reached

# the analysis runs in one worker thread; with the BLAS libraries held to one thread,
# a second thread in the process means the analysis has started (see wait_until_analyzing)
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

GUARD_S = 60  # a hang guard for a subprocess that should end within seconds; never a speed target

_SCRIPT = Path(sys.executable).with_name("flopscope")
FLOPSCOPE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "flopscope"]

STOP_LINE = re.compile(r"^the analysis stopped: (?P<reason>.+) at line (?P<line>\d+); what it had not analyzed is unknown$")
PROGRESS = re.compile(r"\r\x1b\[Kanalyzing (?P<path>.+?): line (?P<line>\d+) \((?P<seconds>\d+) s\)")
CLEAR = "\r\x1b[K"


@pytest.fixture(scope="module")
def slow(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "slow_solver.py"
    path.write_text(SLOW_SOURCE)
    return path


def flopscope(*argv: str, guard: float = GUARD_S) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([*FLOPSCOPE, *argv], check=False, capture_output=True, text=True, env=ENV,
                              stdin=subprocess.DEVNULL, timeout=guard)
    except subprocess.TimeoutExpired:
        pytest.fail(f"flopscope {' '.join(argv)} did not end within {guard} s (a hang)")


def stop_of(out: str) -> tuple[str, int]:
    """(reason, line) of the text output's 'the analysis stopped: ...' line."""
    found = [m for m in map(STOP_LINE.match, out.splitlines()) if m]
    assert len(found) == 1, out
    return found[0]["reason"], int(found[0]["line"])


def total_line(out: str) -> str:
    totals = [line for line in out.splitlines() if line.startswith("total: ")]
    assert len(totals) == 1, out
    return totals[0]


def assert_stopped_report(out: str, path: Path, reason: str) -> int:
    """The partial report of an analysis stopped inside the slow loop; returns the line it stopped at."""
    assert out.startswith(f"flopscope analyze {path}  ("), out
    got_reason, line = stop_of(out)
    assert got_reason == reason, out
    assert line in LOOP_LINES, f"stopped at line {line}, not inside the loop (lines {sorted(LOOP_LINES)}):\n{out}"
    lines = out.splitlines()
    fs124 = [x for x in lines if ": FS124 " in x]
    expected = (f"{path}:{line}:1: FS124 the analysis stopped here ({reason}): the cost of what it had not "
                "analyzed yet is unknown")
    assert fs124 == [expected], out
    total = total_line(out)
    assert total.endswith("(unknown)") or "(unknown); the known part is " in total, total
    assert "= ?" in total, total
    # what came before the long part was analyzed; what comes after it was not reached
    assert any(x.startswith(f"{path}:{MATMUL_LINE}:") and ": matmul " in x for x in lines), out
    assert not any(x.startswith(f"{path}:{SUM_LINE}:") for x in lines), out
    return line


# ---------------------------------------------------------------------- the time limit


def test_timeout_stops_a_long_analysis_and_reports_the_known_part(slow):
    proc = flopscope("analyze", str(slow), "--shapes", SLOW_SHAPES, "--timeout", "1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr == ""
    line = assert_stopped_report(proc.stdout, slow, "time limit")
    assert f"the analysis stopped: time limit at line {line}; what it had not analyzed is unknown" in proc.stdout


def test_timeout_is_recorded_in_json(slow):
    proc = flopscope("analyze", str(slow), "--shapes", SLOW_SHAPES, "--timeout", "1", "--format", "json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr == ""
    data = json.loads(proc.stdout)
    match = re.fullmatch(r"time limit at line (\d+)", data["stopped"] or "")
    assert match, data["stopped"]
    line = int(match[1])
    assert line in LOOP_LINES
    assert data["total"]["label"] == "unknown" and data["total"]["value"] is None and data["total"]["exact"] is False
    assert data["exit_code"] == 1
    fs124 = [d for d in data["diagnostics"] if d["code"] == "FS124"]
    assert [(d["line"], d["col"], d["severity"]) for d in fs124] == [(line, 1, "warning")]
    assert "time limit" in fs124[0]["message"]
    assert any(s["line"] == MATMUL_LINE and s["op"] == "matmul" for s in data["sites"])
    assert not any(s["line"] == SUM_LINE for s in data["sites"])


def test_timeout_through_the_python_api(slow):
    result = analyze(str(slow), shapes=[SLOW_SHAPES], timeout_s=1)
    assert result.stopped is not None and result.stopped.startswith("time limit"), result.stopped
    assert re.fullmatch(r"time limit at line (\d+)", result.stopped)
    assert int(result.stopped.rsplit(" ", 1)[1]) in LOOP_LINES
    assert result.label == "unknown"
    assert result.value is None and result.exit_code == 1
    assert [d.code for d in result.diagnostics if d.code == "FS124"] == ["FS124"]
    assert any(s.line == MATMUL_LINE for s in result.sites)


# ---------------------------------------------------------------------- the memory ceiling


def fresh_process_rss_mb() -> float:
    """The resident memory of a fresh Python that has imported what ``flopscope analyze``
    imports (numpy, SymPy, libcst, the analyzer), measured as limits.rss_mb() measures it."""
    code = ("import flopscope.cli, flopscope.analyzer, flopscope.analyzer.driver, flopscope.analyzer.render\n"
            "from flopscope.analyzer.limits import rss_mb\nprint(rss_mb())\n")
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, env=ENV,
                          timeout=GUARD_S)
    assert proc.returncode == 0, proc.stderr
    return float(proc.stdout)


def test_max_memory_stops_a_growing_analysis(slow):
    # just above what a fresh process holds: the analysis starts below the ceiling (the
    # matmul before the loop is analyzed) and the growing history list takes it over;
    # --timeout 60 is only a guard (a stop for time would fail the reason check below)
    ceiling = int(fresh_process_rss_mb()) + 64
    proc = flopscope("analyze", str(slow), "--shapes", SLOW_SHAPES, "--max-memory", str(ceiling), "--timeout", "60",
                     guard=GUARD_S + 60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr == ""
    reason, _ = stop_of(proc.stdout)
    assert "memory" in reason
    assert_stopped_report(proc.stdout, slow, "memory ceiling")


# ---------------------------------------------------------------------- Ctrl-C


def wait_until_analyzing(proc: subprocess.Popen, guard: float = GUARD_S) -> None:
    """Until the analysis' worker thread runs (the process has a second thread)."""
    deadline = time.monotonic() + guard
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the analysis ended before it could be interrupted ({proc.returncode}):\n{out}{err}")
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
        except OSError:
            status = ""
        threads = [int(x.split()[1]) for x in status.splitlines() if x.startswith("Threads:")]
        if threads and threads[0] >= 2:
            return
        time.sleep(0.05)
    proc.kill()
    proc.communicate()
    pytest.fail(f"the analysis did not start within {guard} s")


@contextlib.contextmanager
def sigint_not_ignored():
    """Start children with Ctrl-C as at a terminal. A job started in the background by a
    non-interactive shell (`pytest ... &`, as CI scripts do) has SIGINT ignored, which its
    children inherit through exec, and Python then keeps ignoring it: the command would never
    see the signal. A handler, unlike SIG_IGN, is reset to the default by exec."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to see that the analysis runs")
def test_ctrl_c_ends_with_one_line_and_exit_code_130(slow):
    with sigint_not_ignored():
        proc = subprocess.Popen([*FLOPSCOPE, "analyze", str(slow), "--shapes", SLOW_SHAPES, "--timeout", "0"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=ENV)
    try:
        wait_until_analyzing(proc)
        time.sleep(1.0)  # well inside the long loop (the analysis would go on for minutes)
        assert proc.poll() is None, "the slow analysis ended by itself"
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("flopscope did not end within 30 s of Ctrl-C")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert err == "flopscope: interrupted\n"
    assert "Traceback" not in err
    assert out == ""


# ---------------------------------------------------------------------- a closed pipe (| head)


def test_a_closed_output_pipe_ends_quietly(tmp_path):
    # the guide's example prints about 1 KB, which fits in the pipe: the reader could not
    # close it under the writer. So: many call sites, and a long path on every line of them.
    folder = tmp_path / ("a_folder_with_a_rather_long_name_" * 7) / ("and_a_subfolder_with_a_long_name_" * 7)
    folder.mkdir(parents=True)
    src = folder / "many_sites.py"
    sites = 400
    src.write_text("import flopscope.numpy as fnp\n\nv = fnp.ones((n, n))\n"
                   + "".join(f"x{i} = fnp.exp(v)\n" for i in range(sites)))
    assert sites * len(str(src)) > 2 * 65536  # the output is over twice a Linux pipe buffer
    proc = subprocess.Popen([*FLOPSCOPE, "analyze", str(src), "--shapes", "n=300"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    try:
        first = proc.stdout.readline()
        proc.stdout.close()  # the reader goes away, as `| head -1` does
        try:
            proc.wait(timeout=GUARD_S)
        except subprocess.TimeoutExpired:
            pytest.fail("flopscope did not end after its reader closed the pipe")
        err = proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    assert first.decode().startswith(f"flopscope analyze {src}  ("), first
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert err == ""


# ---------------------------------------------------------------------- the progress line


def run_on_a_terminal(argv: list[str], guard: float = GUARD_S) -> tuple[int, str, str]:
    """Run a command with its stderr on a pseudo-terminal (stdout a pipe): (exit code, stdout, stderr)."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                            env=dict(ENV, TERM="xterm"))
    os.close(slave)
    received = bytearray()
    deadline = time.monotonic() + guard
    try:
        while True:
            if time.monotonic() > deadline:
                pytest.fail(f"{' '.join(argv)} did not end within {guard} s on a terminal")
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: every writer of the terminal has gone
                    break
                if not chunk:
                    break
                received += chunk
            elif proc.poll() is not None:
                break
        out = proc.stdout.read().decode()
        proc.wait(timeout=guard)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    return proc.returncode, out, received.decode()


@pytest.fixture(scope="module")
def on_a_terminal(slow):
    return run_on_a_terminal([*FLOPSCOPE, "analyze", str(slow), "--shapes", SLOW_SHAPES, "--timeout", "4"])


def test_progress_line_on_a_terminal(slow, on_a_terminal):
    code, out, err = on_a_terminal
    shown = list(PROGRESS.finditer(err))
    assert shown, repr(err)
    for m in shown:
        assert m["path"] == str(slow), m[0]
        assert int(m["line"]) in LOOP_LINES, m[0]
        assert int(m["seconds"]) >= 2, m[0]  # not before 2 s
    # the line is erased at the end, and nothing else is written to the terminal
    assert err.endswith(CLEAR), repr(err[-80:])
    assert PROGRESS.sub("", err).replace(CLEAR, "") == ""
    # the report itself still follows, complete, on stdout
    assert code == 1, out
    assert_stopped_report(out, slow, "time limit")


def test_progress_line_appears_while_the_analysis_runs(on_a_terminal):
    _, _, err = on_a_terminal
    seconds = [int(m["seconds"]) for m in PROGRESS.finditer(err)]
    # --timeout 4: a line shown at 2 or 3 s was shown before the time limit stopped the analysis
    assert any(s < 4 for s in seconds), repr(err)


def test_no_progress_line_when_stderr_is_not_a_terminal(slow):
    proc = flopscope("analyze", str(slow), "--shapes", SLOW_SHAPES, "--timeout", "4")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr == ""
    assert "analyzing" not in proc.stdout and "\x1b" not in proc.stdout
    assert_stopped_report(proc.stdout, slow, "time limit")


# ---------------------------------------------------------------------- --timeout 0 and bad values


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_timeout_zero_means_no_limit(capsys):
    code, out, err = run(capsys, "analyze", str(GUIDE), "--shapes", "n=256", "--timeout", "0")
    assert code == 0, out + err
    assert "the analysis stopped" not in out and "FS124" not in out
    assert "total: n**2 + 2*n  = 66,048  (exact)" in out.splitlines()
    code, out, _ = run(capsys, "analyze", str(GUIDE), "--shapes", "n=256", "--timeout", "0", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["stopped"] is None and data["total"]["label"] == "exact"
    result = analyze(str(GUIDE), shapes=["n=256"], timeout_s=None, max_memory_mb=None)
    assert result.stopped is None and result.label == "exact" and result.value == 66048


@pytest.mark.parametrize("option,value", [
    ("--timeout", "-1"),
    ("--timeout", "abc"),
    ("--timeout", "nan"),
    ("--max-memory", "-5"),
    ("--max-memory", "abc"),
])
def test_bad_limit_values_are_usage_errors(capsys, option, value):
    code, out, err = run(capsys, "analyze", str(GUIDE), "--shapes", "n=256", option, value)
    assert code == 2
    assert out == ""
    assert f"argument {option}:" in err and repr(value) in err, err
    assert "Traceback" not in err
    code, out, _ = run(capsys, "analyze", str(GUIDE), "--shapes", "n=256", option, value, "--format", "json")
    data = json.loads(out)
    assert code == 2 and data["exit_code"] == 2 and option in data["error"]


def test_max_memory_zero_means_no_ceiling(capsys):
    # like --timeout 0, and documented so in --help
    code, out, err = run(capsys, "analyze", "--help")
    assert code == 0
    help_line = " ".join(out.split("--max-memory MB", 2)[2].split()[:30])
    assert "(default: 4096; 0: no limit)" in help_line, help_line
    code, out, err = run(capsys, "analyze", str(GUIDE), "--shapes", "n=256", "--max-memory", "0")
    assert code == 0, out + err
    assert "total: n**2 + 2*n  = 66,048  (exact)" in out.splitlines()
