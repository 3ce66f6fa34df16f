"""`dhis2 export|push --wilayah CODE --period YYYY-MM [--format json|adx --out FILE] [--user]`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.accounts.scope import exchanges_with_dhis2
from posyandu.dhis2 import services
from posyandu.dhis2.figures import UnitFigures
from posyandu.dhis2.mapping import MappingError, load_mapping
from posyandu.dhis2.models import Pengiriman
from posyandu.laporan.management import arguments


class Command(BaseCommand):
    help = (
        "DHIS2 aggregate exchange: `export` writes the SKDN, nutrition and coverage figures of "
        "a region and month (the same cells as `report`) as dataValueSets JSON or ADX XML; "
        "`push` sends them to DHIS2_BASE_URL, a dry run first, and stores the import summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="write dataValueSets JSON or ADX XML")
        arguments.add_arguments(export, formats=services.FORMATS)
        push = actions.add_parser("push", help="send to DHIS2 (dry run first)")
        push.add_argument("--wilayah", required=True, help="region code, e.g. 14.71")
        push.add_argument("--period", required=True, help="YYYY-MM")
        push.add_argument("--user", help=arguments.USER_HELP)
        push.add_argument(
            "--force", action="store_true",
            help="import even when the dry run reports conflicts",
        )  # fmt: skip

    def handle(self, *args: Any, **opts: Any) -> None:
        checked = arguments.read_arguments(self, opts)
        try:
            mapping = load_mapping()
            if mapping.example:
                self.stderr.write(
                    f"Perhatian: pemetaan {mapping.stamp} adalah CONTOH (data demo); atur "
                    "DHIS2_MAPPING_FILE ke pemetaan deployment Anda."
                )
            if opts["action"] == "export":
                self._export(checked, mapping)
            else:
                self._push(checked, mapping)
        except MappingError as exc:
            raise CommandError(str(exc)) from exc

    def _unmapped(self, units: list[UnitFigures]) -> None:
        if not units:
            return
        self.stderr.write(f"Unit tanpa pemetaan DHIS2 (tidak dikirim): {len(units)}")
        for u in units:
            self.stderr.write(f"  {u.kode}\t{u.nama}\t({u.level})")

    def _export(self, checked: arguments.Arguments, mapping: Any) -> None:
        export = services.export_build(
            user=checked.user, kode=checked.kode, month=checked.start,
            fmt=checked.opts["format"], mapping=mapping,
        )  # fmt: skip
        out = checked.opts["out"]
        if out:
            with open(out, "w", encoding="utf-8") as f:
                f.write(export.text)
            self.stdout.write(
                f"{len(export.figures.units)} unit, {export.value_count} nilai -> {out}"
            )
        else:
            self.stdout.write(export.text, ending="")
        self._unmapped(export.unmapped)

    def _push(self, checked: arguments.Arguments, mapping: Any) -> None:
        if not exchanges_with_dhis2(checked.user):
            raise CommandError(
                f"Akun {checked.user.username} tidak berhak mengirim ke DHIS2 (Dinkes atau admin)."
            )
        push = services.push_run(
            user=checked.user, kode=checked.kode, month=checked.start,
            force=checked.opts["force"], mapping=mapping,
        )  # fmt: skip
        self._unmapped(
            [UnitFigures(u["kode"], u["nama"], u["tingkat"], "", "") for u in push.tanpa_pemetaan]
        )
        self.stdout.write(
            f"Hasil: {push.get_hasil_display()} · uji coba {push.uji_status or '-'} · impor "
            f"{push.impor_status or '-'} · imported {push.imported}, updated {push.updated}, "
            f"ignored {push.ignored}, deleted {push.deleted} · konflik {len(push.konflik)}"
        )
        for conflict in push.konflik[:20]:
            self.stdout.write(
                f"  konflik: {conflict.get('object', '')} {conflict.get('value', '')}"
            )
        if push.pesan:
            self.stdout.write(f"  {push.pesan}")
        if push.hasil in (Pengiriman.Hasil.GAGAL, Pengiriman.Hasil.DITOLAK,
                          Pengiriman.Hasil.DITAHAN):  # fmt: skip
            raise CommandError(f"Pengiriman ke DHIS2 tidak berhasil (#{push.pk}).")
