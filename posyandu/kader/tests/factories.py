import factory

from posyandu.fasilitas.tests.factories import PosyanduFactory
from posyandu.kader.models import Kader


class KaderFactory(factory.django.DjangoModelFactory[Kader]):
    class Meta:
        model = Kader

    posyandu = factory.SubFactory(PosyanduFactory)
    nama = factory.Faker("name", locale="id_ID")
