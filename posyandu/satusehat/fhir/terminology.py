"""The code maps of rules/terminologi.json and rules/vaksin.json, with their switch for
unverified codes (setting SATUSEHAT_UNVERIFIED_CODES, passed in as `unverified`)."""

from typing import Any

from posyandu.core.rules import Rule, load_rule


def terms() -> Rule:
    return load_rule("satusehat", "terminologi")


def vaccines() -> Rule:
    return load_rule("satusehat", "vaksin")


def time_zones() -> Rule:
    return load_rule("satusehat", "zona_waktu")


def usable(entry: dict[str, Any], unverified: bool) -> bool:
    """A code is used when verified, or when unverified codes are switched on."""
    return entry.get("status", "verified") == "verified" or unverified


def coding(entry: dict[str, Any], system: str | None = None) -> dict[str, str]:
    return {"system": system or entry["system"], "code": entry["code"], "display": entry["display"]}


def measure(name: str) -> dict[str, Any]:
    return terms().data["observasi"][name]


def band(index: str, z: float, unverified: bool) -> dict[str, str] | None:
    """The clinical-term interpretation of a z-score (`bb_u` or `tb_u`), or None."""
    spec = terms().data["interpretasi"]
    for entry in spec[index]:
        if "below" in entry and not z < entry["below"]:
            continue
        if "upto" in entry and not z <= entry["upto"]:
            continue
        return coding(entry, spec["system"]) if usable(entry, unverified) else None
    return None


def stamps() -> str:
    """The versions a bundle was mapped with (goes into Bundle.meta.tag)."""
    return "+".join(r.key for r in (terms(), vaccines(), time_zones()))
