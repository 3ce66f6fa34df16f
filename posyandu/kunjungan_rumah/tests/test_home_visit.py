"""Home visits: the service, the form, the API, and scope."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from posyandu.accounts.models import Role
from posyandu.accounts.tests.factories import user_with_role
from posyandu.core.registry import open_tasks_of_people, tasks_closed_by_visit
from posyandu.kunjungan_rumah import checklist
from posyandu.kunjungan_rumah.models import AnggotaDikunjungi, KunjunganRumah
from posyandu.kunjungan_rumah.services import HomeVisitError, MemberInput, home_visit_record
from posyandu.sasaran.models import Keluarga
from posyandu.sesi.models import Pengukuran
from posyandu.tugas.engine import recompute
from posyandu.tugas.models import Tugas
from posyandu.tugas.tests.factories import measure, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_t_child(world):
    """A balita of Posyandu Melati with two T in a row, weighed the last two months."""
    today = timezone.localdate()
    keluarga = Keluarga.objects.create(
        kepala_keluarga="Budi",
        desa_id="14.71.01.1001",
        posyandu=world.posyandu_a,
        alamat="Jl. Melati 3",
    )
    child = person(
        world.posyandu_a, today - timedelta(days=500), nama="Siti Kecil", keluarga=keluarga
    )
    mother = person(
        world.posyandu_a, date(1995, 1, 1), nama="Ibu Siti", jenis_kelamin="P", keluarga=keluarga
    )
    measure(child, today - timedelta(days=32), status_bb="T")
    measure(child, today - timedelta(days=2), status_bb="T")
    recompute(today=today)
    return child, mother


def test_checklist_is_data_with_tb_items():
    assert checklist.version() == "2026.1"
    codes = [i.code for i in checklist.items_for("balita")]
    assert "ditimbang_bulan_ini" in codes and "batuk" in codes
    assert checklist.tb_suspect({"batuk": True, "demam": True})
    assert not checklist.tb_suspect({"batuk": True})
    assert not checklist.tb_suspect({"demam": True, "keringat_malam": True})


def test_visit_closes_the_tasks_it_answers(world, two_t_child):
    child, mother = two_t_child
    task = Tugas.objects.get(sasaran=child, aturan="2t")
    visit = home_visit_record(
        by=world.kader_a,
        posyandu=world.posyandu_a,
        tanggal=timezone.localdate(),
        members=[MemberInput(child, {"batuk": True, "demam": True, "bogus": True})],
        temuan="Anak susah makan",
        tugas=[task],
    )
    task.refresh_from_db()
    assert task.status == "selesai" and task.cara_selesai == "kunjungan_rumah"
    assert task.kunjungan_rumah == visit and task.selesai_pada == timezone.localdate()
    member = AnggotaDikunjungi.objects.get(kunjungan=visit)
    assert member.ceklis["batuk"] is True and "bogus" not in member.ceklis
    assert member.tahap == "balita" and member.ceklis_versi == "2026.1"


def test_visit_with_nobody_home_closes_nothing(world, two_t_child):
    child, _ = two_t_child
    task = Tugas.objects.get(sasaran=child, aturan="2t")
    home_visit_record(
        by=world.kader_a, posyandu=world.posyandu_a, tanggal=timezone.localdate(),
        members=[MemberInput(child)], bertemu=False, tugas=[task],
    )  # fmt: skip
    task.refresh_from_db()
    assert task.status == "terbuka"


def test_home_measurement_uses_the_growth_engine(
    world, two_t_child, django_capture_on_commit_callbacks
):
    child, _ = two_t_child
    with django_capture_on_commit_callbacks(execute=True):
        visit = home_visit_record(
            by=world.kader_a,
            posyandu=world.posyandu_a,
            tanggal=timezone.localdate(),
            members=[
                MemberInput(
                    child,
                    measurement={
                        "berat_kg": Decimal("10.5"),
                        "tinggi_cm": Decimal("80.0"),
                        "cara_ukur": "terlentang",
                    },
                )
            ],
        )
    m = AnggotaDikunjungi.objects.get(kunjungan=visit).pengukuran
    assert m is not None
    assert m.sumber == Pengukuran.Sumber.KUNJUNGAN_RUMAH and m.berat_kg == Decimal("10.5")
    assert m.zwei is not None and m.mesin_versi and m.kategori  # same engine as the Posyandu day


def test_errors_are_clear(world, two_t_child):
    child, _ = two_t_child
    with pytest.raises(HomeVisitError, match="masa depan"):
        home_visit_record(
            by=world.kader_a,
            posyandu=world.posyandu_a,
            tanggal=timezone.localdate() + timedelta(days=1),
            members=[MemberInput(child)],
        )
    with pytest.raises(HomeVisitError, match="minimal satu"):
        home_visit_record(
            by=world.kader_a, posyandu=world.posyandu_a, tanggal=timezone.localdate(), members=[]
        )
    with pytest.raises(HomeVisitError, match="bukan sasaran"):
        home_visit_record(
            by=world.kader_a,
            posyandu=world.posyandu_b,
            tanggal=timezone.localdate(),
            members=[MemberInput(child)],
        )


class TestForm:
    def test_kader_records_a_visit_from_a_task(self, client, world, two_t_child):
        child, mother = two_t_child
        task = Tugas.objects.get(sasaran=child, aturan="2t")
        client.force_login(world.kader_a)
        url = reverse("kunjungan_rumah:new") + f"?tugas={task.public_id}"
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Siti Kecil" in html and "Ibu Siti" in html and str(task.public_id) in html
        response = client.post(
            url,
            {
                "tanggal": timezone.localdate().isoformat(),
                "bertemu": "on",
                "tindak_lanjut": "rujuk",
                "temuan": "BB tidak naik",
                "tugas": [str(task.public_id)],
                "m0-dikunjungi": "on",
                "m0-c_batuk": "on",
                "m0-berat_kg": "10.2",
            },
        )
        assert response.status_code == 302
        visit = KunjunganRumah.objects.get()
        assert visit.petugas == world.kader_a and visit.keluarga == child.keluarga
        assert [a.sasaran for a in visit.anggota.all()] == [child]
        task.refresh_from_db()
        assert task.status == "selesai" and task.kunjungan_rumah == visit

    def test_bad_input_is_explained_and_kept(self, client, world, two_t_child):
        child, _ = two_t_child
        client.force_login(world.kader_a)
        url = reverse("kunjungan_rumah:new") + f"?sasaran={child.public_id}"
        response = client.post(
            url,
            {
                "tanggal": timezone.localdate().isoformat(),
                "tindak_lanjut": "kunjungan_ulang",
                "m0-dikunjungi": "on",
                "m0-sistole": "150",
                "temuan": "catatan penting",
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "catatan penting" in html
        assert (
            "Isi tekanan sistolik dan diastolik" in html
            or "diastolic" in html.lower()
            or "diastolik" in html
        )
        assert KunjunganRumah.objects.count() == 0

    def test_measurement_errors_are_summarised_and_their_section_opens(
        self, client, world, two_t_child
    ):
        """A height of -5 cm and a height without a position, on a 16-month-old: the summary at
        the top names the fields, the closed "Pengukuran di rumah" section opens, and the
        message is the hard limit's ("Isi nilai antara 45 dan 120 cm"), not Django's."""
        child, mother = two_t_child
        client.force_login(world.kader_a)
        url = reverse("kunjungan_rumah:new") + f"?sasaran={child.public_id}"
        post = {
            "tanggal": timezone.localdate().isoformat(),
            "bertemu": "on",
            "tindak_lanjut": "selesai",
            "m0-dikunjungi": "on",
            "m0-tinggi_cm": "-5",
            "m0-cara_ukur": "terlentang",
            "m1-tinggi_cm": "155",  # the mother: a height without a position
        }
        html = client.post(url, post).content.decode()
        assert KunjunganRumah.objects.count() == 0
        assert (
            "Panjang/tinggi -5 cm tidak mungkin pada umur 16 bulan. "
            "Isi nilai antara 45 dan 120 cm" in html
        )
        assert "lebih besar dari atau sama dengan" not in html
        summary = html[html.index('id="hv-errors"') : html.index("</ul></div>")]
        assert "Periksa isian:" in summary
        assert '<a href="#id_m0-tinggi_cm">Siti Kecil: Panjang/tinggi badan (cm)</a>' in summary
        assert '<a href="#id_m1-cara_ukur">Ibu Siti: Posisi</a>' in summary
        sections = html.split("<details")
        opened = [d for d in sections if "Pengukuran di rumah" in d.split("</summary>")[0]]
        assert len(opened) == 2 and all(d.startswith(" open>") for d in opened)
        # without an error the section stays closed
        page = client.get(url).content.decode()
        assert "<details><summary>Pengukuran di rumah" in page and 'id="hv-errors"' not in page

    def test_other_kader_gets_404(self, client, world, two_t_child):
        child, _ = two_t_child
        task = Tugas.objects.get(sasaran=child, aturan="2t")
        other = user_with_role(Role.KADER, "kader_a2", posyandu=world.posyandu_a2)
        client.force_login(other)
        assert (
            client.get(reverse("kunjungan_rumah:new") + f"?tugas={task.public_id}").status_code
            == 404
        )
        assert (
            client.get(reverse("kunjungan_rumah:new") + f"?sasaran={child.public_id}").status_code
            == 404
        )
        visit = home_visit_record(
            by=world.kader_a,
            posyandu=world.posyandu_a,
            tanggal=timezone.localdate(),
            members=[MemberInput(child)],
        )
        assert (
            client.get(reverse("kunjungan_rumah:detail", args=[visit.public_id])).status_code == 404
        )
        client.force_login(world.kader_a)
        assert (
            client.get(reverse("kunjungan_rumah:detail", args=[visit.public_id])).status_code == 200
        )
        listing = client.get(reverse("kunjungan_rumah:list")).content.decode()
        assert "Siti Kecil" in listing
        # "My tasks" comes from the task provider (tugas) through the registry.
        assert f'href="{reverse("tugas:mine")}"' in listing


class TestApi:
    def test_create_closes_tasks_and_is_scoped(self, client, world, two_t_child):
        child, _ = two_t_child
        task = Tugas.objects.get(sasaran=child, aturan="2t")
        payload = {
            "tanggal": timezone.localdate().isoformat(),
            "anggota": [{"sasaran_id": str(child.public_id), "ceklis": {"batuk": False}}],
            "tugas": [str(task.public_id)],
        }
        client.force_login(world.kader_s)
        response = client.post("/api/v1/kunjungan-rumah", payload, content_type="application/json")
        assert response.status_code == 404
        client.force_login(world.kader_a)
        response = client.post("/api/v1/kunjungan-rumah", payload, content_type="application/json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["tugas_ditutup"] == [str(task.public_id)]
        assert body["anggota"][0]["tahap"] == "balita"
        listing = client.get("/api/v1/kunjungan-rumah").json()
        assert listing["count"] == 1
        client.force_login(world.kader_s)
        assert client.get("/api/v1/kunjungan-rumah").json()["count"] == 0
        assert client.get(f"/api/v1/kunjungan-rumah/{body['id']}").status_code == 404

    def test_measuring_position_is_a_word_and_the_older_letter_arrives(
        self, client, world, two_t_child
    ):
        child, _ = two_t_child
        member = {"sasaran_id": str(child.public_id), "berat_kg": "10.5", "tinggi_cm": "80.0"}
        payload = {"tanggal": timezone.localdate().isoformat()}
        client.force_login(world.kader_a)
        refused = payload | {"anggota": [member | {"cara_ukur": "X"}]}
        url = "/api/v1/kunjungan-rumah"
        assert client.post(url, refused, content_type="application/json").status_code == 422
        sent = payload | {"anggota": [member | {"cara_ukur": "H"}]}
        response = client.post(url, sent, content_type="application/json")
        assert response.status_code == 201, response.content
        m = AnggotaDikunjungi.objects.get(kunjungan__public_id=response.json()["id"]).pengukuran
        assert m is not None and m.cara_ukur == "berdiri"


def test_tasks_of_members_not_seen_stay_open(world, two_t_child):
    """The visit keeps the tasks the visitor ticked; tugas closes only those of the members
    seen (derived data of each member row), and the registry shows what was closed."""
    child, mother = two_t_child
    today = timezone.localdate()
    measure(mother, today - timedelta(days=3), sistole=165, diastole=100)
    recompute(today=today)
    offered = open_tasks_of_people(world.kader_a, [child.pk, mother.pk], today)
    assert {t.sasaran for t in offered} == {child, mother}
    visit = home_visit_record(
        by=world.kader_a,
        posyandu=world.posyandu_a,
        tanggal=today,
        members=[MemberInput(child)],
        tugas=offered,
    )
    assert visit.tugas_dipilih == sorted(str(t.public_id) for t in offered)
    closed = tasks_closed_by_visit(visit)
    assert {t.sasaran for t in closed} == {child}
    assert Tugas.objects.filter(sasaran=mother, status="terbuka").exists()


class TestRujuk:
    """The follow-up "rujuk" of a home visit makes the referral (the day's service)."""

    def test_rujuk_creates_the_referral_and_the_case_stays_listed(self, client, world, two_t_child):
        from posyandu.rujukan.models import Rujukan

        child, mother = two_t_child
        task = Tugas.objects.get(sasaran=child, aturan="2t")
        client.force_login(world.kader_a)
        url = reverse("kunjungan_rumah:new") + f"?tugas={task.public_id}"
        response = client.post(
            url,
            {
                "tanggal": timezone.localdate().isoformat(),
                "bertemu": "on",
                "tindak_lanjut": "rujuk",
                "temuan": "Anak lemas",
                "tugas": [str(task.public_id)],
                "m0-dikunjungi": "on",
                "m1-dikunjungi": "on",
            },
        )
        assert response.status_code == 302
        referral = Rujukan.objects.get()  # the child only: the mother had no ticked task
        assert referral.sasaran == child
        assert (referral.aturan, referral.asal, referral.status) == (
            ["2t"],
            "kunjungan_rumah",
            "dikirim",
        )
        assert referral.tanggal == timezone.localdate()
        assert referral.tujuan_puskesmas == world.puskesmas_1
        assert "Anak lemas" in referral.alasan and "2T" in referral.alasan
        client.force_login(world.puskesmas_staff)
        listed = client.get(reverse("rujukan:list")).content.decode()
        assert "Siti Kecil" in listed

    def test_rujuk_without_a_task_refers_the_person_visited(self, world, two_t_child):
        from posyandu.rujukan.models import Rujukan

        child, mother = two_t_child
        home_visit_record(
            by=world.kader_a,
            posyandu=world.posyandu_a,
            tanggal=timezone.localdate(),
            members=[MemberInput(mother)],
            tindak_lanjut="rujuk",
        )
        referral = Rujukan.objects.get()
        assert referral.sasaran == mother
        assert referral.alasan == f"Dirujuk dari kunjungan rumah {timezone.localdate():%d-%m-%Y}."

    def test_nobody_home_refers_nobody(self, world, two_t_child):
        from posyandu.rujukan.models import Rujukan

        child, _ = two_t_child
        home_visit_record(
            by=world.kader_a,
            posyandu=world.posyandu_a,
            tanggal=timezone.localdate(),
            members=[MemberInput(child)],
            bertemu=False,
            tindak_lanjut="rujuk",
        )
        assert not Rujukan.objects.exists()
