"""The strata and kader panel on the Posyandu dashboard (laporan)."""

from typing import Any

from django.utils.translation import gettext as _

from posyandu.core.periods import period_of
from posyandu.core.registry import Panel
from posyandu.kader.models import Kader
from posyandu.pokjanal.models import SpmPosyandu, StrataBulanan
from posyandu.pokjanal.selectors import kader_counts, kader_minimum, kader_row
from posyandu.pokjanal.strata import labels, rules


def strata_panel(request: Any, posyandu: Any, month: int) -> list[Panel]:
    strata = StrataBulanan.objects.filter(posyandu=posyandu, periode=period_of(month)).first()
    kader = kader_row(kader_counts(Kader.objects.filter(posyandu=posyandu)).get(posyandu.pk))
    return [
        Panel(
            key="strata",
            title=_("Posyandu strata and kader"),
            template="pokjanal/_strata_panel.html",
            context={
                "strata": strata,
                "penahan": labels(strata.penahan) if strata else [],
                "tidak_tercatat": labels(strata.nilai.get("tidak_tercatat", [])) if strata else [],
                "kader": kader,
                "kader_minimum": kader_minimum(),
                "indicators": rules()["indicators"],
                "tahun": month // 12,
                "spm": SpmPosyandu.objects.filter(posyandu=posyandu, tahun=month // 12).first(),
                "posyandu": posyandu,
            },
            order=60,
        )
    ]
