"""Official denominators: the yearly target populations (sasaran proyeksi) of the Dinkes.

Coverage is shown against two denominators, labelled: the people **registered** (what the
records hold, `RekapLayanan.penyebut`) and the **projected target** the Dinkes sets for the
year (what official reports divide by). Which group is the denominator of which indicator is
rule data (`rules/sasaran_proyeksi.json`).

The file the Dinkes sends (xlsx: the first sheet; or CSV with `;` or `,`):

- any title rows, then one header row whose first cell is `kode` (or `kode_wilayah`,
  “Kode wilayah”); header names are read without case, spaces or underscores mattering;
- columns `kode_wilayah`, optionally `nama` (ignored), and any of `bayi`, `balita`,
  `ibu_hamil`, `ibu_bersalin`, `usia_produktif`, `usia_lanjut`;
- one row per desa/kelurahan (PP.KK.CC.DDDD) or kecamatan (PP.KK.CC), dotted or digits only;
- numbers whole or with decimals (rounded half up: projections are often fractional),
  decimal comma accepted; a blank cell means “not given”, never zero.

Every import records its source, version, file name and SHA-256 (`SumberProyeksi`); a value
imported again for the same year, region and group is replaced and points to the newer
source. Rows that cannot be used are reported with their line and reason, never dropped
silently; the usable rows of the same file are imported.

Rolling up: a kecamatan's target is its own row when the file gave one, else the sum of its
desa rows; a kab/kota or province sums its kecamatan. A unit below which some kecamatan have
no target is reported as incomplete (`Targets.complete`).
"""

import csv
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from django.db import transaction
from openpyxl import load_workbook

from posyandu.accounts.models import Role
from posyandu.accounts.scope import scope_for
from posyandu.audit.recorder import log
from posyandu.core.numbers import NotANumber, parse_decimal
from posyandu.core.rules import load_rule
from posyandu.laporan.models import SasaranProyeksi, SumberProyeksi
from posyandu.laporan.selectors import CHILD_LENGTH
from posyandu.wilayah.codes import dotted, level_of
from posyandu.wilayah.models import Wilayah, in_region

GROUPS = tuple(SasaranProyeksi.Kelompok.values)
CODE_HEADERS = {"kode", "kodewilayah", "kodedesa", "kodekecamatan"}
IMPORT_ROLES = frozenset({Role.DINKES, Role.ADMIN})
MAX_HEADER_SEARCH = 15  # rows of title above the header a file may have


@cache
def rules() -> dict[str, Any]:
    return load_rule("laporan", "sasaran_proyeksi").data


def group_of(indicator: str) -> str | None:
    """The target group that is the official denominator of `indicator` (None: none)."""
    code = "imunisasi_antigen" if indicator.startswith("imun_") else indicator
    return rules()["denominator_of"].get(code)


def may_import(user: Any) -> bool:
    """Dinkes and administrators import target populations (for their own region)."""
    if getattr(user, "is_superuser", False):
        return True
    return bool(scope_for(user).roles & IMPORT_ROLES)


# --- Reading the file ---------------------------------------------------------------------


@dataclass
class Parsed:
    rows: list[tuple[int, str, dict[str, int]]] = field(default_factory=list)  # line, kode, values
    rejected: list[tuple[int, str]] = field(default_factory=list)  # line, reason


def _key(text: Any) -> str:
    return "".join(ch for ch in str(text or "").lower() if ch.isalnum())


