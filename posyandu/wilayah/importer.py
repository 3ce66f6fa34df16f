"""Loads the Kemendagri code list into Wilayah: idempotent, and reports what changed."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from posyandu.wilayah.codes import level_of, parent_of
from posyandu.wilayah.models import Wilayah


@dataclass
class ImportReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.changed + self.unchanged


def read_rows(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(kode, nama) rows of a kode,nama CSV, and one message per rejected line."""
    rows, errors = [], []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"kode", "nama"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: kolom 'kode' dan 'nama' wajib ada di baris judul")
        for line, row in enumerate(reader, start=2):
            kode, nama = (row["kode"] or "").strip(), (row["nama"] or "").strip()
            try:
                level_of(kode)
            except ValueError as exc:
                errors.append(f"baris {line}: {exc}")
                continue
            if not nama:
                errors.append(f"baris {line}: nama wilayah kosong untuk kode {kode}")
                continue
            rows.append((kode, nama))
    return rows, errors


@transaction.atomic
def import_wilayah(path: Path, *, retire_missing: bool = False) -> ImportReport:
    rows, errors = read_rows(path)
    report = ImportReport(errors=errors)
    existing = {w.kode: w for w in Wilayah.objects.all()}
    known = set(existing) | {kode for kode, _ in rows}

    to_add, to_change = [], []
    # Parents before children, so the foreign key always points at a stored row.
    for kode, nama in sorted(rows, key=lambda r: (len(r[0]), r[0])):
        induk = parent_of(kode)
        if induk is not None and induk not in known:
            report.errors.append(f"kode {kode}: induk {induk} tidak ada dalam daftar")
            continue
        current = existing.get(kode)
        if current is None:
            to_add.append(Wilayah(kode=kode, nama=nama, tingkat=level_of(kode), induk_id=induk))
        elif current.nama != nama or not current.aktif or current.induk_id != induk:
            current.nama, current.aktif, current.induk_id = nama, True, induk
            to_change.append(current)
        else:
            report.unchanged += 1

    Wilayah.objects.bulk_create(to_add, batch_size=2000)
    Wilayah.objects.bulk_update(to_change, ["nama", "aktif", "induk"], batch_size=2000)
    report.added, report.changed = len(to_add), len(to_change)

    if retire_missing:
        listed = {kode for kode, _ in rows}
        report.retired = (
            Wilayah.objects.filter(aktif=True).exclude(kode__in=listed).update(aktif=False)
            if len(listed) < 30000
            else _retire_in_python(existing, listed)
        )
    return report


def _retire_in_python(existing: dict[str, Wilayah], listed: set[str]) -> int:
    # Large lists would overflow SQLite's variable limit in a NOT IN clause.
    gone = [w for kode, w in existing.items() if kode not in listed and w.aktif]
    for w in gone:
        w.aktif = False
    Wilayah.objects.bulk_update(gone, ["aktif"], batch_size=2000)
    return len(gone)
