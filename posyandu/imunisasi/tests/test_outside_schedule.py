"""A dose outside its schedule is warned before saving, needs a confirmation with a reason,
and is recorded as given outside the schedule (issue 11, section 3); the doses after it
then show their real state, never "terlewat" with a date still to come."""

from datetime import date

import pytest
from django.urls import reverse

from posyandu.imunisasi import schedule, selectors
from posyandu.imunisasi.models import Imunisasi
from posyandu.imunisasi.services import DoseOutsideSchedule, dose_record
from posyandu.sasaran.tests.factories import SasaranFactory
from tests.clock import TODAY

# The examples are written for TODAY = 16-09-2026 (tests/clock.py), with the birth dates
# derived from it so that the ages hold on any TEST_TODAY.


@pytest.fixture
def toddler(world):
    """14 months and 6 days old: rotavirus dose 1 is past its maximum age (6 months 29 days)."""
    birth = schedule.add_offset(TODAY, {"months": -14, "days": -6})  # 10-07-2025
    return SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=birth)


@pytest.fixture
def infant(world):
    """4 months 15 days old, DPT-HB-Hib-1 given 15 days ago."""
    birth = schedule.add_offset(TODAY, {"months": -4, "days": -15})  # 01-05-2026
    child = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=birth)
    given = schedule.add_offset(TODAY, {"days": -15})
    dose_record(sasaran=child, vaksin="DPT-HB-Hib-1", tanggal=given, by=None)
    return child


def test_rotavirus_dose_1_for_a_14_month_old_is_terlewat(world, toddler):
    latest = schedule.add_offset(toddler.tanggal_lahir, {"months": 6, "days": 29})
    assert latest == (date(2026, 2, 8) if date(2026, 9, 16) == TODAY else latest)
    rv1 = {d.code: d for d in selectors.status_of(toddler, TODAY)}["RV1"]
    assert rv1.status == schedule.TOO_LATE
    with pytest.raises(DoseOutsideSchedule) as warned:
        dose_record(sasaran=toddler, vaksin="RV1", tanggal=TODAY, by=None)
    assert [(i.kind, i.limit) for i in warned.value.issues] == [(schedule.PAST_LATEST, latest)]
    assert warned.value.messages == [
        f"RV1 melewati umur maksimalnya (terlewat): hanya boleh diberikan sampai "
        f"{latest:%d-%m-%Y} dan biasanya tidak diberikan lagi."
    ]
    assert not Imunisasi.objects.exists()  # nothing saved before the confirmation
    with pytest.raises(DoseOutsideSchedule):  # a reason of a word or two is not enough
        dose_record(
            sasaran=toddler, vaksin="RV1", tanggal=TODAY, by=None, alasan_di_luar_jadwal="ok"
        )

    row = dose_record(
        sasaran=toddler,
        vaksin="RV1",
        tanggal=TODAY,
        by=None,
        alasan_di_luar_jadwal="instruksi dokter Puskesmas",
    )
    assert (row.di_luar_jadwal, row.alasan_di_luar_jadwal) == (True, "instruksi dokter Puskesmas")
    states = {d.code: d for d in selectors.status_of(toddler, TODAY)}
    assert states["RV1"].status == schedule.GIVEN and states["RV1"].given_late
    # RV2 and RV3 are past their maximum age too: "too late" up to a day already past
    for code in ("RV2", "RV3"):
        assert states[code].status == schedule.TOO_LATE
        assert states[code].latest == latest and states[code].latest < TODAY


def test_panel_warns_then_records_with_a_reason(client, world, toddler):
    client.force_login(world.kader_a)
    url = reverse("imunisasi:record", args=[toddler.public_id])
    body = client.post(url, {"vaksin": "RV1", "tempat": "posyandu"}).content.decode()
    assert "Belum disimpan: dosis ini di luar jadwal" in body
    assert "RV1 melewati umur maksimalnya (terlewat)" in body
    assert 'name="alasan_di_luar_jadwal"' in body
    assert not Imunisasi.objects.exists()
    # confirmed without a reason: still not saved, and said so
    body = client.post(
        url, {"vaksin": "RV1", "tempat": "posyandu", "konfirmasi_di_luar_jadwal": "1"}
    ).content.decode()
    assert "Tulis alasan memberikan dosis ini di luar jadwal." in body
    assert not Imunisasi.objects.exists()
    body = client.post(
        url,
        {
            "vaksin": "RV1",
            "tempat": "posyandu",
            "konfirmasi_di_luar_jadwal": "1",
            "alasan_di_luar_jadwal": "permintaan orang tua, sudah dijelaskan risikonya",
        },
    ).content.decode()
    row = Imunisasi.objects.get(sasaran=toddler, vaksin="RV1")
    assert row.di_luar_jadwal and row.alasan_di_luar_jadwal.startswith("permintaan orang tua")
    assert "di luar jadwal" in body  # the given dose is flagged in the table
    latest = schedule.add_offset(toddler.tanggal_lahir, {"months": 6, "days": 29})
    # RV2: past its maximum age "until <a past day>", never a date still to come
    rv2_row = body.split("<td>RV2</td>")[1].split("</tr>")[0]
    assert f"sampai {latest:%d-%m-%Y}" in rv2_row
    assert (schedule.add_offset(TODAY, {"days": 28})).strftime("%d-%m-%Y") not in rv2_row


