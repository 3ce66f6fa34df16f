"""DHIS2 exchange: export a region-month as dataValueSets JSON / ADX, push it with a dry run
first, and keep what DHIS2 answered (`Pengiriman`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from posyandu.audit.recorder import log
from posyandu.core.periods import period_of
from posyandu.dhis2 import client, formats
from posyandu.dhis2.figures import ExportFigures, UnitFigures, export_figures
from posyandu.dhis2.mapping import Mapping, load_mapping
from posyandu.dhis2.models import Pengiriman

FORMATS = ("json", "adx")


@dataclass(frozen=True)
class Export:
    figures: ExportFigures
    text: str
    format: str

    @property
    def unmapped(self) -> list[UnitFigures]:
        return self.figures.unmapped

    @property
    def value_count(self) -> int:
        return len(self.figures.units) * len(self.figures.mapping.cells)


def unmapped_rows(units: list[UnitFigures]) -> list[dict[str, str]]:
    return [{"kode": u.kode, "nama": u.nama, "tingkat": u.level} for u in units]


def export_build(
    *, user: Any, kode: str, month: int, fmt: str = "json", mapping: Mapping | None = None
) -> Export:
    """The document of the region-month in `fmt`; audited as an export (the caller checked
    that `user` may see the region's aggregates)."""
    mapping = mapping or load_mapping()
    figures = export_figures(mapping=mapping, kode=kode, month=month)
    text = formats.adx_text(figures) if fmt == "adx" else formats.json_text(figures)
    log(
        "export",
        model="dhis2.datavalueset",
        wilayah_kode=kode,
        user=user,
        metadata={
            "period": period_of(month),
            "format": fmt,
            "mapping": mapping.stamp,
            "units": len(figures.units),
            "unmapped": [u.kode for u in figures.unmapped],
        },
    )
    return Export(figures, text, fmt)


def _store_summary(push: Pengiriman, summary: client.ImportSummary, *, dry_run: bool) -> None:
    if dry_run:
        push.uji_status, push.uji_ringkasan = summary.status, summary.raw
    else:
        push.impor_status, push.impor_ringkasan = summary.status, summary.raw
        push.imported, push.updated = summary.imported, summary.updated
        push.ignored, push.deleted = summary.ignored, summary.deleted
    push.http_status = summary.http_status
    push.konflik = summary.conflicts
    push.pesan = summary.description


def push_run(
    *,
    user: Any,
    kode: str,
    month: int,
    force: bool = False,
    mapping: Mapping | None = None,
    connection: client.Connection | None = None,
) -> Pengiriman:
    """Send the region-month to DHIS2: a dry run first; the real import only when the dry run
    reports no conflict and no ERROR (or `force`). The result is stored and audited whatever
    happens; the caller checked the user's right to push and to see the region."""
    mapping = mapping or load_mapping()
    figures = export_figures(mapping=mapping, kode=kode, month=month)
    document = formats.data_value_set(figures)
    authenticated = getattr(user, "is_authenticated", False) and getattr(user, "pk", None)
    push = Pengiriman(
        pengguna=user if authenticated else None,
        pengguna_nama=getattr(user, "username", "") or "",
        wilayah_kode=kode,
        periode=period_of(month),
        pemetaan=mapping.stamp,
        dipaksa=force,
        jumlah_unit=len(figures.units),
        jumlah_nilai=len(document["dataValues"]),
        tanpa_pemetaan=unmapped_rows(figures.unmapped),
    )
    if not figures.units:
        push.hasil = Pengiriman.Hasil.GAGAL
        push.pesan = "Tidak ada unit berpemetaan DHIS2 di wilayah ini; tidak ada yang dikirim."
    else:
        _exchange(push, document, connection, force)
    with transaction.atomic():
        push.save()
        log(
            "export",
            model="dhis2.pengiriman",
            object_id=str(push.pk),
            wilayah_kode=kode,
            user=user,
            metadata={
                "period": push.periode,
                "result": push.hasil,
                "mapping": push.pemetaan,
                "values": push.jumlah_nilai,
                "forced": force,
                "unmapped": [u.kode for u in figures.unmapped],
            },
        )
    return push


def _exchange(
    push: Pengiriman,
    document: dict[str, Any],
    connection: client.Connection | None,
    force: bool,
) -> None:
    try:
        connection = connection or client.connection_from_settings()
        dry = client.post_data_value_set(connection, document, dry_run=True)
        _store_summary(push, dry, dry_run=True)
        if not dry.clean and not force:
            push.hasil = Pengiriman.Hasil.DITAHAN
            return
        real = client.post_data_value_set(connection, document, dry_run=False)
        _store_summary(push, real, dry_run=False)
    except client.Dhis2Error as exc:
        push.hasil = Pengiriman.Hasil.GAGAL
        push.http_status = exc.http_status
        push.pesan = str(exc)
        return
    if real.status == "ERROR":
        push.hasil = Pengiriman.Hasil.DITOLAK
    elif real.status == "WARNING" or real.conflicts:
        push.hasil = Pengiriman.Hasil.PERINGATAN
    else:
        push.hasil = Pengiriman.Hasil.BERHASIL
