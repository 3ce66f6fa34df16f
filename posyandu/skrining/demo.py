"""Demo step: adult and elderly screenings (hypertension ~30% of those over 40, diabetes,
lansia dependency, TB symptoms), computed by the real definitions."""

import random
from datetime import date, timedelta

from posyandu.audit.recorder import log
from posyandu.sasaran.life_stage import completed_months
from posyandu.sasaran.models import Sasaran
from posyandu.skrining import engine
from posyandu.skrining.models import HasilSkrining


def seed(rng: random.Random, today: date) -> dict[str, int]:
    adults = Sasaran.objects.filter(tanggal_lahir__lte=today - timedelta(days=18 * 366)).only(
        "id", "tanggal_lahir", "jenis_kelamin"
    )
    rows = []
    for person in adults.iterator(chunk_size=2000):
        if rng.random() > 0.45:  # not everyone comes to the Posyandu
            continue
        months = completed_months(person.tanggal_lahir, today)
        ctx = {
            "sex": person.jenis_kelamin,
            "age_months": months,
            "age_years": months // 12,
            "stage": "lansia" if months >= 720 else "dewasa",
        }
        day = today - timedelta(days=rng.randint(1, 60))
        old = months >= 480
        sis = int(rng.gauss(138 if old else 122, 18))
        rows.append(
            _row(
                person,
                day,
                "td_dewasa",
                ctx,
                {
                    "sistole": max(sis, 85),
                    "diastole": max(int(sis * 0.62 + rng.gauss(0, 6)), 50),
                    "keluhan": False,
                },
            )
        )
        weight, height = (
            rng.gauss(60, 11),
            rng.gauss(158 if person.jenis_kelamin == "P" else 166, 6),
        )
        rows.append(
            _row(
                person,
                day,
                "imt_dewasa",
                ctx,
                {"berat_kg": round(max(weight, 35), 1), "tinggi_cm": round(height, 1)},
            )
        )
        if old or rng.random() < 0.3:
            diabetic = rng.random() < 0.11
            kadar = rng.randint(200, 320) if diabetic else int(rng.gauss(115, 20))
            rows.append(_row(person, day, "gula_darah", ctx, {"jenis": "gds", "kadar": kadar}))
        rows.append(
            _row(
                person,
                day,
                "tbc",
                ctx,
                {
                    "batuk": rng.random() < 0.06,
                    "bb_turun": rng.random() < 0.3,
                    "demam": False,
                    "keringat_malam": rng.random() < 0.2,
                    "kontak_erat": rng.random() < 0.02,
                },
            )
        )
        if months >= 720 and rng.random() < 0.7:
            rows.append(_row(person, day, "adl_barthel", ctx, _barthel(rng)))
    HasilSkrining.objects.bulk_create(rows, batch_size=2000)
    log("import", model="skrining.HasilSkrining", metadata={"demo": True, "rows": len(rows)})
    return {"hasil_skrining": len(rows)}


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


def _row(person: Sasaran, day: date, def_id: str, ctx: dict, raw: dict) -> HasilSkrining:
    d = engine.definition(def_id)
    answers, errors = engine.validate(d, raw)
    assert not errors, (def_id, errors)
    result = engine.interpret(d, answers, ctx)
    category = next(c for c in d["categories"] if c["code"] == result.category)
    return HasilSkrining(
        sasaran_id=person.id,
        tanggal=day,
        definisi=d["id"],
        definisi_versi=d["version"],
        jawaban=answers,
        nilai=result.values,
        kategori=result.category,
        tingkat=result.level,
        tags=category.get("tags", []),
        perlu_rujuk=result.refer,
        alasan=result.reasons,
        peringatan=result.warnings,
    )
