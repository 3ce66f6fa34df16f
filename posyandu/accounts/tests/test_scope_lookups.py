"""The scoped lookup and the named role questions of accounts/scope.py."""

import pytest
from django.http import Http404

from posyandu.accounts.scope import does_follow_up, supervises_follow_up, visible_or_404
from posyandu.fasilitas.models import Posyandu
from posyandu.kader.models import Kader


def test_visible_or_404_returns_a_row_in_scope(world):
    own = Kader.objects.filter(posyandu=world.posyandu_a).first()
    assert own is not None
    found = visible_or_404(Kader.objects.all(), world.kader_a, "personal", public_id=own.public_id)
    assert found == own


def test_out_of_scope_is_the_same_404_as_missing(world):
    elsewhere = Kader.objects.filter(posyandu=world.posyandu_c).first()
    assert elsewhere is not None
    with pytest.raises(Http404):
        visible_or_404(Kader.objects.all(), world.kader_a, "personal", pk=elsewhere.pk)
    with pytest.raises(Http404):
        visible_or_404(Kader.objects.all(), world.kader_a, "personal", pk=10**9)


def test_visible_or_404_follows_the_kind_of_access(world):
    posyandu = world.posyandu_a
    # The Pokjanal sees the Posyandu in its counts but none of its kader by name.
    assert (
        visible_or_404(Posyandu.objects.all(), world.pokjanal_kec, "aggregate", pk=posyandu.pk)
        is not None
    )
    kader = Kader.objects.filter(posyandu=posyandu).first()
    assert kader is not None
    with pytest.raises(Http404):
        visible_or_404(Kader.objects.all(), world.pokjanal_kec, "personal", pk=kader.pk)


@pytest.mark.parametrize(
    ("who", "follows_up", "supervises"),
    [
        ("kader_a", True, False),
        ("bidan_1", True, True),
        ("puskesmas_staff", True, True),
        ("pokjanal_kec", False, True),  # aggregates only
        ("pokjanal_kota", False, True),
        ("dinkes_kota", False, True),
        ("admin", True, True),
        ("outsider", False, False),
    ],
)
def test_follow_up_questions_per_role(world, who, follows_up, supervises):
    user = getattr(world, who)
    assert (does_follow_up(user), supervises_follow_up(user)) == (follows_up, supervises)
