"""Maternal-care reads, for one woman or many (follow-up tasks, coverage reports).

Querysets passed in must already be restricted by the caller (accounts.scope.restrict).

- maternal_state(sasaran, on) -> MaternalState (registered with core.registry)
- ongoing_pregnancy(sasaran), last_delivery(sasaran) -> what the panel's actions are about
- active_pregnancies(sasaran_qs, on) -> Kehamilan queryset, pregnant on that day
- pregnancy_summary(kehamilan, on) -> gestational age, trimester, ANC evaluation, risks
- anc_missed(sasaran_qs, on) -> [(Kehamilan, AncEvaluation)] with a shortfall in a past trimester
- high_risk(sasaran_qs, on) -> active pregnancies with at least one risk factor (reasons kept)
- nifas_visits_due(sasaran_qs, on) -> [(Persalinan, [NifasDue due or missed])], KF and KN
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from posyandu.core.registry import MaternalState
from posyandu.kia import rules_kia
from posyandu.kia.models import Kehamilan, KunjunganAnc, Persalinan
from posyandu.sasaran.life_stage import completed_years
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran

# A pregnancy past its HPL by more than this without a recorded delivery stops counting as
# "pregnant" (the kader is asked to record the outcome).
OVERDUE_GRACE = timedelta(days=14)


def _pregnant_q(on: date) -> Q:
    term = timedelta(days=rules_kia.load("anc")["usg_term_days"])
    return Q(status=Kehamilan.Status.HAMIL, hpl__gte=on - OVERDUE_GRACE, hpl__lte=on + term)


def maternal_state(sasaran: Any, on: date) -> MaternalState:
    if getattr(sasaran, "jenis_kelamin", None) != Sasaran.Sex.FEMALE or sasaran.pk is None:
        return MaternalState()
    pregnant = Kehamilan.objects.filter(_pregnant_q(on), sasaran=sasaran).exists()
    days = rules_kia.load("nifas")["postpartum_days"]
    postpartum = Persalinan.objects.filter(
        kehamilan__sasaran=sasaran, tanggal__lte=on, tanggal__gte=on - timedelta(days=days)
    ).exists()
    return MaternalState(pregnant=pregnant, postpartum=postpartum and not pregnant)


def ongoing_pregnancy(sasaran: Sasaran) -> Kehamilan | None:
    """The pregnancy recorded as ongoing (status hamil), whatever its dates."""
    return Kehamilan.objects.filter(sasaran=sasaran, status=Kehamilan.Status.HAMIL).first()


def last_delivery(sasaran: Sasaran) -> Persalinan | None:
    return Persalinan.objects.filter(kehamilan__sasaran=sasaran).order_by("-tanggal").first()


def active_pregnancies(sasaran: QuerySet[Sasaran], on: date) -> QuerySet[Kehamilan]:
    return (
        Kehamilan.objects.filter(_pregnant_q(on), sasaran__in=sasaran)
        .select_related("sasaran")
        .prefetch_related("anc")
    )


def risk_facts(kehamilan: Kehamilan) -> dict[str, Any]:
    """What the risk rules (rules/risiko.json) look at: age at the start, parity, history,
    birth spacing, the lowest LiLA, the last blood pressure and Hb of the ANC visits."""
    visits = list(kehamilan.anc.all().order_by("tanggal", "id"))
    start = kehamilan.hpht or kehamilan.tanggal_daftar
    facts: dict[str, Any] = {
        "umur_ibu": completed_years(kehamilan.sasaran.tanggal_lahir, start),
        "paritas": kehamilan.paritas,
        "riwayat": kehamilan.riwayat,
        "jarak_bulan": None,
    }
    if kehamilan.persalinan_terakhir:
        facts["jarak_bulan"] = (start - kehamilan.persalinan_terakhir).days // 30
    lila = [v.lila_cm for v in visits if v.lila_cm is not None]
    facts["lila_cm"] = float(min(lila)) if lila else None
    with_bp = [v for v in visits if v.sistole is not None]
    if with_bp:
        facts["sistole"], facts["diastole"] = with_bp[-1].sistole, with_bp[-1].diastole
    hb = [v.hb for v in visits if v.hb is not None]
    facts["hb"] = float(hb[-1]) if hb else None
    return facts


@dataclass(frozen=True)
class PregnancySummary:
    kehamilan: Kehamilan
    ga_weeks: int
    ga_days: int
    trimester: int
    anc: rules_kia.AncEvaluation
    risks: list[rules_kia.Risk]
    ttd_total: int
    weight_gain_kg: float | None


def pregnancy_summary(kehamilan: Kehamilan, on: date) -> PregnancySummary:
    visits = list(kehamilan.anc.all())
    ga = rules_kia.gestational_age_days(on, hpl=kehamilan.hpl)
    weeks, days = rules_kia.weeks_days(max(ga, 0))
    weights = [v.berat_kg for v in sorted(visits, key=lambda v: v.tanggal) if v.berat_kg]
    return PregnancySummary(
        kehamilan=kehamilan,
        ga_weeks=weeks,
        ga_days=days,
        trimester=rules_kia.trimester(max(ga, 0)),
        anc=_evaluate(kehamilan, visits, on),
        risks=rules_kia.risk_factors(risk_facts(kehamilan)),
        ttd_total=sum(v.ttd_tablet for v in visits),
        weight_gain_kg=float(weights[-1] - weights[0]) if len(weights) > 1 else None,
    )


def _evaluate(kehamilan: Kehamilan, visits: list, on: date) -> rules_kia.AncEvaluation:
    anc = [rules_kia.AncVisit(v.tanggal, v.oleh_dokter) for v in visits]
    return rules_kia.evaluate_anc(anc, hpl=kehamilan.hpl, on=on)


def anc_missed(
    sasaran: QuerySet[Sasaran], on: date
) -> list[tuple[Kehamilan, rules_kia.AncEvaluation]]:
    out = []
    for k in active_pregnancies(sasaran, on):
        evaluation = _evaluate(k, list(k.anc.all()), on)
        if evaluation.missing:
            out.append((k, evaluation))
    return out


def high_risk(sasaran: QuerySet[Sasaran], on: date) -> QuerySet[Kehamilan]:
    """Active pregnancies with risk factors; `risiko` holds the rule codes (the reasons)."""
    return active_pregnancies(sasaran, on).exclude(risiko=[])


def nifas_visits_due(
    sasaran: QuerySet[Sasaran], on: date
) -> list[tuple[Persalinan, list[rules_kia.NifasDue]]]:
    days = rules_kia.load("nifas")["postpartum_days"]
    rows = (
        Persalinan.objects.filter(
            kehamilan__sasaran__in=sasaran, tanggal__lte=on, tanggal__gte=on - timedelta(days=days)
        )
        .select_related("kehamilan__sasaran")
        .prefetch_related("nifas")
    )
    out = []
    for p in rows:
        pending = []
        for kind in ("KF", "KN"):
            done = {v.ke for v in p.nifas.all() if v.jenis == kind}
            pending += [
                n
                for n in rules_kia.nifas_schedule(kind, p.tanggal, done, on)
                if n.status in ("due", "missed")
            ]
        if pending:
            out.append((p, pending))
    return out


def anc_due(
    sasaran: QuerySet[Sasaran], on: date
) -> list[tuple[Kehamilan, rules_kia.AncEvaluation]]:
    """Active pregnancies due an ANC contact on `on`: the current trimester still lacks the
    visits its rule asks for, or an earlier trimester fell short (catch up now)."""
    out = []
    for k in active_pregnancies(sasaran, on).order_by("sasaran__nama", "id"):
        ev = _evaluate(k, list(k.anc.all()), on)
        t = ev.current_trimester
        if ev.missing or ev.per_trimester[t - 1] < ev.required[t - 1]:
            out.append((k, ev))
    return out


@dataclass(frozen=True)
class DayValues:
    """A pregnant woman's blood pressure, LiLA and danger signs typed on one day: typed once,
    in the measurement (sesi.Pengukuran) or the ANC visit, and read by every panel."""

    sistole: int | None = None
    diastole: int | None = None
    lila_cm: Any = None
    signs: tuple[str, ...] = ()
    bp_from_measurement: bool = False  # the ANC form then does not ask for it again
    berat_kg: Any = None  # weight of the day's measurement (the ANC form does not ask again)
    lila_from_measurement: bool = False  # likewise for LiLA


def day_values(sasaran: Sasaran, on: date) -> DayValues:
    measured = list(Pengukuran.objects.filter(sasaran=sasaran, tanggal=on).order_by("id"))
    anc = list(KunjunganAnc.objects.filter(kehamilan__sasaran=sasaran, tanggal=on).order_by("id"))

    def last(name: str) -> Any:
        for row in [*reversed(measured), *reversed(anc)]:
            if getattr(row, name, None) is not None:
                return getattr(row, name)
        return None

    with_bp = [m for m in measured if m.sistole is not None and m.diastole is not None]
    bp_row: Any = with_bp[-1] if with_bp else None
    if bp_row is None:
        bp_rows = [a for a in anc if a.sistole is not None and a.diastole is not None]
        bp_row = bp_rows[-1] if bp_rows else None
    signs = tuple(dict.fromkeys(code for m in measured for code in (m.tanda_bahaya or [])))
    weights = [m.berat_kg for m in measured if m.berat_kg is not None]
    return DayValues(
        sistole=bp_row.sistole if bp_row is not None else None,
        diastole=bp_row.diastole if bp_row is not None else None,
        lila_cm=last("lila_cm"),
        signs=signs,
        bp_from_measurement=bool(with_bp),
        berat_kg=weights[-1] if weights else None,
        lila_from_measurement=any(m.lila_cm is not None for m in measured),
    )


def danger_today(sasaran: Sasaran, on: date, language: str = "id") -> list[rules_kia.DangerFlag]:
    values = day_values(sasaran, on)
    return rules_kia.danger_flags(
        sistole=values.sistole,
        diastole=values.diastole,
        lila_cm=values.lila_cm,
        signs=values.signs,
        language=language,
    )
