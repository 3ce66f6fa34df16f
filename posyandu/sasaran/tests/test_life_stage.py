from datetime import date, timedelta

import pytest

from posyandu.core.periods import add_months
from posyandu.sasaran.life_stage import (
    APRAS,
    BADUTA,
    BALITA,
    BAYI,
    LANSIA,
    STAGE_BANDS,
    LifeStage,
    born_between_for,
    born_in_q,
    completed_months,
    completed_years,
    in_band,
    is_baduta,
    is_balita,
    is_bayi,
    life_stage,
)


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        (date(2025, 1, 31), date(2025, 2, 28), 0),  # not a whole month yet
        (date(2025, 1, 31), date(2025, 3, 31), 2),
        (date(2025, 1, 15), date(2025, 2, 15), 1),
        (date(2025, 1, 15), date(2025, 2, 14), 0),
        (date(2020, 6, 1), date(2025, 5, 31), 59),
        (date(2020, 6, 1), date(2025, 6, 1), 60),
    ],
)
def test_completed_months(birth, on, months):
    assert completed_months(birth, on) == months


@pytest.mark.parametrize(
    ("birth", "stage"),
    [
        (date(2025, 6, 2), LifeStage.BAYI),  # 11 months on 2026-06-01
        (date(2025, 6, 1), LifeStage.BALITA),  # exactly 12 months
        (date(2021, 6, 2), LifeStage.BALITA),  # 59 months
        (date(2021, 6, 1), LifeStage.APRAS),  # 60 months
        (date(2020, 6, 1), LifeStage.USIA_SEKOLAH_REMAJA),  # 72 months
        (date(2008, 6, 2), LifeStage.USIA_SEKOLAH_REMAJA),  # 17 y 11 m
        (date(2008, 6, 1), LifeStage.DEWASA),  # 18 y
        (date(1966, 6, 2), LifeStage.DEWASA),  # 59 y 11 m
        (date(1966, 6, 1), LifeStage.LANSIA),  # 60 y
    ],
)
def test_life_stage_boundaries(birth, stage):
    assert life_stage(birth, date(2026, 6, 1)) == stage


def test_pregnancy_and_nifas_take_precedence():
    assert life_stage(date(2000, 1, 1), date(2026, 6, 1), pregnant=True) == LifeStage.IBU_HAMIL
    assert life_stage(date(2009, 1, 1), date(2026, 6, 1), postpartum=True) == LifeStage.IBU_NIFAS


def test_service_before_birth_is_an_error():
    with pytest.raises(ValueError):
        life_stage(date(2026, 6, 2), date(2026, 6, 1))


# --- age bands: the one definition of balita / baduta / bayi ------------------------------


def test_balita_ends_on_the_fifth_birthday():
    birth = date(2021, 6, 15)
    assert is_balita(birth, date(2026, 6, 14))  # 59 months, the day before
    assert not is_balita(birth, date(2026, 6, 15))  # 60 months on the birthday
    assert is_balita(birth, birth)  # 0 months on the day of birth
    assert not is_balita(birth, date(2021, 6, 14))  # not born yet


def test_born_on_29_february():
    birth = date(2020, 2, 29)
    assert is_balita(birth, date(2025, 2, 28))  # no 29 February in 2025: still 59 months
    assert not is_balita(birth, date(2025, 3, 1))
    assert completed_years(birth, date(2021, 2, 28)) == 0
    assert completed_years(birth, date(2021, 3, 1)) == 1
    assert completed_years(birth, date(2024, 2, 29)) == 4


def test_born_on_the_31st():
    birth = date(2025, 1, 31)
    assert is_bayi(birth, date(2025, 12, 31))  # 11 months
    assert not is_bayi(birth, date(2026, 1, 31))
    assert completed_months(birth, date(2025, 4, 30)) == 2  # April has no 31st
    assert completed_months(birth, date(2025, 5, 1)) == 3
    assert is_baduta(birth, date(2027, 1, 30)) and not is_baduta(birth, date(2027, 1, 31))


@pytest.mark.parametrize(
    "on",
    [
        date(2025, 2, 28),
        date(2024, 2, 29),
        date(2024, 3, 1),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
        date(2025, 12, 31),
        date(2026, 1, 1),
    ],
)
@pytest.mark.parametrize("band", [BAYI, BADUTA, BALITA, APRAS, LANSIA])
def test_birth_date_bounds_agree_with_the_age_on_every_day(on, band):
    """The queryset bounds select exactly the people the band holds (every birth day of a
    window around the bounds)."""
    after, on_or_before = born_between_for(band, on)
    assert on_or_before <= on
    lowest = (after or on_or_before) - timedelta(days=400)
    day = lowest
    while day <= on_or_before + timedelta(days=400) and day <= on:
        inside = (after is None or day > after) and day <= on_or_before
        assert inside == in_band(band, day, on), (day, on)
        day += timedelta(days=1)


@pytest.mark.django_db
def test_born_in_q_filters_by_the_same_bounds(world):
    from posyandu.sasaran.models import Sasaran
    from posyandu.sasaran.tests.factories import SasaranFactory

    on = date(2025, 2, 28)
    for born in (date(2020, 2, 28), date(2020, 2, 29), date(2025, 2, 28), date(2025, 3, 1)):
        SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=born, nama=str(born))
    got = set(Sasaran.objects.filter(born_in_q(BALITA, on)).values_list("nama", flat=True))
    assert got == {"2020-02-29", "2025-02-28"}


def test_life_stages_follow_the_bands():
    assert [band for _stage, band in STAGE_BANDS][0] == BAYI
    for months in range(0, 100 * 12):
        stage = life_stage(date(1900, 1, 1), add_months(date(1900, 1, 1), months))
        if stage == LifeStage.BAYI:
            assert BAYI.contains(months)
        elif stage == LifeStage.BALITA:
            assert BALITA.contains(months) and not BAYI.contains(months)
