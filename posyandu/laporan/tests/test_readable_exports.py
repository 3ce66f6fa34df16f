"""Issue 15: exports people can open (headers, dialect, title row, formulas neutralised)."""

import csv
import io
from datetime import date

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from posyandu.core.periods import parse_period
from posyandu.laporan.build import rekap_bulanan
from posyandu.laporan.tests.factories import child, weigh
from posyandu.laporan.tests.test_cakupan import _immunized_desa

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("x")'
NEUTRAL = "'" + FORMULA


def _csv(body: bytes, delimiter: str) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # so Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def _xlsx(body: bytes) -> list[list[object]]:
    book = load_workbook(io.BytesIO(body))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells), "a formula cell in an export"
    return [list(r) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True)]


def test_cakupan_csv_indonesian_semicolon_decimal_comma_title_and_headers(client, world):
    _immunized_desa(world)
    client.force_login(world.dinkes_kota)  # personal access: no small-number suppression
    url = reverse("laporan:wilayah_export", args=["14.71.01", "cakupan", "csv"])
    rows = _csv(client.get(url + "?periode=2025-04").content, ";")
    title, header, *body = rows
    assert title[0].startswith("Cakupan dan SPM — Kecamatan Sukajadi — periode 2025-04 — dibuat ")
    assert title[0].endswith(" WIB")
    assert header[:5] == [
        "Kode",
        "Nama",
        "Imunisasi dasar lengkap (IDL) — pembilang",
        "Imunisasi dasar lengkap (IDL) — penyebut: terdaftar",
        "Imunisasi dasar lengkap (IDL) — persen dari terdaftar",
    ]
    total = body[-1]
    assert total[:5] == ["14.71.01", "Total", "5", "6", "83,3"]  # decimal comma
    # The machine form beside it: codes, `,`, dot, no title, no byte order mark.
    machine = client.get(url + "?periode=2025-04&bentuk=mesin").content
    assert not machine.startswith(b"\xef\xbb\xbf")
    lines = machine.decode().splitlines()
    assert lines[0].startswith("kode,nama,idl_n,idl_d,idl_pct,idl_dp,idl_pctp")
    assert lines[-1].startswith("14.71.01,TOTAL,5,6,83.3,,")


def test_english_headers_when_english_is_chosen(client, world):
    _immunized_desa(world)
    client.force_login(world.pokjanal_kec)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("laporan:wilayah_export", args=["14.71.01", "cakupan", "csv"])
    title, header, *body = _csv(client.get(url + "?periode=2025-04").content, ",")
    assert title[0].startswith("Coverage and SPM — District Sukajadi — period 2025-04 — generated")
    assert header[:3] == ["Code", "Name", "Complete basic immunization (IDL) — numerator"]
    assert body[-1][:5] == ["14.71.01", "Total", "5", "6", "83.3"]


@pytest.mark.parametrize(
    ("kind", "indonesian", "english"),
    [
        ("skdn", ["Kode", "Nama", "S: balita 0-59 bulan", "K: punya KMS/buku KIA"],
         ["Code", "Name", "S: toddlers 0-59 months", "K: with KMS / MCH book"]),
        ("gizi", ["Kode", "Nama", "Balita diukur", "Stunting (TB/U < -2 SD)"],
         ["Code", "Name", "Children measured", "Stunted (length/height-for-age < -2 SD)"]),
    ],
)  # fmt: skip
def test_report_headers_in_both_languages(client, world, kind, indonesian, english):
    client.force_login(world.dinkes_kota)
    url = reverse("laporan:wilayah_export", args=["14.71.01", kind, "xlsx"]) + "?periode=2025-04"
    rows = _xlsx(client.get(url).content)
    assert list(rows[1][:4]) == indonesian
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = _xlsx(client.get(url).content)
    assert list(rows[1][:4]) == english
    assert isinstance(rows[-1][2], int)  # numbers stay numbers


def test_posyandu_rekap_has_indonesian_headers_and_typed_cells(client, world):
    client.force_login(world.kader_a)
    url = reverse("laporan:posyandu_export", args=[world.posyandu_a.public_id, "xlsx"])
    rows = _xlsx(client.get(url + "?periode=2025-04").content)
    title = str(rows[0][0])
    assert "Posyandu Melati" in title and "2025-04" in title
    assert list(rows[1][:3]) == ["Periode", "S: balita 0-59 bulan", "K: punya KMS/buku KIA"]


