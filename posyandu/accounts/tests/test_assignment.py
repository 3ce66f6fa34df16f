import pytest
from django.core.exceptions import ValidationError

from posyandu.accounts.models import Assignment, Role


def test_role_must_point_at_the_right_kind_of_place(world):
    with pytest.raises(ValidationError, match="posyandu"):
        Assignment(user=world.outsider, role=Role.KADER).clean()
    with pytest.raises(ValidationError):
        Assignment(user=world.outsider, role=Role.POKJANAL_KECAMATAN, wilayah_id="14.71").clean()
    Assignment(user=world.outsider, role=Role.POKJANAL_KABKOTA, wilayah_id="14.71").clean()


def test_bidan_of_a_pustu_gets_its_desa(world):
    pustu = world.posyandu_a.pustu
    assignment = Assignment(user=world.outsider, role=Role.BIDAN, pustu=pustu)
    assignment.clean()
    assert assignment.wilayah_id == "14.71.01.1001"


def test_a_user_may_hold_several_assignments(world):
    Assignment.objects.create(user=world.kader_a, role=Role.KADER, posyandu=world.posyandu_c)
    world.kader_a.refresh_from_db()
    from posyandu.accounts.scope import scope_for

    assert scope_for(world.kader_a).aggregate.posyandu_ids == {
        world.posyandu_a.id,
        world.posyandu_c.id,
    }
