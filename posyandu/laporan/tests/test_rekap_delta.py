"""A saved measurement moves its child's share of the SKDN rows by the difference
(build/rekap_delta.py). After any sequence of saves the rows and the region sums equal a
full rebuild: random sequences of what kader and bidan do to measurements (new weighings,
corrected weights and lengths, moved days, deletions, confirmations of flagged values,
measurements saved twice in one batch), several seeds. Today is 15 June 2025 (conftest)."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from posyandu.core import derived
from posyandu.core.periods import month_index
from posyandu.laporan import listeners, skdn
from posyandu.laporan.build.rekap_bulanan import rekap_rebuild
from posyandu.laporan.models import RekapBulanan
from posyandu.laporan.tests.factories import child, weigh
from posyandu.laporan.tests.test_rollup import assert_agree
from posyandu.sesi.models import Pengukuran

pytestmark = pytest.mark.django_db

START, END = month_index(date(2025, 1, 1)), month_index(date(2025, 6, 1))
DAYS = [date(2025, 1, 1) + timedelta(days=d) for d in range(0, 166, 3)]  # to 15 June


def rows() -> set[tuple]:
    return {
        (r.posyandu_id, r.periode, r.jk, *(getattr(r, f) for f in skdn.FIELDS))
        for r in RekapBulanan.objects.all()
    }


def assert_equals_a_full_rebuild() -> None:
    """Every Posyandu-month with rows holds what a rebuild writes (a month no rebuild built
    yet has rows only where a save recomputed it whole)."""
    incremental = rows()
    assert_agree()  # the region sums equal the Posyandu rows
    rekap_rebuild(start=START, end=END)
    kept = {row[:2] for row in incremental}
    assert {row for row in rows() if row[:2] in kept} == incremental


def kg(rng: random.Random) -> Decimal:
    # Mostly plausible weights of a one-year-old, now and then a flagged one.
    return Decimal(rng.choice(["8.10", "8.60", "9.00", "9.25", "9.80", "10.40", "25.00"]))


def step(rng: random.Random, kids: list, flagged_ok: bool) -> str:
    stored = list(Pengukuran.objects.filter(sasaran__in=kids))
    action = rng.choice(["new", "new", "weight", "length", "day", "delete", "confirm", "twice"])
    if action == "new" or not stored:
        weigh(rng.choice(kids), rng.choice(DAYS), str(kg(rng)), zwei=rng.uniform(-4, 2))
        return "new"
    m = rng.choice(stored)
    if action == "weight":
        m.berat_kg = kg(rng)
        m.zwei = rng.uniform(-4, 2)
        m.fwei = m.berat_kg > 20
    elif action == "length":
        m.tinggi_cm = Decimal(rng.choice(["68.0", "72.5", "75.0"]))
        m.zlen = rng.uniform(-4, 1)
        m.berat_kg = rng.choice([m.berat_kg, None])  # a length alone counts too
    elif action == "day":
        m.tanggal = rng.choice(DAYS)
    elif action == "delete":
        m.delete()
        return action
    elif action == "confirm":
        m.perlu_cek_ulang = True
        m.dikonfirmasi_pada = rng.choice([None, timezone.now()]) if flagged_ok else None
    elif action == "twice":
        # Two saves of one measurement in one batch: two previous values in one flush.
        with derived.batch():
            m.berat_kg = kg(rng)
            m.save()
            m.tanggal = rng.choice(DAYS)
            m.save()
        return action
    m.save()
    return action


@pytest.mark.parametrize("seed", range(8))
def test_any_sequence_of_measurement_saves_equals_a_full_rebuild(world, seed):
    rng = random.Random(seed)
    kids = [
        child(world.posyandu_a, date(2024, 3, 10)),
        child(world.posyandu_a, date(2024, 5, 2), "P"),
        child(world.posyandu_a2, date(2023, 12, 20)),
    ]
    for kid in kids:
        for day in rng.sample(DAYS, 3):
            weigh(kid, day, str(kg(rng)), zwei=rng.uniform(-4, 2))
        if rng.random() < 0.5:  # weighed long before the months a save reads: O, not B
            weigh(kid, date(2024, 9, 20), str(kg(rng)))
    # The first months built, the last ones not yet: a difference for a month without rows
    # falls back to a whole recompute.
    rekap_rebuild(start=START, end=END - 2 + seed % 3)
    done = [step(rng, kids, flagged_ok=seed % 2 == 0) for _ in range(14)]
    assert_equals_a_full_rebuild()
    assert len(set(done)) >= 3  # the sequence did more than add weighings


def test_a_corrected_weight_moves_the_rows_by_the_difference_alone(world, monkeypatch):
    kid = child(world.posyandu_a, date(2024, 3, 10))
    weigh(kid, date(2025, 4, 10), "8.60")
    may = weigh(kid, date(2025, 5, 10), "9.00")
    rekap_rebuild(start=START, end=END)
    whole = []
    monkeypatch.setattr(listeners, "rekap_recompute", lambda **kw: whole.append(kw))

    may.berat_kg = Decimal("8.65")  # +50 g: below the KBM, N becomes T
    may.save()

    assert whole == []
    row = RekapBulanan.objects.get(posyandu=world.posyandu_a, periode="2025-05", jk="L")
    assert (row.s, row.d, row.n, row.t) == (1, 1, 0, 1)


def test_a_deleted_first_weighing_of_the_window_knows_the_weighings_before_it(world):
    """The child's only weighing in the months read is deleted; one before them made it O,
    not B. Another boy of the Posyandu is B that month, so a wrong B - 1 would not go below
    zero and fall back: the difference itself must be right."""
    kid = child(world.posyandu_a, date(2024, 3, 10))
    weigh(kid, date(2024, 10, 10), "8.10")  # long before April's window (February to April)
    april = weigh(kid, date(2025, 4, 10), "8.90")
    first_timer = child(world.posyandu_a, date(2024, 6, 1))
    weigh(first_timer, date(2025, 4, 12), "7.50")
    rekap_rebuild(start=START, end=END)
    row = RekapBulanan.objects.get(posyandu=world.posyandu_a, periode="2025-04", jk="L")
    assert (row.d, row.o, row.b) == (2, 1, 1)

    april.delete()

    row = RekapBulanan.objects.get(posyandu=world.posyandu_a, periode="2025-04", jk="L")
    assert (row.d, row.o, row.b) == (1, 0, 1)
    assert_equals_a_full_rebuild()
