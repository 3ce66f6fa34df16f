"""The engine on the database: full and incremental recompute, listeners, expiry."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from posyandu.rujukan.services import referral_feedback
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.tests.factories import SesiFactory
from posyandu.tugas.engine import recompute
from posyandu.tugas.models import Tugas
from posyandu.tugas.snapshot import PENGUKURAN
from posyandu.tugas.tests.factories import measure, person, refer

pytestmark = pytest.mark.django_db

DAY = date(2026, 5, 12)


def open_codes(sasaran):
    return sorted(
        Tugas.objects.filter(sasaran=sasaran, status=Tugas.Status.TERBUKA).values_list(
            "aturan", flat=True
        )
    )


def test_full_run_creates_resolves_and_expires(world):
    child = person(world.posyandu_a, date(2025, 1, 5))
    measure(child, date(2026, 4, 10), status_bb="T")
    measure(child, date(2026, 5, 10), status_bb="T")
    result = recompute(today=DAY)
    assert result.created == 1 and open_codes(child) == ["2t"]
    task = Tugas.objects.get(sasaran=child)
    assert (task.mulai, task.jatuh_tempo, task.kedaluwarsa) == (
        date(2026, 5, 10),
        date(2026, 5, 17),
        date(2026, 6, 14),
    )
    assert task.posyandu == world.posyandu_a and task.desa_id == "14.71.01.1001"
    assert task.untuk == "keduanya" and task.prioritas == 1

    # Running again changes nothing (one task per person, rule and key).
    assert recompute(today=DAY).created == 0
    assert Tugas.objects.count() == 1

    # After day 35 it expires.
    result = recompute(today=date(2026, 6, 15))
    task.refresh_from_db()
    assert task.status == Tugas.Status.KEDALUWARSA and result.expired == 1


def test_a_new_weighing_resolves_2t(world):
    child = person(world.posyandu_a, date(2025, 1, 5))
    measure(child, date(2026, 4, 10), status_bb="T")
    measure(child, date(2026, 5, 10), status_bb="T")
    recompute(today=DAY)
    measure(child, date(2026, 5, 20), status_bb="N")
    result = recompute([child.pk], today=date(2026, 5, 20))
    task = Tugas.objects.get(sasaran=child, aturan="2t")
    assert result.resolved == 1
    assert (task.status, task.cara_selesai, task.selesai_pada) == (
        "selesai",
        "layanan",
        date(2026, 5, 20),
    )


def test_person_moved_away_closes_tasks(world):
    child = person(world.posyandu_a, date(2025, 1, 5))
    recompute(today=date(2026, 5, 21))
    assert open_codes(child) == ["belum_ditimbang"]
    Sasaran.objects.filter(pk=child.pk).update(status=Sasaran.Status.PINDAH)
    recompute([child.pk], today=date(2026, 5, 22))
    assert Tugas.objects.get(sasaran=child).cara_selesai == Tugas.Cara.TIDAK_BERLAKU


def test_referral_feedback_resolves(world):
    adult = person(world.posyandu_a, date(1980, 1, 1), nama="Bu Ani", jenis_kelamin="P")
    rujukan = refer(adult, date(2026, 5, 1))
    recompute(today=date(2026, 5, 7))
    assert open_codes(adult) == []
    recompute(today=date(2026, 5, 8))
    assert open_codes(adult) == ["rujukan_tanpa_umpan_balik"]
    referral_feedback(
        rujukan=rujukan,
        hasil="ditangani",
        umpan_balik="Sudah ditangani",
        by=None,
        tanggal=date(2026, 5, 9),
    )
    recompute(today=date(2026, 5, 9))
    assert open_codes(adult) == []


class TestListeners:
    """Records saved through the apps recompute their person's tasks after commit."""

    def test_measurements_open_and_close_tasks(self, world, django_capture_on_commit_callbacks):
        today = timezone.localdate()
        with django_capture_on_commit_callbacks(execute=True):
            adult = person(world.posyandu_a, date(1970, 1, 1))
        with django_capture_on_commit_callbacks(execute=True):
            measure(adult, today, berat_kg=None, sistole=150, diastole=85)
        assert open_codes(adult) == ["hipertensi_belum_dirujuk"]
        with django_capture_on_commit_callbacks(execute=True):
            refer(adult, today)
        task = Tugas.objects.get(sasaran=adult, aturan="hipertensi_belum_dirujuk")
        assert task.status == "selesai" and task.cara_selesai == "layanan"

    def test_screening_result_opens_a_task_through_the_listener(
        self, world, django_capture_on_commit_callbacks
    ):
        from posyandu.skrining.models import HasilSkrining

        today = timezone.localdate()
        with django_capture_on_commit_callbacks(execute=True):
            adult = person(world.posyandu_a, date(1970, 1, 1))
        with django_capture_on_commit_callbacks(execute=True):
            HasilSkrining.objects.create(
                sasaran=adult, tanggal=today, definisi="gula_darah", definisi_versi="1",
                kategori="diabetes", tingkat="refer", tags=["diabetes"], nilai={"gds": 230},
            )  # fmt: skip
        assert open_codes(adult) == ["diabetes_belum_dirujuk"]

    def test_many_saves_one_recompute(
        self, world, django_capture_on_commit_callbacks, django_assert_max_num_queries
    ):
        today = timezone.localdate()
        people = [person(world.posyandu_a, date(1970, 1, 1), nama=f"P{i}") for i in range(5)]
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            for p in people:
                measure(p, today, berat_kg=None, sistole=160, diastole=100)
        for callback in callbacks:
            callback()
        assert (
            Tugas.objects.filter(aturan="hipertensi_belum_dirujuk", status="terbuka").count() == 5
        )

    def test_listener_does_not_break_the_save(
        self, world, django_capture_on_commit_callbacks, monkeypatch
    ):
        def boom(*args, **kwargs):
            raise RuntimeError("engine down")

        monkeypatch.setattr("posyandu.tugas.engine.recompute", boom)
        with django_capture_on_commit_callbacks(execute=True):
            adult = person(world.posyandu_a, date(1970, 1, 1))
        assert Sasaran.objects.filter(pk=adult.pk).exists()


