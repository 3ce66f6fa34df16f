"""Confidence intervals of the prevalences (laporan.presisi), the mark of an interval too wide
to rank, and the download in the prevalence tool's input format, checked against the tool."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse

from growthstandards import prevalence
from growthstandards.bench import generate_children
from posyandu.audit.models import AuditEvent
from posyandu.core import derived
from posyandu.core.periods import parse_period
from posyandu.laporan import presisi, selectors
from posyandu.laporan.build import rekap_bulanan
from posyandu.laporan.exports import pdf
from posyandu.laporan.tests.factories import child, weigh
from posyandu.sesi.growth import as_stored, compute_zscores
from posyandu.sesi.models import Z_FIELDS

pytestmark = pytest.mark.django_db
APRIL = "2025-04"


def test_interval_is_the_who_analysers_for_a_simple_random_sample():
    ci = presisi.interval(20, 100)
    assert ci is not None
    # anthro_prevalence on 100 children, 20 cases, no design: logit CI, t on 99 df
    assert (round(ci.percent, 6), round(ci.lower, 6), round(ci.upper, 6)) == (
        20.0, 13.183306, 29.157621,
    )  # fmt: skip
    assert ci.text() == "13.2–29.2"
    assert ci.rankable  # n >= 30, width 16.0 points = 80% of 20%
    assert presisi.interval(3, 0) is None


def _ci(cases: int, n: int) -> presisi.Presisi:
    found = presisi.interval(cases, n)
    assert found is not None
    return found


def test_rule_marks_small_and_imprecise_prevalences():
    assert presisi.rule().key == "presisi_prevalensi@2026.1"
    assert not _ci(5, 29).rankable  # fewer than 30 children
    assert _ci(0, 30).rankable  # 0%: a zero-width interval
    # 2 of 60 (3.3%): CI 0.8-12.6, width 11.8 points = 356% of the prevalence
    assert not _ci(2, 60).rankable
    assert _ci(30, 60).rankable  # 50%: width 26.4 points, 53% of it
    assert not presisi.rankable(50.0, 34.0, 66.0, 40)  # 32 points wide: >= 30
    assert presisi.rankable(1.0, 0.0, 4.9, 200)  # narrower than 5 points


def test_small_numbers_give_no_interval():
    counts = {"stunting": 2, "n_haz": 4, "stunting_berat": 0, "wasting": 0, "n_whz": 4,
              "wasting_berat": 0, "underweight": 1, "n_waz": 4, "overweight": 0}  # fmt: skip
    assert set(presisi.of_counts(counts, small=True).values()) == {None}
    shown = presisi.of_counts(counts)
    assert shown["stunting"] is not None and not shown["stunting"].rankable


def _stored(name: str, value: float) -> Decimal | None:
    return None if np.isnan(value) else as_stored(name, float(value))


def _children(world) -> None:
    """48 children of desa 14.71.01.1001 measured in April 2025 (the growth engine's realistic
    generated children; z-scores by the engine, as the measurement service stores them), and
    one with a WHO flag."""
    made = generate_children(48, seed=19)
    cara = {0: "", 1: "terlentang", 2: "berdiri"}
    with derived.batch():
        for i in range(48):
            posyandu = world.posyandu_a if i % 3 else world.posyandu_a2
            sex = "L" if made["sex"][i] == 1 else "P"
            age = int(made["age_days"][i])
            day = date(2025, 4, 1 + i % 28)
            weight = _stored("berat_kg", made["weight"][i])
            height = _stored("tinggi_cm", made["lenhei"][i])
            how = cara[int(made["measure"][i])] if height is not None else ""
            z = compute_zscores(sex, age, weight, height, how, None, None, False)
            stored = {k: (as_stored("berat_kg", v) if k[0] == "z" and v is not None else v)
                      for k, v in z.items() if k in Z_FIELDS}  # fmt: skip
            kid = child(posyandu, day - timedelta(days=age), sex)
            weigh(kid, day, None if weight is None else str(weight), tinggi_cm=height,
                  cara_ukur=how, **stored)  # fmt: skip
        # A WHO flag (weight-for-age): in D, in no prevalence, not in the download.
        flagged = child(world.posyandu_a, date(2023, 1, 10), "L")
        weigh(flagged, date(2025, 4, 9), "25.00", tinggi_cm=as_stored("tinggi_cm", 85.0),
              cara_ukur="berdiri", zwei=as_stored("berat_kg", 6.2), fwei=True)  # fmt: skip
    rekap_bulanan.rekap_rebuild(start=parse_period("2025-01"), end=parse_period("2025-06"))


def _download(client, user, kode="14.71.01.1001"):
    client.force_login(user)
    return client.get(reverse("laporan:wilayah_prevalensi", args=[kode]) + f"?periode={APRIL}")


def test_download_runs_through_the_prevalence_tool_to_the_pages_figures(client, world, tmp_path):
    _children(world)
    response = _download(client, world.dinkes_kota)
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")  # spreadsheets read it as UTF-8
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["sex", "age", "is_age_in_month", "weight", "lenhei", "measure", "oedema",
                       "sw", "cluster", "posyandu"]  # fmt: skip
    assert {r[8] for r in rows[1:]} == {"1", "2"}  # Posyandu Melati and Mawar
    assert "nik" not in text.lower()
    figures = selectors.total(kode="14.71.01.1001", month=parse_period(APRIL))
    # every child counted in the prevalences, and only those (not the flagged one)
    assert len(rows) - 1 == figures["diukur"] == figures["d"] - figures["flagged"] >= 40
    ratios, intervals = figures.ratios(), presisi.of_figures(figures)

    # As downloaded (each Posyandu a cluster): the same prevalences as the page.
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(text, encoding="utf-8")
    prevalence.run_files(str(src), str(out))
    everyone = _all_row(out)
    for code, column in (("stunting", "HA_2"), ("wasting", "WH_2"), ("underweight", "WA_2"),
                         ("overweight", "WH2"), ("stunting_berat", "HA_3")):  # fmt: skip
        assert round(float(everyone[f"{column}_r"]), 1) == ratios[code], code
    assert int(everyone["HAZ_unwpop"]) == figures["n_haz"]

    # Without the cluster column (the page's design, simple random sampling): the page's CI.
    srs = tmp_path / "srs.csv"
    srs.write_text("\n".join(",".join(r[:8]) for r in rows) + "\n", encoding="utf-8")
    prevalence.run_files(str(srs), str(out))
    everyone = _all_row(out)
    for code, column in (("stunting", "HA_2"), ("wasting", "WH_2"), ("underweight", "WA_2")):
        ci = intervals[code]
        assert ci is not None
        assert float(everyone[f"{column}_ll"]) == pytest.approx(ci.lower, abs=1e-9)
        assert float(everyone[f"{column}_ul"]) == pytest.approx(ci.upper, abs=1e-9)

    # The page shows them, and the stated design.
    page = client.get(reverse("laporan:wilayah", args=["14.71.01.1001"]) + f"?periode={APRIL}")
    html = page.content.decode()
    stunting = intervals["stunting"]
    assert stunting is not None and f"{stunting.text()} (n = {figures['n_haz']})" in html
    assert "presisi_prevalensi@2026.1" in html  # the note stating the design and the rule
    assert reverse("laporan:wilayah_prevalensi", args=["14.71.01.1001"]) in html

    event = AuditEvent.objects.filter(action="export", model="laporan.prevalensi").get()
    assert event.wilayah_kode == "14.71.01.1001"
    assert event.metadata["rows"] == figures["diukur"] and event.metadata["period"] == APRIL


def _all_row(path: Path) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8") as fh:
        return next(r for r in csv.DictReader(fh) if r["Group"] == "All")


def test_download_needs_personal_access_to_the_whole_region(client, world):
    _children(world)
    assert _download(client, world.pokjanal_kec, "14.71.01").status_code in (403, 404)
    assert _download(client, world.bidan_1, "14.71.01").status_code == 404  # wider than hers
    assert _download(client, world.bidan_1).status_code == 200
    page = client.get(reverse("laporan:wilayah", args=["14.71.01"]) + f"?periode={APRIL}")
    client.force_login(world.pokjanal_kec)
    page = client.get(reverse("laporan:wilayah", args=["14.71.01"]) + f"?periode={APRIL}")
    assert "prevalensi.csv" not in page.content.decode()


def test_imprecise_unit_is_marked_in_the_ranked_table_and_the_pdf(client, world):
    _children(world)
    client.force_login(world.dinkes_kota)
    page = client.get(reverse("laporan:wilayah", args=["14.71.01.1001"]) + f"?periode={APRIL}")
    html = page.content.decode()
    # Posyandu Mawar has 16 children: every prevalence of its row is too imprecise to rank.
    mawar = html[html.index("Posyandu Mawar") :].split("</tr>")[0]
    assert mawar.count("lp-imprecise") == 3
    body = pdf.posyandu_report(world.posyandu_a, parse_period(APRIL))
    assert body.startswith(b"%PDF")
