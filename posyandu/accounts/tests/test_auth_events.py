"""Login, logout, failed logins, password changes and access grants leave audit events
(posyandu/accounts/auth_events.py)."""

import pytest
from django.urls import reverse

from posyandu.accounts.models import Assignment, Role
from posyandu.audit.context import Actor, acting_as
from posyandu.audit.models import AuditEvent


def events(action=None):
    rows = AuditEvent.objects.order_by("id")
    return list(rows.filter(action=action) if action else rows)


@pytest.mark.django_db
def test_login_logout_and_failed_login_are_audited(client, world):
    url = reverse("accounts:login")
    client.post(url, {"username": "kader_a", "password": "salah"}, REMOTE_ADDR="198.51.100.9")
    failed = AuditEvent.objects.get(action="login_failed")
    assert (failed.metadata["username"], failed.ip) == ("kader_a", "198.51.100.9")

    client.post(url, {"username": "kader_a", "password": "Rahasia-Kuat-2026"})
    client.post(reverse("accounts:logout"))
    login = AuditEvent.objects.get(action="login")
    logout = AuditEvent.objects.get(action="logout")
    assert login.actor == logout.actor == world.kader_a


def test_password_change_and_access_grants_are_events(client, world):
    AuditEvent.objects.all().delete()
    world.kader_a.set_password("Kata-Sandi-Baru-2026")
    world.kader_a.save()
    (password,) = events("update")
    assert (password.model, password.object_id) == ("accounts.User", str(world.kader_a.pk))
    assert password.metadata["fields"] == ["password"]  # never the value

    with acting_as(Actor(user=world.admin, via="web")):
        grant = Assignment.objects.create(
            user=world.outsider, role=Role.BIDAN, wilayah_id="14.71.01.1002"
        )
        grant.can_see_personal = True
        grant.save()
        grant.delete()
    created, changed, deleted = events()[1:]
    assert [e.action for e in (created, changed, deleted)] == ["create", "update", "delete"]
    assert {e.model for e in (created, changed, deleted)} == {"accounts.Assignment"}
    assert all(e.actor == world.admin for e in (created, changed, deleted))
    assert created.metadata["role"] == "bidan" and created.metadata["user"] == world.outsider.pk
    assert (created.wilayah_kode, changed.metadata["can_see_personal"]) == ("14.71.01.1002", True)
