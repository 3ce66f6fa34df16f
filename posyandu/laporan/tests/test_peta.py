"""Issue 15: choropleth maps (server-side SVG) and breadcrumbs that never 404."""

import re

import pytest
from django.urls import reverse

from posyandu.core.periods import parse_period
from posyandu.fasilitas.tests.factories import PosyanduFactory
from posyandu.laporan import peta, svg
from posyandu.laporan.build import rekap_bulanan
from posyandu.pokjanal.models import StrataBulanan

pytestmark = pytest.mark.django_db


def test_choropleth_draws_one_shape_per_unit_with_its_colour():
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    moved = [[(x + 1, y) for x, y in square]]
    units = [
        svg.MapUnit("14.71.01", "Sukajadi", [square], "green", "85,0%"),
        svg.MapUnit("14.71.02", "Senapelan", moved, "red", "40,0%"),
        svg.MapUnit("14.71.03", "Lima Puluh", [[(x, y + 1) for x, y in square], square], "", "—"),
    ]
    markup = svg.choropleth(units, title="D/S", legend=peta.legend("ds"))
    paths = re.findall(r'<path class="lp-area lp-(\w+)" data-kode="([\d.]+)"', markup)
    assert paths == [("green", "14.71.01"), ("red", "14.71.02"), ("none", "14.71.03")]
    assert "<title>Senapelan: 40,0%</title>" in markup
    assert markup.count('d="M') == 3 and markup.count("Z") == 4  # two rings, one path
    assert "≥ 80%" in markup and "50%–80%" in markup and "&lt; 50%" in markup  # the legend


def test_boundaries_are_simplified_copies_with_attribution():
    kecamatan = peta.shapes_below("14.71")
    assert [s.kode for s in kecamatan][:2] == ["14.71.01", "14.71.02"] and len(kecamatan) == 15
    assert all(len(r) >= 4 for s in kecamatan for r in s.rings)
    assert len(peta.shapes_below("")) == 37  # provinces
    assert peta.shapes_below("14.71.01.1001") == []  # below a desa: Posyandu, no boundary
    readme = (peta.DATA / "README.md").read_text()
    assert "Cahya DSN" in readme and "MIT" in readme
    assert (peta.DATA / "LICENSE-cahyadsn-wilayah_boundaries").is_file()


@pytest.fixture
def built(world, skdn_world):
    rekap_bulanan.rekap_rebuild(start=parse_period("2025-03"), end=parse_period("2025-04"))
    return skdn_world


def test_dashboard_map_colours_units_like_the_ranked_table(client, world, built):
    client.force_login(world.pokjanal_kota)
    page = client.get(reverse("laporan:wilayah", args=["14.71"]) + "?periode=2025-04&peta=ds")
    html = page.content.decode()
    paths = dict(
        (kode, rating)
        for rating, kode in re.findall(r'<path class="lp-area lp-(\w+)" data-kode="([\d.]+)"', html)
    )
    # Sukajadi: D/S 7 of 9 = 77.8 % (yellow: 50-80 %); Senapelan: no children (no value).
    assert paths == {"14.71.01": "yellow", "14.71.02": "none"}
    assert "Sukajadi: 77,8%" in html
    assert "Cahya DSN" in html  # attribution
    assert 'id="peta"' in html and "<caption>" in html  # the table fallback


def test_desa_map_counts_units_without_a_boundary(client, world, built):
    client.force_login(world.pokjanal_kec)
    html = client.get(reverse("laporan:wilayah", args=["14.71.01"]) + "?peta=idl").content.decode()
    # Jadirejo (14.71.01.1001) is not in the boundary data; Kampung Tengah is.
    assert re.findall(r'data-kode="([\d.]+)"', html) == ["14.71.01.1002"]
    assert "1 unit has no boundary" in html or "1 unit tidak punya batas" in html


def _breadcrumb(html: str) -> str:
    return html.split('<ol class="breadcrumb">', 1)[1].split("</ol>", 1)[0]


def test_breadcrumbs_link_only_where_the_user_may_go(client, world, built):
    client.force_login(world.pokjanal_kec)
    html = client.get(reverse("laporan:wilayah", args=["14.71.01.1001"])).content.decode()
    crumbs = _breadcrumb(html)
    links = re.findall(r'href="([^"]+)"', crumbs)
    assert links == [reverse("laporan:wilayah", args=["14.71.01"])]
    assert "Wilayah 14.71" in crumbs and "Wilayah 14<" not in crumbs or "Wilayah 14" in crumbs
    for link in links:
        assert client.get(link).status_code == 200
    posyandu = client.get(reverse("laporan:posyandu", args=[world.posyandu_a.public_id]))
    crumbs = _breadcrumb(posyandu.content.decode())
    assert re.findall(r'href="([^"]+)"', crumbs) == [
        reverse("laporan:wilayah", args=["14.71.01"]),
        reverse("laporan:wilayah", args=["14.71.01.1001"]),
    ]
    # Every role, every crumb: no link answers anything but 200.
    for user in (world.pokjanal_kota, world.dinkes_kota, world.kader_a, world.puskesmas_staff,
                 world.bidan_1, world.admin):  # fmt: skip
        client.force_login(user)
        for url in (
            reverse("laporan:wilayah", args=["14.71.01.1001"]),
            reverse("laporan:posyandu", args=[world.posyandu_a.public_id]),
        ):
            page = client.get(url)
            if page.status_code != 200:
                continue
            for link in re.findall(r'href="([^"]+)"', _breadcrumb(page.content.decode())):
                assert client.get(link).status_code == 200, (user.username, link)


