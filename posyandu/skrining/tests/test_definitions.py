"""Every definition at and around each cut-off, hand-worked from the sources' tables."""

import pytest

from posyandu.skrining import engine


def run(def_id: str, answers: dict, sex: str = "L", years: int = 40, **extra) -> engine.Result:
    d = engine.definition(def_id)
    typed, errors = engine.validate(d, answers)
    assert errors == []
    ctx = {"sex": sex, "age_years": years, "age_months": years * 12, "stage": "dewasa", **extra}
    return engine.interpret(d, typed, ctx)


def test_every_definition_loads_with_one_default_version_and_a_named_source():
    defs = engine.all_definitions()
    assert len(defs) >= 20
    for d in defs.values():
        assert d["source"] and d["version"] and d["valid_from"]


# IMT, Asia-Pacific (KMK 2015/2023): <18.5 | 18.5-22.9 | 23-24.9 | 25-29.9 | >=30
@pytest.mark.parametrize(
    ("weight", "height", "imt", "category"),
    [
        (53.4, 170, 18.5, "normal"),  # 18.477 -> shown 18.5 -> normal
        (53.3, 170, 18.4, "bb_kurang"),
        (66.3, 170, 22.9, "normal"),
        (66.5, 170, 23.0, "bb_lebih"),  # 23.01
        (72.1, 170, 24.9, "bb_lebih"),
        (72.3, 170, 25.0, "obesitas_1"),
        (86.6, 170, 30.0, "obesitas_2"),  # 29.965 -> 30.0
        (86.4, 170, 29.9, "obesitas_1"),
    ],
)
def test_imt_dewasa_asia_pacific(weight, height, imt, category):
    result = run("imt_dewasa", {"berat_kg": weight, "tinggi_cm": height})
    assert result.values["imt"] == imt
    assert result.category == category
    assert result.refer is False


def test_imt_tbc_bands_differ_by_sex():
    # 23.0: women -> kegemukan, men -> normal (PTM bands would say "bb_lebih" for both)
    assert run("imt_tbc", {"berat_kg": 66.5, "tinggi_cm": 170}, sex="P").category == "kegemukan"
    assert run("imt_tbc", {"berat_kg": 66.5, "tinggi_cm": 170}, sex="L").category == "normal"
    assert (
        run("imt_tbc", {"berat_kg": 49.1, "tinggi_cm": 170}, sex="P").category == "normal"
    )  # 17.0
    assert run("imt_tbc", {"berat_kg": 49.1, "tinggi_cm": 170}, sex="L").category == "kurus"
    assert (
        run("imt_tbc", {"berat_kg": 78.0, "tinggi_cm": 170}, sex="L").category == "kegemukan"
    )  # 27.0
    assert run("imt_tbc", {"berat_kg": 78.3, "tinggi_cm": 170}, sex="L").category == "obes"  # 27.1


@pytest.mark.parametrize(
    ("sex", "cm", "category"),
    [
        ("L", 90, "normal"),
        ("L", 90.1, "obesitas_sentral"),
        ("P", 80, "normal"),
        ("P", 80.1, "obesitas_sentral"),
        ("P", 85, "obesitas_sentral"),
        ("L", 85, "normal"),
    ],
)
def test_central_obesity_is_strictly_above_90_men_80_women(sex, cm, category):
    assert run("lingkar_perut", {"lingkar_perut_cm": cm}, sex=sex).category == category


@pytest.mark.parametrize(
    ("sis", "dia", "category", "hypertensive"),
    [
        (119, 79, "optimal", False),
        (120, 79, "normal", False),
        (119, 80, "normal", False),
        (129, 84, "normal", False),
        (130, 84, "normal_tinggi", False),
        (129, 85, "normal_tinggi", False),
        (139, 89, "normal_tinggi", False),
        (140, 90, "ht_1", True),
        (139, 90, "ht_1", True),
        (140, 89, "ht_sistolik", True),
        (159, 99, "ht_1", True),
        (160, 100, "ht_2", True),
        (150, 100, "ht_2", True),
        (179, 109, "ht_2", True),
        (180, 109, "ht_3", True),
        (170, 110, "ht_3", True),
        (185, 85, "ht_3", True),
    ],
)
def test_adult_blood_pressure(sis, dia, category, hypertensive):
    result = run("td_dewasa", {"sistole": sis, "diastole": dia, "keluhan": "false"})
    assert result.category == category
    d = engine.definition("td_dewasa")
    tags = next(c for c in d["categories"] if c["code"] == category).get("tags", [])
    assert ("hipertensi" in tags) is hypertensive
    assert result.refer is (category == "ht_3")


