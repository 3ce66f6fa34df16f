import io
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import models
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from posyandu.accounts.models import Role, User
from posyandu.accounts.scope import restrict
from posyandu.core.periods import last_day, month_index
from posyandu.demo.services import DEMO_PASSWORD
from posyandu.fasilitas.models import Posyandu, Puskesmas
from posyandu.kia.models import Kehamilan, KunjunganAnc, Persalinan
from posyandu.kia.selectors import active_pregnancies
from posyandu.laporan.models import RekapLayanan
from posyandu.sasaran.life_stage import completed_months
from posyandu.sasaran.models import Sasaran
from posyandu.sesi.growth import compute_zscores, engine_version
from posyandu.sesi.models import Pengukuran
from posyandu.skrining.models import HasilSkrining
from posyandu.wilayah.importer import import_wilayah
from posyandu.wilayah.models import Wilayah


@pytest.fixture
def demo_regions(db, tmp_path):
    # Only the two demo regions (and their provinces) from the national file: fast.
    lines = settings.WILAYAH_CSV.read_text(encoding="utf-8").splitlines()
    keep = [
        ln
        for ln in lines[1:]
        if ln.split(",")[0] in ("14", "17") or ln.startswith(("14.71", "17.05"))
    ]
    path = tmp_path / "demo.csv"
    path.write_text("\n".join([lines[0], *keep]) + "\n", encoding="utf-8")
    import_wilayah(path)


@pytest.mark.slow
# This year's screening rates need most of a year behind them, so this test keeps its own day
# (a September) whatever TEST_TODAY says.
@pytest.mark.time_machine(datetime(2026, 9, 16, 10, tzinfo=ZoneInfo("Asia/Jakarta")))
@override_settings(DEMO_MODE=True)
def test_seed_demo_builds_a_realistic_demo_once(demo_regions):
    """One run of the whole demo (about a minute and a half: `make test-slow`), checked from
    several sides."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    # Facilities from the real region table, one Puskesmas per kecamatan.
    kecamatan = Wilayah.objects.filter(tingkat="kecamatan")
    assert Puskesmas.objects.count() == kecamatan.count() == 15 + 14
    assert not Wilayah.objects.filter(tingkat="desa", posyandu__isnull=True).exists()
    prima_per_desa = Posyandu.objects.filter(is_prima=True).values("desa").annotate(n=Count("id"))
    assert not prima_per_desa.filter(n__gt=1).exists()

    text = out.getvalue()
    _check_users(text)
    children = _check_history_and_zscores(sample=300)
    # About the national stunting prevalence (SSGI 2024: 19.8%) among measured balita.
    zlen = [z for z in children.values_list("zlen", flat=True) if z is not None]
    stunted = sum(z < -2 for z in zlen) / len(zlen)
    assert 0.15 < stunted < 0.25
    _check_later_steps(text)
    _check_population_and_services()
    _check_second_run_keeps_the_data()


@override_settings(DEMO_MODE=True)
def test_small_demo_runs_every_step_on_one_posyandu_per_region(demo_regions):
    """`seed_demo --small`, the default suite's demo: every step of the full demo on the first
    kecamatan, desa and Posyandu of each kabupaten/kota, checked like the full one except for
    the prevalences and coverage ratios, which need the full demo's numbers."""
    out = io.StringIO()
    call_command("seed_demo", "--small", stdout=out)

    first_desa = [
        Wilayah.objects.filter(kode__startswith=f"{region}.", tingkat="desa").order_by("kode")[0]
        for region in ("14.71", "17.05")
    ]
    posyandu = Posyandu.objects.order_by("desa")
    assert [p.desa for p in posyandu] == first_desa
    assert [p.kecamatan for p in Puskesmas.objects.order_by("kecamatan")] == [
        d.induk for d in first_desa
    ]
    assert all(p.kader.filter(aktif=True).exists() for p in posyandu)

    text = out.getvalue()
    _check_users(text)
    _check_history_and_zscores(sample=None)
    _check_later_steps(text)
    _check_population_and_services(ratios=False)
    _check_second_run_keeps_the_data()


def _check_users(text: str) -> None:
    """One demo user per role, printed with the password."""
    assert DEMO_PASSWORD in text and "kader.pekanbaru" in text
    for role in Role:
        assert User.objects.filter(is_demo=True, assignments__role=role).exists(), role
    kader = User.objects.get(username="kader.pekanbaru")
    mine = restrict(Posyandu.objects.all(), kader, "aggregate")
    assert mine.count() == 1 and mine.get().kader.filter(user=kader).exists()
    seluma = restrict(Posyandu.objects.all(), User.objects.get(username="dinkes.seluma"))
    assert set(seluma.values_list("desa__induk__induk_id", flat=True)) == {"17.05"}


def _check_history_and_zscores(sample: int | None) -> models.QuerySet[Pengukuran]:
    """Residents with a year of history, z-scores exactly as the engine computes them (of
    `sample` random measurements, or of all)."""
    children = Pengukuran.objects.filter(
        sasaran__tanggal_lahir__gt=timezone.localdate() - timedelta(days=5 * 365),
        berat_kg__isnull=False,
        tinggi_cm__isnull=False,
    )
    months = children.dates("tanggal", "month")
    assert len(months) >= 12
    measured = children.select_related("sasaran").order_by("?" if sample else "pk")
    for m in measured[:sample] if sample else measured:
        expected = compute_zscores(
            m.sasaran.jenis_kelamin,
            (m.tanggal - m.sasaran.tanggal_lahir).days,
            m.berat_kg,
            m.tinggi_cm,
            m.cara_ukur,
            m.lingkar_kepala_cm,
            m.lila_cm,
            m.edema,
        )
        assert {k: getattr(m, k) for k in expected} == expected, m.pk
        assert m.mesin_versi == engine_version()
    return children


