"""A month's children of a region in the input format of the prevalence tool
(``python -m growthstandards prevalence``, the WHO ``anthro_prevalence`` arguments).

One row per child counted in the nutrition prevalences of the month (the dashboards' `diukur`):
in S and weighed in the month, the month's last measurement (weight or length), neither a WHO
flag on HAZ, WHZ or WAZ nor a flagged value waiting for confirmation. Columns: `sex` (1 male,
2 female), `age` (days at the measurement), `is_age_in_month` (FALSE), `weight` (kg), `lenhei`
(cm), `measure` (l lying, h standing), `oedema` (y/n), `sw` (1: no sampling weights),
`cluster` (the Posyandu as a number 1, 2, ... in the order of its code: the tool wants numbers)
and `posyandu` (its code; the tool ignores the column). No name, NIK, birth date, date or
person id.

Run without its `cluster` column, the tool's "All" row gives the dashboard's prevalences and
95% confidence intervals (simple random sampling: laporan.presisi); with it, the design
takes each Posyandu as a cluster. Children with oedema count as severely wasted in the tool
(WHO) but in no weight-based prevalence on the dashboards (their z-scores are NA).

Built on the measurement export (exports/measurements.py), so it needs personal access to the
whole region and reads the records through ``accounts.scope.restrict``.
"""

from typing import Any

from posyandu.laporan.exports import measurements

COLUMNS = ("sex", "age", "is_age_in_month", "weight", "lenhei", "measure", "oedema", "sw",
           "cluster", "posyandu")  # fmt: skip
_AT = {c: i for i, c in enumerate(measurements.COLUMNS)}


def _counted(row: list[str]) -> bool:
    """In the month's prevalences: no WHO flag on HAZ, WHZ, WAZ, no unconfirmed recheck."""
    if "1" in (row[_AT["flen"]], row[_AT["fwei"]], row[_AT["fwfl"]]):
        return False
    return not (row[_AT["recheck"]] == "1" and row[_AT["confirmed"]] == "0")


def prevalence_rows(*, user: Any, kode: str, month: int) -> list[list[str]]:
    """Rows of COLUMNS for the children of `kode` counted in `month`'s prevalences."""
    last: dict[str, list[str]] = {}
    weighed: set[str] = set()
    for row in measurements.export_rows(
        user=user, kode=kode, start=month, end=month, pseudonymize=False
    ):
        person = row[_AT["person_id"]]
        last[person] = row  # rows come per child in (day, id) order: the month's last wins
        if row[_AT["weight_kg"]]:
            weighed.add(person)
    counted = [row for person, row in last.items() if person in weighed and _counted(row)]
    codes = sorted({row[_AT["posyandu_code"]] for row in counted})
    cluster = {code: str(i) for i, code in enumerate(codes, start=1)}
    out = []
    for row in counted:
        out.append(
            [
                row[_AT["sex"]],
                row[_AT["age_days"]],
                "FALSE",
                row[_AT["weight_kg"]],
                row[_AT["lenhei_cm"]],
                row[_AT["measure"]],
                row[_AT["oedema"]],
                "1",
                cluster[row[_AT["posyandu_code"]]],
                row[_AT["posyandu_code"]],
            ]
        )
    return out
