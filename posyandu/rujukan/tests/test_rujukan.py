"""Referrals: services, views and API, with scope (kader, Puskesmas, another kecamatan)."""

from datetime import date

import pytest
from django.urls import reverse

from posyandu.accounts.models import Role
from posyandu.accounts.scope import can_answer_referrals as can_give_feedback
from posyandu.accounts.tests.factories import user_with_role
from posyandu.rujukan.models import Rujukan
from posyandu.rujukan.rules import reason_label, reasons_text
from posyandu.rujukan.services import referral_create, referral_feedback
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory

API = "/api/v1/rujukan"


@pytest.fixture
def anak(world):
    return SasaranFactory.create(
        nama="Rafi", posyandu=world.posyandu_a, tanggal_lahir=date(2025, 1, 15)
    )


@pytest.fixture
def pkm_2_staff(world):
    """Puskesmas staff of kecamatan 14.71.02 (another kecamatan than Posyandu Melati)."""
    return user_with_role(Role.PUSKESMAS, "pkm_2", puskesmas=world.puskesmas_2)


# --- rules and services ------------------------------------------------------------------


def test_reason_words():
    assert reasons_text(["2T", "tanda_bahaya"]) == (
        f"{reason_label('2T')}; {reason_label('tanda_bahaya')}"
    )
    assert reason_label("unknown_code") == "unknown_code"


def test_screening_rule_codes_are_shown_in_words():
    from django.utils import translation

    with translation.override("id"):
        assert reason_label("td_dewasa:ht_3") == "Tekanan darah (dewasa): Hipertensi derajat 3"
    with translation.override("en"):
        assert reason_label("td_dewasa:ht_3") == "Blood pressure (adult): Hypertension grade 3"
    assert reason_label("td_dewasa:no_such_category") == "td_dewasa:no_such_category"
    assert reason_label("no_such_definition:x") == "no_such_definition:x"


def test_create_defaults_to_the_posyandus_puskesmas_and_pustu(world, anak):
    r = referral_create(
        sasaran=anak, alasan="  2T  ", aturan=["2T"], by=world.kader_a, tanggal=date(2026, 3, 10)
    )
    assert (r.tujuan_puskesmas, r.tujuan_pustu) == (world.puskesmas_1, world.posyandu_a.pustu)
    assert (r.alasan, r.aturan, r.status, r.dibuat_oleh) == ("2T", ["2T"], "dikirim", world.kader_a)


def test_create_needs_a_reason(world, anak):
    with pytest.raises(ValueError):
        referral_create(sasaran=anak, alasan="  ", by=world.kader_a, tanggal=date(2026, 3, 10))


def test_feedback_has_a_structured_outcome(world, anak):
    r = referral_create(sasaran=anak, alasan="x", by=None, tanggal=date(2026, 3, 10))
    with pytest.raises(ValueError, match="Pilih hasil"):
        referral_feedback(rujukan=r, hasil="", umpan_balik="x", by=None, tanggal=date(2026, 3, 12))
    with pytest.raises(ValueError, match="saran untuk kader"):
        referral_feedback(
            rujukan=r, hasil="rujuk_balik", umpan_balik="x", by=None, tanggal=date(2026, 3, 12)
        )
    with pytest.raises(ValueError, match="sebelum tanggal rujukan"):
        referral_feedback(
            rujukan=r, hasil="ditangani", umpan_balik="x", by=None, tanggal=date(2026, 3, 9)
        )
    with pytest.raises(ValueError):
        referral_feedback(
            rujukan=r, hasil="ditangani", umpan_balik=" ", by=None, tanggal=date(2026, 3, 20)
        )
    referral_feedback(
        rujukan=r,
        hasil="rujuk_balik",
        umpan_balik="Gizi kurang, PMT 90 hari",
        saran_kader="Timbang tiap 2 minggu",
        by=world.puskesmas_staff,
        tanggal=date(2026, 3, 12),
    )
    r.refresh_from_db()
    assert (r.status, r.hasil, r.saran_kader, r.tanggal_umpan_balik) == (
        "selesai",
        "rujuk_balik",
        "Timbang tiap 2 minggu",
        date(2026, 3, 12),
    )


