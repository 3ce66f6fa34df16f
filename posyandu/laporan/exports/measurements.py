"""The measurement export: one row per child measurement, as the reports count them.

Rows are the Pengukuran with a weight or a length of children aged 0-59 completed months on
the last day of the measurement's month and counted in that month (active, not merged): the
same rows the SKDN and nutrition figures are made from, so anyone can recompute them.
`growth_status` / `kbm_g` are recomputed like the reports (against the previous calendar
month's last weighing).

Pseudonymized (PSEUDO_COLUMNS, issue 16): `person_id` is a keyed hash under a random salt made
for this one export and never stored (the same child has the same pseudonym within the file,
a different one in every other export, and no public id relinks it); no birth date, no day:
`age_months` (completed months on the day measured) and `measured_month` only; z-scores to
one decimal and weights to 0.1 kg (exact z-scores with the weight give the age in days back
through the WHO tables). Only roles with personal access to the region may run it: a
pseudonymized row is still a row about one child (Pokjanal roles use the aggregate reports).
`recheck` is 1 when the value was flagged (a WHO flag or a re-measure warning: `perlu_cek_ulang`)
and `confirmed` 1 when such a value was confirmed with a reason: a flagged row not confirmed
counts under `flagged` and in no prevalence, like a WHO flag on HAZ, WHZ or WAZ.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q

from posyandu.accounts.scope import Kind, restrict
from posyandu.core.periods import first_day, last_day, month_index
from posyandu.fasilitas.models import Posyandu
from posyandu.laporan import skdn
from posyandu.laporan.selectors import posyandu_code
from posyandu.sasaran.life_stage import BALITA, born_between_for
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.growth import WHO_MEASURE
from posyandu.sesi.models import NUTRITION_Z_FIELDS, Pengukuran

COLUMNS = (
    "person_id", "sex", "birth_date", "posyandu_code", "desa_code", "has_kms", "measured_on",
    "age_days", "weight_kg", "lenhei_cm", "measure", "oedema", "zlen", "flen", "zwei", "fwei",
    "zwfl", "fwfl", "zbmi", "fbmi", "growth_status", "kbm_g", "recheck", "confirmed",
)  # fmt: skip
PSEUDO_COLUMNS = (
    "person_id", "sex", "age_months", "posyandu_code", "desa_code", "has_kms", "measured_month",
    "weight_kg", "lenhei_cm", "measure", "oedema", "zlen", "flen", "zwei", "fwei",
    "zwfl", "fwfl", "zbmi", "fbmi", "growth_status", "kbm_g", "recheck", "confirmed",
)  # fmt: skip
SEX_CODE = {"L": "1", "P": "2"}  # WHO anthro coding: 1 male, 2 female
# zlen, flen, zwei, fwei, zwfl, fwfl, zbmi, fbmi of one Pengukuran
ZValues = tuple[
    float | None, bool | None, float | None, bool | None,
    float | None, bool | None, float | None, bool | None,
]  # fmt: skip


def new_salt() -> bytes:
    """A random key for one export: pseudonyms of two exports cannot be linked."""
    return secrets.token_bytes(32)


def pseudonym(public_id: Any, salt: bytes) -> str:
    return "anon-" + hmac.new(salt, str(public_id).encode(), hashlib.sha256).hexdigest()[:20]


def completed_months(born: date, day: date) -> int:
    months = (day.year - born.year) * 12 + day.month - born.month
    return months - 1 if day.day < born.day else months


def _z(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _z1(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _flag(value: bool | None) -> str:
    return "" if value is None else str(int(value))


def _status(series: skdn.ChildSeries, row: skdn.Measurement) -> tuple[str, str]:
    """N/T/O/B of one weighing (as if it were its month's last) and the KBM used."""
    code, kbm = series.weighing_status(row)
    return code, "" if kbm is None else str(kbm)


def export_rows(
    *,
    user: Any,
    kode: str,
    start: int,
    end: int,
    pseudonymize: bool,
    batch: int = 200,
    salt: bytes | None = None,
) -> Iterator[list[str]]:
    """Rows of COLUMNS, or of PSEUDO_COLUMNS when `pseudonymize` (under `salt`, by default a
    new random one). Both need personal access: the rows are about single children."""
    kind: Kind = "personal"
    salt = salt if salt is not None else new_salt()
    posyandu = restrict(Posyandu.objects.all(), user, kind)
    if len(kode) == 13:
        posyandu = posyandu.filter(desa_id=kode)
    else:
        posyandu = posyandu.filter(desa__kode__startswith=kode + ".")
    ids = list(posyandu.order_by("desa_id", "id").values_list("id", flat=True))
    for i in range(0, len(ids), batch):
        yield from _batch(user, ids[i : i + batch], start, end, salt if pseudonymize else None)


def _batch(
    user: Any, posyandu_ids: list[int], start: int, end: int, salt: bytes | None
) -> Iterator[list[str]]:
    kind: Kind = "personal"
    visible = restrict(
        Sasaran.objects.filter(
            posyandu_id__in=posyandu_ids,
            digabung_ke__isnull=True,
            tanggal_lahir__lte=last_day(end),
            tanggal_lahir__gt=born_between_for(BALITA, last_day(start))[0],  # S of `start`
        ).exclude(status="digabung"),
        user,
        kind,
    ).select_related("posyandu")
    people: dict[int, Sasaran] = {p.id: p for p in visible}
    if not people:
        return
    rows: dict[int, list[tuple[skdn.Measurement, tuple[Any, Any, Any, Any, ZValues, str]]]] = {}
    measured = (
        Pengukuran.objects.filter(
            Q(berat_kg__isnull=False) | Q(tinggi_cm__isnull=False),
            sasaran__posyandu_id__in=posyandu_ids,
            tanggal__lte=last_day(end),
        )
        .order_by("sasaran_id", "tanggal", "id")
        .values_list(
            "sasaran_id",
            "tanggal",
            "id",
            "berat_kg",
            "tinggi_cm",
            "cara_ukur",
            "edema",
            *NUTRITION_Z_FIELDS,
            "zbmi",
            "fbmi",
            "perlu_cek_ulang",
            "dikonfirmasi_pada",
        )  # fmt: skip
    )
    for (
        sid, day, mid, berat, tinggi, cara, edema, zlen, flen, zwei, fwei, zwfl, fwfl, zbmi, fbmi,
        recheck, confirmed,
    ) in measured.iterator(4000):  # fmt: skip
        if sid in people:
            z: ZValues = (zlen, flen, zwei, fwei, zwfl, fwfl, zbmi, fbmi)
            m = skdn.Measurement(day, mid, skdn.weight_units(berat), *z[:6])
            state = ("1" if recheck else "0") + ("1" if confirmed is not None else "0")
            rows.setdefault(sid, []).append((m, (berat, tinggi, cara, edema, z, state)))
    first, last = first_day(start), last_day(end)
    for sid, items in rows.items():
        person = people[sid]
        child = skdn.Child(
            sid, person.posyandu_id, person.jenis_kelamin, person.tanggal_lahir,
            person.status, person.status_sejak, person.punya_buku_kia,
        )  # fmt: skip
        series = skdn.ChildSeries(child, [m for m, _ in items], weighed_earlier=False)
        for m, (berat, tinggi, cara, edema, z, state) in items:
            if not first <= m.day <= last or not skdn.in_s(child, month_index(m.day)):
                continue
            status, kbm = _status(series, m)
            line = _line(person, m.day, berat, tinggi, cara, edema, z, status, kbm, salt)
            yield [*line, state[0], state[1]]  # recheck, confirmed


def _line(
    person: Sasaran,
    day: date,
    berat: Decimal | None,
    tinggi: Decimal | None,
    cara: str,
    edema: bool,
    z: ZValues,
    status: str,
    kbm: str,
    salt: bytes | None,
) -> list[str]:
    zlen, flen, zwei, fwei, zwfl, fwfl, zbmi, fbmi = z
    birth = person.tanggal_lahir
    if salt is not None:
        return [
            pseudonym(person.public_id, salt),
            SEX_CODE.get(person.jenis_kelamin, ""),
            str(completed_months(birth, day)),
            posyandu_code(person.posyandu),
            person.posyandu.desa_id,
            "1" if person.punya_buku_kia else "0",
            f"{day:%Y-%m}",
            "" if berat is None else f"{berat:.1f}",
            "" if tinggi is None else f"{tinggi:.1f}",
            WHO_MEASURE.get(cara, ""),
            "y" if edema else "n",
            _z1(zlen), _flag(flen), _z1(zwei), _flag(fwei), _z1(zwfl), _flag(fwfl),
            _z1(zbmi), _flag(fbmi),
            status,
            kbm,
        ]  # fmt: skip
    return [
        str(person.public_id),
        SEX_CODE.get(person.jenis_kelamin, ""),
        birth.isoformat(),
        posyandu_code(person.posyandu),
        person.posyandu.desa_id,
        "1" if person.punya_buku_kia else "0",
        day.isoformat(),
        str((day - birth).days),
        "" if berat is None else f"{berat:.2f}",
        "" if tinggi is None else f"{tinggi:.1f}",
        WHO_MEASURE.get(cara, ""),  # WHO anthro coding like `sex`: l lying, h standing
        "y" if edema else "n",
        _z(zlen), _flag(flen), _z(zwei), _flag(fwei), _z(zwfl), _flag(fwfl), _z(zbmi), _flag(fbmi),
        status,
        kbm,
    ]  # fmt: skip
