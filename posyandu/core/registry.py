"""Hooks through which domain apps add to shared screens without importing each other.

The Posyandu day (sesi) and the person page (sasaran) show panels that other apps provide:
immunization, pregnancy care, screenings, growth charts, tasks. An app registers its providers
in its AppConfig.ready(); the screens call `visit_panels` / `history_panels`. The same way:
who is expected at a session (`expected_at_session`), the words for a referral rule code
(`reason_label`), a check-in seen from below sesi (`visit_lookup`), and how a merge joins two
rows of one model (`merge_resolver`), the follow-up tasks a home visit answers
(`register_task_source`), which records can be corrected or voided (`register_correctable`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist


@dataclass(frozen=True)
class Panel:
    """A section of a page: a template rendered with its own context."""

    key: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50
    # due at this visit: the visit page opens it; what is not due (done today, nothing to
    # give) stays a closed section the kader can still open
    due: bool = True
    # what the visit's result box at the top must say about the saved measurement (danger
    # values of a pregnant woman, with "Create referral"): a template of the panel's context
    alert: str = ""


@dataclass(frozen=True)
class MaternalState:
    pregnant: bool = False
    postpartum: bool = False  # nifas: up to 42 days after delivery


# provider(request, sasaran, on, kunjungan_or_None) -> panels due at this visit
VisitPanelProvider = Callable[[Any, Any, date, Any], list[Panel]]
# provider(request, sasaran) -> sections of the person's history page
HistoryPanelProvider = Callable[[Any, Any], list[Panel]]
# provider(sasaran, on) -> whether the person is pregnant or in nifas on that day
MaternalStateProvider = Callable[[Any, date], MaternalState]

_visit: list[VisitPanelProvider] = []
_history: list[HistoryPanelProvider] = []
_maternal: list[MaternalStateProvider] = []


def register_visit_panels(provider: VisitPanelProvider) -> VisitPanelProvider:
    if provider not in _visit:
        _visit.append(provider)
    return provider


def register_history_panels(provider: HistoryPanelProvider) -> HistoryPanelProvider:
    if provider not in _history:
        _history.append(provider)
    return provider


def register_maternal_state(provider: MaternalStateProvider) -> MaternalStateProvider:
    if provider not in _maternal:
        _maternal.append(provider)
    return provider


def visit_panels(request: Any, sasaran: Any, on: date, kunjungan: Any = None) -> list[Panel]:
    panels = [p for provider in _visit for p in provider(request, sasaran, on, kunjungan)]
    return sorted(panels, key=lambda p: (p.order, p.key))


def history_panels(request: Any, sasaran: Any) -> list[Panel]:
    panels = [p for provider in _history for p in provider(request, sasaran)]
    return sorted(panels, key=lambda p: (p.order, p.key))


def maternal_state(sasaran: Any, on: date) -> MaternalState:
    states = [provider(sasaran, on) for provider in _maternal]
    return MaternalState(
        pregnant=any(s.pregnant for s in states), postpartum=any(s.postpartum for s in states)
    )


# provider(posyandu, on, came_ids) -> sections of the session summary listing the people due a
# service at that session (ANC contact, immunization dose) who have not checked in
ExpectedProvider = Callable[[Any, date, set[int]], list[Panel]]
_expected: list[ExpectedProvider] = []


def register_expected_at_session(provider: ExpectedProvider) -> ExpectedProvider:
    if provider not in _expected:
        _expected.append(provider)
    return provider


def expected_at_session(posyandu: Any, on: date, came_ids: set[int]) -> list[Panel]:
    """Who is expected at the session of `posyandu` on `on` and has not come, per service."""
    panels = [p for provider in _expected for p in provider(posyandu, on, came_ids)]
    return sorted(panels, key=lambda p: (p.order, p.key))


# provider(code) -> the words for a referral rule code the provider owns, else None (e.g.
# "srq20:risiko" of a screening); referrals show them without knowing the rules' owners
ReasonLabelProvider = Callable[[str], str | None]
_reason_labels: list[ReasonLabelProvider] = []


def register_reason_labels(provider: ReasonLabelProvider) -> ReasonLabelProvider:
    if provider not in _reason_labels:
        _reason_labels.append(provider)
    return provider


def reason_label(code: str) -> str | None:
    return next((t for t in (p(code) for p in _reason_labels) if t is not None), None)


@dataclass(frozen=True)
class VisitRef:
    """A check-in of the Posyandu day as the apps below sesi see it: its date and its page."""

    tanggal: date
    url: str


# lookup(user, public_id) -> the check-in with that id the user may see, else None
VisitLookup = Callable[[Any, str], VisitRef | None]
_visit_lookups: list[VisitLookup] = []


def register_visit_lookup(lookup: VisitLookup) -> VisitLookup:
    if lookup not in _visit_lookups:
        _visit_lookups.append(lookup)
    return lookup


def visit_lookup(user: Any, public_id: str) -> VisitRef | None:
    return next((v for v in (f(user, public_id) for f in _visit_lookups) if v is not None), None)


# resolver(pk, field, keep) -> rows moved (0 or 1): merging two people, the row `pk` of the
# resolver's model could not be re-pointed at `keep` because `keep` already has its equivalent
# (a unique constraint); the model's owner decides how the two rows become one
MergeResolver = Callable[[int, str, Any], int]
_merge_resolvers: dict[str, MergeResolver] = {}


def register_merge_resolver(model_label: str, resolver: MergeResolver) -> MergeResolver:
    _merge_resolvers[model_label] = resolver
    return resolver


def merge_resolver(model_label: str) -> MergeResolver | None:
    return _merge_resolvers.get(model_label)


@dataclass(frozen=True)
class TaskSource:
    """Follow-up tasks as the home-visit screens (kunjungan_rumah, below tugas) see them. A
    task has `public_id`, `sasaran`, `sasaran_id` and `reason`; tugas registers the source."""

    # (user, sasaran_ids, today) -> open tasks of those people the user may see
    open_of_people: Callable[[Any, list[int], date], list[Any]]
    # (user, public_id) -> the task; raises ObjectDoesNotExist when missing or out of scope
    get: Callable[[Any, Any], Any]
    # (home visit) -> the tasks it closed
    closed_by_visit: Callable[[Any], list[Any]]
    # () -> the address of the user's own task list ("My tasks"), linked from the visit list
    list_url: Callable[[], str] | None = None


_task_sources: list[TaskSource] = []


def register_task_source(source: TaskSource) -> TaskSource:
    if source not in _task_sources:
        _task_sources.append(source)
    return source


def open_tasks_of_people(user: Any, sasaran_ids: list[int], today: date) -> list[Any]:
    return [t for s in _task_sources for t in s.open_of_people(user, sasaran_ids, today)]


def task_get(user: Any, public_id: Any) -> Any:
    for source in _task_sources:
        try:
            return source.get(user, public_id)
        except ObjectDoesNotExist:
            continue
    raise ObjectDoesNotExist(f"No task {public_id}")


def tasks_closed_by_visit(visit: Any) -> list[Any]:
    return [t for s in _task_sources for t in s.closed_by_visit(visit)]


def task_list_url() -> str | None:
    """The "My tasks" page of the app that provides tasks (None without one)."""
    return next((s.list_url() for s in _task_sources if s.list_url is not None), None)


@dataclass(frozen=True)
class Correctable:
    """A model whose records can be corrected (edited) or voided ("batalkan") with a reason.

    The owning app registers it in its AppConfig.ready(); the correction screens (sesi) and
    `core.corrections` ask the registry, so no app imports upwards to correct another's rows.
    """

    model: Any  # the model class
    title: Any  # what one record is called (a lazy translation), e.g. "measurement"
    # fields(record) -> the fields a correction may change (the form shows these)
    fields: Callable[[Any], list[str]]
    # path from the record to its person (Sasaran), for the history and the return link
    person: str = "sasaran"
    # the foreign key to a parent record: voiding the parent voids this record too (a check-in
    # voids what was recorded at it)
    part_of: str = ""
    # apply(record, changes) -> sets the changes and what follows from them (a measurement is
    # evaluated again); None sets the fields as they are
    apply: Callable[[Any, dict[str, Any]], None] | None = None
    # parts(record) -> other records voided with this one that do not point at it by `part_of`
    parts: Callable[[Any], list[Any]] | None = None
    # the page to return to after a correction (e.g. the visit page), else the person's page
    return_url: Callable[[Any], str | None] | None = None

    @property
    def label(self) -> str:
        return str(self.model._meta.label)


_correctables: dict[str, Correctable] = {}


def register_correctable(spec: Correctable) -> Correctable:
    _correctables[spec.label] = spec
    return spec


def correctable(label: str) -> Correctable | None:
    """The registration of a model label ("sesi.Pengukuran"), None if it is not correctable."""
    return _correctables.get(label)


def correctables() -> list[Correctable]:
    return list(_correctables.values())


# provider(sasaran, on) -> facts (label, value in words) a clinician reads at a glance on an
# incoming referral: latest measurement and z-scores (sesi), pregnancy week (kia)
ReferralFactsProvider = Callable[[Any, date], list[tuple[str, str]]]
_referral_facts: list[ReferralFactsProvider] = []


def register_referral_facts(provider: ReferralFactsProvider) -> ReferralFactsProvider:
    if provider not in _referral_facts:
        _referral_facts.append(provider)
    return provider


def referral_facts(sasaran: Any, on: date) -> list[tuple[str, str]]:
    return [fact for provider in _referral_facts for fact in provider(sasaran, on)]
