"""Monthly targets (rules/targets.json) per Posyandu and per kader, and their progress.

Each metric is computed for many Posyandu (or kader) at once with one grouped query, like the
aggregate targets CHT shows supervisors: under-target rows are highlighted.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from posyandu.accounts.models import Assignment
from posyandu.accounts.scope import is_kader, kader_assignments, restrict, scope_for
from posyandu.core.disclosure import counts_only
from posyandu.core.periods import current_month, first_day, month_bounds, month_index, parse_period
from posyandu.core.rules import load_rule
from posyandu.fasilitas.models import Posyandu
from posyandu.kunjungan_rumah.models import KunjunganRumah
from posyandu.sesi import skdn
from posyandu.tugas.models import Tugas

LABELS = {
    "ds": _("Balita weighed (D/S)"),
    "imunisasi_dikunjungi": _("Overdue immunizations followed up"),
    "2t_7_hari": _("2T children visited within 7 days"),
    "gizi_dikunjungi": _("Wasted children visited within 7 days"),
    "kunjungan_rumah": _("Home visits this month"),
    "tugas_ditutup": _("Tasks closed by home visits"),
}


@dataclass(frozen=True)
class Target:
    code: str
    metric: str
    params: dict[str, Any]
    threshold: float
    kind: str  # ratio | count

    @property
    def label(self) -> str:
        return str(LABELS.get(self.code, self.code))


@dataclass(frozen=True)
class Progress:
    target: Target
    numerator: int
    denominator: int | None  # None for counts

    @property
    def value(self) -> float | None:
        if self.denominator is None:
            return float(self.numerator)
        return self.numerator / self.denominator if self.denominator else None

    @property
    def met(self) -> bool:
        # Nothing to do (no 2T child this month) counts as met.
        return self.value is None or self.value >= self.target.threshold

    @property
    def counts_only(self) -> bool:
        """A denominator too small for a percentage, as on the dashboards."""
        return bool(self.denominator) and counts_only(self.denominator)

    @property
    def percent(self) -> int | None:
        return None if self.value is None or self.denominator is None else round(self.value * 100)

    @property
    def bar(self) -> int:
        """Width of the progress bar in percent of the target."""
        if self.value is None:
            return 100
        return (
            min(100, round(100 * self.value / self.target.threshold))
            if self.target.threshold
            else 100
        )


@cache
def _data() -> dict[str, Any]:
    return load_rule("tugas", "targets").data


def definitions() -> dict[str, list[Target]]:
    return {
        level: [
            Target(t["code"], t["metric"], t.get("params", {}), float(t["threshold"]), t["kind"])
            for t in _data()[level]
        ]
        for level in ("posyandu", "kader")
    }


def month_of(raw: str | None) -> date:
    """The first day of the month 'YYYY-MM' (this month when absent or malformed)."""
    try:
        return first_day(parse_period(raw or ""))
    except ValueError:
        return first_day(current_month())


# --- Posyandu metrics: {posyandu_id: (numerator, denominator)} -------------------------


def ds_ratio(ids: list[int], month: date, params: dict[str, Any]) -> dict[int, tuple[int, int]]:
    """D/S of the month as the session summary and the reports count it (sesi.skdn): a child
    who moved away after the month still counts in it."""
    skd = skdn.skd_by_posyandu(ids, month_index(month))
    return {pid: (d, s) for pid, (s, _k, d) in skd.items()}


def _rule_tasks(ids: list[int], month: date, rule: str) -> Any:
    start, end = month_bounds(month)
    return Tugas.objects.filter(posyandu_id__in=ids, aturan=rule, mulai__range=(start, end))


def tasks_closed_share(
    ids: list[int], month: date, params: dict[str, Any]
) -> dict[int, tuple[int, int]]:
    """Tasks of a rule open at some time this month (shown by its end, not closed or expired
    before it began: an overdue task carried over from last month counts), and of them those
    closed by the month's end (visit or service given). A person who moved away or died
    counts in neither."""
    start, end = month_bounds(month)
    rows = (
        Tugas.objects.filter(posyandu_id__in=ids, aturan=params["rule"], mulai__lte=end)
        .filter(Q(status=Tugas.Status.TERBUKA) | Q(selesai_pada__gte=start))
        .exclude(cara_selesai=Tugas.Cara.TIDAK_BERLAKU)
        .values("posyandu_id")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(status=Tugas.Status.SELESAI, selesai_pada__lte=end)),
        )
    )
    return {row["posyandu_id"]: (row["done"], row["n"]) for row in rows}


def tasks_closed_within(
    ids: list[int], month: date, params: dict[str, Any]
) -> dict[int, tuple[int, int]]:
    """Tasks of a rule shown this month closed within `days` of their reference date."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    limit = timedelta(days=int(params["days"]))
    rows = _rule_tasks(ids, month, params["rule"]).values_list(
        "posyandu_id", "status", "tanggal_acuan", "selesai_pada"
    )
    for posyandu_id, status, anchor, closed in rows:
        out[posyandu_id][1] += 1
        if status == Tugas.Status.SELESAI and closed is not None and closed <= anchor + limit:
            out[posyandu_id][0] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


