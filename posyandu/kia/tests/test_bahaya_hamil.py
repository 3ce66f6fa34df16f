"""A pregnant woman's danger values are flagged at once with a same-day referral suggestion,
and the high-blood-pressure task is due the same day (issue 11, section 3). Her blood
pressure is typed once, in the measurement, and read by the ANC panel."""

from datetime import date, timedelta

from django.urls import reverse

from posyandu.kia import rules_kia, selectors
from posyandu.kia.models import KunjunganAnc
from posyandu.kia.services import anc_record, pregnancy_register
from posyandu.rujukan.rules import reason_label
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.services import measurement_record
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory
from posyandu.tugas.models import Tugas
from tests.clock import TODAY


def pregnant(world):
    woman = SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Ibu Sari",
        jenis_kelamin="P",
        tanggal_lahir=date(1996, 4, 2),
    )
    kehamilan = pregnancy_register(
        sasaran=woman, tanggal_daftar=TODAY, by=None, hpht=TODAY - timedelta(weeks=30)
    )
    return woman, kehamilan


def test_165_112_is_severe_refer_today_with_a_task_due_today(
    client, world, django_capture_on_commit_callbacks
):
    woman, kehamilan = pregnant(world)
    sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=TODAY)
    kunjungan = KunjunganFactory.create(sesi=sesi, sasaran=woman)
    with django_capture_on_commit_callbacks(execute=True):
        measurement_record(
            sasaran=woman,
            tanggal=TODAY,
            by=None,
            kunjungan=kunjungan,
            berat_kg=60,
            lila_cm=24,
            sistole=165,
            diastole=112,
        )
    flags = selectors.danger_today(woman, TODAY)
    assert [(f.code, f.urgent, f.detail) for f in flags] == [
        ("hipertensi_berat", True, "165/112 mmHg")
    ]
    assert flags[0].label == (
        "Tekanan darah sangat tinggi (>= 160/110 mmHg): rujuk hari ini, segera"
    )

    client.force_login(world.kader_a)
    page = client.get(reverse("sesi:kunjungan", args=[kunjungan.public_id])).content.decode()
    assert "Bahaya: rujuk ke Puskesmas hari ini, segera" in page
    referral = reverse("rujukan:new", args=[woman.public_id])
    assert f"{referral}?aturan=kia:hipertensi_berat&kunjungan={kunjungan.public_id}" in page
    # typed once: the ANC form shows the measured pressure instead of asking again
    assert "Tekanan darah (dari pengukuran hari ini): <strong>165/112 mmHg</strong>" in page
    assert 'name="sistole"' not in page.split('id="kia-panel"')[1].split("</form>")[0]
    # the referral form opens with the reason in words
    assert reason_label("kia:hipertensi_berat").startswith("Tekanan darah sangat tinggi")

    task = Tugas.objects.get(sasaran=woman, aturan="hipertensi_belum_dirujuk")
    assert (task.status, task.jatuh_tempo) == ("terbuka", TODAY)  # due today, not "Nanti"

    # the ANC visit saved from the panel takes the measured pressure (risk: hipertensi)
    anc_record(kehamilan=kehamilan, tanggal=TODAY, by=None, kunjungan=kunjungan)
    visit = KunjunganAnc.objects.get(kehamilan=kehamilan)
    assert (visit.sistole, visit.diastole) == (165, 112)
    kehamilan.refresh_from_db()
    assert "hipertensi" in kehamilan.risiko


def test_flags_by_value():
    def codes(**values):
        return [(f.code, f.urgent) for f in rules_kia.danger_flags(**values)]

    assert codes(sistole=140, diastole=85) == [("hipertensi", False)]
    assert codes(sistole=139, diastole=90) == [("hipertensi", False)]
    assert codes(sistole=139, diastole=89) == []
    assert codes(sistole=150, diastole=110) == [("hipertensi_berat", True)]  # not both
    assert codes(lila_cm=23.4) == [("kek", False)]
    assert codes(lila_cm=23.5) == []
    assert codes(lila_cm=22, signs=["perdarahan", "unknown"]) == [
        ("perdarahan", True),
        ("kek", False),
    ]
    flag = rules_kia.danger_flags(lila_cm=22.5)[0]
    assert (flag.label, flag.detail) == ("KEK (LiLA < 23,5 cm): rujuk hari ini", "LiLA 22,5 cm")


def test_danger_sign_ticked_in_the_measurement_is_flagged(world):
    woman, _k = pregnant(world)
    measurement_record(
        sasaran=woman, tanggal=TODAY, by=None, berat_kg=60, tanda_bahaya=["bengkak_sakit_kepala"]
    )
    flags = selectors.danger_today(woman, TODAY)
    assert [(f.code, f.urgent) for f in flags] == [("bengkak_sakit_kepala", True)]
    assert flags[0].label.startswith("Bengkak kaki/tangan/wajah")


def test_165_112_is_said_in_the_result_box_above_next(client, world):
    """Issue 11 review (360 px): the danger and "Create referral" sit in the result box at
    the top, above "Berikutnya", not only in the ANC panel far below."""
    woman, _kehamilan = pregnant(world)
    sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=TODAY)
    kunjungan = KunjunganFactory.create(sesi=sesi, sasaran=woman)
    measurement_record(
        sasaran=woman,
        tanggal=TODAY,
        by=None,
        kunjungan=kunjungan,
        berat_kg=55.5,
        lila_cm=24,
        sistole=165,
        diastole=112,
    )
    client.force_login(world.kader_a)
    page = client.get(reverse("sesi:kunjungan", args=[kunjungan.public_id])).content.decode()
    box = page.index('id="kia-bahaya-hasil"')
    assert page.index('class="result card"') < box < page.index('id="langkah-2"')
    in_box = page[box : page.index("</div>", box)]
    assert "Bahaya: rujuk ke Puskesmas hari ini, segera" in in_box
    assert "&gt;= 160/110 mmHg" in in_box and "?aturan=kia:hipertensi_berat&kunjungan=" in in_box
    assert 'id="kia-bahaya"' in page  # the ANC panel keeps its own
    next_link = page.find("Berikutnya")
    assert next_link == -1 or box < next_link
