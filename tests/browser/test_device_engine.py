"""The device growth engine (posyandu/sesi/static/sesi/engine/engine.js) in real Chromium:

1. every WHO reference case (../shared/who-growth/reference-cases), through the tables the
   server serves, to the tolerance of the Python engine's own tests;
2. the instant result of a few thousand generated measurements (ages 0-60 months and 5-19
   years, both sexes and positions, implausible values, histories for N/T/O/B and 2T, voided
   history, danger signs, values beyond the hard limits) equal, field by field, to the
   server's (sesi.growth.measurement_evaluate).
"""

import json
import os
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation

import growthstandards as gs
from growthstandards import tables
from growthstandards.tests.conftest import number, read_rows
from posyandu.fasilitas.tests.factories import PosyanduFactory
from posyandu.rujukan.rules import default_destination
from posyandu.sasaran.life_stage import completed_months
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi import engine_data
from posyandu.sesi.growth import measurement_evaluate
from posyandu.sesi.limits import hard_limit_errors
from posyandu.sesi.models import Z_FIELDS, Pengukuran
from posyandu.sesi.views import _result_view

pytestmark = pytest.mark.browser

ENGINE_JS = (
    Path(__file__).resolve().parents[2] / "posyandu/sesi/static/sesi/engine/engine.js"
).read_text(encoding="utf-8")
WHO2006_INDICATORS = ("len", "wei", "wfl", "bmi", "hc", "ac", "ts", "ss")
WHO2007_INDICATORS = ("hfa", "wfa", "bfa")
ZERO_FIELD_NA = {
    "weight_kg": ("wei", "wfl", "bmi"),
    "lenhei_cm": ("len", "wfl", "bmi"),
    "headc_cm": ("hc",),
    "muac_cm": ("ac",),
    "triskin_mm": ("ts",),
    "subskin_mm": ("ss",),
}


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


# ------------------------------------------------------------------ 1. WHO reference cases


@pytest.mark.django_db(transaction=True)
def test_every_who_reference_case_in_chromium(page, live_server):
    """The engine loaded from its static URL, the tables from /hari/mesin/tabel.json."""
    w6_in, w6_exp = read_rows("anthro_input.csv"), read_rows("anthro_expected.csv")
    w7_in, w7_exp = read_rows("anthroplus_input.csv"), read_rows("anthroplus_expected.csv")
    assert (len(w6_in), len(w7_in)) == (3019, 75)
    page.goto(live_server.url + reverse("sesi:engine_rules"))
    page.add_script_tag(url=live_server.url + static("sesi/engine/engine.js"))
    tables_url = reverse("sesi:engine_tables") + "?semua=1"
    got = page.evaluate(
        """async ([url, w6, w7]) => {
            const e = await GrowthEngine.load({tablesUrl: url});
            return {
              w6: w6.map(r => e.who2006({sex: r.sex, age_days: r.age_days, weight: r.weight_kg,
                lenhei: r.lenhei_cm, measure: r.measure, headc: r.headc_cm, muac: r.muac_cm,
                triskin: r.triskin_mm, subskin: r.subskin_mm, oedema: r.oedema})),
              w7: w7.map(r => e.who2007({sex: r.sex, age_months: r.age_months,
                height: r.height_cm, weight: r.weight_kg, oedema: r.oedema})),
            };
        }""",
        [tables_url, w6_in, w7_in],
    )
    mismatches: list[Any] = []
    worst = 0.0
    for inp, exp, row in zip(w6_in, w6_exp, got["w6"], strict=True):
        zero = inp["case"].removeprefix("zero_") if inp["case"].startswith("zero_") else None
        for ind in WHO2006_INDICATORS:
            if zero and ind in ZERO_FIELD_NA[zero]:  # documented: NA where WHO computes
                if row[f"z{ind}"] is not None or row[f"f{ind}"] is not None:
                    mismatches.append((inp["id"], ind, "should be NA"))
                continue
            for col in (f"z{ind}", f"f{ind}"):
                if number(exp[col]) != row[col]:
                    mismatches.append((inp["id"], col, exp[col], row[col]))
            if zero:
                continue
            want, have = number(exp[f"z{ind}_unrounded"]), row[f"z{ind}_unrounded"]
            if (want is None) != (have is None):
                mismatches.append((inp["id"], f"z{ind}_unrounded", want, have))
            elif want is not None:
                worst = max(worst, abs(want - have))
        if zero:
            continue
        if (row["cmeasure"] or "") != exp["cmeasure"] or row["c9mo_flag"] != int(exp["c9mo_flag"]):
            mismatches.append((inp["id"], "cmeasure/c9mo_flag", exp["cmeasure"], row["cmeasure"]))
        if row["csex"] != number(exp["csex"]):
            mismatches.append((inp["id"], "csex", exp["csex"], row["csex"]))
        for col in ("clenhei", "cbmi"):
            want, have = number(exp[col]), row[col]
            if (want is None) != (have is None) or (
                want is not None and abs(have - want) > 1e-13 * abs(want)
            ):
                mismatches.append((inp["id"], col, want, have))
    for inp, exp, row in zip(w7_in, w7_exp, got["w7"], strict=True):
        for ind in WHO2007_INDICATORS:
            for col in (f"z{ind}", f"f{ind}"):
                if number(exp[col]) != row[col]:
                    mismatches.append((inp["id"], col, exp[col], row[col]))
            want, have = number(exp[f"z{ind}_unrounded"]), row[f"z{ind}_unrounded"]
            if (want is None) != (have is None):
                mismatches.append((inp["id"], f"z{ind}_unrounded", want, have))
            elif want is not None:
                worst = max(worst, abs(want - have))
        if row["csex"] != number(exp["csex"]) or row["coedema"] != exp["coedema"]:
            mismatches.append((inp["id"], "csex/coedema"))
        if exp["cbmi"] and abs(row["cbmi"] - float(exp["cbmi"])) >= 1e-9:
            mismatches.append((inp["id"], "cbmi", exp["cbmi"], row["cbmi"]))
    assert mismatches == []
    assert worst < 1e-9


