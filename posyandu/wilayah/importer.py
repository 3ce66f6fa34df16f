"""Loads the Kemendagri code list into Wilayah: idempotent, and reports what changed."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from posyandu.wilayah.codes import ancestors_of, level_of, parent_of
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


def read_rows(path: Path) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """(line, kode, nama) rows of a kode,nama CSV, and (line, reason) per rejected line."""
    rows: list[tuple[int, str, str]] = []
    errors: list[tuple[int, str]] = []
    first_line: dict[str, int] = {}
    # utf-8-sig: a file saved by Excel starts with a byte order mark before "kode".
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        try:
            fieldnames = reader.fieldnames
            if not fieldnames or not {"kode", "nama"} <= {f.strip() for f in fieldnames}:
                raise ValueError(f"{path}: kolom 'kode' dan 'nama' wajib ada di baris judul")
            reader.fieldnames = [f.strip() for f in fieldnames]
            for row in reader:
                line = reader.line_num
                kode, nama = (row["kode"] or "").strip(), (row["nama"] or "").strip()
                try:
                    level_of(kode)
                except ValueError as exc:
                    errors.append((line, str(exc)))
                    continue
                if not nama:
                    errors.append((line, f"nama wilayah kosong untuk kode {kode}"))
                    continue
                if kode in first_line:
                    errors.append(
                        (line, f"kode {kode} ganda (sudah ada di baris {first_line[kode]})")
                    )
                    continue
                first_line[kode] = line
                rows.append((line, kode, nama))
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"{path}: baris {_first_non_utf8_line(path)} bukan teks UTF-8; "
                "simpan ulang berkas sebagai CSV UTF-8"
            ) from exc
    return rows, errors


def _first_non_utf8_line(path: Path) -> int:
    with path.open("rb") as fh:
        for line, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return line
    return 1


@transaction.atomic
def import_wilayah(path: Path, *, retire_missing: bool = False) -> ImportReport:
    rows, errors = read_rows(path)
    report = ImportReport()
    existing = {w.kode: w for w in Wilayah.objects.all()}
    # Codes a row may hang under: stored ones and rows accepted so far. Parents come before
    # children, so the child of a rejected row is rejected too instead of breaking the
    # foreign key.
    known = set(existing)

    to_add, to_change = [], []
    for line, kode, nama in sorted(rows, key=lambda r: (len(r[1]), r[1])):
        induk = parent_of(kode)
        if induk is not None and induk not in known:
            errors.append((line, f"induk {induk} untuk kode {kode} tidak ada dalam daftar"))
            continue
        known.add(kode)
        current = existing.get(kode)
        if current is None:
            to_add.append(Wilayah(kode=kode, nama=nama, tingkat=level_of(kode), induk_id=induk))
        elif current.nama != nama or not current.aktif or current.induk_id != induk:
            current.nama, current.aktif, current.induk_id = nama, True, induk
            to_change.append(current)
        else:
            report.unchanged += 1
    report.errors = [f"baris {line}: {reason}" for line, reason in sorted(errors)]

    Wilayah.objects.bulk_create(to_add, batch_size=2000)
    Wilayah.objects.bulk_update(to_change, ["nama", "aktif", "induk"], batch_size=2000)
    report.added, report.changed = len(to_add), len(to_change)

    if retire_missing:
        listed = {kode for _, kode, _ in rows}
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


def region_with_ancestors(kode: str, *, label: str) -> Wilayah:
    """The region `kode` with every level above it, created as "<label> <code>" where missing
    (benchmarks on a fresh database, without the national import)."""
    parent = None
    for code in ancestors_of(kode):
        parent, _ = Wilayah.objects.get_or_create(
            kode=code,
            defaults={"nama": f"{label} {code}", "tingkat": level_of(code), "induk": parent},
        )
    assert parent is not None
    return parent
