"""The task engine: rules over snapshots -> task specs -> rows of Tugas.

`evaluate` is pure (one person, one day). `recompute` runs it for some people (a record
listener) or everyone (the nightly command) with the same few set-based queries, then
creates new tasks, resolves tasks whose condition is gone and expires overdue ones in bulk.
A listener that knows which kind of record changed (`facts`) recomputes only the rules whose
condition reads it, loading only what those read: a measurement saved reads no doses,
pregnancies or screenings. The tasks of the other rules keep their state until a change
they read, or the nightly run (which also expires them).
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from posyandu.core.colocation import fill_kabkota
from posyandu.core.periods import month_bounds
from posyandu.sasaran.life_stage import completed_months
from posyandu.tugas.conditions import CONDITION_READS, CONDITIONS
from posyandu.tugas.models import Tugas
from posyandu.tugas.ruleset import Rule, RuleSet, ruleset
from posyandu.tugas.snapshot import FACTS, Person, chunks, load_people

Key = tuple[int, str, str]  # sasaran_id, aturan, kunci


@dataclass(frozen=True)
class TaskSpec:
    sasaran_id: int
    posyandu_id: int
    desa_id: str
    rule: Rule
    kunci: str
    anchor: date
    start: date
    due: date
    expires: date
    params: dict[str, Any]

    @property
    def key(self) -> Key:
        return (self.sasaran_id, self.rule.code, self.kunci)


def _targets(rule: Rule, person: Person, today: date) -> bool:
    if rule.sex and person.jenis_kelamin != rule.sex:
        return False
    if rule.min_age_months is None and rule.max_age_months is None:
        return True
    months = completed_months(person.tanggal_lahir, today)
    if rule.min_age_months is not None and months < rule.min_age_months:
        return False
    return rule.max_age_months is None or months <= rule.max_age_months


def evaluate(person: Person, today: date, rules: RuleSet | None = None) -> list[TaskSpec]:
    """The tasks this person should have open today (shown already, not yet expired)."""
    specs = []
    for rule in (rules or ruleset()).rules:
        if not _targets(rule, person, today):
            continue
        for hit in CONDITIONS[rule.condition](person, today, rule.params):
            start = hit.start or hit.anchor + timedelta(days=rule.start_days)
            due = hit.due or hit.anchor + timedelta(days=rule.due_days)
            if hit.expires:
                expires = hit.expires
            elif rule.expire_end_of_month:
                expires = month_bounds(hit.anchor)[1]
            else:
                expires = hit.anchor + timedelta(days=rule.expire_days or 0)
            due = min(due, expires)
            if not (start <= today <= expires):
                continue
            specs.append(
                TaskSpec(
                    sasaran_id=person.id,
                    posyandu_id=person.posyandu_id,
                    desa_id=person.desa_id,
                    rule=rule,
                    kunci=hit.kunci,
                    anchor=hit.anchor,
                    start=start,
                    due=due,
                    expires=expires,
                    params=hit.params,
                )
            )
    return specs


def first_due(spec: TaskSpec, today: date) -> date:
    """The due date of a task that appears today: its schedule's; but a task that would be
    overdue the moment it appears (a baby registered at 40 days, whose BCG has been due since
    day 30) gets the rule's time to act counted from today, up to its expiry."""
    if spec.due >= today:
        return spec.due
    time_to_act = timedelta(days=max(spec.rule.due_days - spec.rule.start_days, 0))
    return max(min(today + time_to_act, spec.expires), today)


@dataclass
class RecomputeResult:
    people: int = 0
    created: int = 0
    resolved: int = 0
    expired: int = 0
    not_applicable: int = 0
    open: int = 0


def _tasks_of(ids: list[int] | None, codes: list[str] | None) -> Iterable[Any]:
    tasks = Tugas.objects.all() if codes is None else Tugas.objects.filter(aturan__in=codes)
    if ids is None:
        return [tasks]
    return [tasks.filter(sasaran_id__in=chunk) for chunk in chunks(ids)]


