"""The one scoped lookup of a person by id (views and APIs of every app)."""

from datetime import date
from typing import Any

import pytest
from django.http import Http404

from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.selectors import people_visible, person_or_404
from posyandu.sasaran.services import sasaran_register
from posyandu.sasaran.tests.factories import SasaranFactory


def test_in_scope_merged_and_posyandu(world):
    person = SasaranFactory.create(posyandu=world.posyandu_a)
    merged = SasaranFactory.create(posyandu=world.posyandu_a, status=Sasaran.Status.DIGABUNG)
    assert person_or_404(world.kader_a, person.public_id) == person
    assert person_or_404(world.kader_a, str(person.public_id)) == person
    assert person_or_404(world.kader_a, merged.public_id, include_merged=True) == merged
    with pytest.raises(Http404):
        person_or_404(world.kader_a, merged.public_id)
    with pytest.raises(Http404):  # another Posyandu's kader
        person_or_404(world.kader_s, person.public_id)
    with pytest.raises(Http404):
        person_or_404(world.kader_a, person.public_id, posyandu_id=world.posyandu_b.pk)
    assert person_or_404(world.bidan_1, person.public_id, posyandu_id=world.posyandu_a.pk) == person


def test_register_waits_for_confirmation_of_a_likely_duplicate(world):
    same = SasaranFactory.create(
        nama="Bayu", posyandu=world.posyandu_a, tanggal_lahir=date(2025, 1, 2)
    )
    fields: dict[str, Any] = {
        "nama": "Bayu Aji",
        "jenis_kelamin": "L",
        "tanggal_lahir": date(2025, 1, 2),
    }
    among = people_visible(world.kader_a)
    first = sasaran_register(posyandu=world.posyandu_a, among=among, **fields)
    assert (first.person, first.duplicates) == (None, [same])
    a = world.posyandu_a
    second = sasaran_register(posyandu=a, among=among, not_a_duplicate=True, **fields)
    assert second.person is not None
    assert second.person.nama == "Bayu Aji" and second.person.desa_id == "14.71.01.1001"
