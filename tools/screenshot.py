"""Take the docs' screenshot: the FFT rows of the built cost reference, in headless Chromium.

    python tools/screenshot.py SITE_DIR OUT.png      (`make screenshot` runs it after building the site)

The FFT section of SITE_DIR/cost-reference.html is set alone on a page that uses the
site's own stylesheets, so the picture shows the rows with their formulas as math.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from headless import screenshot  # noqa: E402


def fft_page(site: Path) -> str:
    page = (site / "cost-reference.html").read_text()
    head = re.search(r"<head>.*?</head>", page, re.S)
    section = re.search(r'(<h2 id="fft[^"]*">.*?</table>)', page, re.S)
    if head is None or section is None:
        raise SystemExit(f"{site / 'cost-reference.html'} has no FFT section: build the site first (make docs)")
    rows = re.findall(r"<tr>.*?</tr>", section.group(1), re.S)
    heading = re.search(r"<h2 .*?</h2>", section.group(1), re.S).group(0)
    shown = [r for r in rows[1:] if re.search(r"<code>fft\.(fft|hfft|rfft|fftn|rfftn|irfftn)</code>", r)]
    table = "<table>" + rows[0] + "".join(shown) + "</table>"  # the header and six ops
    return (f"<!doctype html><html>{head.group(0)}<body><div class='md-content'><article class='md-content__inner "
            f"md-typeset'>{heading}<div class='md-typeset__table'>{table}</div></article></div></body></html>")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    site, out = Path(argv[0]), Path(argv[1])
    shot = site / "_screenshot.html"
    shot.write_text(fft_page(site))
    try:
        screenshot(shot, out, width=900, height=640)
    finally:
        shot.unlink()
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
