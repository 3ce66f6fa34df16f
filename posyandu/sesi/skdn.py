"""S, K and D of SKDN: the one definition the session summary (sesi.summary), the reports
(laporan.skdn, laporan.build) and the targets page (tugas.targets) share.

- S on a day: children in the band BALITA (0-59 completed months, sasaran.life_stage) on that
  day and present on it (sasaran.selectors.present_on_q): active, or moved away / died only
  after it; a merged record never counts. S of a month is S on the month's last day, so a
  child who moved in April still counts in March.
- K: of S, has a KMS / Buku KIA.
- D: of S, weighed at least once in the month, wherever (Posyandu day, home visit, API).

N, T, O, B, 2T and nutrition need the months before: laporan.skdn computes them over many
months with `in_s` below. Lives in sesi (below tugas and laporan) so that both can use it.
"""

from datetime import date

from django.db.models import Count, Q, QuerySet

from posyandu.core.periods import first_day, last_day
from posyandu.sasaran.life_stage import BALITA, born_in_q, is_balita
from posyandu.sasaran.models import Sasaran
from posyandu.sasaran.selectors import present_on, present_on_q
from posyandu.sesi.models import Pengukuran


def in_s(birth: date, status: str, status_sejak: date | None, on: date) -> bool:
    """In S on `on` (a month's S: its last day), from one child's values."""
    return birth <= on and is_balita(birth, on) and present_on(status, status_sejak, on)


def s_of(on: date) -> QuerySet[Sasaran]:
    """The children in S on `on` (a month's S: its last day), every Posyandu."""
    return Sasaran.objects.filter(present_on_q(on), born_in_q(BALITA, on))


def weighings_of_month(month: int, children: QuerySet[Sasaran]) -> QuerySet[Pengukuran]:
    """The weighings of the month of `children` (D: the children with at least one)."""
    return Pengukuran.objects.filter(
        Q(sasaran__in=children),
        tanggal__range=(first_day(month), last_day(month)),
        berat_kg__isnull=False,
    )


def skd_by_posyandu(posyandu_ids: list[int], month: int) -> dict[int, tuple[int, int, int]]:
    """{posyandu id: (S, K, D)} of the month, for many Posyandu in two grouped queries
    (a Posyandu with no child in S is absent)."""
    s = s_of(last_day(month)).filter(posyandu_id__in=posyandu_ids)
    sk = s.values("posyandu_id").annotate(
        s=Count("id"), k=Count("id", filter=Q(punya_buku_kia=True))
    )
    d = (
        weighings_of_month(month, s)
        .values("sasaran__posyandu_id")
        .annotate(n=Count("sasaran_id", distinct=True))
    )
    weighed = {row["sasaran__posyandu_id"]: row["n"] for row in d}
    return {
        row["posyandu_id"]: (row["s"], row["k"], weighed.get(row["posyandu_id"], 0)) for row in sk
    }
