"""Coverage and SPM figures of one Posyandu and year (numerator, denominator per indicator).

Pure set-based reads of the issue-5 records (imunisasi, kia, skrining, rujukan) and the
measurements; rekap_layanan.py stores the result in RekapLayanan so dashboards only sum
rows.
Cut-offs, ages and the screenings that count are data: rules/cakupan.json.

Monthly rows (periode YYYY-MM), additive over months and units:
- imun_<dose>, idl: cohort = active children whose first birthday falls in the month; a dose
  counts if given by the month's last day; IDL by imunisasi.schedule.idl_status (default
  version), doses that do not apply (birth cohort, JE province) leave the denominator.
- vitamin_a (Feb / Aug only): active children 6-59 months on the last day; given = a
  skrining `vitamin_a` result `diberikan` in that month.
- anc_k1, anc_k4, anc_k6: pregnancies ending in the month (delivery date, else HPL, loss:
  status date), ended by today; K1 >= 1 visit, K4 >= 1-1-2 per trimester, K6 = kia's
  evaluate_anc(...).k6_lengkap (visits 1-2-3 and the doctor visits).
- kf1, kf_lengkap, kn_lengkap: deliveries in the month; KF1 / all of KF1-4 / all of KN1-3.
- rujukan_selesai: referrals dated in the month; status `selesai` / all.

Yearly rows (periode YYYY), reference day = 31 December or today if earlier:
- skrining_dewasa (18-59), skrining_lansia (60+), spm_usia_produktif (15-59), spm_lansia
  (60+): active people of that age on the reference day with at least one PTM screening
  (rules ptm_screenings) in the year; for spm_usia_produktif the adolescent blood pressure
  (td_remaja) counts too, as 15-17-year-olds are measured with it.
- spm_bumil (= K6 of the year's pregnancies), spm_bbl (= KN1-3 complete), spm_balita (active
  0-59 months on the reference day weighed in >= 8 distinct months of the year).
- spm_hipertensi / spm_dm: people >= 15 with a result tagged hipertensi / diabetes in the
  year; served = measured again (blood pressure: td_dewasa or td_remaja; glucose:
  gula_darah) in a later month of the year.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.db.models import Q
from django.utils import timezone

from posyandu.core.periods import first_day, last_day, month_index, period_of
from posyandu.core.rules import load_rule
from posyandu.imunisasi import schedule
from posyandu.imunisasi.models import Imunisasi
from posyandu.kia import rules_kia
from posyandu.kia.models import Kehamilan, KunjunganAnc, KunjunganNifas, Persalinan
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.life_stage import completed_months, completed_years, is_balita
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.selectors import present_on
from posyandu.sesi.models import Pengukuran
from posyandu.skrining.models import HasilSkrining

Counts = dict[tuple[str, str], list[int]]  # (periode, kode) -> [pembilang, penyebut]


@cache
def rules() -> dict[str, Any]:
    return load_rule("laporan", "cakupan").data


def idl_doses() -> list[str]:
    return list(schedule.idl_doses())


@dataclass(frozen=True)
class Person:
    id: int
    sex: str
    birth: date
    status: str
    since: date | None
    desa: str

    def active_on(self, day: date) -> bool:
        return self.birth <= day and present_on(self.status, self.since, day)

    def years_on(self, day: date) -> int:
        return completed_years(self.birth, day)


def _people(posyandu_id: int, born_after: date | None = None) -> dict[int, Person]:
    rows = Sasaran.objects.filter(posyandu_id=posyandu_id)
    if born_after is not None:
        rows = rows.filter(tanggal_lahir__gt=born_after)
    values = rows.values_list(
        "id", "jenis_kelamin", "tanggal_lahir", "status", "status_sejak", "desa_id"
    )
    return {r[0]: Person(*r) for r in values}


def _add(counts: Counts, periode: str, kode: str, hit: bool) -> None:
    cell = counts.setdefault((periode, kode), [0, 0])
    cell[0] += int(hit)
    cell[1] += 1


def posyandu_year(
    posyandu_id: int, year: int, today: date | None = None, *, only_balita: bool = False
) -> Counts:
    """All coverage rows of the Posyandu for the year, up to today's month (only the
    spm_balita row with `only_balita`: all a changed measurement can move)."""
    today = today or timezone.localdate()
    months = [m for m in range(year * 12, year * 12 + 12) if m <= month_index(today)]
    if not months:
        return {}
    counts: Counts = {}
    if only_balita:
        _balita(counts, _people(posyandu_id, born_after=date(year - 6, 1, 1)), year, today)
        return counts
    people = _people(posyandu_id)
    _immunization(counts, people, months)
    _vitamin_a(counts, people, months)
    _maternal(counts, people, months, today)
    _referrals(counts, people, months)
    _yearly(counts, people, year, today)
    return counts


def _immunization(counts: Counts, people: dict[int, Person], months: list[int]) -> None:
    cohort = {
        pid: p
        for pid, p in people.items()
        if month_index(p.birth) + 12 in months and p.active_on(last_day(month_index(p.birth) + 12))
    }
    given: dict[int, dict[str, date]] = defaultdict(dict)
    rows = Imunisasi.objects.filter(sasaran_id__in=list(cohort)).values_list(
        "sasaran_id", "vaksin", "tanggal"
    )
    for sid, code, day in rows:
        if code not in given[sid] or day < given[sid][code]:
            given[sid][code] = day
    doses = idl_doses()
    for pid, p in cohort.items():
        m = month_index(p.birth) + 12
        end = last_day(m)
        mine = {c: d for c, d in given.get(pid, {}).items() if d <= end}
        periode = period_of(m)
        for code in doses:
            if schedule.applies(schedule.dose(code), p.birth, p.desa):
                _add(counts, periode, f"imun_{code}", code in mine)
        status = schedule.idl_status(p.birth, mine, province=p.desa)
        _add(counts, periode, "idl", status.lengkap)


def _vitamin_a(counts: Counts, people: dict[int, Person], months: list[int]) -> None:
    r = rules()
    low, high = r["vitamin_a_age_months"]
    rounds = [m for m in months if m % 12 + 1 in r["vitamin_a_months"]]
    if not rounds:
        return
    given = set(
        HasilSkrining.objects.filter(
            sasaran_id__in=list(people),
            definisi=r["vitamin_a_definition"],
            kategori=r["vitamin_a_given_category"],
            tanggal__gte=first_day(rounds[0]),
            tanggal__lte=last_day(rounds[-1]),
        ).values_list("sasaran_id", "tanggal")
    )
    given_in = {(sid, month_index(day)) for sid, day in given}
    for m in rounds:
        end = last_day(m)
        for pid, p in people.items():
            if p.active_on(end) and low <= completed_months(p.birth, end) <= high:
                _add(counts, period_of(m), "vitamin_a", (pid, m) in given_in)


def _pregnancy_end(k: Kehamilan, delivered: date | None) -> date:
    if delivered is not None:
        return delivered
    if k.status == Kehamilan.Status.KEGUGURAN and k.status_sejak:
        return k.status_sejak
    return k.hpl


def _maternal(counts: Counts, people: dict[int, Person], months: list[int], today: date) -> None:
    r = rules()
    pregnancies = list(Kehamilan.objects.filter(sasaran_id__in=list(people)))
    delivered = dict(
        Persalinan.objects.filter(kehamilan__in=pregnancies).values_list("kehamilan_id", "tanggal")
    )
    visits: dict[int, list[rules_kia.AncVisit]] = defaultdict(list)
    for kid, day, doctor in KunjunganAnc.objects.filter(kehamilan__in=pregnancies).values_list(
        "kehamilan_id", "tanggal", "oleh_dokter"
    ):
        visits[kid].append(rules_kia.AncVisit(day, doctor))
    wanted = set(months)
    for k in pregnancies:
        end = _pregnancy_end(k, delivered.get(k.id))
        m = month_index(end)
        if m not in wanted or end > today:
            continue
        ev = rules_kia.evaluate_anc(visits.get(k.id, []), hpl=k.hpl, on=end)
        periode = period_of(m)
        k4 = all(n >= need for n, need in zip(ev.per_trimester, r["k4_per_trimester"], strict=True))
        _add(counts, periode, "anc_k1", ev.visits >= 1)
        _add(counts, periode, "anc_k4", k4)
        _add(counts, periode, "anc_k6", ev.k6_lengkap)
    births = {
        pid: day
        for pid, day in Persalinan.objects.filter(kehamilan__in=pregnancies).values_list(
            "id", "tanggal"
        )
        if month_index(day) in wanted
    }
    done: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for pid, jenis, ke in KunjunganNifas.objects.filter(persalinan_id__in=list(births)).values_list(
        "persalinan_id", "jenis", "ke"
    ):
        done[pid].add((jenis, ke))
    for pid, day in births.items():
        periode = period_of(month_index(day))
        have = done.get(pid, set())
        _add(counts, periode, "kf1", ("KF", 1) in have)
        _add(counts, periode, "kf_lengkap", all(("KF", n) in have for n in r["kf_visits"]))
        _add(counts, periode, "kn_lengkap", all(("KN", n) in have for n in r["kn_visits"]))


def _referrals(counts: Counts, people: dict[int, Person], months: list[int]) -> None:
    rows = Rujukan.objects.filter(
        sasaran_id__in=list(people),
        tanggal__gte=first_day(months[0]),
        tanggal__lte=last_day(months[-1]),
    ).values_list("tanggal", "status")
    for day, status in rows:
        _add(counts, period_of(month_index(day)), "rujukan_selesai", status == "selesai")


def _screened_months(ids: Iterable[int], year: int, ref: date, q: Q) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    rows = HasilSkrining.objects.filter(
        q, sasaran_id__in=list(ids), tanggal__gte=date(year, 1, 1), tanggal__lte=ref
    ).values_list("sasaran_id", "tanggal")
    for sid, day in rows:
        found[sid].add(month_index(day))
    return found


def _tagged_first_month(ids: Iterable[int], year: int, ref: date, tag: str) -> dict[int, int]:
    """First month of the year with a result carrying `tag` (JSON list, filtered in Python so
    SQLite and PostgreSQL agree)."""
    first: dict[int, int] = {}
    rows = HasilSkrining.objects.filter(
        sasaran_id__in=list(ids), tanggal__gte=date(year, 1, 1), tanggal__lte=ref
    ).values_list("sasaran_id", "tanggal", "tags")
    for sid, day, tags in rows:
        if tag in (tags or []):
            m = month_index(day)
            first[sid] = min(first.get(sid, m), m)
    return first


def _yearly(counts: Counts, people: dict[int, Person], year: int, today: date) -> None:
    r = rules()
    ref = min(date(year, 12, 31), today)
    periode = f"{year:04d}"
    active = {pid: p for pid, p in people.items() if p.active_on(ref)}
    ages = {pid: p.years_on(ref) for pid, p in active.items()}
    screened = _screened_months(active, year, ref, Q(definisi__in=r["ptm_screenings"]))
    productive = _screened_months(
        active,
        year,
        ref,
        Q(definisi__in=r["ptm_screenings"] + r["productive_age_extra_screenings"]),
    )
    bands = {
        "skrining_dewasa": tuple(r["adult_age_years"]),
        "spm_usia_produktif": tuple(r["productive_age_years"]),
        "skrining_lansia": (r["elderly_from_years"], 200),
        "spm_lansia": (r["elderly_from_years"], 200),
    }
    for kode, (low, high) in bands.items():
        for pid, age in ages.items():
            if low <= age <= high:
                done = productive if kode == "spm_usia_produktif" else screened
                _add(counts, periode, kode, pid in done)
    # SPM ibu hamil and bayi baru lahir: the year's monthly cohorts.
    for source, kode in (("anc_k6", "spm_bumil"), ("kn_lengkap", "spm_bbl")):
        cells = [v for (p, k), v in counts.items() if k == source and p.startswith(periode)]
        if cells:
            counts[(periode, kode)] = [sum(c[0] for c in cells), sum(c[1] for c in cells)]
    _balita(counts, people, year, today)
    adults = [pid for pid, age in ages.items() if age >= r["spm_penderita_from_years"]]
    for tag, kode in (("hipertensi", "spm_hipertensi"), ("diabetes", "spm_dm")):
        first = _tagged_first_month(adults, year, ref, tag)
        followed = _screened_months(first, year, ref, Q(definisi__in=r[f"{kode}_follow_up"]))
        for pid, m in first.items():
            _add(counts, periode, kode, any(x > m for x in followed.get(pid, ())))


def _balita(counts: Counts, people: dict[int, Person], year: int, today: date) -> None:
    ref = min(date(year, 12, 31), today)
    balita = [pid for pid, p in people.items() if p.active_on(ref) and is_balita(p.birth, ref)]
    weighed: dict[int, set[int]] = defaultdict(set)
    for sid, day in Pengukuran.objects.filter(
        sasaran_id__in=balita,
        berat_kg__isnull=False,
        tanggal__gte=date(year, 1, 1),
        tanggal__lte=ref,
    ).values_list("sasaran_id", "tanggal"):
        weighed[sid].add(month_index(day))
    for pid in balita:
        _add(
            counts,
            f"{year:04d}",
            "spm_balita",
            len(weighed[pid]) >= rules()["balita_weighed_months"],
        )
