"""Records written together (core.models.records_create, records_update, bulk_insert) end as
records saved one by one: the same rows, the same audit events, the same derived-data keys,
each handler once for all of them."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import model_to_dict

from posyandu.audit.context import Actor, acting_as
from posyandu.audit.models import AuditEvent
from posyandu.core import derived
from posyandu.core.models import bulk_insert, records_create, records_update
from posyandu.kader.models import Kader
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Pengukuran

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Keys of kader.Kader saves as the derived-data handler receives them, per call; the
    keys function notes the previous name (`_loaded`) too, as real ones do."""
    calls: list[list[tuple[str, str, bool]]] = []
    many: list[int] = []

    def keys(record: Any, created: bool) -> list[tuple[str, str, bool]]:
        return [(getattr(record, "_loaded", {}).get("nama", ""), record.nama, created)]

    def keys_many(records: Any, created: bool) -> list[tuple[str, str, bool]]:
        many.append(len(records))
        return [key for record in records for key in keys(record, created)]

    d = derived.register(
        derived="test.KaderNames", what="test", source="kader.Kader", keys=keys,
        handler=lambda k: calls.append(sorted(k)), rebuild="check", keys_many=keys_many,
    )  # fmt: skip
    yield calls, many
    derived.unregister(d)


def _row(record: Any) -> dict[str, Any]:
    hidden = {"id", "public_id", "created_at", "updated_at"}
    return {k: v for k, v in model_to_dict(record).items() if k not in hidden}


def _events(records: list[Any]) -> list[tuple[Any, ...]]:
    ids = [str(r.public_id) for r in records]
    rows = AuditEvent.objects.filter(object_id__in=ids).order_by("id")
    order = {public_id: i for i, public_id in enumerate(ids)}
    return sorted(
        (order[e.object_id], e.action, e.model, e.wilayah_kode, e.actor_id, e.metadata)
        for e in rows
    )


def test_records_create_writes_what_save_writes(world, heard):
    calls, many = heard
    fields = {"posyandu": world.posyandu_a, "telepon": "0812", "mulai_bertugas": date(2026, 1, 5)}
    with acting_as(Actor(user=world.bidan_1, via="test")):
        one = [Kader(nama=n, **fields) for n in ("Ani", "Budi")]
        for kader in one:
            kader.save()
        together = [Kader(nama=n, **fields) for n in ("Ani", "Budi")]
        records_create(together)
    assert [_row(k) for k in Kader.objects.filter(pk__in=[k.pk for k in together])] == [
        _row(k) for k in Kader.objects.filter(pk__in=[k.pk for k in one])
    ]
    assert together[0].dibuat_oleh_id == world.bidan_1.pk and together[0].version == 1
    assert _events(together) == _events(one)
    assert calls == [
        [("", "Ani", True)],
        [("", "Budi", True)],
        [("", "Ani", True), ("", "Budi", True)],
    ]
    assert many == [1, 1, 2]  # keys_many also serves single saves, with one record


def test_records_update_writes_what_save_writes(world, heard):
    calls, _many = heard
    one = [Kader.objects.create(posyandu=world.posyandu_a, nama=n) for n in ("Ani", "Budi")]
    together = [Kader.objects.create(posyandu=world.posyandu_a, nama=n) for n in ("Ani", "Budi")]
    calls.clear()
    for kader in one:
        kader.nama += " Lestari"
        kader.save(update_fields=["nama"])
    for kader in together:
        kader.nama += " Lestari"
    records_update(together, ["nama"])
    for kader in [*one, *together]:
        kader.refresh_from_db()
    assert [(k.nama, k.version) for k in together] == [(k.nama, k.version) for k in one]
    assert _events(together) == _events(one)
    assert calls[-1] == [("Ani", "Ani Lestari", False), ("Budi", "Budi Lestari", False)]


def test_bulk_insert_writes_what_bulk_create_writes(world):
    person = SasaranFactory.create(posyandu=world.posyandu_a)

    def measurements() -> list[Pengukuran]:
        return [
            Pengukuran(
                sasaran=person, tanggal=date(2026, 8, 5), berat_kg=Decimal("9.50"),
                tinggi_cm=Decimal("75.2"), cara_ukur="terlentang", zwei=-0.67, fwei=False,
                kategori={"bb_u": "bb_normal"}, alasan_cek_ulang=["naik"], status_bb="N",
                kbm_g=300, perlu_cek_ulang=True, edema=False,
            ),
            Pengukuran(sasaran=person, tanggal=date(2026, 9, 5), berat_kg=None, zwei=None),
        ]  # fmt: skip

    created = measurements()
    Pengukuran.objects.bulk_create(created)
    inserted = measurements()
    bulk_insert(inserted)
    assert all(p.pk is not None and not p._state.adding for p in inserted)
    fresh = {p.pk: p for p in Pengukuran.objects.filter(sasaran=person)}
    assert [_row(fresh[p.pk]) for p in inserted] == [_row(fresh[p.pk]) for p in created]
    event = AuditEvent(action="create", model="x", metadata={"a": [1]}, ip="10.0.0.1")
    bulk_insert([event])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.metadata, stored.ip, stored.at) == ({"a": [1]}, "10.0.0.1", event.at)
