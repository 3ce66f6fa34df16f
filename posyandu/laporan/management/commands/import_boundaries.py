"""`import_boundaries [--from DIR] [--provinsi 14 17 ...]`: the maps' region boundaries.

Reads the GeoJSON of the `wilayah_boundaries` dataset (MIT, Cahya DSN; default
`../shared/wilayah/boundaries/` beside the project) and writes simplified, quantised,
gzip-compressed copies to posyandu/laporan/data/batas/ (see posyandu/laporan/peta.py), with
the attribution and the licence. Idempotent: the same input writes the same bytes;
unchanged files are left alone and counted as such.
"""

import gzip
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from posyandu.laporan import peta

LICENSE = "LICENSE-cahyadsn-wilayah_boundaries"
ATTRIBUTION = """# Region boundaries of the dashboards' maps

Simplified (Douglas-Peucker, tolerance per level in posyandu/laporan/peta.py) and quantised
copies, written by `python manage.py import_boundaries`, of the `wilayah_boundaries` dataset
by Cahya DSN (github.com/cahyadsn/wilayah_boundaries), MIT License ({license}), as converted
to GeoJSON in the shared wilayah data. Polygons are simplified administrative boundaries for
thematic maps, not survey-grade. Region codes: Kemendagri (Kepmendagri 300.2.2-2138/2025).
"""


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        default = Path(settings.BASE_DIR).parent / "shared" / "wilayah" / "boundaries"
        parser.add_argument("--from", dest="source", default=str(default))
        parser.add_argument("--to", dest="target", default=str(peta.DATA), help="output folder")
        parser.add_argument(
            "--provinsi", nargs="*", default=None,
            help="kecamatan and desa only of these provinces (default: every province)",
        )  # fmt: skip

    def handle(self, *args: Any, **opts: Any) -> None:
        source = Path(opts["source"])
        if not (source / "prov.geojson").is_file():
            raise CommandError(f"Tidak ada prov.geojson di {source}.")
        only = set(opts["provinsi"] or [])
        outputs: dict[str, dict[str, Any]] = defaultdict(dict)
        level_of: dict[str, str] = {}
        for level, path in self._inputs(source):
            for feature in json.loads(path.read_text("utf-8"))["features"]:
                kode = feature["properties"]["kode"]
                if level in ("kec", "desa") and only and kode[:2] not in only:
                    continue
                unit = peta.simplified_unit(feature, level)
                name = peta.file_for(kode.rsplit(".", 1)[0] if "." in kode else "")
                if unit is not None and name is not None:
                    outputs[name][kode] = unit
                    level_of[name] = level
        target = Path(opts["target"])
        target.mkdir(parents=True, exist_ok=True)
        written = unchanged = 0
        for name, units in sorted(outputs.items()):
            body = json.dumps(
                {"source": "cahyadsn/wilayah_boundaries (MIT)",
                 "quantum": peta.QUANTUM[level_of[name]], "units": dict(sorted(units.items()))},
                separators=(",", ":"), ensure_ascii=False,
            )  # fmt: skip
            # mtime 0: the same input gives the same bytes (idempotent, no spurious diff)
            packed = gzip.compress((body + "\n").encode("utf-8"), mtime=0)
            written_now = self._write_bytes(target / name, packed)
            written, unchanged = written + written_now, unchanged + (not written_now)
        self._write(target / LICENSE, (source / LICENSE).read_text("utf-8"))
        self._write(target / "README.md", ATTRIBUTION.format(license=LICENSE))
        size = sum(p.stat().st_size for p in target.glob("*.json.gz"))
        self.stdout.write(
            f"{written} berkas ditulis, {unchanged} tidak berubah; "
            f"{sum(len(u) for u in outputs.values())} wilayah, {size / 1024:.0f} KiB."
        )

    @staticmethod
    def _inputs(source: Path) -> list[tuple[str, Path]]:
        found = [("prov", source / "prov.geojson"), ("kab", source / "kab.geojson")]
        if (source / "kec.geojson").is_file():
            found.append(("kec", source / "kec.geojson"))
        found += [("desa", p) for p in sorted(source.glob("desa_*.geojson"))]
        return found

    @staticmethod
    def _write_bytes(path: Path, body: bytes) -> bool:
        if path.is_file() and path.read_bytes() == body:
            return False
        path.write_bytes(body)
        return True

    @staticmethod
    def _write(path: Path, text: str) -> bool:
        if path.is_file() and path.read_text("utf-8") == text:
            return False
        path.write_text(text, "utf-8")
        return True