# --- Every CSV/xlsx endpoint: a formula in a name never comes out live ----------------------

ARGS: dict[str, list[object]] = {
    "kode": ["14.71.01", "14.71.01.1001"],
    "kind": ["skdn", "gizi", "cakupan"],
    "fmt": ["csv", "xlsx"],
    "nomor": [1, 2, 3, 4, 5],
}


def _export_patterns() -> list[tuple[str, list[str]]]:
    """(namespaced name, argument names) of every URL that answers with .csv or .xlsx."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and any(x in str(p.pattern) for x in ("csv", "xlsx")):
                found.append((f"{namespace}:{p.name}", list(p.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "")
    return found


def _urls(name: str, params: list[str], world) -> list[str]:
    combos: list[dict[str, object]] = [{}]
    for param in params:
        if param == "public_id":
            values: list[object] = [world.posyandu_a.public_id]
        else:
            values = ARGS[param]
        combos = [{**c, param: v} for c in combos for v in values]
    urls = []
    for kwargs in combos:
        if name == "pokjanal:strata_export" and kwargs.get("kode") != "14.71.01":
            continue
        urls.append(reverse(name, kwargs=kwargs) + "?periode=2025-04")
    return urls


def test_every_export_neutralises_formulas(client, world):
    world.posyandu_a.nama = '=HYPERLINK("p")'
    world.posyandu_a.save()
    baby = child(world.posyandu_a, date(2025, 4, 2), "P", nama=FORMULA)  # F1 birth, F2 baby
    weigh(baby, date(2025, 4, 20), "3.90")
    toddler = child(world.posyandu_a, date(2023, 4, 2), "L", nama=FORMULA)
    weigh(toddler, date(2025, 4, 20), "11.20")
    rekap_bulanan.rekap_rebuild(start=parse_period("2025-04"), end=parse_period("2025-04"))
    patterns = _export_patterns()
    names = {n for n, _ in patterns}
    assert {"laporan:wilayah_export", "laporan:sip_xlsx", "laporan:posyandu_export",
            "laporan:posyandu_cakupan_export", "pokjanal:strata_export"} <= names  # fmt: skip
    client.force_login(world.admin)
    seen_neutralised = set()
    for name, params in patterns:
        for url in _urls(name, params, world):
            response = client.get(url)
            assert response.status_code == 200, url
            if ".xlsx" in url:
                cells = [c for row in _xlsx(response.content) for c in row]
            else:
                cells = [c for row in _csv(response.content, ";") for c in row]
            texts = [c for c in cells if isinstance(c, str)]
            live = [t for t in texts if t[:1] in ("=", "+", "@") or t.startswith("-") and not
                    t.lstrip("-").replace(",", "").replace(".", "").isdigit()]  # fmt: skip
            assert not live, (url, live)
            if any(t.startswith("'=HYPERLINK(") for t in texts):
                seen_neutralised.add(name)
    # The names came out (neutralised) in the registers and in the tables that name Posyandu.
    assert {"laporan:sip_xlsx", "laporan:wilayah_export", "pokjanal:strata_export"} <= (
        seen_neutralised
    )


def test_sip_f2_keeps_the_child_named_like_a_formula_as_text(client, world):
    baby = child(world.posyandu_a, date(2025, 1, 2), "P", nama=FORMULA)
    weigh(baby, date(2025, 4, 20), "6.20")
    client.force_login(world.kader_a)
    url = reverse("laporan:sip_xlsx", args=[world.posyandu_a.public_id, 2]) + "?periode=2025-04"
    body = client.get(url).content
    sheet = load_workbook(io.BytesIO(body)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == NEUTRAL]
    assert cells and all(c.data_type == "s" for c in cells)
    assert "Posyandu Melati" in str(sheet["A1"].value)  # the title row


def test_indicator_page_is_fully_indonesian(client, world):
    client.force_login(world.pokjanal_kec)
    html = client.get(reverse("laporan:indikator")).content.decode()
    assert "Sumber" in html and "berjalan" in html and "≥ 80% (kuning ≥ 50%)" in html
    assert "konvensi proyek" in html and "belum dapat dihitung" in html
    for english in ("project convention", "not answerable", "denominators are the people",
                    ">live<", "Higher is better", "Registry version"):  # fmt: skip
        assert english not in html, english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("laporan:indikator")).content.decode()
    assert "project convention" in html and "≥ 80% (yellow ≥ 50%)" in html
