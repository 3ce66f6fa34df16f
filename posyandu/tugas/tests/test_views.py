"""Task lists, print list, supervision, targets and the API: content and scope."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from posyandu.accounts.models import Role
from posyandu.accounts.tests.factories import user_with_role
from posyandu.kunjungan_rumah.services import MemberInput, home_visit_record
from posyandu.tugas import targets
from posyandu.tugas.engine import recompute
from posyandu.tugas.models import Tugas
from posyandu.tugas.tests.factories import measure, person, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(world):
    today = timezone.localdate()
    a = person(world.posyandu_a, today - timedelta(days=400), nama="Anak Melati")
    measure(a, today - timedelta(days=31), status_bb="T")
    measure(a, today - timedelta(days=1), status_bb="T")
    b = person(world.posyandu_b, today - timedelta(days=400), nama="Anak Anggrek")
    measure(b, today - timedelta(days=31), status_bb="T")
    measure(b, today - timedelta(days=1), status_bb="T")
    ibu = person(world.posyandu_a, date(1980, 1, 1), nama="Ibu Rujuk", jenis_kelamin="P")
    refer(ibu, today - timedelta(days=12))
    recompute(today=today)
    return a, b, ibu


def names(response):
    return response.content.decode()


def test_kader_sees_only_own_posyandu_kader_tasks(client, world, tasks):
    client.force_login(world.kader_a)
    html = names(client.get(reverse("tugas:mine")))
    assert "Anak Melati" in html and "Anak Anggrek" not in html
    assert "Ibu Rujuk" not in html  # a bidan's task
    assert "2T" in html and "Catat kunjungan rumah" in html


def test_bidan_sees_bidan_tasks_of_the_desa(client, world, tasks):
    client.force_login(world.bidan_1)
    html = names(client.get(reverse("tugas:mine")))
    assert "Ibu Rujuk" in html and "Anak Melati" in html and "Anak Anggrek" not in html
    assert "belum ada umpan balik" in html.lower() or "umpan balik" in html


def test_puskesmas_filters_by_posyandu(client, world, tasks):
    client.force_login(world.puskesmas_staff)
    html = names(client.get(reverse("tugas:mine")))
    assert "Anak Melati" in html and "Anak Anggrek" in html
    html = names(client.get(reverse("tugas:mine") + f"?posyandu={world.posyandu_b.public_id}"))
    assert "Anak Anggrek" in html and "Anak Melati" not in html
    client.force_login(world.kader_a)
    assert (
        client.get(reverse("tugas:mine") + f"?posyandu={world.posyandu_b.public_id}").status_code
        == 404
    )


def test_task_detail_scope(client, world, tasks):
    a, b, _ = tasks
    task = Tugas.objects.get(sasaran=a, aturan="2t")
    client.force_login(world.kader_a)
    assert client.get(reverse("tugas:detail", args=[task.public_id])).status_code == 200
    other = user_with_role(Role.KADER, "kader_a2", posyandu=world.posyandu_a2)
    client.force_login(other)
    assert client.get(reverse("tugas:detail", args=[task.public_id])).status_code == 404
    assert client.get(reverse("tugas:person", args=[a.public_id])).status_code == 404
    client.force_login(world.pokjanal_kota)  # aggregate only
    assert client.get(reverse("tugas:detail", args=[task.public_id])).status_code == 403


def test_print_list(client, world, tasks):
    client.force_login(world.kader_a)
    html = names(client.get(reverse("tugas:print")))
    assert "Anak Melati" in html and "☐" in html and "Anak Anggrek" not in html


def test_supervision_counts(client, world, tasks):
    client.force_login(world.puskesmas_staff)
    html = names(client.get(reverse("tugas:supervision")))
    assert (
        "Posyandu Melati" in html and "Posyandu Anggrek" in html and "Posyandu Kenanga" not in html
    )
    rows = {
        r["posyandu__nama"]: r
        for r in __import__("posyandu.tugas.selectors", fromlist=["x"]).summary(
            user=world.puskesmas_staff, today=timezone.localdate()
        )
    }
    assert (
        rows["Posyandu Melati"]["terbuka"]
        == Tugas.objects.filter(posyandu=world.posyandu_a, status="terbuka").count()
    )
    client.force_login(world.pokjanal_kota)
    assert client.get(reverse("tugas:supervision") + "?per=desa").status_code == 200


def test_api_scoped(client, world, tasks):
    a, b, _ = tasks
    client.force_login(world.kader_a)
    body = client.get("/api/v1/tugas").json()
    assert {i["sasaran"] for i in body["items"]} == {"Anak Melati"}
    assert body["items"][0]["alasan"].startswith("Berat badan tidak naik")
    task_b = Tugas.objects.get(sasaran=b, aturan="2t")
    assert client.get(f"/api/v1/tugas/{task_b.public_id}").status_code == 404
    client.force_login(world.pokjanal_kota)
    assert client.get("/api/v1/tugas").status_code == 403
    assert client.get("/api/v1/tugas/target").status_code == 200


class TestTargets:
    def test_ds_ratio_math(self, world):
        today = timezone.localdate()
        month = today.replace(day=1)
        kids = [
            person(world.posyandu_a, month - timedelta(days=300), nama=f"K{i}") for i in range(5)
        ]
        person(world.posyandu_a, date(1990, 1, 1), nama="Dewasa")  # not a balita
        for kid in kids[:4]:
            measure(kid, month)
        measure(kids[0], month + timedelta(days=0))  # twice: still one D
        ratio = targets.ds_ratio([world.posyandu_a.pk], month, {})
        assert ratio == {world.posyandu_a.pk: (4, 5)}
        row = targets.posyandu_rows([world.posyandu_a], month)[0]
        ds = row.progress[0]
        assert ds.percent == 80 and ds.met  # 80% meets D/S >= 80%

    def test_2t_visited_within_7_days(self, world):
        today = timezone.localdate()
        kid = person(world.posyandu_a, today - timedelta(days=400))
        measure(kid, today - timedelta(days=30), status_bb="T")
        measure(kid, today, status_bb="T")
        recompute(today=today)
        month = today.replace(day=1)
        assert targets.tasks_closed_within(
            [world.posyandu_a.pk], month, {"rule": "2t", "days": 7}
        ) == {world.posyandu_a.pk: (0, 1)}
        task = Tugas.objects.get(aturan="2t")
        home_visit_record(
            by=world.kader_a,
            posyandu=world.posyandu_a,
            tanggal=today,
            members=[MemberInput(kid)],
            tugas=[task],
        )
        assert targets.tasks_closed_within(
            [world.posyandu_a.pk], month, {"rule": "2t", "days": 7}
        ) == {world.posyandu_a.pk: (1, 1)}
        kader = targets.kader_rows(list(world.kader_a.assignments.all()), month)[0]
        assert [p.numerator for p in kader.progress] == [1, 1]
        assert not kader.all_met  # 1 of 4 visits

    def test_overdue_immunization_carried_over_counts_until_followed_up(self, world):
        kid = person(world.posyandu_a, date(2025, 1, 10))
        nov, dec = date(2026, 11, 1), date(2026, 12, 1)

        def task(kunci: str, mulai: date, **kw: object) -> Tugas:
            return Tugas.objects.create(
                sasaran=kid, posyandu=world.posyandu_a, desa_id=kid.desa_id,
                aturan="imunisasi_terlambat", aturan_versi="1", kunci=kunci,
                tanggal_acuan=mulai, mulai=mulai, jatuh_tempo=mulai + timedelta(days=7),
                kedaluwarsa=mulai + timedelta(days=60), **kw,
            )  # fmt: skip

        def share(month: date) -> dict[int, tuple[int, int]]:
            return targets.tasks_closed_share(
                [world.posyandu_a.pk], month, {"rule": "imunisasi_terlambat"}
            )

        # Shown in October, still open in November: November's target is not met.
        pcv = task("imunisasi:PCV3", date(2026, 10, 20))
        # Followed up in October: not November's business.
        task("imunisasi:DPT3", date(2026, 10, 1), status="selesai", selesai_pada=date(2026, 10, 9))
        # The child moved away: nothing left to follow up.
        task("imunisasi:MR1", date(2026, 11, 2), status="selesai", cara_selesai="tidak_berlaku",
             selesai_pada=date(2026, 11, 5))  # fmt: skip
        assert share(nov) == {world.posyandu_a.pk: (0, 1)}
        row = targets.posyandu_rows([world.posyandu_a], nov)[0]
        assert not row.progress[1].met
        Tugas.objects.filter(pk=pcv.pk).update(
            status="selesai", cara_selesai="layanan", selesai_pada=date(2026, 12, 3)
        )
        assert share(nov) == {world.posyandu_a.pk: (0, 1)}  # done after November
        assert share(dec) == {world.posyandu_a.pk: (1, 1)}

    def test_no_case_counts_as_met(self, world):
        progress = targets.Progress(targets.definitions()["posyandu"][2], 0, 0)
        assert progress.value is None and progress.met

    def test_targets_page(self, client, world, tasks):
        client.force_login(world.kader_a)
        html = names(client.get(reverse("tugas:mine")))
        assert "Target saya bulan ini" in html
        client.force_login(world.puskesmas_staff)
        html = names(client.get(reverse("tugas:targets")))
        assert "Posyandu Melati" in html and "Posyandu Kenanga" not in html

    def test_targets_page_picks_a_month_and_shows_small_counts_without_percent(self, client, world):
        month = date(2026, 9, 1)
        kids = [person(world.posyandu_a, date(2025, 1, 10), nama=f"K{i}") for i in range(4)]
        for kid in kids[:3]:
            measure(kid, month + timedelta(days=9))
        client.force_login(world.puskesmas_staff)
        html = client.get(reverse("tugas:targets") + "?bulan=2026-09").content.decode()
        assert 'name="bulan" value="2026-09"' in html
        melati = html[html.index("Posyandu Melati") :]
        # D/S of 3 of 4 children: counts, no percentage (fewer than 5 in the denominator)
        assert '<span class="target-value">3 / 4</span>' in melati
        assert "75%" not in melati.split("</section>")[0]


def test_recompute_command(world, tasks, capsys):
    Tugas.objects.all().delete()
    call_command("recompute_tasks")
    assert "created" in capsys.readouterr().out
    assert Tugas.objects.filter(aturan="2t").count() == 2


class TestPagingAndFilters:
    """A Puskesmas or Dinkes list of thousands of tasks: 50 a page, counts per group, and
    filters by Posyandu (named with its desa), priority and type."""

    @pytest.fixture
    def many(self, world):
        today = timezone.localdate()
        world.posyandu_b.nama = world.posyandu_a.nama  # two "Posyandu Melati" in two desa
        world.posyandu_b.save()
        rows = []
        for i in range(60):
            p = person(
                [world.posyandu_a, world.posyandu_b][i % 2],
                today - timedelta(days=400),
                nama=f"Anak {i:02d}",
            )
            for code, prio, due in (("2t", 1, -3 - i), ("stunting_baru", 2, i % 10)):
                rows.append(
                    Tugas(
                        sasaran=p,
                        posyandu_id=p.posyandu_id,
                        desa_id=p.desa_id,
                        aturan=code,
                        aturan_versi="1",
                        kunci="k",
                        prioritas=prio,
                        params={"tanggal": "01-09-2026", "kategori": "pendek"},
                        tanggal_acuan=today,
                        mulai=today - timedelta(days=20),
                        jatuh_tempo=today + timedelta(days=due),
                        kedaluwarsa=today + timedelta(days=60),
                    )
                )
        Tugas.objects.bulk_create(rows)
        return today

    def test_pages_of_fifty_with_counts_per_group(self, client, world, many):
        client.force_login(world.dinkes_kota)
        response = client.get(reverse("tugas:mine") + "?semua=1")
        page = response.context["page"]
        assert (page.paginator.count, len(page.object_list), page.paginator.num_pages) == (
            120,
            50,
            3,
        )
        # 60 2T overdue; stunting due today (i % 10 == 0: 6), this week (1-6: 36), later (18).
        assert response.context["counts"] == {
            "terlambat": 60,
            "hari_ini": 6,
            "minggu_ini": 36,
            "nanti": 18,
        }
        html = response.content.decode()
        assert "Terlambat" in html and ">60</span>" in html
        assert "page=2" in html and "semua=1" in html
        last = client.get(reverse("tugas:mine") + "?semua=1&page=3").context["page"]
        assert len(last.object_list) == 20
        assert client.get(reverse("tugas:mine") + "?semua=1&page=abc").status_code == 200

    def test_filters_by_group_priority_type_and_posyandu_with_its_desa(self, client, world, many):
        client.force_login(world.dinkes_kota)
        url = reverse("tugas:mine") + "?semua=1"
        late = client.get(url + "&kelompok=terlambat").context["page"]
        assert late.paginator.count == 60 and all(t.aturan == "2t" for t in late.object_list)
        assert client.get(url + "&prioritas=2").context["page"].paginator.count == 60
        assert client.get(url + "&jenis=stunting_baru").context["page"].paginator.count == 60
        response = client.get(url + f"&posyandu={world.posyandu_b.public_id}&jenis=2t")
        assert response.context["page"].paginator.count == 30
        html = response.content.decode()
        desa_a, desa_b = world.posyandu_a.desa.nama, world.posyandu_b.desa.nama
        assert f"Posyandu Melati – {desa_a} (60)" in html
        assert f"Posyandu Melati – {desa_b} (60)" in html
        assert "Tidak naik 2 kali (2T) (60)" in html or "(60)</option>" in html
        # Bad filter values are ignored, never a server error.
        assert (
            client.get(url + "&prioritas=9&jenis=xyz&kelompok=x").context["page"].paginator.count
            == 120
        )
