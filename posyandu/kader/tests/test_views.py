"""The kader list: level, basic skills and training history where recorded (issue 7, SDM)."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from posyandu.accounts.models import Assignment, Role
from posyandu.audit.models import AuditEvent
from posyandu.kader.models import Kader, PelatihanKader

pytestmark = pytest.mark.django_db


def test_kader_list_shows_level_skills_and_trainings(client, world):
    kader = Kader.objects.create(
        posyandu=world.posyandu_a, nama="Bu Sari", tingkat="madya", keterampilan_dasar=[1, 2, 5]
    )
    PelatihanKader.objects.create(kader=kader, nama="Pelatihan Kader ILP", tanggal=date(2025, 3, 4))
    wrong = PelatihanKader.objects.create(kader=kader, nama="Salah catat", tanggal=date(2025, 1, 1))
    wrong.delete()  # soft delete
    other = Kader.objects.create(posyandu=world.posyandu_c, nama="Bu Lain", tingkat="utama")
    PelatihanKader.objects.create(kader=other, nama="Pelatihan Lain", tanggal=date(2025, 3, 4))

    client.force_login(world.kader_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("kader:list"))
    assert page.status_code == 200
    html = page.content.decode()
    row = html.split("Bu Sari", 1)[1].split("</tr>", 1)[0]
    assert "<td>Madya</td>" in row
    assert '<td class="num">3</td>' in row
    assert "Pelatihan Kader ILP" in row and "04-03-2025" in row
    assert "Salah catat" not in html
    assert "Bu Lain" not in html and "Pelatihan Lain" not in html  # another kecamatan


@pytest.fixture
def named(world):
    """One kader with a phone in each kecamatan of Kota Pekanbaru and one in Seluma."""
    sari = Kader.objects.create(posyandu=world.posyandu_a, nama="Bu Sari", telepon="081234567890",
                                tingkat="madya")  # fmt: skip
    PelatihanKader.objects.create(kader=sari, nama="Pelatihan Kader ILP", tanggal=date(2025, 3, 4))
    Kader.objects.create(posyandu=world.posyandu_c, nama="Bu Lain", telepon="081299990000")
    Kader.objects.create(posyandu=world.posyandu_s, nama="Bu Seluma", telepon="081277770000")
    return sari


def _reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="read", metadata__what="kader.list"))


def test_pokjanal_sees_the_kader_of_its_region_without_contacts(client, world, named):
    client.force_login(world.pokjanal_kec)  # Kecamatan Sukajadi, aggregate access only
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("kader:list"))
    assert page.status_code == 200
    html = page.content.decode()
    row = html.split("Bu Sari", 1)[1].split("</tr>", 1)[0]
    assert "Posyandu Melati" in row and "<td>active</td>" in row and "<td>Madya</td>" in row
    assert "Pelatihan Kader ILP" in row
    assert "Bu Lain" not in html and "Bu Seluma" not in html  # other kecamatan, other kab
    assert "0812" not in html and "Phone" not in html  # no contact data at all
    # world: 2 kader at each of Melati, Mawar, Anggrek (Sukajadi) + Bu Sari = 7 rows, audited.
    assert html.count("<tr><td>") == 7
    (event,) = _reads()
    assert event.actor == world.pokjanal_kec and event.metadata["rows"] == 7
    assert event.metadata["contact"] is False and event.model == "kader.Kader"


def test_pokjanal_with_case_management_sees_contacts(client, world, named):
    Assignment.objects.filter(user=world.pokjanal_kec).update(can_see_personal=True)
    client.force_login(world.pokjanal_kec)
    html = client.get(reverse("kader:list")).content.decode()
    assert "081234567890" in html and "Bu Lain" not in html


def test_kader_still_sees_their_posyandu_and_now_the_phone(client, world, named):
    client.force_login(world.kader_a)
    html = client.get(reverse("kader:list")).content.decode()
    assert "Bu Sari" in html and "081234567890" in html
    assert "Bu Lain" not in html and "Bu Seluma" not in html
    assert html.count("<tr><td>") == 3  # the 2 kader of Melati + Bu Sari
    assert _reads()[0].metadata == {"what": "kader.list", "rows": 3, "page": 1, "contact": True,
                                    "via": "web"}  # fmt: skip


def test_someone_outside_gets_nothing(client, world, named, django_user_model):
    nobody = django_user_model.objects.create_user("tanpa_tugas", password="x")
    client.force_login(nobody)
    assert client.get(reverse("kader:list")).status_code == 403
    client.logout()
    assert client.get(reverse("kader:list")).status_code == 302  # to the login page
    # Another kab/kota's Pokjanal: none of Pekanbaru's kader.
    other = django_user_model.objects.create_user("pokjanal_seluma", password="x")
    Assignment.objects.create(user=other, role=Role.POKJANAL_KABKOTA, wilayah_id="17.05")
    client.force_login(other)
    html = client.get(reverse("kader:list")).content.decode()
    assert "Bu Seluma" in html and "Bu Sari" not in html and "0812" not in html
