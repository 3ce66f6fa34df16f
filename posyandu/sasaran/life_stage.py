"""Age bands and life stage (siklus hidup) of a person on a day: derived, never typed in.
The one definition of the age groups; every app asks here (no app writes 60 months again).

Ages are completed months (umur bulan penuh, the Posyandu's way of counting). Bands are
inclusive ranges of completed months: balita 0-59, baduta 0-23, bayi 0-11. Groups as
KMK HK.01.07/MENKES/2015/2023 (ILP) uses them; a pregnant or postpartum woman is in the
maternal group whatever her age.
"""

from datetime import date
from enum import StrEnum
from typing import NamedTuple, Protocol

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from posyandu.core.periods import add_months
from posyandu.core.registry import maternal_state


class AgeBand(NamedTuple):
    """Completed months from `low` to `high`, both included (`high` None: no upper end)."""

    low: int
    high: int | None = None

    def contains(self, months: int) -> bool:
        return months >= self.low and (self.high is None or months <= self.high)

    @property
    def end(self) -> int:
        """The first age past the band (60 for balita); an open band has none."""
        if self.high is None:
            raise ValueError("an open age band has no end")
        return self.high + 1


BAYI = AgeBand(0, 11)  # infant
BADUTA = AgeBand(0, 23)  # bawah dua tahun: lying length, the baduta immunizations
BALITA = AgeBand(0, 59)  # bawah lima tahun: S of SKDN, the WHO 2006 standards, KBM, 2T
APRAS = AgeBand(60, 71)  # anak prasekolah
USIA_SEKOLAH_REMAJA = AgeBand(72, 18 * 12 - 1)  # 6 to < 18 years
DEWASA = AgeBand(18 * 12, 60 * 12 - 1)  # 18-59 years
LANSIA = AgeBand(60 * 12)  # 60 years and over


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
# The age stages, first match wins: the stage "balita" is the band BALITA past BAYI (12-59).
STAGE_BANDS = (
    (LifeStage.BAYI, BAYI),
    (LifeStage.BALITA, BALITA),
    (LifeStage.APRAS, APRAS),
    (LifeStage.USIA_SEKOLAH_REMAJA, USIA_SEKOLAH_REMAJA),
    (LifeStage.DEWASA, DEWASA),
    (LifeStage.LANSIA, LANSIA),
)


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
    """Whole years lived: a child born on 29 February is one year old on 1 March."""
    return completed_months(birth, on) // 12


def in_band(band: AgeBand, birth: date, on: date) -> bool:
    return band.contains(completed_months(birth, on))


def is_bayi(birth: date, on: date) -> bool:
    return in_band(BAYI, birth, on)


def is_baduta(birth: date, on: date) -> bool:
    return in_band(BADUTA, birth, on)


def is_balita(birth: date, on: date) -> bool:
    """0-59 completed months on `on` (a child is no longer balita on the 5th birthday)."""
    return in_band(BALITA, birth, on)


def born_between_for(band: AgeBand, on: date) -> tuple[date | None, date]:
    """The birth dates of the people in `band` on `on`, for a queryset:
    `tanggal_lahir__gt=after` (no lower bound when None: no upper age) and
    `tanggal_lahir__lte=on_or_before`. Exact at month ends, like `completed_months`: born
    31 March, one month old on 1 May (not 30 April); born 29 February 2020, balita until
    28 February 2025 and 60 months on 1 March 2025."""
    after = None if band.high is None else add_months(on, -band.end)
    return after, add_months(on, -band.low)


def born_in_q(band: AgeBand, on: date, field: str = "tanggal_lahir") -> Q:
    """`born_between_for` as a filter, e.g. `Sasaran.objects.filter(born_in_q(BALITA, day))`,
    or `born_in_q(BALITA, day, "sasaran__tanggal_lahir")` on a related model."""
    after, on_or_before = born_between_for(band, on)
    q = Q(**{f"{field}__lte": on_or_before})
    return q if after is None else q & Q(**{f"{field}__gt": after})


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
    return next(stage for stage, band in STAGE_BANDS if band.contains(months))


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


def age_label(birth: date, on: date) -> str:
    """An age as people say it: whole months up to 5 years ("14 bulan"), then whole years
    ("39 tahun"), never "474 bulan". The one formatter for ages shown on a page."""
    return months_label(completed_months(birth, on))


def months_label(months: int) -> str:
    """An age given in completed months, said as `age_label` says it."""
    if months < 60:
        return str(_("%(n)d months")) % {"n": max(months, 0)}
    return str(_("%(n)d years")) % {"n": months // 12}
