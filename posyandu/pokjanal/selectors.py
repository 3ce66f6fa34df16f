"""Reads of the Pokjanal workspace for a region the user covers (aggregate scope)."""

from functools import cache
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from posyandu.accounts.scope import restrict
from posyandu.core.periods import period_of
from posyandu.core.rules import load_rule
from posyandu.fasilitas.models import Posyandu
from posyandu.kader.models import Kader, Tingkat
from posyandu.laporan.registry import MapValue
from posyandu.pokjanal.models import (
    Anggota,
    KunjunganPembinaan,
    ProgramOpd,
    Rapat,
    StrataBulanan,
    TindakLanjut,
)
from posyandu.pokjanal.strata import labels, rules
from posyandu.wilayah.models import in_region


def kader_counts(kader: QuerySet[Kader]) -> dict[int, dict[str, Any]]:
    """Per Posyandu: active kader, of them trained (a training recorded) and per competency
    level. Distinct counts: the join on the trainings repeats a kader once per training."""
    active = Q(aktif=True)
    trained = active & Q(pelatihan__isnull=False, pelatihan__deleted_at__isnull=True)
    return {
        r["posyandu_id"]: r
        for r in kader.values("posyandu_id").annotate(
            n_aktif=Count("id", filter=active, distinct=True),
            terlatih=Count("id", filter=trained, distinct=True),
            purwa=Count("id", filter=active & Q(tingkat=Tingkat.PURWA), distinct=True),
            madya=Count("id", filter=active & Q(tingkat=Tingkat.MADYA), distinct=True),
            utama=Count("id", filter=active & Q(tingkat=Tingkat.UTAMA), distinct=True),
        )
    }


@cache
def kader_minimum() -> int:
    """The fewest active kader a Posyandu should have (the Posyandu guideline, read from
    rules/kader_minimum.json here only)."""
    return int(load_rule("pokjanal", "kader_minimum").data["min_active_kader"])


def kader_row(counts: dict[str, Any] | None) -> dict[str, Any]:
    """One Posyandu's kader counts of `kader_counts` (zeros when it has no kader) and
    `kurang`: fewer active kader than `kader_minimum`."""
    row = {"n_aktif": 0, "terlatih": 0, "purwa": 0, "madya": 0, "utama": 0, **(counts or {})}
    return {**row, "kurang": row["n_aktif"] < kader_minimum()}


def workspace(*, user: Any, kode: str, periode: str) -> dict[str, Any]:
    posyandu = restrict(Posyandu.objects.filter(in_region("desa__kode", kode)), user, "aggregate")
    posyandu = posyandu.select_related("desa").order_by("desa_id", "nama")
    strata = {
        s.posyandu_id: s
        for s in StrataBulanan.objects.filter(in_region("desa_kode", kode), periode=periode)
    }
    kader = kader_counts(Kader.objects.filter(posyandu__in=posyandu))
    rows = [
        {
            "posyandu": p,
            "strata": strata.get(p.id),
            "penahan": labels(strata[p.id].penahan) if p.id in strata else [],
            "kader": kader_row(kader.get(p.id)),
        }
        for p in posyandu
    ]
    by_strata: dict[str, int] = {}
    for row in rows:
        code = row["strata"].strata if row["strata"] else "-"
        by_strata[code] = by_strata.get(code, 0) + 1
    return {
        "rows": rows,
        "by_strata": by_strata,
        "kader_kurang": [r for r in rows if r["kader"]["kurang"]],
        "kader_minimum": kader_minimum(),
        "anggota": restrict(
            Anggota.objects.filter(in_region("wilayah__kode", kode)), user, "aggregate"
        ),
        "rapat": restrict(
            Rapat.objects.filter(in_region("wilayah__kode", kode)), user, "aggregate"
        ).prefetch_related("tindak_lanjut__penanggung_jawab")[:10],
        "terbuka": restrict(
            TindakLanjut.objects.filter(
                in_region("rapat__wilayah__kode", kode), selesai__isnull=True
            ),
            user,
            "aggregate",
        ).select_related("penanggung_jawab", "rapat"),
        "program": restrict(
            ProgramOpd.objects.filter(in_region("desa__kode", kode)), user, "aggregate"
        ).select_related("desa", "posyandu"),
        "pembinaan": restrict(
            KunjunganPembinaan.objects.filter(in_region("posyandu__desa__kode", kode)),
            user,
            "aggregate",
        ).select_related("posyandu")[:20],
    }


# The strata's colours on the map, as Posyandu guidance draws them: Pratama red, Madya yellow,
# Purnama green, Mandiri blue.
STRATA_FILLS = {
    "pratama": "#e2766b",
    "madya": "#f2cc5b",
    "purnama": "#7cc4a4",
    "mandiri": "#6f9fd8",
}


def strata_legend() -> list[tuple[str, str, str]]:
    """(stratum code, name, fill) low to high, then units with no stratum computed."""
    keys = [
        (s["code"], s["name"], STRATA_FILLS.get(s["code"], "#e3e7ec")) for s in rules()["strata"]
    ]
    return [*keys, ("", _("no strata computed"), "#e3e7ec")]


def strata_by_unit(kode: str, month: int, units: list[str]) -> dict[str, MapValue]:
    """The strata map of the units below `kode` in `month`: each unit coloured by the median
    stratum of its Posyandu (the lower one of an even count: half its Posyandu are at it or
    below), shown with how many of them reached the two highest strata (Purnama, Mandiri).
    Units without a computed stratum are left out. Aggregate data: no person is read."""
    order = [s["code"] for s in rules()["strata"]]
    names = {s["code"]: s["name"] for s in rules()["strata"]}
    found = StrataBulanan.objects.filter(periode=period_of(month))
    if kode:
        found = found.filter(in_region("desa_kode", kode))
    ranks: dict[str, list[int]] = {}
    for desa, code in found.values_list("desa_kode", "strata"):
        unit = next((u for u in units if desa == u or desa.startswith(u + ".")), None)
        if unit is not None and code in order:
            ranks.setdefault(unit, []).append(order.index(code))
    top = order[-2:]
    values = {}
    for unit, got in ranks.items():
        got.sort()
        median = order[got[(len(got) - 1) // 2]]
        text = _("%(stratum)s (median of %(n)s Posyandu; %(top)s %(names)s)") % {
            "stratum": names[median],
            "n": len(got),
            "top": sum(1 for r in got if order[r] in top),
            "names": "/".join(names[c] for c in top),
        }
        values[unit] = MapValue(median, text)
    return values
