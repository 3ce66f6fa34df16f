"""Small builders for task tests: people, measurements and referrals, saved like the apps do."""

from datetime import date
from decimal import Decimal
from typing import Any

from posyandu.fasilitas.models import Posyandu
from posyandu.rujukan.models import Rujukan
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.models import Pengukuran
from posyandu.tugas.snapshot import Measurement, Person, Referral


def person(
    posyandu: Posyandu, lahir: date, nama: str = "Anak Uji", jenis_kelamin: str = "L", **kw: Any
) -> Sasaran:
    return Sasaran.objects.create(
        nama=nama,
        jenis_kelamin=jenis_kelamin,
        tanggal_lahir=lahir,
        posyandu=posyandu,
        desa_id=posyandu.desa_id,
        **kw,
    )


def measure(sasaran: Sasaran, tanggal: date, **kw: Any) -> Pengukuran:
    kw.setdefault("berat_kg", Decimal("10.0"))
    return Pengukuran.objects.create(sasaran=sasaran, tanggal=tanggal, **kw)


def refer(sasaran: Sasaran, tanggal: date, **kw: Any) -> Rujukan:
    return Rujukan.objects.create(
        sasaran=sasaran,
        tanggal=tanggal,
        alasan="uji",
        tujuan_puskesmas=sasaran.posyandu.puskesmas,
        **kw,
    )


def snap(lahir: date, jk: str = "L", **kw: Any) -> Person:
    return Person(
        id=1, posyandu_id=1, desa_id="14.71.01.1001", tanggal_lahir=lahir, jenis_kelamin=jk, **kw
    )


def m(tanggal: date, status_bb: str = "", **kw: Any) -> Measurement:
    values: dict[str, Any] = {
        "berat": True,
        "wfl": "",
        "lfa": "",
        "sistole": None,
        "diastole": None,
    }
    values.update(kw)
    return Measurement(tanggal=tanggal, status_bb=status_bb, **values)


def r(tanggal: date, status: str = "dikirim", feedback: date | None = None) -> Referral:
    return Referral(public_id="abc", tanggal=tanggal, status=status, tanggal_umpan_balik=feedback)
