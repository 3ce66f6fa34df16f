import factory

from posyandu.fasilitas.models import Posyandu, Puskesmas, Pustu
from posyandu.wilayah.models import Wilayah
from posyandu.wilayah.tests.factories import wilayah


def _wilayah_kerja(
    puskesmas: Puskesmas, create: bool, extracted: list[Wilayah] | None, **kwargs: object
) -> None:
    """The desa served: the ones given, or every desa of the kecamatan."""
    if create:
        puskesmas.wilayah_kerja.set(extracted or puskesmas.kecamatan.anak.all())


class PuskesmasFactory(factory.django.DjangoModelFactory[Puskesmas]):
    class Meta:
        model = Puskesmas
        skip_postgeneration_save = True

    nama = factory.Sequence(lambda n: f"Puskesmas {n}")
    kecamatan = factory.LazyFunction(lambda: wilayah("14.71.01"))

    wilayah_kerja = factory.PostGeneration(_wilayah_kerja)


class PustuFactory(factory.django.DjangoModelFactory[Pustu]):
    class Meta:
        model = Pustu

    nama = factory.Sequence(lambda n: f"Pustu {n}")
    desa = factory.LazyFunction(lambda: wilayah("14.71.01.1001"))
    puskesmas = factory.SubFactory(PuskesmasFactory)


class PosyanduFactory(factory.django.DjangoModelFactory[Posyandu]):
    class Meta:
        model = Posyandu

    nama = factory.Sequence(lambda n: f"Posyandu {n}")
    desa = factory.LazyFunction(lambda: wilayah("14.71.01.1001"))
    puskesmas = factory.SubFactory(PuskesmasFactory)
