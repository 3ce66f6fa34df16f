"""Kader (SDM) figures of the workspace and the Posyandu panel; the strata's held-back
indicators as a Pokjanal member reads them."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from posyandu.core.periods import parse_period
from posyandu.kader.models import Kader, PelatihanKader
from posyandu.pokjanal.models import StrataBulanan
from posyandu.pokjanal.panels import strata_panel
from posyandu.pokjanal.selectors import workspace

pytestmark = pytest.mark.django_db


def _trained(kader: Kader, times: int) -> None:
    for n in range(times):
        PelatihanKader.objects.create(kader=kader, nama=f"Pelatihan {n}", tanggal=date(2025, 1, 1))


def test_active_and_trained_kader_count_each_kader_once(world):
    a = world.posyandu_a  # two active kader from the fixture, no training
    twice = Kader.objects.create(posyandu=a, nama="Bu Dua Kali", tingkat="madya")
    _trained(twice, 2)
    old = Kader.objects.create(posyandu=a, nama="Bu Berhenti", aktif=False)
    _trained(old, 3)
    removed = Kader.objects.create(posyandu=a, nama="Bu Salah Catat", tingkat="utama")
    _trained(removed, 1)
    PelatihanKader.objects.get(kader=removed).delete()  # soft delete: no longer trained

    rows = workspace(user=world.pokjanal_kec, kode="14.71.01", periode="2025-04")["rows"]
    kader = next(r["kader"] for r in rows if r["posyandu"] == a)
    assert (kader["n_aktif"], kader["terlatih"]) == (4, 1)
    assert (kader["purwa"], kader["madya"], kader["utama"]) == (0, 1, 1)
    panel = strata_panel(None, a, parse_period("2025-04"))[0]
    assert (panel.context["kader"]["n_aktif"], panel.context["kader"]["terlatih"]) == (4, 1)


def test_held_back_indicators_are_named_and_shown_on_a_phone(client, world):
    StrataBulanan.objects.create(
        posyandu=world.posyandu_a, desa_kode=world.posyandu_a.desa_id, periode="2025-04",
        strata="madya", penahan=["program_tambahan", "kia"],
        nilai={"tidak_tercatat": ["dana_sehat", "kb"]}, aturan_versi="2011.2",
    )  # fmt: skip
    client.force_login(world.pokjanal_kec)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the msgids, whatever the catalogue
    html = client.get(
        reverse("pokjanal:workspace", args=["14.71.01"]) + "?periode=2025-04"
    ).content.decode()
    row = html.split("Posyandu Melati", 1)[1].split("</tr>", 1)[0]
    # In the stratum cell (no column hidden on small screens), by name, not code.
    assert '<span class="badge">additional programs</span>' in row
    assert '<span class="badge">KIA coverage</span>' in row
    assert "hide-sm" not in row.split("</td>", 2)[1]
    with translation.override("en"):
        panel = strata_panel(None, world.posyandu_a, parse_period("2025-04"))[0]
    assert panel.context["penahan"] == ["additional programs", "KIA coverage"]
    assert panel.context["tidak_tercatat"] == ["dana sehat", "KB coverage"]


def test_strata_and_kader_table_exports(client, world):
    StrataBulanan.objects.create(
        posyandu=world.posyandu_a, desa_kode=world.posyandu_a.desa_id, periode="2025-04",
        strata="madya", penahan=["kia"], aturan_versi="2011.2",
        nilai={"frekuensi": 9, "kader": 5.5, "ds": 61.2, "kia": None, "imunisasi": 70.0,
               "program_tambahan": True},
    )  # fmt: skip
    kader = Kader.objects.filter(posyandu=world.posyandu_a).first()
    assert kader is not None
    _trained(kader, 2)
    url = (
        reverse("pokjanal:strata_export", args=["14.71.01", "csv"])
        + "?periode=2025-04&bentuk=mesin"
    )
    client.force_login(world.pokjanal_kec)
    page = client.get(url)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/csv")
    lines = page.content.decode().splitlines()
    assert lines[0].startswith("kode,posyandu,desa_kode,desa,strata,penahan,frekuensi")
    melati = next(line for line in lines if ",Posyandu Melati," in line)
    assert melati.endswith(",madya,kia,9,5.5,61.2,,70.0,True,2,1,0,0,0")
    assert len(lines) == 1 + 3  # Melati, Mawar, Anggrek: the kecamatan's Posyandu only
    xlsx = client.get(reverse("pokjanal:strata_export", args=["14.71.01", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        client.get(reverse("pokjanal:strata_export", args=["14.71.02", "csv"])).status_code == 404
    )
    client.force_login(world.kader_a)
    assert client.get(url).status_code == 404


def test_the_kader_minimum_is_rule_data_read_by_the_workspace_and_the_panel(
    client, world, monkeypatch
):
    from posyandu.core.rules import load_rule
    from posyandu.pokjanal import selectors

    rule = load_rule("pokjanal", "kader_minimum")
    assert selectors.kader_minimum() == rule.data["min_active_kader"] == 5
    assert rule.source.title == "Pedoman Umum Pengelolaan Posyandu"
    a = world.posyandu_a  # two active kader from the fixture
    for n in range(2):
        Kader.objects.create(posyandu=a, nama=f"Bu {n}")
    ctx = workspace(user=world.pokjanal_kec, kode="14.71.01", periode="2025-04")
    melati = next(r for r in ctx["rows"] if r["posyandu"] == a)
    assert (melati["kader"]["n_aktif"], melati["kader"]["kurang"]) == (4, True)
    assert melati in ctx["kader_kurang"] and ctx["kader_minimum"] == 5
    client.force_login(world.pokjanal_kec)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("pokjanal:workspace", args=["14.71.01"]) + "?periode=2025-04"
    assert "have fewer than 5 active kader" in client.get(url).content.decode()
    # Another minimum in the rule moves every place that reads it.
    monkeypatch.setitem(rule.data, "min_active_kader", 4)
    selectors.kader_minimum.cache_clear()
    try:
        ctx = workspace(user=world.pokjanal_kec, kode="14.71.01", periode="2025-04")
        assert not next(r for r in ctx["rows"] if r["posyandu"] == a)["kader"]["kurang"]
        panel = strata_panel(None, a, parse_period("2025-04"))[0]
        assert panel.context["kader_minimum"] == 4 and not panel.context["kader"]["kurang"]
    finally:
        monkeypatch.undo()
        selectors.kader_minimum.cache_clear()
