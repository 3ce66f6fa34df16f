"""Demo step (last): the Posyandu strata of the last three months and a Pokjanal at work in
Pekanbaru (members, a rakor with its action items, OPD programs, pembinaan visits)."""

import random
from datetime import date, timedelta

from posyandu.core.periods import month_index
from posyandu.fasilitas.models import Posyandu
from posyandu.pokjanal.models import Anggota, KunjunganPembinaan, ProgramOpd, Rapat, TindakLanjut
from posyandu.pokjanal.services import strata_compute
from posyandu.wilayah.models import Wilayah

DEMO_REGIONS = ("14.71", "17.05")


def seed(rng: random.Random, today: date) -> dict[str, int]:
    end = month_index(today)
    for region in DEMO_REGIONS:
        for month in range(end - 2, end + 1):
            strata_compute(prefix=region, month=month)
    return _pokjanal(rng, today)


def _pokjanal(rng: random.Random, today: date) -> dict[str, int]:
    kecamatan = Wilayah.objects.filter(induk_id="14.71").order_by("kode").first()
    assert kecamatan is not None  # the demo needs the imported regions
    members = [
        Anggota.objects.create(wilayah=kecamatan, nama=n, jabatan=j, opd=o)
        for n, j, o in (
            ("Hendra Saputra", "Ketua (Camat)", "Kecamatan"),
            ("dr. Rina Marlina", "Sekretaris", "Puskesmas"),
            ("Yusniar", "Anggota", "TP PKK Kecamatan"),
            ("Agus Salim", "Anggota", "Penyuluh KB"),
            ("Dedi Kurniawan", "Anggota", "Dinas Sosial (UPT)"),
        )
    ]
    rapat = Rapat.objects.create(
        wilayah=kecamatan,
        tanggal=today - timedelta(days=20),
        judul="Rakor Pokjanal Posyandu triwulan",
        notulen="Membahas D/S yang turun di beberapa kelurahan dan Posyandu dengan kader < 5.",
        keputusan="Pembinaan ke Posyandu dengan D/S < 50%; PMT lokal untuk balita 2T.",
    )
    rapat.hadir.set(members)
    items = [
        TindakLanjut.objects.create(
            rapat=rapat,
            uraian=u,
            penanggung_jawab=members[i],
            batas_waktu=today + timedelta(days=d),
        )
        for u, i, d in (
            ("Kunjungan pembinaan ke 3 Posyandu dengan D/S terendah", 1, 14),
            ("Usulan PMT lokal ke Dinas Sosial", 4, 30),
            ("Rekrut kader baru untuk Posyandu dengan kader < 5", 2, 45),
        )
    ]
    posyandu = list(Posyandu.objects.filter(desa__induk=kecamatan).order_by("id")[:6])
    programs = [
        ProgramOpd.objects.create(
            opd=o, nama=n, desa=p.desa, posyandu=p, status=s, mulai=today - timedelta(days=60)
        )
        for (o, n, s), p in zip(
            (
                ("Dinas Sosial", "PMT balita gizi kurang", "berjalan"),
                ("Dinas PUPR", "Sarana air bersih", "rencana"),
                ("DP3AP2KB", "Kelas ibu balita", "selesai"),
            ),
            posyandu,
            strict=False,
        )
    ]
    visits = [
        KunjunganPembinaan.objects.create(
            posyandu=p,
            tanggal=today - timedelta(days=rng.randint(3, 40)),
            pembina=members[1],
            checklist={
                "jadwal_tetap": True,
                "alat_ukur_lengkap": rng.random() > 0.3,
                "kader_minimal_5": rng.random() > 0.3,
                "pencatatan_lengkap": True,
            },
            temuan="Timbangan dacin perlu dikalibrasi.",
            tindak_lanjut="Puskesmas mengirim timbangan digital.",
        )  # fmt: skip
        for p in posyandu[:3]
    ]
    return {
        "pokjanal_anggota": len(members),
        "rakor": 1,
        "tindak_lanjut": len(items),
        "program_opd": len(programs),
        "pembinaan": len(visits),
    }
