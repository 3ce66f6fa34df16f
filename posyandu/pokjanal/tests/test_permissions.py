"""Who writes in a Pokjanal workspace: the role checks of accounts.scope."""

import pytest

from posyandu.accounts.scope import can_write_pokjanal, region_covers
from posyandu.pokjanal.permissions import can_record_spm

pytestmark = pytest.mark.django_db


def test_region_covers_is_a_prefix_match_on_whole_code_parts():
    assert region_covers("14.71", "14.71") and region_covers("14.71", "14.71.01.1001")
    assert not region_covers("14.71", "14.7") and not region_covers("14.7", "14.71")
    assert not region_covers("14.71.01", "14.71.010")


def test_pokjanal_members_write_in_their_region_and_below(world):
    assert can_write_pokjanal(world.pokjanal_kec, "14.71.01")
    assert can_write_pokjanal(world.pokjanal_kec, "14.71.01.1002")
    assert not can_write_pokjanal(world.pokjanal_kec, "14.71.02")
    assert not can_write_pokjanal(world.pokjanal_kec, "14.71")
    assert can_write_pokjanal(world.pokjanal_kota, "14.71.02.1001")
    assert not can_write_pokjanal(world.pokjanal_kota, "17.05")
    assert can_write_pokjanal(world.admin, "17.05")
    for reader in (world.kader_a, world.bidan_1, world.dinkes_kota, world.outsider):
        assert not can_write_pokjanal(reader, "14.71.01")
    assert not can_write_pokjanal(world.pokjanal_kota, "")


def test_spm_fields_are_recorded_by_the_posyandu_and_its_pokjanal(world):
    assert can_record_spm(world.kader_a, world.posyandu_a)
    assert can_record_spm(world.pokjanal_kec, world.posyandu_b)
    assert not can_record_spm(world.kader_a, world.posyandu_b)
    assert not can_record_spm(world.outsider, world.posyandu_a)
