"""Command line: ``python -m growthstandards zscore|prevalence|bench ...``."""

from __future__ import annotations

import argparse
import csv
import gc
import os
import sys
from pathlib import Path

from . import ENGINE_VERSION, fastbatch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m growthstandards",
        description=f"WHO growth z-scores (engine {ENGINE_VERSION})",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    z = sub.add_parser("zscore", help="z-scores of a CSV file, WHO anthro/anthroplus columns")
    z.add_argument("input", help="input CSV or .parquet (columns found by header name)")
    z.add_argument("output", help="output CSV or .parquet")
    z.add_argument(
        "--workers",
        type=int,
        default=None,
        help="threads (default: up to 2); CSV output with 2 or more also forks a reader process",
    )
    z.add_argument(
        "--reference",
        choices=("who2006", "who2007"),
        default="who2006",
        help="who2006 = anthro (0-5 y, age in days); who2007 = anthroplus (5-19 y, months)",
    )

    p = sub.add_parser(
        "prevalence",
        help="survey prevalence with SE and 95% CI, as WHO anthro_prevalence (0-5 y)",
    )
    p.add_argument("input", help="input CSV or .parquet (columns named like the R arguments)")
    p.add_argument("output", help="output CSV or .parquet (the R function's columns)")

    b = sub.add_parser("bench", help="time all 0-5 y indicators on generated children")
    b.add_argument("--rows", type=int, default=1_000_000)
    b.add_argument("--seed", type=int, default=20_200_202)
    b.add_argument("--repeat", type=int, default=5, help="timed runs; the best is reported")
    b.add_argument("--csv", action="store_true", help="also time the CSV command end to end")
    b.add_argument(
        "--prevalence",
        action="store_true",
        help="time the prevalence analysis instead (e.g. --rows 100000)",
    )

    args = parser.parse_args(argv)
    if args.command == "zscore":
        # A one-shot job: the cyclic garbage collector finds next to nothing here but would
        # run dozens of times while numba and Arrow load their many objects (~0.2 s).
        gc.disable()
        try:
            n = fastbatch.run_files(args.input, args.output, args.reference, args.workers)
        except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
            # A user's mistake (no such file, no 'sex' column, not a CSV): one clear line,
            # no traceback, and no half-written output that could pass for a result.
            Path(args.output).unlink(missing_ok=True)
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {n:,} rows to {args.output}", file=sys.stderr)
        return 0
    if args.command == "prevalence":
        from . import prevalence  # imported by its command only: start-up of the others

        try:
            groups = prevalence.run_files(args.input, args.output)
        except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
            Path(args.output).unlink(missing_ok=True)
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {groups} groups to {args.output}", file=sys.stderr)
        return 0
    from . import bench

    if args.prevalence:
        return bench.main_prevalence(args.rows, args.seed)
    return bench.main(args.rows, args.seed, args.repeat, args.csv)


if __name__ == "__main__":
    code = main()
    if sys.argv[1:2] == ["zscore"]:
        # Everything is written and closed: skip the interpreter's teardown, which takes
        # ~0.25 s once numba (LLVM) and Arrow are loaded.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
