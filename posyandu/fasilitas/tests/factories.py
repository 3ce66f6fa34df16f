import factory

from posyandu.fasilitas.models import Posyandu, Puskesmas, Pustu
from posyandu.wilayah.tests.factories import wilayah


class PuskesmasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Puskesmas
        skip_postgeneration_save = True

    nama = factory.Sequence(lambda n: f"Puskesmas {n}")
    kecamatan = factory.LazyFunction(lambda: wilayah("14.71.01"))

    @factory.post_generation
    def wilayah_kerja(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.wilayah_kerja.set(extracted or self.kecamatan.anak.all())


class PustuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pustu

    nama = factory.Sequence(lambda n: f"Pustu {n}")
    desa = factory.LazyFunction(lambda: wilayah("14.71.01.1001"))
    puskesmas = factory.SubFactory(PuskesmasFactory)


class PosyanduFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posyandu

    nama = factory.Sequence(lambda n: f"Posyandu {n}")
    desa = factory.LazyFunction(lambda: wilayah("14.71.01.1001"))
    puskesmas = factory.SubFactory(PuskesmasFactory)
