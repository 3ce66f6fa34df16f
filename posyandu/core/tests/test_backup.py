"""A backup restores every record: back up, destroy, restore, compare table by table."""

from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from posyandu.audit.models import AuditEvent
from posyandu.sasaran.tests.factories import SasaranFactory
from posyandu.sesi.tests.factories import KunjunganFactory

pytestmark = pytest.mark.django_db(transaction=True)


def everything() -> dict[str, list[str]]:
    return {
        model._meta.label: sorted(repr(row) for row in model._base_manager.values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_backup_destroy_restore_finds_every_record(tmp_path: Path) -> None:
    children = SasaranFactory.create_batch(5)
    KunjunganFactory.create_batch(3)
    before = everything()
    assert len(before["sasaran.Sasaran"]) >= 5 and len(before["sesi.Kunjungan"]) == 3

    call_command("backup", dir=tmp_path, keep=3, stdout=StringIO())
    (made,) = tmp_path.iterdir()
    call_command("flush", interactive=False)
    assert everything()["sasaran.Sasaran"] == []

    call_command("restore", str(made), yes=True, stdout=StringIO())
    after = everything()
    after.pop("audit.AuditEvent")
    before.pop("audit.AuditEvent")
    assert after == before
    names = set(apps.get_model("sasaran", "Sasaran").objects.values_list("nama", flat=True))
    assert {c.nama for c in children} <= names
    assert AuditEvent.objects.filter(metadata__kind="restore").count() == 1


def test_backups_are_pruned_to_the_newest(tmp_path: Path) -> None:
    own = ".sqlite3" if connection.vendor == "sqlite" else ".pgdump"
    other = ".pgdump" if own == ".sqlite3" else ".sqlite3"
    for day in ("01", "02", "03"):
        (tmp_path / f"posyandu-202601{day}-000000{own}").write_text("old")
        (tmp_path / f"posyandu-202601{day}-000000{other}").write_text("other kind")
    call_command("backup", dir=tmp_path, keep=2, stdout=StringIO())
    kept = sorted(p.name for p in tmp_path.glob(f"*{own}"))
    assert len(kept) == 2 and kept[0] == f"posyandu-20260103-000000{own}"
    assert len(list(tmp_path.glob(f"*{other}"))) == 3  # another kind is never touched


def test_restore_refuses_a_file_of_another_kind(tmp_path: Path) -> None:
    wrong = tmp_path / "posyandu-20260101-000000.txt"
    wrong.write_text("not a backup")
    with pytest.raises(CommandError, match="is not a"):
        call_command("restore", str(wrong), yes=True)
