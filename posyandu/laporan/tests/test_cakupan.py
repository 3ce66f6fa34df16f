"""Coverage and SPM rows (RekapLayanan), hand-computed. Today is 15 June 2025 (conftest)."""

import csv
import io
import re
import zlib
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from posyandu.imunisasi import schedule
from posyandu.imunisasi.models import Imunisasi
from posyandu.kia.models import Kehamilan, KunjunganAnc, KunjunganNifas, Persalinan
from posyandu.laporan.build import coverage_counts
from posyandu.laporan.models import RekapLayanan
from posyandu.laporan.tests.factories import child, weigh
from posyandu.rujukan.models import Rujukan
from posyandu.skrining.models import HasilSkrining

pytestmark = pytest.mark.django_db


def stored(posyandu, periode, kode):
    row = RekapLayanan.objects.filter(posyandu=posyandu, periode=periode, kode=kode).first()
    return None if row is None else [row.pembilang, row.penyebut]


def dose(sasaran, code, day):
    return Imunisasi.objects.create(sasaran=sasaran, vaksin=code, tanggal=day, tempat="posyandu")


def all_doses(sasaran, day, skip=()):
    for code in schedule.idl_doses():
        if code not in skip:
            dose(sasaran, code, day)


def screen(sasaran, day, definisi="td_dewasa", tags=(), kategori="x"):
    return HasilSkrining.objects.create(
        sasaran=sasaran,
        tanggal=day,
        definisi=definisi,
        definisi_versi="t",
        kategori=kategori,
        tingkat="ok",
        tags=list(tags),
    )


def test_immunization_cohort_idl_and_antigens(world):
    a = world.posyandu_a
    c1 = child(a, date(2024, 3, 10))
    all_doses(c1, date(2025, 3, 1))
    c2 = child(a, date(2024, 3, 20))
    all_doses(c2, date(2025, 3, 1), skip={"MR1"})
    c3 = child(a, date(2024, 3, 5))  # MR1 on 2 April: after the birthday month
    all_doses(c3, date(2025, 3, 1), skip={"MR1"})
    dose(c3, "MR1", date(2025, 4, 2))
    moved = child(a, date(2024, 3, 15), status="pindah", status_sejak=date(2025, 3, 1))
    all_doses(moved, date(2025, 2, 1))
    child(a, date(2024, 4, 1))  # April cohort, nothing given
    assert stored(a, "2025-03", "idl") == [1, 3]
    assert stored(a, "2025-03", "imun_BCG") == [3, 3]
    assert stored(a, "2025-03", "imun_MR1") == [1, 3]
    assert stored(a, "2025-04", "idl") == [0, 1]
    assert stored(a, "2025-02", "idl") is None
    # A measurement refreshes only spm_balita; the immunization rows stay.
    weigh(c1, date(2025, 5, 2), "9.0")
    assert stored(a, "2025-03", "idl") == [1, 3]
    assert stored(a, "2025", "spm_balita") == [0, 4]  # c1, c2, c3 and the April child
    # The listener-maintained rows equal a fresh computation.
    fresh = coverage_counts.posyandu_year(a.id, 2025, date(2025, 6, 15))
    assert fresh[("2025-03", "idl")] == [1, 3]


def test_vitamin_a_february_round(world):
    b = world.posyandu_b
    v1 = child(b, date(2024, 8, 28))  # 6 months on 28 Feb 2025
    v2 = child(b, date(2024, 9, 1))  # 5 months: outside
    child(b, date(2020, 3, 1))  # 59 months, not given
    v4 = child(b, date(2020, 2, 28))  # 60 months: outside
    v5 = child(b, date(2023, 1, 1))  # given in March: not the round
    for who in (v1, v2, v4):
        screen(who, date(2025, 2, 10), "vitamin_a", kategori="diberikan")
    screen(v5, date(2025, 3, 3), "vitamin_a", kategori="diberikan")
    screen(v5, date(2025, 2, 3), "vitamin_a", kategori="belum")  # recorded, not given
    # Children 6-59 months on 28 Feb: v1, the 59-month child, v5.
    assert stored(b, "2025-02", "vitamin_a") == [1, 3]
    assert stored(b, "2025-08", "vitamin_a") is None  # round not reached yet


def _mother(posyandu, n):
    return child(posyandu, date(1995, 1, 1), "P", nama=f"Ibu {n}")


