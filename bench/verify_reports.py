"""Recompute `report skdn` / `report gizi` independently and compare every cell (issue 7).

    DATA_DIR=/tmp/verify-data DEBUG=true .venv/bin/python bench/verify_reports.py \\
        --wilayah 14.71 --period 2025-04 [--period 2025-03 ...] [--user admin]

Runs against the configured database: exports the measurements of the region
(`export_measurements`), recomputes z-scores with the WHO-equivalent batch CLI and the SKDN
and nutrition counts in plain Python (tests/skdn_oracle.py; nothing from posyandu.laporan),
takes S and K from a direct query on Sasaran, and prints the agreement per column.
Exit status 1 on any disagreement.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wilayah", action="append", required=True, help="region code(s)")
    parser.add_argument("--period", action="append", required=True, help="YYYY-MM (repeat)")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--show", type=int, default=30, help="disagreements to print")
    args = parser.parse_args()

    import django

    django.setup()
    from tests import skdn_oracle

    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for kode in args.wilayah:
            check = skdn_oracle.verify(kode, args.period, args.user, Path(tmp))
            print(f"== {kode}, periods {', '.join(check.periods)}: {check.rows} export rows, "
                  f"{check.cells} report cells compared")  # fmt: skip
            for column, (ok, total) in check.per_column.items():
                print(f"   {column:15s} {ok:5d} / {total:<5d} agree")
            print(f"   disagreements: {len(check.diffs)}")
            for line in check.diffs[: args.show]:
                print("   -", line)
            bad += len(check.diffs)
    print("ALL AGREE" if not bad else f"{bad} DISAGREEMENTS")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
