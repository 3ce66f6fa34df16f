"""The indicator registry (rules/indicators.json): names, definitions, targets, bands."""

from functools import cache
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from posyandu.core.disclosure import small_number_threshold
from posyandu.core.rules import citation, load_rule
from posyandu.laporan.build import coverage_counts


@cache
def registry() -> dict[str, Any]:
    return load_rule("laporan", "indicators").data


@cache
def _by_code() -> dict[str, dict[str, Any]]:
    return {i["code"]: i for i in registry()["indicators"]}


def indicator(code: str) -> dict[str, Any]:
    return _by_code()[code]


# Display labels for the coded English values of the registry (the JSON keeps the English
# values; the page shows these, translated). tests: every value used has a label.
DISAGGREGATIONS: dict[str, Promise] = {
    "sex": _("Sex"),
    "region level": _("Region level"),
    "posyandu": _("Posyandu"),
    "antigen": _("Antigen"),
}
PERIODS: dict[str, Promise] = {
    "month": _("Monthly"),
    "month (last 12 months)": _("Monthly (last 12 months)"),
    "month; dashboard: cumulative year to the month": _(
        "Monthly; dashboard: cumulative for the year up to the month"
    ),
    "month; dashboard: cumulative year": _("Monthly; dashboard: cumulative for the year"),
    "round (February, August); dashboard: the latest round": _(
        "Per round (February, August); dashboard: the latest round"
    ),
    "year": _("Yearly"),
}
UNITS: dict[str, Promise] = {"percent": _("Percent (%)"), "count": _("Count")}
DIRECTIONS: dict[str, Promise] = {
    "higher": _("Higher is better"),
    "lower": _("Lower is better"),
}


def _english(lang: str | None = None) -> bool:
    return (lang or get_language() or "id").startswith("en")


def name(code: str) -> str:
    """The indicator's name in the active language (dashboards, rankings)."""
    ind = indicator(code)
    return ind["name_en"] if _english() else ind["name_id"]


def localized(lang: str | None = None) -> list[dict[str, Any]]:
    """The indicators as the registry page shows them, in `lang` (default: the active one).

    Indonesian fields (`name_id`, `numerator_id`, `denominator_id`) unless the language is
    English; disaggregations, period, unit and direction as translated labels.
    """
    english = _english(lang)
    rows = []
    for i in registry()["indicators"]:
        rows.append(
            {
                "code": i["code"],
                "name": i["name_en"] if english else i["name_id"],
                "name_other": i["name_id"] if english else i["name_en"],
                "numerator": i["numerator"] if english else i["numerator_id"],
                "denominator": i["denominator"] if english else i["denominator_id"],
                "disaggregations": [DISAGGREGATIONS.get(d, d) for d in i["disaggregations"]],
                "period": PERIODS.get(i["period"], i["period"]),
                "unit": UNITS.get(i["unit"], i["unit"]),
                "direction": DIRECTIONS.get(i["direction"], i["direction"]),
                "target": i["target"],
                "warn": i["warn"],
                "source": i["source"] if english else i.get("source_id", i["source"]),
                "status": i["status"] if english else i.get("status_id", i["status"]),
                "target_text": _target_text(i, english),
            }
        )
    return rows


def _target_text(ind: dict[str, Any], english: bool) -> str:
    """“≥ 80% (kuning ≥ 50%)”: the target and the warning band in the page's language."""
    target, warn = ind.get("target"), ind.get("warn")
    if target is None:
        return "—"
    unit = "%" if ind["unit"] == "percent" else ""
    sign = "≥" if ind["direction"] == "higher" else "<"
    text = f"{sign} {_number(target, english)}{unit}"
    if warn is not None:
        band = "yellow" if english else "kuning"
        text += f" ({band} {sign} {_number(warn, english)}{unit})"
    return text


def _number(value: float, english: bool) -> str:
    text = f"{value:g}"
    return text if english else text.replace(".", ",")


def rating(code: str, value: float | None) -> str:
    """green / yellow / red against the indicator's target and warning band; '' if no value."""
    ind = indicator(code)
    if value is None or ind.get("target") is None:
        return ""
    target, warn = ind["target"], ind["warn"]
    if ind["direction"] == "higher":
        return "green" if value >= target else "yellow" if value >= warn else "red"
    return "green" if value < target else "yellow" if value < warn else "red"