def test_start_in_the_future_is_not_created(world):
    adult = person(world.posyandu_a, date(1980, 1, 1))
    refer(adult, DAY - timedelta(days=3))
    assert recompute(today=DAY).created == 0


def test_screening_results_feed_the_rules(world):
    """Issue-5 screening results (through skrining.selectors) open diabetes and ADL tasks."""
    from posyandu.skrining.models import HasilSkrining

    today = timezone.localdate()
    adult = person(world.posyandu_a, date(1970, 1, 1), nama="Pak Gula")
    elder = person(world.posyandu_a, date(1950, 1, 1), nama="Mbah Ratna", jenis_kelamin="P")
    HasilSkrining.objects.create(
        sasaran=adult, tanggal=today, definisi="gula_darah", definisi_versi="1",
        kategori="diabetes", tingkat="refer", tags=["diabetes"], nilai={"gds": 230},
    )  # fmt: skip
    HasilSkrining.objects.create(
        sasaran=elder, tanggal=today, definisi="adl_barthel", definisi_versi="1",
        kategori="sedang", tingkat="refer", tags=["ketergantungan"], nilai={"total": 10},
    )  # fmt: skip
    recompute(today=today)
    assert open_codes(adult) == ["diabetes_belum_dirujuk"]
    assert Tugas.objects.get(sasaran=adult).params["nilai"] == 230
    assert open_codes(elder) == ["lansia_ketergantungan"]
    refer(adult, today)
    recompute([adult.pk], today=today)
    assert open_codes(adult) == []


def test_glucose_task_shows_the_value_of_the_real_screening(world):
    """The gula_darah definition stores {"jenis": "gds", "kadar": 250}: the task says 250."""
    from posyandu.skrining.services import screening_record

    today = timezone.localdate()
    adult = person(world.posyandu_a, date(1970, 1, 1), nama="Pak Gula")
    screening_record(
        sasaran=adult,
        definition_id="gula_darah",
        raw={"jenis": "gds", "kadar": "250"},
        by=world.bidan_1,
        tanggal=today,
    )
    recompute(today=today)
    task = Tugas.objects.get(sasaran=adult, aturan="diabetes_belum_dirujuk")
    assert task.params["nilai"] == 250
    assert task.reason == f"Gula darah 250 mg/dL pada {today:%d-%m-%Y} dan belum dirujuk."


def test_a_baby_registered_late_is_not_overdue_at_once_and_doses_use_the_panels_codes(world):
    """Registered at 40 days (16-09-2026): BCG and OPV1 have been overdue since 07-09, yet the
    new tasks are due in the rule's 7 days, not already overdue; they name "OPV1"."""
    today = timezone.localdate()
    baby = person(world.posyandu_a, today - timedelta(days=40), nama="Bayi Baru")
    recompute(today=today)
    tasks = {t.kunci: t for t in Tugas.objects.filter(sasaran=baby)}
    assert set(tasks) >= {"imunisasi:BCG", "imunisasi:OPV1"}
    assert all(t.jatuh_tempo == today + timedelta(days=7) for t in tasks.values())
    assert tasks["imunisasi:OPV1"].params["vaksin"] == "OPV1"
    assert "OPV1" in tasks["imunisasi:OPV1"].reason and "bOPV" not in tasks["imunisasi:OPV1"].reason


