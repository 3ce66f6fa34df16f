from datetime import date, timedelta
from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from posyandu.fasilitas.models import Posyandu
from posyandu.imunisasi import schedule, selectors
from posyandu.imunisasi.models import Imunisasi
from posyandu.imunisasi.panels import panel_context
from posyandu.imunisasi.services import DoseError, dose_record
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Jadwal
from tests.clock import TODAY


@pytest.fixture
def baby(world):
    # 4 months and a few days old: the 2- and 3-month doses are overdue if missing
    birth = schedule.add_offset(TODAY, {"months": -4, "days": -5})
    return SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=birth)


def test_record_and_status(world, baby):
    for code in ("HB0", "BCG", "OPV1"):
        dose_record(sasaran=baby, vaksin=code, tanggal=baby.tanggal_lahir, by=world.kader_a)
    with pytest.raises(DoseError):
        dose_record(sasaran=baby, vaksin="BCG", tanggal=TODAY, by=world.kader_a)
    with pytest.raises(DoseError):
        dose_record(sasaran=baby, vaksin="XYZ", tanggal=TODAY, by=world.kader_a)
    with pytest.raises(DoseError):
        dose_record(sasaran=baby, vaksin="OPV2", tanggal=TODAY + timedelta(days=1), by=None)
    due = {d.code: d.status for d in selectors.doses_due(baby, TODAY)}
    assert due["DPT-HB-Hib-1"] == schedule.OVERDUE and due["OPV2"] == schedule.OVERDUE
    assert "DPT-HB-Hib-2" not in due  # waits for dose 1
    assert selectors.idl_status(baby).kurang[:2] == ("DPT-HB-Hib-1", "OPV2")


def test_the_visit_panel_reads_the_childs_doses_once(world, baby):
    for code in ("HB0", "BCG", "OPV1"):
        dose_record(sasaran=baby, vaksin=code, tanggal=baby.tanggal_lahir, by=world.kader_a)
    with CaptureQueriesContext(connection) as reads:
        ctx = panel_context(baby, TODAY)
    assert sum("imunisasi_imunisasi" in q["sql"] for q in reads.captured_queries) == 1
    # the schedule and the IDL both see the three doses given at birth
    assert {d.code for d in ctx["doses"] if d.status == schedule.GIVEN} == {"HB0", "BCG", "OPV1"}
    assert ctx["idl"].kurang[:2] == ("DPT-HB-Hib-1", "OPV2")
    assert [d.code for d in ctx["actionable"]][:2] == ["DPT-HB-Hib-1", "OPV2"]


def test_overdue_children_and_due_list(world, baby):
    on_time = SasaranFactory.create(
        posyandu=world.posyandu_a, tanggal_lahir=TODAY - timedelta(days=10)
    )
    for code in ("HB0", "BCG", "OPV1"):
        dose_record(sasaran=on_time, vaksin=code, tanggal=on_time.tanggal_lahir, by=None)
    SasaranFactory.create(posyandu=world.posyandu_b, tanggal_lahir=baby.tanggal_lahir)  # elsewhere
    posyandu = [world.posyandu_a]
    assert [c for c, _ in selectors.overdue_children(posyandu, TODAY)] == [baby]
    assert [c for c, _ in selectors.due_list(world.posyandu_a, TODAY)] == [baby]


def test_next_session_date():
    class P:
        jadwal = Jadwal(tanggal=31)

    # a stand-in Posyandu: next_session_date reads only its jadwal
    assert selectors.next_session_date(cast(Posyandu, P()), date(2026, 2, 10)) == date(2026, 2, 28)
    P.jadwal = Jadwal(minggu_ke=2, hari=2)  # second Wednesday
    assert selectors.next_session_date(cast(Posyandu, P()), date(2026, 3, 12)) == date(2026, 4, 8)


def test_td_status_of_a_woman(world):
    woman = SasaranFactory.create(
        posyandu=world.posyandu_a, jenis_kelamin="P", tanggal_lahir=date(1998, 5, 1)
    )
    dose_record(sasaran=woman, vaksin="Td", tanggal=date(2024, 1, 1), by=None)
    dose_record(sasaran=woman, vaksin="Td", tanggal=date(2024, 2, 1), by=None)
    assert selectors.td_status_of(woman).label == "T2"


def test_panel_view_records_a_dose_and_scope(client, world, baby):
    client.force_login(world.kader_a)
    url = reverse("imunisasi:record", args=[baby.public_id])
    # BCG as catch-up (HB0 at 4 months is past its maximum age: asked first, see
    # test_outside_schedule.py)
    body = client.post(url, {"vaksin": "BCG", "tempat": "posyandu"}).content.decode()
    assert Imunisasi.objects.filter(sasaran=baby, vaksin="BCG").exists()
    assert "BCG" in body
    body = client.post(url, {"vaksin": "BCG", "tempat": "posyandu"}).content.decode()
    assert "Dosis ini sudah tercatat." in body
    client.force_login(world.kader_s)
    assert client.post(url, {"vaksin": "BCG"}).status_code == 404
    due = reverse("imunisasi:due_list", args=[world.posyandu_a.public_id])
    assert client.get(due).status_code == 404
    client.force_login(world.kader_a)
    page = client.get(due + f"?tanggal={TODAY.isoformat()}").content.decode()
    assert baby.nama in page and "DPT-HB-Hib-1" in page
    # reached from the Posyandu page by its own people; a Pokjanal member sees no link
    posyandu_page = reverse("fasilitas:posyandu_detail", args=[world.posyandu_a.public_id])
    assert f'href="{due}"' in client.get(posyandu_page).content.decode()
    client.force_login(world.pokjanal_kec)
    assert f'href="{due}"' not in client.get(posyandu_page).content.decode()


def test_api_records_a_dose_and_reads_the_status(client, world, baby):
    client.force_login(world.kader_a)
    url = f"/api/v1/imunisasi/{baby.public_id}/dosis"
    response = client.post(
        url, {"vaksin": "BCG", "tanggal": TODAY.isoformat()}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    bad = client.post(
        url, {"vaksin": "BCG", "tanggal": TODAY.isoformat()}, content_type="application/json"
    )
    assert bad.status_code == 422
    status = client.get(f"/api/v1/imunisasi/{baby.public_id}/status").json()
    by_code = {d["code"]: d["status"] for d in status["doses"]}
    assert by_code["BCG"] == "given" and by_code["DPT-HB-Hib-1"] == "overdue"
    assert status["idl_lengkap"] is False and "HB0" in status["idl_kurang"]
    client.force_login(world.kader_s)
    assert client.get(f"/api/v1/imunisasi/{baby.public_id}/status").status_code == 404


def test_a_due_dose_is_not_labelled_as_a_deadline(client, world):
    """msgid "due" alone is the tasks' deadline ("batas"); a dose due now has its own msgid."""
    born = TODAY - timedelta(days=10)  # BCG and OPV1 are due (0 to 1 month)
    child = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=born)
    client.force_login(world.kader_a)
    page = client.get(reverse("skrining:person", args=[child.public_id])).content.decode()
    assert page.count('<span class="badge ilp-badge-watch">') >= 2
    assert '<span class="badge ilp-badge-watch">batas</span>' not in page