def _cells(content: bytes, filename: str) -> list[list[Any]]:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    text = content.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _count(value: Any) -> int | None:
    """A target population: None for blank; ValueError (Indonesian) for anything else bad."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"bukan angka: {value!r}")
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        try:
            parsed = parse_decimal(str(value).replace(" ", ""))
        except NotANumber:
            raise ValueError(f"bukan angka: {value!r}") from None
        if parsed is None:
            return None
        number = parsed
    if number < 0:
        raise ValueError(f"angka negatif: {value!r}")
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _code(value: Any) -> str:
    text = str(value or "").strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    kode = dotted(text)
    if level_of(kode) not in ("kecamatan", "desa"):
        raise ValueError(f"kode {kode} bukan desa atau kecamatan")
    return kode


def parse(content: bytes, filename: str) -> Parsed:
    """The rows of the file (line numbers as a spreadsheet shows them, from 1)."""
    result = Parsed()
    try:
        cells = _cells(content, filename)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one clear refusal
        result.rejected.append((0, f"Berkas tidak dapat dibaca: {exc}"))
        return result
    header_at = next(
        (i for i, r in enumerate(cells[:MAX_HEADER_SEARCH]) if r and _key(r[0]) in CODE_HEADERS),
        None,
    )
    if header_at is None:
        result.rejected.append(
            (0, "Baris judul kolom tidak ditemukan: sel pertamanya harus “kode_wilayah”.")
        )
        return result
    header = [_key(c) for c in cells[header_at]]
    columns = {g: header.index(_key(g)) for g in GROUPS if _key(g) in header}
    if not columns:
        result.rejected.append(
            (header_at + 1, "Tidak ada kolom sasaran (bayi, balita, ibu_hamil, ibu_bersalin, "
                            "usia_produktif, usia_lanjut).")
        )  # fmt: skip
        return result
    seen: dict[str, int] = {}
    for index, row in enumerate(cells[header_at + 1 :], start=header_at + 2):
        if not row or all(c is None or str(c).strip() == "" for c in row):
            continue
        try:
            kode = _code(row[0])
        except ValueError as exc:
            result.rejected.append((index, f"Kode wilayah tidak valid: {exc}"))
            continue
        if kode in seen:
            result.rejected.append((index, f"Kode {kode} sudah ada di baris {seen[kode]}."))
            continue
        values, problems = {}, []
        for group, col in columns.items():
            try:
                number = _count(row[col] if col < len(row) else None)
            except ValueError as exc:
                problems.append(f"{group}: {exc}")
                continue
            if number is not None:
                values[group] = number
        if problems:
            result.rejected.append((index, "; ".join(problems)))
            continue
        if not values:
            result.rejected.append((index, f"Baris {kode} tidak berisi angka sasaran."))
            continue
        seen[kode] = index
        result.rows.append((index, kode, values))
    return result


# --- Writing ------------------------------------------------------------------------------


@dataclass
class ImportResult:
    sumber: SumberProyeksi | None
    accepted: int
    values: int
    rejected: list[tuple[int, str]]


def proyeksi_import(
    *, content: bytes, filename: str, tahun: int, nama: str, versi: str, by: Any
) -> ImportResult:
    """Import one Dinkes file of target populations for `tahun` (see the module docstring)."""
    parsed = parse(content, filename)
    access = scope_for(by).aggregate
    known = set(
        Wilayah.objects.filter(kode__in=[k for _, k, _ in parsed.rows]).values_list(
            "kode", flat=True
        )
    )
    rejected = list(parsed.rejected)
    usable: list[tuple[str, dict[str, int]]] = []
    for line, kode, values in parsed.rows:
        if kode not in known:
            rejected.append((line, f"Kode wilayah {kode} tidak dikenal."))
        elif not access.covers_region(kode):
            rejected.append((line, f"Wilayah {kode} di luar wilayah akun Anda."))
        else:
            usable.append((kode, values))
    rejected.sort()
    if not usable:
        return ImportResult(None, 0, 0, rejected)
    with transaction.atomic():
        sumber = SumberProyeksi.objects.create(
            tahun=tahun,
            nama=nama,
            versi=versi,
            berkas=filename[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            diimpor_oleh=getattr(by, "username", "") or "",
            baris_diterima=len(usable),
            baris_ditolak=len(rejected),
        )
        count = 0
        for kode, values in usable:
            for group, number in values.items():
                SasaranProyeksi.objects.update_or_create(
                    tahun=tahun,
                    wilayah_kode=kode,
                    kelompok=group,
                    defaults={"jumlah": number, "sumber": sumber},
                )
                count += 1
        log(
            "import",
            model="laporan.SasaranProyeksi",
            object_id=str(sumber.pk),
            user=by,
            metadata={
                "tahun": tahun,
                "sumber": nama,
                "versi": versi,
                "berkas": filename,
                "sha256": sumber.sha256,
                "rows": len(usable),
                "rejected": len(rejected),
            },
        )
    return ImportResult(sumber, len(usable), count, rejected)


# --- Reading the targets ------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """The target populations of one unit: {group: number}, and whether every kecamatan
    below the unit had them (`units_with` of `units_total`)."""

    values: dict[str, int]
    units_with: int
    units_total: int

    @property
    def complete(self) -> bool:
        return self.units_with >= self.units_total

    def get(self, group: str | None) -> int | None:
        return None if group is None else self.values.get(group)


EMPTY = Targets({}, 0, 0)


def _rolled(tahun: int, kode: str) -> dict[str, dict[str, int]]:
    """{kecamatan or desa code: {group: number}} within `kode` (a kecamatan's own row wins
    over the sum of its desa). Desa keep their own rows in the second dict level below."""
    rows = SasaranProyeksi.objects.filter(tahun=tahun)
    if kode:
        rows = rows.filter(in_region("wilayah_kode", kode))
    own: dict[str, dict[str, int]] = defaultdict(dict)
    summed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for wilayah, group, number in rows.values_list("wilayah_kode", "kelompok", "jumlah"):
        if len(wilayah) == 8:
            own[wilayah][group] = number
        else:
            summed[wilayah[:8]][group] += number
            own[wilayah][group] = number
    result: dict[str, dict[str, int]] = {}
    for kec in set(summed) | {k for k in own if len(k) == 8}:
        result[kec] = {**summed.get(kec, {}), **own.get(kec, {})}
    for desa, values in own.items():
        if len(desa) == 13:
            result[desa] = values
    return result


def _kecamatan_count(kode: str) -> dict[str, int]:
    """{prefix of length 2/5: number of active kecamatan below} for the units of a report."""
    regions = Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN, aktif=True)
    if kode:
        regions = regions.filter(kode__startswith=kode + ".")
    counts: dict[str, int] = defaultdict(int)
    for code in regions.values_list("kode", flat=True):
        counts[code[:2]] += 1
        counts[code[:5]] += 1
    return counts


def targets(*, kode: str, tahun: int) -> Targets:
    """The target populations of a region (empty code: the country)."""
    return _targets(kode, _rolled(tahun, kode))


def targets_below(*, kode: str, tahun: int) -> dict[str, Targets]:
    """{unit code: Targets} of the regions directly below `kode` (none below a desa: a
    Posyandu has no target population of its own)."""
    if len(kode) == 13:
        return {}
    return _targets_below(kode, _rolled(tahun, kode))


def targets_with_below(*, kode: str, tahun: int) -> tuple[Targets, dict[str, Targets]]:
    """`targets` and `targets_below` of a region with one read of the imported values."""
    rolled = _rolled(tahun, kode)
    counts = _kecamatan_count(kode) if rolled and len(kode) < 8 else {}
    below = {} if len(kode) == 13 else _targets_below(kode, rolled, counts)
    return _targets(kode, rolled, counts), below


def _targets(
    kode: str, rolled: dict[str, dict[str, int]], counts: dict[str, int] | None = None
) -> Targets:
    if len(kode) in (8, 13):
        values = rolled.get(kode, {})
        return Targets(dict(values), int(bool(values)), 1)
    if not rolled:  # nothing imported for the year: no need to count the kecamatan
        return Targets({}, 0, 0)
    counts = _kecamatan_count(kode) if counts is None else counts
    total: dict[str, int] = defaultdict(int)
    kecamatan = [k for k in rolled if len(k) == 8]
    for kec in kecamatan:
        for group, number in rolled[kec].items():
            total[group] += number
    expected = counts.get(kode, 0) if kode else sum(v for k, v in counts.items() if len(k) == 2)
    return Targets(dict(total), len(kecamatan), expected)


def _targets_below(
    kode: str, rolled: dict[str, dict[str, int]], counts: dict[str, int] | None = None
) -> dict[str, Targets]:
    if len(kode) == 8:
        return {k: Targets(dict(v), 1, 1) for k, v in rolled.items() if len(k) == 13}
    if len(kode) == 5:
        return {k: Targets(dict(v), 1, 1) for k, v in rolled.items() if len(k) == 8}
    if not rolled:
        return {}
    length = CHILD_LENGTH[len(kode)]
    counts = _kecamatan_count(kode) if counts is None else counts
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    units_with: dict[str, int] = defaultdict(int)
    for kec, values in rolled.items():
        if len(kec) != 8:
            continue
        units_with[kec[:length]] += 1
        for group, number in values.items():
            sums[kec[:length]][group] += number
    return {
        unit: Targets(dict(values), units_with[unit], counts.get(unit, units_with[unit]))
        for unit, values in sums.items()
    }


def percent(num: int, target: int | None) -> float | None:
    """Coverage against a projected target (no small-number rule: the target is a
    population, not a handful of people)."""
    if not target:
        return None
    return round(100 * num / target, 1)


def sources(*, tahun: int | None = None, limit: int = 20) -> list[SumberProyeksi]:
    found = SumberProyeksi.objects.all()
    if tahun is not None:
        found = found.filter(tahun=tahun)
    return list(found[:limit])
