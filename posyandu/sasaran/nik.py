"""NIK (Nomor Induk Kependudukan) structure checks. Pure: no database, no Django models.

A NIK is PPKKCC DDMMYY SSSS: the kecamatan of FIRST registration (it never changes when the
person moves, and may be a code that no longer exists after a split), the birth date with
40 added to the day for women, and a serial from 0001. See docs/domain-ilp.md section 6.

`nik_errors` rejects a NIK whose structure is wrong and says which part; `nik_warnings`
compares a valid NIK with the entered birth date and sex: a mismatch is only a warning,
because the date recorded by Dukcapil is sometimes wrong and the NIK cannot be changed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

FEMALE_DAY_OFFSET = 40


def ascii_digits(text: str) -> bool:
    """Only 0-9: `str.isdigit()` also accepts other scripts' digits (Arabic-Indic "١٢٣",
    superscripts), which a NIK or KK number never contains."""
    return bool(text) and text.isascii() and text.isdigit()


@dataclass(frozen=True)
class NikParts:
    kecamatan: str  # "14.71.01"
    day: int  # as written (41-71 for women)
    month: int
    year2: int  # two digits
    serial: str

    @property
    def female(self) -> bool:
        return self.day > FEMALE_DAY_OFFSET

    @property
    def birth_day(self) -> int:
        return self.day - FEMALE_DAY_OFFSET if self.female else self.day


def parse_nik(nik: str) -> NikParts:
    """Split a 16-digit NIK into its parts (no checks beyond length and digits)."""
    if len(nik) != 16 or not ascii_digits(nik):
        raise ValueError(nik)
    return NikParts(
        kecamatan=f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}",
        day=int(nik[6:8]),
        month=int(nik[8:10]),
        year2=int(nik[10:12]),
        serial=nik[12:16],
    )


def clean_nik(raw: str) -> str:
    """Spaces, dots and dashes people type between groups are dropped."""
    return "".join(ch for ch in (raw or "") if ch not in " .-")


def _candidate_births(parts: NikParts, today: date) -> list[date]:
    """Birth dates the NIK can mean (two-digit year: this century or the last)."""
    found = []
    for century in (2000, 1900):
        try:
            born = date(century + parts.year2, parts.month, parts.birth_day)
        except ValueError:
            continue
        if born <= today:
            found.append(born)
    return found


def nik_errors(
    nik: str, *, kecamatan_exists: Callable[[str], bool], today: date | None = None
) -> list[str]:
    """Messages (Bahasa Indonesia) naming each wrong part of the NIK; empty = valid."""
    today = today or timezone.localdate()
    if not ascii_digits(nik):
        return [_("NIK must contain digits only.")]
    if len(nik) != 16:
        return [_("NIK must have 16 digits (this one has %(n)d).") % {"n": len(nik)}]
    parts = parse_nik(nik)
    errors = []
    if not kecamatan_exists(parts.kecamatan):
        errors.append(
            _(
                "Digits 1-6 (%(code)s) are not a known district (kecamatan) code. A NIK keeps "
                "the district of first registration; check the number on the KK or KTP."
            )
            % {"code": nik[:6]}
        )
    day_ok = 1 <= parts.day <= 31 or 41 <= parts.day <= 71
    month_ok = 1 <= parts.month <= 12
    if not day_ok:
        errors.append(
            _("Digits 7-8 (%(dd)s) must be a day of birth: 01-31, or 41-71 for women.")
            % {"dd": nik[6:8]}
        )
    if not month_ok:  # named even when the day is wrong too: each wrong part is reported
        errors.append(
            _("Digits 9-10 (%(mm)s) must be a month of birth: 01-12.") % {"mm": nik[8:10]}
        )
    if day_ok and month_ok and not _candidate_births(parts, today):
        errors.append(
            _("Digits 7-12 (%(date)s) are not a valid date of birth.") % {"date": nik[6:12]}
        )
    if parts.serial == "0000":
        errors.append(_("Digits 13-16 (the serial number) cannot be 0000."))
    return errors


def nik_warnings(nik: str, *, tanggal_lahir: date | None, jenis_kelamin: str | None) -> list[str]:
    """Differences between a structurally valid NIK and the entered birth date / sex."""
    try:
        parts = parse_nik(nik)
    except ValueError:
        return []
    warnings = []
    if jenis_kelamin in ("L", "P") and parts.female != (jenis_kelamin == "P"):
        warnings.append(
            _("The NIK belongs to a woman (day of birth + 40), but the sex entered is male.")
            if parts.female
            else _("The NIK belongs to a man, but the sex entered is female.")
        )
    if tanggal_lahir is not None:
        same = (
            tanggal_lahir.day == parts.birth_day
            and tanggal_lahir.month == parts.month
            and tanggal_lahir.year % 100 == parts.year2
        )
        if not same:
            warnings.append(
                _(
                    "The date of birth in the NIK (%(nik_date)s) differs from the date of birth "
                    "entered (%(entered)s). Check both; the record will be saved as entered."
                )
                % {
                    "nik_date": f"{parts.birth_day:02d}-{parts.month:02d}-{parts.year2:02d}",
                    "entered": tanggal_lahir.strftime("%d-%m-%Y"),
                }
            )
    return warnings


def mask_nik(nik: str | None) -> str:
    """The NIK where the full number is not needed: the first 4 digits (province and
    kab/kota) and the last 4 (serial), e.g. 1471********0001. Empty stays empty."""
    if not nik:
        return ""
    if len(nik) <= 8:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]
