import pytest
from django.urls import reverse

from posyandu.accounts.models import Assignment, Role
from posyandu.audit.context import Actor, acting_as
from posyandu.audit.models import AuditEvent
from posyandu.kader.models import Kader
from posyandu.kader.tests.factories import KaderFactory


def events(action=None):
    rows = AuditEvent.objects.order_by("id")
    return list(rows.filter(action=action) if action else rows)


def test_create_change_and_delete_each_leave_an_event(world):
    AuditEvent.objects.all().delete()
    with acting_as(Actor(user=world.bidan_1, ip="10.1.2.3", via="web")):
        kader = KaderFactory(posyandu=world.posyandu_a, nama="Siti Aminah")
        kader.telepon = "081234567890"
        kader.save()
        kader.delete()

    create, update, delete = events()
    assert [e.action for e in (create, update, delete)] == ["create", "update", "delete"]
    for event in (create, update, delete):
        assert event.actor == world.bidan_1
        assert event.actor_username == "bidan_1"
        assert event.ip == "10.1.2.3"
        assert event.model == "kader.Kader"
        assert event.object_id == str(kader.public_id)
        assert event.wilayah_kode == "14.71.01.1001"
    assert update.metadata == {"fields": ["telepon"], "version": 2, "via": "web"}
    assert delete.metadata["fields"] == ["deleted_at"]


def test_delete_is_soft_and_versions_count_up(world):
    kader = KaderFactory(posyandu=world.posyandu_a)
    assert kader.version == 1
    kader.nama = "Nama Baru"
    kader.save()
    kader.delete()
    assert kader.version == 3
    assert not Kader.objects.filter(pk=kader.pk).exists()
    stored = Kader.all_objects.get(pk=kader.pk)
    assert stored.deleted_at is not None
    assert stored.nama == "Nama Baru"


def test_bulk_queryset_delete_is_soft_and_audited(world):
    before = AuditEvent.objects.filter(action="delete").count()
    deleted, _ = Kader.objects.filter(posyandu=world.posyandu_b).delete()
    assert deleted == 2
    assert Kader.all_objects.filter(posyandu=world.posyandu_b).count() == 2
    assert AuditEvent.objects.filter(action="delete").count() == before + 2


def test_saving_unchanged_record_still_logs_an_update_without_fields(world):
    kader = Kader.objects.filter(posyandu=world.posyandu_a).first()
    kader.save()
    last = AuditEvent.objects.order_by("-id").first()
    assert (last.action, last.metadata) == ("update", {})


def test_a_web_request_is_audited_with_user_and_address(client, world):
    client.force_login(world.admin)
    kader = Kader.objects.filter(posyandu=world.posyandu_c).first()
    response = client.post(
        reverse("admin:kader_kader_change", args=[kader.pk]),
        {"posyandu": world.posyandu_c.pk, "nama": "Dewi Lestari", "telepon": "", "aktif": "on"},
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.url == reverse("admin:kader_kader_changelist")
    event = AuditEvent.objects.filter(action="update", object_id=str(kader.public_id)).get()
    assert (event.actor, event.ip, event.wilayah_kode) == (
        world.admin,
        "192.0.2.7",
        "14.71.02.1001",
    )
    assert event.metadata["fields"] == ["nama"]


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
