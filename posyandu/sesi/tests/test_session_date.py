"""A session date is said to be wrong, never silently replaced by today (issue 11, section 3):
malformed, day 0 or 32, or further than a year from today (rules/tanggal_sesi.json)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from posyandu.sesi.models import Sesi
from posyandu.sesi.services import SessionDateError, session_date_parse, session_open
from tests.clock import TODAY

FIRST, LAST = TODAY - timedelta(days=365), TODAY + timedelta(days=365)  # 16-09-2025, 16-09-2027
WINDOW = (
    f"Hari Posyandu dapat dibuka dari {FIRST:%d-%m-%Y} sampai {LAST:%d-%m-%Y} (paling lama setahun "
)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Masukkan tanggal hari Posyandu."),
        ("2026-09-00", "2026-09-00 bukan tanggal yang valid (tanggal 1-31, bulan 1-12)."),
        ("2026-09-32", "2026-09-32 bukan tanggal yang valid (tanggal 1-31, bulan 1-12)."),
        ("2026-13-01", "2026-13-01 bukan tanggal yang valid (tanggal 1-31, bulan 1-12)."),
        ("16-09-2026", "16-09-2026 bukan tanggal yang valid (tanggal 1-31, bulan 1-12)."),
        (
            "0001-01-01",
            WINDOW + "sebelum atau sesudah hari ini); 01-01-0001 di luar rentang itu.",
        ),
        (
            "9999-12-31",
            WINDOW + "sebelum atau sesudah hari ini); 31-12-9999 di luar rentang itu.",
        ),
    ],
)
def test_bad_session_date_is_refused_with_a_message(client, world, raw, message):
    client.force_login(world.kader_a)
    response = client.post(reverse("sesi:list"), {"posyandu": world.posyandu_a.pk, "tanggal": raw})
    assert response.status_code == 400
    assert response.context["date_error"] == message
    assert message.replace("(", "") in response.content.decode().replace("(", "")
    assert not Sesi.objects.exists()  # not silently opened for today


@pytest.mark.parametrize("raw", [FIRST.isoformat(), TODAY.isoformat(), LAST.isoformat()])
def test_session_dates_within_a_year_open(client, world, raw):
    client.force_login(world.kader_a)
    response = client.post(reverse("sesi:list"), {"posyandu": world.posyandu_a.pk, "tanggal": raw})
    sesi = Sesi.objects.get()
    assert sesi.tanggal == date.fromisoformat(raw)
    assert response.url == reverse("sesi:detail", args=[sesi.public_id])


def test_service_refuses_a_date_two_years_ahead(world):
    assert session_date_parse(LAST.isoformat()) == LAST
    with pytest.raises(SessionDateError):
        session_open(posyandu=world.posyandu_a, tanggal=LAST + timedelta(days=1), by=None)
    assert not Sesi.objects.exists()