def rules_reading(facts: frozenset[str]) -> RuleSet:
    """The rules whose condition reads one of these facts."""
    rules = ruleset()
    return replace(
        rules, rules=tuple(r for r in rules.rules if CONDITION_READS[r.condition] & facts)
    )


def recompute(
    sasaran_ids: Iterable[int] | None = None,
    today: date | None = None,
    facts: frozenset[str] = FACTS,
) -> RecomputeResult:
    """Bring the tasks of these people (None: everyone) in line with their records; with
    `facts` (the kinds of records that changed), only the tasks of the rules reading them."""
    if sasaran_ids is None:  # everyone: streamed reads, whose cursors live in a transaction
        with transaction.atomic():
            return _recompute(None, today, facts)
    return _recompute(sasaran_ids, today, facts)


def _recompute(
    sasaran_ids: Iterable[int] | None, today: date | None, facts: frozenset[str]
) -> RecomputeResult:
    today = today or timezone.localdate()
    ids = sorted(set(sasaran_ids)) if sasaran_ids is not None else None
    partial = facts != FACTS
    rules = rules_reading(facts) if partial else ruleset()
    if not rules.rules:
        return RecomputeResult()
    read = frozenset().union(*(CONDITION_READS[r.condition] for r in rules.rules))
    people = load_people(ids, today, read)
    wanted: dict[Key, TaskSpec] = {}
    for person in people.values():
        for spec in evaluate(person, today, rules):
            wanted[spec.key] = spec

    known: set[Key] = set()
    open_rows: list[tuple[int, Key, date]] = []
    for qs in _tasks_of(ids, [r.code for r in rules.rules] if partial else None):
        rows = qs.values_list("id", "sasaran_id", "aturan", "kunci", "status", "kedaluwarsa")
        # everyone: streamed; a few people (a listener): one plain fetch, not a server-side
        # cursor's three round trips
        found = rows.iterator(chunk_size=5000) if ids is None else rows
        for pk, sid, aturan, kunci, status, expires in found:
            known.add((sid, aturan, kunci))
            if status == Tugas.Status.TERBUKA:
                open_rows.append((pk, (sid, aturan, kunci), expires))

    result = RecomputeResult(people=len(people))
    new = [
        Tugas(
            sasaran_id=s.sasaran_id,
            posyandu_id=s.posyandu_id,
            desa_id=s.desa_id,
            aturan=s.rule.code,
            aturan_versi=s.rule.version,
            kunci=s.kunci,
            prioritas=s.rule.priority,
            untuk=s.rule.assign_to,
            params=s.params,
            tanggal_acuan=s.anchor,
            mulai=s.start,
            jatuh_tempo=first_due(s, today),
            kedaluwarsa=s.expires,
        )
        for key, s in wanted.items()
        if key not in known
    ]
    resolved: list[int] = []
    expired: list[int] = []
    gone: list[int] = []
    for pk, key, expires in open_rows:
        if key[0] not in people:
            gone.append(pk)
        elif key not in wanted:
            (expired if today > expires else resolved).append(pk)
        elif today > expires:
            expired.append(pk)
    # The writes as one unit; the reads above need none (each sees what has committed, as
    # it would inside a READ COMMITTED transaction), so a recompute that changes nothing
    # costs no BEGIN and COMMIT.
    if new or resolved or gone or expired:
        with transaction.atomic():
            fill_kabkota(new)
            Tugas.objects.bulk_create(new, batch_size=1000)
            for pks, status, cara in (
                (resolved, Tugas.Status.SELESAI, Tugas.Cara.LAYANAN),
                (gone, Tugas.Status.SELESAI, Tugas.Cara.TIDAK_BERLAKU),
                (expired, Tugas.Status.KEDALUWARSA, ""),
            ):
                for chunk in chunks(pks):
                    Tugas.objects.filter(id__in=chunk).update(
                        status=status, cara_selesai=cara, selesai_pada=today
                    )
    result.created = len(new)
    result.resolved, result.expired, result.not_applicable = len(resolved), len(expired), len(gone)
    result.open = len(open_rows) - len(resolved) - len(expired) - len(gone) + len(new)
    return result
