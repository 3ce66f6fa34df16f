"""The national immunization schedule as data (rules/*.json) and pure functions over it.

No database here. `child_status(birth, given, on)` says, for every dose, whether it is given,
not yet due, due, overdue (catch-up / imunisasi kejar), too late, waiting for an earlier dose
of its series, or not in the programme for this child. IDL, baduta lengkap, BIAS and the
tetanus (Td) status T1-T5 of women of childbearing age build on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from posyandu.core.periods import add_months
from posyandu.core.rules import load_rule
from posyandu.sasaran.life_stage import completed_years

GIVEN, NOT_YET, DUE, OVERDUE, TOO_LATE, WAITING, NOT_APPLICABLE = (
    "given",
    "not_yet",
    "due",
    "overdue",
    "too_late",
    "waiting",
    "not_applicable",
)
ACTIONABLE = (DUE, OVERDUE)  # may be given today


def _load(name: str) -> dict[str, Any]:
    """The body of rules/<name> (jadwal_imunisasi.json, bias.json, td_wus.json)."""
    return load_rule("imunisasi", name.removesuffix(".json")).data


def schedule() -> dict[str, Any]:
    return _load("jadwal_imunisasi.json")


def doses() -> list[dict[str, Any]]:
    return schedule()["doses"]


def dose(code: str) -> dict[str, Any]:
    for d in doses():
        if d["code"] == code:
            return d
    raise KeyError(code)


def add_offset(start: date, offset: dict[str, int]) -> date:
    """start + months (calendar, day clamped to the month's end) + days."""
    return add_months(start, offset.get("months", 0)) + timedelta(days=offset.get("days", 0))


@dataclass(frozen=True)
class DoseStatus:
    code: str
    vaccine: str
    status: str
    earliest: date | None  # None while an earlier dose of the series is missing
    due: date
    due_until: date
    latest: date
    given_on: date | None = None
    given_valid: bool = True  # False when given before its earliest date (counts, flagged)
    given_late: bool = False  # given after its last allowed day (latest): outside the schedule
    waiting_for: str = ""

    @property
    def actionable(self) -> bool:
        return self.status in ACTIONABLE


def applies(d: dict[str, Any], birth: date, province: str = "") -> bool:
    since = d.get("introduced_for_births_from")
    if since and birth < date.fromisoformat(since):
        return False
    endemic = d.get("endemic_provinces")
    return not endemic or province[:2] in endemic


@lru_cache(maxsize=2048)  # about 4.4 MB per 1,000 birth dates
def _dates_by_age(birth: date) -> tuple[tuple[date, date, date, date], ...]:
    """(due, due_until, latest, min_age) of every dose, in schedule order, for a birth date.
    The schedule is read once per process, so a child's dates are the same on every page
    (a session summary computes them for every child of the Posyandu)."""
    catch_up = schedule()["catch_up_until"]
    return tuple(
        (
            add_offset(birth, d["due_age"]),
            add_offset(birth, d["due_until"]),
            add_offset(birth, d.get("latest", catch_up)),
            add_offset(birth, d["min_age"]),
        )
        for d in doses()
    )


def child_status(
    birth: date, given: dict[str, date], on: date, *, province: str = ""
) -> list[DoseStatus]:
    """Every dose of the routine schedule for one child on a day."""
    result: list[DoseStatus] = []
    by_series: dict[tuple[str, int], str] = {(d["series"], d["dose"]): d["code"] for d in doses()}
    for d, (due, due_until, latest, min_age) in zip(doses(), _dates_by_age(birth), strict=True):
        earliest: date | None
        earliest = min_age  # (assigned apart: mypy narrows it to date)
        previous = by_series.get((d["series"], d["dose"] - 1))
        waiting_for = ""
        if previous and applies(dose(previous), birth, province):
            if previous in given:
                gap = d.get("min_interval", {})
                earliest = max(earliest, add_offset(given[previous], gap))
            else:
                earliest, waiting_for = None, previous
        common = {"code": d["code"], "vaccine": d["vaccine"], "due": due}
        common |= {"due_until": due_until, "latest": latest, "waiting_for": waiting_for}
        if d["code"] in given:
            on_day = given[d["code"]]
            valid = earliest is None or on_day >= earliest
            result.append(
                DoseStatus(
                    **common,
                    status=GIVEN,
                    earliest=earliest,
                    given_on=on_day,
                    given_valid=valid,
                    given_late=on_day > latest,
                )
            )
            continue
        if not applies(d, birth, province):
            status = NOT_APPLICABLE
        elif on > latest or (earliest is not None and earliest > latest):
            status = TOO_LATE
        elif earliest is None:
            status = WAITING
        elif on < earliest:
            status = NOT_YET
        elif on <= due_until:
            status = DUE
        else:
            status = OVERDUE
        result.append(DoseStatus(**common, status=status, earliest=earliest))
    return result


# -- a dose given outside its schedule ---------------------------------------------------

TOO_EARLY, PAST_LATEST, TOO_SOON, PREVIOUS_MISSING = (
    "too_early",
    "too_late",
    "too_soon_after_previous",
    "previous_missing",
)


@dataclass(frozen=True)
class TimingIssue:
    """Why a dose given on a day is outside the schedule (warned before saving)."""

    kind: str  # TOO_EARLY | PAST_LATEST | TOO_SOON | PREVIOUS_MISSING
    code: str
    limit: date | None  # earliest allowed day (early, too soon) or last allowed day (late)
    previous: str = ""  # the earlier dose of the series (too soon, missing)
    previous_on: date | None = None


def dose_timing(
    birth: date, given: dict[str, date], code: str, on: date, *, province: str = ""
) -> list[TimingIssue]:
    """What is wrong with giving routine dose `code` on `on` to a child born on `birth` with
    doses `given` (the dose itself excluded): before its minimum age, after its maximum age
    ("terlewat": e.g. rotavirus after 6 months 29 days), before the minimum interval since
    the previous dose of its series, or with that previous dose missing. Empty: on time or
    catch-up (imunisasi kejar) within the rules. Doses outside the routine schedule (BIAS,
    Td) have no timing rules here."""
    try:
        d = dose(code)
    except KeyError:
        return []
    issues: list[TimingIssue] = []
    min_age_day = add_offset(birth, d["min_age"])
    latest = add_offset(birth, d.get("latest", schedule()["catch_up_until"]))
    if on < min_age_day:
        issues.append(TimingIssue(TOO_EARLY, code, min_age_day))
    if on > latest:
        issues.append(TimingIssue(PAST_LATEST, code, latest))
    by_series = {(x["series"], x["dose"]): x["code"] for x in doses()}
    previous = by_series.get((d["series"], d["dose"] - 1))
    if previous and applies(dose(previous), birth, province):
        if previous not in given:
            issues.append(TimingIssue(PREVIOUS_MISSING, code, None, previous))
        else:
            ready = add_offset(given[previous], d.get("min_interval", {}))
            if on < ready:
                issues.append(TimingIssue(TOO_SOON, code, ready, previous, given[previous]))
    return issues


def idl_doses(version: str | None = None) -> list[str]:
    versions = schedule()["idl_versions"]
    if version is None:
        version = next(v for v, spec in versions.items() if spec["default"])
    return versions[version]["doses"]


@dataclass(frozen=True)
class IdlStatus:
    lengkap: bool  # every IDL dose that applies is given
    tepat_waktu: bool  # ... and all of them before the first birthday
    kurang: tuple[str, ...]  # doses still missing
    baduta_lengkap: bool
    baduta_kurang: tuple[str, ...]
    version: str


def idl_status(
    birth: date, given: dict[str, date], *, province: str = "", version: str | None = None
) -> IdlStatus:
    sched = schedule()
    version = version or next(v for v, s in sched["idl_versions"].items() if s["default"])
    needed = [c for c in idl_doses(version) if applies(dose(c), birth, province)]
    missing = tuple(c for c in needed if c not in given)
    by_birthday = add_offset(birth, {"months": sched["idl_by_months"]})
    on_time = not missing and all(given[c] < by_birthday for c in needed)
    baduta_missing = tuple(c for c in sched["baduta_lengkap"] if c not in given)
    return IdlStatus(
        lengkap=not missing,
        tepat_waktu=on_time,
        kurang=missing,
        baduta_lengkap=not baduta_missing,
        baduta_kurang=baduta_missing,
        version=version,
    )


# -- BIAS (school programme) ------------------------------------------------------------


@dataclass(frozen=True)
class BiasDose:
    code: str
    vaccine: str
    grade: int
    month: int
    status: str  # given | due (this month) | not_yet | missed
    given_on: date | None = None


def bias_status(
    birth: date, sex: str, given: dict[str, date], on: date, *, version: str | None = None
) -> list[BiasDose]:
    """BIAS doses by estimated grade (completed years - 6) and month of the school year."""
    spec = load_rule("imunisasi", "bias").variant(version)
    years = completed_years(birth, on)
    grade_now = years - 6
    out = []
    for d in spec["doses"]:
        if d.get("sex") and d["sex"] != sex:
            continue
        if d["code"] in given:
            status = GIVEN
        elif grade_now < d["grade"] or (grade_now == d["grade"] and on.month < d["month"]):
            status = NOT_YET
        elif grade_now == d["grade"] and on.month == d["month"]:
            status = DUE
        else:
            status = "missed"
        out.append(
            BiasDose(d["code"], d["vaccine"], d["grade"], d["month"], status, given.get(d["code"]))
        )
    return out


# -- Td status of women of childbearing age (WUS) ----------------------------------------


@dataclass(frozen=True)
class TdStatus:
    level: int  # 0..5 (T0..T5)
    next_earliest: date | None  # when the next dose may be given; None at T5
    invalid: tuple[date, ...]  # doses given too soon after the previous one (not counted)

    @property
    def label(self) -> str:
        return f"T{self.level}"


def td_status(doses_given: list[date], *, prior_level: int = 0) -> TdStatus:
    """T-status from Td doses: each counts only after its minimum interval from the last
    counted one (T2 >= 4 weeks after T1, T3 >= 6 months, T4 and T5 >= 1 year)."""
    rules = _load("td_wus.json")
    intervals = [r["min"] for r in rules["intervals"]]
    level, last, invalid = prior_level, None, []
    for day in sorted(doses_given):
        if level >= rules["target"]:
            break
        if level == 0 or last is None:
            level, last = level + 1, day
            continue
        if day >= add_offset(last, intervals[level - 1]):
            level, last = level + 1, day
        else:
            invalid.append(day)
    nxt = None
    if level < rules["target"]:
        nxt = add_offset(last, intervals[level - 1]) if last and level >= 1 else None
    return TdStatus(level=level, next_earliest=nxt, invalid=tuple(invalid))
