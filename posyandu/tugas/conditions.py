"""The named conditions a rule can use: pure functions of a person's snapshot and a day.

Each returns the hits (zero, one or several): what the task is about (`kunci`), the reference
date its offsets count from, and the values its reason sentence shows. A condition may set the
start, due and expiry dates itself (visit windows). No database access here, so every rule can
be tested at its boundary days with plain objects.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from posyandu.core.periods import day_in_month, month_bounds, month_index
from posyandu.tugas.snapshot import (
    IMUNISASI,
    KIA,
    KUNJUNGAN_RUMAH,
    PENGUKURAN,
    RUJUKAN,
    SESI,
    SKRINING,
    Person,
)


@dataclass(frozen=True)
class Hit:
    kunci: str
    anchor: date
    params: dict[str, Any] = field(default_factory=dict)
    start: date | None = None
    due: date | None = None
    expires: date | None = None


Condition = Callable[[Person, date, dict[str, Any]], list[Hit]]
CONDITIONS: dict[str, Condition] = {}
# The facts of the snapshot each condition reads (besides the person's own fields): a change
# of another kind of record cannot change its hits.
CONDITION_READS: dict[str, frozenset[str]] = {}


def condition(name: str, *reads: str) -> Callable[[Condition], Condition]:
    def register(fn: Condition) -> Condition:
        CONDITIONS[name] = fn
        CONDITION_READS[name] = frozenset(reads)
        return fn

    return register


def fmt(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _referred_since(person: Person, day: date) -> bool:
    return any(r.tanggal >= day for r in person.referrals)


@condition("not_weighed_this_month", PENGUKURAN, SESI)
def not_weighed_this_month(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """No weight recorded this calendar month, once this month's Posyandu day has passed
    (or, with no session recorded, after `fallback_day`)."""
    month_start, _end = month_bounds(today)
    if person.weighed_since(month_start):
        return []
    fallback = day_in_month(month_index(today), int(params.get("fallback_day", 20)))
    hari_buka = person.hari_buka or fallback
    if person.tanggal_lahir > hari_buka:
        return []  # born after the Posyandu day: first weighing is next month
    return [Hit(kunci=f"{today:%Y-%m}", anchor=hari_buka, params={"hari_buka": fmt(hari_buka)})]


def _weighings(person: Person) -> list:
    return [m for m in person.measurements if m.berat]


@condition("two_t", PENGUKURAN)
def two_t(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """The last two weighings were both T (weight not up enough, two months running)."""
    weighed = [m for m in _weighings(person) if m.status_bb]
    if len(weighed) < 2 or weighed[-1].status_bb != "T" or weighed[-2].status_bb != "T":
        return []
    last = weighed[-1]
    if any(m.tanggal > last.tanggal for m in _weighings(person)):
        return []
    return [
        Hit(
            kunci=last.tanggal.isoformat(),
            anchor=last.tanggal,
            params={"tanggal": fmt(last.tanggal)},
        )
    ]


@condition("wasting", PENGUKURAN)
def wasting(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """The latest weight-for-length category (within `within_days`) is one of `categories`."""
    measured = [m for m in person.measurements if m.wfl]
    if not measured:
        return []
    last = measured[-1]
    if (today - last.tanggal).days > int(params.get("within_days", 45)):
        return []
    if last.wfl not in params["categories"]:
        return []
    return [
        Hit(
            kunci=last.tanggal.isoformat(),
            anchor=last.tanggal,
            params={"kategori": last.wfl, "tanggal": fmt(last.tanggal)},
        )
    ]


@condition("new_stunting", PENGUKURAN)
def new_stunting(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """The latest length-for-age is stunted and the one before (if any) was not."""
    measured = [m for m in person.measurements if m.lfa]
    if not measured:
        return []
    last, stunted = measured[-1], set(params["categories"])
    if (today - last.tanggal).days > int(params.get("within_days", 45)):
        return []
    if last.lfa not in stunted or (len(measured) > 1 and measured[-2].lfa in stunted):
        return []
    return [
        Hit(
            kunci=last.tanggal.isoformat(),
            anchor=last.tanggal,
            params={"kategori": last.lfa, "tanggal": fmt(last.tanggal)},
        )
    ]


@condition("high_bp_not_referred", PENGUKURAN, RUJUKAN)
def high_bp_not_referred(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """The latest blood pressure is >= systolic/diastolic and no referral since."""
    measured = [m for m in person.measurements if m.sistole is not None and m.diastole is not None]
    if not measured:
        return []
    last = measured[-1]
    if (today - last.tanggal).days > int(params.get("within_days", 60)):
        return []
    if last.sistole < params["systolic"] and last.diastole < params["diastolic"]:
        return []
    if _referred_since(person, last.tanggal):
        return []
    return [
        Hit(
            kunci=last.tanggal.isoformat(),
            anchor=last.tanggal,
            params={
                "sistole": last.sistole,
                "diastole": last.diastole,
                "tanggal": fmt(last.tanggal),
            },
        )
    ]


@condition("referral_without_feedback", RUJUKAN)
def referral_without_feedback(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """Each open referral (sent or received, no feedback date) is a hit, shown `after_days`
    after it was sent (the referral rule's escalation deadline)."""
    days = int(params.get("after_days", 7))
    return [
        Hit(
            kunci=f"rujukan:{r.public_id}",
            anchor=r.tanggal,
            params={"tanggal": fmt(r.tanggal), "hari": days},
            start=r.tanggal + timedelta(days=days),
        )
        for r in person.referrals
        if r.status in ("dikirim", "diterima") and r.tanggal_umpan_balik is None
    ]


# --- Conditions over facts other apps load into Person.extra (see tugas.loaders) ---------


@condition("immunization_overdue", IMUNISASI)
def immunization_overdue(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """extra["imunisasi_terlambat"]: [(kode, label, overdue_since)]."""
    return [
        Hit(
            kunci=f"imunisasi:{kode}", anchor=since, params={"vaksin": label, "tanggal": fmt(since)}
        )
        for kode, label, since in person.extra.get("imunisasi_terlambat", [])
        if since <= today
    ]


@condition("anc_missed", KIA)
def anc_missed(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """extra["anc_terlewat"]: [(kunci, label, due_by)] of ANC contacts not made in time."""
    grace = timedelta(days=int(params.get("grace_days", 0)))
    return [
        Hit(
            kunci=f"anc:{kunci}",
            anchor=due + grace,
            params={"kunjungan": label, "tanggal": fmt(due)},
        )
        for kunci, label, due in person.extra.get("anc_terlewat", [])
        if due + grace < today
    ]


@condition("pregnancy_high_risk", KIA)
def pregnancy_high_risk(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """extra["kehamilan_risiko"]: [(kunci, risks in words, since)] for current pregnancies."""
    return [
        Hit(kunci=f"risiko:{kunci}", anchor=since, params={"risiko": risks})
        for kunci, risks, since in person.extra.get("kehamilan_risiko", [])
    ]


def _window_hits(
    prefix: str, event: date, windows: list, done: set[str], visits: list[date], today: date
) -> list[Hit]:
    hits = []
    for code, first, last in windows:
        start, due = event + timedelta(days=first), event + timedelta(days=last)
        if code in done or any(start <= v <= due for v in visits):
            continue
        hits.append(
            Hit(
                kunci=f"{prefix}:{event.isoformat()}:{code}",
                anchor=start,
                params={"kunjungan": code, "tanggal": fmt(event)},
                start=start,
                due=due,
                expires=due,
            )
        )
    return hits


@condition("postnatal_visit_due", KIA, KUNJUNGAN_RUMAH)
def postnatal_visit_due(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """extra["persalinan"]: [(delivery_date, {done visit codes})]; a task per KF window not
    yet made, shown during the window (a home visit in the window counts)."""
    hits = []
    for delivered, done in person.extra.get("persalinan", []):
        hits += _window_hits(
            "kf", delivered, params["windows"], set(done), person.home_visits, today
        )
    return hits


@condition("newborn_visit_due", KIA, KUNJUNGAN_RUMAH)
def newborn_visit_due(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """A task per KN window of a newborn not visited yet (extra["kn_selesai"]: done codes)."""
    done = set(person.extra.get("kn_selesai", ()))
    return _window_hits(
        "kn", person.tanggal_lahir, params["windows"], done, person.home_visits, today
    )


@condition("diabetes_not_referred", SKRINING, RUJUKAN)
def diabetes_not_referred(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """extra["diabetes"]: [(tanggal, nilai)] screenings classed as diabetes; the latest
    within `within_days` with no referral since."""
    found = sorted(person.extra.get("diabetes", []))
    if not found:
        return []
    day, value = found[-1]
    if (today - day).days > int(params.get("within_days", 60)) or _referred_since(person, day):
        return []
    return [Hit(kunci=day.isoformat(), anchor=day, params={"nilai": value, "tanggal": fmt(day)})]


@condition("elderly_dependency", SKRINING)
def elderly_dependency(person: Person, today: date, params: dict[str, Any]) -> list[Hit]:
    """extra["adl"]: [(tanggal, skor, dependent)]; the latest ADL within `within_days` shows
    dependency."""
    found = sorted(person.extra.get("adl", []))
    if not found:
        return []
    day, score, dependent = found[-1]
    if not dependent or (today - day).days > int(params.get("within_days", 365)):
        return []
    return [Hit(kunci=day.isoformat(), anchor=day, params={"skor": score, "tanggal": fmt(day)})]