def test_who_may_answer(world):
    assert can_give_feedback(world.puskesmas_staff) and can_give_feedback(world.bidan_1)
    assert not can_give_feedback(world.kader_a) and not can_give_feedback(world.outsider)


# --- views -------------------------------------------------------------------------------


def test_kader_creates_puskesmas_answers_kader_sees_feedback(client, world, anak, pkm_2_staff):
    client.force_login(world.kader_a)
    url = reverse("rujukan:new", args=[anak.public_id]) + "?aturan=2T"
    response = client.post(
        url, {"alasan": "Tidak naik 2 bulan", "aturan": "2T", "tujuan": "puskesmas"}
    )
    r = Rujukan.objects.get(sasaran=anak)
    assert response.url == reverse("sasaran:detail", args=[anak.public_id])
    assert (r.aturan, r.tujuan_pustu, r.tujuan_puskesmas) == (["2T"], None, world.puskesmas_1)
    detail = reverse("rujukan:detail", args=[r.public_id])
    # the kader cannot answer her own referral
    assert client.post(detail, {"hasil": "ditangani", "umpan_balik": "x"}).status_code == 403

    client.force_login(pkm_2_staff)  # Puskesmas of another kecamatan sees nothing
    assert client.get(detail).status_code == 404
    assert "Rafi" not in client.get(reverse("rujukan:list")).content.decode()

    client.force_login(world.puskesmas_staff)
    assert "Rafi" in client.get(reverse("rujukan:list")).content.decode()
    client.post(detail, {"hasil": "ditangani", "umpan_balik": "Gizi kurang, PMT"})
    r.refresh_from_db()
    assert (r.status, r.umpan_balik, r.dijawab_oleh) == (
        "selesai",
        "Gizi kurang, PMT",
        world.puskesmas_staff,
    )

    client.force_login(world.kader_a)
    assert "Gizi kurang, PMT" in client.get(detail).content.decode()
    assert (
        "Gizi kurang, PMT"
        in client.get(reverse("sasaran:detail", args=[anak.public_id])).content.decode()
    )


def test_referral_to_pustu(client, world, anak):
    client.force_login(world.kader_a)
    client.post(reverse("rujukan:new", args=[anak.public_id]), {"alasan": "x", "tujuan": "pustu"})
    assert Rujukan.objects.get().tujuan_pustu == world.posyandu_a.pustu


def test_kader_of_another_posyandu_gets_404(client, world, anak):
    r = referral_create(sasaran=anak, alasan="x", by=None, tanggal=date(2026, 3, 10))
    client.force_login(world.kader_s)
    assert client.get(reverse("rujukan:detail", args=[r.public_id])).status_code == 404
    assert client.get(reverse("rujukan:new", args=[anak.public_id])).status_code == 404
    assert (
        client.post(
            reverse("rujukan:new", args=[anak.public_id]), {"alasan": "x", "tujuan": "puskesmas"}
        ).status_code
        == 404
    )
    assert Rujukan.objects.count() == 1


# --- API ---------------------------------------------------------------------------------


