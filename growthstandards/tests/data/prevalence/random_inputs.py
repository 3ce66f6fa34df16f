"""Random survey data sets for comparing ``prevalence`` with the WHO R ``anthro_prevalence``.

    python growthstandards/tests/data/prevalence/random_inputs.py FIRST LAST DIR
    Rscript growthstandards/tests/data/prevalence/expected_from_r.R DIR

writes ``DIR/generated_<seed>_input.csv`` for the seeds FIRST..LAST-1, then R writes each
``_expected.csv``. The designs vary with the seed: no design, weights only (some missing),
clusters, clusters + strata (+ weights), a stratum with a single PSU, one cluster for all;
ages in days or months; 40 to 4,000 children; optional factors with missing values; some
implausible weights (flagged z-scores) and oedema. The committed ``generated_*`` cases are
seeds of this script (same numpy, same files).
"""

import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
from growthstandards import bench  # noqa: E402

FACTORS = {
    "typeres": ["Rural", "Urban"],
    "gregion": ["A", "B", "C"],
    "wealthq": ["1", "2", "3", "4", "5"],
    "mothered": ["none", "primary", "secondary"],
    "othergr": ["x", "y"],
}
DESIGNS = ("srs", "w", "c", "cs", "csw", "lonely", "onecluster", "cw")


def dataset(seed: int) -> tuple[str, dict[str, np.ndarray], bool]:
    rng = np.random.default_rng(seed)
    n = int(rng.choice([40, 120, 400, 1500, 4000]))
    ch = bench.generate_children(n, seed)
    months = bool(rng.random() < 0.3)
    age = ch["age_days"].astype(float)
    if months:
        age = np.round(age / 30.4375, int(rng.choice([0, 1, 2])))
    male, female = rng.choice(["1", "m", "M"]), rng.choice(["2", "f", "F"])
    cols: dict[str, np.ndarray] = {
        "sex": np.where(ch["sex"] == 1, male, female),
        "age": age,
        "weight": ch["weight"],
        "lenhei": ch["lenhei"],
        "measure": np.array(["", "l", "h"])[ch["measure"]],
        # the R function takes "n"/"y" only
        "oedema": np.where(ch["oedema"] | (rng.random(n) < 0.02), "y", "n"),
    }
    implausible = rng.random(n) < 0.02
    cols["weight"] = np.where(implausible, cols["weight"] * rng.choice([0.3, 3.0]), cols["weight"])
    design = str(rng.choice(DESIGNS))
    if design in ("w", "csw", "lonely", "cw"):
        sw = np.round(rng.uniform(0.2, 5, n), 4)
        cols["sw"] = np.where(rng.random(n) < 0.03, np.nan, sw)  # missing weights
    if design in ("c", "cs", "csw", "lonely", "cw"):
        cols["cluster"] = rng.integers(1, int(rng.integers(2, max(3, n // 8))) + 1, n)
    if design == "onecluster":
        cols["cluster"] = np.full(n, 7)
    if design in ("cs", "csw", "lonely"):
        cols["strata"] = cols["cluster"] % int(rng.integers(2, 6)) + 1
        if design == "lonely":  # a stratum with a single PSU
            cols["strata"] = np.where(cols["cluster"] == 1, 99, cols["strata"])
    for name, levels in FACTORS.items():
        if rng.random() < 0.4:
            values = rng.choice(levels, n).astype(object)
            values[rng.random(n) < 0.03] = ""
            cols[name] = values
    return design, cols, months


def write(seed: int, folder: Path) -> Path:
    design, cols, months = dataset(seed)
    path = folder / f"generated_{seed:03d}_input.csv"
    n = len(cols["sex"])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow([*cols, *(["is_age_in_month"] if months else [])])
        for i in range(n):
            row = []
            for values in cols.values():
                v = values[i]
                row.append("" if isinstance(v, float) and np.isnan(v) else str(v))
            out.writerow(row + (["TRUE"] if months else []))
    print(path.name, n, design, "months" if months else "days")
    return path


if __name__ == "__main__":
    first, last, target = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    for s in range(first, last):
        write(s, target)
