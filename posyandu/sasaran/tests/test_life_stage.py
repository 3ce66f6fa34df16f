from datetime import date

import pytest

from posyandu.sasaran.life_stage import LifeStage, completed_months, life_stage


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
