"""The menu each role sees. Items point at views whose scope the role passes."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from posyandu.accounts.scope import (
    can_import_people,
    does_follow_up,
    exchanges_with_dhis2,
    resolves_sync_conflicts,
    scope_for,
    sends_to_satusehat,
    supervises_follow_up,
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


def menu_for(user: Any) -> list[NavItem]:
    scope = scope_for(user)
    items = [NavItem(str(_("Home")), reverse("home"))]
    if scope.aggregate:
        items.append(NavItem(str(_("Regions")), reverse("wilayah:browse")))
        items.append(NavItem(str(_("Posyandu")), reverse("fasilitas:posyandu_list")))
        items.append(NavItem(str(_("Dashboard")), reverse("laporan:home")))
    if scope.personal:
        items.append(NavItem(str(_("Posyandu day")), reverse("sesi:list")))
        items.append(NavItem(str(_("People")), reverse("sasaran:list")))
        items.append(NavItem(str(_("Referrals")), reverse("rujukan:list")))
        items.append(NavItem(str(_("Kader")), reverse("kader:list")))
    elif scope.aggregate:  # a Pokjanal: the kader of its region, without contact data (SDM)
        items.append(NavItem(str(_("Kader")), reverse("kader:list")))
    if does_follow_up(user):
        items.append(NavItem(str(_("My tasks")), reverse("tugas:mine")))
        items.append(NavItem(str(_("Home visits")), reverse("kunjungan_rumah:list")))
    if scope.personal and can_import_people(user):
        items.append(NavItem("e-PPGBM / Excel", reverse("pertukaran:index")))
    if supervises_follow_up(user):
        items.append(NavItem(str(_("Follow-up by Posyandu")), reverse("tugas:supervision")))
    if scope.personal and resolves_sync_conflicts(user):
        items.append(NavItem(str(_("Sync conflicts")), reverse("sinkron:konflik")))
    if scope.personal and sends_to_satusehat(user):
        items.append(NavItem("SATUSEHAT", reverse("satusehat:list")))
    if scope.aggregate and exchanges_with_dhis2(user):
        items.append(NavItem("DHIS2", reverse("dhis2:index")))
        # The same roles (Dinkes, admin) import the yearly target populations (issue 15).
        items.append(NavItem(str(_("Target populations")), reverse("laporan:proyeksi")))
    if user.is_superuser:
        items.append(NavItem(str(_("Administration")), reverse("admin:index")))
    return items
