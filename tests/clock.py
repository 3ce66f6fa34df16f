"""The day every test runs on (conftest.py travels there before each test), so no result
depends on when the suite runs: month ends, leap years, vitamin A months, a birthday.

TEST_TODAY=YYYY-MM-DD moves it, to check that claim. Test modules that need the day at import
time (module constants) take it from here rather than from the real clock.
"""

import os
from datetime import date

TODAY = date.fromisoformat(os.environ.get("TEST_TODAY", "2026-09-16"))
