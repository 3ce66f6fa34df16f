"""The strata and kader panel on the Posyandu dashboard (laporan)."""

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from posyandu.core.registry import Panel
from posyandu.kader.models import Kader
from posyandu.laporan.periods import period_of
from posyandu.pokjanal.models import StrataBulanan
from posyandu.pokjanal.strata import rules


def strata_panel(request: Any, posyandu: Any, month: int) -> list[Panel]:
    strata = StrataBulanan.objects.filter(posyandu=posyandu, periode=period_of(month)).first()
    kader = Kader.objects.filter(posyandu=posyandu).aggregate(
        n_aktif=Count("id", filter=Q(aktif=True)),
        terlatih=Count("id", filter=Q(aktif=True, pelatihan__isnull=False), distinct=True),
    )
    return [
        Panel(
            key="strata",
            title=_("Posyandu strata and kader"),
            template="pokjanal/_strata_panel.html",
            context={"strata": strata, "kader": kader, "indicators": rules()["indicators"]},
            order=60,
        )
    ]
