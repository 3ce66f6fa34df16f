"""Demo step: compute the demo's tasks, then let the demo kader answer a few of them with
home visits (so 'My tasks', the visit list and the targets have something to show)."""

import random
from datetime import date, timedelta

from posyandu.accounts.models import Assignment, Role
from posyandu.kunjungan_rumah.services import MemberInput, home_visit_record
from posyandu.tugas.engine import recompute
from posyandu.tugas.models import Tugas

VISITS_PER_KADER = 4


def seed(rng: random.Random, today: date) -> dict[str, int]:
    result = recompute(today=today)
    visits = 0
    kader = Assignment.objects.filter(role=Role.KADER, user__is_demo=True).select_related(
        "user", "posyandu"
    )
    for assignment in kader:
        if assignment.posyandu is None:  # a kader assignment always names its Posyandu
            continue
        open_tasks = list(
            Tugas.objects.filter(
                posyandu=assignment.posyandu,
                status=Tugas.Status.TERBUKA,
                aturan__in=["2t", "gizi_buruk_kurang", "belum_ditimbang", "stunting_baru"],
            )
            .select_related("sasaran")
            .prefetch_related("sasaran__keluarga")
            .order_by("jatuh_tempo", "id")
        )
        # Answer some, leave the rest (and all overdue ones) for the kader to find.
        for task in open_tasks[1 : 1 + VISITS_PER_KADER]:
            day = max(task.mulai, today - timedelta(days=rng.randint(0, 3)))
            if day > today:
                continue
            home_visit_record(
                by=assignment.user,
                posyandu=assignment.posyandu,
                keluarga=task.sasaran.keluarga,
                tanggal=day,
                members=[MemberInput(task.sasaran, {"ditimbang_bulan_ini": False})],
                temuan="Ibu menyampaikan anak susah makan." if rng.random() < 0.5 else "",
                tindakan="Edukasi PMBA, diminta datang ke Posyandu bulan depan.",
                tugas=[task],
            )
            visits += 1
    return {
        "tugas": result.created,
        "tugas_terbuka": result.open - visits,
        "kunjungan_rumah": visits,
    }
