"""The one place that decides which records a user may see.

Deny by default: a user with no active assignment sees nothing. Every query for people,
records or facilities goes through `restrict`, which needs the model to say where its region
and Posyandu live (`scope_fields`).
"""

from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from posyandu.accounts.models import Assignment, Role

Kind = Literal["personal", "aggregate"]
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Access:
    """Everything, or the union of some Posyandu and some region subtrees."""

    everything: bool = False
    posyandu_ids: frozenset[int] = frozenset()
    prefixes: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return self.everything or bool(self.posyandu_ids or self.prefixes)

    def q(self, wilayah_field: str | tuple[str, ...] | None, posyandu_field: str | None) -> Q:
        """`wilayah_field` may name several region paths: a row matches through any of them."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        if posyandu_field and self.posyandu_ids:
            condition |= Q(**{f"{posyandu_field}__in": sorted(self.posyandu_ids)})
        wilayah_fields = (wilayah_field,) if isinstance(wilayah_field, str) else wilayah_field
        exact = sorted(p for p in self.prefixes if len(p) == 13)
        wider = sorted(p for p in self.prefixes if len(p) < 13)
        for path in wilayah_fields or ():
            if exact:
                condition |= Q(**{f"{path}__in": exact})
            for prefix in wider:
                condition |= Q(**{path: prefix})
                condition |= Q(**{f"{path}__startswith": prefix + "."})
        return condition

    def covers_region(self, kode: str) -> bool:
        """True when the whole region lies inside this access (not just a Posyandu in it)."""
        return self.everything or any(kode == p or kode.startswith(p + ".") for p in self.prefixes)

    def union(self, other: "Access") -> "Access":
        return Access(
            everything=self.everything or other.everything,
            posyandu_ids=self.posyandu_ids | other.posyandu_ids,
            prefixes=self.prefixes | other.prefixes,
        )


@dataclass(frozen=True)
class Scope:
    personal: Access = field(default_factory=Access)
    aggregate: Access = field(default_factory=Access)
    roles: frozenset[str] = frozenset()

    def access(self, kind: Kind) -> Access:
        return self.personal if kind == "personal" else self.aggregate

    def top_regions(self) -> list[str]:
        """The widest region codes of the aggregate access, for the region browser."""
        codes = sorted(self.aggregate.prefixes, key=len)
        return [c for i, c in enumerate(codes) if not any(c.startswith(p + ".") for p in codes[:i])]


def _access_of(assignment: Assignment) -> tuple[Access, Access]:
    role = assignment.role
    if role == Role.ADMIN:
        everything = Access(everything=True)
        return everything, everything
    if role == Role.KADER:
        posyandu_id = assignment.posyandu_id  # clean() requires it; without one: nothing
        mine = Access(posyandu_ids=frozenset() if posyandu_id is None else frozenset({posyandu_id}))
        return mine, mine
    if role == Role.PUSKESMAS:
        puskesmas = assignment.puskesmas
        assert puskesmas is not None, "clean(): a Puskesmas role names its Puskesmas"
        desa = frozenset(puskesmas.wilayah_kerja.values_list("kode", flat=True))
        served = frozenset(puskesmas.posyandu.values_list("id", flat=True))
        area = Access(posyandu_ids=served, prefixes=desa)
        return area, Access(posyandu_ids=served, prefixes=desa | {puskesmas.kecamatan_id})
    assert assignment.wilayah_id is not None, "clean(): the other roles name a region"
    region = Access(prefixes=frozenset({assignment.wilayah_id}))
    if role in (Role.POKJANAL_KECAMATAN, Role.POKJANAL_KABKOTA):
        return (region if assignment.can_see_personal else Access()), region
    return region, region  # bidan (desa), dinkes (kab/kota)


def scope_for(user: Any) -> Scope:
    """The user's scope, computed once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    personal, aggregate, roles = Access(), Access(), set()
    if user.is_superuser:
        personal = aggregate = Access(everything=True)
        roles.add(Role.ADMIN.value)
    assignments = user.assignments.filter(active=True).select_related("puskesmas")
    for assignment in assignments:
        mine, area = _access_of(assignment)
        personal, aggregate = personal.union(mine), aggregate.union(area)
        roles.add(assignment.role)
    scope = Scope(personal=personal, aggregate=aggregate, roles=frozenset(roles))
    user._scope_cache = scope
    return scope


