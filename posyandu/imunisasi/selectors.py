"""Person-level and Posyandu-level immunization reads.

Functions taking a queryset expect the caller to have restricted it already
(accounts.scope.restrict); each loads the doses of all the people in one query.

- given_doses(ids) -> {sasaran_id: {dose code: date}}; doses_of(sasaran) for one person
- doses_due(sasaran, on) -> doses that may be given on that day (due or overdue/catch-up)
- child_statuses(sasaran_qs, on) -> {sasaran_id: [DoseStatus]} for many children
- overdue_children(posyandu_qs, on) -> [(Sasaran, [overdue DoseStatus])] children < 5 y
- due_list(posyandu, on) -> [(Sasaran, [due or overdue DoseStatus])] for a session day
- idl_status(sasaran, on) -> IDL / baduta lengkap (schedule.IdlStatus)
- td_status_of(sasaran) -> T0-T5 of a woman; bias_status_of(sasaran, on)
- next_session_date(posyandu, after) -> the next hari buka from the Posyandu's Jadwal
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import QuerySet

from posyandu.core.periods import day_in_month, first_day, month_index
from posyandu.fasilitas.models import Posyandu
from posyandu.imunisasi import schedule
from posyandu.imunisasi.models import Imunisasi
from posyandu.imunisasi.services import TD
from posyandu.sasaran.life_stage import BALITA, born_in_q
from posyandu.sasaran.models import Sasaran


def given_doses(sasaran_ids: Iterable[int] | QuerySet) -> dict[int, dict[str, date]]:
    found: dict[int, dict[str, date]] = {}
    rows = Imunisasi.objects.filter(sasaran_id__in=sasaran_ids).exclude(vaksin=TD)
    for sid, code, day in rows.values_list("sasaran_id", "vaksin", "tanggal"):
        found.setdefault(sid, {})[code] = day
    return found


def province_of(sasaran: Sasaran) -> str:
    return sasaran.desa_id[:2]


def doses_of(sasaran: Sasaran) -> dict[str, date]:
    """The doses given to one person: {dose code: date}."""
    return given_doses([sasaran.id]).get(sasaran.id, {})


def status_of(
    sasaran: Sasaran, on: date, given: dict[str, date] | None = None
) -> list[schedule.DoseStatus]:
    """`given`: the person's doses when the caller has read them (doses_of)."""
    given = doses_of(sasaran) if given is None else given
    return schedule.child_status(sasaran.tanggal_lahir, given, on, province=province_of(sasaran))


def doses_due(sasaran: Sasaran, on: date) -> list[schedule.DoseStatus]:
    return [d for d in status_of(sasaran, on) if d.actionable]


def idl_status(
    sasaran: Sasaran, on: date | None = None, given: dict[str, date] | None = None
) -> schedule.IdlStatus:
    """IDL counts doses given up to `on` (default: all recorded); `given` as in status_of."""
    given = doses_of(sasaran) if given is None else given
    if on is not None:
        given = {c: d for c, d in given.items() if d <= on}
    return schedule.idl_status(sasaran.tanggal_lahir, given, province=province_of(sasaran))


def child_statuses(sasaran: QuerySet[Sasaran], on: date) -> dict[int, list[schedule.DoseStatus]]:
    people = list(sasaran.only("id", "tanggal_lahir", "desa_id"))
    given = given_doses([p.id for p in people])
    return {
        p.id: schedule.child_status(
            p.tanggal_lahir, given.get(p.id, {}), on, province=province_of(p)
        )
        for p in people
    }


def _children(posyandu: QuerySet[Posyandu] | Iterable[Posyandu], on: date) -> QuerySet[Sasaran]:
    return Sasaran.objects.filter(
        born_in_q(BALITA, on),
        posyandu__in=posyandu,
        status=Sasaran.Status.AKTIF,
    ).order_by("tanggal_lahir", "nama")


def overdue_children(
    posyandu: QuerySet[Posyandu] | Iterable[Posyandu], on: date
) -> list[tuple[Sasaran, list[schedule.DoseStatus]]]:
    """Children under five with at least one overdue dose (catch-up needed), oldest first."""
    children = list(_children(posyandu, on))
    statuses = child_statuses(Sasaran.objects.filter(id__in=[c.id for c in children]), on)
    out = []
    for child in children:
        late = [d for d in statuses[child.id] if d.status == schedule.OVERDUE]
        if late:
            out.append((child, late))
    return out


def due_list(posyandu: Posyandu, on: date) -> list[tuple[Sasaran, list[schedule.DoseStatus]]]:
    """Children of one Posyandu with doses due or overdue on a day (e.g. the next session)."""
    children = list(_children([posyandu], on))
    statuses = child_statuses(Sasaran.objects.filter(id__in=[c.id for c in children]), on)
    out = []
    for child in children:
        due = [d for d in statuses[child.id] if d.actionable]
        if due:
            out.append((child, due))
    return out


def next_session_date(posyandu: Posyandu, after: date) -> date | None:
    """The next opening day on or after `after` from the Posyandu's Jadwal (None if unset)."""
    jadwal = getattr(posyandu, "jadwal", None)
    if jadwal is None:
        return None
    for shift in range(0, 3):
        month = month_index(after) + shift
        if jadwal.tanggal:
            candidate = day_in_month(month, jadwal.tanggal)
        elif jadwal.minggu_ke and jadwal.hari is not None:
            first = first_day(month)
            offset = (jadwal.hari - first.weekday()) % 7
            candidate = first + timedelta(days=offset + 7 * (jadwal.minggu_ke - 1))
        else:
            return None
        if candidate >= after:
            return candidate
    return None


def td_status_of(sasaran: Sasaran) -> schedule.TdStatus:
    days = list(
        Imunisasi.objects.filter(sasaran=sasaran, vaksin=TD).values_list("tanggal", flat=True)
    )
    return schedule.td_status(days)


def bias_status_of(sasaran: Sasaran, on: date) -> list[schedule.BiasDose]:
    return schedule.bias_status(sasaran.tanggal_lahir, sasaran.jenis_kelamin, doses_of(sasaran), on)
