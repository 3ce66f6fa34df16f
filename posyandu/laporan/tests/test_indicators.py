"""The indicator registry: Indonesian and English definitions, labels, page and generated doc."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from posyandu.laporan import indicators

DS = indicators.indicator("ds")


@pytest.mark.parametrize("ind", indicators.registry()["indicators"], ids=lambda i: i["code"])
def test_every_indicator_has_indonesian_numerator_and_denominator(ind):
    for field in ("numerator_id", "denominator_id", "numerator", "denominator"):
        assert isinstance(ind[field], str) and ind[field].strip(), field


def test_every_coded_value_has_a_label():
    inds = indicators.registry()["indicators"]
    assert {d for i in inds for d in i["disaggregations"]} <= set(indicators.DISAGGREGATIONS)
    assert {i["period"] for i in inds} <= set(indicators.PERIODS)
    assert {i["unit"] for i in inds} <= set(indicators.UNITS)
    assert {i["direction"] for i in inds} <= set(indicators.DIRECTIONS)


def test_localized_picks_the_language():
    ds_id = next(r for r in indicators.localized("id") if r["code"] == "ds")
    assert ds_id["name"] == "Partisipasi masyarakat (D/S)"
    assert ds_id["numerator"] == (
        "D: balita dalam S yang ditimbang minimal satu kali dalam bulan tersebut"
    )
    assert ds_id["denominator"].startswith("S: balita berumur 0-59 bulan penuh")
    with translation.override("en"):
        ds_en = next(r for r in indicators.localized() if r["code"] == "ds")
        assert ds_en["name"] == "Community participation (D/S)"
        assert ds_en["name_other"] == "Partisipasi masyarakat (D/S)"
        assert ds_en["numerator"] == "D: balita in S weighed at least once in the month"
        assert [str(d) for d in ds_en["disaggregations"]] == ["Sex", "Region level", "Posyandu"]
        assert str(ds_en["period"]) == "Monthly"
        assert str(ds_en["unit"]) == "Percent (%)"
        assert str(ds_en["direction"]) == "Higher is better"


@pytest.mark.django_db
def test_page_shows_indonesian_by_default_and_english_with_the_cookie(client, world):
    client.force_login(world.pokjanal_kec)
    url = reverse("laporan:indikator")
    html = client.get(url).content.decode()
    assert DS["numerator_id"] in html and DS["denominator_id"] in html
    assert DS["numerator"] not in html and DS["denominator"] not in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url).content.decode()
    assert DS["numerator"] in html and DS["denominator"] in html
    assert DS["numerator_id"] not in html and DS["denominator_id"] not in html
    assert "Higher is better" in html and "Lower is better" in html
    assert "Sex, Region level, Posyandu" in html
    assert "Per round (February, August); dashboard: the latest round" in html


def test_docs_indicators_md_is_the_generator_output():
    """docs/indicators.md is regenerated (`manage.py indicators_doc`) after each registry change."""
    doc = (Path(settings.BASE_DIR) / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert doc == indicators.markdown()
    assert f"{DS['numerator_id']}<br>*EN:* {DS['numerator']}" in doc