def test_api_create_list_feedback(client, world, anak, pkm_2_staff):
    client.force_login(world.kader_a)
    body = {
        "sasaran_id": str(anak.public_id),
        "alasan": "BB/U < -3 SD",
        "aturan": ["bb_u_below_-3sd"],
        "tanggal": "2026-03-10",
    }
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert created["tujuan_puskesmas"] == world.puskesmas_1.nama and created["tujuan_pustu"] is None
    assert (created["status"], created["tanggal"]) == ("dikirim", "2026-03-10")
    assert [r["id"] for r in client.get(API).json()] == [created["id"]]
    answer = f"{API}/{created['id']}/umpan-balik"
    assert (
        client.post(
            answer, {"hasil": "ditangani", "umpan_balik": "x"}, content_type="application/json"
        ).status_code
        == 403
    )

    client.force_login(pkm_2_staff)
    assert client.get(API).json() == []
    assert client.get(f"{API}/{created['id']}").status_code == 404
    assert (
        client.post(
            answer, {"hasil": "ditangani", "umpan_balik": "x"}, content_type="application/json"
        ).status_code
        == 404
    )

    client.force_login(world.puskesmas_staff)
    assert [r["id"] for r in client.get(API, {"status": "terbuka"}).json()] == [created["id"]]
    response = client.post(
        answer, {"hasil": "ditangani", "umpan_balik": "Dirawat"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "selesai"
    assert client.get(API, {"status": "terbuka"}).json() == []

    client.force_login(world.kader_a)
    seen = client.get(f"{API}/{created['id']}").json()
    assert (seen["umpan_balik"], seen["status"]) == ("Dirawat", "selesai")


def test_api_refuses_people_out_of_scope_and_empty_reasons(client, world, anak):
    client.force_login(world.kader_s)
    body = {"sasaran_id": str(anak.public_id), "alasan": "x"}
    assert client.post(API, body, content_type="application/json").status_code == 404
    client.force_login(world.kader_a)
    body["alasan"] = "  "
    assert client.post(API, body, content_type="application/json").status_code == 422
    client.force_login(world.outsider)
    assert client.get(API).status_code == 403
    assert not Rujukan.objects.exists()


def test_api_to_pustu_only_when_the_posyandu_has_one(client, world):
    client.force_login(world.bidan_1)
    no_pustu = SasaranFactory.create(posyandu=world.posyandu_a2)
    body = {"sasaran_id": str(no_pustu.public_id), "alasan": "x", "ke_pustu": True}
    assert client.post(API, body, content_type="application/json").status_code == 422


def test_a_referral_from_a_visit_takes_the_session_date_and_returns_to_it(client, world, anak):
    """The visit is found through core.registry (sesi registers the lookup)."""
    k = KunjunganFactory.create(sesi=SesiFactory.create(posyandu=world.posyandu_a), sasaran=anak)
    client.force_login(world.kader_a)
    url = reverse("rujukan:new", args=[anak.public_id]) + f"?aturan=2T&kunjungan={k.public_id}"
    response = client.post(url, {"alasan": "2T", "tujuan": "puskesmas", "aturan": "2T"})
    assert response.url == reverse("sesi:kunjungan", args=[k.public_id])
    assert Rujukan.objects.get().tanggal == k.sesi.tanggal == date(2026, 3, 10)


# --- what the clinician sees, outcomes, escalation ---------------------------------------


def test_incoming_referral_shows_what_a_clinician_needs(client, world):
    from decimal import Decimal

    from posyandu.sesi.services import measurement_record

    child = SasaranFactory.create(
        nama="Dewi",
        posyandu=world.posyandu_a,
        tanggal_lahir=date(2025, 7, 16),  # 14 months on the test day (2026-09-16)
        jenis_kelamin="P",
        telepon="081234567890",
    )
    measurement_record(
        sasaran=child,
        tanggal=date(2026, 9, 10),
        by=world.kader_a,
        berat_kg=Decimal("6.9"),
        tinggi_cm=Decimal("72.0"),
        cara_ukur="terlentang",
    )
    r = referral_create(
        sasaran=child,
        alasan="BB/U sangat kurang",
        aturan=["bb_u_below_-3sd"],
        by=world.kader_a,
        tanggal=date(2026, 9, 10),
    )
    client.force_login(world.puskesmas_staff)
    html = client.get(reverse("rujukan:detail", args=[r.public_id])).content.decode()
    assert "14 bulan" in html
    assert "6,9 kg" in html and "72,0 cm" in html
    assert "081234567890" in html
    assert "Berat badan menurut umur" in html or "BB/U" in html
    p = child.pengukuran.get()
    assert f"z {p.zwei:.2f}".replace(".", ",") in html  # the z-score, 2 decimals, comma
    assert "BB/U sangat kurang" in html
    # No outcome is preselected.
    assert 'value="ditangani" checked' not in html and "checked" not in html.split("<form")[-1]


def test_pregnancy_week_and_adult_age_in_years(client, world):
    from posyandu.kia.services import pregnancy_register

    ibu = SasaranFactory.create(
        nama="Bu Sari",
        posyandu=world.posyandu_a,
        tanggal_lahir=date(1987, 3, 1),
        jenis_kelamin="P",
    )
    pregnancy_register(
        sasaran=ibu, hpht=date(2026, 3, 4), tanggal_daftar=date(2026, 9, 1), by=world.bidan_1
    )
    r = referral_create(
        sasaran=ibu, alasan="TD 165/112", by=world.bidan_1, tanggal=date(2026, 9, 16)
    )
    client.force_login(world.puskesmas_staff)
    html = client.get(reverse("rujukan:detail", args=[r.public_id])).content.decode()
    assert "39 tahun" in html and "474 bulan" not in html
    person_page = client.get(reverse("sasaran:detail", args=[ibu.public_id])).content.decode()
    assert "39 tahun" in person_page and "474 bulan" not in person_page
    # HPHT 04-03-2026: HPL 11-12-2026 (Naegele), so 280 - 86 days = 27 weeks 5 days on 16-09.
    assert "27 minggu 5 hari (HPL 11-12-2026)" in html


def test_kader_sees_the_outcome_and_what_to_do_next(client, world, anak):
    r = referral_create(sasaran=anak, alasan="2T", by=world.kader_a, tanggal=date(2026, 9, 1))
    client.force_login(world.puskesmas_staff)
    detail = reverse("rujukan:detail", args=[r.public_id])
    page = client.post(detail, {"hasil": "rujuk_balik", "umpan_balik": "Gizi kurang"})
    assert page.status_code == 200  # advice missing: the form explains it
    assert "Tuliskan apa yang harus dilakukan kader" in page.content.decode()
    client.post(
        detail,
        {"hasil": "rujuk_balik", "umpan_balik": "Gizi kurang", "saran_kader": "PMT 90 hari"},
    )
    client.force_login(world.kader_a)
    html = client.get(detail).content.decode()
    assert "Dirujuk balik dengan saran untuk kader" in html and "PMT 90 hari" in html
    assert "ikuti saran Puskesmas" in html
    listed = client.get(reverse("rujukan:list") + "?status=semua").content.decode()
    assert "PMT 90 hari" in listed


def test_no_feedback_after_seven_days_escalates(client, world, anak):
    from posyandu.rujukan.selectors import overdue

    late = referral_create(sasaran=anak, alasan="2T", by=world.kader_a, tanggal=date(2026, 9, 9))
    fresh = referral_create(sasaran=anak, alasan="BGM", by=world.kader_a, tanggal=date(2026, 9, 10))
    # 2026-09-16: the first is 7 days old, the second 6.
    assert list(overdue(Rujukan.objects.all(), date(2026, 9, 16))) == [late]
    client.force_login(world.puskesmas_staff)
    page = client.get(reverse("rujukan:list")).content.decode()
    assert "tanpa umpan balik &gt; 7 hari" in page or "tanpa umpan balik > 7 hari" in page
    only_late = client.get(reverse("rujukan:list") + "?status=terlambat")
    assert [r.pk for r in only_late.context["page"]] == [late.pk]
    detail = client.get(reverse("rujukan:detail", args=[late.public_id])).content.decode()
    assert 'id="rujukan-terlambat"' in detail
    # A day later the second one is escalated too; an answered one never is.
    referral_feedback(
        rujukan=late,
        hasil="tidak_datang",
        umpan_balik="Tidak datang",
        by=None,
        tanggal=date(2026, 9, 17),
    )
    assert set(overdue(Rujukan.objects.all(), date(2026, 9, 17))) == {fresh}
