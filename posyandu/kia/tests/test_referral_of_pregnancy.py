"""A pregnant woman referred for a severe danger value (issue 11, review): the form sends her
to the Puskesmas by default, the referral page says the reason once and shows her known
pregnancy risks (KEK, anaemia) with the values behind them."""

import re
from datetime import date, timedelta

from django.urls import reverse

from posyandu.core.rules import load_rule
from posyandu.kia.services import anc_record, pregnancy_register
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.tests.factories import SasaranFactory
from tests.clock import TODAY


def _pregnant_with_kek_and_anaemia(world):
    woman = SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Ibu Sari",
        jenis_kelamin="P",
        tanggal_lahir=date(1996, 4, 2),
    )
    kehamilan = pregnancy_register(
        sasaran=woman, tanggal_daftar=TODAY, by=None, hpht=TODAY - timedelta(weeks=30)
    )
    anc_record(kehamilan=kehamilan, tanggal=TODAY, by=None, lila_cm=23.4, hb=9.8)
    return woman


def _selected_destination(page: str) -> str:
    match = re.search(r'<option value="(\w+)"[^>]*selected', page) or re.search(
        r'value="(\w+)"[^>]*checked', page
    )
    assert match, page
    return match.group(1)


def test_severe_hypertension_is_referred_to_the_puskesmas_by_default(client, world):
    woman = _pregnant_with_kek_and_anaemia(world)
    client.force_login(world.kader_a)
    url = reverse("rujukan:new", args=[woman.public_id])
    assert world.posyandu_a.pustu is not None  # the Pustu is offered, but not preselected
    page = client.get(f"{url}?aturan=kia:hipertensi_berat").content.decode()
    assert _selected_destination(page) == "puskesmas"
    # a plain high pressure (not severe) still goes to the nearer Pustu by default
    page = client.get(f"{url}?aturan=kia:hipertensi").content.decode()
    assert _selected_destination(page) == "pustu"


def test_every_urgent_pregnancy_danger_goes_to_the_puskesmas():
    """kia/rules/bahaya_hamil.json marks what is segera; rujukan's rule data must agree."""
    danger = load_rule("kia", "bahaya_hamil").data
    urgent = {f"kia:{r['code']}" for r in danger["nilai"] if r["segera"]}
    urgent |= {f"kia:{s['code']}" for s in danger["tanda_bahaya"]}  # every sign is urgent
    to_puskesmas = set(load_rule("rujukan", "rujukan").data["tujuan"]["ke_puskesmas"])
    assert urgent <= to_puskesmas
    assert not {f"kia:{r['code']}" for r in danger["nilai"] if not r["segera"]} & to_puskesmas


def test_referral_page_says_the_reason_once_and_shows_kek_and_anaemia(client, world):
    woman = _pregnant_with_kek_and_anaemia(world)
    client.force_login(world.kader_a)
    url = reverse("rujukan:new", args=[woman.public_id])
    form = client.get(f"{url}?aturan=kia:hipertensi_berat").content.decode()
    textarea = re.search(r"<textarea[^>]*>\s*([^<]*)</textarea>", form)
    assert textarea is not None
    alasan = textarea.group(1).strip()
    response = client.post(
        f"{url}?aturan=kia:hipertensi_berat",
        {"alasan": alasan, "aturan": "kia:hipertensi_berat", "tujuan": "puskesmas"},
    )
    assert response.status_code == 302
    rujukan = Rujukan.objects.get(sasaran=woman)
    assert rujukan.tujuan_pustu is None
    assert rujukan.tujuan_puskesmas == world.puskesmas_1

    client.force_login(world.puskesmas_staff)
    page = client.get(reverse("rujukan:detail", args=[rujukan.public_id])).content.decode()
    glance = page.split('id="rujukan-klinis"')[1].split("</section>")[0]
    assert glance.count("Tekanan darah sangat tinggi (&gt;= 160/110 mmHg)") == 1
    assert "<dt>KEK (LiLA &lt; 23,5 cm)</dt><dd>LiLA (cm) 23,4</dd>" in glance
    assert "<dt>Anemia (Hb &lt; 11 g/dL)</dt><dd>Hb (g/dL) 9,8</dd>" in glance
