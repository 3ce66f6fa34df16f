from django.urls import reverse

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
        kader = KaderFactory.create(posyandu=world.posyandu_a, nama="Siti Aminah")
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
    kader = KaderFactory.create(posyandu=world.posyandu_a)
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
    assert kader is not None
    kader.save()
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    assert (last.action, last.metadata) == ("update", {})


def test_a_web_request_is_audited_with_user_and_address(client, world):
    client.force_login(world.admin)
    kader = Kader.objects.filter(posyandu=world.posyandu_c).first()
    assert kader is not None
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
