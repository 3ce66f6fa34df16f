"""Growth results of a measurement: z-scores, Permenkes categories, N/T/O/B with the KBM, 2T,
plausibility and referral suggestions. One evaluation used by the Posyandu day, home visits and
the API (through sesi.services.measurement_record), so a measurement means the same wherever it
was taken."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from django.db import transaction

import growthstandards as gs
from posyandu.core.models import records_update
from posyandu.core.periods import first_day, month_bounds, month_index
from posyandu.sasaran.life_stage import BALITA, completed_months
from posyandu.sasaran.models import Sasaran
from posyandu.sesi import danger, plausibility
from posyandu.sesi.models import Z_FIELDS, Pengukuran

MAX_ENGINE_AGE_MONTHS = 228  # WHO 2007 ends at 19 years
MAX_KBM_AGE_MONTHS = gs.MAX_KBM_AGE_MONTHS  # the KBM table: 0-60 completed months
# Which Permenkes 2/2020 index classifies which stored z-score, under and over 5 years.
INDICES_0_5 = {
    "bb_u": "zwei",
    "pb_tb_u": "zlen",
    "bb_pb_tb": "zwfl",
    "imt_u_0_5": "zbmi",
    "lk_u": "zhc",
}
INDICES_5_18 = {"pb_tb_u": "zlen", "imt_u_5_18": "zbmi"}
WHO2007_KEYS = {
    "zhfa": "zlen",
    "fhfa": "flen",
    "zwfa": "zwei",
    "fwfa": "fwei",
    "zbfa": "zbmi",
    "fbfa": "fbmi",
}
GIZI_BURUK = "gizi_buruk"
# The engine speaks WHO anthro's letters for the measuring position; the schema spells it out
# (Pengukuran.CaraUkur), since "L" is also male. This one table translates: for the engine here,
# and for the WHO-coded measurement export (laporan.exports.measurements).
WHO_MEASURE = {Pengukuran.CaraUkur.TERLENTANG.value: "l", Pengukuran.CaraUkur.BERDIRI.value: "h"}
# What a measurement is evaluated from, and what the evaluation stores on it.
INPUT_FIELDS = ("berat_kg", "tinggi_cm", "cara_ukur", "lingkar_kepala_cm", "lila_cm", "edema")
DERIVED_FIELDS = (
    "umur_hari",
    *Z_FIELDS,
    "kategori",
    "mesin_versi",
    "status_bb",
    "kbm_g",
    "perlu_cek_ulang",
    "alasan_cek_ulang",
)


def engine_version() -> str:
    """Engine and tables, stored with every computed result."""
    return f"gs {gs.ENGINE_VERSION}; {plausibility.rules_version()}"


@dataclass
class GrowthResult:
    pengukuran: Pengukuran
    previous: Pengukuran | None = None  # last weighing of the previous calendar month
    is_2t: bool = False
    referral_reasons: list[str] = field(default_factory=list)

    @property
    def gain_g(self) -> int | None:
        p, prev = self.pengukuran, self.previous
        if p.berat_kg is None or prev is None or prev.berat_kg is None:
            return None
        return int(round((float(p.berat_kg) - float(prev.berat_kg)) * 1000))


MEASURED_DECIMALS = ("berat_kg", "tinggi_cm", "lingkar_kepala_cm", "lila_cm")


def as_stored(name: str, value: Any) -> Decimal | None:
    """A measured value as its column keeps it: rounded half up to the field's decimals.
    Results are computed from this value, so re-evaluating a stored measurement (or the next
    one looking back at it) sees exactly what was evaluated."""
    if value in (None, ""):
        return None
    places = Pengukuran._meta.get_field(name).decimal_places  # type: ignore[union-attr]
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def compute_zscores(
    sex: str,
    age_days: int,
    berat_kg: Any,
    tinggi_cm: Any,
    cara_ukur: str,
    lk: Any,
    lila: Any,
    edema: bool,
) -> dict[str, Any]:
    """The engine's z-scores and flags under our field names ({} when no reference applies)."""
    return compute_zscores_many([(sex, age_days, berat_kg, tinggi_cm, cara_ukur, lk, lila, edema)])[
        0
    ]