def test_a_boys_recompute_reads_no_pregnancy_and_an_adults_no_dose(world):
    """A listener recompute of a few people skips the records none of them can have (the
    query's own filter asked of the snapshots): the same tasks, fewer queries."""
    boy = person(world.posyandu_a, date(2025, 1, 5), jenis_kelamin="L")
    man = person(world.posyandu_a, date(1960, 1, 5), jenis_kelamin="L")
    with CaptureQueriesContext(connection) as boys:
        recompute([boy.pk], today=DAY)
    with CaptureQueriesContext(connection) as mans:
        recompute([man.pk], today=DAY)
    assert not any('FROM "kia_kehamilan"' in q["sql"] for q in boys.captured_queries)
    assert any("imunisasi_imunisasi" in q["sql"] for q in boys.captured_queries)
    assert not any("imunisasi_imunisasi" in q["sql"] for q in mans.captured_queries)


def test_a_child_recompute_reads_no_pregnancies(world):
    """A girl too young for a pregnancy record (sasaran/rules/registrasi.json) costs no query of
    pregnancies: the listener after every weighing of a balita stays short."""
    girl = person(world.posyandu_a, DAY - timedelta(days=400), jenis_kelamin="P")
    with CaptureQueriesContext(connection) as queries:
        recompute([girl.pk], today=DAY)
    assert not [q for q in queries.captured_queries if 'FROM "kia_kehamilan"' in q["sql"]]


def test_a_weighing_recomputes_only_the_rules_reading_measurements(
    world, django_capture_on_commit_callbacks
):
    """A baby's weighing reads no doses, pregnancies or screenings and leaves the dose tasks
    alone, yet opens the growth task; afterwards the tasks equal a full run's."""
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):  # a full recompute of the baby
        baby = person(world.posyandu_a, today - timedelta(days=100))
    dose_tasks = set(
        Tugas.objects.filter(sasaran=baby, aturan="imunisasi_terlambat").values_list("id", "status")
    )
    assert dose_tasks  # BCG and others are overdue at 100 days
    with django_capture_on_commit_callbacks(execute=True):
        measure(baby, today - timedelta(days=35), status_bb="T")
    with django_capture_on_commit_callbacks() as callbacks:
        measure(baby, today - timedelta(days=3), status_bb="T")
    with CaptureQueriesContext(connection) as queries:  # the task recompute after commit
        for callback in callbacks:
            callback()
    read = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("imunisasi_imunisasi", "kia_kehamilan", "kia_persalinan", "skrining_hasil"):
        assert table not in read, table
    assert "2t" in open_codes(baby)
    after_listener = set(
        Tugas.objects.filter(sasaran=baby).values_list("aturan", "kunci", "status")
    )
    doses_after = Tugas.objects.filter(sasaran=baby, aturan="imunisasi_terlambat")
    assert set(doses_after.values_list("id", "status")) == dose_tasks
    recompute(today=today)
    assert (
        set(Tugas.objects.filter(sasaran=baby).values_list("aturan", "kunci", "status"))
        == after_listener
    )


def test_rules_reading_names_the_growth_rules_for_a_measurement():
    from posyandu.tugas.engine import rules_reading
    from posyandu.tugas.snapshot import IMUNISASI, PENGUKURAN

    growth = {r.condition for r in rules_reading(frozenset({PENGUKURAN})).rules}
    assert growth == {"not_weighed_this_month", "two_t", "wasting", "new_stunting",
                      "high_bp_not_referred"}  # fmt: skip
    assert {r.condition for r in rules_reading(frozenset({IMUNISASI})).rules} == {
        "immunization_overdue"
    }


def test_the_posyandu_day_is_read_only_for_people_not_weighed_this_month(world):
    """`not_weighed_this_month` needs this month's Posyandu day only for a child not weighed
    yet: the recompute after a weighing saved this month reads no session, and the child
    still unweighed gets the task anchored on the day the Posyandu opened."""
    SesiFactory.create(posyandu=world.posyandu_a, tanggal=date(2026, 5, 6))
    weighed = person(world.posyandu_a, date(2025, 1, 5))
    unweighed = person(world.posyandu_a, date(2025, 2, 5), nama="Anak Dua")
    measure(weighed, date(2026, 5, 6))
    facts = frozenset({PENGUKURAN})
    with CaptureQueriesContext(connection) as queries:
        recompute([weighed.pk], today=DAY, facts=facts)
    assert not [q for q in queries.captured_queries if 'FROM "sesi_sesi"' in q["sql"]]
    assert open_codes(weighed) == []

    with CaptureQueriesContext(connection) as queries:
        recompute([weighed.pk, unweighed.pk], today=DAY, facts=facts)
    assert [q for q in queries.captured_queries if 'FROM "sesi_sesi"' in q["sql"]]
    assert open_codes(unweighed) == ["belum_ditimbang"]
    task = Tugas.objects.get(sasaran=unweighed)
    assert (task.tanggal_acuan, task.params["hari_buka"]) == (date(2026, 5, 6), "06-05-2026")
