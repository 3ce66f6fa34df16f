"""What registration accepts as possible (rules/registrasi.json): who can be pregnant, who
can be a child's mother, birth dates, a baby's birth weight and length; and the short hint
that tells two people with the same name apart in search results and pickers.

Pure functions over dates and values (no queries); each error is a message in the user's
language, or None when the value is possible.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from posyandu.core.rules import load_rule
from posyandu.sasaran.life_stage import age_label, completed_years


def rules() -> dict[str, Any]:
    return load_rule("sasaran", "registrasi").data


def earliest_birth() -> date:
    return date.fromisoformat(rules()["tanggal_lahir_paling_awal"])


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def birth_date_error(born: date, today: date) -> str | None:
    """Between 1 January 1900 (rule data) and today."""
    if born > today:
        return _("The date of birth cannot be after today (%(today)s).") % {
            "today": today.strftime("%d-%m-%Y")
        }
    first = earliest_birth()
    if born < first:
        return _("The date of birth cannot be before %(first)s.") % {
            "first": first.strftime("%d-%m-%Y")
        }
    return None


def reproductive_age(born: date, on: date) -> bool:
    low, high = rules()["usia_reproduksi_tahun"]
    return low <= completed_years(born, on) <= high


def may_have_pregnancy(*, jenis_kelamin: str, born: date, on: date) -> bool:
    """Whether a pregnancy can have been recorded for this person by `on` (a woman past the
    youngest reproductive age): readers of pregnancies skip their query for anyone else."""
    return jenis_kelamin == "P" and completed_years(born, on) >= rules()["usia_reproduksi_tahun"][0]


def pregnancy_error(*, jenis_kelamin: str, born: date, on: date) -> str | None:
    """A pregnancy is recorded only for a woman of reproductive age (10-55 years)."""
    if jenis_kelamin != "P":
        return _("Only a woman can be registered as pregnant.")
    if not reproductive_age(born, on):
        low, high = rules()["usia_reproduksi_tahun"]
        return _(
            "A pregnancy can be recorded only for a woman aged %(low)d to %(high)d years; "
            "this person is %(age)d years old. Check the date of birth."
        ) % {"low": low, "high": high, "age": completed_years(born, on)}
    return None


def mother_born_range(child_born: date) -> tuple[date, date]:
    """Earliest and latest birth date of a plausible mother of a child born on that day."""
    low, high = rules()["selisih_umur_ibu_anak_tahun"]
    return _years_before(child_born, high), _years_before(child_born, low)


def mother_choice_born_range(today: date, child_born: date | None) -> tuple[date, date]:
    """Birth dates of the women the mother picker offers: plausible mothers of a child born
    on `child_born`; before it is known, women aged 10 to 60 today (rule data)."""
    if child_born is not None:
        return mother_born_range(child_born)
    low, high = rules()["umur_ibu_pilihan_tahun"]
    # aged at most `high` completed years: born after the day `high + 1` years ago
    return _years_before(today, high + 1) + timedelta(days=1), _years_before(today, low)


def mother_error(*, mother_sex: str, mother_born: date, child_born: date) -> str | None:
    if mother_sex != "P":
        return _("The mother must be a woman.")
    earliest, latest = mother_born_range(child_born)
    if not earliest <= mother_born <= latest:
        low, high = rules()["selisih_umur_ibu_anak_tahun"]
        return _(
            "The mother must be %(low)d to %(high)d years older than the child (this mother "
            "was born on %(mother)s, the child on %(child)s)."
        ) % {
            "low": low,
            "high": high,
            "mother": mother_born.strftime("%d-%m-%Y"),
            "child": child_born.strftime("%d-%m-%Y"),
        }
    return None


def birth_weight_error(grams: int) -> str | None:
    low, high = rules()["berat_lahir_g"]
    if not low <= grams <= high:
        return _("A birth weight must be between %(low)d and %(high)d grams.") % {
            "low": low,
            "high": high,
        }
    return None


def birth_length_error(cm: Decimal) -> str | None:
    low, high = rules()["panjang_lahir_cm"]
    if not low <= cm <= high:
        return _("A birth length must be between %(low)d and %(high)d cm.") % {
            "low": low,
            "high": high,
        }
    return None


def person_hint(person: Any, on: date) -> str:
    """ "3 tahun · NIK …1234 · RT 002/RW 003 · KK Sutrisno": what tells two people with the same
    name apart (age, last 4 digits of the NIK, RT/RW, household)."""
    parts = [age_label(person.tanggal_lahir, on)]
    if person.nik:
        parts.append(f"NIK …{person.nik[-4:]}")
    keluarga = person.keluarga if person.keluarga_id else None
    rt = person.rt or (keluarga.rt if keluarga else "")
    rw = person.rw or (keluarga.rw if keluarga else "")
    if rt or rw:
        parts.append(f"RT {rt or '-'}/RW {rw or '-'}")
    if keluarga is not None and keluarga.kepala_keluarga:
        parts.append(_("household %(name)s") % {"name": keluarga.kepala_keluarga})
    return " · ".join(parts)


def person_label(person: Any, on: date) -> str:
    return f"{person.nama} ({person_hint(person, on)})"
