"""Demo step: what the kader records at the Posyandu over the demo's year.

- Adults and elderly: at each visit with a measurement (langkah 2-3), the screenings the
  form prefills from it (blood pressure each time, BMI and waist at the first visit and now
  and then), blood sugar now and then (more often for the elderly and for known diabetics),
  TB symptoms at most once a year, the elderly's Barthel ADL; results computed by the real
  definitions. Pregnant and postpartum
  women get blood pressure only (BMI and waist do not apply to them).
- Vitamin A in February and August for children 6-59 months: given to those who come that
  day, and to some of the others at the Puskesmas / sweeping later that month (~85%).
"""

import random
from collections import defaultdict
from datetime import date, timedelta

from posyandu.audit.recorder import log
from posyandu.core.periods import last_day, month_index
from posyandu.kia.models import Kehamilan
from posyandu.sasaran.life_stage import BAYI, completed_months
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Kunjungan, Pengukuran, Sesi
from posyandu.skrining import engine
from posyandu.skrining.models import HasilSkrining
from posyandu.skrining.services import result_fields

VITAMIN_A_MONTHS = (2, 8)
VITAMIN_A_AGE = (6, 59)
VITAMIN_A_AT_POSYANDU, VITAMIN_A_SWEEPING = 0.97, 0.35
MATERNAL_DAYS_AFTER = 42


def seed(rng: random.Random, today: date) -> dict[str, int]:
    rows = _adult_screenings(rng, today)
    n_adult = len(rows)
    rows += _vitamin_a(rng, today)
    HasilSkrining.objects.bulk_create(rows, batch_size=2000)
    log("import", model="skrining.HasilSkrining", metadata={"demo": True, "rows": len(rows)})
    return {"hasil_skrining": n_adult, "vitamin_a": len(rows) - n_adult}


def _adult_screenings(rng: random.Random, today: date) -> list[HasilSkrining]:
    adult_from = today - timedelta(days=18 * 366)
    maternal: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for sid, hpht, hpl, since in Kehamilan.objects.values_list(
        "sasaran_id", "hpht", "hpl", "status_sejak"
    ):
        if hpht is None:  # the demo dates every pregnancy by its HPHT
            continue
        maternal[sid].append((hpht, (since or hpl) + timedelta(days=MATERNAL_DAYS_AFTER)))
    measured = (
        Pengukuran.objects.filter(
            kunjungan__isnull=False,
            sistole__isnull=False,
            sasaran__tanggal_lahir__lte=adult_from,
        )
        .order_by("sasaran_id", "tanggal")
        .values_list(
            "sasaran_id",
            "sasaran__tanggal_lahir",
            "sasaran__jenis_kelamin",
            "tanggal",
            "kunjungan_id",
            "sistole",
            "diastole",
            "berat_kg",
            "tinggi_cm",
            "lingkar_perut_cm",
            "lila_cm",
        )
    )
    rows = []
    diabetic: dict[int, bool] = {}
    tb_last: dict[int, date] = {}
    for sid, born, sex, day, kid, sis, dia, berat, tinggi, perut, lila in measured.iterator(
        chunk_size=2000
    ):
        months = completed_months(born, day)
        if months < 216:
            continue
        visit = (sid, day, kid)
        td = {"sistole": sis, "diastole": dia, "keluhan": False}
        if any(start <= day <= stop for start, stop in maternal.get(sid, ())):
            if lila is not None:  # ANC measurement: blood pressure only
                rows.append(_row(visit, "td_dewasa", _ctx(sex, months, "ibu_hamil"), td))
            continue
        ctx = _ctx(sex, months, "lansia" if months >= 720 else "dewasa")
        rows.append(_row(visit, "td_dewasa", ctx, td))
        first = sid not in diabetic
        if first:
            diabetic[sid] = rng.random() < (0.14 if months >= 480 else 0.05)
        if berat is not None and tinggi is not None and (first or rng.random() < 0.3):
            raw = {"berat_kg": float(berat), "tinggi_cm": float(tinggi)}
            rows.append(_row(visit, "imt_dewasa", ctx, raw))
        if perut is not None and (first or rng.random() < 0.1):
            rows.append(_row(visit, "lingkar_perut", ctx, {"lingkar_perut_cm": float(perut)}))
        if rng.random() < (0.6 if diabetic[sid] else 0.35 if months >= 480 else 0.15):
            kadar = rng.randint(200, 320) if diabetic[sid] else int(rng.gauss(112, 18))
            rows.append(_row(visit, "gula_darah", ctx, {"jenis": "gds", "kadar": kadar}))
        if (sid not in tb_last or (day - tb_last[sid]).days > 300) and rng.random() < 0.6:
            tb_last[sid] = day
            rows.append(_row(visit, "tbc", ctx, _tb(rng)))
        if months >= 720 and rng.random() < 0.2:
            rows.append(_row(visit, "adl_barthel", ctx, _barthel(rng)))
    return rows