def test_hypertension_with_symptoms_is_referred_with_the_reason():
    result = run("td_dewasa", {"sistole": 150, "diastole": 95, "keluhan": "true"})
    assert (result.category, result.refer) == ("ht_keluhan", True)
    assert result.reasons == ["sistole 150 >= 140", "diastole 95 >= 90", "keluhan ya == ya"]
    assert result.rule == "td_dewasa:ht_keluhan"
    # symptoms without hypertension change nothing
    assert run("td_dewasa", {"sistole": 130, "diastole": 80, "keluhan": "1"}).category == (
        "normal_tinggi"
    )


@pytest.mark.parametrize(
    ("sis", "dia", "category", "refer"),
    [
        (119, 79, "normal", False),
        (120, 79, "meningkat", False),
        (129, 79, "meningkat", False),
        (130, 79, "ht_1", True),
        (119, 80, "ht_1", True),
        (139, 89, "ht_1", True),
        (140, 89, "ht_2", True),
        (120, 90, "ht_2", True),
    ],
)
def test_adolescent_blood_pressure(sis, dia, category, refer):
    result = run("td_remaja", {"sistole": sis, "diastole": dia}, years=14)
    assert (result.category, result.refer) == (category, refer)


@pytest.mark.parametrize(
    ("jenis", "kadar", "category"),
    [
        ("gds", 199, "prediabetes"),
        ("gds", 200, "diabetes"),
        ("gds", 140, "prediabetes"),
        ("gds", 139, "tidak_terklasifikasi"),  # the KMK's gap, flagged not hidden
        ("gds", 100, "tidak_terklasifikasi"),
        ("gds", 99, "normal"),
        ("gdp", 126, "diabetes"),
        ("gdp", 125, "prediabetes"),
        ("gdp", 100, "prediabetes"),
        ("gdp", 99, "normal"),
    ],
)
def test_blood_glucose(jenis, kadar, category):
    result = run("gula_darah", {"jenis": jenis, "kadar": kadar})
    assert result.category == category
    assert result.refer is (category == "diabetes")
    if category == "tidak_terklasifikasi":
        assert result.level == "unclassified"


@pytest.mark.parametrize(
    ("value", "category"),
    [(199, "diinginkan"), (200, "borderline"), (239, "borderline"), (240, "tinggi")],
)
def test_total_cholesterol(value, category):
    assert run("kolesterol", {"kolesterol_total": value}).category == category


@pytest.mark.parametrize(
    ("answers", "category"),
    [
        (
            {"batuk": 1, "bb_turun": 0, "demam": 0, "keringat_malam": 0, "kontak_erat": 0},
            "bukan_terduga",
        ),
        (
            {"batuk": 0, "bb_turun": 1, "demam": 1, "keringat_malam": 1, "kontak_erat": 0},
            "bukan_terduga",
        ),
        (
            {"batuk": 1, "bb_turun": 0, "demam": 1, "keringat_malam": 0, "kontak_erat": 0},
            "terduga_tbc",
        ),
        (
            {"batuk": 1, "bb_turun": 0, "demam": 0, "keringat_malam": 1, "kontak_erat": 1},
            "terduga_tbc",
        ),
        (
            {"batuk": 0, "bb_turun": 0, "demam": 0, "keringat_malam": 0, "kontak_erat": 1},
            "kontak_erat",
        ),
    ],
)
def test_tb_symptoms(answers, category):
    assert run("tbc", answers).category == category


def srq(yes: set[int]) -> dict:
    return {f"q{i}": i in yes for i in range(1, 21)}


