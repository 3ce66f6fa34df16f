"""Task rules as versioned data (rules/tugas.json) and the sentences that explain them."""

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from posyandu.core.rules import citation, load_rule
from posyandu.tugas.conditions import CONDITIONS

# The reason a kader reads, per rule code; %(name)s placeholders come from the condition.
REASONS = {
    "belum_ditimbang": _("Not weighed this month (Posyandu day %(hari_buka)s)."),
    "2t": _("Weight did not go up twice in a row (2T), last weighed %(tanggal)s: visit and refer."),
    "gizi_buruk_kurang": _("%(kategori)s on %(tanggal)s (weight-for-length): visit and refer."),
    "stunting_baru": _("New stunting case: %(kategori)s on %(tanggal)s."),
    "imunisasi_terlambat": _("Immunization %(vaksin)s overdue since %(tanggal)s."),
    "anc_terlewat": _("Pregnancy check (ANC) %(kunjungan)s missed, due by %(tanggal)s."),
    "bumil_risiko_tinggi": _("High-risk pregnancy: %(risiko)s."),
    "kunjungan_nifas": _("Postpartum visit %(kunjungan)s due (delivered %(tanggal)s)."),
    "kunjungan_neonatal": _("Newborn visit %(kunjungan)s due (born %(tanggal)s)."),
    "hipertensi_belum_dirujuk": _(
        "Blood pressure %(sistole)s/%(diastole)s on %(tanggal)s and not referred yet."
    ),
    "diabetes_belum_dirujuk": _("Blood sugar %(nilai)s mg/dL on %(tanggal)s and not referred yet."),
    "lansia_ketergantungan": _("Elderly person dependent in daily activities (ADL %(skor)s)."),
    "rujukan_tanpa_umpan_balik": _(
        "Referral of %(tanggal)s: still no feedback from the Puskesmas after %(hari)s days."
    ),
}

TITLES = {
    "belum_ditimbang": _("Not weighed (not D)"),
    "2t": _("2T"),
    "gizi_buruk_kurang": _("Severe or moderate wasting"),
    "stunting_baru": _("New stunting case"),
    "imunisasi_terlambat": _("Immunization overdue"),
    "anc_terlewat": _("Missed ANC visit"),
    "bumil_risiko_tinggi": _("High-risk pregnancy"),
    "kunjungan_nifas": _("Postpartum visit"),
    "kunjungan_neonatal": _("Newborn visit"),
    "hipertensi_belum_dirujuk": _("High blood pressure, not referred"),
    "diabetes_belum_dirujuk": _("Diabetes, not referred"),
    "lansia_ketergantungan": _("Elderly with dependency"),
    "rujukan_tanpa_umpan_balik": _("Referral without feedback"),
}

# Words the conditions put in params, translated when the reason is shown.
WORDS = {
    "gizi_buruk": _("Severe wasting (gizi buruk)"),
    "gizi_kurang": _("Moderate wasting (gizi kurang)"),
    "sangat_pendek": _("severely stunted (sangat pendek)"),
    "pendek": _("stunted (pendek)"),
}


@dataclass(frozen=True)
class Rule:
    code: str
    version: str
    source: str
    condition: str
    params: dict[str, Any]
    priority: int
    assign_to: str
    start_days: int
    due_days: int
    expire_days: int | None
    expire_end_of_month: bool
    closes_on_home_visit: bool
    min_age_months: int | None = None
    max_age_months: int | None = None
    sex: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: str
    valid_from: date
    source: str
    rules: tuple[Rule, ...]

    def get(self, code: str) -> Rule:
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise KeyError(code)


def parse_rules(data: dict[str, Any]) -> RuleSet:
    """Validate and read a rule file; unknown conditions or missing reasons fail loudly."""
    rules = []
    for raw in data["rules"]:
        code, condition = raw["code"], raw["condition"]["name"]
        if condition not in CONDITIONS:
            raise ValueError(f"rule {code}: unknown condition {condition!r}")
        if code not in REASONS:
            raise ValueError(f"rule {code}: no reason sentence in tugas.ruleset.REASONS")
        if raw["assign_to"] not in {"kader", "bidan", "keduanya"}:
            raise ValueError(f"rule {code}: assign_to must be kader, bidan or keduanya")
        target = raw.get("target", {})
        rules.append(
            Rule(
                code=code,
                version=str(raw["version"]),
                source=raw["source"],
                condition=condition,
                params=raw["condition"].get("params", {}),
                priority=int(raw["priority"]),
                assign_to=raw["assign_to"],
                start_days=int(raw.get("start_days", 0)),
                due_days=int(raw["due_days"]),
                expire_days=raw.get("expire_days"),
                expire_end_of_month=raw.get("expire") == "end_of_month",
                closes_on_home_visit=bool(raw.get("closes_on_home_visit", True)),
                min_age_months=target.get("min_age_months"),
                max_age_months=target.get("max_age_months"),
                sex=target.get("sex"),
            )
        )
    return RuleSet(
        id=data["id"],
        version=data["version"],
        valid_from=date.fromisoformat(data["valid_from"]),
        source=citation(data["source"]),
        rules=tuple(rules),
    )


@cache
def ruleset() -> RuleSet:
    return parse_rules(load_rule("tugas", "tugas").data)


def reason_text(code: str, params: dict[str, Any]) -> str:
    template = REASONS.get(code)
    if template is None:
        return code
    values = {
        k: (str(WORDS[v]) if isinstance(v, str) and v in WORDS else v) for k, v in params.items()
    }
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(TITLES.get(code, code))


def title_text(code: str) -> str:
    return str(TITLES.get(code, code))
