"""A flagged value needs a confirmation with a reason and stays out of the nutrition
prevalence until confirmed; SKDN (D, N/T/O/B) is unchanged (issue 11, section 2)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from posyandu.audit.context import Actor, acting_as
from posyandu.audit.models import AuditEvent
from posyandu.core.corrections import record_correct
from posyandu.core.periods import current_month, period_of
from posyandu.laporan.models import RekapBulanan
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.services import (
    ConfirmationError,
    ConfirmationRefused,
    checkin,
    measurement_confirm,
    measurement_record,
    session_open,
)
from tests.clock import TODAY

pytestmark = pytest.mark.django_db
NUTRITION = ("d", "n", "t", "o", "b", "diukur", "stunting", "flagged", "n_haz", "n_whz", "n_waz")


@pytest.fixture
def child(world):
    return SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Budi",
        tanggal_lahir=TODAY - timedelta(days=365),
        jenis_kelamin="L",
    )


@pytest.fixture
def visit(world, child):
    """Budi was weighed and measured last month (74.0 cm); today kader A measures 70.0 cm:
    length fell by 4 cm (re-measure warning, "pb_turun"), and HAZ is about -2.4 (stunting,
    no WHO flag)."""
    with acting_as(Actor(user=world.kader_a)):
        measurement_record(
            sasaran=child,
            tanggal=TODAY - timedelta(days=30),
            by=world.kader_a,
            berat_kg=Decimal("8.9"),
            tinggi_cm=Decimal("74.0"),
            cara_ukur="terlentang",
        )
        sesi = session_open(posyandu=world.posyandu_a, tanggal=TODAY, by=world.kader_a)
        kunjungan = checkin(sesi=sesi, sasaran=child)
        measurement_record(
            sasaran=child,
            tanggal=TODAY,
            by=world.kader_a,
            kunjungan=kunjungan,
            berat_kg=Decimal("9.2"),
            tinggi_cm=Decimal("70.0"),
            cara_ukur="terlentang",
        )
    return kunjungan


def this_month(posyandu) -> dict[str, int]:
    rows = RekapBulanan.objects.filter(posyandu=posyandu, periode=period_of(current_month()))
    return {f: sum(getattr(r, f) for r in rows) for f in NUTRITION}


def rebuilt(posyandu) -> dict[str, int]:
    call_command("laporan_rebuild", "--from", period_of(current_month()), verbosity=0)
    return this_month(posyandu)


def flagged_measurement(visit) -> Pengukuran:
    p = visit.pengukuran.get()
    assert p.perlu_cek_ulang and p.alasan_cek_ulang == ["pb_turun"]
    assert p.flen is False and p.zlen is not None and -3 < p.zlen < -2
    assert p.perlu_konfirmasi
    return p


class TestPrevalence:
    def test_unconfirmed_is_out_of_the_prevalence_but_counts_in_d(self, world, visit):
        flagged_measurement(visit)
        assert this_month(world.posyandu_a) == {
            "d": 1, "n": 1, "t": 0, "o": 0, "b": 0,
            "diukur": 0, "stunting": 0, "flagged": 1, "n_haz": 0, "n_whz": 0, "n_waz": 0,
        }  # fmt: skip

    def test_after_confirmation_it_is_counted_and_skdn_is_unchanged(self, world, visit):
        p = flagged_measurement(visit)
        with acting_as(Actor(user=world.kader_a)):
            measurement_confirm(pengukuran=p, by=world.kader_a, reason="diukur ulang, sama")
        p.refresh_from_db()
        assert p.dikonfirmasi_oleh == world.kader_a
        assert p.alasan_konfirmasi == "diukur ulang, sama"
        assert p.dikonfirmasi_pada is not None and not p.perlu_konfirmasi
        after = this_month(world.posyandu_a)  # the listeners followed the confirmation
        assert after == {
            "d": 1, "n": 1, "t": 0, "o": 0, "b": 0,
            "diukur": 1, "stunting": 1, "flagged": 0, "n_haz": 1, "n_whz": 1, "n_waz": 1,
        }  # fmt: skip
        assert rebuilt(world.posyandu_a) == after  # incremental == rebuild (ADR 0005)

    def test_a_correction_of_the_values_needs_a_new_confirmation(self, world, visit):
        p = flagged_measurement(visit)
        measurement_confirm(pengukuran=p, by=world.bidan_1, reason="diukur ulang")
        record_correct(
            p, by=world.bidan_1, reason="salah ketik", changes={"tinggi_cm": Decimal("69.5")}
        )
        p.refresh_from_db()
        assert p.perlu_cek_ulang and p.dikonfirmasi_pada is None and p.alasan_konfirmasi == ""
        assert this_month(world.posyandu_a)["flagged"] == 1

    def test_the_confirmation_is_audited(self, world, visit):
        p = flagged_measurement(visit)
        with acting_as(Actor(user=world.bidan_1)):
            measurement_confirm(pengukuran=p, by=world.bidan_1, reason="diukur ulang")
        event = AuditEvent.objects.filter(object_id=str(p.public_id)).latest("id")
        assert event.action == "update" and event.actor == world.bidan_1
        assert set(event.metadata["fields"]) == {
            "dikonfirmasi_oleh_id",
            "dikonfirmasi_pada",
            "alasan_konfirmasi",
        }


class TestService:
    def test_a_reason_is_required(self, world, visit):
        p = flagged_measurement(visit)
        with pytest.raises(ConfirmationError, match="alasan|reason"):
            measurement_confirm(pengukuran=p, by=world.kader_a, reason="   ")
        p.refresh_from_db()
        assert p.dikonfirmasi_pada is None

    def test_only_a_flagged_value_once(self, world, child, visit):
        p = flagged_measurement(visit)
        measurement_confirm(pengukuran=p, by=world.kader_a, reason="benar")
        with pytest.raises(ConfirmationError):
            measurement_confirm(pengukuran=p, by=world.kader_a, reason="lagi")
        plain = Pengukuran.objects.filter(sasaran=child).exclude(pk=p.pk).get()
        assert not plain.perlu_cek_ulang
        with pytest.raises(ConfirmationError):
            measurement_confirm(pengukuran=plain, by=world.kader_a, reason="benar")

    def test_who_may_confirm(self, world, visit):
        p = flagged_measurement(visit)
        for outsider in (world.kader_s, world.pokjanal_kota, world.outsider):
            with pytest.raises(ConfirmationRefused):
                measurement_confirm(pengukuran=p, by=outsider, reason="benar")
        with time_machine.travel(TODAY + timedelta(days=1, hours=12)):
            with pytest.raises(ConfirmationRefused):  # the kader: only on the same day
                measurement_confirm(pengukuran=p, by=world.kader_a, reason="benar")
            measurement_confirm(pengukuran=p, by=world.bidan_1, reason="dicek bidan")
        p.refresh_from_db()
        assert p.dikonfirmasi_oleh == world.bidan_1


class TestScreens:
    def test_the_visit_page_offers_the_confirmation_and_it_works(self, client, world, visit):
        p = flagged_measurement(visit)
        client.force_login(world.kader_a)
        page = reverse("sesi:kunjungan", args=[visit.public_id])
        html = client.get(page).content.decode()
        action = reverse("sesi:konfirmasi", args=[p.public_id])
        assert f'action="{action}"' in html
        assert "Konfirmasi nilai" in html and "tidak dihitung dalam laporan status gizi" in html
        response = client.post(action, {"alasan": "diukur ulang, hasil sama", "next": page})
        assert response.status_code == 302 and response["Location"] == page
        html = client.get(page).content.decode()
        assert "Nilai sudah dikonfirmasi" in html and "diukur ulang, hasil sama" in html
        assert f'action="{action}"' not in html
        assert this_month(world.posyandu_a)["stunting"] == 1

    def test_without_a_reason_the_page_says_so(self, client, world, visit):
        p = flagged_measurement(visit)
        client.force_login(world.kader_a)
        response = client.post(reverse("sesi:konfirmasi", args=[p.public_id]), {"alasan": ""})
        assert response.status_code == 400
        assert "Isi alasan mengapa nilai ini benar" in response.content.decode()
        p.refresh_from_db()
        assert p.dikonfirmasi_pada is None

    def test_refused_and_out_of_scope(self, client, world, visit):
        p = flagged_measurement(visit)
        url = reverse("sesi:konfirmasi", args=[p.public_id])
        client.force_login(world.kader_s)  # another Posyandu: the measurement does not exist
        assert client.post(url, {"alasan": "benar"}).status_code == 404
        with time_machine.travel(TODAY + timedelta(days=1, hours=12)):
            client.force_login(world.kader_a)  # (a session of yesterday has expired)
            assert "Konfirmasi nilai" in client.get(url).content.decode()  # the page title
            assert 'name="alasan"' not in client.get(url).content.decode()
            response = client.post(url, {"alasan": "benar"})
        assert response.status_code == 403
        assert "bidan atau Puskesmas" in response.content.decode()
        p.refresh_from_db()
        assert p.dikonfirmasi_pada is None

    def test_the_history_row_links_to_the_confirmation(self, client, world, child, visit):
        p = flagged_measurement(visit)
        client.force_login(world.bidan_1)
        person = reverse("sasaran:detail", args=[child.public_id])
        html = client.get(person).content.decode()
        url = reverse("sesi:konfirmasi", args=[p.public_id])
        assert url in html
        page = client.get(f"{url}?next={person}")
        assert page.status_code == 200 and 'name="alasan"' in page.content.decode()
        response = client.post(url, {"alasan": "dicek bidan", "next": person})
        assert response.status_code == 302 and response["Location"] == person
        html = client.get(person).content.decode()
        assert "nilai dikonfirmasi" in html and url not in html