POSYANDU_METRICS = {
    "ds_ratio": ds_ratio,
    "tasks_closed_share": tasks_closed_share,
    "tasks_closed_within": tasks_closed_within,
}


# --- Kader metrics: {user_id: count} -----------------------------------------------------


def home_visits(user_ids: list[int], month: date, params: dict[str, Any]) -> dict[int, int]:
    start, end = month_bounds(month)
    rows = (
        KunjunganRumah.objects.filter(petugas_id__in=user_ids, tanggal__range=(start, end))
        .values("petugas_id")
        .annotate(n=Count("id"))
    )
    return {row["petugas_id"]: row["n"] for row in rows}


def tasks_closed_by_visits(
    user_ids: list[int], month: date, params: dict[str, Any]
) -> dict[int, int]:
    start, end = month_bounds(month)
    # The month's visits first, then their tasks by id: no join (a household's visit and a
    # person's task may live in two kab/kota, docs/scaling.md). A task closes on its visit's day.
    visitor = dict(
        KunjunganRumah.objects.filter(
            petugas_id__in=user_ids, tanggal__range=(start, end)
        ).values_list("id", "petugas_id")
    )
    rows = (
        Tugas.objects.filter(
            kunjungan_rumah_id__in=list(visitor),
            cara_selesai=Tugas.Cara.KUNJUNGAN_RUMAH,
            selesai_pada__range=(start, end),
        )
        .values("kunjungan_rumah_id")
        .annotate(n=Count("id"))
    )
    closed: dict[int, int] = {}
    for row in rows:
        user = visitor[row["kunjungan_rumah_id"]]
        closed[user] = closed.get(user, 0) + row["n"]
    return closed


KADER_METRICS = {"home_visits": home_visits, "tasks_closed_by_visits": tasks_closed_by_visits}


@dataclass
class Row:
    name: str
    place: str
    progress: list[Progress]

    @property
    def all_met(self) -> bool:
        return all(p.met for p in self.progress)


def posyandu_rows(posyandu: list[Posyandu], month: date) -> list[Row]:
    ids = [p.pk for p in posyandu]
    targets = definitions()["posyandu"]
    values = {t.code: POSYANDU_METRICS[t.metric](ids, month, t.params) for t in targets}
    return [
        Row(
            name=p.nama,
            place=p.desa.nama,
            progress=[Progress(t, *values[t.code].get(p.pk, (0, 0))) for t in targets],
        )
        for p in posyandu
    ]


def kader_rows(assignments: list[Assignment], month: date) -> list[Row]:
    user_ids = [a.user_id for a in assignments]
    targets = definitions()["kader"]
    values = {t.code: KADER_METRICS[t.metric](user_ids, month, t.params) for t in targets}
    return [
        Row(
            name=a.user.get_full_name() or a.user.username,
            place=a.posyandu.nama if a.posyandu is not None else "",  # kader: always set
            progress=[Progress(t, values[t.code].get(a.user_id, 0), None) for t in targets],
        )
        for a in assignments
    ]


def posyandu_progress(*, user: Any, month: date, limit: int = 300) -> list[Row]:
    qs = restrict(Posyandu.objects.select_related("desa"), user, "aggregate").order_by(
        "desa_id", "nama"
    )
    return posyandu_rows(list(qs[:limit]), month)


def kader_progress(*, user: Any, month: date, limit: int = 300) -> list[Row]:
    """Per kader (names are personal data: only with personal access to their Posyandu)."""
    if not scope_for(user).personal:
        return []
    allowed = restrict(Posyandu.objects.all(), user, "personal").values("id")
    qs = (
        kader_assignments(posyandu_id__in=allowed)
        .select_related("user", "posyandu")
        .order_by("posyandu__nama", "user__username")
    )
    return kader_rows(list(qs[:limit]), month)


def progress_for_user(*, user: Any, month: date) -> dict[str, list[Row]] | None:
    """A kader's own targets and their Posyandu's, for the top of 'My tasks'."""
    if not is_kader(user):
        return None
    mine = list(kader_assignments(user=user).select_related("user", "posyandu"))
    posyandu = list(
        Posyandu.objects.filter(id__in=[a.posyandu_id for a in mine]).select_related("desa")
    )
    return {"kader": kader_rows(mine, month), "posyandu": posyandu_rows(posyandu, month)}
