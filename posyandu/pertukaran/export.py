"""Export for e-PPGBM: the balita of a Posyandu, desa or Puskesmas and their measurements of
a month, in one of the import layouts (rule data), with Indonesian headers and only the
columns of that layout; plus the children who cannot be exported and why.

Read through accounts.scope (personal data) and audited by the caller (one export event with
its row count). Cells are written by core.tabular: a name beginning with = stays text."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

import growthstandards as gs
from posyandu.accounts.scope import restrict
from posyandu.audit.recorder import log
from posyandu.core import tabular
from posyandu.core.periods import first_day, last_day, period_of
from posyandu.pertukaran.layouts import Column, Layout, SheetLayout, layout_named
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.nik import parse_nik
from posyandu.sesi.models import Pengukuran
from posyandu.sesi.skdn import s_of

STATUS_INDEX = {"status_bbu": "bb_u", "status_tbu": "pb_tb_u", "status_bbtb": "bb_pb_tb"}


@dataclass
class Place:
    """What to export: Posyandu ids, or a region code prefix (desa, kecamatan, ...)."""

    posyandu_ids: list[int] = field(default_factory=list)
    kode: str = ""
    label: str = ""
    wilayah_kode: str = ""  # for the audit event

    def q(self) -> Q:
        if self.posyandu_ids:
            return Q(posyandu_id__in=self.posyandu_ids)
        return Q(desa__kode=self.kode) | Q(desa__kode__startswith=self.kode + ".")


@dataclass
class Export:
    sheets: list[tabular.Sheet]
    rows: int  # data rows written (people + measurements)
    not_exportable: list[tuple[Sasaran, str]]
    filename: str

    def content(self) -> bytes:
        return tabular.xlsx_bytes(self.sheets)


def _label(code: str | None, index: str) -> str:
    if not code:
        return ""
    for cat in gs.categories(index):
        if cat.code == code:
            return cat.label_id
    return code


def _why_not(person: Sasaran) -> list[str]:
    reasons = []
    if not person.nik:
        reasons.append(_("no NIK"))
    else:
        try:
            parse_nik(person.nik)
        except ValueError:
            reasons.append(_("the NIK is not 16 digits"))
    if person.tanggal_lahir_perkiraan:
        reasons.append(_("the date of birth is an estimate"))
    if person.jenis_kelamin not in ("L", "P"):
        reasons.append(_("no sex"))
    return reasons


def _person_value(person: Sasaran, name: str, number: int) -> Any:
    keluarga = person.keluarga
    values: dict[str, Any] = {
        "no": number,
        "nik": person.nik or "",
        "nama": person.nama,
        "tanggal_lahir": person.tanggal_lahir,
        "jenis_kelamin": person.jenis_kelamin,
        "nama_ibu": person.nama_ibu or (person.ibu.nama if person.ibu else ""),
        "nik_ibu": person.nik_ibu or (person.ibu.nik or "" if person.ibu else ""),
        "telepon": person.telepon,
        "puskesmas": person.posyandu.puskesmas.nama,
        "desa": person.desa.nama,
        "posyandu": person.posyandu.nama,
        "rt": person.rt or (keluarga.rt if keluarga else ""),
        "rw": person.rw or (keluarga.rw if keluarga else ""),
        "alamat": keluarga.alamat if keluarga else "",
        "no_kk": keluarga.no_kk if keluarga else "",
        "anak_ke": None,
        "berat_lahir": person.berat_lahir_g,
        "panjang_lahir": person.panjang_lahir_cm,
    }
    return values.get(name)


def _measure_value(p: Pengukuran, name: str) -> Any:
    if name in STATUS_INDEX:
        return _label(p.kategori.get(STATUS_INDEX[name]), STATUS_INDEX[name])
    values: dict[str, Any] = {
        "tanggal_ukur": p.tanggal,
        "bulan": f"{p.tanggal:%Y-%m}",
        "berat": p.berat_kg,
        "tinggi": p.tinggi_cm,
        "cara_ukur": p.cara_ukur,
        "lila": p.lila_cm,
        "lingkar_kepala": p.lingkar_kepala_cm,
    }
    return values.get(name)


def _row(spec: SheetLayout, person: Sasaran, p: Pengukuran | None, number: int) -> list[Any]:
    out = []
    for column in spec.exported_columns():
        value = _person_value(person, column.field, number)
        if value is None and p is not None:
            value = _measure_value(p, column.field)
        out.append(value)
    return out


def _headers(columns: list[Column]) -> list[str]:
    return [c.header for c in columns]


def children(user: Any, place: Place, month: int) -> QuerySet[Sasaran]:
    """The balita of the place in S on the month's last day that the user may see."""
    people = restrict(s_of(last_day(month)), user, "personal").filter(place.q())
    # mother and household by queries of their own: on a cluster, maybe another kab/kota
    return (
        people.select_related("posyandu__puskesmas", "desa")
        .prefetch_related("keluarga", "ibu")
        .order_by("posyandu__nama", "nama", "pk")
    )


def build(*, user: Any, place: Place, month: int, layout: str) -> Export:
    chosen: Layout = layout_named(layout)
    people = list(children(user, place, month))
    exportable, refused = [], []
    for person in people:
        reasons = _why_not(person)
        if reasons:
            refused.append((person, "; ".join(reasons)))
        else:
            exportable.append(person)
    ids = [p.pk for p in exportable]
    start, end = first_day(month), last_day(month)
    measures: dict[int, list[Pengukuran]] = {}
    for start_i in range(0, len(ids), 500):
        rows = Pengukuran.objects.filter(
            sasaran_id__in=ids[start_i : start_i + 500], tanggal__range=(start, end)
        ).order_by("tanggal", "pk")
        for p in rows:
            measures.setdefault(p.sasaran_id, []).append(p)
    sheets, count = [], 0
    for spec in chosen.sheets:
        rows_out: list[list[Any]] = []
        number = 0
        for person in exportable:
            if spec.role == "identitas":
                number += 1
                rows_out.append(_row(spec, person, None, number))
            else:
                for p in measures.get(person.pk, []):
                    number += 1
                    rows_out.append(_row(spec, person, p, number))
        count += len(rows_out)
        sheets.append(tabular.Sheet(spec.title, _headers(spec.exported_columns()), rows_out))
    sheets.append(
        tabular.Sheet(
            _("Not exportable"),
            [_("Name"), _("Date of birth"), _("Posyandu"), _("Reason")],
            [[p.nama, p.tanggal_lahir, p.posyandu.nama, why] for p, why in refused],
        )
    )
    name = f"eppgbm_{chosen.name}_{place.label or place.kode}_{period_of(month)}"
    return Export(sheets=sheets, rows=count, not_exportable=refused, filename=name)


def export_eppgbm(*, user: Any, place: Place, month: int, layout: str) -> Export:
    """The export and its audit event (an export of personal data, with its row count)."""
    result = build(user=user, place=place, month=month, layout=layout)
    log(
        "export",
        model="pertukaran.eppgbm",
        wilayah_kode=place.wilayah_kode or place.kode,
        user=user,
        metadata={
            "layout": layout,
            "bulan": period_of(month),
            "rows": result.rows,
            "not_exportable": len(result.not_exportable),
            "posyandu": len(place.posyandu_ids),
        },
    )
    return result
