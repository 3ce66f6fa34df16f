"""Rules as data: every rule file is read through `load_rule`, which checks one common header.

Rule files are JSON: `posyandu/<app>/rules/<name>.json`, the screening definitions in
`posyandu/skrining/definitions/`, and the two tables in `growthstandards/data/` (the growth
engine reads those with its own small loader, as it may not import this package, but
tests/test_rule_files.py checks them against this same schema). Each app keeps its own
parsing of the body. The header, at the top level of every file:

- `id` (unique in the repository) and `version`: results store them (`Rule.stamp`).
- `source`: the document the values come from, or a list of documents. A document is
  {"title", "issuer", "year"} plus optional "number" (e.g. "KMK HK.01.07/MENKES/2015/2023"),
  "section", "url" and "note": something a reviewer can look up (a regulation, guideline,
  book or paper), never an issue number or a file path. A choice made by this project names
  the project as its issuer.
- `valid_from`: the ISO date from which the rule applies.
- `status` (optional): "verified" (the default: the values were read from the cited
  documents) or "unverified" (recalled, inferred, or from a secondary source that could not
  be checked against the document). A file marked unverified is never marked `default`.
- `variants` (optional): alternative readings of the same rule, {name: {"status", "source",
  "valid_from", "note", ...body}}, with `default_variant` naming the one used when none is
  asked for; an unverified variant is never the default.

A value written once and used by several files is a reference, {"$ref": "<app>/<name>#<key>"}
(a dotted key path into `posyandu/<app>/rules/<name>.json`), replaced on load by that value;
the referenced rule's `id@version` is then part of `Rule.stamp`.

No Django here: the loader runs in views, commands and tests alike.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

POSYANDU_DIR = Path(__file__).resolve().parent.parent
STATUSES = ("verified", "unverified")
DOCUMENT_KEYS = {"title", "issuer", "year", "number", "section", "url", "note"}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
REF_PATTERN = re.compile(r"^(?P<app>[a-z_]+)/(?P<name>[a-z0-9_-]+)#(?P<key>[A-Za-z0-9_.]+)$")
# A source names a document, not a ticket of this project nor a file next to the code.
NOT_A_DOCUMENT = re.compile(r"\bissues?\s*#?\s*\d|\.(?:md|json|py)\b", re.IGNORECASE)


class RuleFileError(ValueError):
    """A rule file breaks the header schema (a data error, caught by the tests)."""


@dataclass(frozen=True)
class Document:
    title: str
    issuer: str
    year: int
    number: str = ""
    section: str = ""
    url: str = ""
    note: str = ""

    def citation(self) -> str:
        """e.g. "KMK HK.01.07/MENKES/2015/2023, Petunjuk Teknis ... (Kementerian Kesehatan
        RI, 2023), formulir ADL"."""
        head = f"{self.number}, {self.title}" if self.number else self.title
        text = f"{head} ({self.issuer}, {self.year})"
        return f"{text}, {self.section}" if self.section else text


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    version: str
    valid_from: date
    sources: tuple[Document, ...]
    status: str
    path: Path
    data: dict[str, Any] = field(repr=False)  # the whole file, references resolved
    refs: tuple[str, ...] = ()  # id@version of every rule file referenced
    default_variant: str | None = None

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def stamp(self) -> str:
        """What a result stores: this rule and every rule it takes a value from."""
        return "+".join((self.key, *self.refs))

    @property
    def source(self) -> Document:
        return self.sources[0]

    def citation(self) -> str:
        return "; ".join(d.citation() for d in self.sources)

    @property
    def variants(self) -> dict[str, dict[str, Any]]:
        return self.data.get("variants", {})

    def variant(self, name: str | None = None) -> dict[str, Any]:
        """A variant's body by name, or the default variant."""
        name = name or self.default_variant
        if name is None or name not in self.variants:
            raise KeyError(f"{self.id}: no variant {name!r}")
        return self.variants[name]


@cache
def load_rule(app_or_path: str | Path, name: str) -> Rule:
    """Read `<name>.json` of an app's `rules/` folder (app label) or of a folder (Path), once;
    check its header and resolve its references."""
    if isinstance(app_or_path, Path):
        path = app_or_path / f"{name}.json"
    else:
        path = POSYANDU_DIR / app_or_path / "rules" / f"{name}.json"
    return _load(path.resolve())


_loading = threading.local()  # the files being loaded by this thread, to catch $ref cycles


@cache
def _load(path: Path) -> Rule:
    stack: list[Path] = _loading.__dict__.setdefault("stack", [])
    if path in stack:
        raise RuleFileError(f"{stack[-1].name}: $ref cycle through {path.name}")
    stack.append(path)
    try:
        try:
            raw = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise RuleFileError(f"{path}: {exc}") from exc
        if not isinstance(raw, dict):
            raise RuleFileError(f"{path}: a rule file is a JSON object")
        refs: list[str] = []
        data = _resolve(raw, path, refs)
        return check_header(data, path, refs=tuple(dict.fromkeys(refs)))
    finally:
        stack.pop()