# ------------------------------------------------------------------ 2. device = server

TODAY = date(2026, 9, 16)  # tests/clock.py
POSITIONS = ("terlentang", "berdiri", "")
DANGER = ("kejang", "letargis", "muntah_semua")


def _median_values(sex: int, age_days: int) -> tuple[float, float]:
    """WHO median weight (kg) and length/height (cm) at this age (a plausible centre)."""
    if age_days <= 1826:
        _l, weight, _s = tables.load_table("wfa").lms_at(sex, age_days)
        _l, height, _s = tables.load_table("lhfa").lms_at(sex, age_days)
        return weight, height
    months = min(int(age_days / 30.4375), 228)
    _l, height, _s = tables.load_table("hfa_2007").lms_at(sex, months)
    _l, bmi, _s = tables.load_table("bfa_2007").lms_at(sex, months)
    return bmi * (height / 100) ** 2, height


def _values(rng: random.Random, sex: int, age_days: int) -> dict[str, Any]:
    weight, height = _median_values(sex, age_days)
    spread = rng.choice((0.06, 0.12, 0.12, 0.2, 0.45))  # some far outside the WHO flags
    w = weight * (1 + rng.gauss(0, spread))
    h = height * (1 + rng.gauss(0, spread / 3))
    out: dict[str, Any] = {
        "berat_kg": f"{max(w, 0.3):.{rng.choice((1, 2))}f}" if rng.random() > 0.07 else None,
        "tinggi_cm": f"{max(h, 20):.1f}" if rng.random() > 0.12 else None,
        "cara_ukur": rng.choice(POSITIONS),
        "edema": rng.random() < 0.03,
    }
    if age_days < 1826 and rng.random() < 0.4:
        out["lingkar_kepala_cm"] = f"{rng.uniform(30, 52):.1f}"
    if age_days >= 91 and rng.random() < 0.3:
        out["lila_cm"] = f"{rng.uniform(9, 20):.1f}"
    if out["berat_kg"] is not None and rng.random() < 0.02:  # a typo: refused by the limits
        out["berat_kg"] = f"{float(out['berat_kg']) * 10:.1f}"
    if out["berat_kg"] is not None and rng.random() < 0.1:  # typed with a decimal comma
        out["berat_kg"] = out["berat_kg"].replace(".", ",")
    return out


def _refused(values: dict[str, Any], person: Any, tanggal: date) -> dict[str, str]:
    months = completed_months(person.tanggal_lahir, tanggal)
    clean = {k: (v.replace(",", ".") if isinstance(v, str) else v) for k, v in values.items()}
    return hard_limit_errors(clean, umur_bulan=months, jenis_kelamin=person.jenis_kelamin)