def restrict(queryset: QuerySet, user: Any, kind: Kind = "personal") -> QuerySet:
    """The rows of `queryset` the user may see. The model must declare `scope_fields`."""
    model: type[Model] = queryset.model
    fields = getattr(model, "scope_fields", None)
    if fields is None:
        raise TypeError(f"{model.__name__} declares no scope_fields; it cannot be scoped")
    access = scope_for(user).access(kind)
    if not access:
        return queryset.none()
    condition = access.q(fields.get("wilayah"), fields.get("posyandu"))
    filtered = queryset.filter(condition)
    return filtered.distinct() if fields.get("distinct") else filtered


def visible_or_404(queryset: QuerySet[M], user: Any, kind: Kind, **lookup: Any) -> M:
    """The one row of `queryset` matching `lookup` that the user may see. Missing and out of
    scope are the same 404, so a response never tells that a record exists elsewhere."""
    return get_object_or_404(restrict(queryset, user, kind), **lookup)


# Menu entries for follow-up work (the views check scope; these say who the entry is for).
FOLLOW_UP_ROLES = frozenset({Role.KADER, Role.BIDAN, Role.PUSKESMAS, Role.ADMIN})


def does_follow_up(user: Any) -> bool:
    """Follows people up in person ("My tasks", home visits): kader, bidan, Puskesmas, admin
    with personal access."""
    scope = scope_for(user)
    return bool(scope.personal and scope.roles & FOLLOW_UP_ROLES)


def supervises_follow_up(user: Any) -> bool:
    """Watches the follow-up of several Posyandu: any role with aggregate access but kader."""
    scope = scope_for(user)
    return bool(scope.aggregate and scope.roles - {Role.KADER})


# Who may do what beyond seeing records: named checks, so that no app compares roles itself.
MERGE_ROLES = frozenset({Role.BIDAN, Role.PUSKESMAS, Role.ADMIN})
# Who answers a referral: the Puskesmas (or the bidan of its Pustu), never the kader who sent it.
REFERRAL_ANSWER_ROLES = frozenset({Role.PUSKESMAS, Role.BIDAN, Role.ADMIN})


def can_merge_people(user: Any) -> bool:
    """Merging two records of one person (a duplicate) is for the bidan, Puskesmas or admin."""
    return bool(scope_for(user).roles & MERGE_ROLES)


# Who decides a transfer request ("pindah masuk") for a person of their area: the bidan of
# the person's Posyandu, its Puskesmas, an admin. Never a kader (nor the requester's side).
TRANSFER_DECIDE_ROLES = frozenset({Role.BIDAN, Role.PUSKESMAS, Role.ADMIN})


def can_decide_transfers(user: Any) -> bool:
    return bool(scope_for(user).roles & TRANSFER_DECIDE_ROLES)


# Exports of personal rows (even pseudonymized) are for roles with personal access: never a
# Pokjanal member without case management (aggregate only).
def has_personal_access(user: Any) -> bool:
    return bool(scope_for(user).personal)


def can_answer_referrals(user: Any) -> bool:
    return bool(scope_for(user).roles & REFERRAL_ANSWER_ROLES)


# Importing workbooks of people and measurements (pertukaran): the bidan, the Puskesmas or an
# admin, into the Posyandu they may see; undoing a whole import: an admin only.
IMPORT_ROLES = frozenset({Role.BIDAN, Role.PUSKESMAS, Role.ADMIN})


def can_import_people(user: Any) -> bool:
    return bool(scope_for(user).roles & IMPORT_ROLES)


