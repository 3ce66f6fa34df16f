"""Writes for home visits."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from posyandu.fasilitas.models import Posyandu
from posyandu.kunjungan_rumah import checklist
from posyandu.kunjungan_rumah.measure import has_values, home_measurement_record
from posyandu.kunjungan_rumah.models import AnggotaDikunjungi, KunjunganRumah
from posyandu.rujukan.models import Rujukan
from posyandu.rujukan.services import referral_create
from posyandu.sasaran.life_stage import completed_months, life_stage_of
from posyandu.sasaran.models import Keluarga, Sasaran
from posyandu.sesi.limits import hard_limit_errors


class HomeVisitError(ValueError):
    pass


@dataclass
class MemberInput:
    sasaran: Sasaran
    ceklis: dict[str, bool] = field(default_factory=dict)
    catatan: str = ""
    measurement: dict[str, Any] = field(default_factory=dict)
    same_day: str = ""  # "ganti" / "tambah" when the person was already measured that day


@transaction.atomic
def home_visit_record(
    *,
    by: Any,
    posyandu: Posyandu,
    tanggal: date,
    members: list[MemberInput],
    keluarga: Keluarga | None = None,
    bertemu: bool = True,
    temuan: str = "",
    tindakan: str = "",
    tindak_lanjut: str = KunjunganRumah.TindakLanjut.TIDAK_ADA,
    tanggal_tindak_lanjut: date | None = None,
    tugas: Iterable[Any] = (),
) -> KunjunganRumah:
    """Record a home visit, its members' checklists and measurements, and the tasks it
    answers (`tugas`: open tasks the visitor ticked, as core.registry.open_tasks_of_people
    gives them). The tugas app closes those of the members seen when the family was met."""
    if tanggal > timezone.localdate():
        raise HomeVisitError("Tanggal kunjungan tidak boleh di masa depan.")
    if not members:
        raise HomeVisitError("Pilih minimal satu anggota keluarga yang dikunjungi.")
    for member in members:
        if member.sasaran.posyandu_id != posyandu.pk:
            raise HomeVisitError(f"{member.sasaran.nama} bukan sasaran {posyandu.nama}.")
        if tanggal < member.sasaran.tanggal_lahir:
            raise HomeVisitError(f"Tanggal kunjungan sebelum tanggal lahir {member.sasaran.nama}.")
        refused = hard_limit_errors(
            member.measurement,
            umur_bulan=completed_months(member.sasaran.tanggal_lahir, tanggal),
            jenis_kelamin=member.sasaran.jenis_kelamin,
        )
        if refused:  # what cannot be true (sesi/rules/batas_mutlak.json)
            raise HomeVisitError(f"{member.sasaran.nama}: {' '.join(refused.values())}")
    if (
        tindak_lanjut in (KunjunganRumah.TindakLanjut.KUNJUNGAN_ULANG,)
        and not tanggal_tindak_lanjut
    ):
        raise HomeVisitError("Isi tanggal kunjungan ulang.")
    visit = KunjunganRumah.objects.create(
        posyandu=posyandu,
        desa_id=posyandu.desa_id,
        keluarga=keluarga,
        tanggal=tanggal,
        petugas=by if getattr(by, "is_authenticated", False) else None,
        bertemu=bertemu,
        temuan=temuan.strip(),
        tindakan=tindakan.strip(),
        tindak_lanjut=tindak_lanjut,
        tanggal_tindak_lanjut=tanggal_tindak_lanjut,
        tugas_dipilih=sorted({str(t.public_id) for t in tugas}),
    )
    for member in members:
        stage = life_stage_of(member.sasaran, tanggal)
        allowed = {i.code for i in checklist.items_for(stage)}
        pengukuran = None
        if has_values(member.measurement):
            pengukuran = home_measurement_record(
                sasaran=member.sasaran,
                tanggal=tanggal,
                by=by,
                values=member.measurement,
                same_day=member.same_day,
            )
        AnggotaDikunjungi.objects.create(
            kunjungan=visit,
            sasaran=member.sasaran,
            tahap=str(stage),
            ceklis={k: bool(v) for k, v in member.ceklis.items() if k in allowed},
            ceklis_versi=checklist.version(),
            catatan=member.catatan.strip()[:250],
            pengukuran=pengukuran,
        )
    if tindak_lanjut == KunjunganRumah.TindakLanjut.RUJUK and bertemu:
        referrals_from_home_visit(visit=visit, members=members, tugas=list(tugas), by=by)
    return visit


def referrals_from_home_visit(
    *, visit: KunjunganRumah, members: list[MemberInput], tugas: list[Any], by: Any
) -> list[Rujukan]:
    """The follow-up "rujuk" of a home visit refers, through the same service as the
    Posyandu day: the members seen whose ticked tasks the visit answers (else the first
    member seen, the person the visit was opened for). The reason carries the tasks' reasons
    and what was found; the tasks' rule codes travel with it."""
    ticked: dict[int, list[Any]] = {}
    for task in tugas:
        ticked.setdefault(task.sasaran_id, []).append(task)
    chosen = [m for m in members if m.sasaran.pk in ticked] or members[:1]
    created = []
    for member in chosen:
        tasks = ticked.get(member.sasaran.pk, [])
        parts = [str(getattr(t, "reason", "")) for t in tasks]
        parts += [visit.temuan, member.catatan.strip()]
        alasan = " ".join(p for p in parts if p) or (
            f"Dirujuk dari kunjungan rumah {visit.tanggal:%d-%m-%Y}."
        )
        created.append(
            referral_create(
                sasaran=member.sasaran,
                alasan=alasan,
                aturan=sorted({t.aturan for t in tasks}),
                by=by,
                tanggal=visit.tanggal,
                asal=Rujukan.Asal.KUNJUNGAN_RUMAH,
            )
        )
    return created
