"""Issue 16, the data subject: a copy of their record (PDF), corrections recorded in the
record's history, consent withdrawn, and the retention rule for people who moved or died."""

import io
from datetime import date

from django.core.management import call_command
from django.urls import reverse

from posyandu.audit.models import AuditEvent
from posyandu.sasaran.models import Persetujuan, Sasaran
from posyandu.sasaran.salinan import changes, related_records
from posyandu.sasaran.selectors import has_consent
from posyandu.sasaran.tests.factories import PersetujuanFactory, SasaranFactory
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory


def test_copy_of_the_record_as_pdf_is_audited_and_scoped(client, world):
    person = SasaranFactory.create(posyandu=world.posyandu_a, nik="1471011708900003")
    PersetujuanFactory.create(sasaran=person, diberikan_oleh="Rina")
    KunjunganFactory.create(sasaran=person, sesi=SesiFactory.create(posyandu=world.posyandu_a))
    client.force_login(world.kader_a)
    response = client.get(reverse("sasaran:salinan", args=[person.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="data_request")
    assert event.metadata["kind"] == "copy" and event.object_id == str(person.public_id)
    # every kind of record pointing at the person is in the copy
    kinds = {title: len(rows) for title, rows in related_records(person)}
    assert kinds[str(Persetujuan._meta.verbose_name_plural)] == 1
    assert any(n == 1 for title, n in kinds.items() if title != "consents")
    client.force_login(world.kader_s)
    assert client.get(reverse("sasaran:salinan", args=[person.public_id])).status_code == 404


def test_corrections_are_in_the_history_of_the_record(client, world):
    person = SasaranFactory.create(posyandu=world.posyandu_a)
    person.telepon = "08123456789"
    person.save()
    history = changes(person)
    assert [e.action for e in history] == ["create", "update"]
    assert history[1].metadata["fields"] == ["telepon"]
    client.force_login(world.kader_a)
    page = client.get(reverse("sasaran:detail", args=[person.public_id])).content.decode()
    assert "telepon" in page


def test_consent_can_be_withdrawn(client, world):
    person = SasaranFactory.create(posyandu=world.posyandu_a)
    consent = PersetujuanFactory.create(sasaran=person, tujuan=["pelayanan", "kontak"])
    assert has_consent(person, "kontak")
    client.force_login(world.kader_s)  # another region: not found
    url = reverse("sasaran:consent_withdraw", args=[consent.public_id])
    assert client.post(url).status_code == 404
    client.force_login(world.kader_a)
    assert client.post(url).status_code == 302
    consent.refresh_from_db()
    assert consent.dicabut == date(2026, 9, 16)
    assert not has_consent(person, "kontak") and not has_consent(person, "pelayanan")
    event = AuditEvent.objects.get(action="data_request")
    assert event.metadata == {"kind": "consent_withdrawn", "tujuan": ["pelayanan", "kontak"],
                              "via": "web"}  # fmt: skip


def test_retention_removes_identifiers_of_people_gone_long_ago(world, settings):
    settings.RETENTION_YEARS_AFTER_LEAVING = 10
    old = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Almarhum", nik="1471011708900003", telepon="0812",
        nama_ibu="Ibu X", status="meninggal", status_sejak=date(2016, 9, 1),
        tanggal_lahir=date(1950, 1, 1),
    )  # fmt: skip
    PersetujuanFactory.create(sasaran=old, diberikan_oleh="Anak Almarhum")
    recent = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Pindahan", status="pindah", status_sejak=date(2020, 1, 1)
    )
    active = SasaranFactory.create(posyandu=world.posyandu_a, nama="Aktif")
    out = io.StringIO()
    call_command("retensi", stdout=out)
    assert out.getvalue().startswith("1 orang") and Sasaran.objects.filter(nama="Almarhum")
    call_command("retensi", "--apply", stdout=io.StringIO())
    old.refresh_from_db()
    assert (old.nama, old.nik, old.telepon, old.nama_ibu) == ("(dihapus: masa retensi)", None,
                                                              "", "")  # fmt: skip
    assert old.tanggal_lahir == date(1950, 1, 1) and old.status == "meninggal"
    assert Persetujuan.objects.get(sasaran=old).diberikan_oleh == "-"
    recent.refresh_from_db()
    active.refresh_from_db()
    assert recent.nama == "Pindahan" and active.nama == "Aktif"
    event = AuditEvent.objects.get(action="data_request", metadata__kind="anonymized")
    assert event.object_id == str(old.public_id) and event.metadata["via"] == "command:retensi"
    # again: nothing more to do
    out = io.StringIO()
    call_command("retensi", stdout=out)
    assert out.getvalue().startswith("0 orang")
