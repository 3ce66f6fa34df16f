"""Every person-level row carries the kab/kota of its person's Posyandu (docs/scaling.md,
phase 2), however it was written, and follows the person to another kab/kota."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from posyandu.core import colocation
from posyandu.core.models import records_create
from posyandu.fasilitas.tests.factories import PosyanduFactory
from posyandu.kia.models import Kehamilan, KunjunganAnc
from posyandu.sasaran.models import Keluarga, Sasaran
from posyandu.sasaran.services import sasaran_merge, sasaran_update
from posyandu.sasaran.tests.factories import KeluargaFactory, SasaranFactory
from posyandu.sesi.models import Kunjungan, LayananDiberikan, Pengukuran, Sesi
from posyandu.sesi.services import measurement_record
from posyandu.sesi.tests.factories import KunjunganFactory, SesiFactory
from posyandu.wilayah.tests.factories import wilayah

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)


def _history(person: Sasaran) -> Kunjungan:
    """A check-in with a weight and a service, and a pregnancy with one ANC contact."""
    sesi = Sesi.objects.get_or_create(posyandu=person.posyandu, tanggal=DAY)[0]
    visit = KunjunganFactory.create(sasaran=person, sesi=sesi)
    measurement_record(sasaran=person, tanggal=DAY, by=None, kunjungan=visit, berat_kg=9)
    LayananDiberikan.objects.create(kunjungan=visit, jenis="Vitamin A")
    pregnancy = Kehamilan.objects.create(
        sasaran=person, tanggal_daftar=DAY, dasar="hpht", hpht=date(2026, 1, 1),
        hpl=date(2026, 10, 8),
    )  # fmt: skip
    KunjunganAnc.objects.create(kehamilan=pregnancy, tanggal=DAY)
    return visit


def _kabkota_of_history(person: Sasaran) -> set[str]:
    visits = Kunjungan.all_objects.filter(sasaran_id=person.pk)
    pregnancies = Kehamilan.all_objects.filter(sasaran_id=person.pk)
    rows = [
        *visits,
        *Pengukuran.all_objects.filter(sasaran_id=person.pk),
        *LayananDiberikan.all_objects.filter(kunjungan_id__in=visits.values("pk")),
        *pregnancies,
        *KunjunganAnc.all_objects.filter(kehamilan_id__in=pregnancies.values("pk")),
    ]
    assert len(rows) == 5
    return {r.kabkota_kode for r in rows}


def test_each_row_takes_the_kabkota_of_what_it_belongs_to():
    person = SasaranFactory.create(posyandu=PosyanduFactory.create(desa=wilayah("14.71.01.1001")))
    _history(person)

    assert person.kabkota_kode == "14.71"
    assert _kabkota_of_history(person) == {"14.71"}
    assert colocation.mismatches() == {}


def test_bulk_writes_fill_the_kabkota_too():
    posyandu = PosyanduFactory.create(desa=wilayah("17.05.02.2003"))
    person = SasaranFactory.create(posyandu=posyandu)
    sesi = SesiFactory.create(posyandu=posyandu)

    # the demo seed's path (QuerySet.bulk_create) and the importers' (records_create)
    Kunjungan.objects.bulk_create([Kunjungan(sesi=sesi, sasaran_id=person.pk)])
    records_create([Pengukuran(sasaran_id=person.pk, tanggal=DAY, berat_kg=9, umur_hari=400)])
    baby = Sasaran(nama="Bayi", jenis_kelamin="P", tanggal_lahir=DAY, posyandu=posyandu)
    baby.desa_id = posyandu.desa_id
    Sasaran.objects.bulk_create([baby])

    assert set(Kunjungan.objects.values_list("kabkota_kode", flat=True)) == {"17.05"}
    assert set(Pengukuran.objects.values_list("kabkota_kode", flat=True)) == {"17.05"}
    assert set(Sasaran.objects.values_list("kabkota_kode", flat=True)) == {"17.05"}


def test_a_person_moved_to_another_kabkota_takes_their_history_along():
    pekanbaru = PosyanduFactory.create(desa=wilayah("14.71.01.1001"))
    seluma = PosyanduFactory.create(desa=wilayah("17.05.02.2003"))
    person = SasaranFactory.create(posyandu=pekanbaru)
    _history(person)
    other = SasaranFactory.create(posyandu=pekanbaru)
    _history(other)

    sasaran_update(sasaran=person, posyandu=seluma)

    person.refresh_from_db()
    assert person.kabkota_kode == "17.05"
    assert _kabkota_of_history(person) == {"17.05"}
    assert _kabkota_of_history(other) == {"14.71"}  # nobody else's rows
    assert colocation.mismatches() == {}


def test_a_merge_gives_what_moved_the_kept_persons_kabkota(world):
    keep = SasaranFactory.create(posyandu=PosyanduFactory.create(desa=wilayah("14.71.01.1001")))
    dup = SasaranFactory.create(posyandu=PosyanduFactory.create(desa=wilayah("14.06.01.2001")))
    _history(dup)

    sasaran_merge(keep=keep, merged=dup, by=world.admin)

    assert _kabkota_of_history(keep) == {"14.71"}
    assert colocation.mismatches() == {}


def test_the_migration_backfill_gives_existing_rows_their_kabkota():
    if colocation.on_citus():
        pytest.skip("migrations run before the placement; a cluster cannot blank the column")
    person = SasaranFactory.create(posyandu=PosyanduFactory.create(desa=wilayah("14.71.01.1001")))
    _history(person)
    KeluargaFactory.create(posyandu=person.posyandu)
    Pengukuran.all_objects.update(kabkota_kode="")
    Kehamilan.all_objects.update(kabkota_kode="")
    KunjunganAnc.all_objects.update(kabkota_kode="")
    Keluarga.all_objects.update(kabkota_kode="")
    assert set(colocation.mismatches()) == {"sesi.Pengukuran", "kia.Kehamilan", "sasaran.Keluarga"}

    with connection.cursor() as cursor:
        for step in (
            colocation.backfill("sasaran_keluarga", "posyandu_id", "fasilitas_posyandu", "desa_id"),
            colocation.backfill("sesi_pengukuran", "sasaran_id", "sasaran_sasaran", "kabkota_kode"),
            colocation.backfill("kia_kehamilan", "sasaran_id", "sasaran_sasaran", "kabkota_kode"),
            colocation.backfill(
                "kia_kunjungananc", "kehamilan_id", "kia_kehamilan", "kabkota_kode"
            ),
        ):
            cursor.execute(str(step.sql))

    assert Pengukuran.all_objects.get().kabkota_kode == "14.71"
    assert Keluarga.all_objects.get().kabkota_kode == "14.71"
    assert colocation.mismatches() == {}


def test_the_chain_below_a_person_is_read_from_the_models():
    below = {(m._meta.label, path) for m, path in colocation.dependents(Sasaran)}

    assert ("sesi.Pengukuran", "sasaran") in below
    assert ("sesi.LayananDiberikan", "kunjungan__sasaran") in below
    assert ("kia.KunjunganNifas", "persalinan__kehamilan__sasaran") in below
    assert ("tugas.Tugas", "sasaran") in below
    # a member seen at a home visit lives with the visit, in the household's kab/kota
    assert not any(label == "kunjungan_rumah.AnggotaDikunjungi" for label, _ in below)
    assert not any(label == "sasaran.Keluarga" for label, _ in below)  # a household, above


def test_a_join_along_the_owner_key_pairs_the_kabkota():
    posyandu = PosyanduFactory.create(desa=wilayah("14.71.01.1001"))
    person = SasaranFactory.create(posyandu=posyandu)
    _history(person)
    through_join = Pengukuran.objects.filter(sasaran__posyandu=posyandu)

    assert '"sasaran_sasaran"."kabkota_kode" = ("sesi_pengukuran"."kabkota_kode")' in str(
        through_join.query
    )
    assert through_join.count() == 1
    if colocation.on_citus():
        return  # a cluster's composite keys refuse the wrong kab/kota written below
    Pengukuran.all_objects.update(kabkota_kode="17.05")  # a row in the wrong kab/kota
    assert through_join.count() == 0  # shows everywhere, as on a cluster
    assert Pengukuran.objects.filter(sasaran_id=person.pk).count() == 1
    assert colocation.mismatches() == {"sesi.Pengukuran": 1}


def test_the_update_of_a_row_names_its_kabkota_and_never_sets_it():
    person = SasaranFactory.create(posyandu=PosyanduFactory.create(desa=wilayah("14.71.01.1001")))
    person = Sasaran.objects.get(pk=person.pk)
    person.nama = "Nama baru"

    with CaptureQueriesContext(connection) as queries:
        person.save()

    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "sasaran_sasaran"')]
    assert len(updates) == 1
    set_part, where_part = updates[0].split(" WHERE ")
    assert '"kabkota_kode"' not in set_part
    assert "\"kabkota_kode\" = '14.71'" in where_part
    assert Sasaran.objects.get(pk=person.pk).nama == "Nama baru"
