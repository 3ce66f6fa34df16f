"""Reads for the session summary and the register: SKDN of a Posyandu month, who came,
who is expected and has not come (domain-ilp 2.3)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from posyandu.core.periods import last_day, month_bounds, month_index
from posyandu.core.registry import Panel, expected_at_session
from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.life_stage import BALITA, born_between_for
from posyandu.sasaran.models import Sasaran
from posyandu.sesi import skdn as skdn_definition
from posyandu.sesi.models import Pengukuran


def balita_of(posyandu: Posyandu, on: date) -> QuerySet[Sasaran]:
    """Children counted in S on `on` (sesi.skdn): balita still served on that day (a child
    who moved away or died later still counts for that month)."""
    return skdn_definition.s_of(on).filter(posyandu=posyandu)


@dataclass
class Skdn:
    s: int = 0
    k: int = 0
    d: int = 0
    codes: Counter = field(default_factory=Counter)

    @property
    def n(self) -> int:
        return self.codes["N"]

    @property
    def t(self) -> int:
        return self.codes["T"]

    @property
    def o(self) -> int:
        return self.codes["O"]

    @property
    def b(self) -> int:
        return self.codes["B"]

    def pct(self, num: int, den: int) -> str:
        return f"{100 * num / den:.0f}%" if den else "–"

    @property
    def ratios(self) -> dict[str, str]:
        return {
            "K/S": self.pct(self.k, self.s),
            "D/S": self.pct(self.d, self.s),
            "N/D": self.pct(self.n, self.d),
        }


def skdn(posyandu: Posyandu, day: date) -> Skdn:
    """S, K, D, N, T, O, B of the Posyandu for the month of `day`. Ages at the month's end;
    a child weighed twice in the month counts once, with the status of the last weighing."""
    month = month_index(day)
    balita = balita_of(posyandu, last_day(month))
    result = Skdn(s=balita.count(), k=balita.filter(punya_buku_kia=True).count())
    last_status: dict[int, str] = {}
    rows = (
        skdn_definition.weighings_of_month(month, balita)
        .order_by("tanggal", "id")
        .values_list("sasaran_id", "status_bb")
    )
    for sasaran_id, status in rows:
        last_status[sasaran_id] = status
    result.d = len(last_status)
    result.codes = Counter(last_status.values())
    return result


def expected_not_come(posyandu: Posyandu, day: date, came_ids: set[int]) -> list[Sasaran]:
    """Balita of the Posyandu not checked in (and not weighed elsewhere) this month."""
    start, end = month_bounds(day)
    weighed = Pengukuran.objects.filter(
        sasaran__posyandu=posyandu, tanggal__gte=start, tanggal__lte=end, berat_kg__isnull=False
    ).values("sasaran_id")
    return list(
        balita_of(posyandu, day).exclude(pk__in=came_ids).exclude(pk__in=weighed).order_by("nama")
    )


@dataclass
class ExpectedServices:
    """Who is due a service at this session and has not come (beyond the balita weighing):
    one section per service an app registered (core.registry.expected_at_session), e.g.
    `anc` (kia: [(Kehamilan, AncEvaluation)]) and `imunisasi` ([(Sasaran, [DoseStatus])])."""

    sections: list[Panel] = field(default_factory=list)

    def __getattr__(self, key: str) -> list:
        """The rows of the section `key` ([] when no app provides it)."""
        if key.startswith("_") or key == "sections":
            raise AttributeError(key)
        return next((p.context["rows"] for p in self.sections if p.key == key), [])


def expected_services(posyandu: Posyandu, day: date, came_ids: set[int]) -> ExpectedServices:
    """People due a service at this session (an ANC contact, an immunization dose, ...) who
    are not checked in, from the apps that provide the services."""
    return ExpectedServices(expected_at_session(posyandu, day, came_ids))


def register_rows(posyandu: Posyandu, year: int) -> list[dict]:
    """F2-like register: each balita with the weight and N/T/O/B of each month of the year."""
    end = date(year, 12, 31)
    oldest, _newest = born_between_for(BALITA, date(year, 1, 1))  # balita on some day of it
    children = list(
        Sasaran.objects.filter(posyandu=posyandu, tanggal_lahir__gt=oldest, tanggal_lahir__lte=end)
        .exclude(status=Sasaran.Status.DIGABUNG)
        .order_by("tanggal_lahir", "nama")
    )
    by_child: dict[int, list] = {c.pk: [None] * 12 for c in children}
    rows = Pengukuran.objects.filter(
        sasaran__in=[c.pk for c in children],
        tanggal__year=year,
        berat_kg__isnull=False,
    ).order_by("tanggal", "id")
    for p in rows.only("sasaran_id", "tanggal", "berat_kg", "status_bb"):
        by_child[p.sasaran_id][p.tanggal.month - 1] = p
    return [{"anak": c, "bulan": by_child[c.pk]} for c in children]
