"""What the Posyandu day adds to other apps' screens through core.registry: the growth charts
(KMS) in a person's history, and a check-in as the apps below sesi see it (referrals)."""

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

import growthstandards as gs
from posyandu.accounts.scope import restrict
from posyandu.core.numbers import format_decimal
from posyandu.core.registry import Panel, VisitRef
from posyandu.sasaran.life_stage import completed_months
from posyandu.sasaran.models import Sasaran
from posyandu.sesi import kms
from posyandu.sesi.models import Kunjungan, Pengukuran

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


def referral_facts(sasaran: Sasaran, on: date) -> list[tuple[str, str]]:
    """The latest measurement on or before `on` and its z-scores with their Permenkes
    category, for an incoming referral (core.registry referral facts)."""
    p = (
        Pengukuran.objects.filter(sasaran=sasaran, tanggal__lte=on)
        .order_by("-tanggal", "-id")
        .first()
    )
    if p is None:
        return []
    parts = []
    if p.berat_kg is not None:
        parts.append(_("weight %(v)s kg") % {"v": format_decimal(p.berat_kg, 1)})
    if p.tinggi_cm is not None:
        parts.append(_("length/height %(v)s cm") % {"v": format_decimal(p.tinggi_cm, 1)})
    if p.lila_cm is not None:
        parts.append(_("LiLA %(v)s cm") % {"v": format_decimal(p.lila_cm, 1)})
    if p.sistole is not None and p.diastole is not None:
        parts.append(_("BP %(s)s/%(d)s mmHg") % {"s": p.sistole, "d": p.diastole})
    if p.status_bb:
        parts.append(_("weight gain %(s)s") % {"s": p.status_bb})
    facts = [(_("Last measured %(d)s") % {"d": f"{p.tanggal:%d-%m-%Y}"}, " · ".join(parts))]
    indices = gs.classification_table()["indices"]
    for index, code in (p.kategori or {}).items():
        cat = next((c for c in gs.categories(index) if c.code == code), None)
        z = p.zbmi if index.startswith("imt") else None
        z = {"bb_u": p.zwei, "pb_tb_u": p.zlen, "bb_pb_tb": p.zwfl, "lk_u": p.zhc}.get(index, z)
        label = cat.label_id if cat else code
        value = f"z {format_decimal(z, 2)} · {label}" if z is not None else str(label)
        facts.append((str(indices[index]["label_id"]), value))
    return facts
