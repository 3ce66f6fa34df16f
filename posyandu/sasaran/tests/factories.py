from datetime import date

import factory

from posyandu.fasilitas.tests.factories import PosyanduFactory
from posyandu.sasaran.models import Keluarga, Persetujuan, Sasaran


class SasaranFactory(factory.django.DjangoModelFactory[Sasaran]):
    class Meta:
        model = Sasaran

    nama = factory.Sequence(lambda n: f"Anak {n}")
    jenis_kelamin = "L"
    tanggal_lahir = date(2025, 1, 15)
    posyandu = factory.SubFactory(PosyanduFactory)
    desa = factory.LazyAttribute(lambda o: o.posyandu.desa)


class KeluargaFactory(factory.django.DjangoModelFactory[Keluarga]):
    class Meta:
        model = Keluarga

    kepala_keluarga = factory.Sequence(lambda n: f"Keluarga {n}")
    posyandu = factory.SubFactory(PosyanduFactory)
    desa = factory.LazyAttribute(lambda o: o.posyandu.desa)


class PersetujuanFactory(factory.django.DjangoModelFactory[Persetujuan]):
    class Meta:
        model = Persetujuan

    sasaran = factory.SubFactory(SasaranFactory)
    diberikan_oleh = "Ibu"
    tanggal = date(2026, 1, 1)
    tujuan = ["pelayanan"]
