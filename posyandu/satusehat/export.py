"""The offline export: one transaction Bundle per encounter, validated, no network.

`satusehat export` writes, for the people of a region the account may see (personal
scope, like `export_measurements`), the bundles of the encounters dated in the months asked:
`<local identifier>.json` each, `organizations.json` (Organization and Location of the
facilities), `tidak_dipetakan.csv` (what could not be mapped, with the reason) and
`ringkasan.json` (counts per resource and code, and throughput).
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from posyandu.accounts.scope import restrict
from posyandu.core.periods import first_day, last_day, month_index
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.laporan import skdn
from posyandu.sasaran.models import Sasaran
from posyandu.satusehat import collect, ids
from posyandu.satusehat.fhir import terminology
from posyandu.satusehat.fhir.bundle import transaction
from posyandu.satusehat.fhir.inputs import Alamat, Lokasi, Organisasi
from posyandu.satusehat.fhir.location import location
from posyandu.satusehat.fhir.organization import organization
from posyandu.satusehat.validation import validate_bundle

BATCH = 100  # Posyandu per query batch
LENGTH_CODES = ("8306-3", "8302-2")


@dataclass
class Report:
    bundles: int = 0
    invalid: int = 0
    unmapped: list[tuple[str, str, str]] = field(default_factory=list)  # kunci, date, reason
    resources: Counter[str] = field(default_factory=Counter)
    observations: Counter[str] = field(default_factory=Counter)
    # Measurements of children counted like export_measurements (0-59 months, in S)
    balita_rows: int = 0
    balita_rows_unmapped: int = 0
    balita_observations: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.bundles / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "bundles": self.bundles,
            "invalid": self.invalid,
            "unmapped": len(self.unmapped),
            "resources": dict(sorted(self.resources.items())),
            "observations_by_code": dict(sorted(self.observations.items())),
            "balita": {
                "note": "child measurements counted like export_measurements (0-59 months)",
                "rows": self.balita_rows,
                "rows_unmapped": self.balita_rows_unmapped,
                "observations_by_code": dict(sorted(self.balita_observations.items())),
            },
            "seconds": round(self.seconds, 3),
            "bundles_per_second": round(self.per_second, 1),
            "terminology": terminology.stamps(),
        }


def _visible_posyandu(user: Any, kode: str) -> list[int]:
    qs = restrict(Posyandu.objects.all(), user, "personal")
    qs = (
        qs.filter(desa_id=kode) if len(kode) == 13 else qs.filter(desa__kode__startswith=kode + ".")
    )
    return list(qs.order_by("desa_id", "id").values_list("id", flat=True))


def _balita(person: Sasaran, day: Any) -> bool:
    child = skdn.Child(
        person.pk, person.posyandu_id, person.jenis_kelamin, person.tanggal_lahir,
        person.status, person.status_sejak, person.punya_buku_kia,
    )  # fmt: skip
    return skdn.in_s(child, month_index(day))


def _counted(person: Sasaran, p: Any) -> bool:
    """A row of export_measurements: a weight or a length of a child in S that month."""
    return (p.berat_kg is not None or p.tinggi_cm is not None) and _balita(person, p.tanggal)


def export(*, user: Any, kode: str, start: int, end: int, out: Path) -> Report:
    out.mkdir(parents=True, exist_ok=True)
    report = Report()
    began = time.perf_counter()
    first, last = first_day(start), last_day(end)
    posyandu_ids = _visible_posyandu(user, kode)
    for i in range(0, len(posyandu_ids), BATCH):
        batch = posyandu_ids[i : i + BATCH]
        people_qs = restrict(
            Sasaran.objects.filter(posyandu_id__in=batch, digabung_ke__isnull=True).exclude(
                status="digabung"
            ),
            user,
            "personal",
        )
        people = collect.people_of(people_qs.values_list("id", flat=True))
        if not people:
            continue
        facts = collect.Facts(people)
        parts = collect.gather(people, first, last)
        for key, result in collect.mapped(parts, facts):
            person = people[key.sasaran_id]
            rows = [p for p in parts[key].pengukuran if _counted(person, p)]
            if isinstance(result, str):
                report.unmapped.append((str(person.public_id), key.tanggal.isoformat(), result))
                report.balita_rows_unmapped += len(rows)
                continue
            bundle = transaction(result.isi, result.ctx)
            problems = validate_bundle(bundle)
            if problems:
                report.invalid += 1
                report.errors.extend(f"{result.kunci}: {p}" for p in problems[:5])
            report.bundles += 1
            report.balita_rows += len(rows)
            balita_ids = {str(p.public_id) for p in rows}
            for e in bundle["entry"]:
                r = e["resource"]
                report.resources[r["resourceType"]] += 1
                if r["resourceType"] == "Observation":
                    code = r["code"]["coding"][0]["code"]
                    report.observations[code] += 1
                    if r["identifier"][0]["value"].split(".")[0] in balita_ids:
                        report.balita_observations[code] += 1
            # compact: the C encoder (an indented dump is several times slower)
            (out / f"{result.kunci}.json").write_text(
                json.dumps(bundle, ensure_ascii=False, separators=(",", ":")), "utf-8"
            )
    organizations, unmapped = facility_bundle(user, kode)
    report.unmapped.extend(unmapped)
    (out / "organizations.json").write_text(
        json.dumps(organizations, ensure_ascii=False, indent=1), "utf-8"
    )
    with open(out / "tidak_dipetakan.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["baris", "kunci", "tanggal", "alasan"])
        for n, row in enumerate(report.unmapped, start=1):
            writer.writerow([n, *row])
    report.seconds = time.perf_counter() - began
    (out / "ringkasan.json").write_text(json.dumps(report.as_dict(), indent=1), "utf-8")
    return report


# --- facilities ---------------------------------------------------------------------------


def facility_resources(
    puskesmas: Puskesmas, posyandu: list[Posyandu], known: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """Organization of the Puskesmas, its Pustu and Posyandu (partOf the Puskesmas or their
    Pustu), and the Location of each Posyandu."""
    org_id = ids.organization_id(puskesmas, known["org"])
    resources: list[dict[str, Any]] = [
        organization(
            Organisasi(
                key=ids.facility_key(puskesmas), jenis="puskesmas", nama=puskesmas.nama,
                kode=puskesmas.kode, org_id=org_id, induk_org_id="", identifier_org_id=org_id,
                alamat=None,
            )
        )
    ]  # fmt: skip
    pustu_ids: dict[int, str] = {}
    for pustu in puskesmas.pustu.all():
        pid = ids.organization_id(pustu, known["org"])
        pustu_ids[pustu.pk] = pid
        resources.append(
            organization(
                Organisasi(
                    key=ids.facility_key(pustu), jenis="pustu", nama=pustu.nama, kode=pustu.kode,
                    org_id=pid, induk_org_id=org_id, identifier_org_id=org_id,
                    alamat=Alamat(desa_kode=pustu.desa_id, baris=pustu.alamat),
                )
            )
        )  # fmt: skip
    for p in posyandu:
        own = ids.organization_id(p, known["org"])
        parent = pustu_ids.get(p.pustu_id or 0) or org_id
        alamat = Alamat(desa_kode=p.desa_id, baris=p.alamat)
        resources.append(
            organization(
                Organisasi(
                    key=ids.facility_key(p), jenis="posyandu_prima" if p.is_prima else "posyandu",
                    nama=p.nama, kode=p.kode, org_id=own, induk_org_id=parent,
                    identifier_org_id=org_id, alamat=alamat,
                )
            )
        )  # fmt: skip
        if own:
            resources.append(
                location(
                    Lokasi(
                        key=ids.facility_key(p), nama=p.nama, kode=p.kode,
                        location_id=ids.location_id(p, known["loc"]), org_id=own,
                        identifier_org_id=org_id, alamat=alamat, keterangan=p.wilayah_layanan,
                    )
                )
            )  # fmt: skip
    return resources


def facility_bundle(user: Any, kode: str) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    posyandu = (
        Posyandu.objects.filter(pk__in=_visible_posyandu(user, kode))
        .select_related("puskesmas")
        .order_by("puskesmas_id", "id")
    )
    by_puskesmas: dict[int, list[Posyandu]] = {}
    for p in posyandu:
        by_puskesmas.setdefault(p.puskesmas_id, []).append(p)
    known = {"org": ids.many(ids.ORGANIZATION), "loc": ids.many(ids.LOCATION)}
    entries: list[dict[str, Any]] = []
    unmapped: list[tuple[str, str, str]] = []
    for puskesmas in Puskesmas.objects.filter(pk__in=list(by_puskesmas)).prefetch_related("pustu"):
        if not ids.organization_id(puskesmas, known["org"]):
            reason = f"{puskesmas.nama} belum punya id organisasi SATUSEHAT."
            unmapped.append((ids.facility_key(puskesmas), "", reason))
            continue
        for r in facility_resources(puskesmas, by_puskesmas[puskesmas.pk], known):
            entries.append({"resource": r})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}, unmapped