def _vitamin_a(rng: random.Random, today: date) -> list[HasilSkrining]:
    """February and August rounds within the demo's year."""
    low, high = VITAMIN_A_AGE
    d = engine.definition("vitamin_a")
    born_after = today - timedelta(days=(high + 14) * 31)
    children: dict[int, list[Sasaran]] = defaultdict(list)
    for c in Sasaran.objects.filter(tanggal_lahir__gt=born_after, tanggal_lahir__lte=today).only(
        "id", "tanggal_lahir", "jenis_kelamin", "posyandu_id"
    ):
        children[c.posyandu_id].append(c)
    came = dict(
        ((k[1], k[2]), k[0])
        for k in Kunjungan.objects.filter(
            sesi__tanggal__month__in=VITAMIN_A_MONTHS, sasaran__tanggal_lahir__gt=born_after
        ).values_list("id", "sesi_id", "sasaran_id")
    )
    rows = []
    cache: dict[bool, engine.Result] = {}
    for sid, pid, day in Sesi.objects.filter(
        tanggal__month__in=VITAMIN_A_MONTHS, tanggal__lte=today
    ).values_list("id", "posyandu_id", "tanggal"):
        end = min(last_day(month_index(day)), today)
        for c in children.get(pid, ()):
            months = completed_months(c.tanggal_lahir, day)
            if not low <= months <= high:
                continue
            kunjungan = came.get((sid, c.id))
            if kunjungan is not None:
                if rng.random() > VITAMIN_A_AT_POSYANDU:
                    continue
                given = day
            elif rng.random() < VITAMIN_A_SWEEPING and day < end:
                given = day + timedelta(days=rng.randint(1, (end - day).days))
            else:
                continue
            infant = BAYI.contains(months)
            if infant not in cache:
                ctx = _ctx(c.jenis_kelamin, months, "bayi" if infant else "balita")
                cache[infant] = engine.interpret(d, {"diberikan": True}, ctx)
            visit = (c.id, given, kunjungan if given == day else None)
            rows.append(_hasil(visit, d, {"diberikan": True}, cache[infant]))
    return rows


def _ctx(sex: str, months: int, stage: str) -> dict:
    return {
        "sex": sex,
        "age_months": months,
        "age_years": months // 12,
        "stage": stage,
    }


def _tb(rng: random.Random) -> dict:
    return {
        "batuk": rng.random() < 0.06,
        "bb_turun": rng.random() < 0.1,
        "demam": False,
        "keringat_malam": rng.random() < 0.08,
        "kontak_erat": rng.random() < 0.02,
    }


MAX = {
    "bab": 2,
    "bak": 2,
    "membersihkan_diri": 1,
    "jamban": 2,
    "makan": 2,
    "transfer": 3,
    "mobilitas": 3,
    "berpakaian": 2,
    "tangga": 2,
    "mandi": 1,
}


def _barthel(rng: random.Random) -> dict:
    answers = dict(MAX)
    lost = 0 if rng.random() < 0.75 else rng.choice([1, 3, 6, 9, 13, 17])
    for key in rng.sample(list(answers), len(answers)):
        take = min(lost, answers[key])
        answers[key] -= take
        lost -= take
    return answers


def _row(visit: tuple[int, date, int], def_id: str, ctx: dict, raw: dict) -> HasilSkrining:
    d = engine.definition(def_id)
    answers, errors = engine.validate(d, raw)
    assert not errors, (def_id, errors)
    return _hasil(visit, d, answers, engine.interpret(d, answers, ctx))


def _hasil(
    visit: tuple[int, date, int | None], d: dict, answers: dict, result: engine.Result
) -> HasilSkrining:
    sasaran_id, tanggal, kunjungan_id = visit
    return HasilSkrining(
        sasaran_id=sasaran_id,
        tanggal=tanggal,
        kunjungan_id=kunjungan_id,
        **result_fields(d, answers, result),
    )
