"""`export_eppgbm --wilayah CODE|--posyandu UUID|--puskesmas UUID --bulan YYYY-MM
--layout NAME --out FILE [--user U]`: the month's balita and measurements for e-PPGBM."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.accounts.scope import restrict, scope_for
from posyandu.audit.context import Actor, acting_as
from posyandu.core.periods import parse_period
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.laporan.management.arguments import USER_HELP, ServerOperator, command_user
from posyandu.pertukaran.export import Place, export_eppgbm
from posyandu.pertukaran.layouts import layouts
from posyandu.wilayah.codes import level_of


def _by_uuid(model: Any, value: str, label: str) -> Any:
    try:
        return model.objects.get(public_id=value)
    except (model.DoesNotExist, ValueError, ValidationError):
        raise CommandError(f"{label} {value!r} tidak ditemukan.") from None


def place_of(user: Any, opts: dict[str, Any]) -> Place:
    """The place the options name, within the account's personal scope."""
    if opts["posyandu"]:
        posyandu = _by_uuid(Posyandu, opts["posyandu"], "Posyandu")
        if not restrict(Posyandu.objects.filter(pk=posyandu.pk), user).exists():
            raise CommandError(f"Posyandu {posyandu.nama} di luar wilayah akun ini.")
        return Place(
            posyandu_ids=[posyandu.pk],
            label=f"posyandu_{posyandu.pk}",
            wilayah_kode=posyandu.desa_id,
        )
    if opts["puskesmas"]:
        puskesmas = _by_uuid(Puskesmas, opts["puskesmas"], "Puskesmas")
        ids = list(
            restrict(Posyandu.objects.filter(puskesmas=puskesmas), user).values_list(
                "pk", flat=True
            )
        )
        if not ids:
            raise CommandError(f"Tidak ada Posyandu {puskesmas.nama} di wilayah akun ini.")
        return Place(
            posyandu_ids=ids, label=f"puskesmas_{puskesmas.pk}", wilayah_kode=puskesmas.kecamatan_id
        )
    kode = opts["wilayah"]
    try:
        level_of(kode)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    if not scope_for(user).personal.covers_region(kode):
        raise CommandError(f"Wilayah {kode} di luar wilayah akun ini (data perorangan).")
    return Place(kode=kode, label=kode, wilayah_kode=kode)


class Command(BaseCommand):
    help = "Ekspor balita dan pengukuran sebulan untuk e-PPGBM (xlsx, tata letak sebagai data)."

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--wilayah", help="region code (desa, kecamatan, ...)")
        where.add_argument("--posyandu", help="public id (UUID) of the Posyandu")
        where.add_argument("--puskesmas", help="public id (UUID) of the Puskesmas")
        parser.add_argument("--bulan", required=True, help="YYYY-MM")
        parser.add_argument("--layout", choices=sorted(layouts()), default="identitas_pengukuran")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--user", help=USER_HELP)

    def handle(self, *args: Any, **opts: Any) -> None:
        user = command_user(opts["user"])
        if isinstance(user, ServerOperator):
            self.stderr.write(
                "Tanpa --user: dijalankan sebagai operator server; tercatat di audit."
            )
        try:
            month = parse_period(opts["bulan"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        place = place_of(user, opts)
        actor = Actor(user=user if getattr(user, "pk", None) else None, via="command:export_eppgbm")
        with acting_as(actor):
            result = export_eppgbm(user=user, place=place, month=month, layout=opts["layout"])
        Path(opts["out"]).write_bytes(result.content())
        self.stdout.write(
            f"{result.rows} baris ditulis ke {opts['out']}; "
            f"{len(result.not_exportable)} anak tidak dapat diekspor (lembar terakhir)."
        )