def test_import_boundaries_is_idempotent(tmp_path):
    import io
    import json

    from django.core.management import call_command

    source = tmp_path / "src"
    source.mkdir()
    square = [[[101.0, 0.0], [101.1, 0.0], [101.1, 0.1], [101.0, 0.1], [101.0, 0.0]]]
    props = {"kode": "14", "nama": "Riau", "label": [101.05, 0.05]}
    feature = {"properties": props, "geometry": {"type": "Polygon", "coordinates": square}}
    for name in ("prov", "kab"):
        features = [feature] if name == "prov" else []
        (source / f"{name}.geojson").write_text(json.dumps({"features": features}))
    (source / "LICENSE-cahyadsn-wilayah_boundaries").write_text("MIT License")
    out = tmp_path / "out"
    first, second = io.StringIO(), io.StringIO()
    call_command("import_boundaries", "--from", str(source), "--to", str(out), stdout=first)
    call_command("import_boundaries", "--from", str(source), "--to", str(out), stdout=second)
    assert first.getvalue().startswith("1 berkas ditulis, 0 tidak berubah; 1 wilayah")
    assert second.getvalue().startswith("0 berkas ditulis, 1 tidak berubah")
    assert (out / "prov.json.gz").is_file() and "MIT" in (out / "README.md").read_text()


def test_strata_map_colours_each_unit_by_the_median_stratum_of_its_posyandu(client, world):
    """Strata live in pokjanal (above laporan): the map asks the registry's layer."""
    d = PosyanduFactory.create(nama="Posyandu Dahlia", desa_id="14.71.01.1002")
    given = [(world.posyandu_a, "mandiri"), (world.posyandu_a2, "pratama"),
             (world.posyandu_b, "purnama"), (d, "madya"), (world.posyandu_c, "madya"),
             (world.posyandu_s, "mandiri")]  # fmt: skip
    for p, code in given:
        StrataBulanan.objects.create(
            posyandu=p, desa_kode=p.desa_id, periode="2025-04", strata=code
        )
    # Another month does not count.
    StrataBulanan.objects.create(
        posyandu=world.posyandu_c, desa_kode="14.71.02.1001", periode="2025-03", strata="mandiri"
    )
    client.force_login(world.pokjanal_kota)
    client.cookies["django_language"] = "en"
    url = reverse("laporan:wilayah", args=["14.71"])
    html = client.get(url + "?periode=2025-04&peta=strata").content.decode()
    paths = re.findall(r'<path class="lp-area lp-(\w+)" data-kode="([\d.]+)"', html)
    # One shape per kecamatan of Kota Pekanbaru (of the test regions). Sukajadi: Pratama,
    # Madya, Purnama, Mandiri -> the lower median Madya, 2 Purnama/Mandiri; Senapelan: its one
    # Posyandu, Madya (March's Mandiri is another month); Seluma's Posyandu is elsewhere.
    assert paths == [("madya", "14.71.01"), ("madya", "14.71.02")]
    assert "Sukajadi: Madya (median of 4 Posyandu; 2 Purnama/Mandiri)" in html
    assert "Senapelan: Madya (median of 1 Posyandu; 0 Purnama/Mandiri)" in html
    assert 'fill="#f2cc5b"' in html  # Madya yellow
    legend = re.findall(r'fill="(#\w+)" stroke="#5b6675"[^>]*/><text[^>]*>([^<]+)<', html)
    assert legend == [("#e2766b", "Pratama"), ("#f2cc5b", "Madya"), ("#7cc4a4", "Purnama"),
                      ("#6f9fd8", "Mandiri"), ("#e3e7ec", "no strata computed")]  # fmt: skip
    assert 'aria-current="true" class="badge">Posyandu strata</a>' in html

    # Kecamatan Sukajadi, by desa: Jadirejo has no boundary; Kampung Tengah holds Anggrek
    # (Purnama) and Dahlia (Madya): the lower median is Madya, 1 Purnama/Mandiri.
    client.force_login(world.pokjanal_kec)
    url = reverse("laporan:wilayah", args=["14.71.01"])
    html = client.get(url + "?periode=2025-04&peta=strata").content.decode()
    assert re.findall(r'<path class="lp-area lp-(\w+)" data-kode="([\d.]+)"', html) == [
        ("madya", "14.71.01.1002")
    ]
    # The table fallback lists both desa with their strata.
    assert "Madya (median of 2 Posyandu; 1 Purnama/Mandiri)</td>" in html
    # Jadirejo: Melati (Mandiri) and Mawar (Pratama): the lower median Pratama.
    assert "Pratama (median of 2 Posyandu; 1 Purnama/Mandiri)</td>" in html
