"""Writes for people, households and consent; merging duplicate records."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from posyandu.accounts.scope import can_merge_people
from posyandu.audit.recorder import log
from posyandu.core import derived
from posyandu.core.concurrency import save_if_current
from posyandu.core.registry import merge_resolver
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.duplicates import Candidate, likely_duplicates
from posyandu.sasaran.models import Keluarga, Persetujuan, Sasaran


def keluarga_create(*, posyandu: Posyandu, **fields: Any) -> Keluarga:
    return Keluarga.objects.create(posyandu=posyandu, desa_id=posyandu.desa_id, **fields)


@transaction.atomic
def sasaran_create(
    *, posyandu: Posyandu, consent: dict[str, Any] | None = None, by: Any = None, **fields: Any
) -> Sasaran:
    """Register a person in a Posyandu; `consent` (diberikan_oleh, hubungan, tujuan, tanggal)
    is recorded with them. `public_id` may come from an offline client."""
    if fields.get("nik") == "":
        fields["nik"] = None
    sasaran = Sasaran.objects.create(posyandu=posyandu, desa_id=posyandu.desa_id, **fields)
    if consent and consent.get("diberikan_oleh"):
        consent_record(sasaran=sasaran, by=by, **consent)
    return sasaran


@dataclass(frozen=True)
class Registration:
    """A registration: the new person, or (person None) the likely duplicates to confirm."""

    person: Sasaran | None = None
    duplicates: list[Sasaran] = field(default_factory=list)


def sasaran_register(
    *,
    posyandu: Posyandu,
    among: QuerySet[Sasaran],
    not_a_duplicate: bool = False,
    consent: dict[str, Any] | None = None,
    by: Any = None,
    **fields: Any,
) -> Registration:
    """Register a person unless people among `among` (the registering user's scope) may be
    the same person; then nothing is saved until the user confirms (`not_a_duplicate`)."""
    duplicates = likely_duplicates(Candidate.of(fields), among)
    if duplicates and not not_a_duplicate:
        return Registration(duplicates=duplicates)
    person = sasaran_create(posyandu=posyandu, consent=consent, by=by, **fields)
    return Registration(person=person, duplicates=duplicates)


def consent_record(
    *,
    sasaran: Sasaran,
    diberikan_oleh: str,
    tujuan: list[str],
    by: Any,
    hubungan: str = "diri sendiri",
    tanggal: date | None = None,
) -> Persetujuan:
    return Persetujuan.objects.create(
        sasaran=sasaran,
        diberikan_oleh=diberikan_oleh,
        hubungan=hubungan or "diri sendiri",
        tujuan=list(tujuan),
        tanggal=tanggal or timezone.localdate(),
        dicatat_oleh=by if getattr(by, "is_authenticated", False) else None,
    )


class MergeError(ValueError):
    """Two records that cannot be merged as they are; the message says what to fix."""


def _moved_relations() -> list[models.ForeignObjectRel]:
    """Every foreign key of any app that points at Sasaran (measurements, visits, referrals,
    consents, children, immunizations, ...), so merging needs no list kept by hand."""
    return [
        rel
        for rel in Sasaran._meta.related_objects
        if rel.one_to_many and rel.field.name != "digabung_ke"
    ]


@transaction.atomic
@derived.batch()  # both people are saved: the derived data follows once, at the end
def sasaran_merge(*, keep: Sasaran, merged: Sasaran, by: Any, today: date | None = None) -> dict:
    """Merge `merged` into `keep`: every record pointing at `merged` now points at `keep`;
    `merged` stays (status digabung, digabung_ke=keep) so old links resolve. One audit event
    "merge" lists what moved (the bulk updates bypass per-row events)."""
    if not can_merge_people(by):
        raise PermissionDenied("Hanya bidan, Puskesmas atau admin yang dapat menggabungkan data.")
    if keep.pk == merged.pk:
        raise ValueError("Tidak dapat menggabungkan data dengan dirinya sendiri.")
    if merged.status == Sasaran.Status.DIGABUNG:
        raise ValueError("Data ini sudah digabung sebelumnya.")
    if keep.nik and merged.nik and keep.nik != merged.nik:
        # One of them is wrong; merging would throw one NIK away. The bidan corrects first.
        raise MergeError(
            gettext(
                "The two records have different NIKs (%(keep)s and %(merged)s). Correct the "
                "wrong NIK first, then merge."
            )
            % {"keep": keep.nik, "merged": merged.nik}
        )
    moved: dict[str, int] = {}
    for rel in _moved_relations():
        model = rel.field.model  # the model holding the foreign key (rel.related_model)
        manager = getattr(model, "all_objects", model._default_manager)
        rows = manager.filter(**{rel.field.name: merged})
        count = _move_rows(model, rows, rel.field.name, keep)
        if count:
            moved[model._meta.label] = count
    # Fill what the kept record lacks from the merged one.
    for name in ("nik", "nama_ibu", "nik_ibu", "telepon", "no_bpjs", "satusehat_ihs"):
        if not getattr(keep, name) and getattr(merged, name):
            if name == "nik":
                continue  # moved below, after the merged record releases it
            setattr(keep, name, getattr(merged, name))
    take_nik = not keep.nik and merged.nik
    nik = merged.nik
    for name, value in (("ibu_id", merged.ibu_id), ("keluarga_id", merged.keluarga_id)):
        if getattr(keep, name) is None and value is not None and value != keep.pk:
            setattr(keep, name, value)
    merged.status = Sasaran.Status.DIGABUNG
    merged.status_sejak = today or timezone.localdate()
    merged.digabung_ke = keep
    merged.nik = None
    merged.save()
    if take_nik:
        keep.nik = nik
    keep.save()
    log(
        "merge",
        model=Sasaran._meta.label,
        object_id=str(keep.public_id),
        wilayah_kode=keep.wilayah_kode(),
        metadata={"merged": str(merged.public_id), "moved": moved},
        user=by,
    )
    return moved


def _move_rows(model: type[models.Model], rows: models.QuerySet, field: str, keep: Sasaran) -> int:
    """Re-point rows; a row that would break a unique constraint with a row the kept person
    already has (e.g. both checked in at one session) is re-pointed one by one where possible."""
    count = 0
    for pk in list(rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=pk).update(**{field: keep})
            count += 1
        except IntegrityError:
            count += _merge_conflicting_row(model, pk, field, keep)
    return count


def _merge_conflicting_row(model: type[models.Model], pk: int, field: str, keep: Sasaran) -> int:
    """A row the kept person already has an equivalent of: the model's owner joins the two
    when it registered a resolver (sesi: two check-ins of one session become one, nothing
    measured is lost). Any other such row (a follow-up task with the same rule and key) stays
    with the merged record, which keeps it; the task engine closes the tasks of a merged record
    as no longer applicable. Returns how many rows moved (0 or 1)."""
    resolver = merge_resolver(model._meta.label)
    return resolver(pk, field, keep) if resolver is not None else 0


class StatusError(ValueError):
    pass


STATUS_SETTABLE = (Sasaran.Status.AKTIF, Sasaran.Status.PINDAH, Sasaran.Status.MENINGGAL)


@transaction.atomic
def sasaran_update(
    *, sasaran: Sasaran, posyandu: Posyandu, version: int | None = None, **fields: Any
) -> Sasaran:
    """Save edited fields; a new Posyandu moves the person (and the denormalised desa).
    The caller limits `posyandu` to where the editor may write. Audited by Record.save.
    `version` is the one the edit was made from: StaleRecord if someone saved since."""
    if fields.get("nik") == "":
        fields["nik"] = None
    for name, value in fields.items():
        setattr(sasaran, name, value)
    # always re-derive: a ModelForm may already have set the new posyandu on the instance
    sasaran.posyandu = posyandu
    sasaran.desa_id = posyandu.desa_id
    save_if_current(sasaran, version)
    return sasaran


@transaction.atomic
def sasaran_status_set(
    *,
    sasaran: Sasaran,
    status: str,
    sejak: date | None,
    today: date | None = None,
    version: int | None = None,
) -> Sasaran:
    """Pindah (moved away) or meninggal (deceased) from a date, or active again. Reports
    count a person up to `status_sejak`; a merged record cannot change status here."""
    today = today or timezone.localdate()
    if sasaran.status == Sasaran.Status.DIGABUNG:
        raise StatusError(gettext("A merged record cannot change its status."))
    if status not in STATUS_SETTABLE:
        raise StatusError(gettext("Unknown status."))
    if status == Sasaran.Status.AKTIF:
        sejak = None
    else:
        if sejak is None:
            raise StatusError(gettext("Enter the date the person moved away or died."))
        if sejak < sasaran.tanggal_lahir:
            raise StatusError(gettext("The date cannot be before the date of birth."))
        if sejak > today:
            raise StatusError(gettext("The date cannot be in the future."))
    sasaran.status, sasaran.status_sejak = status, sejak
    save_if_current(sasaran, version)  # StaleRecord when changed since `version` was read
    return sasaran


def keluarga_update(*, keluarga: Keluarga, version: int | None = None, **fields: Any) -> Keluarga:
    """Raises StaleRecord when the household changed since `version` was read."""
    for name, value in fields.items():
        setattr(keluarga, name, value)
    save_if_current(keluarga, version)
    return keluarga


def keluarga_member_add(*, keluarga: Keluarga, sasaran: Sasaran) -> Sasaran:
    sasaran.keluarga = keluarga
    sasaran.save()
    return sasaran


def keluarga_member_remove(*, keluarga: Keluarga, sasaran: Sasaran) -> Sasaran:
    if sasaran.keluarga_id == keluarga.pk:
        sasaran.keluarga = None
        sasaran.save()
    return sasaran
