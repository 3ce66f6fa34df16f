"""Corrections: edit and void with a reason, who may, audit old values, derived data following
a void, undo of the last entry (issue 11, section 1)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from posyandu.accounts.scope import may_correct
from posyandu.audit.context import Actor, acting_as
from posyandu.audit.models import AuditEvent
from posyandu.core.corrections import CorrectionError, record_correct, record_void
from posyandu.laporan.models import RekapBulanan
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Kunjungan, LayananDiberikan, Pengukuran
from posyandu.sesi.services import checkin, measurement_record, service_add, session_open
from posyandu.tugas.models import Tugas
from tests.clock import TODAY


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
    """Kader A checks Budi in today and weighs him (as kader A: she entered both)."""
    with acting_as(Actor(user=world.kader_a)):
        sesi = session_open(posyandu=world.posyandu_a, tanggal=TODAY, by=world.kader_a)
        kunjungan = checkin(sesi=sesi, sasaran=child)
        measurement_record(
            sasaran=child,
            tanggal=TODAY,
            by=world.kader_a,
            kunjungan=kunjungan,
            berat_kg=Decimal("9.5"),
            tinggi_cm=Decimal("75"),
            cara_ukur="terlentang",
        )
        service_add(kunjungan=kunjungan, jenis="Vitamin A")
    return kunjungan


def rekap_d(posyandu) -> int:
    return sum(RekapBulanan.objects.filter(posyandu=posyandu).values_list("d", flat=True))


class TestWhoMay:
    def test_the_person_who_entered_it_on_the_same_day(self, world, visit):
        p = visit.pengukuran.get()
        assert p.dibuat_oleh == world.kader_a
        assert may_correct(world.kader_a, p)

    def test_not_the_next_day(self, world, visit):
        p = visit.pengukuran.get()
        with time_machine.travel(TODAY + timedelta(days=1)):
            assert not may_correct(world.kader_a, p)
            assert may_correct(world.bidan_1, p)  # the bidan of that desa: any time
            assert may_correct(world.puskesmas_staff, p)

    def test_not_another_kader_nor_out_of_scope(self, world, visit):
        p = visit.pengukuran.get()
        other_kader = world.kader_s  # another Posyandu: cannot even see it
        assert not may_correct(other_kader, p)
        assert not may_correct(world.pokjanal_kota, p)  # sees aggregates only
        assert not may_correct(world.outsider, p)

    def test_kader_of_another_day_gets_a_clear_message(self, client, world, visit):
        p = visit.pengukuran.get()
        url = reverse("sesi:koreksi", args=["sesi.Pengukuran", p.public_id])
        with time_machine.travel(TODAY + timedelta(days=1, hours=12)):
            client.force_login(world.kader_a)
            page = client.get(url)
            assert "pada hari yang sama" in page.content.decode()
            response = client.post(url, {"aksi": "batalkan", "alasan": "salah orang"})
        assert response.status_code == 403
        assert "bidan atau Puskesmas" in response.content.decode()
        assert Pengukuran.objects.filter(pk=p.pk).exists()

    def test_out_of_scope_is_404(self, client, world, visit):
        p = visit.pengukuran.get()
        client.force_login(world.kader_s)
        url = reverse("sesi:koreksi", args=["sesi.Pengukuran", p.public_id])
        assert client.get(url).status_code == 404
        assert client.get(reverse("sesi:koreksi", args=["x.Y", p.public_id])).status_code == 404


class TestVoid:
    def test_reason_is_required(self, world, visit):
        with pytest.raises(CorrectionError):
            record_void(visit, by=world.kader_a, reason="  ")
        assert Kunjungan.objects.filter(pk=visit.pk).exists()

    def test_voiding_a_checkin_voids_the_visit_and_leaves_the_reports(self, world, visit):
        assert rekap_d(world.posyandu_a) == 1
        voided = record_void(visit, by=world.bidan_1, reason="salah orang")
        assert {type(r).__name__ for r in voided} == {
            "Kunjungan",
            "Pengukuran",
            "LayananDiberikan",
        }
        # The rows stay, with who voided them and why; the default manager no longer sees them.
        p = Pengukuran.all_objects.get(kunjungan=visit)
        assert p.deleted_at is not None and p.alasan_batal == "salah orang"
        assert p.dibatalkan_oleh == world.bidan_1
        assert not Pengukuran.objects.filter(pk=p.pk).exists()
        assert LayananDiberikan.all_objects.get(kunjungan=visit).alasan_batal == "salah orang"
        # D of SKDN follows at once: the child is no longer counted as weighed this month.
        assert rekap_d(world.posyandu_a) == 0

    def test_audit_keeps_reason_and_old_values(self, world, visit):
        p = visit.pengukuran.get()
        record_void(p, by=world.bidan_1, reason="timbangan rusak")
        event = AuditEvent.objects.get(action="void", object_id=str(p.public_id))
        assert event.actor == world.bidan_1
        assert event.metadata["reason"] == "timbangan rusak"
        assert event.metadata["old"]["berat_kg"] == "9.50"
        assert event.metadata["old"]["tinggi_cm"] == "75.0"

    def test_a_task_follows_the_void(self, world, child, django_capture_on_commit_callbacks):
        """A measurement of gizi buruk opens a task; voiding it closes the task at once."""
        with (
            django_capture_on_commit_callbacks(execute=True),
            acting_as(Actor(user=world.kader_a)),
        ):
            sesi = session_open(posyandu=world.posyandu_a, tanggal=TODAY, by=world.kader_a)
            kunjungan = checkin(sesi=sesi, sasaran=child)
            measurement_record(
                sasaran=child,
                tanggal=TODAY,
                by=world.kader_a,
                kunjungan=kunjungan,
                berat_kg=Decimal("6.0"),
                tinggi_cm=Decimal("76"),
                cara_ukur="terlentang",
            )
        opened = set(
            Tugas.objects.filter(sasaran=child, status="terbuka").values_list("aturan", flat=True)
        )
        assert "gizi_buruk_kurang" in opened
        with django_capture_on_commit_callbacks(execute=True):
            record_void(kunjungan, by=world.kader_a, reason="anak lain")
        still = set(
            Tugas.objects.filter(sasaran=child, status="terbuka").values_list("aturan", flat=True)
        )
        assert "gizi_buruk_kurang" not in still


class TestCorrect:
    def test_measurement_is_evaluated_again(self, world, visit):
        p = visit.pengukuran.get()
        before = p.zwei
        changed = record_correct(
            p, by=world.kader_a, reason="salah ketik", changes={"berat_kg": Decimal("8.1")}
        )
        p.refresh_from_db()
        assert "berat_kg" in changed and "zwei" in changed
        assert p.berat_kg == Decimal("8.1") and p.zwei < before
        event = AuditEvent.objects.get(action="correct", object_id=str(p.public_id))
        assert event.metadata["reason"] == "salah ketik"
        assert event.metadata["old"]["berat_kg"] == "9.50"
        assert event.metadata["old"]["zwei"] == pytest.approx(before)

    def test_later_measurements_follow(self, world, child, visit):
        later = measurement_record(
            sasaran=child,
            tanggal=TODAY + timedelta(days=30),
            by=world.kader_a,
            berat_kg=Decimal("9.3"),
        ).pengukuran
        assert later.status_bb == "T"  # lost weight since 9.5
        record_correct(
            visit.pengukuran.get(),
            by=world.bidan_1,
            reason="salah ketik",
            changes={"berat_kg": Decimal("8.5")},
        )
        later.refresh_from_db()
        assert later.status_bb == "N"

    def test_through_the_page_with_a_decimal_comma(self, client, world, visit):
        p = visit.pengukuran.get()
        client.force_login(world.kader_a)
        url = reverse("sesi:koreksi", args=["sesi.Pengukuran", p.public_id])
        page = client.get(url)
        assert page.status_code == 200 and 'value="9,5"' in page.content.decode()
        data = {
            "aksi": "simpan",
            "alasan": "",
            "berat_kg": "9,1",
            "tinggi_cm": "75",
            "cara_ukur": "terlentang",
        }
        refused = client.post(url, data)
        assert refused.status_code == 400  # no reason: nothing saved
        assert "alasan" in refused.content.decode().lower()
        p.refresh_from_db()
        assert p.berat_kg == Decimal("9.5")
        response = client.post(url, {**data, "alasan": "salah baca"})
        assert response.status_code == 302
        assert response.url == reverse("sesi:kunjungan", args=[visit.public_id])
        p.refresh_from_db()
        assert p.berat_kg == Decimal("9.1")

    def test_void_through_the_page_and_history(self, client, world, child, visit):
        client.force_login(world.bidan_1)
        url = reverse("sesi:koreksi", args=["sesi.Kunjungan", visit.public_id])
        response = client.post(url, {"aksi": "batalkan", "alasan": "salah orang"})
        assert response.status_code == 302
        assert not Kunjungan.objects.filter(pk=visit.pk).exists()
        history = client.get(reverse("sasaran:detail", args=[child.public_id])).content.decode()
        assert "<del>" in history and "salah orang" in history


class TestUndo:
    def test_undo_voids_the_last_entry_of_the_user(self, client, world, visit):
        client.force_login(world.kader_a)
        page = client.get(reverse("sesi:kunjungan", args=[visit.public_id])).content.decode()
        assert "Urungkan" in page
        response = client.post(reverse("sesi:undo", args=[visit.public_id]))
        assert response.status_code == 302
        service = LayananDiberikan.all_objects.get(kunjungan=visit)
        assert service.alasan_batal == "urungkan"
        assert visit.pengukuran.exists()  # only the last entry
        page = client.get(reverse("sesi:kunjungan", args=[visit.public_id])).content.decode()
        assert "<del>" in page and "urungkan" in page

    def test_undo_only_for_who_entered_it(self, client, world, visit):
        client.force_login(world.bidan_1)
        client.post(reverse("sesi:undo", args=[visit.public_id]))
        assert LayananDiberikan.objects.filter(kunjungan=visit).exists()


class TestSameDay:
    data = {"berat_kg": "9,8", "tinggi_cm": "75", "cara_ukur": "terlentang"}

    def post(self, client, visit, **extra):
        url = reverse("sesi:kunjungan", args=[visit.public_id])
        return client.post(url, {**self.data, **extra})

    def test_a_second_measurement_asks_first(self, client, world, visit):
        client.force_login(world.kader_a)
        response = self.post(client, visit)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'value="ganti"' in html and 'value="tambah"' in html
        assert "sudah diukur hari ini" in html
        assert Pengukuran.objects.filter(sasaran=visit.sasaran).count() == 1

    def test_ganti_voids_the_first(self, client, world, visit):
        first = visit.pengukuran.get()
        client.force_login(world.kader_a)
        assert self.post(client, visit, ulang="ganti").status_code == 302
        live = Pengukuran.objects.get(sasaran=visit.sasaran)
        assert live.berat_kg == Decimal("9.8")
        first = Pengukuran.all_objects.get(pk=first.pk)
        assert first.alasan_batal == "diganti" and first.deleted_at is not None
        assert rekap_d(world.posyandu_a) == 1

    def test_tambah_keeps_both_and_the_last_counts(self, client, world, visit):
        client.force_login(world.kader_a)
        assert self.post(client, visit, ulang="tambah").status_code == 302
        assert Pengukuran.objects.filter(sasaran=visit.sasaran).count() == 2
        assert rekap_d(world.posyandu_a) == 1  # one child weighed: D counts people


class TestMeasuringAgainKeepsTheLength:
    """Issue 11 review: a second weighing the same day (9,5 kg / 75 cm, then 9,8) lost the
    length on "ganti". The form to measure again starts from the saved values, and the
    question (at the top of the page) names anything the new measurement lacks."""

    def page(self, client, visit):
        return client.get(reverse("sesi:kunjungan", args=[visit.public_id])).content.decode()

    def test_the_form_to_measure_again_is_prefilled_as_typed(self, client, world, visit):
        client.force_login(world.kader_a)
        html = self.page(client, visit)
        assert 'name="berat_kg" value="9,5"' in html
        assert 'name="tinggi_cm" value="75"' in html

    def test_ganti_with_the_prefilled_length_keeps_it(self, client, world, visit):
        client.force_login(world.kader_a)
        url = reverse("sesi:kunjungan", args=[visit.public_id])
        typed = {"berat_kg": "9,8", "tinggi_cm": "75", "cara_ukur": "terlentang"}
        asked = client.post(url, typed).content.decode()
        top = asked.index('id="sama-hari"')
        assert top < asked.index('id="langkah-2"')  # the question is at the top
        assert "9,5 kg · 75 cm" in asked and "Pengukuran baru: 9,8 kg · 75 cm" in asked
        assert 'form="ukur" name="ulang" value="ganti"' in asked
        assert 'name="tinggi_cm" value="75"' in asked  # kept through the question
        assert client.post(url, {**typed, "ulang": "ganti"}).status_code == 302
        live = Pengukuran.objects.get(sasaran=visit.sasaran)
        assert (live.berat_kg, live.tinggi_cm) == (Decimal("9.8"), Decimal("75"))

    def test_a_new_measurement_without_length_says_so(self, client, world, visit):
        client.force_login(world.kader_a)
        url = reverse("sesi:kunjungan", args=[visit.public_id])
        asked = client.post(url, {"berat_kg": "9,8"}).content.decode()
        assert "Pengukuran baru tidak berisi 75 cm" in asked
        assert Pengukuran.objects.filter(sasaran=visit.sasaran).count() == 1


def test_decimals_read_as_typed_in_history_and_person_page(client, world, visit):
    """One number format (issue 11 review): "9,5", never "9.50", in the visit's entries and
    on the person page, as in the result box."""
    client.force_login(world.kader_a)
    visit_page = client.get(reverse("sesi:kunjungan", args=[visit.public_id])).content.decode()
    entries = visit_page[visit_page.index('id="koreksi"') :]
    assert "9,5" in entries and "9.50" not in entries and "75.00" not in entries
    person = reverse("sasaran:detail", args=[visit.sasaran.public_id])
    person_page = client.get(person).content.decode()
    assert '<td class="num">9,5</td>' in person_page and "9.50" not in person_page
