"""Growth results of a measurement: z-scores, Permenkes categories, N/T/O/B with the KBM, 2T,
plausibility and referral suggestions. One evaluation used by the Posyandu day, home visits and
the API (through sesi.services.measurement_record), so a measurement means the same wherever it
was taken."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

import growthstandards as gs
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


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


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
    if age_days < 0 or age_days / plausibility.DAYS_PER_MONTH > MAX_ENGINE_AGE_MONTHS:
        return {}
    out = gs.zscores_one(
        sex=1 if sex == "L" else 2,
        age_days=age_days,
        weight=float(berat_kg) if berat_kg is not None else None,
        lenhei=float(tinggi_cm) if tinggi_cm is not None else None,
        measure=WHO_MEASURE.get(cara_ukur),
        headc=float(lk) if lk is not None else None,
        muac=float(lila) if lila is not None else None,
        oedema=bool(edema),
    )
    if out["reference"] == "who2007":
        out = {WHO2007_KEYS.get(k, k): v for k, v in out.items()}
    return {
        k: (bool(out[k]) if k.startswith("f") and out.get(k) is not None else out.get(k))
        for k in Z_FIELDS
    }


def categories_of(z: dict[str, Any], age_months: int) -> dict[str, str]:
    """{index: category code} of the Permenkes 2/2020 indices that apply at this age."""
    indices = INDICES_0_5 if BALITA.contains(age_months) else INDICES_5_18
    out = {}
    for index, key in indices.items():
        cat = gs.classify(index, z.get(key))
        if cat is not None:
            out[index] = cat.code
    return out


def previous_weighings(
    sasaran: Sasaran, tanggal: date, exclude_pk: int | None = None
) -> tuple[Pengukuran | None, bool, Pengukuran | None]:
    """(last weighing of the previous calendar month, any weighing before this month, the last
    measurement before this one for plausibility)."""
    this_month, _end = month_bounds(tanggal)
    prev_month = first_day(month_index(tanggal) - 1)
    qs = Pengukuran.objects.filter(sasaran=sasaran)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    weighed = qs.filter(berat_kg__isnull=False)
    prev = (
        weighed.filter(tanggal__gte=prev_month, tanggal__lt=this_month)
        .order_by("-tanggal", "-id")
        .first()
    )
    before = prev is not None or weighed.filter(tanggal__lt=this_month).exists()
    last = qs.filter(tanggal__lt=tanggal).order_by("-tanggal", "-id").first()
    return prev, before, last


def measurement_evaluate(
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
    exclude_pk: int | None = None,
    **other: Any,
) -> GrowthResult:
    """Everything the instant result shows, on an unsaved Pengukuran. `tanda_bahaya` are
    danger-sign codes (rules/tanda_bahaya.json; unknown codes raise ValueError); the older
    `danger_signs` flag suggests a referral without saying which sign."""
    p = Pengukuran(
        sasaran=sasaran,
        tanggal=tanggal,
        berat_kg=_dec(berat_kg),
        tinggi_cm=_dec(tinggi_cm),
        cara_ukur=cara_ukur or "",
        lingkar_kepala_cm=_dec(lingkar_kepala_cm),
        lila_cm=_dec(lila_cm),
        edema=bool(edema),
        **other,
    )
    p.tanda_bahaya = danger.clean_codes(tanda_bahaya)
    p.tanda_bahaya_versi = danger.version() if p.tanda_bahaya else ""
    age_days = (tanggal - sasaran.tanggal_lahir).days
    age_months = completed_months(sasaran.tanggal_lahir, tanggal)
    p.umur_hari = age_days
    z = compute_zscores(
        sasaran.jenis_kelamin,
        age_days,
        p.berat_kg,
        p.tinggi_cm,
        p.cara_ukur,
        p.lingkar_kepala_cm,
        p.lila_cm,
        p.edema,
    )
    for key in Z_FIELDS:
        setattr(p, key, z.get(key))
    p.kategori = categories_of(z, age_months)
    p.mesin_versi = engine_version() if z else ""
    prev, before, last = previous_weighings(sasaran, tanggal, exclude_pk)
    result = GrowthResult(pengukuran=p, previous=prev)
    if p.berat_kg is not None and 0 <= age_months <= MAX_KBM_AGE_MONTHS:
        status = gs.weight_gain_status(
            float(p.berat_kg),
            float(prev.berat_kg) if prev and prev.berat_kg is not None else float("nan"),
            age_months,
            before,
        )[0]
        p.status_bb = str(status)
        p.kbm_g = gs.kbm_grams(age_months)
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


@transaction.atomic
def measurements_reevaluate(sasaran: Sasaran, since: date | None = None) -> int:
    """Evaluate a person's stored measurements again, oldest first (each N/T/O/B looks at the
    one before): after a merge brought measurements over, a birth date or sex was corrected,
    or a measurement was entered before later ones. Returns how many changed."""
    rows = Pengukuran.objects.filter(sasaran=sasaran).order_by("tanggal", "id")
    if since is not None:
        rows = rows.filter(tanggal__gte=since)
    changed = 0
    for p in rows:
        fresh = measurement_evaluate(
            sasaran=sasaran,
            tanggal=p.tanggal,
            tanda_bahaya=p.tanda_bahaya,
            exclude_pk=p.pk,
            **{f: getattr(p, f) for f in INPUT_FIELDS},
        ).pengukuran
        differing = [f for f in DERIVED_FIELDS if getattr(fresh, f) != getattr(p, f)]
        if differing:
            for f in differing:
                setattr(p, f, getattr(fresh, f))
            p.save()
            changed += 1
    return changed