def markdown() -> str:
    """docs/indicators.md, generated: `manage.py indicators_doc`."""
    reg = registry()
    lines = [
        "# Indicators (generated from posyandu/laporan/rules/indicators.json; do not edit)",
        "",
        f"Version {reg['version']}, valid from {reg['valid_from']}. "
        f"Source: {citation(reg['source'])}.",
        "",
        reg["notes"],
        "",
        "| code | nama | name | pembilang / numerator | penyebut / denominator "
        "| target (green / yellow) | disaggregations | period | source | status |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i in reg["indicators"]:
        sign = ">=" if i["direction"] == "higher" else "<"
        target = "" if i["target"] is None else f"{sign} {i['target']} / {sign} {i['warn']}"
        lines.append(
            f"| `{i['code']}` | {i['name_id']} | {i['name_en']} | "
            f"{_both(i['numerator_id'], i['numerator'])} | "
            f"{_both(i['denominator_id'], i['denominator'])} | {target} | "
            f"{', '.join(i['disaggregations'])} | "
            f"{i['period']} | {i['source']} | {i['status']} |"
        )
    cak = coverage_counts.rules()
    lines += [
        "",
        DEFINITIONS.format(small=small_number_threshold()),
        "## Coverage and SPM (as computed by posyandu/laporan/build/coverage_counts.py)",
        "",
        f"Rules: posyandu/laporan/rules/cakupan.json, version {cak['version']}, valid from "
        f"{cak['valid_from']}. Source: {citation(cak['source'])}.",
        "",
        "Stored per Posyandu in RekapLayanan (numerator, denominator), maintained by record "
        "listeners on imunisasi.Imunisasi, kia.Kehamilan / KunjunganAnc / Persalinan / "
        "KunjunganNifas, skrining.HasilSkrining, rujukan.Rujukan, sesi.Pengukuran and "
        "sasaran.Sasaran; `manage.py laporan_rebuild` rebuilds them. Dashboards show monthly "
        "indicators cumulative for the year up to the chosen month, yearly ones for the year, "
        f"vitamin A for the latest round; fewer than {small_number_threshold()} in the "
        "denominator: counts only.",
        "",
        (coverage_counts.__doc__ or "").split("\n\n", 1)[1].strip(),
        "",
        "Not answerable yet from the records: SPM ibu bersalin (place and attendant of a "
        "delivery are free text), SPM usia pendidikan dasar (school screening is not "
        "recorded), KB (contraception) coverage for the strata.",
    ]
    return "\n".join(lines) + "\n"


def _both(indonesian: str, english: str) -> str:
    """A markdown cell with the Indonesian text, then the English one (once if equal)."""
    if indonesian == english:
        return indonesian
    return f"{indonesian}<br>*EN:* {english}"


DEFINITIONS = """## Exact definitions (as computed by posyandu/laporan/skdn.py)

S, K and D are one definition (posyandu/sesi/skdn.py) shared by the reports, the session
summary and the targets page; age bands are posyandu/sasaran/life_stage.py's.

- **Age** is in completed calendar months: a month is complete when the day of the month of
  birth is reached (born 31 January: 0 months on 28 February, 1 month on 1 March).
- **S** (unit, month): children with 0 <= age <= 59 on the last day of the month, whose
  Posyandu (current registration) lies in the unit, not merged into another record, and
  active on that day: status `aktif`, or `pindah` / `meninggal` with `status_sejak` after the
  last day (a status without a date counts from always).
- **K**: of S, `punya_buku_kia`. **D**: of S, at least one Pengukuran with a weight in the
  month (any source). The month's last weighing (latest date, then latest entry) counts.
- **B**: no weighing before this month. **O**: weighed before, but not in the previous
  calendar month. **N / T**: gain in whole grams from the previous month's last weighing to
  this month's last weighing >= / < the KBM for the age at this weighing
  (growthstandards/data/kbm.json, default Buku KIA 2023). D = N + T + O + B.
  **2T**: T this month and T the previous month.
- **Nutrition** (children of D): the month's last measurement (a Pengukuran with a weight or a
  length). A WHO flag on HAZ, WHZ or WAZ (`flen`, `fwfl`, `fwei`) puts the child under
  `flagged` and in no prevalence. The others count in `diukur`; stunting, severe stunting,
  wasting, severe wasting, underweight, overweight compare the stored (rounded) z-scores with
  strict inequalities (< -2, < -3, > +2). The denominator of a percentage is the number of
  children in `diukur` whose z-score for that index is not NA (`n_haz`, `n_whz`, `n_waz`); a
  child without a length counts in `diukur` but in neither stunting nor its denominator.
- **Small numbers**: units with S < {small} show counts only, never percentages
  (setting `SMALL_NUMBER_THRESHOLD`).
- **Change against last year**: the same month one year before, in percentage points.
"""
