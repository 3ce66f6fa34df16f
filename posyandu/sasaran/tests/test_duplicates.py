from datetime import date

import pytest

from posyandu.sasaran.duplicates import Candidate, likely_duplicates, names_similar, normalise_name
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.tests.factories import SasaranFactory


def test_normalise_drops_titles_and_punctuation():
    assert normalise_name("By. Ny. Siti-Aminah") == "siti aminah"


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Muhammad Rizki", "Muhammad Rizky", True),  # one letter: ratio 0.93
        ("Siti", "Siti Aminah", True),  # words contained
        ("Putri Ayu", "Ayu Putri", True),  # same words
        ("Budi Santoso", "Bayu Saputra", False),
        ("Dewi", "Dewa", False),  # ratio 0.75 < 0.85
    ],
)
def test_names_similar(a, b, similar):
    assert names_similar(a, b) is similar


def test_likely_duplicates(world):
    born = date(2025, 5, 1)
    a = world.posyandu_a
    same_name = SasaranFactory.create(posyandu=a, nama="Muhammad Rizky", tanggal_lahir=born)
    same_mother = SasaranFactory.create(
        posyandu=a, nama="Adik", tanggal_lahir=born, nama_ibu="Siti Aminah"
    )
    SasaranFactory.create(posyandu=a, nama="Muhammad Rizky", tanggal_lahir=date(2025, 5, 2))
    SasaranFactory.create(posyandu=a, nama="Lain", tanggal_lahir=born, nama_ibu="Rina")
    new = Candidate("Muhamad Rizki", born, "Siti Aminah", None, "")
    found = likely_duplicates(new, Sasaran.objects.all())
    assert {(p.pk, p.dup_reason) for p in found} == {
        (same_name.pk, "nama_tanggal_lahir"),
        (same_mother.pk, "ibu_tanggal_lahir"),
    }
