"""Importing a workbook of balita (and undoing an import).

People are matched by NIK, then by the duplicate rules of sasaran (same birth date and a
similar name or the same mother); new people are registered in the Posyandu through
`sasaran.services`; measurements go through `sesi.services.measurements_record` (at a
check-in of that Posyandu's session of that day when the session may be opened), the batch
form of the day's `measurement_record` (which calls it with one reading), so growth results,
flags, N/T/O/B, aggregates, tasks and the SATUSEHAT outbox follow exactly as on the Posyandu
day. Each chunk of people is checked first and then written together, in one transaction.

A dry run does all of it inside a transaction that is rolled back: its counts are the
import's. A second import of the same file creates nothing: the people match, and a
measurement of the same person, day and values is skipped."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from posyandu.accounts.scope import can_import_people, can_undo_import, restrict
from posyandu.audit.recorder import log
from posyandu.core import derived
from posyandu.core.corrections import CorrectionError, parts_of, record_correct, record_void
from posyandu.core.models import bulk_insert
from posyandu.core.numbers import format_measured
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.pertukaran.layouts import detect
from posyandu.pertukaran.models import ImportBatch, ImportItem
from posyandu.pertukaran.reader import read_workbook
from posyandu.pertukaran.rows import MeasureRow, ParsedFile, PersonRow, Rejection, parse
from posyandu.pertukaran.values import plain, rules
from posyandu.sasaran.bounds import birth_date_error
from posyandu.sasaran.duplicates import Candidate, duplicate_reason
from posyandu.sasaran.life_stage import BADUTA, completed_months
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.nik import nik_errors, nik_warnings
from posyandu.sasaran.services import sasaran_create_many, sasaran_new, sasaran_update
from posyandu.sesi.growth import as_stored
from posyandu.sesi.limits import hard_limit_errors
from posyandu.sesi.models import Kunjungan, Pengukuran, Sesi
from posyandu.sesi.services import (
    Checkin,
    Reading,
    SessionDateError,
    checkins,
    measurements_record,
    session_open,
)
from posyandu.wilayah.models import Wilayah

CHUNK_PEOPLE = 1000  # people per transaction (their measurements with them)
FILL_FIELDS = ("nik", "nama_ibu", "nik_ibu", "telepon", "rt", "rw")
COMPARED = ("berat_kg", "tinggi_cm", "lila_cm", "lingkar_kepala_cm")
COUNT_KEYS = (
    "baris",
    "sasaran_baru",
    "sasaran_cocok",
    "sasaran_diperbarui",
    "pengukuran_baru",
    "pengukuran_sama",
    "ditolak",
    "peringatan",
)


class ImportRefused(ValueError):
    """The import cannot start (no right, a place out of scope, an unreadable file)."""


@dataclass
class Target:
    """Where the people go: one Posyandu, or the Posyandu of a Puskesmas named on each row."""

    posyandu: Posyandu | None = None
    puskesmas: Puskesmas | None = None
    choices: dict[str, Posyandu] = field(default_factory=dict)  # plain name -> Posyandu

    @property
    def kode(self) -> str:
        if self.posyandu is not None:
            return self.posyandu.desa_id
        assert self.puskesmas is not None
        return self.puskesmas.kecamatan_id

    @property
    def posyandu_ids(self) -> list[int]:
        if self.posyandu is not None:
            return [self.posyandu.pk]
        return sorted({p.pk for p in self.choices.values()})


def _posyandu_key(name: str) -> str:
    words = [w for w in plain(name).split() if w != "posyandu"]
    return " ".join(words)


def target_for(
    user: Any, *, posyandu: Posyandu | None = None, puskesmas: Puskesmas | None = None
) -> Target:
    """The place of an import, checked against the user's scope: a bidan, the Puskesmas or an
    admin, into Posyandu they may see (with a Puskesmas: those of it they may see)."""
    if not can_import_people(user):
        raise ImportRefused(_("Only a bidan, the Puskesmas or an administrator can import."))
    if posyandu is not None:
        if not restrict(Posyandu.objects.filter(pk=posyandu.pk), user).exists():
            raise ImportRefused(
                _("The Posyandu %(name)s is outside your area.") % {"name": posyandu.nama}
            )
        return Target(posyandu=posyandu)
    if puskesmas is None:
        raise ImportRefused(_("Choose a Posyandu or a Puskesmas."))
    visible = list(restrict(Posyandu.objects.filter(puskesmas=puskesmas), user))
    if not visible:
        raise ImportRefused(
            _("No Posyandu of %(name)s is within your area.") % {"name": puskesmas.nama}
        )
    choices: dict[str, Posyandu] = {}
    for p in visible:
        choices.setdefault(_posyandu_key(p.nama), p)
    return Target(puskesmas=puskesmas, choices=choices)


@dataclass
class Report:
    """What an import did (or a dry run would do)."""

    layout: str = ""
    layout_label: str = ""
    sheets: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    headers: dict[str, list[str]] = field(default_factory=dict)
    items: list[tuple[str, int, str, dict[str, Any]]] = field(default_factory=list)

    def reject(self, rejection: Rejection) -> None:
        self.rejected.append(rejection)

    def finish(self) -> None:
        self.rejected.sort(key=lambda r: (r.sheet, r.row))
        self.warnings.sort(key=lambda r: (r.sheet, r.row))
        self.counts["ditolak"] = len(self.rejected)
        self.counts["peringatan"] = len(self.warnings)


class _Rollback(Exception):
    pass


def stored_user(user: Any) -> Any:
    """A stored account, or None (the server operator of a command is no row)."""
    return user if getattr(user, "pk", None) is not None else None


def _actor(user: Any) -> Any:
    """A stored account, or None (the server operator of a command is no row)."""
    return user if getattr(user, "pk", None) is not None else None


def import_file(
    *,
    content: bytes,
    filename: str,
    target: Target,
    by: Any,
    layout: str | None = None,
    dry_run: bool = False,
    batch: ImportBatch | None = None,
) -> tuple[Report, ImportBatch | None]:
    """Read the file and import it into `target` (see the module docstring). A dry run writes
    nothing; otherwise the import is one ImportBatch (`batch`, a preview being confirmed, or a
    new one) with one audit event of its counts. Raises ImportRefused or LayoutError (a file
    no layout fits) before anything is written."""
    sheets = read_workbook(content, filename)
    detection = detect(sheets, layout)
    parsed = parse(detection)
    report = Report(
        layout=detection.layout.name,
        layout_label=detection.layout.label,
        sheets=[s.data.name for s in detection.sheets],
        headers=parsed.headers,
    )
    report.counts["baris"] = parsed.rows
    report.rejected.extend(parsed.rejected)
    run = _Run(target=target, by=by, report=report)
    if dry_run:
        try:
            with transaction.atomic():
                run.run(parsed)
                raise _Rollback
        except _Rollback:
            pass
        report.finish()
        return report, None
    if batch is None:
        batch = ImportBatch(nama_berkas=filename[:200])
    batch.posyandu, batch.puskesmas = target.posyandu, target.puskesmas
    batch.kode_wilayah = target.kode
    batch.layout, batch.layout_versi = detection.layout.name, detection.layout.stamp[:80]
    batch.sha256 = hashlib.sha256(content).hexdigest()
    batch.oleh = _actor(by)
    batch.save()
    run.batch = batch
    run.run(parsed)
    report.finish()
    batch.status = ImportBatch.Status.SELESAI
    batch.jumlah = report.counts
    batch.ditolak = [r.as_json() for r in report.rejected]
    batch.peringatan = [r.as_json() for r in report.warnings]
    batch.kolom = report.headers
    batch.diimpor_pada = timezone.now()
    batch.save()
    log(
        "import",
        model=ImportBatch._meta.label,
        object_id=str(batch.public_id),
        wilayah_kode=batch.kode_wilayah,
        metadata={"file": batch.nama_berkas, "layout": batch.layout, **report.counts},
        user=by,
    )
    return report, batch


@dataclass
class _Group:
    """The rows of the file that are one child."""

    rows: list[PersonRow]
    measures: list[MeasureRow] = field(default_factory=list)

    @property
    def first(self) -> PersonRow:
        return self.rows[0]

    def value(self, name: str) -> Any:
        for row in self.rows:
            value = getattr(row, name)
            if value not in (None, ""):
                return value
        return getattr(self.first, name)


@dataclass
class _Run:
    target: Target
    by: Any
    report: Report
    batch: ImportBatch | None = None
    by_nik: dict[str, Sasaran] = field(default_factory=dict)
    visible_ids: set[int] = field(default_factory=set)
    by_birth: dict[date, list[Sasaran]] = field(default_factory=lambda: defaultdict(list))
    measured: dict[tuple[int, date], list[dict[str, Any]]] = field(default_factory=dict)
    sessions: dict[tuple[int, date], Sesi | None] = field(default_factory=dict)
    kecamatan: dict[str, bool] = field(default_factory=dict)
    pending_items: list[ImportItem] = field(default_factory=list)
    places: dict[int, Posyandu] = field(default_factory=dict)
    new_people: list[Sasaran] = field(default_factory=list)
    new_measures: list[tuple[Sasaran, date, dict[str, Any]]] = field(default_factory=list)
    started: Any = field(default_factory=timezone.now)
    today: date = field(default_factory=timezone.localdate)

    # --- grouping -----------------------------------------------------------------------

    def _groups(self, parsed: ParsedFile) -> list[_Group]:
        groups: dict[tuple[Any, ...], _Group] = {}
        for person in parsed.people:
            key = person.key()
            if key in groups:
                groups[key].rows.append(person)
            else:
                groups[key] = _Group([person])
        by_nik = {g.first.nik: g for g in groups.values() if g.first.nik}
        by_name: dict[str, list[_Group]] = defaultdict(list)
        for g in groups.values():
            by_name[plain(g.first.nama)].append(g)
        loose: list[MeasureRow] = []
        for m in parsed.measures:
            if m.person is not None:
                groups[m.person.key()].measures.append(m)
            elif m.nik and m.nik in by_nik:
                by_nik[m.nik].measures.append(m)
            elif not m.nik and len(by_name.get(plain(m.nama), [])) == 1:
                by_name[plain(m.nama)][0].measures.append(m)
            else:
                loose.append(m)
        self._loose = loose
        return list(groups.values())

    # --- lookups in bulk ------------------------------------------------------------------

    def _prefetch(self, groups: list[_Group], loose: list[MeasureRow]) -> None:
        niks = {g.value("nik") for g in groups if g.value("nik")} | {m.nik for m in loose if m.nik}
        nik_list = sorted(niks)
        for start in range(0, len(nik_list), 500):
            chunk = nik_list[start : start + 500]
            for person in Sasaran.objects.filter(nik__in=chunk).select_related("posyandu"):
                self.by_nik[person.nik or ""] = person
            self.visible_ids.update(
                restrict(Sasaran.objects.filter(nik__in=chunk), self.by).values_list(
                    "pk", flat=True
                )
            )
        births = {g.value("tanggal_lahir") for g in groups if g.value("tanggal_lahir")}
        if births:
            people = Sasaran.objects.filter(posyandu_id__in=self.target.posyandu_ids).exclude(
                status=Sasaran.Status.DIGABUNG
            )
            for person in people.filter(
                tanggal_lahir__gte=min(births), tanggal_lahir__lte=max(births)
            ):
                if person.tanggal_lahir in births:
                    self.by_birth[person.tanggal_lahir].append(person)

    def _load_measured(self, person_ids: Iterable[int]) -> None:
        ids = [pk for pk in person_ids if pk is not None]
        for start in range(0, len(ids), 500):
            rows = Pengukuran.objects.filter(sasaran_id__in=ids[start : start + 500]).values(
                "sasaran_id", "tanggal", *COMPARED
            )
            for row in rows:
                key = (row["sasaran_id"], row["tanggal"])
                self.measured.setdefault(key, []).append(row)

    # --- the run --------------------------------------------------------------------------

    def run(self, parsed: ParsedFile) -> None:
        """Chunk by chunk of people, each one transaction: match or plan each child and
        check each row first, then register the new people, open the sessions, check in and
        record the measurements of the chunk together (the day's services, in batch form),
        and let the derived data (aggregates, tasks, outbox) follow once per chunk."""
        groups = self._groups(parsed)
        loose = self._loose
        self._prefetch(groups, loose)
        matched_ids = [p.pk for p in self.by_nik.values()] + [
            p.pk for people in self.by_birth.values() for p in people
        ]
        self._load_measured(matched_ids)
        for start in range(0, len(groups), CHUNK_PEOPLE):
            with transaction.atomic(), derived.batch():
                plans = [self._group(group) for group in groups[start : start + CHUNK_PEOPLE]]
                self._create_people()
                for plan in plans:
                    if plan is not None:
                        person, measures, checked = plan
                        for m in measures:
                            self._measure(person, m, checked=checked)
                self._write_measures()
                self._flush_items()
        if loose:
            with transaction.atomic(), derived.batch():
                for m in loose:
                    self._loose_measure(m)
                self._write_measures()
                self._flush_items()

    def _item(self, record: Model, action: str, old: dict[str, Any] | None = None) -> None:
        if self.batch is not None:
            self.pending_items.append(
                ImportItem(
                    batch_id=self.batch.pk,
                    model=record._meta.label,
                    object_pk=record.pk,
                    action=action,
                    old=old or {},
                )
            )

    def _flush_items(self) -> None:
        if self.pending_items:
            bulk_insert(self.pending_items)
            self.pending_items = []

    def _reject_group(self, group: _Group, reason: str) -> None:
        seen = set()
        for where in [r.where for r in group.rows] + [m.where for m in group.measures]:
            if (where.sheet, where.row) in seen:
                continue
            seen.add((where.sheet, where.row))
            self.report.reject(Rejection(where.sheet, where.row, reason, where.cells))

    def _warn(self, row: PersonRow, message: str) -> None:
        self.report.warnings.append(Rejection(row.where.sheet, row.where.row, message))

    def _posyandu_of(self, group: _Group) -> Posyandu:
        if self.target.posyandu is not None:
            return self.target.posyandu
        name = group.value("posyandu")
        if not name:
            raise _GroupError(
                _("The Posyandu column is empty (needed when importing for a Puskesmas).")
            )
        found = self.target.choices.get(_posyandu_key(name))
        if found is None:
            assert self.target.puskesmas is not None
            raise _GroupError(
                _("Posyandu “%(name)s” is not a Posyandu of %(puskesmas)s within your area.")
                % {"name": name, "puskesmas": self.target.puskesmas.nama}
            )
        return found

    def _kecamatan_exists(self, kode: str) -> bool:
        if kode not in self.kecamatan:
            self.kecamatan[kode] = Wilayah.objects.filter(kode=kode).exists()
        return self.kecamatan[kode]

    def _group(self, group: _Group) -> tuple[Sasaran, list[MeasureRow], bool] | None:
        """One child: checked, matched or planned for registration; returns the person and
        the rows to measure, oldest first (checked already for a new person), or None. A row
        is rejected as a whole: a child whose every row is rejected is not registered."""
        try:
            person = self._existing(group)
            if person is None:
                born, sex = self._identity(group)
        except _GroupError as error:
            self._reject_group(group, str(error))
            return None
        measures = sorted(group.measures, key=lambda m: (m.tanggal or date.min, m.where.row))
        if person is None:
            valid = []
            for m in measures:
                reason = self._check(m, born, sex)
                if reason:
                    self._reject_row(m, reason)
                else:
                    valid.append(m)
            if (
                measures
                and not valid
                and all(r.where in [m.where for m in measures] for r in group.rows)
            ):
                return None  # one-sheet rows, all rejected: nobody to register
            try:
                person = self._create(group, born, sex)
            except _GroupError as error:
                rejected = {(r.sheet, r.row) for r in self.report.rejected}
                group.measures = valid
                group.rows = [r for r in group.rows if (r.where.sheet, r.where.row) not in rejected]
                self._reject_group(group, str(error))
                return None
            return person, valid, True
        if person.pk is None:  # planned by an earlier row group of the file: register it now
            self._create_people()
        self._matched(person, group)
        return person, measures, False

    def _reject_row(self, m: MeasureRow, reason: str) -> None:
        self.report.reject(Rejection(m.where.sheet, m.where.row, reason, m.where.cells))

    def _check(self, m: MeasureRow, born: date, sex: str) -> str:
        """Why a measurement of a child born on `born` cannot be stored ("" when it can)."""
        assert m.tanggal is not None
        today = self.today
        earliest = date.fromisoformat(rules()["tanggal_ukur_paling_awal"])
        if m.tanggal > today:
            return _("The date measured %(date)s is after today.") % {"date": _dmy(m.tanggal)}
        if m.tanggal < born:
            return _("The date measured %(date)s is before the date of birth %(born)s.") % {
                "date": _dmy(m.tanggal),
                "born": _dmy(born),
            }
        if m.tanggal < earliest:
            return _("The date measured %(date)s is before %(first)s.") % {
                "date": _dmy(m.tanggal),
                "first": _dmy(earliest),
            }
        refused = hard_limit_errors(
            _with_position(m.values, born, m.tanggal),
            umur_bulan=completed_months(born, m.tanggal),
            jenis_kelamin=sex,
        )
        return " ".join(refused.values())

    def _existing(self, group: _Group) -> Sasaran | None:
        """The registered person the rows are: by NIK, else by the duplicate rules."""
        nik = group.value("nik")
        if nik:
            found = self.by_nik.get(nik)
            if found is not None:
                if found.pk is not None and found.pk not in self.visible_ids:
                    raise _GroupError(
                        _("NIK %(nik)s is registered at a Posyandu outside your area.")
                        % {"nik": nik}
                    )
                return found
            errors = nik_errors(nik, kecamatan_exists=lambda kode: True)
            if errors:
                raise _GroupError(" ".join(errors))
        nama, born = group.value("nama"), group.value("tanggal_lahir")
        if not nama or born is None:
            return None
        candidate = Candidate(
            nama=nama,
            tanggal_lahir=born,
            nama_ibu=group.value("nama_ibu"),
            ibu_id=None,
            nik_ibu=group.value("nik_ibu"),
        )
        for other in self.by_birth.get(born, []):
            if nik and other.nik and other.nik != nik:
                continue
            if duplicate_reason(candidate, other):
                if other.pk is not None:
                    self.visible_ids.add(other.pk)  # a person of the target Posyandu: in scope
                return other
        return None

    def _identity(self, group: _Group) -> tuple[date, str]:
        """Birth date and sex of someone to register (what registration requires)."""
        if not group.value("nama"):
            raise _GroupError(_("The name is empty."))
        born = group.value("tanggal_lahir")
        if born is None:
            raise _GroupError(_("The date of birth is empty."))
        error = birth_date_error(born, self.today)
        if error:
            raise _GroupError(error)
        sex = group.value("jenis_kelamin")
        if sex is None:
            raise _GroupError(_("The sex is empty."))
        return born, sex

    def _create(self, group: _Group, born: date, sex: str) -> Sasaran:
        nik = group.value("nik")
        posyandu = self._posyandu_of(group)
        fields: dict[str, Any] = {
            "nik": nik or None,
            "nama": group.value("nama"),
            "tanggal_lahir": born,
            "jenis_kelamin": sex,
            "nama_ibu": group.value("nama_ibu"),
            "nik_ibu": group.value("nik_ibu"),
            "telepon": group.value("telepon"),
            "rt": group.value("rt"),
            "rw": group.value("rw"),
        }
        if group.value("berat_lahir_g") is not None:
            fields["berat_lahir_g"] = group.value("berat_lahir_g")
        if group.value("panjang_lahir_cm") is not None:
            fields["panjang_lahir_cm"] = group.value("panjang_lahir_cm")
        if nik:
            if not self._kecamatan_exists(f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"):
                self._warn(
                    group.first,
                    _("Digits 1-6 of NIK %(nik)s are not a known district code; check the KK.")
                    % {"nik": nik},
                )
            for warning in nik_warnings(nik, tanggal_lahir=born, jenis_kelamin=sex):
                self._warn(group.first, warning)
        person = sasaran_new(posyandu=posyandu, **fields)
        self.new_people.append(person)
        self.report.counts["sasaran_baru"] += 1
        self.by_birth[born].append(person)
        if nik:
            self.by_nik[nik] = person
        return person

    def _create_people(self) -> None:
        """Register the people planned so far (sasaran.services, together)."""
        for person in sasaran_create_many(self.new_people):
            self._item(person, ImportItem.Action.CREATED)
            self.visible_ids.add(person.pk)
        self.new_people = []

    def _matched(self, person: Sasaran, group: _Group) -> Sasaran:
        """An existing person: fill what they lack from the file (never overwrite)."""
        changes = {}
        for name in FILL_FIELDS:
            value = group.value(name)
            if value and not getattr(person, name):
                if name == "nik" and (
                    value in self.by_nik or Sasaran.objects.filter(nik=value).exists()
                ):
                    continue
                changes[name] = value
        if changes:
            old = {name: getattr(person, name) for name in changes}
            sasaran_update(sasaran=person, posyandu=person.posyandu, **changes)
            self._item(person, ImportItem.Action.UPDATED, old)
            self.report.counts["sasaran_diperbarui"] += 1
            if person.nik:
                self.by_nik[person.nik] = person
        else:
            self.report.counts["sasaran_cocok"] += 1
        return person

    def _loose_measure(self, m: MeasureRow) -> None:
        """A measurement row whose child is not in the identity sheet: by NIK among the
        people the user may see."""
        person = self.by_nik.get(m.nik) if m.nik else None
        if person is None or person.pk not in self.visible_ids:
            name = m.nik or m.nama
            self.report.reject(
                Rejection(
                    m.where.sheet,
                    m.where.row,
                    _(
                        "Child %(name)s is neither in the identity sheet nor registered in "
                        "your area."
                    )
                    % {"name": name},
                    m.where.cells,
                )
            )
            return
        if (person.pk, m.tanggal) not in self.measured:
            self._load_measured([person.pk])
        self._measure(person, m)

    # --- measurements -----------------------------------------------------------------

    def _same(self, stored: dict[str, Any], values: dict[str, Any]) -> bool:
        return all(stored.get(k) == as_stored(k, values.get(k)) for k in COMPARED)

    def _measure(self, person: Sasaran, m: MeasureRow, checked: bool = False) -> None:
        """Check a row of a registered person and plan its measurement (written by
        `_write_measures`); the same person, day and values again is counted, not written."""
        assert m.tanggal is not None
        reject = lambda reason: self._reject_row(m, reason)  # noqa: E731
        reason = "" if checked else self._check(m, person.tanggal_lahir, person.jenis_kelamin)
        if reason:
            reject(reason)
            return
        values = _with_position(m.values, person.tanggal_lahir, m.tanggal)
        key = (person.pk, m.tanggal)
        stored = self.measured.get(key, [])
        if stored:
            if any(self._same(s, values) for s in stored):
                self.report.counts["pengukuran_sama"] += 1
                return
            first = stored[0]
            reject(
                _(
                    "%(name)s already has a measurement on %(date)s with other values "
                    "(BB %(bb)s kg, TB/PB %(tb)s cm); correct it on the person's page."
                )
                % {
                    "name": person.nama,
                    "date": _dmy(m.tanggal),
                    "bb": format_measured(first.get("berat_kg"), empty="–"),
                    "tb": format_measured(first.get("tinggi_cm"), empty="–"),
                }
            )
            return
        self.measured[key] = [{k: as_stored(k, values.get(k)) for k in COMPARED}]
        self.new_measures.append((person, m.tanggal, values))

    def _write_measures(self) -> None:
        """The planned measurements: each at a check-in of its person's Posyandu session of
        that day (opened when needed; none when the day is more than a year ago), recorded
        through sesi.services like the Posyandu day, together."""
        planned, self.new_measures = self.new_measures, []
        wanted: dict[int, Checkin] = {}
        for i, (person, tanggal, _values) in enumerate(planned):
            sesi = self._session(person.posyandu_id, tanggal)
            if sesi is not None:
                wanted[i] = Checkin(sesi, person)
        for done in checkins(list(wanted.values())):
            if done.created and done.kunjungan is not None:
                self._item(done.kunjungan, ImportItem.Action.CREATED)
        readings = [
            Reading(
                person,
                tanggal,
                values,
                kunjungan=wanted[i].kunjungan if i in wanted else None,
            )
            for i, (person, tanggal, values) in enumerate(planned)
        ]
        for result in measurements_record(readings=readings, by=_actor(self.by)):
            self._item(result.pengukuran, ImportItem.Action.CREATED)
            self.report.counts["pengukuran_baru"] += 1

    def _session(self, posyandu_id: int, tanggal: date) -> Sesi | None:
        """The Posyandu's session of that day, opened when needed; None when no session may
        be opened on that day (more than a year ago)."""
        key = (posyandu_id, tanggal)
        if key not in self.sessions:
            if posyandu_id not in self.places:
                self.places[posyandu_id] = Posyandu.objects.get(pk=posyandu_id)
            try:
                sesi = session_open(
                    posyandu=self.places[posyandu_id], tanggal=tanggal, by=_actor(self.by)
                )
            except SessionDateError:
                sesi = None
            if sesi is not None and sesi.created_at >= self.started:  # opened by this import
                self._item(sesi, ImportItem.Action.CREATED)
            self.sessions[key] = sesi
        return self.sessions[key]


class _GroupError(ValueError):
    pass


def _with_position(values: dict[str, Any], born: date, on: date) -> dict[str, Any]:
    """A length/height without its position: lying under 2 years, standing from 2 (WHO), as
    the day's form proposes."""
    if values.get("tinggi_cm") is None or values.get("cara_ukur"):
        return values
    lying = BADUTA.contains(completed_months(born, on))
    return {**values, "cara_ukur": "terlentang" if lying else "berdiri"}


def _dmy(day: date) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


# --- undo ---------------------------------------------------------------------------------

MODELS: dict[str, type[Model]] = {m._meta.label: m for m in (Sasaran, Sesi, Kunjungan, Pengukuran)}
UNDO_ORDER = ("sesi.Pengukuran", "sesi.Kunjungan", "sesi.Sesi", "sasaran.Sasaran")


class UndoError(ValueError):
    pass


def _other_live_records(person: Sasaran) -> bool:
    """Something other than derived data (tasks, aggregates) still points at the person."""
    derived_labels = {d.derived.split(" ")[0].rsplit(".", 1)[0] for d in derived.registry()}
    derived_labels |= {d.derived for d in derived.registry()}
    for rel in Sasaran._meta.related_objects:
        if not rel.one_to_many or rel.field.name == "digabung_ke":
            continue
        model = rel.field.model
        if model._meta.label in derived_labels and model is not Pengukuran:
            continue
        manager = getattr(model, "objects", model._default_manager)
        if manager.filter(**{rel.field.name: person}).exists():
            return True
    return False


@transaction.atomic
def import_undo(*, batch: ImportBatch, by: Any, reason: str) -> dict[str, int]:
    """Void what the import created (measurements, check-ins, sessions, people nobody else
    recorded anything for) and put back what it changed, through core.corrections with
    `reason`. Only an administrator. Returns counts per model."""
    if not can_undo_import(by):
        raise UndoError(_("Only an administrator can undo an import."))
    if batch.status != ImportBatch.Status.SELESAI:
        raise UndoError(_("Only a finished import can be undone."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise UndoError(_("Give the reason for undoing the import."))
    full = (_("import undone: %(reason)s") % {"reason": reason})[:200]
    done: dict[str, int] = defaultdict(int)
    items = list(batch.items.all())
    with derived.batch():
        for label in UNDO_ORDER:
            model = MODELS[label]
            manager = model._base_manager  # voided ones too
            for item in items:
                if item.model != label:
                    continue
                record: Any = manager.filter(pk=item.object_pk).first()
                if record is None:
                    continue
                if item.action == ImportItem.Action.UPDATED:
                    current = {k: getattr(record, k) for k in item.old}
                    if record.deleted_at is None and current != item.old:
                        try:
                            record_correct(record, by=_actor(by), reason=full, changes=item.old)
                            done[f"{label}:diperbarui"] += 1
                        except CorrectionError:
                            done[f"{label}:dipertahankan"] += 1
                    continue
                if record.deleted_at is not None:
                    continue
                if label == "sesi.Kunjungan" and parts_of(record):
                    done[f"{label}:dipertahankan"] += 1
                    continue
                if label == "sesi.Sesi" and Kunjungan.objects.filter(sesi=record).exists():
                    done[f"{label}:dipertahankan"] += 1
                    continue
                if label == "sasaran.Sasaran" and _other_live_records(record):
                    done[f"{label}:dipertahankan"] += 1
                    continue
                record_void(record, by=_actor(by), reason=full)
                done[f"{label}:dibatalkan"] += 1
    batch.status = ImportBatch.Status.DIBATALKAN
    batch.dibatalkan_pada = timezone.now()
    batch.alasan_pembatalan = reason[:200]
    batch.save()
    log(
        "void",
        model=ImportBatch._meta.label,
        object_id=str(batch.public_id),
        wilayah_kode=batch.kode_wilayah,
        metadata={"reason": reason, "undone": dict(done)},
        user=by,
    )
    return dict(done)