def _history_rows(person: Any) -> list[dict[str, Any]]:
    rows = Pengukuran.all_objects.filter(sasaran=person).order_by("tanggal", "id")
    return [
        {
            "id": str(p.public_id),
            "tanggal": p.tanggal.isoformat(),
            "berat_kg": None if p.berat_kg is None else str(p.berat_kg),
            "tinggi_cm": None if p.tinggi_cm is None else str(p.tinggi_cm),
            "cara_ukur": p.cara_ukur,
            "status_bb": p.status_bb,
            "voided": p.deleted_at is not None,
            "seq": p.pk,
        }
        for p in rows
    ]


def _server_result(person: Any, tanggal: date, values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {
        k: (v.replace(",", ".") if isinstance(v, str) else v) for k, v in values.items()
    }
    result = measurement_evaluate(sasaran=person, tanggal=tanggal, **clean)
    p = result.pengukuran
    with translation.override("id"):
        view = _result_view(result)
    return {
        "umur_hari": p.umur_hari,
        **{k: getattr(p, k) for k in Z_FIELDS},
        "kategori": p.kategori,
        "mesin_versi": p.mesin_versi,
        "status_bb": p.status_bb,
        "kbm_g": p.kbm_g,
        "perlu_cek_ulang": p.perlu_cek_ulang,
        "alasan_cek_ulang": p.alasan_cek_ulang,
        "tanda_bahaya": p.tanda_bahaya,
        "tanda_bahaya_versi": p.tanda_bahaya_versi,
        "is_2t": result.is_2t,
        "gain_g": result.gain_g,
        "previous": str(result.previous.public_id) if result.previous else None,
        "rujukan_disarankan": result.referral_reasons,
        "tujuan_rujukan": default_destination(result.referral_reasons),
        "view": {
            "rows": view["rows"],
            "cek_ulang": view["cek_ulang"],
            "referral": [list(pair) for pair in view["referral"]],
            "tanda_bahaya": view["tanda_bahaya"],
            "referral_codes": view["referral_codes"],
        },
    }


def _store(person: Any, day: date, values: dict[str, Any]) -> Pengukuran:
    """A history measurement evaluated by the server (its N/T/O/B), stored without the derived
    data of Record.save (reports, tasks), which this test does not need."""
    clean: dict[str, Any] = {
        k: (v.replace(",", ".") if isinstance(v, str) else v) for k, v in values.items()
    }
    p = measurement_evaluate(sasaran=person, tanggal=day, **clean).pengukuran
    Pengukuran.objects.bulk_create([p])
    return p


def _case(
    person: Any, tanggal: date, values: dict[str, Any], history: list[dict[str, Any]]
) -> dict[str, Any]:
    """The device's input and the server's answer (or its refusal) for one measurement."""
    birth, sex = person.tanggal_lahir, person.jenis_kelamin
    device_input = {
        "person": {"jenis_kelamin": sex, "tanggal_lahir": birth.isoformat()},
        "tanggal": tanggal.isoformat(),
        "previous": history,
        **values,
    }
    months = completed_months(birth, tanggal)
    case: dict[str, Any] = {"input": device_input, "months": months, "sex": sex}
    with translation.override("id"):
        case["refused"] = _refused(values, person, tanggal)
    if not case["refused"]:
        case["server"] = _server_result(person, tanggal, values)
    return case


def _edge_cases(posyandu: Any) -> list[dict[str, Any]]:
    """228 completed months but past 228 months by days: no z-score, and the server then
    skips the re-measure rules (they apply with a z-score or up to 60 months)."""
    person = SasaranFactory.create(
        posyandu=posyandu, jenis_kelamin="L", tanggal_lahir=date(2007, 9, 13)
    )
    _store(person, date(2026, 8, 26), {"berat_kg": "73.32", "tinggi_cm": "172.2"})
    history = _history_rows(person)
    return [
        _case(person, TODAY, {"tinggi_cm": "182.3", "cara_ukur": "terlentang"}, history),
        _case(person, TODAY, {"berat_kg": "116,0"}, history),
    ]


def _generate(rng: random.Random, people: int, per_person: int) -> list[dict[str, Any]]:
    """People with a history (saved by the server: its N/T/O/B), then candidate measurements
    evaluated by the server without saving; each case holds the device's input and the
    server's answer."""
    cases = []
    posyandu = PosyanduFactory.create()
    for _ in range(people):
        sex = rng.choice("LP")
        # 0-60 months, or 5-19 years (up to just past 228 months: no reference there)
        young = rng.random() < 0.7
        age_days = rng.randint(0, 1830) if young else rng.randint(1826, 19 * 365 + 40)
        birth = TODAY - timedelta(days=age_days)
        person = SasaranFactory.create(posyandu=posyandu, jenis_kelamin=sex, tanggal_lahir=birth)
        code = 1 if sex == "L" else 2
        # a monthly history, oldest first, some months skipped (O), some weights dropping (T)
        day = TODAY - timedelta(days=rng.randint(60, 200))
        saved: list[Pengukuran] = []
        while day < TODAY - timedelta(days=5):
            if day >= birth and rng.random() < 0.8:
                values = _values(rng, code, (day - birth).days)
                values["cara_ukur"] = values["cara_ukur"] or "terlentang"
                if not _refused(values, person, day):
                    saved.append(_store(person, day, values))
            day += timedelta(days=rng.randint(20, 40))
        voided = [p.pk for p in saved if rng.random() < 0.06]
        # voided: the sync package marks it, the device leaves it out as the server does
        Pengukuran.objects.filter(pk__in=voided).update(deleted_at=timezone.now())
        history = _history_rows(person)
        for _ in range(per_person):
            tanggal = max(birth, TODAY - timedelta(days=rng.choice((0, 0, 0, 3, 15, 40))))
            values = _values(rng, code, (tanggal - birth).days)
            if rng.random() < 0.06:
                values["tanda_bahaya"] = rng.sample(DANGER, rng.randint(1, 2))
            cases.append(_case(person, tanggal, values, history))
    cases += _edge_cases(posyandu)
    return cases


@pytest.mark.slow
@pytest.mark.django_db
def test_device_result_equals_server_result(page):
    rng = random.Random(20260916)
    cases = _generate(rng, people=int(os.environ.get("ENGINE_TEST_PEOPLE", "250")), per_person=12)
    tables_json = engine_data.tables_document()[0].decode()
    rules_json = engine_data.rules_document()[0].decode()
    page.set_content("<!doctype html><title>engine</title>")
    page.add_script_tag(content=ENGINE_JS)
    device = page.evaluate(
        """([tablesText, rulesText, cases]) => {
            const e = GrowthEngine.create(JSON.parse(tablesText), JSON.parse(rulesText));
            return cases.map(c => {
              const limits = e.hardLimitErrors(c.input, c.months, c.sex, "id");
              if (Object.keys(limits).length) return {refused: limits};
              const r = e.evaluate(c.input);
              const out = Object.assign({}, r, {previous: r.previous ? r.previous.id : null});
              delete out.umur_bulan;
              out.view = e.view(r, "id");
              return {refused: limits, result: out};
            });
        }""",
        [tables_json, rules_json, cases],
    )
    assert len(device) == len(cases) >= 12 * int(os.environ.get("ENGINE_TEST_PEOPLE", "250"))
    differences = []
    for case, got in zip(cases, device, strict=True):
        if got["refused"] != case["refused"]:
            differences.append(("refused", case["input"], case["refused"], got["refused"]))
            continue
        if case["refused"]:
            continue
        want = json.loads(json.dumps(case["server"]))
        for key, value in want.items():
            if got["result"].get(key) != value:
                differences.append((key, case["input"], value, got["result"].get(key)))
    assert not differences, json.dumps(differences[:3], indent=1, default=str)[:6000]
    # the generated cases reach every branch the result can take
    served = [c["server"] for c in cases if "server" in c]
    assert {r["status_bb"] for r in served} >= {"N", "T", "O", "B", ""}
    assert any(r["is_2t"] for r in served)
    reasons = {code.split(":")[0] for r in served for code in r["alasan_cek_ulang"]}
    assert reasons >= {"who_flag", "bb_turun", "bb_naik", "pb_turun"}
    referral = {code for r in served for code in r["rujukan_disarankan"]}
    assert referral == {"2T", "bb_u_below_-3sd", "gizi_buruk", "tanda_bahaya"}
    assert {r["mesin_versi"] == "" for r in served} == {True, False}  # past 228 months too
    assert any(c["refused"] for c in cases)
    assert sum(1 for r in served if r["zwfl"] is not None) > 1000
    assert {k for r in served for k in r["kategori"]} == set(gs.classification_table()["indices"])
