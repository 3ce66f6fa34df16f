"""Size of what the device growth engine downloads: the engine script, the WHO tables and the
rule data, raw and gzipped (as served: /hari/mesin/tabel.json and /hari/mesin/aturan.json are
sent gzipped; the static script is compressed by whitenoise).

    DEBUG=true .venv/bin/python bench/device_engine_size.py

The whole first download of the offline app (app shell, engine, tables, rules and the data of
one Posyandu) must stay under 2 MB gzipped; this prints the engine's share of it.
"""

import gzip
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    import django

    django.setup()
    from posyandu.sesi import engine_data

    script = (ROOT / "posyandu/sesi/static/sesi/engine/engine.js").read_bytes()
    tables, tables_version = engine_data.tables_document()
    everything, _v = engine_data.tables_document(everything=True)
    rules, rules_version = engine_data.rules_document()
    rows = [
        ("engine.js", script),
        (f"/hari/mesin/tabel.json ({tables_version})", tables),
        (f"/hari/mesin/aturan.json ({rules_version})", rules),
    ]
    print(f"{'what':<48} {'raw bytes':>10} {'gzip bytes':>11}")
    total_raw = total_gz = 0
    for name, body in rows:
        gz = len(gzip.compress(body, compresslevel=9, mtime=0))
        total_raw += len(body)
        total_gz += gz
        print(f"{name:<48} {len(body):>10,} {gz:>11,}")
    print(f"{'total (first download of the engine)':<48} {total_raw:>10,} {total_gz:>11,}")
    extra = len(gzip.compress(everything, compresslevel=9, mtime=0))
    label = "(tabel.json?semua=1, with skinfolds; tests only)"
    print(f"{label:<48} {len(everything):>10,} {extra:>11,}")
    print(f"share of the 2 MB budget: {100 * total_gz / 2_000_000:.1f} %")


if __name__ == "__main__":
    main()
