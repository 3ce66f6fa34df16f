"""Import benchmark on a fresh SQLite database: migrate a new file, then
`manage.py bench_import --rows N` (20,000 by default). Prints the timings.

    .venv/bin/python bench/import_balita.py [--rows 20000]
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    rows = sys.argv[sys.argv.index("--rows") + 1] if "--rows" in sys.argv else "20000"
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-not-a-secret",
            "DATA_DIR": tmp,
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
        subprocess.run([*manage, "bench_import", "--rows", rows], env=env, check=True)  # noqa: S603


if __name__ == "__main__":
    main()