def compute_zscores_many(rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """`compute_zscores` of many measurements (tuples of its arguments) in one engine call."""
    out: list[dict[str, Any]] = [{} for _ in rows]
    wanted = [
        i
        for i, row in enumerate(rows)
        if row[1] >= 0 and row[1] / plausibility.DAYS_PER_MONTH <= MAX_ENGINE_AGE_MONTHS
    ]
    if not wanted:
        return out

    def floats(column: int) -> list[float | None]:
        return [None if rows[i][column] is None else float(rows[i][column]) for i in wanted]

    computed = gs.zscores_many(
        sex=[1 if rows[i][0] == "L" else 2 for i in wanted],
        age_days=[rows[i][1] for i in wanted],
        weight=floats(2),
        lenhei=floats(3),
        measure=[WHO_MEASURE.get(rows[i][4]) for i in wanted],
        headc=floats(5),
        muac=floats(6),
        oedema=[bool(rows[i][7]) for i in wanted],
    )
    for i, z in zip(wanted, computed, strict=True):
        if z["reference"] == "who2007":
            z = {WHO2007_KEYS.get(k, k): v for k, v in z.items()}
        out[i] = {
            k: (bool(z[k]) if k.startswith("f") and z.get(k) is not None else z.get(k))
            for k in Z_FIELDS
        }
    return out


def categories_of(z: dict[str, Any], age_months: int) -> dict[str, str]:
    """{index: category code} of the Permenkes 2/2020 indices that apply at this age."""
    indices = INDICES_0_5 if BALITA.contains(age_months) else INDICES_5_18
    out = {}
    for index, key in indices.items():
        cat = gs.classify(index, z.get(key))
        if cat is not None:
            out[index] = cat.code
    return out


# A person's measurements as (order, measurement): stored ones by (date, id), then the ones
# evaluated together with them, after the stored ones of their day (they are saved later).
History = list[tuple[tuple[date, int, int], Pengukuran]]
# What a measurement looks back at (`previous_in`): the last weighing of the previous month,
# whether any weighing came before this month, and the last measurement before it.
Looks = tuple[Pengukuran | None, bool, Pengukuran | None]


def previous_in(history: History, tanggal: date) -> Looks:
    """(last weighing of the previous calendar month, any weighing before this month, the last
    measurement before this one for plausibility), among `history`."""
    this_month, _end = month_bounds(tanggal)
    prev_month = first_day(month_index(tanggal) - 1)
    prev: tuple[tuple[date, int, int], Pengukuran] | None = None
    last: tuple[tuple[date, int, int], Pengukuran] | None = None
    before = False
    for item in history:
        key, m = item
        if m.tanggal < tanggal and (last is None or key > last[0]):
            last = item
        if m.berat_kg is None or m.tanggal >= this_month:
            continue
        before = True
        if m.tanggal >= prev_month and (prev is None or key > prev[0]):
            prev = item
    return (prev[1] if prev else None), before, (last[1] if last else None)


def histories(
    person_ids: Iterable[int], *, until: date, exclude: Iterable[int] = ()
) -> dict[int, History]:
    """The stored measurements dated before `until` of these people (but `exclude`)."""
    out: dict[int, History] = defaultdict(list)
    ids = sorted(set(person_ids))
    excluded = [pk for pk in exclude if pk is not None]
    for start in range(0, len(ids), 500):
        rows = Pengukuran.objects.filter(sasaran_id__in=ids[start : start + 500], tanggal__lt=until)
        if excluded:
            rows = rows.exclude(pk__in=excluded)
        for m in rows:
            out[m.sasaran_id].append(((m.tanggal, 0, m.pk), m))
    return out


def previous_weighings(sasaran: Sasaran, tanggal: date, exclude_pk: int | None = None) -> Looks:
    """`previous_in` the stored measurements of the person (but `exclude_pk`)."""
    history = histories([sasaran.pk], until=tanggal, exclude=[exclude_pk] if exclude_pk else [])
    return previous_in(history[sasaran.pk], tanggal)


def measurement_evaluate(
    *, sasaran: Sasaran, tanggal: date, exclude_pk: int | None = None, **values: Any
) -> GrowthResult:
    """Everything the instant result shows, on an unsaved Pengukuran. `values`: berat_kg,
    tinggi_cm, cara_ukur, lingkar_kepala_cm, lila_cm, edema, `tanda_bahaya` (danger-sign codes
    of rules/tanda_bahaya.json; unknown codes raise ValueError), `danger_signs` (the older
    flag: suggests a referral without saying which sign) and other Pengukuran fields.
    `exclude_pk`: a stored measurement being evaluated again (not its own previous one)."""
    reading = {"sasaran": sasaran, "tanggal": tanggal, **values}
    return measurements_evaluate([reading], exclude=[exclude_pk] if exclude_pk else [])[0]


def measurements_evaluate(
    readings: Sequence[dict[str, Any]],
    *,
    exclude: Iterable[int] = (),
    stored: dict[int, History] | None = None,
) -> list[GrowthResult]:
    """`measurement_evaluate` of several readings (dicts of its arguments) at once: z-scores
    in one engine call, the stored measurements of all their people in one query. Readings of
    one person are evaluated as if saved one after another, oldest first: each looks back at
    the stored measurements and at the readings dated before it (what
    `sesi.services.measurements_record` then saves). `stored`: their people's `histories`,
    where the caller has them already."""
    built = [_unsaved(**reading) for reading in readings]
    zscores = compute_zscores_many(
        [
            (
                p.sasaran.jenis_kelamin, p.umur_hari, p.berat_kg, p.tinggi_cm, p.cara_ukur,
                p.lingkar_kepala_cm, p.lila_cm, p.edema,
            )
            for p, _danger in built
        ]
    )  # fmt: skip
    if not built:
        return []
    if stored is None:
        stored = histories(
            [p.sasaran_id for p, _danger in built],
            until=max(p.tanggal for p, _danger in built),
            exclude=exclude,
        )
    order = sorted(
        range(len(built)), key=lambda i: (built[i][0].sasaran_id, built[i][0].tanggal, i)
    )
    looks: list[Looks] = [(None, False, None)] * len(built)
    for i in order:
        p = built[i][0]
        history = stored[p.sasaran_id]
        looks[i] = previous_in(history, p.tanggal)
        history.append(((p.tanggal, 1, i), p))
    _weight_gain([p for p, _danger in built], looks)
    results: list[GrowthResult] = []
    for i, (p, danger_signs) in enumerate(built):
        results.append(_evaluate(p, zscores[i], looks[i], danger_signs))
    return results


def _weight_gain(measurements: Sequence[Pengukuran], looks: Sequence[Looks]) -> None:
    """N/T/O/B and the KBM of each weighing of 0-60 months, against the last weighing of the
    previous month (its `looks`), in one engine call."""
    rows = []
    for i, p in enumerate(measurements):
        age_months = completed_months(p.sasaran.tanggal_lahir, p.tanggal)
        if p.berat_kg is not None and 0 <= age_months <= MAX_KBM_AGE_MONTHS:
            rows.append((i, age_months))
    if not rows:
        return
    prev_weights = []
    for i, _age in rows:
        prev = looks[i][0]
        prev_weights.append(
            float(prev.berat_kg) if prev and prev.berat_kg is not None else float("nan")
        )
    statuses = gs.weight_gain_status(
        np.array([float(measurements[i].berat_kg) for i, _age in rows]),  # type: ignore[arg-type]
        np.array(prev_weights),
        np.array([age for _i, age in rows]),
        np.array([looks[i][1] for i, _age in rows]),
    )
    for (i, age_months), status in zip(rows, statuses.tolist(), strict=True):
        measurements[i].status_bb = str(status)
        measurements[i].kbm_g = gs.kbm_grams(age_months)


def _unsaved(
    *,
    sasaran: Sasaran,
    tanggal: date,
    berat_kg: Any = None,
    tinggi_cm: Any = None,
    cara_ukur: str = "",
    lingkar_kepala_cm: Any = None,
    lila_cm: Any = None,
    edema: bool = False,
    tanda_bahaya: list[str] | None = None,
    danger_signs: bool = False,
    **other: Any,
) -> tuple[Pengukuran, bool]:
    """The measurement of a reading, unsaved and not evaluated yet, and its danger flag."""
    p = Pengukuran(
        sasaran=sasaran,
        tanggal=tanggal,
        berat_kg=as_stored("berat_kg", berat_kg),
        tinggi_cm=as_stored("tinggi_cm", tinggi_cm),
        cara_ukur=cara_ukur or "",
        lingkar_kepala_cm=as_stored("lingkar_kepala_cm", lingkar_kepala_cm),
        lila_cm=as_stored("lila_cm", lila_cm),
        edema=bool(edema),
        **other,
    )
    p.tanda_bahaya = danger.clean_codes(tanda_bahaya)
    p.tanda_bahaya_versi = danger.version() if p.tanda_bahaya else ""
    p.umur_hari = (tanggal - sasaran.tanggal_lahir).days
    return p, danger_signs


def _evaluate(
    p: Pengukuran,
    z: dict[str, Any],
    looks: Looks,
    danger_signs: bool,
) -> GrowthResult:
    """The growth results of `p` (its z-scores `z`; N/T/O/B set by `_weight_gain`), given
    what it looks back at (`previous_in`)."""
    tanggal = p.tanggal
    age_months = completed_months(p.sasaran.tanggal_lahir, tanggal)
    for key in Z_FIELDS:
        setattr(p, key, z.get(key))
    p.kategori = categories_of(z, age_months)
    p.mesin_versi = engine_version() if z else ""
    prev, _before, last = looks
    result = GrowthResult(pengukuran=p, previous=prev)
    if p.berat_kg is not None and 0 <= age_months <= MAX_KBM_AGE_MONTHS:
        result.is_2t = p.status_bb == "T" and prev is not None and prev.status_bb == "T"
    reasons = (
        plausibility.implausible_reasons(
            tanggal=tanggal,
            berat_kg=p.berat_kg,
            tinggi_cm=p.tinggi_cm,
            cara_ukur=p.cara_ukur,
            flags=z,
            previous=last,
        )
        if z or age_months <= MAX_KBM_AGE_MONTHS
        else []
    )
    p.perlu_cek_ulang = bool(reasons)
    p.alasan_cek_ulang = reasons
    result.referral_reasons = referral_codes(p, result.is_2t, age_months, danger_signs)
    return result


def referral_codes(p: Pengukuran, is_2t: bool, age_months: int, danger_signs: bool) -> list[str]:
    """Why a referral is suggested: 2T or BB/U < -3 SD (engine), gizi buruk or oedema, danger
    signs ticked by the kader (stored on the measurement, at any age)."""
    codes = []
    if BALITA.contains(age_months):  # 2T, < -3 SD and gizi buruk are balita rules
        codes = gs.referral_reasons(is_2t, p.zwei)
        if p.kategori.get("bb_pb_tb") == GIZI_BURUK or p.edema:
            codes.append(GIZI_BURUK)
    if danger_signs or p.tanda_bahaya:
        codes.append(danger.REFERRAL_CODE)
    return codes


def result_of(p: Pengukuran, *, danger_signs: bool = False) -> GrowthResult:
    """The result of a stored measurement (as shown right after it was saved)."""
    prev, _before, _last = previous_weighings(p.sasaran, p.tanggal, p.pk)
    is_2t = p.status_bb == "T" and prev is not None and prev.status_bb == "T"
    age_months = completed_months(p.sasaran.tanggal_lahir, p.tanggal)
    reasons = referral_codes(p, is_2t, age_months, danger_signs)
    return GrowthResult(pengukuran=p, previous=prev, is_2t=is_2t, referral_reasons=reasons)


# No savepoint: inside a save (the derived-data listener) a failure rolls the save back anyway.
@transaction.atomic(savepoint=False)
def measurements_reevaluate(
    sasaran: Sasaran,
    since: date | None = None,
    until: date | None = None,
    *,
    stored: Sequence[Pengukuran] | None = None,
) -> int:
    """Evaluate a person's stored measurements again (dated `since`..`until` where given),
    oldest first (each N/T/O/B looks at the one before): after a merge brought measurements
    over, a birth date or sex was corrected, or a measurement was entered before later ones
    or corrected. Returns how many changed.

    All of them in one `measurements_evaluate` (each looks back at the ones before it, as if
    saved again one by one) and the changed ones written by one `records_update`. One query
    reads them with the earlier ones they look back at (`histories`), unless the caller has
    read them: `stored`, every live measurement of the person in (date, id) order."""
    if stored is None:
        stored = list(Pengukuran.objects.filter(sasaran=sasaran).order_by("tanggal", "id"))
    again: list[Pengukuran] = []
    history: History = []
    for p in stored:
        if until is not None and p.tanggal > until:
            break
        p.sasaran = sasaran  # known: its audit event and readings need not load it again
        if since is None or p.tanggal >= since:
            again.append(p)
        else:
            history.append(((p.tanggal, 0, p.pk), p))
    if not again:
        return 0
    fresh = measurements_evaluate(
        [
            {
                "sasaran": sasaran,
                "tanggal": p.tanggal,
                "tanda_bahaya": p.tanda_bahaya,
                **{f: getattr(p, f) for f in INPUT_FIELDS},
            }
            for p in again
        ],
        stored={sasaran.pk: history},
    )
    changed = []
    for p, result in zip(again, fresh, strict=True):
        differing = [f for f in DERIVED_FIELDS if getattr(result.pengukuran, f) != getattr(p, f)]
        for f in differing:
            setattr(p, f, getattr(result.pengukuran, f))
        if differing:
            changed.append(p)
    records_update(changed, DERIVED_FIELDS)
    return len(changed)
