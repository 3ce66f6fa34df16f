from datetime import date

import factory

from posyandu.fasilitas.tests.factories import PosyanduFactory
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Kunjungan, Sesi


class SesiFactory(factory.django.DjangoModelFactory[Sesi]):
    class Meta:
        model = Sesi

    posyandu = factory.SubFactory(PosyanduFactory)
    tanggal = date(2026, 3, 10)


class KunjunganFactory(factory.django.DjangoModelFactory[Kunjungan]):
    class Meta:
        model = Kunjungan

    sesi = factory.SubFactory(SesiFactory)
    sasaran = factory.SubFactory(SasaranFactory, posyandu=factory.SelfAttribute("..sesi.posyandu"))
