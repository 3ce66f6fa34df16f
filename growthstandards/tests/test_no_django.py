"""The engine is framework-free: importing it must not import Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_import_pulls_in_no_django() -> None:
    code = (
        "import sys, growthstandards, growthstandards.batch, growthstandards.bench; "
        "bad = [m for m in sys.modules if m.split('.')[0] == 'django']; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True)


def test_version_is_exposed() -> None:
    import growthstandards

    assert growthstandards.ENGINE_VERSION == "1.0.0"
    assert set(growthstandards.TABLE_VERSIONS) == {"who2006", "who2007"}
