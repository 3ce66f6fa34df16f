"""The visit page on a 360 px phone (issue 11, section 4): page heights and taps.

    .venv/bin/python bench/visit_page.py

Runs the browser test `tests/browser/test_visit_page.py::test_visit_page_figures` (Playwright
with /usr/bin/chromium, a live test server and a fresh test database) and prints its figures:
the page height at 360 px of a balita's visit after saving a weight and of a pregnant woman's
visit on check-in, where the result box sits after saving, and the taps and keystrokes from
the session's search box to a saved weight. Figures, not timed assertions.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/browser/test_visit_page.py::test_visit_page_figures"


def main() -> int:
    run = subprocess.run(  # noqa: S603 - our own interpreter on our own test
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-s",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            TEST,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    figures = [line for line in run.stdout.splitlines() if line.startswith("FIGURE ")]
    for line in figures:
        print(line.removeprefix("FIGURE "))
    if run.returncode or not figures:
        print(run.stdout[-3000:], run.stderr[-2000:], sep="\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
