"""What the Posyandu day adds to other apps' screens through core.registry: the growth charts
(KMS) in a person's history, and a check-in as the apps below sesi see it (referrals)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from posyandu.accounts.scope import restrict
from posyandu.core.registry import Panel, VisitRef
from posyandu.sasaran.life_stage import completed_months
from posyandu.sasaran.models import Sasaran
from posyandu.sesi import kms
from posyandu.sesi.models import Kunjungan

KMS_MAX_MONTHS = 72  # the charts stay on the page a year past the last KMS month (60)


def history_panels(request: Any, sasaran: Sasaran) -> list[Panel]:
    """The three KMS charts of a child under six who has been weighed."""
    if completed_months(sasaran.tanggal_lahir, timezone.localdate()) >= KMS_MAX_MONTHS:
        return []
    measurements = list(sasaran.pengukuran.all())
    if not any(m.berat_kg for m in measurements):
        return []
    charts = [kms.build_chart(key, sasaran, measurements) for key in kms.INDICATORS]
    context = {"sasaran": sasaran, "charts": charts}
    return [Panel("kms", _("Growth charts (KMS)"), "sesi/_kms_panel.html", context, order=10)]


def visit_ref(user: Any, public_id: str) -> VisitRef | None:
    """A check-in the user may see, by id (a referral made from the visit page)."""
    kunjungan = (
        restrict(Kunjungan.objects.select_related("sesi"), user, "personal")
        .filter(public_id=public_id)
        .first()
    )
    if kunjungan is None:
        return None
    url = reverse("sesi:kunjungan", args=[kunjungan.public_id])
    return VisitRef(tanggal=kunjungan.sesi.tanggal, url=url)
