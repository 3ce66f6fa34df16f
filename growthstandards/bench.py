"""Benchmark: all WHO 2006 indicators for generated, realistic children.

``python -m growthstandards bench --rows 1000000`` prints children per second for the
computation alone (inputs already in memory as arrays: the cost a caller with a column of
data pays) and the memory it needs. ``--csv`` adds the end-to-end CSV command.
"""

from __future__ import annotations

import csv
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc

import numpy as np

from . import batch, who2006
from .lms import sd_value
from .tables import load_table


def _around_median(
    rng: np.random.Generator,
    table: str,
    sex: np.ndarray,
    day: np.ndarray,
    mean_z: float,
    sd_z: float,
    common: np.ndarray | None = None,
) -> np.ndarray:
    """Measurements at z ~ N(mean_z, sd_z) on the WHO curve of the child's age and sex;
    ``common`` (a standard normal per child) correlates body size across measurements."""
    tab = load_table(table)
    idx = tab.flat_index(sex, day, np.ones(len(sex), bool))
    unit = rng.standard_normal(len(sex))
    if common is not None:
        unit = 0.75 * common + np.sqrt(1 - 0.75**2) * unit
    z = mean_z + sd_z * unit
    return sd_value(z, tab.l.take(idx), tab.m.take(idx), tab.s.take(idx))


def _missing(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    values[rng.random(len(values)) < share] = np.nan
    return values


def generate_children(n: int, seed: int = 20_200_202) -> dict[str, np.ndarray]:
    """Children 0-1826 days with Indonesian-like z distributions (stunting ~ 20%),
    measurement position by age with 5% mistakes and 8% unrecorded, 1% oedema, a few
    missing values, MUAC and skinfolds only from 3 months."""
    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, n).astype(np.int8)
    age = rng.integers(0, 1827, n).astype(np.float64)
    day = age
    size = rng.standard_normal(n)
    weight = np.round(_around_median(rng, "wfa", sex, day, -0.6, 1.2, size), 2)
    lenhei = np.round(_around_median(rng, "lhfa", sex, day, -0.9, 1.3, size), 1)
    headc = np.round(_around_median(rng, "hcfa", sex, day, -0.3, 1.1, size), 1)
    after_3mo = np.maximum(day, 91)
    muac = np.round(_around_median(rng, "acfa", sex, after_3mo, -0.4, 1.1, size), 1)
    triskin = np.round(_around_median(rng, "tsfa", sex, after_3mo, 0.0, 1.0), 1)
    subskin = np.round(_around_median(rng, "ssfa", sex, after_3mo, 0.0, 1.0), 1)
    for v in (muac, triskin, subskin):
        v[day < 91] = np.nan
    measure = np.where(day < 731, 1, 2).astype(np.int8)
    mistake = rng.random(n) < 0.05
    measure[mistake] = 3 - measure[mistake]
    measure[rng.random(n) < 0.08] = 0
    return {
        "sex": sex,
        "age_days": age,
        "weight": _missing(rng, weight, 0.02),
        "lenhei": _missing(rng, lenhei, 0.03),
        "measure": measure,
        "headc": _missing(rng, headc, 0.10),
        "muac": _missing(rng, muac, 0.05),
        "triskin": _missing(rng, triskin, 0.30),
        "subskin": _missing(rng, subskin, 0.30),
        "oedema": rng.random(n) < 0.01,
    }


def compute(children: dict[str, np.ndarray]) -> who2006.Who2006Result:
    return who2006.zscores(**children)


def _write_csv(children: dict[str, np.ndarray], path: str) -> None:
    header = ["id", "sex", "age_days", "weight_kg", "lenhei_cm", "measure", "headc_cm",
              "muac_cm", "triskin_mm", "subskin_mm", "oedema"]  # fmt: skip
    fields = ("weight", "lenhei", "headc", "muac", "triskin", "subskin")
    cols = [
        [str(i) for i in range(1, len(children["sex"]) + 1)],
        children["sex"].astype(str).tolist(),
        batch.format_values(children["age_days"]),
        *(batch.format_values(children[f]) for f in fields[:2]),
        [("", "L", "H")[m] for m in children["measure"].tolist()],
        *(batch.format_values(children[f]) for f in fields[2:]),
        ["y" if o else "n" for o in children["oedema"].tolist()],
    ]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(zip(*cols, strict=True))


def main(rows: int, seed: int, repeat: int, with_csv: bool) -> int:
    print(f"generating {rows:,} children...", file=sys.stderr)
    children = generate_children(rows, seed)
    compute({k: v[:1000] for k, v in children.items()})  # load tables once, untimed

    best = float("inf")
    for _ in range(max(repeat, 1)):
        t0 = time.perf_counter()
        compute(children)
        best = min(best, time.perf_counter() - t0)

    tracemalloc.start()
    compute(children)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    input_mb = sum(v.nbytes for v in children.values()) / 2**20

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, numpy {np.__version__}")  # fmt: skip
    print(f"rows: {rows:,}; all 8 WHO 2006 indicators (z, rounded z, flags, clenhei, cbmi)")
    print(f"computation: {best:.3f} s (best of {repeat}) = {rows / best:,.0f} children/s")
    print(f"memory: inputs {input_mb:,.0f} MB; computation peak allocation "
          f"{traced_peak / 2**20:,.0f} MB (tracemalloc, results included); "
          f"process peak RSS {maxrss_mb:,.0f} MB")  # fmt: skip

    if with_csv:
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "in.csv"), os.path.join(tmp, "out.csv")
            _write_csv(children, src)
            del children
            t0 = time.perf_counter()
            with open(src, newline="") as fin, open(dst, "w", newline="") as fout:
                batch.run_csv(fin, fout)
            took = time.perf_counter() - t0
        print(f"CSV end to end (parse + compute + write): {took:.2f} s = "
              f"{rows / took:,.0f} rows/s")  # fmt: skip
    return 0