def can_undo_import(user: Any) -> bool:
    return Role.ADMIN in scope_for(user).roles


# Who sends the aggregate figures to DHIS2 and reads the import results: Dinkes, admin.
DHIS2_ROLES = frozenset({Role.DINKES, Role.ADMIN})


def exchanges_with_dhis2(user: Any) -> bool:
    return bool(scope_for(user).roles & DHIS2_ROLES)


# The Puskesmas holds the SATUSEHAT credentials and watches its outbox; the admin too.
SATUSEHAT_ROLES = frozenset({Role.PUSKESMAS, Role.ADMIN})


def sends_to_satusehat(user: Any) -> bool:
    return bool(scope_for(user).roles & SATUSEHAT_ROLES)


# Field work (follow-up tasks, targets): a kader's and a bidan's own lists; supervisors (the
# Puskesmas, Pokjanal, Dinkes, admin) see the work of every field role.
FIELD_ROLES = frozenset({Role.KADER, Role.BIDAN})


def is_kader(user: Any) -> bool:
    return Role.KADER in scope_for(user).roles


def is_bidan(user: Any) -> bool:
    return Role.BIDAN in scope_for(user).roles


def sees_all_field_work(user: Any) -> bool:
    """Holds a role other than kader or bidan, so sees the tasks of every field role."""
    return bool(scope_for(user).roles - FIELD_ROLES)


def kader_assignments(**filters: Any) -> QuerySet[Assignment]:
    """Active kader assignments, narrowed by `filters` (e.g. user=..., posyandu_id__in=...)."""
    return Assignment.objects.filter(role=Role.KADER, active=True, **filters)


# Who writes in a Pokjanal workspace (members, rakor, programs, pembinaan, strata notes).
POKJANAL_ROLES = frozenset({Role.POKJANAL_KECAMATAN, Role.POKJANAL_KABKOTA})


def region_covers(region: str, kode: str) -> bool:
    """`kode` is `region` or lies below it (region codes are materialized paths)."""
    return kode == region or kode.startswith(region + ".")


def can_write_pokjanal(user: Any, kode: str) -> bool:
    """A Pokjanal kecamatan member writes in their kecamatan (and its desa); a kab/kota member
    in the kab/kota and every kecamatan below; admins everywhere. Other roles only read."""
    if not getattr(user, "is_authenticated", False) or not kode:
        return False
    if user.is_superuser:
        return True
    for role, wilayah in user.assignments.filter(active=True).values_list("role", "wilayah_id"):
        if role == Role.ADMIN:
            return True
        if role in POKJANAL_ROLES and wilayah and region_covers(wilayah, kode):
            return True
    return False


# Corrections (edit, void, undo) of what was entered on the day or at a home visit: the person
# who entered it on the same day; the bidan or Puskesmas of that place (or an admin) any time.
CORRECT_ANY_TIME_ROLES = frozenset({Role.BIDAN, Role.PUSKESMAS, Role.ADMIN})


def entered_today_by(user: Any, record: Any) -> bool:
    """`record` was entered by `user` today (what the person who entered it may still correct,
    and the only entries "urungkan" may undo)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and record.dibuat_oleh_id == user.pk
        and timezone.localdate(record.created_at) == timezone.localdate()
    )


def may_correct(user: Any, record: Any) -> bool:
    """May `user` correct or void `record`? Only records the user may see; then the bidan,
    Puskesmas or admin any time, anyone else only what they entered themselves today."""
    model = type(record)
    visible = restrict(model.all_objects.filter(pk=record.pk), user, "personal").exists()
    if not visible:
        return False
    return bool(scope_for(user).roles & CORRECT_ANY_TIME_ROLES) or entered_today_by(user, record)


def resolves_sync_conflicts(user: Any) -> bool:
    """Decides between two versions of a record edited on two devices (posyandu/sinkron)."""
    return bool(scope_for(user).roles & CORRECT_ANY_TIME_ROLES)
