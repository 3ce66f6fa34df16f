"""Whose tasks a user's list holds: the field-role checks of accounts.scope."""

import pytest

from posyandu.accounts.scope import is_bidan, is_kader, kader_assignments, sees_all_field_work

pytestmark = pytest.mark.django_db


def test_field_roles_and_supervisors(world):
    assert is_kader(world.kader_a) and not is_bidan(world.kader_a)
    assert is_bidan(world.bidan_1) and not is_kader(world.bidan_1)
    assert not sees_all_field_work(world.kader_a) and not sees_all_field_work(world.bidan_1)
    for supervisor in (world.puskesmas_staff, world.pokjanal_kec, world.dinkes_kota, world.admin):
        assert sees_all_field_work(supervisor)
    assert not is_kader(world.outsider) and not sees_all_field_work(world.outsider)


def test_kader_assignments_are_the_active_ones(world):
    assert list(kader_assignments(user=world.kader_a).values_list("posyandu", flat=True)) == [
        world.posyandu_a.pk
    ]
    world.kader_a.assignments.update(active=False)
    assert not kader_assignments(user=world.kader_a).exists()
    assert kader_assignments(user=world.bidan_1).count() == 0
