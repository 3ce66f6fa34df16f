"""SIP registers, formats 1-5 (domain-ilp 2.2), of one Posyandu and month, from the records.

Each format is a table (title, columns, rows) so the same data renders as a printable page
and as an xlsx sheet. Personal data: callers restrict the Posyandu with scope "personal".
What no record holds yet is said in the table's `missing` note, never invented:
contraception and PUS (couples) status, oralit, PLKB presence.

- F1: pregnant women of the month, births and deaths in the month.
- F2: babies and toddlers: the month's last weight and N/T/O/B (stored status_bb) January up
  to the month, vitamin A in February / August, immunization doses given.
- F3: WUS (women 15-49): latest LiLA (flagged KEK by the kia risk rule, LiLA < 23.5 cm),
  Td status (T0-T5).
- F4: pregnant women: the month's last ANC weight January up to the month, iron tablets
  (TTD) in the year, Td status, PMT services given in the year.
- F5: the month's numbers: visitors by group, births, deaths, kader on duty, sessions with a
  health worker.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from posyandu.core.periods import first_day, last_day
from posyandu.fasilitas.models import Posyandu
from posyandu.imunisasi import schedule
from posyandu.imunisasi.models import Imunisasi
from posyandu.imunisasi.services import TD
from posyandu.kia import rules_kia
from posyandu.kia.models import Kehamilan, KunjunganAnc, Persalinan
from posyandu.sasaran.life_stage import (
    BALITA,
    BAYI,
    born_between_for,
    completed_months,
    is_balita,
    is_bayi,
)
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Kunjungan, LayananDiberikan, Pengukuran, Sesi
from posyandu.skrining.models import HasilSkrining

FORMATS = (1, 2, 3, 4, 5)
WUS_YEARS = (15, 49)
BUSUI_DAYS = 730  # breastfeeding mother: delivered within the last 2 years


@dataclass
class Table:
    number: int
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    missing: str = ""


def _people(posyandu: Posyandu) -> Any:
    return Sasaran.objects.filter(posyandu=posyandu).exclude(status=Sasaran.Status.DIGABUNG)


def _pregnant_in(posyandu: Posyandu, start: date, end: date) -> Any:
    """Pregnancies running some day of [start, end]: registered by the end, not ended before."""
    return (
        Kehamilan.objects.filter(sasaran__in=_people(posyandu), tanggal_daftar__lte=end)
        .filter(
            Q(status=Kehamilan.Status.HAMIL, hpl__gte=start - timedelta(days=14))
            | Q(persalinan__tanggal__gte=start)
            | Q(status=Kehamilan.Status.KEGUGURAN, status_sejak__gte=start)
        )
        .select_related("sasaran")
        .order_by("hpl", "id")
    )


def format_1(posyandu: Posyandu, month: int) -> Table:
    start, end = first_day(month), last_day(month)
    table = Table(
        1,
        _("F1: pregnant women, births and deaths"),
        [_("Group"), _("Name"), _("Sex"), _("Date of birth"), _("Date"), _("Notes")],
    )
    for k in _pregnant_in(posyandu, start, end):
        s = k.sasaran
        note = f"G{k.gravida}P{k.paritas}A{k.abortus}"
        table.rows.append([_("Pregnant"), s.nama, s.jenis_kelamin, s.tanggal_lahir, k.hpl, note])
    weights = dict(
        Persalinan.objects.filter(bayi__isnull=False).values_list("bayi_id", "berat_lahir_g")
    )
    for s in _people(posyandu).filter(tanggal_lahir__range=(start, end)).order_by("tanggal_lahir"):
        grams = weights.get(s.id)
        note = f"{grams} g" if grams else ""
        table.rows.append(
            [_("Birth"), s.nama, s.jenis_kelamin, s.tanggal_lahir, s.tanggal_lahir, note]
        )
    deaths = _people(posyandu).filter(
        status=Sasaran.Status.MENINGGAL, status_sejak__range=(start, end)
    )
    for s in deaths.order_by("status_sejak"):
        group = _("other")
        if is_bayi(s.tanggal_lahir, s.status_sejak):
            group = _("baby")
        elif is_balita(s.tanggal_lahir, s.status_sejak):
            group = _("toddler")
        table.rows.append(
            [_("Death"), s.nama, s.jenis_kelamin, s.tanggal_lahir, s.status_sejak, group]
        )
    return table


def format_2(posyandu: Posyandu, month: int) -> Table:
    year, upto = month // 12, month % 12 + 1
    end = last_day(month)
    children = list(
        _people(posyandu)
        # balita on some day of the year up to `end`
        .filter(
            tanggal_lahir__lte=end, tanggal_lahir__gt=born_between_for(BALITA, date(year, 1, 1))[0]
        )
        .order_by("tanggal_lahir", "nama")
    )
    ids = [c.id for c in children]
    weights: dict[int, dict[int, Pengukuran]] = defaultdict(dict)
    for p in (
        Pengukuran.objects.filter(
            sasaran_id__in=ids, tanggal__range=(date(year, 1, 1), end), berat_kg__isnull=False
        )
        .order_by("tanggal", "id")
        .only("sasaran_id", "tanggal", "berat_kg", "status_bb")
    ):
        weights[p.sasaran_id][p.tanggal.month] = p  # the month's last weighing wins
    vita: dict[int, set[int]] = defaultdict(set)
    for sid, day in HasilSkrining.objects.filter(
        sasaran_id__in=ids,
        definisi="vitamin_a",
        kategori="diberikan",
        tanggal__range=(date(year, 1, 1), end),
    ).values_list("sasaran_id", "tanggal"):
        vita[sid].add(day.month)
    doses: dict[int, list[str]] = defaultdict(list)
    for sid, code, day in (
        Imunisasi.objects.filter(sasaran_id__in=ids, tanggal__lte=end)
        .exclude(vaksin=TD)
        .order_by("tanggal")
        .values_list("sasaran_id", "vaksin", "tanggal")
    ):
        doses[sid].append(f"{code} {day:%d-%m-%y}")
    months = [f"{m:02d}" for m in range(1, upto + 1)]
    table = Table(
        2,
        _("F2: register of babies and toddlers"),
        [
            _("Name"),
            _("Sex"),
            _("Date of birth"),
            *(f"BB {m}" for m in months),
            "Vit A II",
            "Vit A VIII",
            _("Immunization"),
        ],
        missing=_("Oralit is not recorded."),
    )
    for c in children:
        cells = []
        for m in range(1, upto + 1):
            weighed = weights[c.id].get(m)
            cells.append(f"{weighed.berat_kg} {weighed.status_bb}".strip() if weighed else "")
        table.rows.append(
            [
                c.nama,
                c.jenis_kelamin,
                c.tanggal_lahir,
                *cells,
                "v" if 2 in vita[c.id] else "",
                "v" if 8 in vita[c.id] else "",
                ", ".join(doses[c.id]),
            ]
        )
    return table


def _td(ids: list[int], end: date) -> dict[int, str]:
    days: dict[int, list[date]] = defaultdict(list)
    for sid, day in Imunisasi.objects.filter(
        sasaran_id__in=ids, vaksin=TD, tanggal__lte=end
    ).values_list("sasaran_id", "tanggal"):
        days[sid].append(day)
    return {sid: schedule.td_status(sorted(d)).label for sid, d in days.items()}


def format_3(posyandu: Posyandu, month: int) -> Table:
    end = last_day(month)
    low, high = WUS_YEARS
    women = [
        s
        for s in _people(posyandu)
        .filter(jenis_kelamin="P", tanggal_lahir__lte=end)
        .order_by("nama")
        if low <= completed_months(s.tanggal_lahir, end) // 12 <= high
        and (s.status == Sasaran.Status.AKTIF or (s.status_sejak and s.status_sejak > end))
    ]
    ids = [w.id for w in women]
    lila: dict[int, tuple[date, Any]] = {}
    for sid, day, cm in Pengukuran.objects.filter(
        sasaran_id__in=ids, lila_cm__isnull=False, tanggal__lte=end
    ).values_list("sasaran_id", "tanggal", "lila_cm"):
        if sid not in lila or day >= lila[sid][0]:
            lila[sid] = (day, cm)
    for sid, day, cm in KunjunganAnc.objects.filter(
        kehamilan__sasaran_id__in=ids, lila_cm__isnull=False, tanggal__lte=end
    ).values_list("kehamilan__sasaran_id", "tanggal", "lila_cm"):
        if sid not in lila or day >= lila[sid][0]:
            lila[sid] = (day, cm)
    td = _td(ids, end)
    table = Table(
        3,
        _("F3: register of women of childbearing age (WUS-PUS)"),
        [
            _("Name"),
            _("Age"),
            "LiLA (cm)",
            rules_kia.kek_rule_text(),
            _("Td status"),
            _("Contraception"),
        ],
        missing=_("Contraception and PUS (couple) status are not recorded yet."),
    )
    for w in women:
        cm = lila.get(w.id, (None, None))[1]
        table.rows.append(
            [
                w.nama,
                completed_months(w.tanggal_lahir, end) // 12,
                cm,
                "" if cm is None else ("v" if rules_kia.kek(cm) else "-"),
                td.get(w.id, "T0"),
                "",
            ]
        )
    return table


def format_4(posyandu: Posyandu, month: int) -> Table:
    year, upto = month // 12, month % 12 + 1
    start, end = date(year, 1, 1), last_day(month)
    pregnancies = list(_pregnant_in(posyandu, first_day(month), end))
    kids = [k.id for k in pregnancies]
    weight: dict[int, dict[int, Any]] = defaultdict(dict)
    ttd: dict[int, int] = defaultdict(int)
    for kid, day, kg, tablets in (
        KunjunganAnc.objects.filter(kehamilan_id__in=kids, tanggal__range=(start, end))
        .order_by("tanggal", "id")
        .values_list("kehamilan_id", "tanggal", "berat_kg", "ttd_tablet")
    ):
        if kg is not None:
            weight[kid][day.month] = kg
        ttd[kid] += tablets or 0
    women = [k.sasaran_id for k in pregnancies]
    pmt = dict(
        LayananDiberikan.objects.filter(
            kunjungan__sasaran_id__in=women,
            jenis__icontains="pmt",
            kunjungan__sesi__tanggal__range=(start, end),
        )
        .values("kunjungan__sasaran_id")
        .annotate(n=Count("id"))
        .values_list("kunjungan__sasaran_id", "n")
    )
    td = _td(women, end)
    months = [f"{m:02d}" for m in range(1, upto + 1)]
    table = Table(
        4,
        _("F4: register of pregnant women"),
        [_("Name"), "HPL", *(f"BB {m}" for m in months), "TTD", _("Td status"), "PMT"],
    )
    for k in pregnancies:
        table.rows.append(
            [
                k.sasaran.nama,
                k.hpl,
                *(weight[k.id].get(m, "") for m in range(1, upto + 1)),
                ttd.get(k.id, 0),
                td.get(k.sasaran_id, "T0"),
                pmt.get(k.sasaran_id, 0),
            ]
        )
    return table


def format_5_counts(posyandu: Posyandu, month: int) -> dict[str, int]:
    """The month's numbers of format 5 (visitors by group at the Posyandu's sessions)."""
    start, end = first_day(month), last_day(month)
    visits = Kunjungan.objects.filter(sesi__posyandu=posyandu, sesi__tanggal__range=(start, end))
    visitors = {
        v.sasaran_id: v.sasaran
        for v in visits.select_related("sasaran").only(
            "sasaran_id", "sasaran__tanggal_lahir", "sasaran__jenis_kelamin"
        )
    }
    pregnant = set(
        _pregnant_in(posyandu, start, end)
        .filter(sasaran_id__in=list(visitors))
        .values_list("sasaran_id", flat=True)
    )
    nursing = set(
        Persalinan.objects.filter(
            kehamilan__sasaran_id__in=list(visitors),
            tanggal__lte=end,
            tanggal__gte=end - timedelta(days=BUSUI_DAYS),
        ).values_list("kehamilan__sasaran_id", flat=True)
    )
    counts = dict.fromkeys(("bayi", "balita", "wus", "bumil", "busui", "lainnya"), 0)
    for sid, s in visitors.items():
        months = completed_months(s.tanggal_lahir, end)
        if BAYI.contains(months):
            counts["bayi"] += 1
        elif BALITA.contains(months):
            counts["balita"] += 1
        elif sid in pregnant:
            counts["bumil"] += 1
        elif sid in nursing:
            counts["busui"] += 1
        elif s.jenis_kelamin == "P" and WUS_YEARS[0] <= months // 12 <= WUS_YEARS[1]:
            counts["wus"] += 1
        else:
            counts["lainnya"] += 1
    people = _people(posyandu)
    sessions = Sesi.objects.filter(posyandu=posyandu, tanggal__range=(start, end))
    counts["kelahiran"] = people.filter(tanggal_lahir__range=(start, end)).count()
    counts["kematian"] = people.filter(
        status=Sasaran.Status.MENINGGAL, status_sejak__range=(start, end)
    ).count()
    counts["sesi"] = sessions.count()
    counts["kader_hadir"] = sessions.aggregate(n=Sum("kader_hadir"))["n"] or 0
    counts["sesi_nakes_hadir"] = sessions.filter(nakes_hadir=True).count()
    return counts


F5_LABELS = {
    "bayi": gettext_lazy("Visitors: babies 0-11 months"),
    "balita": gettext_lazy("Visitors: toddlers 12-59 months"),
    "wus": gettext_lazy("Visitors: women 15-49 (not pregnant or nursing)"),
    "bumil": gettext_lazy("Visitors: pregnant women"),
    "busui": gettext_lazy("Visitors: nursing mothers (delivered within 2 years)"),
    "lainnya": gettext_lazy("Other visitors"),
    "kelahiran": gettext_lazy("Births"),
    "kematian": gettext_lazy("Deaths"),
    "sesi": gettext_lazy("Opening days"),
    "kader_hadir": gettext_lazy("Kader on duty (sum over opening days)"),
    "sesi_nakes_hadir": gettext_lazy("Opening days with a health worker"),
}


def format_5(posyandu: Posyandu, month: int) -> Table:
    counts = format_5_counts(posyandu, month)
    return Table(
        5,
        _("F5: monthly Posyandu data"),
        [_("Item"), _("Count")],
        [[str(F5_LABELS[k]), v] for k, v in counts.items()],
        missing=_("PUS and PLKB presence are not recorded yet."),
    )


BUILDERS = {1: format_1, 2: format_2, 3: format_3, 4: format_4, 5: format_5}


def table(number: int, posyandu: Posyandu, month: int) -> Table:
    return BUILDERS[number](posyandu, month)