def test_anc_nifas_referrals_screening_and_spm(world):
    p = world.posyandu_a2
    w1, w2, w3, w4 = (_mother(p, n) for n in range(4))
    k1 = Kehamilan.objects.create(
        sasaran=w1, tanggal_daftar=date(2024, 9, 1), dasar="hpht", hpl=date(2025, 4, 20)
    )
    for day, doctor in (
        (date(2024, 9, 1), True),
        (date(2024, 11, 1), False),
        (date(2024, 12, 1), False),
        (date(2025, 1, 15), False),
        (date(2025, 2, 15), True),
        (date(2025, 3, 15), False),
    ):
        KunjunganAnc.objects.create(kehamilan=k1, tanggal=day, oleh_dokter=doctor)
    birth = Persalinan.objects.create(kehamilan=k1, tanggal=date(2025, 4, 10))
    for jenis, ke in (("KF", 1), ("KF", 2), ("KF", 3), ("KF", 4), ("KN", 1), ("KN", 2)):
        KunjunganNifas.objects.create(
            persalinan=birth, jenis=jenis, ke=ke, tanggal=date(2025, 4, 11)
        )
    k2 = Kehamilan.objects.create(
        sasaran=w2, tanggal_daftar=date(2024, 9, 1), dasar="hpht", hpl=date(2025, 4, 25)
    )
    for day in (date(2024, 9, 1), date(2024, 11, 15), date(2025, 2, 1), date(2025, 3, 1)):
        KunjunganAnc.objects.create(kehamilan=k2, tanggal=day)
    Kehamilan.objects.create(  # due in July: not ended, not counted
        sasaran=w3, tanggal_daftar=date(2025, 1, 1), dasar="hpht", hpl=date(2025, 7, 1)
    )
    Kehamilan.objects.create(
        sasaran=w4,
        tanggal_daftar=date(2025, 3, 1),
        dasar="hpht",
        hpl=date(2025, 10, 1),
        status="keguguran",
        status_sejak=date(2025, 4, 3),
    )
    assert stored(p, "2025-04", "anc_k1") == [2, 3]
    assert stored(p, "2025-04", "anc_k4") == [2, 3]
    assert stored(p, "2025-04", "anc_k6") == [1, 3]
    assert stored(p, "2025-04", "kf1") == [1, 1]
    assert stored(p, "2025-04", "kf_lengkap") == [1, 1]
    assert stored(p, "2025-04", "kn_lengkap") == [0, 1]
    assert stored(p, "2025", "spm_bumil") == [1, 3]
    assert stored(p, "2025", "spm_bbl") == [0, 1]

    pkm = p.puskesmas
    r1 = Rujukan.objects.create(
        sasaran=w1, tanggal=date(2025, 5, 3), alasan="x", tujuan_puskesmas=pkm, status="selesai"
    )
    r2 = Rujukan.objects.create(
        sasaran=w2, tanggal=date(2025, 5, 20), alasan="x", tujuan_puskesmas=pkm
    )
    Rujukan.objects.create(
        sasaran=w2, tanggal=date(2025, 6, 1), alasan="x", tujuan_puskesmas=pkm, status="batal"
    )
    assert r1.status == "selesai"
    assert stored(p, "2025-05", "rujukan_selesai") == [1, 2]
    assert stored(p, "2025-06", "rujukan_selesai") == [0, 1]
    r2.status = "selesai"
    r2.save()
    assert stored(p, "2025-05", "rujukan_selesai") == [2, 2]

    p18 = child(p, date(2007, 6, 15), "L")  # 18 today
    p17 = child(p, date(2007, 6, 16), "L")  # 17 today
    child(p, date(1965, 6, 16), "L")  # 59, not screened
    p60 = child(p, date(1965, 6, 15), "P")  # 60 today
    p60b = child(p, date(1950, 1, 1), "P")
    screen(p18, date(2025, 3, 1), tags=["hipertensi"])  # no follow-up
    screen(p17, date(2025, 3, 1))
    screen(p60, date(2025, 1, 10), "gula_darah")
    screen(p60, date(2025, 2, 1), tags=["hipertensi"])
    screen(p60, date(2025, 4, 1))  # follow-up in a later month
    screen(p60b, date(2024, 12, 31))  # last year
    # Adults 18-59: p18, the 59-year-old and the four mothers (30).
    assert stored(p, "2025", "skrining_dewasa") == [1, 6]
    assert stored(p, "2025", "spm_usia_produktif") == [2, 7]
    assert stored(p, "2025", "skrining_lansia") == [1, 2]
    assert stored(p, "2025", "spm_lansia") == [1, 2]
    assert stored(p, "2025", "spm_hipertensi") == [1, 2]
    assert stored(p, "2025", "spm_dm") is None


