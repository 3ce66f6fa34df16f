"""The kader list: level, basic skills and training history where recorded (issue 7, SDM)."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

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
