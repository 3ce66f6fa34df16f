"""Writes for people, households and consent; merging duplicate records."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from posyandu.accounts.scope import can_decide_transfers, can_merge_people, restrict
from posyandu.audit.models import AuditEvent
from posyandu.audit.recorder import log
from posyandu.core import colocation, derived
from posyandu.core.concurrency import save_if_current
from posyandu.core.models import records_create
from posyandu.core.registry import merge_resolver
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.duplicates import Candidate, likely_duplicates
from posyandu.sasaran.models import Keluarga, PermintaanPindah, Persetujuan, Sasaran
from posyandu.sasaran.nik import mask_nik


def keluarga_create(*, posyandu: Posyandu, **fields: Any) -> Keluarga:
    return Keluarga.objects.create(posyandu=posyandu, desa_id=posyandu.desa_id, **fields)


@transaction.atomic
def sasaran_create(
    *, posyandu: Posyandu, consent: dict[str, Any] | None = None, by: Any = None, **fields: Any
) -> Sasaran:
    """Register a person in a Posyandu; `consent` (diberikan_oleh, hubungan, tujuan, tanggal)
    is recorded with them. `public_id` may come from an offline client."""
    [sasaran] = sasaran_create_many([sasaran_new(posyandu=posyandu, **fields)])
    if consent and consent.get("diberikan_oleh"):
        consent_record(sasaran=sasaran, by=by, **consent)
    return sasaran


def sasaran_new(*, posyandu: Posyandu, **fields: Any) -> Sasaran:
    """A person of the Posyandu, not saved yet (`sasaran_create_many` saves it)."""
    if fields.get("nik") == "":
        fields["nik"] = None
    return Sasaran(posyandu=posyandu, desa_id=posyandu.desa_id, **fields)


def sasaran_create_many(people: Sequence[Sasaran]) -> Sequence[Sasaran]:
    """Save new people (`sasaran_new`) as `sasaran_create` does, together: an import
    registers a thousand at once (core.models.records_create)."""
    return records_create(people)


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
    colocation.follow(keep)  # what moved takes the kept person's kab/kota
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
    takes_kabkota = colocation.takes_kabkota_from(model, field)
    for pk in list(rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                row = model._base_manager.filter(pk=pk)
                row.update(**{field: keep})
                if takes_kabkota:  # the rows below it follow at the end (follow)
                    colocation.set_kabkota(row, keep.kabkota_kode)
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


class TransferError(ValueError):
    """A transfer request that cannot be made or decided; the message says why."""


@transaction.atomic
def permintaan_pindah_create(
    *,
    nik: str,
    ke_posyandu: Posyandu,
    nama: str,
    by: Any,
    tanggal_lahir: date | None = None,
    alasan: str = "",
) -> PermintaanPindah:
    """Ask to move the person with `nik` into `ke_posyandu` (one the requester may write to;
    the caller checks, after a rate-limited and audited `selectors.nik_lookup`). The same
    message whatever stands in the way, so that the request reveals nothing more."""
    person = Sasaran.objects.filter(nik=nik).exclude(status=Sasaran.Status.DIGABUNG).first()
    if person is None or person.posyandu_id == ke_posyandu.pk:
        raise TransferError(gettext("No transfer is possible for this NIK to this Posyandu."))
    open_request = PermintaanPindah.objects.filter(
        sasaran=person, ke_posyandu=ke_posyandu, status=PermintaanPindah.Status.MENUNGGU
    ).first()
    if open_request is not None:
        return open_request
    created = PermintaanPindah.objects.create(
        sasaran=person,
        dari_posyandu_id=person.posyandu_id,
        ke_posyandu=ke_posyandu,
        nama=nama,
        tanggal_lahir=tanggal_lahir,
        alasan=alasan,
        diminta_oleh=by if getattr(by, "is_authenticated", False) else None,
    )
    log(
        AuditEvent.Action.TRANSFER,
        model=PermintaanPindah._meta.label,
        object_id=str(created.public_id),
        wilayah_kode=created.wilayah_kode(),
        metadata={
            "step": "requested",
            "nik": mask_nik(nik),
            "sasaran": str(person.public_id),
            "ke_posyandu": str(ke_posyandu.public_id),
        },
        user=by,
    )
    return created


@transaction.atomic
def permintaan_pindah_decide(
    *, permintaan: PermintaanPindah, approve: bool, by: Any, catatan: str = ""
) -> PermintaanPindah:
    """The bidan (or Puskesmas, admin) of the person's current Posyandu approves or refuses.
    Approved: the person moves to the requester's Posyandu (their household, which belongs to
    the old Posyandu, is left; a person marked moved-away is active again there)."""
    if not can_decide_transfers(by):
        raise PermissionDenied(gettext("Only the bidan or the Puskesmas decides transfers."))
    if not restrict(PermintaanPindah.objects.filter(pk=permintaan.pk), by, "personal").exists():
        raise PermissionDenied
    # Each lock names the row's kab/kota: Citus locks rows only in a query on one shard.
    kabkota = permintaan.kabkota_kode
    permintaan = PermintaanPindah.objects.select_for_update().get(
        pk=permintaan.pk, kabkota_kode=kabkota
    )
    if permintaan.status != PermintaanPindah.Status.MENUNGGU:
        raise TransferError(gettext("This request has already been decided."))
    person = Sasaran.objects.select_for_update().get(pk=permintaan.sasaran_id, kabkota_kode=kabkota)
    if approve:
        if person.posyandu_id != permintaan.dari_posyandu_id:
            raise TransferError(gettext("The person has moved since the request was made."))
        if person.status in (Sasaran.Status.MENINGGAL, Sasaran.Status.DIGABUNG):
            raise TransferError(gettext("A deceased or merged record cannot move."))
        ke = permintaan.ke_posyandu
        person.posyandu = ke
        person.desa_id = ke.desa_id
        person.keluarga = None
        if person.status == Sasaran.Status.PINDAH:
            person.status, person.status_sejak = Sasaran.Status.AKTIF, None
        person.save()
    permintaan.status = (
        PermintaanPindah.Status.DISETUJUI if approve else PermintaanPindah.Status.DITOLAK
    )
    permintaan.diputuskan_oleh = by if getattr(by, "is_authenticated", False) else None
    permintaan.diputuskan_pada = timezone.now()
    permintaan.catatan = catatan
    permintaan.save()
    log(
        AuditEvent.Action.TRANSFER,
        model=Sasaran._meta.label,
        object_id=str(person.public_id),
        wilayah_kode=permintaan.wilayah_kode(),
        metadata={
            "step": "approved" if approve else "refused",
            "request": str(permintaan.public_id),
            "from": str(permintaan.dari_posyandu.public_id),
            "to": str(permintaan.ke_posyandu.public_id),
        },
        user=by,
    )
    return permintaan


@transaction.atomic
def persetujuan_withdraw(
    *, persetujuan: Persetujuan, by: Any, today: date | None = None
) -> Persetujuan:
    """The person (or parent) withdraws a consent from today: recorded on the consent (its own
    audit event) and as a data subject request. What was processed before stays lawful; from
    now on `selectors.has_consent` says no for its purposes."""
    if persetujuan.dicabut is None:
        persetujuan.dicabut = today or timezone.localdate()
        persetujuan.save()
        log(
            AuditEvent.Action.DATA_REQUEST,
            model=Sasaran._meta.label,
            object_id=str(persetujuan.sasaran.public_id),
            wilayah_kode=persetujuan.wilayah_kode(),
            metadata={"kind": "consent_withdrawn", "tujuan": list(persetujuan.tujuan)},
            user=by,
        )
    return persetujuan


# What identifies a person (blanked when the retention period ends); birth date, sex, place
# and status stay, so reports of past months still count the person without naming them.
IDENTIFYING_FIELDS = {
    "nik": None, "nama_ibu": "", "nik_ibu": "", "telepon": "", "no_bpjs": "",
    "satusehat_ihs": "", "rt": "", "rw": "",
}  # fmt: skip
ANONYMIZED_NAME = "(dihapus: masa retensi)"


def retention_due(*, today: date | None = None, years: int) -> QuerySet[Sasaran]:
    """People who moved away or died more than `years` ago and still carry identifiers."""
    today = today or timezone.localdate()
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    return Sasaran.objects.filter(
        status__in=(Sasaran.Status.PINDAH, Sasaran.Status.MENINGGAL),
        status_sejak__lt=cutoff,
    ).exclude(nama=ANONYMIZED_NAME)


@transaction.atomic
def sasaran_anonymize(*, sasaran: Sasaran, reason: str, by: Any = None) -> Sasaran:
    """Blank what identifies the person (name, NIK, mother's name and NIK, phone, BPJS, IHS,
    RT/RW, household, mother link) and the names in their consents. One audit event; the
    record's own update event lists the fields (never the old values)."""
    for name, empty in IDENTIFYING_FIELDS.items():
        setattr(sasaran, name, empty)
    sasaran.nama = ANONYMIZED_NAME
    sasaran.keluarga = None
    sasaran.ibu = None
    sasaran.save()
    for consent in Persetujuan.objects.filter(sasaran=sasaran):
        consent.diberikan_oleh = "-"
        consent.save()
    log(
        AuditEvent.Action.DATA_REQUEST,
        model=Sasaran._meta.label,
        object_id=str(sasaran.public_id),
        wilayah_kode=sasaran.wilayah_kode(),
        metadata={"kind": "anonymized", "reason": reason},
        user=by,
    )
    return sasaran
