"""Writes for immunization: record a dose (given here or reported from elsewhere)."""

from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from posyandu.imunisasi import schedule
from posyandu.imunisasi.models import Imunisasi
from posyandu.sasaran.models import Sasaran

TD = "Td"  # tetanus-diphtheria dose of a woman of childbearing age; may repeat (T1-T5)


class DoseError(ValueError):
    pass


class DoseOutsideSchedule(DoseError):
    """The dose would be given outside its schedule: nothing is saved until the user confirms
    with a reason (`alasan_di_luar_jadwal`). `messages` say what is wrong, in the user's
    language."""

    def __init__(self, issues: list[schedule.TimingIssue]) -> None:
        self.issues = issues
        self.messages = [timing_message(i) for i in issues]
        super().__init__(" ".join(self.messages))


def _day(d: date | None) -> str:
    return d.strftime("%d-%m-%Y") if d else ""


def timing_message(issue: schedule.TimingIssue) -> str:
    values = {
        "code": issue.code,
        "date": _day(issue.limit),
        "previous": issue.previous,
        "previous_on": _day(issue.previous_on),
    }
    if issue.kind == schedule.TOO_EARLY:
        return (
            _("%(code)s is too early: the child reaches the minimum age for it on %(date)s.")
            % values
        )
    if issue.kind == schedule.PAST_LATEST:
        return (
            _(
                "%(code)s is past its maximum age (terlewat): it may be given only until %(date)s "
                "and is normally not given any more."
            )
            % values
        )
    if issue.kind == schedule.TOO_SOON:
        return (
            _(
                "%(code)s is too soon after %(previous)s (given on %(previous_on)s): the minimum "
                "interval is reached on %(date)s."
            )
            % values
        )
    return _("%(previous)s is not recorded yet; %(code)s comes after it.") % values


MIN_REASON_LENGTH = 5


def known_codes() -> set[str]:
    bias = schedule._load("bias.json")["variants"]
    codes = {d["code"] for d in schedule.doses()} | {TD}
    return codes | {d["code"] for v in bias.values() for d in v["doses"]}


@transaction.atomic
def dose_record(
    *,
    sasaran: Sasaran,
    vaksin: str,
    tanggal: date,
    by: Any,
    tempat: str = Imunisasi.Tempat.POSYANDU,
    diberikan_di_sini: bool = True,
    nama_tempat: str = "",
    batch: str = "",
    kunjungan: Any = None,
    today: date | None = None,
    alasan_di_luar_jadwal: str = "",
    public_id: UUID | None = None,
) -> Imunisasi:
    """Record a dose. A routine dose outside its schedule (too early, past its maximum age,
    too soon after the previous dose, or with that dose missing) raises DoseOutsideSchedule
    unless `alasan_di_luar_jadwal` confirms it; it is then saved flagged `di_luar_jadwal`."""
    if vaksin not in known_codes():
        raise DoseError(_("Unknown vaccine dose: %(code)s.") % {"code": vaksin})
    if tanggal < sasaran.tanggal_lahir:
        raise DoseError(_("The date given is before the date of birth."))
    if tanggal > (today or timezone.localdate()):
        raise DoseError(_("The date given is in the future."))
    if tempat not in Imunisasi.Tempat.values:
        raise DoseError(_("Choose where the dose was given."))
    if vaksin != TD and Imunisasi.objects.filter(sasaran=sasaran, vaksin=vaksin).exists():
        raise DoseError(_("This dose is already recorded."))
    given = dict(
        Imunisasi.objects.filter(sasaran=sasaran)
        .exclude(vaksin=TD)
        .values_list("vaksin", "tanggal")
    )
    issues = schedule.dose_timing(
        sasaran.tanggal_lahir, given, vaksin, tanggal, province=sasaran.desa_id[:2]
    )
    if not diberikan_di_sini:  # doses copied from the Buku KIA may come in any order
        issues = [i for i in issues if i.kind != schedule.PREVIOUS_MISSING]
    reason = alasan_di_luar_jadwal.strip()
    if issues and len(reason) < MIN_REASON_LENGTH:
        raise DoseOutsideSchedule(issues)
    return Imunisasi.objects.create(
        **({"public_id": public_id} if public_id else {}),  # an offline client's id
        di_luar_jadwal=bool(issues),
        alasan_di_luar_jadwal=reason if issues else "",
        sasaran=sasaran,
        vaksin=vaksin,
        tanggal=tanggal,
        tempat=tempat,
        diberikan_di_sini=diberikan_di_sini,
        nama_tempat=nama_tempat.strip(),
        batch=batch.strip(),
        kunjungan=kunjungan,
        dicatat_oleh=by if getattr(by, "is_authenticated", False) else None,
        jadwal_versi=schedule.schedule()["version"],
    )
