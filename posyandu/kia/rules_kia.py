"""Pregnancy, ANC, risk and postpartum rules from rules/*.json: pure functions, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from posyandu.core.rules import load_rule
from posyandu.imunisasi.schedule import add_offset


def load(name: str) -> dict[str, Any]:
    """The body of rules/<name>.json (anc, nifas, risiko)."""
    return load_rule("kia", name).data


def risk_version() -> str:
    """What a pregnancy stores with its risk codes: the risk rule and the cut-offs it uses."""
    return load_rule("kia", "risiko").stamp


def kek(lila_cm: float | None) -> bool:
    """KEK (chronic energy deficiency) by the `kek` rule of rules/risiko.json."""
    rule = next(r for r in load("risiko")["rules"] if r["code"] == "kek")
    return lila_cm is not None and _holds(rule, {rule["var"]: float(lila_cm)})


def kek_rule_text() -> str:
    """The KEK rule in words for a column header, e.g. "LiLA < 23.5"."""
    rule = next(r for r in load("risiko")["rules"] if r["code"] == "kek")
    return f"LiLA {rule['op']} {rule['value']}"


def hpl_naegele(hpht: date) -> date:
    """Estimated due date (HPL) from the first day of the last period (HPHT)."""
    rule = load("anc")["naegele"]
    return add_offset(hpht + timedelta(days=rule["add_days"]), {"months": rule["add_months"]})


def hpl_from_usg(usg_date: date, weeks: int, days: int = 0) -> date:
    """HPL from an ultrasound dating: the scan date plus the days left to 40 weeks."""
    return usg_date + timedelta(days=load("anc")["usg_term_days"] - (weeks * 7 + days))


def gestational_age_days(on: date, *, hpl: date) -> int:
    """Days of pregnancy on a day, counted back from the HPL (280 days = 40 weeks)."""
    return load("anc")["usg_term_days"] - (hpl - on).days


def weeks_days(days: int) -> tuple[int, int]:
    return divmod(days, 7)


def trimester(ga_days: int) -> int:
    starts = load("anc")["trimester_start_weeks"]
    weeks = ga_days // 7
    return 3 if weeks >= starts[2] else 2 if weeks >= starts[1] else 1


@dataclass(frozen=True)
class AncVisit:
    tanggal: date
    oleh_dokter: bool = False


@dataclass(frozen=True)
class AncEvaluation:
    visits: int
    per_trimester: tuple[int, int, int]
    required: tuple[int, int, int]
    doctor_ok: dict[int, bool]  # trimester -> had a doctor visit
    missing: list[str] = field(default_factory=list)  # shortfalls of trimesters already over
    k6_lengkap: bool = False
    current_trimester: int = 1


def evaluate_anc(
    visits: list[AncVisit], *, hpl: date, on: date, version: str | None = None
) -> AncEvaluation:
    """K1-K6: visits per trimester against the rule, and the doctor visits (K1 and K5)."""
    spec = load_rule("kia", "anc").variant(version)
    counts = [0, 0, 0]
    doctor = {1: False, 2: False, 3: False}
    for v in visits:
        if v.tanggal > on:
            continue
        t = trimester(gestational_age_days(v.tanggal, hpl=hpl))
        counts[t - 1] += 1
        doctor[t] = doctor[t] or v.oleh_dokter
    current = trimester(gestational_age_days(on, hpl=hpl))
    required = spec["visits_per_trimester"]
    missing = []
    for t in (1, 2, 3):
        over = t < current
        if over and counts[t - 1] < required[t - 1]:
            missing.append(f"T{t}: {counts[t - 1]}/{required[t - 1]}")
    for d in spec["doctor_visits"]:
        if d["trimester"] < current and not doctor[d["trimester"]]:
            missing.append(f"dokter T{d['trimester']} ({d['visit']})")
    complete = all(counts[i] >= required[i] for i in range(3)) and all(
        doctor[d["trimester"]] for d in spec["doctor_visits"]
    )
    return AncEvaluation(
        visits=sum(counts),
        per_trimester=(counts[0], counts[1], counts[2]),
        required=tuple(required),
        doctor_ok=doctor,
        missing=missing,
        k6_lengkap=complete,
        current_trimester=current,
    )


@dataclass(frozen=True)
class Risk:
    code: str
    label: dict[str, str]
    detail: str  # "umur_ibu 43" (variables as the rules name them; the API's text)
    # What triggered it, for people: (variable, value) pairs, or ("riwayat", history code).
    values: tuple[tuple[str, Any], ...] = ()


def risk_factors(facts: dict[str, Any]) -> list[Risk]:
    """The rules of rules/risiko.json that hold, each with the value that triggered it.

    facts: umur_ibu, jarak_bulan, paritas, lila_cm, sistole, diastole, hb, riwayat (codes)."""
    facts = {**facts, "riwayat_count": len(facts.get("riwayat") or [])}
    found = []
    for rule in load("risiko")["rules"]:
        conditions = rule.get("any") or [rule]
        hits = [c for c in conditions if _holds(c, facts)]
        if hits:
            detail = ", ".join(f"{c['var']} {facts[c['var']]}" for c in hits)
            values = tuple((c["var"], facts[c["var"]]) for c in hits)
            if rule["code"] == "riwayat":
                detail = ", ".join(facts["riwayat"])
                values = tuple(("riwayat", code) for code in facts["riwayat"])
            found.append(Risk(rule["code"], rule["label"], detail, values))
    return found


def _holds(cond: dict[str, Any], facts: dict[str, Any]) -> bool:
    value = facts.get(cond["var"])
    if value is None:
        return False
    op, target = cond["op"], cond["value"]
    return {
        "<": value < target,
        "<=": value <= target,
        ">": value > target,
        ">=": value >= target,
    }[op]


def nifas_window(kind: str, delivered: date, on: date) -> int | None:
    """Which KF (mother) or KN (newborn) visit a day falls in; None outside every window."""
    days = (on - delivered).days
    for w in load("nifas")[kind]:
        if w["from"] <= days <= w["to"]:
            return w["visit"]
    return None


@dataclass(frozen=True)
class NifasDue:
    kind: str
    visit: int
    start: date
    end: date
    status: str  # done | due | missed | not_yet


def nifas_schedule(kind: str, delivered: date, done: set[int], on: date) -> list[NifasDue]:
    out = []
    for w in load("nifas")[kind]:
        start = delivered + timedelta(days=w["from"])
        end = delivered + timedelta(days=w["to"])
        if w["visit"] in done:
            status = "done"
        elif on > end:
            status = "missed"
        elif on >= start:
            status = "due"
        else:
            status = "not_yet"
        out.append(NifasDue(kind, w["visit"], start, end, status))
    return out


# -- danger values of a pregnant woman on the day (rules/bahaya_hamil.json) ---------------


@dataclass(frozen=True)
class DangerFlag:
    """A value or sign that sends a pregnant woman to the Puskesmas the same day."""

    code: str  # rule code, or the danger-sign code
    label: str  # in the user's language
    urgent: bool  # severe hypertension or a danger sign: refer at once (segera)
    detail: str = ""  # the value that triggered it, e.g. "165/112 mmHg"


def danger_flags(
    *,
    sistole: int | None = None,
    diastole: int | None = None,
    lila_cm: Any = None,
    signs: list[str] | tuple[str, ...] = (),
    language: str = "id",
) -> list[DangerFlag]:
    """The danger values (blood pressure >= 160/110 severe, >= 140/90, LiLA < 23.5 cm) and the
    Buku KIA danger signs ticked, urgent ones first. Every flag suggests a same-day referral."""
    rules = load_rule("kia", "bahaya_hamil").data
    facts = {
        "sistole": sistole,
        "diastole": diastole,
        "lila_cm": float(lila_cm) if lila_cm is not None else None,
    }
    key = "label_id" if language.startswith("id") else "label_en"
    flags: list[DangerFlag] = []
    held: set[str] = set()
    for rule in rules["nilai"]:
        if rule.get("unless") in held or not any(_holds(c, facts) for c in rule["any"]):
            continue
        held.add(rule["code"])
        if rule["code"].startswith("hipertensi"):
            detail = f"{sistole}/{diastole} mmHg"
        else:
            detail = f"LiLA {facts['lila_cm']:g} cm".replace(".", ",")
        flags.append(DangerFlag(rule["code"], rule[key], bool(rule["segera"]), detail))
    known = {s["code"]: s for s in rules["tanda_bahaya"]}
    flags += [DangerFlag(c, known[c][key], True) for c in signs if c in known]
    return sorted(flags, key=lambda f: not f.urgent)


def danger_label(code: str, language: str = "id") -> str | None:
    """Words for a danger-flag code (referral reasons "kia:<code>")."""
    rules = load_rule("kia", "bahaya_hamil").data
    key = "label_id" if language.startswith("id") else "label_en"
    for item in [*rules["nilai"], *rules["tanda_bahaya"]]:
        if item["code"] == code:
            return str(item[key])
    return None
