"""KMS growth charts: WHO curves where the WHO tables put them, the child's points on them,
and the chart served as a page figure and as a standalone SVG file."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse

from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi import kms
from posyandu.sesi.services import measurement_record

# WHO 2006 weight-for-age, boys, day 28: L 0.2331, M 4.3671, S 0.13497 (who2006_weight_for_age.csv)
BOY_MEDIAN_DAY_28 = 4.3671


def _child(sex: str = "L") -> SimpleNamespace:
    return SimpleNamespace(nama="Budi", jenis_kelamin=sex)


def _measure(days: int, berat: float | None, tinggi: float | None = None, flagged: bool = False):
    return SimpleNamespace(
        tanggal=date(2026, 1, 1) + timedelta(days=days),
        umur_hari=days,
        berat_kg=berat,
        tinggi_cm=tinggi,
        zwei=None,
        zlen=None,
        zwfl=None,
        perlu_cek_ulang=flagged,
    )


def _vertices(d: str) -> list[tuple[float, ...]]:
    return [tuple(map(float, part.split(","))) for part in d.lstrip("M").split(" L")]


def test_a_median_weight_lies_on_the_median_curve():
    chart = kms.build_chart("bbu", _child(), [_measure(28, BOY_MEDIAN_DAY_28)])
    median = next(line for line in chart.lines if line["css"] == "sd sd-sd0")
    point = chart.points[0]
    # The curve has a vertex every 7 days: day 28 is the fifth.
    assert _vertices(median["d"])[4] == (point["x"], point["y"])
    # 28 days = 0.92 months on a 0-24 month axis 298 units wide starting at x=34
    assert point["x"] == round(34 + 28 / 30.4375 / 24 * 298, 1) == 45.4
    assert chart.sex == "boy" and chart.xticks[-1]["label"] == "24"


def test_curves_are_labelled_minus_three_to_plus_three_and_bands_fill_between():
    chart = kms.build_chart("pbu", _child("P"), [])
    assert [line["label"] for line in chart.lines] == ["-3", "-2", "-1", "0", "+1", "+2", "+3"]
    assert [band["css"] for band in chart.bands] == [
        "band-warn",
        "band-ok",
        "band-light",
        "band-warn",
    ]
    assert chart.sex == "girl" and chart.points == [] and chart.path == ""
    assert chart.desc == "Kurva WHO dari -3 sampai +3 SD dan 0 pengukuran anak."


def test_points_are_ordered_flagged_and_the_axis_grows_to_five_years():
    chart = kms.build_chart(
        "bbu",
        _child(),
        [_measure(900, 12.0), _measure(700, 11.0), _measure(930, 30.0, flagged=True)],
    )
    assert [p["flag"] for p in chart.points] == [False, False, True]
    assert chart.xticks[-1]["label"] == "60"
    # An implausible 30 kg is drawn at the top edge of the chart, not outside it.
    assert chart.points[-1]["y"] == kms.TOP
    assert chart.path.count(" L") == 2


def test_weight_for_height_after_two_years():
    younger = kms.build_chart("bbpb", _child(), [_measure(400, 9.5, 75.0)])
    older = kms.build_chart("bbpb", _child(), [_measure(800, 12.0, 88.0)])
    assert (younger.xticks[0]["label"], younger.xticks[-1]["label"]) == ("45", "105")
    assert (older.xticks[0]["label"], older.xticks[-1]["label"]) == ("65", "115")
    assert len(younger.points) == len(older.points) == 1


@pytest.fixture
def weighed_child(world):
    child = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Budi", tanggal_lahir=date(2025, 9, 1), jenis_kelamin="L"
    )
    measurement_record(
        sasaran=child, tanggal=date(2026, 3, 10), by=world.kader_a, berat_kg=7.5, tinggi_cm=66
    )
    return child


def test_standalone_svg_carries_its_own_style(client, world, weighed_child):
    client.force_login(world.kader_a)
    response = client.get(reverse("sesi:chart", args=[weighed_child.public_id, "bbu"]))
    body = response.content.decode()
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>')
    assert "<style>" in body and body.count('class="child-point') == 1
    assert (
        client.get(reverse("sesi:chart", args=[weighed_child.public_id, "xyz"])).status_code == 404
    )


def test_chart_of_a_child_elsewhere_is_not_found(client, world, weighed_child):
    client.force_login(world.kader_s)
    response = client.get(reverse("sesi:chart", args=[weighed_child.public_id, "bbu"]))
    assert response.status_code == 404


def test_person_page_embeds_three_charts_styled_by_the_site(client, world, weighed_child):
    client.force_login(world.kader_a)
    body = client.get(reverse("sasaran:detail", args=[weighed_child.public_id])).content.decode()
    assert body.count('<figure class="kms kms-boy">') == 3
    assert "<style>" not in body


def test_coordinates_are_numbers_in_the_indonesian_ui(client, world, weighed_child):
    """Django wrote floats with a decimal comma in Indonesian (x="63,8"): SVG read that as two
    coordinates, so axis labels were cut to their first digit and the points fell at x=0."""
    import re

    from django.utils import translation

    client.force_login(world.kader_a)
    with translation.override("id"):
        svg = client.get(
            reverse("sesi:chart", args=[weighed_child.public_id, "bbu"]),
            HTTP_ACCEPT_LANGUAGE="id",
        ).content.decode()
        page = client.get(
            reverse("sasaran:detail", args=[weighed_child.public_id]), HTTP_ACCEPT_LANGUAGE="id"
        ).content.decode()
    for body in (svg, page):
        values = re.findall(r'\b(?:x|y|cx|cy|x1|x2|y1|y2|r)="([^"]*)"', body)
        assert values and all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in values), values[:5]
    assert re.search(r'<circle class="child-point[^"]*" cx="\d+\.\d"', svg)
