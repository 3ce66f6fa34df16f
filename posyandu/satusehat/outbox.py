"""The outbox: saving a record queues the encounter it belongs to, in the same transaction.

Registered as derived data (docs/adr/0005-derived-data.md) in `listeners.py`: the keys of a
save are the encounters it touches (before and after the change); the handler makes sure one
item waits for each. A waiting item is not duplicated (the bundle is built when it is sent,
so it carries the correction); an item already sent, or being sent, gets a new revision; a
failed or unmappable one waits again (retry after correction).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from posyandu.accounts.scope import restrict
from posyandu.core.models import bulk_insert
from posyandu.fasilitas.models import Posyandu
from posyandu.imunisasi.models import Imunisasi
from posyandu.sasaran.models import Sasaran
from posyandu.satusehat import collect
from posyandu.satusehat.collect import Key
from posyandu.satusehat.models import Kiriman

S = Kiriman.Status
OPEN = (S.MENUNGGU, S.MENGIRIM, S.GAGAL, S.TIDAK_DIPETAKAN)


def enabled() -> bool:
    return bool(getattr(settings, "SATUSEHAT_OUTBOX", True))


def _kunci(key: Key, public_ids: dict[int, Any], dose_ids: dict[int, Any]) -> str:
    if key.jenis == collect.IMUNISASI:
        assert key.imunisasi_id is not None, "a dose key names its dose"
        return str(dose_ids[key.imunisasi_id])
    code = collect.CLASS_CODE[key.kelas]
    return f"{public_ids[key.sasaran_id]}.{key.tanggal:%Y%m%d}.{code}"


def queue(keys: set[Any]) -> None:
    """Derived-data handler: one waiting item per touched encounter; ints are items to retry."""
    retry = [k for k in keys if isinstance(k, int)]
    if retry:
        reopen(Kiriman.objects.filter(pk__in=retry, status__in=(S.GAGAL, S.TIDAK_DIPETAKAN)))
    encounters = [k for k in keys if isinstance(k, Key)]
    if not encounters:
        return
    people = Sasaran.all_objects.filter(pk__in={k.sasaran_id for k in encounters})
    public_ids, kabkota = {}, {}  # an item lives in its person's kab/kota (core.colocation)
    for pk, public_id, kode in people.values_list("id", "public_id", "kabkota_kode"):
        public_ids[pk], kabkota[pk] = public_id, kode
    dose_ids = dict(
        Imunisasi.all_objects.filter(
            pk__in={k.imunisasi_id for k in encounters if k.imunisasi_id}
        ).values_list("id", "public_id")
    )
    now = timezone.now()
    ordered = sorted(encounters, key=collect._order)
    kunci_of = {key: _kunci(key, public_ids, dose_ids) for key in ordered}
    latest: dict[str, Kiriman] = {}
    names = sorted(set(kunci_of.values()))
    for start in range(0, len(names), 500):
        for item in Kiriman.objects.filter(kunci__in=names[start : start + 500]):
            if item.kunci not in latest or item.revisi > latest[item.kunci].revisi:
                latest[item.kunci] = item
    new: list[Kiriman] = []
    waiting: list[int] = []
    failed: list[int] = []
    for key in ordered:
        kunci = kunci_of[key]
        found = latest.get(kunci)
        if found is None or found.status not in (S.MENUNGGU, S.GAGAL, S.TIDAK_DIPETAKAN, S.BATAL):
            # new, or sent or being sent: the change goes as the next revision
            latest[kunci] = Kiriman(
                jenis=key.jenis, kunci=kunci, revisi=found.revisi + 1 if found else 1,
                sasaran_id=key.sasaran_id, kabkota_kode=kabkota[key.sasaran_id],
                tanggal=key.tanggal, kelas=key.kelas, dibuat=now, diubah=now, status=S.MENUNGGU,
            )  # fmt: skip
            new.append(latest[kunci])
        elif found.pk is None:
            continue  # queued above for another key of the same encounter
        elif found.status == S.MENUNGGU:
            waiting.append(found.pk)
        else:
            failed.append(found.pk)
    bulk_insert(new)
    for start in range(0, len(waiting), 500):
        Kiriman.objects.filter(pk__in=waiting[start : start + 500]).update(diubah=now)
    for start in range(0, len(failed), 500):
        reopen(Kiriman.objects.filter(pk__in=failed[start : start + 500]))


def reopen(items: Any) -> int:
    """Failed or unmappable items wait again (after a correction, or the retry button)."""
    return int(
        items.update(
            status=S.MENUNGGU,
            percobaan=0,
            coba_lagi_pada=None,
            alasan="",
            http_status=None,
            operation_outcome=None,
            diubah=timezone.now(),
        )  # fmt: skip
    )


def requeue_unmapped() -> int:
    """After facility ids were set: every unmappable item is tried again."""
    return reopen(Kiriman.objects.filter(status=S.TIDAK_DIPETAKAN))


# --- keys of a save -----------------------------------------------------------------------


def _old(record: Any, name: str) -> Any:
    return getattr(record, "_loaded", {}).get(name, getattr(record, name))


def keys_of_measurement(record: Any, created: bool) -> Iterable[Key]:
    if not enabled():
        return []
    now = collect.key_of_measurement(record.sasaran_id, record.tanggal, record.sumber)
    old = collect.key_of_measurement(
        _old(record, "sasaran_id"), _old(record, "tanggal"), _old(record, "sumber")
    )
    return {now, old}


def keys_of_checkin(record: Any, created: bool) -> Iterable[Key]:
    if not enabled():
        return []
    return [Key(collect.ENCOUNTER, record.sasaran_id, record.sesi.tanggal, collect.POSYANDU)]


def keys_of_member_seen(record: Any, created: bool) -> Iterable[Key]:
    if not enabled():
        return []
    return [Key(collect.ENCOUNTER, record.sasaran_id, record.kunjungan.tanggal, collect.RUMAH)]


def keys_of_dose(record: Any, created: bool) -> Iterable[Key]:
    if not enabled():
        return []
    return {
        collect.key_of_dose(record, record.sasaran_id, record.tanggal, record.diberikan_di_sini),
        collect.key_of_dose(
            record, _old(record, "sasaran_id"), _old(record, "tanggal"),
            _old(record, "diberikan_di_sini"),
        ),
    }  # fmt: skip


def keys_of_referral(record: Any, created: bool) -> Iterable[Key]:
    if not enabled():
        return []
    return {
        collect.key_of_referral(record.sasaran_id, record.tanggal, record.asal),
        collect.key_of_referral(
            _old(record, "sasaran_id"), _old(record, "tanggal"), _old(record, "asal")
        ),
    }


PERSON_FIELDS = {"nik", "nik_ibu", "ibu_id", "nama", "tanggal_lahir", "jenis_kelamin", "desa_id"}


def keys_of_person(record: Any, created: bool) -> Iterable[int]:
    """A corrected NIK, name or birth date: the person's failed and unmappable items retry."""
    if not enabled() or created or not PERSON_FIELDS & set(record.changed_fields()):
        return []
    return list(
        Kiriman.objects.filter(
            sasaran_id=record.pk, status__in=(S.GAGAL, S.TIDAK_DIPETAKAN)
        ).values_list("id", flat=True)
    )


# --- queueing history once ----------------------------------------------------------------


def queue_region(*, user: Any, kode: str, first: date, last: date) -> int:
    """Queue the encounters of a region's people dated first..last (the first connection)."""
    posyandu = restrict(Posyandu.objects.all(), user, "personal").filter(
        Q(desa_id=kode) | Q(desa__kode__startswith=kode + ".")
    )
    people = restrict(
        Sasaran.objects.filter(posyandu__in=posyandu, digabung_ke__isnull=True), user, "personal"
    ).values_list("id", flat=True)
    before = Kiriman.objects.count()
    ids = list(people)
    for i in range(0, len(ids), 500):
        with transaction.atomic():
            queue(set(collect.gather(ids[i : i + 500], first, last)))
    return Kiriman.objects.count() - before
