"""An independent recomputation of the SKDN and nutrition reports (issue 7, "How it will be
checked"): from the CSV written by `export_measurements`, the WHO-equivalent batch CLI
(`python -m growthstandards zscore`, anthro input columns) and a plain ORM query on Sasaran
for S and K. It deliberately imports nothing from posyandu.laporan.

Definitions (issue 7; docs/indicators.md; domain-ilp 2.3-2.5):
- age: completed calendar months, a month completing on the birth day-of-month (or, when the
  month is shorter, on the 1st of the next month);
- S: age 0-59 on the last day of the month, current Posyandu in the unit, not merged, active
  on that day (aktif, or moved/died only after it); K: of S, has a KMS / Buku KIA;
- D: of S, weighed in the month; the month's last weighing counts (latest date, then the
  latest entry = the later row of the export, which lists a child's rows in entry order
  within a day);
- B: no weighing before the month; O: weighed before but not in the previous month; N / T:
  weighed both months and gain (grams) >= / < KBM(age at this weighing), KBM from
  growthstandards/data/kbm.json, default version; 2T: T this month and the month before;
- nutrition, children of D, from the month's last measurement (weight or length): a flag on
  HAZ/WHZ/WAZ (from the WHO CLI), or a flagged value not confirmed (export `recheck` 1 and
  `confirmed` 0, issue 11) -> `flagged` only; otherwise `diukur`, and stunting zlen < -2,
  severe < -3, wasting zwfl < -2, severe < -3, underweight zwei < -2, overweight zwfl > 2.
"""

from __future__ import annotations

import calendar
import csv
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KBM_FILE = ROOT / "growthstandards" / "data" / "kbm.json"
SKDN = ("S", "K", "D", "N", "T", "O", "B", "2T")
GIZI = (
    "diukur", "stunting", "stunting_berat", "wasting", "wasting_berat",
    "underweight", "overweight", "flagged",
)  # fmt: skip
Z_COLUMNS = ("zlen", "flen", "zwei", "fwei", "zwfl", "fwfl")


# ---------------------------------------------------------------- calendar and KBM


