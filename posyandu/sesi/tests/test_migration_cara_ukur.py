"""Migration 0004 spells stored positions out ("L"/"H" -> "terlentang"/"berdiri") and back."""

from datetime import date
from importlib import import_module

from django.apps import apps

from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.models import Pengukuran

migration = import_module("posyandu.sesi.migrations.0004_cara_ukur_values")


def test_stored_letters_become_words_and_back(world):
    child = SasaranFactory.create(posyandu=world.posyandu_a, tanggal_lahir=date(2025, 1, 15))
    stored = ["L", "H", "l", "h", ""]  # lower case: the home-visit API once took any text
    Pengukuran.all_objects.bulk_create(
        Pengukuran(sasaran=child, tanggal=date(2026, 1, d + 1), cara_ukur=c)
        for d, c in enumerate(stored)
    )
    rows = Pengukuran.all_objects.order_by("tanggal")

    migration.spell_out(apps, None)
    assert list(rows.values_list("cara_ukur", flat=True)) == [
        "terlentang",
        "berdiri",
        "terlentang",
        "berdiri",
        "",
    ]
    migration.letters(apps, None)
    assert list(rows.values_list("cara_ukur", flat=True)) == ["L", "H", "L", "H", ""]