def test_spm_balita_needs_eight_weighed_months(world):
    a = world.posyandu_a
    eight = child(a, date(2023, 1, 1))
    seven = child(a, date(2023, 1, 1), "P")
    for month in range(1, 9):
        weigh(eight, date(2024, month, 5), "10.0")
        if month < 8:
            weigh(seven, date(2024, month, 5), "10.0")
    weigh(eight, date(2024, 8, 20), "10.1")  # a second weighing in a month counts once
    child(a, date(2025, 1, 5))  # born after the reference day of 2024
    assert stored(a, "2024", "spm_balita") == [1, 2]
    assert stored(a, "2025", "spm_balita") == [0, 3]


def _immunized_desa(world):
    """Posyandu A: 5 children of the March 2025 cohort, 4 with IDL (80 %); Posyandu B: 1."""
    for n in range(5):
        c = child(world.posyandu_a, date(2024, 3, 1 + n))
        all_doses(c, date(2025, 3, 1), skip={"MR1"} if n == 4 else ())
    all_doses(child(world.posyandu_b, date(2024, 3, 9)), date(2025, 3, 1))


def test_dashboard_shows_ranked_coverage_and_exports_it(client, world):
    _immunized_desa(world)
    client.force_login(world.pokjanal_kec)
    page = client.get(reverse("laporan:wilayah", args=["14.71.01"]) + "?periode=2025-04")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="cakupan"' in html and "Imunisasi dasar lengkap (IDL)" in html
    # Kecamatan total, cumulative Jan-Apr: 5 of 6 (83.3 %, yellow against 100 / 80).
    assert "83,3%" in html and "5 / 6" in html
    csv_url = reverse("laporan:wilayah_export", args=["14.71.01", "cakupan", "csv"])
    body = client.get(csv_url + "?periode=2025-04&bentuk=mesin").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    total = rows[-1]
    assert total["nama"] == "TOTAL" and total["idl_n"] == "5" and total["idl_d"] == "6"
    assert total["idl_pct"] == "83.3" and total["imun_MR1_n"] == "5"
    desa = next(r for r in rows if r["kode"] == "14.71.01.1001")
    # aggregate only (issue 16): 4 children is a small count, its percentage follows it
    assert (desa["idl_n"], desa["idl_pct"], desa["idl_pctp"]) == ("<5", "<5", "<5")
    client.force_login(world.dinkes_kota)  # personal access to the region: the exact figures
    body = client.get(csv_url + "?periode=2025-04&bentuk=mesin").content.decode()
    desa = next(r for r in csv.DictReader(io.StringIO(body)) if r["kode"] == "14.71.01.1001")
    assert (desa["idl_n"], desa["idl_d"], desa["idl_pct"]) == ("4", "5", "80.0")
    client.force_login(world.pokjanal_kec)
    below = client.get(reverse("laporan:wilayah", args=["14.71.01.1001"]) + "?periode=2025-04")
    assert "80,0%" in below.content.decode()  # Indonesian decimal comma


def test_posyandu_coverage_export_scoped(client, world):
    _immunized_desa(world)
    url = reverse("laporan:posyandu_cakupan_export", args=[world.posyandu_a.public_id, "csv"])
    client.force_login(world.kader_a)
    body = client.get(url + "?periode=2025-03&bentuk=mesin").content.decode().splitlines()
    assert body[0].startswith("kode,nama,idl_n,idl_d,idl_pct")
    assert ",4,5,80.0," in body[1]
    client.force_login(world.kader_s)  # kader of a Posyandu in another province
    assert client.get(url).status_code == 404


