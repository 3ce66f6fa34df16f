"""What the mapping functions read: plain values, filled from the records by `collect`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal


def utc(moment: datetime) -> str:
    """Every dateTime SATUSEHAT receives is UTC: 17:35 WIB is 10:35:00+00:00."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime cannot be sent: its time zone is unknown")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Alamat:
    desa_kode: str  # Kemendagri code with dots, e.g. 14.71.01.1001
    baris: str = ""
    kota: str = ""
    rt: str = ""
    rw: str = ""


@dataclass(frozen=True)
class Context:
    """Who sends: the Puskesmas organization (identifier systems and serviceProvider)."""

    org_id: str
    unverified: bool = False  # use codes marked unverified in the rule files


@dataclass(frozen=True)
class Organisasi:
    key: str  # local key, e.g. "posyandu:12"
    jenis: str  # puskesmas | pustu | posyandu | posyandu_prima
    nama: str
    kode: str
    org_id: str  # id given by SATUSEHAT ("" when not registered yet)
    induk_org_id: str  # the parent's organization id ("" for none)
    identifier_org_id: str  # the organization whose sys-ids system names it
    alamat: Alamat | None = None


@dataclass(frozen=True)
class Lokasi:
    key: str
    nama: str
    kode: str
    location_id: str
    org_id: str  # managing organization (the Posyandu's)
    identifier_org_id: str
    alamat: Alamat | None = None
    keterangan: str = ""


@dataclass(frozen=True)
class Pasien:
    lokal: str  # public id of the person
    nama: str
    jenis_kelamin: str  # L | P
    tanggal_lahir: date
    nik: str = ""
    nik_ibu: str = ""
    kelahiran_ke: int = 0  # multipleBirthInteger: 0 single birth, n the n-th of twins
    meninggal: bool = False
    telepon: str = ""
    alamat: Alamat | None = None
    ihs: str = ""  # IHS number once known


@dataclass(frozen=True)
class Kunjungan:
    """One Encounter: a person on a Posyandu day (posyandu), at a home visit
    (kunjungan_rumah) or at the Puskesmas (faskes)."""

    lokal: str
    kelas: str
    mulai: datetime
    dilayani: datetime
    selesai: datetime
    location_id: str
    lokasi_nama: str
    praktisi_ihs: str = ""
    praktisi_nama: str = ""


@dataclass(frozen=True)
class Ukur:
    lokal: str  # public id of the Pengukuran
    waktu: datetime
    berat_kg: Decimal | None = None
    tinggi_cm: Decimal | None = None
    cara_ukur: str = ""  # terlentang | berdiri | "" (unknown)
    umur_hari: int | None = None
    lingkar_kepala_cm: Decimal | None = None
    lila_cm: Decimal | None = None
    lingkar_perut_cm: Decimal | None = None
    sistole: int | None = None
    diastole: int | None = None
    zwei: float | None = None
    fwei: bool | None = None
    zlen: float | None = None
    flen: bool | None = None
    dibatalkan: bool = False  # sent before and deleted since: entered-in-error


@dataclass(frozen=True)
class Vaksinasi:
    lokal: str
    dosis_kode: str  # dose code of the schedule (e.g. DPT-HB-Hib-1, BIAS-MR, Td)
    waktu: datetime
    dosis_ke: int
    waktu_kode: str = ""  # IM-Ideal | IM-Kejar | "" (not a routine dose)
    sumber_primer: bool = True  # given here (False: copied from the Buku KIA)
    batch: str = ""
    location_id: str = ""
    lokasi_nama: str = ""
    dibatalkan: bool = False


@dataclass(frozen=True)
class Rujuk:
    lokal: str
    waktu: datetime
    alasan: str
    status: str  # dikirim | diterima | selesai | batal
    tujuan_nama: str
    hasil: str = ""
    umpan_balik: str = ""
    saran_kader: str = ""
    waktu_umpan_balik: datetime | None = None
    dibatalkan: bool = False


@dataclass(frozen=True)
class Diagnosis:
    lokal: str
    icd10: str
    nama: str
    onset: datetime
    dicatat: datetime


@dataclass
class Isi:
    """Everything of one encounter bundle."""

    pasien: Pasien
    kunjungan: Kunjungan | None
    ukur: list[Ukur] = field(default_factory=list)
    vaksinasi: list[Vaksinasi] = field(default_factory=list)
    rujukan: list[Rujuk] = field(default_factory=list)
    diagnosis: list[Diagnosis] = field(default_factory=list)
