"""The derived-data registry: registration checks, one handler call per save or batch, and a
failing handler rolling the save back (docs/adr/0005-derived-data.md)."""

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command, get_commands
from django.db import transaction

from posyandu.audit.models import AuditEvent
from posyandu.core import derived
from posyandu.kader.models import Kader
from posyandu.kader.tests.factories import KaderFactory


def nothing(keys):
    pass


@pytest.fixture
def follow_kader():
    """Register derivations on kader.Kader for one test, unregistered afterwards."""
    added = []

    def follow(handler, keys=lambda record, created: [record.nama], name="test.Names"):
        added.append(
            derived.register(
                derived=name,
                what="test",
                source="kader.Kader",
                keys=keys,
                handler=handler,
                rebuild="check",
            )  # fmt: skip
        )

    yield follow
    for d in added:
        derived.unregister(d)


def test_handlers_hear_creates_changes_and_deletes(world, follow_kader):
    heard: list[tuple[str, bool, bool]] = []
    follow_kader(
        heard.extend,
        keys=lambda record, created: [(record.nama, created, record.deleted_at is not None)],
    )
    kader = KaderFactory.create(posyandu=world.posyandu_a, nama="Rina")
    kader.nama = "Rina Lestari"
    kader.save()
    kader.delete()
    assert heard == [
        ("Rina", True, False),
        ("Rina Lestari", False, False),
        ("Rina Lestari", False, True),
    ]
    assert Kader.all_objects.filter(nama="Rina Lestari").count() == 1


def test_a_misspelt_source_fails_at_registration():
    with pytest.raises(ImproperlyConfigured, match="sesi.Pengukran"):
        derived.register(
            derived="test.X", what="x", source="sesi.Pengukran", keys=lambda r, c: [],
            handler=nothing, rebuild="check",
        )  # fmt: skip
    with pytest.raises(ImproperlyConfigured, match="Pengukuran"):
        derived.register(
            derived="test.X", what="x", source="Pengukuran", keys=lambda r, c: [],
            handler=nothing, rebuild="check",
        )  # fmt: skip


def test_a_model_that_is_not_a_record_is_refused():
    """auth.Group.save() never reports changes: registering on it would silently do nothing."""
    with pytest.raises(ImproperlyConfigured, match="not a core Record"):
        derived.register(
            derived="test.X", what="x", source="auth.Group", keys=lambda r, c: [],
            handler=nothing, rebuild="check",
        )  # fmt: skip


def test_one_derived_data_has_one_handler(follow_kader):
    follow_kader(nothing)
    with pytest.raises(ImproperlyConfigured, match="two handlers"):
        follow_kader(lambda keys: None)


def test_a_batch_runs_each_handler_once_with_the_distinct_keys(world, follow_kader):
    calls = []
    follow_kader(lambda keys: calls.append(sorted(keys)))
    with derived.batch():
        for name in ("Ani", "Budi", "Ani"):
            KaderFactory.create(posyandu=world.posyandu_a, nama=name)
        assert calls == []  # nothing runs before the end of the batch
    assert calls == [["Ani", "Budi"]]


def test_a_failed_batch_drops_its_keys(world, follow_kader):
    calls = []
    follow_kader(lambda keys: calls.append(sorted(keys)))
    with pytest.raises(ValueError), transaction.atomic(), derived.batch():
        KaderFactory.create(posyandu=world.posyandu_a, nama="Lost")
        raise ValueError
    KaderFactory.create(posyandu=world.posyandu_a, nama="Kept")
    assert calls == [["Kept"]]


def test_a_handler_that_saves_feeds_the_later_handlers_once(world, follow_kader):
    """Handlers run in registration order; the records a handler saves add keys to the
    handlers after it (as re-evaluated measurements do for the aggregates)."""
    calls = []

    def fix_names(keys):
        calls.append(("fix", sorted(keys)))
        for kader in Kader.objects.filter(nama__in=keys):
            kader.nama = kader.nama.upper()
            kader.save()

    follow_kader(
        fix_names,
        keys=lambda record, created: [record.nama] if record.nama.islower() else [],
        name="test.Upper",
    )
    follow_kader(lambda keys: calls.append(("count", sorted(keys))))
    with derived.batch():
        KaderFactory.create(posyandu=world.posyandu_a, nama="ani")
        KaderFactory.create(posyandu=world.posyandu_a, nama="budi")
    assert calls == [("fix", ["ani", "budi"]), ("count", ["ANI", "BUDI", "ani", "budi"])]


def test_a_failing_handler_rolls_the_save_back(world, follow_kader):
    kader = KaderFactory.create(posyandu=world.posyandu_a, nama="Rina")

    def boom(keys):
        raise RuntimeError("aggregate failed")

    follow_kader(boom)
    kader.nama = "Rina Lestari"
    with pytest.raises(RuntimeError, match="aggregate failed"):
        kader.save()
    with pytest.raises(RuntimeError, match="aggregate failed"):
        KaderFactory.create(posyandu=world.posyandu_a, nama="Sari")
    # The row, its audit event and the other derived data of that save are gone; the earlier
    # work of the surrounding transaction stays.
    assert Kader.all_objects.get(pk=kader.pk).nama == "Rina"
    assert not Kader.all_objects.filter(nama="Sari").exists()
    events = AuditEvent.objects.filter(model="kader.Kader", object_id=str(kader.public_id))
    assert list(events.values_list("action", flat=True)) == ["create"]


def test_every_registration_names_a_rebuild_command_that_exists():
    commands = get_commands()
    assert derived.registry()
    for d in derived.registry():
        if d.rebuild_command is None:  # an effect no rebuild re-derives: say why
            assert len(d.rebuild.removeprefix("none:").strip()) > 10, d
        else:
            assert d.rebuild_command.split()[0] in commands, d


def test_the_command_lists_the_registry():
    out = StringIO()
    call_command("derived_data", stdout=out)
    lines = [" ".join(line.split()) for line in out.getvalue().splitlines()]
    assert lines[0] == "source record derived data keys handler rebuild"
    assert (
        "sesi.Pengukuran laporan.RekapBulanan (SKDN monthly aggregates) "
        "rekap_keys_of_measurement posyandu.laporan.listeners.rekap_update "
        "manage.py laporan_rebuild"
    ) in lines
    assert (
        "sasaran.Sasaran sesi.Pengukuran (growth results: z-scores, categories, N/T/O/B, "
        "re-measure flags) person_keys posyandu.sesi.listeners.reevaluate "
        "manage.py reevaluate_measurements"
    ) in lines
    assert (
        "kia.KunjunganNifas tugas.Tugas (follow-up tasks, recomputed after commit) "
        "nifas_visit_keys posyandu.tugas.listeners.tasks_update manage.py recompute_tasks"
    ) in lines
    # Grouped by source; within a source, in the order the handlers run.
    sources = [line.split()[0] for line in lines[1 : len(derived.registry()) + 1]]
    assert sources == sorted(sources)
    pengukuran = [line.split()[1] for line in lines if line.startswith("sesi.Pengukuran ")]
    assert pengukuran == [
        "sesi.Pengukuran",
        "tugas.Tugas",
        "laporan.RekapBulanan",
        "laporan.RekapLayanan",
        "satusehat.Kiriman",
    ]
