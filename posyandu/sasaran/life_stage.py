"""Life stage (siklus hidup) of a person on a day: derived, never typed in.

Groups as KMK HK.01.07/MENKES/2015/2023 (ILP) uses them; a pregnant or postpartum woman
is in the maternal group whatever her age.
"""

from datetime import date
from enum import StrEnum
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from posyandu.core.registry import maternal_state


class LifeStage(StrEnum):
    IBU_HAMIL = "ibu_hamil"
    IBU_NIFAS = "ibu_nifas"
    BAYI = "bayi"  # 0-11 months
    BALITA = "balita"  # 12-59 months
    APRAS = "apras"  # anak prasekolah, 60-71 months
    USIA_SEKOLAH_REMAJA = "usia_sekolah_remaja"  # 6 to < 18 years
    DEWASA = "dewasa"  # 18-59 years
    LANSIA = "lansia"  # 60 years and over


LABELS = {
    LifeStage.IBU_HAMIL: _("pregnant woman"),
    LifeStage.IBU_NIFAS: _("postpartum mother"),
    LifeStage.BAYI: _("infant (0-11 months)"),
    LifeStage.BALITA: _("toddler (12-59 months)"),
    LifeStage.APRAS: _("pre-school child (5-6 years)"),
    LifeStage.USIA_SEKOLAH_REMAJA: _("school age and adolescent (6-17 years)"),
    LifeStage.DEWASA: _("adult (18-59 years)"),
    LifeStage.LANSIA: _("elderly (60+ years)"),
}


def completed_months(birth: date, on: date) -> int:
    """Umur bulan penuh: whole months lived (the Posyandu's way of counting age).

    A month is complete when the day of the month of birth is reached: a child born on
    31 January is one month old on 1 March, not on 28 February. Negative before birth.
    """
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    if on.day < birth.day:
        months -= 1
    return months


def completed_years(birth: date, on: date) -> int:
    return completed_months(birth, on) // 12


def life_stage(
    birth: date, on: date, *, pregnant: bool = False, postpartum: bool = False
) -> LifeStage:
    if on < birth:
        raise ValueError("Tanggal lahir sesudah tanggal pelayanan")
    if pregnant:
        return LifeStage.IBU_HAMIL
    if postpartum:
        return LifeStage.IBU_NIFAS
    months = completed_months(birth, on)
    if months < 12:
        return LifeStage.BAYI
    if months < 60:
        return LifeStage.BALITA
    if months < 72:
        return LifeStage.APRAS
    if months < 18 * 12:
        return LifeStage.USIA_SEKOLAH_REMAJA
    if months < 60 * 12:
        return LifeStage.DEWASA
    return LifeStage.LANSIA


class Born(Protocol):
    """A person with a birth date (a Sasaran, saved or not)."""

    @property
    def tanggal_lahir(self) -> date: ...


def life_stage_of(sasaran: Born, on: date) -> LifeStage:
    """The stage of a stored person, asking the maternal-care app about pregnancy."""
    state = maternal_state(sasaran, on)
    return life_stage(
        sasaran.tanggal_lahir,
        on,
        pregnant=state.pregnant,
        postpartum=state.postpartum,
    )