def _check_later_steps(text: str) -> None:
    """The later steps ran: services, pregnancies, screenings, tasks, monthly aggregates."""
    counts = {
        k: int(v)
        for k, v in (
            line.rsplit(" ", 1)[::-1]
            for line in text.split("Demo dibuat: ")[1].split("\n")[0].split(", ")
        )
    }
    for key in ("imunisasi", "kehamilan", "hasil_skrining", "tugas", "rekap_bulanan"):
        assert counts.get(key, 0) > 0, key


def _check_second_run_keeps_the_data() -> None:
    posyandu_count = Posyandu.objects.count()
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert "Demo sudah ada" in again.getvalue()
    assert Posyandu.objects.count() == posyandu_count


def _check_population_and_services(ratios: bool = True) -> None:
    """`ratios`: also the rates (pregnant per Posyandu, coverage), which need the full demo's
    numbers; the small demo has a few dozen people."""
    today = timezone.localdate()
    posyandu = set(Posyandu.objects.values_list("id", flat=True))
    people = Sasaran.objects.all()

    # Every Posyandu: women pregnant today, a mother in nifas, adolescents and elderly.
    pregnant = Counter(
        active_pregnancies(people, today).values_list("sasaran__posyandu", flat=True)
    )
    nifas = Counter(
        Persalinan.objects.filter(
            tanggal__gte=today - timedelta(days=42), tanggal__lte=today
        ).values_list("kehamilan__sasaran__posyandu", flat=True)
    )
    teens: Counter[int] = Counter()
    elderly: Counter[int] = Counter()
    for pid, born in people.values_list("posyandu_id", "tanggal_lahir"):
        months = completed_months(born, today)
        teens[pid] += 72 <= months < 216
        elderly[pid] += months >= 720
    for counter in (pregnant, nifas, teens, elderly):
        assert {p for p in posyandu if counter[p] == 0} == set()
    if ratios:
        assert 1.2 < sum(pregnant.values()) / len(posyandu) < 2.5

    # Siblings at least ~10 months apart; mothers of reproductive age at each birth.
    births = defaultdict(list)
    born_on = dict(people.values_list("id", "tanggal_lahir"))  # no join to the mother: a
    for mother, born in people.filter(ibu_id__isnull=False).values_list("ibu_id", "tanggal_lahir"):
        births[mother].append(born)  # cluster keeps her by id (docs/scaling.md)
        assert 16 <= (born - born_on[mother]).days / 365.25 <= 45
    for days in births.values():
        days.sort()
        assert all((b - a).days >= 300 for a, b in zip(days, days[1:], strict=False))

    # ANC visits within the pregnancy, before the delivery, not in the future; each
    # delivery of the last months is a registered child's birth.
    for day, hpht, ended in KunjunganAnc.objects.values_list(
        "tanggal", "kehamilan__hpht", "kehamilan__status_sejak"
    ):
        assert hpht is not None
        assert (day - hpht).days >= 28 and day <= min(ended or today, today)
    assert not Persalinan.objects.filter(bayi__isnull=True).exists()
    for bayi, day in Persalinan.objects.values_list("bayi_id", "tanggal"):
        assert born_on[bayi] == day  # the baby by id, not a join (docs/scaling.md)
    assert Kehamilan.objects.filter(status="hamil").count() == sum(pregnant.values())

    # Vitamin A rounds (Feb/Aug) of the past year: ~80-90% of children 6-59 months.
    end = month_index(today)
    rounds = [
        f"{m // 12:04d}-{m % 12 + 1:02d}"
        for m in range(end - 11, end + 1)
        if m % 12 + 1 in (2, 8) and last_day(m) < today
    ]
    assert rounds
    for periode in rounds:
        got = RekapLayanan.objects.filter(kode="vitamin_a", periode=periode).aggregate(
            a=models.Sum("pembilang"), b=models.Sum("penyebut")
        )
        assert got["b"] > 0, periode
        if ratios:
            assert 0.75 < got["a"] / got["b"] < 0.95, (periode, got)

    # Adult screenings all year round, with follow-up of hypertension.
    screened = set(HasilSkrining.objects.filter(definisi="td_dewasa").dates("tanggal", "month"))
    assert len(screened) >= 12
    year = str(today.year)
    for kode, low in (("skrining_dewasa", 0.4), ("skrining_lansia", 0.6), ("spm_hipertensi", 0.3)):
        got = RekapLayanan.objects.filter(kode=kode, periode=year).aggregate(
            a=models.Sum("pembilang"), b=models.Sum("penyebut")
        )
        if ratios:
            assert low < got["a"] / got["b"] < 1, (kode, got)
        else:  # the rows exist (a few dozen people give no rate, nor this year's rows in January)
            assert RekapLayanan.objects.filter(kode=kode).exists(), kode


@override_settings(DEMO_MODE=False)
def test_seed_demo_refuses_outside_demo_mode(demo_regions):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())


@override_settings(DEMO_MODE=True)
@pytest.mark.django_db
def test_seed_demo_without_regions_says_what_to_run():
    with pytest.raises(CommandError, match="import_wilayah"):
        call_command("seed_demo", stdout=io.StringIO())