def check_header(data: dict[str, Any], path: Path, refs: tuple[str, ...] = ()) -> Rule:
    """The header checks of the module docstring; returns the Rule."""

    def fail(message: str) -> RuleFileError:
        return RuleFileError(f"{path.name}: {message}")

    for key in ("id", "version", "source", "valid_from"):
        if key not in data:
            raise fail(f"missing {key!r}")
    rule_id, version = data["id"], data["version"]
    if not isinstance(rule_id, str) or not ID_PATTERN.match(rule_id):
        raise fail(f"id {rule_id!r}: lower-case letters, digits, '_', '-' or '.'")
    if not isinstance(version, str) or not version.strip():
        raise fail("version must be non-empty text")
    valid_from = _date(data["valid_from"], fail)
    status = data.get("status", "verified")
    if status not in STATUSES:
        raise fail(f"status {status!r}: one of {', '.join(STATUSES)}")
    if status == "unverified" and data.get("default") is True:
        raise fail("an unverified rule cannot be the default")
    sources = documents(data["source"], path.name)
    default_variant = None
    if "variants" in data:
        default_variant = _check_variants(data, fail)
    elif "default_variant" in data:
        raise fail("default_variant without variants")
    return Rule(
        id=rule_id,
        version=version,
        valid_from=valid_from,
        sources=sources,
        status=status,
        path=path,
        data=data,
        refs=refs,
        default_variant=default_variant,
    )


def documents(value: Any, where: str = "") -> tuple[Document, ...]:
    """The documents of a `source` field (one object or a non-empty list of them)."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise RuleFileError(f"{where}: source is an empty list")
    found = []
    for item in items:
        if not isinstance(item, dict):
            raise RuleFileError(
                f"{where}: a source is a document {{title, issuer, year, ...}}, not {item!r}"
            )
        unknown = set(item) - DOCUMENT_KEYS
        if unknown:
            raise RuleFileError(f"{where}: unknown source keys {sorted(unknown)}")
        for key in ("title", "issuer"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise RuleFileError(f"{where}: a source needs a {key}")
        year = item.get("year")
        if not isinstance(year, int) or not 1900 <= year <= 2100:
            raise RuleFileError(f"{where}: source year {year!r} is not a year")
        for key in ("number", "section", "url", "note"):
            if not isinstance(item.get(key, ""), str):
                raise RuleFileError(f"{where}: source {key} must be text")
        for key in ("title", "issuer", "number", "section", "note"):
            if NOT_A_DOCUMENT.search(item.get(key, "")):
                raise RuleFileError(
                    f"{where}: source {key} {item[key]!r} cites an issue or a file, not a document"
                )
        if item.get("url") and not item["url"].startswith(("https://", "http://")):
            raise RuleFileError(f"{where}: source url must be http(s)")
        found.append(Document(**item))
    return tuple(found)


def citation(value: Any) -> str:
    """A `source` field in words: documents are cited, free text (nested notes) is kept."""
    if isinstance(value, str):
        return value
    return "; ".join(d.citation() for d in documents(value))


def _check_variants(data: dict[str, Any], fail: Any) -> str:
    variants = data["variants"]
    if not isinstance(variants, dict) or not variants:
        raise fail("variants must be a non-empty object")
    default = data.get("default_variant")
    if default not in variants:
        raise fail(f"default_variant {default!r} is not one of the variants")
    for name, spec in variants.items():
        if not isinstance(spec, dict):
            raise fail(f"variant {name!r} must be an object")
        status = spec.get("status", data.get("status", "verified"))
        if status not in STATUSES:
            raise fail(f"variant {name!r}: status {status!r}")
        if name == default and status == "unverified":
            raise fail(f"variant {name!r} is unverified and cannot be the default")
        if "source" in spec:
            documents(spec["source"], f"variant {name!r}")
        if "valid_from" in spec:
            _date(spec["valid_from"], fail)
    return str(default)


def _date(value: Any, fail: Any) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise fail(f"valid_from {value!r} is not an ISO date") from None


def _resolve(value: Any, path: Path, refs: list[str]) -> Any:
    """Replace every {"$ref": ...} by the value it names, recording the rules it came from."""
    if isinstance(value, list):
        return [_resolve(v, path, refs) for v in value]
    if not isinstance(value, dict):
        return value
    if "$ref" not in value:
        return {k: _resolve(v, path, refs) for k, v in value.items()}
    if len(value) != 1:
        raise RuleFileError(f"{path.name}: a $ref object has no other keys: {value}")
    match = REF_PATTERN.match(str(value["$ref"]))
    if not match:
        raise RuleFileError(f"{path.name}: $ref {value['$ref']!r} is not '<app>/<name>#<key>'")
    target = (POSYANDU_DIR / match["app"] / "rules" / f"{match['name']}.json").resolve()
    other = _load(target)
    found: Any = other.data
    for part in match["key"].split("."):
        if not isinstance(found, dict) or part not in found:
            raise RuleFileError(f"{path.name}: $ref {value['$ref']!r}: no key {part!r}")
        found = found[part]
    refs.extend((*other.refs, other.key))
    return found
