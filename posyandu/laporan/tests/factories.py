"""Hand-built children and measurements for the SKDN / nutrition tests."""

from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

from posyandu.fasilitas.models import Posyandu
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran

_names = count(1)


def child(posyandu: Posyandu, born: date, sex: str = "L", **fields: Any) -> Sasaran:
    return Sasaran.objects.create(
        nama=fields.pop("nama", f"Anak {next(_names)}"),
        jenis_kelamin=sex,
        tanggal_lahir=born,
        posyandu=posyandu,
        desa_id=posyandu.desa_id,
        **fields,
    )


def weigh(sasaran: Sasaran, day: date, kg: str | None, **fields: object) -> Pengukuran:
    return Pengukuran.objects.create(
        sasaran=sasaran,
        tanggal=day,
        berat_kg=Decimal(kg) if kg is not None else None,
        **fields,
    )
