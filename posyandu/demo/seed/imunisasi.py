"""Demo step: immunization histories for children under five (about 85-90% on schedule,
some drop-outs, so the due and overdue lists have names). Runs after the residents exist."""

import random
from datetime import date, timedelta

from posyandu.audit.recorder import log
from posyandu.imunisasi import schedule
from posyandu.imunisasi.models import Imunisasi
from posyandu.sasaran.models import Sasaran


def seed(rng: random.Random, today: date) -> dict[str, int]:
    children = Sasaran.objects.filter(
        tanggal_lahir__gt=today - timedelta(days=60 * 31), tanggal_lahir__lte=today
    ).only("id", "tanggal_lahir", "desa_id")
    version = schedule.schedule()["version"]
    rows = []
    for child in children.iterator(chunk_size=2000):
        rows += _history(child, rng, today, version)
    Imunisasi.objects.bulk_create(rows, batch_size=2000)
    log("import", model="imunisasi.Imunisasi", metadata={"demo": True, "rows": len(rows)})
    return {"imunisasi": len(rows)}


def _history(child: Sasaran, rng: random.Random, today: date, version: str) -> list[Imunisasi]:
    birth = child.tanggal_lahir
    careful = rng.random()  # how reliably this family comes
    drop_after = rng.randint(3, 18) if careful < 0.12 else 99  # drop-outs (DOFU)
    given: dict[str, date] = {}
    last_by_series: dict[str, date] = {}
    rows = []
    for n, d in enumerate(schedule.doses()):
        if n > drop_after or not schedule.applies(d, birth, child.desa_id[:2]):
            continue
        earliest = schedule.add_offset(birth, d["min_age"])
        if d["dose"] > 1:
            previous = last_by_series.get(d["series"])
            if previous is None:
                continue
            earliest = max(earliest, schedule.add_offset(previous, d.get("min_interval", {})))
        delay = 0 if d["code"] == "HB0" else int(rng.expovariate(1 / (6 if careful > 0.3 else 25)))
        day = earliest + timedelta(days=delay)
        latest = schedule.add_offset(birth, d.get("latest", schedule.schedule()["catch_up_until"]))
        if day > today or day > latest or rng.random() > 0.93:
            continue
        given[d["code"]] = last_by_series[d["series"]] = day
        here = rng.random() < 0.8 and d["code"] not in ("HB0", "BCG")
        rows.append(
            Imunisasi(
                sasaran_id=child.id,
                vaksin=d["code"],
                tanggal=day,
                tempat="posyandu" if here else rng.choice(["puskesmas", "praktik"]),
                diberikan_di_sini=here,
                jadwal_versi=version,
                batch=f"B{rng.randint(1000, 9999)}",
            )
        )
    return rows