@pytest.mark.parametrize(
    ("yes", "score", "category"),
    [
        (set(), 0, "normal"),
        ({1, 2, 3, 4, 5}, 5, "normal"),
        ({1, 2, 3, 4, 5, 6}, 6, "abnormal"),
        ({17}, 1, "ide_bunuh_diri"),  # item 17 alone refers
        ({1, 2, 3, 4, 5, 17}, 6, "ide_bunuh_diri"),
    ],
)
def test_srq20(yes, score, category):
    result = run("srq20", srq(yes))
    assert (result.values["score"], result.category) == (score, category)
    assert result.refer is (category != "normal")


@pytest.mark.parametrize(
    ("sex", "years", "smoke", "symptoms", "score", "category"),
    [
        # man 1 + age 60 2 + 30 pack-years 1 + 2 symptoms = 6
        ("L", 60, (30, 20), 2, 6, "risiko_tinggi"),
        ("L", 59, (30, 20), 2, 5, "risiko_rendah"),  # age 50-59 -> 1
        ("L", 49, (30, 21), 3, 6, "risiko_tinggi"),  # 31.5 pack-years -> 2; age 40-49 -> 0
        ("P", 60, (20, 20), 3, 6, "risiko_tinggi"),  # 20 pack-years -> 1
        ("P", 60, (19, 20), 3, 5, "risiko_rendah"),  # 19 pack-years -> 0
        ("P", 50, (0, 0), 4, 5, "risiko_rendah"),
    ],
)
def test_puma(sex, years, smoke, symptoms, score, category):
    flags = ["sesak", "dahak", "batuk", "spirometri"]
    answers = {f: i < symptoms for i, f in enumerate(flags)}
    answers |= {"lama_merokok_tahun": smoke[0], "batang_per_hari": smoke[1]}
    result = run("puma", answers, sex=sex, years=years)
    assert (result.values["score"], result.category) == (score, category)


@pytest.mark.parametrize(
    ("right", "left", "category"),
    [(0, 0, "normal"), (1, 1, "normal"), (2, 0, "curiga_gangguan"), (1, 2, "curiga_gangguan")],
)
def test_vision_finger_count(right, left, category):
    assert run("penglihatan", {"salah_kanan": right, "salah_kiri": left}).category == category


def test_hearing_whisper():
    assert run("pendengaran", {"kanan": "dengar", "kiri": "dengar"}).category == "normal"
    for bad in ("tidak_dengar", "tidak_dapat_diperiksa"):
        assert run("pendengaran", {"kanan": "dengar", "kiri": bad}).refer is True