def test_dose_too_soon_after_the_previous_one(world, infant):
    given = schedule.add_offset(TODAY, {"days": -15})  # 01-09-2026
    ready = schedule.add_offset(given, {"months": 1})  # 01-10-2026
    with pytest.raises(DoseOutsideSchedule) as warned:
        dose_record(sasaran=infant, vaksin="DPT-HB-Hib-2", tanggal=TODAY, by=None)
    assert warned.value.messages == [
        f"DPT-HB-Hib-2 terlalu cepat setelah DPT-HB-Hib-1 (diberikan {given:%d-%m-%Y}): "
        f"jarak minimal tercapai pada {ready:%d-%m-%Y}."
    ]
    state = {d.code: d for d in selectors.status_of(infant, TODAY)}["DPT-HB-Hib-2"]
    assert (state.status, state.earliest) == (schedule.NOT_YET, ready)
    row = dose_record(
        sasaran=infant,
        vaksin="DPT-HB-Hib-2",
        tanggal=TODAY,
        by=None,
        alasan_di_luar_jadwal="tidak bisa datang bulan depan (pindah)",
    )
    assert row.di_luar_jadwal
    # dose 3 now counts its interval from dose 2: earliest a month after today
    dpt3 = {d.code: d for d in selectors.status_of(infant, TODAY)}["DPT-HB-Hib-3"]
    assert (dpt3.status, dpt3.earliest) == (
        schedule.NOT_YET,
        schedule.add_offset(TODAY, {"months": 1}),
    )


def test_too_early_and_on_time(world):
    birth = schedule.add_offset(TODAY, {"months": -1, "days": -20})  # 1 month 20 days
    child = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=birth)
    issues = schedule.dose_timing(birth, {}, "PCV1", TODAY)
    assert [(i.kind, i.limit) for i in issues] == [
        (schedule.TOO_EARLY, schedule.add_offset(birth, {"months": 2}))
    ]
    # on time: saved without any question, not flagged
    row = dose_record(sasaran=child, vaksin="BCG", tanggal=TODAY, by=None)
    assert not row.di_luar_jadwal and row.alasan_di_luar_jadwal == ""


def test_previous_dose_missing_warns_only_for_a_dose_given_here(world, infant):
    assert [i.kind for i in schedule.dose_timing(infant.tanggal_lahir, {}, "OPV2", TODAY)] == [
        schedule.PREVIOUS_MISSING
    ]
    with pytest.raises(DoseOutsideSchedule):
        dose_record(sasaran=infant, vaksin="OPV2", tanggal=TODAY, by=None)
    # copied from the Buku KIA in any order: no question
    row = dose_record(
        sasaran=infant,
        vaksin="OPV2",
        tanggal=schedule.add_offset(infant.tanggal_lahir, {"months": 2}),
        by=None,
        diberikan_di_sini=False,
        tempat="puskesmas",
    )
    assert not row.di_luar_jadwal


def test_api_refuses_then_records_with_a_reason(client, world, toddler):
    client.force_login(world.kader_a)
    url = f"/api/v1/imunisasi/{toddler.public_id}/dosis"
    body = {"vaksin": "RV1", "tanggal": TODAY.isoformat()}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert "RV1 melewati umur maksimalnya (terlewat)" in response.json()["detail"]
    body["alasan_di_luar_jadwal"] = "instruksi dokter Puskesmas"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201 and response.json()["di_luar_jadwal"] is True


def test_person_page_history_shows_the_mark_and_its_reason(client, world, toddler):
    """Issue 11 review: the child's page listed "RV1 <date> Posyandu" without the mark."""
    dose_record(
        sasaran=toddler,
        vaksin="RV1",
        tanggal=TODAY,
        by=None,
        alasan_di_luar_jadwal="instruksi dokter Puskesmas",
    )
    client.force_login(world.kader_a)
    page = client.get(reverse("sasaran:detail", args=[toddler.public_id])).content.decode()
    row = page.split("<td>RV1")[1].split("</tr>")[0]
    assert "✓ di luar jadwal" in row
    assert "Alasan: instruksi dokter Puskesmas" in row
    assert f"{TODAY:%d-%m-%Y}" in row
