"""Headless Chromium (Debian's package, which `make test` installs) for the docs' browser tests and screenshots.

Run with the flags this network needs: no background networking, no component updates,
no sync, no QUIC, and a fresh empty profile each time.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def chromium() -> str | None:
    """The Chromium executable, or None where it is not installed."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def run(url: str, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess:
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed (make test installs it: apt-get install -y chromium)")
    with tempfile.TemporaryDirectory(prefix="flopscope-chromium-") as profile:
        proc = subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", *extra, url], capture_output=True,
                              text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"chromium failed on {url} (exit {proc.returncode}): {proc.stderr[-500:]}")
    return proc


def dump_dom(path: Path) -> str:
    """The page's DOM after it loaded and ran, serialised."""
    return run(Path(path).resolve().as_uri(), "--dump-dom").stdout


def screenshot(path: Path, out: Path, width: int = 900, height: int = 600) -> Path:
    out = Path(out).resolve()
    run(Path(path).resolve().as_uri(), f"--window-size={width},{height}", f"--screenshot={out}")
    if not out.exists():
        raise RuntimeError(f"chromium wrote no screenshot to {out}")
    return out


def probe(html: str, body: str, where: Path) -> dict:
    """Run ``body`` (JavaScript that sets ``const out = {...}``) in the page ``html``
    once it has loaded, and return ``out``: the page is written to ``where`` with the
    script before ``</body>``, which writes ``out`` as JSON into the DOM."""
    import json
    import re

    script = ("<script>\n(function () {\n" + body + "\n  const pre = document.createElement('pre');\n"
              "  pre.id = 'probe';\n  pre.textContent = JSON.stringify(out);\n  document.body.appendChild(pre);\n"
              "})();\n</script>")
    Path(where).write_text(html.replace("</body>", script + "</body>"))
    found = re.search(r'<pre id="probe">(.*?)</pre>', dump_dom(where))
    if found is None:
        raise AssertionError("the probe did not run")
    return json.loads(found.group(1))
