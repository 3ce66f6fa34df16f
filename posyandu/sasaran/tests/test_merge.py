from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from posyandu.audit.models import AuditEvent
from posyandu.rujukan.services import referral_create
from posyandu.sasaran.models import Persetujuan, Sasaran
from posyandu.sasaran.services import MergeError, sasaran_merge
from posyandu.sasaran.tests.factories import PersetujuanFactory, SasaranFactory
from posyandu.sesi.models import Kunjungan, Pengukuran
from posyandu.sesi.services import measurement_record
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory


def _history(person, sesi_dates, world):
    for d in sesi_dates:
        sesi = SesiFactory.create(posyandu=world.posyandu_a, tanggal=d)
        k = KunjunganFactory.create(sesi=sesi, sasaran=person)
        measurement_record(sasaran=person, tanggal=d, by=None, kunjungan=k, berat_kg=8)


def test_merge_loses_nothing(world):
    keep = SasaranFactory.create(
        posyandu=world.posyandu_a, nama="Rizky", tanggal_lahir=date(2025, 1, 5)
    )
    dup = SasaranFactory.create(
        posyandu=world.posyandu_a,
        nama="Rizki",
        tanggal_lahir=date(2025, 1, 5),
        nik="1471010501250001",
    )
    _history(keep, [date(2025, 10, 10), date(2025, 11, 10)], world)
    _history(dup, [date(2025, 12, 10)], world)
    PersetujuanFactory.create(sasaran=keep)
    PersetujuanFactory.create(sasaran=dup)
    referral_create(sasaran=dup, alasan="2T", by=None, tanggal=date(2025, 12, 10))
    child = SasaranFactory.create(posyandu=world.posyandu_a, ibu=dup)
    total = {
        "pengukuran": Pengukuran.objects.count(),
        "kunjungan": Kunjungan.objects.count(),
        "rujukan": 1,
        "persetujuan": Persetujuan.objects.count(),
    }

    moved = sasaran_merge(keep=keep, merged=dup, by=world.bidan_1)

    keep.refresh_from_db()
    dup.refresh_from_db()
    assert keep.pengukuran.count() == total["pengukuran"] == 3
    assert keep.kunjungan.count() == total["kunjungan"] == 3
    assert keep.rujukan.count() == total["rujukan"]
    assert keep.persetujuan.count() == total["persetujuan"] == 2
    assert Sasaran.objects.get(pk=child.pk).ibu_id == keep.pk
    assert dup.status == "digabung" and dup.digabung_ke_id == keep.pk and dup.nik is None
    assert keep.nik == "1471010501250001"
    assert moved["sesi.Pengukuran"] == 1 and moved["rujukan.Rujukan"] == 1
    event = AuditEvent.objects.get(action="merge")
    assert event.object_id == str(keep.public_id)
    assert event.metadata["merged"] == str(dup.public_id)


def test_same_session_checkins_are_combined(world):
    keep = SasaranFactory.create(posyandu=world.posyandu_a)
    dup = SasaranFactory.create(posyandu=world.posyandu_a)
    sesi = SesiFactory.create(posyandu=world.posyandu_a)
    KunjunganFactory.create(sesi=sesi, sasaran=keep)
    k2 = KunjunganFactory.create(sesi=sesi, sasaran=dup)
    measurement_record(sasaran=dup, tanggal=sesi.tanggal, by=None, kunjungan=k2, berat_kg=8)
    sasaran_merge(keep=keep, merged=dup, by=world.admin)
    assert keep.kunjungan.count() == 1
    kunjungan = keep.pengukuran.get().kunjungan
    assert kunjungan is not None
    assert kunjungan.sasaran_id == keep.pk


def test_the_same_task_on_both_records_does_not_break_the_merge(world):
    """Both duplicates of a baby had the same follow-up task (same rule and key): the merge
    used to fail with an IntegrityError (a 500 for the bidan)."""
    from datetime import timedelta

    from posyandu.tugas.models import Tugas

    born = date(2026, 9, 1)
    keep = SasaranFactory.create(posyandu=world.posyandu_a, nama="Putri", tanggal_lahir=born)
    dup = SasaranFactory.create(posyandu=world.posyandu_a, nama="Putri L", tanggal_lahir=born)

    def task(person, kunci):
        start = date(2026, 11, 1)
        return Tugas.objects.create(
            sasaran=person, posyandu=world.posyandu_a, desa_id=person.desa_id,
            aturan="imunisasi_terlambat", aturan_versi="1", kunci=kunci, tanggal_acuan=start,
            mulai=start, jatuh_tempo=start + timedelta(days=7),
            kedaluwarsa=start + timedelta(days=60),
        )  # fmt: skip

    task(keep, "imunisasi:BCG")
    same = task(dup, "imunisasi:BCG")
    other = task(dup, "imunisasi:OPV1")
    measurement_record(sasaran=dup, tanggal=date(2026, 11, 10), by=None, berat_kg=4.2)

    moved = sasaran_merge(keep=keep, merged=dup, by=world.bidan_1)

    assert moved["sesi.Pengukuran"] == 1 and moved["tugas.Tugas"] == 1
    assert Tugas.objects.get(pk=other.pk).sasaran_id == keep.pk
    assert Tugas.objects.get(pk=same.pk).sasaran_id == dup.pk  # kept, with the merged record
    assert Tugas.objects.filter(sasaran=keep).count() == 2
    assert Sasaran.objects.get(pk=dup.pk).status == "digabung"


def test_a_kader_cannot_merge(world):
    a, b = (
        SasaranFactory.create(posyandu=world.posyandu_a),
        SasaranFactory.create(posyandu=world.posyandu_a),
    )
    with pytest.raises(PermissionDenied):
        sasaran_merge(keep=a, merged=b, by=world.kader_a)
    assert Sasaran.objects.get(pk=b.pk).status == "aktif"


def test_two_different_niks_are_not_merged_until_one_is_corrected(client, world):
    keep = SasaranFactory.create(posyandu=world.posyandu_a, nik="1471010501250001")
    dup = SasaranFactory.create(posyandu=world.posyandu_a, nik="1471010501250002")
    with pytest.raises(MergeError):
        sasaran_merge(keep=keep, merged=dup, by=world.bidan_1)
    client.force_login(world.bidan_1)
    url = reverse("sasaran:merge", args=[keep.public_id])
    page = client.post(url, {"lainnya": str(dup.public_id), "yakin": "1"})
    assert page.status_code == 200
    assert (
        "Kedua data memiliki NIK berbeda (1471010501250001 dan 1471010501250002)"
        in page.content.decode()
    )
    dup.refresh_from_db()
    assert (dup.status, dup.nik) == ("aktif", "1471010501250002")
    assert not AuditEvent.objects.filter(action="merge").exists()
