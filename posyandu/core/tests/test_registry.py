from posyandu.core import registry
from posyandu.kader.models import Kader
from posyandu.kader.tests.factories import KaderFactory


def test_record_listeners_hear_creates_changes_and_deletes(world):
    heard = []

    def listener(record, created):
        heard.append((record.nama, created, record.deleted_at is not None))

    registry.register_record_listener("kader.Kader", listener)
    try:
        kader = KaderFactory(posyandu=world.posyandu_a, nama="Rina")
        kader.nama = "Rina Lestari"
        kader.save()
        kader.delete()
    finally:
        registry._listeners["kader.Kader"].remove(listener)
    assert heard == [
        ("Rina", True, False),
        ("Rina Lestari", False, False),
        ("Rina Lestari", False, True),
    ]
    assert Kader.all_objects.filter(nama="Rina Lestari").count() == 1
