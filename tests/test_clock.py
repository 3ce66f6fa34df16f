"""The suite's clock (conftest._fixed_today): every test starts on tests.clock.TODAY."""

import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.clock import TODAY

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_every_test_starts_on_the_fixed_day_at_ten_in_jakarta():
    now = timezone.localtime()
    assert (now.date(), now.hour, now.minute) == (TODAY, 10, 0)
    assert datetime.now(JAKARTA).date() == timezone.localdate() == TODAY


def test_the_clock_ticks_so_saved_records_keep_their_order():
    first = timezone.now()
    time.sleep(0.002)
    assert timezone.now() > first


def test_a_test_can_travel_further():
    with time_machine.travel(date(2025, 1, 31), tick=False):
        assert timezone.localdate() == date(2025, 1, 31)
    assert timezone.localdate() == TODAY


@pytest.mark.time_machine(datetime(2024, 2, 29, 9, 0, tzinfo=JAKARTA))
def test_the_time_machine_marker_wins_over_the_fixed_day():
    assert timezone.localdate() == date(2024, 2, 29)