BARTHEL_MAX = {
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


def barthel(total: int) -> dict:
    """Answers summing to `total`, losing points from the last items first."""
    answers, missing = dict(BARTHEL_MAX), 20 - total
    for key in reversed(list(answers)):
        take = min(missing, answers[key])
        answers[key] -= take
        missing -= take
    return answers


@pytest.mark.parametrize(
    ("total", "category"),
    [
        (20, "mandiri"),
        (19, "ringan"),
        (12, "ringan"),
        (11, "sedang"),
        (9, "sedang"),
        (8, "berat"),
        (5, "berat"),
        (4, "total"),
        (0, "total"),
    ],
)
def test_barthel_adl(total, category):
    assert sum(BARTHEL_MAX.values()) == 20
    result = run("adl_barthel", barthel(total), years=70)
    assert (result.values["score"], result.category) == (total, category)
    assert result.refer is (category != "mandiri")


def skilas(**yes) -> dict:
    base = {
        k: False
        for k in (
            "kognitif",
            "tidak_mampu_berdiri",
            "bb_turun",
            "nafsu_makan",
            "penglihatan",
            "pendengaran",
            "sedih",
            "minat",
        )
    }
    return base | yes


def test_skilas_any_tick_needs_assessment():
    assert run("skilas", skilas(berdiri_detik=14, lila_cm=21), years=70).category == "normal"
    result = run("skilas", skilas(berdiri_detik=14.5, lila_cm=21), years=70)
    assert (result.category, result.values["flags"]) == ("perlu_asesmen", 1)
    assert "berdiri_detik" in result.reasons
    assert run("skilas", skilas(lila_cm=20.9), years=70).refer is True
    assert run("skilas", skilas(minat=True), years=70).refer is True
    # chair-stand time may be left empty when the person cannot stand
    assert run("skilas", skilas(tidak_mampu_berdiri=True), years=70).values["flags"] == 1


@pytest.mark.parametrize(
    ("hb", "category"),
    [
        (12.0, "normal"),
        (11.9, "anemia_ringan"),
        (11.0, "anemia_ringan"),
        (10.9, "anemia_sedang"),
        (8.0, "anemia_sedang"),
        (7.9, "anemia_berat"),
    ],
)
def test_adolescent_girls_hb(hb, category):
    assert run("hb_remaja", {"hb": hb}, sex="P", years=12).category == category


def test_imt_u_uses_the_growth_engine():
    # Girl 12y6m, 140 cm 35 kg: WHO 2007 BMI-for-age z = -0.23 -> gizi baik
    result = run(
        "imt_u_anak", {"berat_kg": 35, "tinggi_cm": 140}, sex="P", years=12, age_months=150
    )
    assert (result.values["imt_u"], result.category) == ("gizi_baik", "gizi_baik")
    thin = run("imt_u_anak", {"berat_kg": 25, "tinggi_cm": 150}, sex="P", years=12, age_months=150)
    assert thin.category in ("gizi_kurang", "gizi_buruk")


def test_vitamin_a_capsule_by_age_and_month():
    d = engine.definition("vitamin_a")
    from datetime import date

    def ctx(months):
        return {"sex": "L", "age_months": months, "age_years": months // 12, "stage": "balita"}

    assert engine.preview(d, ctx(6)) == {"kapsul": "biru (100.000 IU)"}
    assert engine.preview(d, ctx(11)) == {"kapsul": "biru (100.000 IU)"}
    assert engine.preview(d, ctx(12)) == {"kapsul": "merah (200.000 IU)"}
    assert engine.applies_to(d, ctx(5), date(2026, 2, 10)) is False
    assert engine.applies_to(d, ctx(59), date(2026, 8, 10)) is True
    assert engine.applies_to(d, ctx(60), date(2026, 8, 10)) is False
    assert engine.applies_to(d, ctx(24), date(2026, 3, 10)) is False  # not February/August


def test_pmt_only_for_t_or_gizi_kurang():
    d = engine.definition("pmt_balita")
    base = {"sex": "P", "age_months": 20, "age_years": 1, "stage": "balita"}
    assert engine.applies_to(d, base | {"status_bb": "N", "gizi": "gizi_baik"}) is False
    assert engine.applies_to(d, base | {"status_bb": "T", "gizi": "gizi_baik"}) is True
    assert engine.applies_to(d, base | {"status_bb": None, "gizi": "gizi_kurang"}) is True
    assert engine.applies_to(d, base | {"status_bb": None, "gizi": "gizi_buruk"}) is False


def test_validation_rejects_impossible_and_flags_implausible_values():
    d = engine.definition("td_dewasa")
    answers, errors = engine.validate(d, {"sistole": "abc", "diastole": "300"})
    assert [(e.key, e.code) for e in errors] == [
        ("sistole", "not_a_number"),
        ("diastole", "above_max"),
    ]
    answers, errors = engine.validate(d, {"sistole": "260", "diastole": "95"})
    assert errors == []
    result = engine.interpret(d, answers, {"sex": "L", "age_months": 500, "age_years": 41})
    assert result.warnings == ["sistole"]
    answers, errors = engine.validate(
        engine.definition("imt_dewasa"), {"berat_kg": "55,5", "tinggi_cm": ""}
    )
    assert answers == {"berat_kg": 55.5}
    assert [(e.key, e.code) for e in errors] == [("tinggi_cm", "required")]


def test_a_broken_definition_is_caught():
    bad = dict(engine.definition("kolesterol"))
    bad["categories"] = [
        {"code": "x", "label": {}, "level": "ok", "when": {"var": "nope", "op": ">", "value": 1}}
    ]
    with pytest.raises(engine.DefinitionError):
        engine.check_definition(bad)