def pdf_cells(body: bytes) -> list[tuple[float, str]]:
    """(x in pt, text) of every string an fpdf2 PDF shows, content streams inflated."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue  # an image
        for x, text in re.findall(rb"BT ([\d.]+) [\d.]+ Td \(((?:\\.|[^\\)])*)\) Tj", content):
            out.append((float(x), re.sub(rb"\\(.)", rb"\1", text).decode("latin-1")))
    return out


def test_monthly_pdfs_carry_the_coverage_table(client, world):
    _immunized_desa(world)
    client.force_login(world.pokjanal_kec)
    url = reverse("laporan:wilayah_pdf", args=["14.71.01"]) + "?periode=2025-04"
    cells = pdf_cells(client.get(url).content)
    lines = [text for _, text in cells]
    # The SKDN table starts on the left margin (10 mm + 1 mm cell padding), below the title.
    assert cells[1] == (31.18, "S")
    row = lines.index("Imunisasi dasar lengkap (IDL)")
    # Kecamatan, January-April 2025: 5 of the 6 children of the March cohort.
    # Registered 5 of 6; no projected target imported ("-"); the registry's target 100 %.
    assert lines[row + 1 : row + 7] == ["5", "6", "83.3%", "-", "-", "100%"]
    note = (
        "Cakupan kumulatif Januari-2025-04; vitamin A putaran 2025-02; skrining dan SPM tahun 2025."
    )
    assert note in lines
    # The longest name fits its widened column whole.
    assert "SPM pelayanan kesehatan penderita diabetes melitus" in lines
    one = reverse("laporan:posyandu_pdf", args=[world.posyandu_a.public_id]) + "?periode=2025-03"
    lines = [text for _, text in pdf_cells(client.get(one).content)]
    row = lines.index("Imunisasi dasar lengkap (IDL)")
    assert lines[row + 1 : row + 5] == ["4", "5", "80.0%", "100%"]


def test_laporan_rebuild_writes_coverage_and_strata(world):
    import io

    from django.core.management import call_command

    from posyandu.pokjanal.models import StrataBulanan

    _immunized_desa(world)
    RekapLayanan.objects.all().delete()
    out = io.StringIO()
    call_command(
        "laporan_rebuild",
        "--wilayah",
        "14.71.01",
        "--from",
        "2025-03",
        "--to",
        "2025-04",
        stdout=out,
    )
    assert stored(world.posyandu_a, "2025-03", "idl") == [4, 5]
    # Three Posyandu in the kecamatan (A, A2, B), two months of strata each.
    assert StrataBulanan.objects.filter(periode__in=["2025-03", "2025-04"]).count() == 6
    assert out.getvalue().strip().endswith("6 baris strata")


def test_dashboard_names_indicators_in_the_chosen_language(client, world):
    _immunized_desa(world)
    client.force_login(world.pokjanal_kec)
    url = reverse("laporan:wilayah", args=["14.71.01"]) + "?periode=2025-04"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url).content.decode()
    assert "Complete basic immunization (IDL)" in html
    assert "Imunisasi dasar lengkap (IDL)" not in html


def test_spm_counts_a_screened_teenager(world):
    """Permenkes 6/2024 (SPM kesehatan): every person aged 15-59 is screened (usia produktif)
    and every person with hypertension aged 15+ gets care. Blood pressure at 15-17 is a
    td_remaja result (td_dewasa starts at 18), so td_remaja counts both as the screening and
    as the follow-up measurement (rules/cakupan.json 2025.2)."""
    p = world.posyandu_a
    teen = child(p, date(2009, 1, 10), "P")  # 16 on 15 June 2025
    screen(teen, date(2025, 3, 5), "td_remaja", tags=["hipertensi"], kategori="ht_1")
    screen(teen, date(2025, 4, 9), "td_remaja", kategori="meningkat")  # follow-up: served
    seventeen = child(p, date(2008, 2, 1), "L")
    screen(seventeen, date(2025, 2, 1), "td_remaja", kategori="normal")  # screened only
    adult = child(p, date(1985, 5, 5), "L")
    screen(adult, date(2025, 1, 20), tags=["hipertensi"], kategori="ht_1")
    screen(adult, date(2025, 5, 20), kategori="ht_1")  # td_dewasa follow-up: served
    child(p, date(1995, 5, 5), "P")  # 30, not screened
    younger = child(p, date(2011, 1, 1), "L")  # 14: neither SPM counts him
    screen(younger, date(2025, 3, 1), "td_remaja", tags=["hipertensi"], kategori="ht_1")
    screen(younger, date(2025, 4, 1), "td_remaja", kategori="ht_1")
    assert stored(p, "2025", "spm_hipertensi") == [2, 2]
    assert stored(p, "2025", "spm_usia_produktif") == [3, 4]
    assert stored(p, "2025", "skrining_dewasa") == [1, 2]  # 18-59: td_remaja is not theirs