def month_key(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def shift(month: tuple[int, int], by: int) -> tuple[int, int]:
    y, m = divmod(month[0] * 12 + month[1] - 1 + by, 12)
    return (y, m + 1)


def month_end(month: tuple[int, int]) -> date:
    return date(month[0], month[1], calendar.monthrange(*month)[1])


def anniversary(birth: date, months: int) -> date:
    """The day `months` calendar months after birth are complete."""
    y, m = shift((birth.year, birth.month), months)
    last = calendar.monthrange(y, m)[1]
    if birth.day <= last:
        return date(y, m, birth.day)
    return date(y, m, last) + timedelta(days=1)


def age_months(birth: date, on: date) -> int:
    if on < birth:
        return -1
    n = (on.year - birth.year) * 12 + on.month - birth.month
    while n > 0 and anniversary(birth, n) > on:
        n -= 1
    return n


def load_kbm() -> dict[int, int]:
    data = json.loads(KBM_FILE.read_text(encoding="utf-8"))
    bands = data["variants"][data["default_variant"]]["bands"]
    table = {a: b["grams"] for b in bands for a in range(b["from"], b["to"] + 1)}
    # kbm.json's notes: "Age 0 ... uses the 1-month value" (no band for 0 in the data).
    table.setdefault(0, table[1])
    return table


KBM = load_kbm()


# ---------------------------------------------------------------- WHO z-scores via the CLI


def who_zscores(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """z-scores and flags of the export rows, recomputed from the raw measurements by the
    growthstandards batch CLI (anthro columns), in input order."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with src.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "sex", "age_days", "weight_kg", "lenhei_cm", "measure", "oedema"])
            for i, r in enumerate(rows):
                birth, day = (
                    date.fromisoformat(r["birth_date"]),
                    date.fromisoformat(r["measured_on"]),
                )
                w.writerow(
                    [i, r["sex"], (day - birth).days, r["weight_kg"], r["lenhei_cm"],
                     r["measure"], r["oedema"]]
                )  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "growthstandards", "zscore", str(src), str(out)],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        with out.open(encoding="utf-8") as f:
            result = list(csv.DictReader(f))
    assert [int(r["id"]) for r in result] == list(range(len(rows)))
    return result


def same_z(a: str, b: str) -> bool:
    if a == "" or b == "":
        return a == b
    return Decimal(a) == Decimal(b)


# ---------------------------------------------------------------- recomputation


@dataclass
class Row:
    line: int
    child: str
    posyandu: str
    desa: str
    birth: date
    day: date
    weight_g: int | None
    z: dict[str, str]  # from the CLI
    exported: dict[str, str]


@dataclass
class Result:
    skdn: dict[tuple[str, tuple[int, int]], dict[str, int]] = field(default_factory=dict)
    gizi: dict[tuple[str, tuple[int, int]], dict[str, int]] = field(default_factory=dict)
    z_mismatches: list[str] = field(default_factory=list)
    row_mismatches: list[str] = field(default_factory=list)
    statuses: dict[tuple[str, tuple[int, int]], str] = field(default_factory=dict)


def read_export(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _float(text: str) -> float | None:
    return None if text == "" else float(text)


def recompute(rows: list[dict[str, str]], unit_of) -> Result:  # noqa: C901, PLR0912
    """Per (unit, month) D N T O B 2T and the nutrition counts, from the export rows.

    `unit_of(row)` -> the unit code of a row (its Posyandu code, or a prefix of its desa code).
    """
    res = Result()
    zs = who_zscores(rows) if rows else []
    parsed: list[Row] = []
    for i, (r, z) in enumerate(zip(rows, zs, strict=True)):
        birth, day = date.fromisoformat(r["birth_date"]), date.fromisoformat(r["measured_on"])
        if str((day - birth).days) != r["age_days"]:
            res.row_mismatches.append(
                f"line {i + 2}: age_days {r['age_days']} != {(day - birth).days}"
            )
        for col in Z_COLUMNS:
            if not same_z(z[col], r[col]):
                res.z_mismatches.append(
                    f"line {i + 2} child {r['person_id']} {r['measured_on']}: {col} export "
                    f"{r[col]!r} vs WHO CLI {z[col]!r}"
                )
        weight = None if r["weight_kg"] == "" else int(Decimal(r["weight_kg"]) * 1000)
        parsed.append(Row(i + 2, r["person_id"], r["posyandu_code"], r["desa_code"], birth, day,
                          weight, z, r))  # fmt: skip
    by_child: dict[str, list[Row]] = defaultdict(list)
    for row in parsed:
        by_child[row.child].append(row)
    for items in by_child.values():
        # stable: within a day the export's order is the entry order
        items.sort(key=lambda r: r.day)
        last_weighing: dict[tuple[int, int], Row] = {}
        last_measure: dict[tuple[int, int], Row] = {}
        for row in items:
            last_measure[month_key(row.day)] = row
            if row.weight_g is not None:
                last_weighing[month_key(row.day)] = row
        weighed_months = sorted(last_weighing)
        status: dict[tuple[int, int], str] = {}
        for month in weighed_months:
            now = last_weighing[month]
            prev = last_weighing.get(shift(month, -1))
            if not any(m < month for m in weighed_months):
                status[month] = "B"
            elif prev is None:
                status[month] = "O"
            else:
                assert now.weight_g is not None and prev.weight_g is not None  # weighings only
                kbm = KBM[age_months(now.birth, now.day)]
                status[month] = "N" if now.weight_g - prev.weight_g >= kbm else "T"
        for month, code in status.items():
            row = last_weighing[month]
            res.statuses[(row.child, month)] = code
            if row.exported["growth_status"] != code:
                res.row_mismatches.append(
                    f"line {row.line} child {row.child} {row.day}: export growth_status "
                    f"{row.exported['growth_status']!r}, recomputed {code!r}"
                )
            key = (unit_of(row), month)
            counts = res.skdn.setdefault(key, dict.fromkeys(SKDN, 0))
            counts["D"] += 1
            counts[code] += 1
            if code == "T" and status.get(shift(month, -1)) == "T":
                counts["2T"] += 1
            m = last_measure[month]
            g = res.gizi.setdefault(key, dict.fromkeys(GIZI, 0))
            unconfirmed = m.exported["recheck"] == "1" and m.exported["confirmed"] != "1"
            if "1" in (m.z["flen"], m.z["fwfl"], m.z["fwei"]) or unconfirmed:
                g["flagged"] += 1
                continue
            g["diukur"] += 1
            zlen, zwfl, zwei = _float(m.z["zlen"]), _float(m.z["zwfl"]), _float(m.z["zwei"])
            g["stunting"] += zlen is not None and zlen < -2
            g["stunting_berat"] += zlen is not None and zlen < -3
            g["wasting"] += zwfl is not None and zwfl < -2
            g["wasting_berat"] += zwfl is not None and zwfl < -3
            g["underweight"] += zwei is not None and zwei < -2
            g["overweight"] += zwfl is not None and zwfl > 2
    return res


# ---------------------------------------------------------------- S and K from the ORM


def s_and_k(
    prefix_or_posyandu_ids, month: tuple[int, int], unit_of_child
) -> dict[str, dict[str, int]]:
    """{unit: {S, K}} by a direct query on Sasaran, with the age rule above."""
    from posyandu.sasaran.models import Sasaran

    end = month_end(month)
    qs = Sasaran.objects.filter(tanggal_lahir__lte=end, digabung_ke__isnull=True).exclude(
        status="digabung"
    )
    if isinstance(prefix_or_posyandu_ids, str):
        kode = prefix_or_posyandu_ids
        qs = (
            qs.filter(posyandu__desa_id=kode)
            if len(kode) == 13
            else qs.filter(posyandu__desa__kode__startswith=kode + ".")
        )
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"S": 0, "K": 0})
    for person in qs.select_related("posyandu"):
        if not in_s(person, month):
            continue
        unit = unit_of_child(person)
        out[unit]["S"] += 1
        out[unit]["K"] += int(person.punya_buku_kia)
    return out


def in_s(person, month: tuple[int, int]) -> bool:
    end = month_end(month)
    if person.digabung_ke_id is not None or person.status == "digabung":
        return False
    if not 0 <= age_months(person.tanggal_lahir, end) <= 59:
        return False
    return person.status == "aktif" or (
        person.status in ("pindah", "meninggal")
        and person.status_sejak is not None
        and person.status_sejak > end
    )


def export_completeness(
    kode: str, rows: list[dict[str, str]], start: tuple[int, int], end: tuple[int, int]
) -> list[str]:
    """The export holds exactly the live measurements (weight or length) of the unit's
    children in the months they are in S: compared with a direct ORM query."""
    from django.db.models import Q

    from posyandu.sesi.models import Pengukuran

    qs = Pengukuran.objects.filter(
        Q(berat_kg__isnull=False) | Q(tinggi_cm__isnull=False),
        tanggal__gte=date(start[0], start[1], 1),
        tanggal__lte=month_end(end),
    ).select_related("sasaran__posyandu")
    qs = (
        qs.filter(sasaran__posyandu__desa_id=kode)
        if len(kode) == 13
        else qs.filter(sasaran__posyandu__desa__kode__startswith=kode + ".")
    )
    want: dict[tuple[str, str], int] = defaultdict(int)
    for p in qs:
        if in_s(p.sasaran, month_key(p.tanggal)):
            want[(str(p.sasaran.public_id), p.tanggal.isoformat())] += 1
    got: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        got[(r["person_id"], r["measured_on"])] += 1
    return [
        f"export rows of child {k[0]} on {k[1]}: {got.get(k, 0)}, database {want.get(k, 0)}"
        for k in sorted(set(want) | set(got))
        if got.get(k, 0) != want.get(k, 0)
    ]


def parse_period(text: str) -> tuple[int, int]:
    y, m = text.split("-")
    return (int(y), int(m))


def compare_table(
    kind: str, report_csv: str, expected: dict[str, dict[str, int]], total_code: str
) -> tuple[list[str], int]:
    """Cell-by-cell differences between a report CSV and the recomputed units; (diffs, cells)."""
    columns = SKDN if kind == "skdn" else GIZI
    lines = list(csv.DictReader(report_csv.splitlines()))
    diffs, cells = [], 0
    seen = set()
    total = dict.fromkeys(columns, 0)
    for unit in expected.values():
        for c in columns:
            total[c] += unit.get(c, 0)
    for line in lines:
        code = line["kode"]
        want = total if line["nama"] == "TOTAL" and code == total_code else expected.get(code, {})
        seen.add(code)
        for c in columns:
            cells += 1
            got = int(line[c])
            if got != want.get(c, 0):
                diffs.append(f"{kind} {code} {c}: report {got}, recomputed {want.get(c, 0)}")
    for code, unit in expected.items():
        if code not in seen and any(unit.get(c, 0) for c in columns):
            diffs.append(f"{kind} unit {code} missing from the report: {unit}")
    return diffs, cells


# ---------------------------------------------------------------- one check, end to end

CHILD_LENGTH = {2: 5, 5: 8, 8: 13}


@dataclass
class Check:
    kode: str
    periods: list[str]
    diffs: list[str]
    cells: int
    rows: int
    per_column: dict[str, list[int]]  # column -> [cells agreeing, cells]


def _unit_functions(kode: str):
    if len(kode) == 13:
        return (lambda row: row.posyandu), (
            lambda person: person.posyandu.kode or f"PY{person.posyandu.id}"
        )
    length = CHILD_LENGTH[len(kode)]
    return (lambda row: row.desa[:length]), (lambda person: person.posyandu.desa_id[:length])


def verify(kode: str, periods: list[str], username: str, workdir: Path) -> Check:
    """Export once, then for each period: report skdn + gizi, recompute, compare every cell."""
    import io

    from django.core.management import call_command

    months = sorted(parse_period(p) for p in periods)
    start = shift(months[0], -61)
    out = workdir / f"export-{kode}.csv"
    call_command(
        "export_measurements", "--wilayah", kode, "--from", f"{start[0]:04d}-{start[1]:02d}",
        "--to", f"{months[-1][0]:04d}-{months[-1][1]:02d}", "--out", str(out),
        "--user", username, stderr=io.StringIO(),
    )  # fmt: skip
    rows = read_export(out)
    unit_of, unit_of_child = _unit_functions(kode)
    res = recompute(rows, unit_of)
    check = Check(kode, periods, res.row_mismatches + res.z_mismatches, 0, len(rows), {})
    check.diffs += export_completeness(kode, rows, start, months[-1])
    for month in months:
        period = f"{month[0]:04d}-{month[1]:02d}"
        skdn: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SKDN, 0))
        for (u, m), counts in res.skdn.items():
            if m == month:
                skdn[u].update({c: v for c, v in counts.items() if c not in ("S", "K")})
        for u, sk in s_and_k(kode, month, unit_of_child).items():
            skdn[u].update(sk)
        gizi = {u: counts for (u, m), counts in res.gizi.items() if m == month}
        for kind, expected in (("skdn", dict(skdn)), ("gizi", gizi)):
            text = io.StringIO()
            call_command("report", kind, "--wilayah", kode, "--period", period,
                         "--format", "csv", "--user", username, stdout=text)  # fmt: skip
            diffs, cells = compare_table(kind, text.getvalue(), expected, kode)
            check.diffs += [f"{period} {d}" for d in diffs]
            check.cells += cells
            units = len(list(csv.DictReader(text.getvalue().splitlines())))
            for c in SKDN if kind == "skdn" else GIZI:
                bad = sum(1 for d in diffs if f" {c}: " in d)
                tally = check.per_column.setdefault(c, [0, 0])
                tally[0] += units - bad
                tally[1] += units
    return check
